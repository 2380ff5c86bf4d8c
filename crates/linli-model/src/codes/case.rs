//! Case statuses and channels (Linli tables); the state machine is in [`crate::case`].

crate::code_table! {
    /// Status of a case (案件状态) `[CAS-005]`. Legal transitions: [`CaseStatus::may_become`].
    pub enum CaseStatus: table "case-status", standard "Linli", zh "案件状态", en "Case status" {
        Reported = "reported", "已上报", "Reported";
        Accepted = "accepted", "已受理", "Accepted";
        Rejected = "rejected", "不予受理", "Rejected";
        Dispatched = "dispatched", "已派遣", "Dispatched";
        InProgress = "in-progress", "处置中", "In progress";
        Resolved = "resolved", "已处置", "Resolved";
        Verified = "verified", "已核查", "Verified";
        Closed = "closed", "已结案", "Closed";
        Reopened = "reopened", "已重启", "Reopened";
    }
}

impl CaseStatus {
    /// Whether the normative state machine `[CAS-006]` allows moving from `self` to `to`:
    ///
    /// ```text
    /// reported → accepted | rejected
    /// accepted → dispatched
    /// dispatched → in-progress
    /// in-progress → resolved
    /// resolved → verified | in-progress        (verification failed: back to work)
    /// verified → closed | reopened
    /// rejected → closed
    /// closed → reopened
    /// reopened → dispatched
    /// ```
    pub fn may_become(self, to: CaseStatus) -> bool {
        use CaseStatus::*;
        matches!(
            (self, to),
            (Reported, Accepted)
                | (Reported, Rejected)
                | (Accepted, Dispatched)
                | (Dispatched, InProgress)
                | (InProgress, Resolved)
                | (Resolved, Verified)
                | (Resolved, InProgress)
                | (Verified, Closed)
                | (Verified, Reopened)
                | (Rejected, Closed)
                | (Closed, Reopened)
                | (Reopened, Dispatched)
        )
    }

    /// The state every case starts in `[CAS-007]`.
    pub const INITIAL: CaseStatus = CaseStatus::Reported;

    /// Whether the case is finished (nothing more is expected to happen unless reopened).
    pub fn is_terminal(self) -> bool {
        matches!(self, CaseStatus::Closed)
    }
}

crate::code_table! {
    /// Channel through which a case arrived (来源渠道) `[CAS-003]`.
    pub enum CaseChannel: table "case-channel", standard "Linli", zh "来源渠道", en "Case channel" {
        ResidentApp = "resident-app", "居民App/小程序", "Resident app or mini-program";
        GridPatrol = "grid-patrol", "网格员巡查", "Grid worker patrol";
        Hotline12345 = "hotline-12345", "12345热线", "12345 citizen hotline";
        DeviceAlarm = "device-alarm", "设备告警", "Device alarm";
        WalkIn = "walk-in", "来访", "Walk-in";
        Phone = "phone", "电话", "Phone call";
        Higher = "higher-level", "上级交办", "Assigned by a higher level";
        Department = "department", "部门流转", "Transferred from a department";
        Other = "other", "其他渠道", "Other channel";
    }
}

crate::code_table! {
    /// Category of a case (案件类别) `[CAS-004]`: a hierarchical code, `family.name`, after the
    /// urban grid management event classes (GB/T 30428.2 事件 families) adapted to communities.
    pub enum CaseCategory: table "case-category", standard "Linli (after GB/T 30428.2)", zh "案件类别", en "Case category" {
        Sanitation = "environment.sanitation", "环境卫生", "Environmental sanitation";
        Garbage = "environment.garbage", "垃圾堆放", "Garbage piled up";
        Noise = "environment.noise", "噪音扰民", "Noise nuisance";
        IllegalConstruction = "construction.illegal", "违章搭建", "Illegal construction";
        StreetVending = "order.street_vending", "占道经营", "Street vending on public road";
        ParkingDisorder = "order.parking", "乱停乱放", "Disorderly parking";
        FireHazard = "safety.fire_hazard", "消防安全隐患", "Fire safety hazard";
        EbikeCharging = "safety.ebike_charging", "电动车违规充电", "Unsafe e-bike charging";
        HighAltitudeThrow = "safety.high_altitude_throw", "高空抛物", "Object thrown from height";
        GasSafety = "safety.gas", "燃气安全", "Gas safety";
        FacilityDamage = "facility.damage", "设施损坏", "Damaged public facility";
        ElevatorFault = "facility.elevator", "电梯故障", "Elevator fault";
        WaterSupply = "facility.water", "供水问题", "Water supply problem";
        NeighbourDispute = "dispute.neighbour", "邻里纠纷", "Neighbour dispute";
        PropertyDispute = "dispute.property_management", "物业纠纷", "Property-management dispute";
        ElderlyCare = "service.elderly_care", "养老服务", "Elderly care service";
        SocialAssistance = "service.social_assistance", "社会救助", "Social assistance";
        HealthEmergency = "service.health_emergency", "突发疾病", "Health emergency";
        Consultation = "service.consultation", "政策咨询", "Policy consultation";
        Other = "other.other", "其他", "Other";
    }
}
