//! Event categories and severities (Linli tables).

crate::code_table! {
    /// Category of an event `[EVT-003]`: a hierarchical code, `family.name`.
    pub enum EventCategory: table "event-category", standard "Linli", zh "事件类别", en "Event category" {
        HighAltitudeThrow = "alarm.high_altitude_throw", "高空抛物", "Object thrown from height";
        FireLaneBlocked = "alarm.fire_lane_blocked", "消防通道占用", "Fire lane blocked";
        EbikeInElevator = "alarm.ebike_in_elevator", "电动车进电梯", "E-bike in elevator";
        Smoke = "alarm.smoke", "烟雾报警", "Smoke alarm";
        GasLeak = "alarm.gas_leak", "燃气泄漏", "Gas leak";
        WaterLeak = "alarm.water_leak", "水浸报警", "Water leak";
        FallDetected = "alarm.fall_detected", "跌倒检测", "Fall detected";
        EmergencyCall = "alarm.emergency_call", "紧急呼叫", "Emergency call";
        Intrusion = "alarm.intrusion", "非法闯入", "Intrusion";
        Loitering = "alarm.loitering", "徘徊滞留", "Loitering";
        ElevatorTrapped = "alarm.elevator_trapped", "电梯困人", "Person trapped in elevator";
        LowWaterPressure = "alarm.low_water_pressure", "消防水压不足", "Low fire water pressure";
        NoActivity = "alarm.no_activity", "长时间无活动", "No activity for a long time";
        AccessPass = "access.pass", "门禁通行", "Access gate passage";
        AccessDenied = "access.denied", "门禁拒绝", "Access denied";
        VehiclePass = "vehicle.pass", "车辆通行", "Vehicle passage";
        VehicleParkingViolation = "vehicle.parking_violation", "违规停车", "Parking violation";
        SensorReading = "sensor.reading", "传感器读数", "Sensor reading";
        DeviceOnline = "device.online", "设备上线", "Device online";
        DeviceOffline = "device.offline", "设备离线", "Device offline";
        DeviceFault = "device.fault", "设备故障", "Device fault";
        FaceCapture = "capture.face", "人脸抓拍", "Face capture";
        VehicleCapture = "capture.vehicle", "车辆抓拍", "Vehicle capture";
        PatrolFinding = "patrol.finding", "巡查发现", "Patrol finding";
        PatrolCheckIn = "patrol.check_in", "巡查打卡", "Patrol check-in";
        VisitElderly = "care.visit", "走访慰问", "Care visit";
        Other = "other.other", "其他事件", "Other event";
    }
}

impl EventCategory {
    /// The family of the category: the part before the dot (`alarm`, `access`, ...).
    pub fn family(self) -> &'static str {
        let code = crate::codes::CodeTable::code(self);
        code.split('.').next().unwrap_or(code)
    }
}

crate::code_table! {
    /// Severity of an event `[EVT-006]`, in increasing order.
    pub enum Severity: table "severity", standard "Linli", zh "严重程度", en "Severity" {
        Info = "info", "提示", "Info";
        Low = "low", "低", "Low";
        Medium = "medium", "中", "Medium";
        High = "high", "高", "High";
        Critical = "critical", "紧急", "Critical";
    }
}
