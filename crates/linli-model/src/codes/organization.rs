//! Organization kinds (Linli table).

crate::code_table! {
    /// Kind of an organization `[ORG-004]`.
    pub enum OrganizationKind: table "organization-kind", standard "Linli", zh "组织类型", en "Organization kind" {
        ResidentCommittee = "resident-committee", "居民委员会", "Resident committee";
        VillageCommittee = "village-committee", "村民委员会", "Village committee";
        SubDistrictOffice = "sub-district-office", "街道办事处", "Sub-district office";
        TownGovernment = "town-government", "乡镇人民政府", "Town government";
        GovernmentDepartment = "government-department", "政府部门", "Government department";
        PoliceStation = "police-station", "派出所", "Police station";
        OwnersCommittee = "owners-committee", "业主委员会", "Homeowners' committee";
        PropertyManagement = "property-management", "物业服务企业", "Property-management company";
        Vendor = "vendor", "系统供应商", "System vendor";
        Enterprise = "enterprise", "企业", "Enterprise";
        SocialOrganization = "social-organization", "社会组织", "Social organization";
        PublicInstitution = "public-institution", "事业单位", "Public institution";
        Other = "other", "其他组织", "Other organization";
    }
}
