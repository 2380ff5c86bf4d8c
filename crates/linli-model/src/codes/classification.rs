//! Data classification of records and sensitivity classes of fields (Linli tables).

crate::code_table! {
    /// Classification of a whole record, carried in `meta.classification` `[COR-012]`.
    pub enum DataClassification: table "data-classification", standard "Linli", zh "数据分级", en "Data classification" {
        Public = "public", "公开", "Public";
        Internal = "internal", "内部", "Internal";
        Restricted = "restricted", "受限", "Restricted";
        Confidential = "confidential", "机密", "Confidential";
    }
}

crate::code_table! {
    /// Sensitivity class of a field holding personal information `[PRI-001]`, carried in the
    /// schemas as the `x-linli-sensitivity` keyword.
    pub enum Sensitivity: table "sensitivity", standard "Linli (PIPL art. 4, art. 28)", zh "个人信息敏感级别", en "Personal-information sensitivity" {
        /// 个人信息 (PIPL art. 4): names, contact data, addresses, household ties.
        Personal = "personal", "个人信息", "Personal information";
        /// 敏感个人信息 (PIPL art. 28): identity numbers, biometrics, health, religion, precise
        /// location tracks, minors' data, financial hardship.
        Sensitive = "sensitive", "敏感个人信息", "Sensitive personal information";
    }
}

crate::code_table! {
    /// Level at which a dataset is shared, declared in its manifest `[DAT-012]`.
    pub enum SharingLevel: table "sharing-level", standard "Linli", zh "共享级别", en "Sharing level" {
        /// Within the producing organization.
        Internal = "internal", "内部使用", "Internal";
        /// Between government departments (部门间共享).
        InterDepartment = "inter-department", "部门间共享", "Inter-department";
        /// Open data (公开).
        Public = "public", "公开", "Public";
    }
}
