//! Thing kinds, statuses and plate colours (Linli tables; plate colours follow GA 36).

crate::code_table! {
    /// Kind of a thing `[THG-003]`: a device, a vehicle or a public facility (部件). The prefix
    /// before the dot is the family.
    pub enum ThingKind: table "thing-kind", standard "Linli", zh "物品类型", en "Thing kind" {
        Camera = "device.camera", "摄像机", "Camera";
        AccessGate = "device.access-gate", "门禁", "Access gate";
        BarrierGate = "device.barrier-gate", "道闸", "Vehicle barrier gate";
        FaceTerminal = "device.face-terminal", "人脸识别终端", "Face recognition terminal";
        SmokeSensor = "device.smoke-sensor", "烟感探测器", "Smoke sensor";
        GasSensor = "device.gas-sensor", "燃气探测器", "Gas sensor";
        WaterSensor = "device.water-sensor", "水浸传感器", "Water leak sensor";
        WaterPressureSensor = "device.water-pressure-sensor", "消防水压传感器", "Fire water pressure sensor";
        TemperatureSensor = "device.temperature-sensor", "温度传感器", "Temperature sensor";
        DoorSensor = "device.door-sensor", "门磁", "Door sensor";
        Elevator = "device.elevator", "电梯", "Elevator";
        EbikeChargingPile = "device.ebike-charging-pile", "电动自行车充电桩", "E-bike charging pile";
        AlarmButton = "device.alarm-button", "紧急呼叫按钮", "Emergency alarm button";
        SmartMeter = "device.smart-meter", "智能表计", "Smart meter";
        WearableAlarm = "device.wearable", "智能手环", "Wearable alarm device";
        OtherDevice = "device.other", "其他设备", "Other device";
        MotorVehicle = "vehicle.motor", "机动车", "Motor vehicle";
        NonMotorVehicle = "vehicle.non-motor", "非机动车", "Non-motor vehicle";
        ManholeCover = "facility.manhole-cover", "井盖", "Manhole cover";
        StreetLamp = "facility.street-lamp", "路灯", "Street lamp";
        FireHydrant = "facility.fire-hydrant", "消火栓", "Fire hydrant";
        FireExtinguisher = "facility.fire-extinguisher", "灭火器", "Fire extinguisher";
        TrashBin = "facility.trash-bin", "垃圾箱", "Trash bin";
        Bench = "facility.bench", "座椅", "Bench";
        OtherFacility = "facility.other", "其他部件", "Other public facility";
    }
}

impl ThingKind {
    /// `device`, `vehicle` or `facility`.
    pub fn family(self) -> &'static str {
        let code = crate::codes::CodeTable::code(self);
        code.split('.').next().unwrap_or(code)
    }
}

crate::code_table! {
    /// Operating status of a thing `[THG-006]`.
    pub enum ThingStatus: table "thing-status", standard "Linli", zh "运行状态", en "Thing status" {
        Online = "online", "在线", "Online";
        Offline = "offline", "离线", "Offline";
        Fault = "fault", "故障", "Fault";
        Maintenance = "maintenance", "维护中", "Under maintenance";
        Decommissioned = "decommissioned", "已停用", "Decommissioned";
    }
}

crate::code_table! {
    /// Colour of a vehicle plate (GA 36 号牌颜色) `[THG-008]`.
    pub enum PlateColor: table "plate-color", standard "GA 36-2018", zh "号牌颜色", en "Plate colour" {
        Blue = "blue", "蓝牌", "Blue";
        Yellow = "yellow", "黄牌", "Yellow";
        Green = "green", "绿牌（新能源）", "Green (new energy)";
        YellowGreen = "yellow-green", "黄绿牌（新能源大型车）", "Yellow-green (large new-energy vehicle)";
        White = "white", "白牌", "White";
        Black = "black", "黑牌", "Black";
        Other = "other", "其他颜色", "Other";
    }
}
