//! Care tags used by elderly care and social assistance (Linli table).

crate::code_table! {
    /// Care and assistance tags of a person `[PER-014]`. All of them are sensitive personal
    /// information (PIPL art. 28: health, minors, financial hardship).
    pub enum CareTag: table "care-tag", standard "Linli", zh "关爱标签", en "Care tag" {
        ElderlyLivingAlone = "elderly-living-alone", "独居老人", "Elderly living alone";
        ElderlyEmptyNest = "elderly-empty-nest", "空巢老人", "Empty-nest elderly";
        ElderlyAdvanced = "elderly-advanced-age", "高龄老人", "Elderly of advanced age (80+)";
        Disability = "disability", "残疾人", "Person with disability";
        SevereIllness = "severe-illness", "重病患者", "Person with severe illness";
        MentalDisorder = "severe-mental-disorder", "严重精神障碍患者", "Person with severe mental disorder";
        MinimumIncome = "minimum-income", "低保", "Minimum living allowance (dibao)";
        LowIncomeMargin = "low-income-margin", "低保边缘", "Low-income margin household";
        SpecialHardship = "special-hardship", "特困供养", "Special hardship support (tekun)";
        Veteran = "veteran", "退役军人", "Veteran";
        LeftBehindChild = "left-behind-child", "留守儿童", "Left-behind child";
        DistressedChild = "distressed-child", "困境儿童", "Child in distress";
        LeftBehindElderly = "left-behind-elderly", "留守老人", "Left-behind elderly";
        Pregnant = "pregnant", "孕产妇", "Pregnant or postpartum woman";
        CommunityCorrection = "community-correction", "社区矫正对象", "Person under community correction";
    }
}
