//! Identity document schemes and residence kinds (Linli tables).

crate::code_table! {
    /// Scheme of a personal identifier `[PER-007]`. The scheme decides which check applies to the
    /// value: resident ID numbers are checked against GB 11643 `[PER-008]`.
    pub enum IdentifierScheme: table "identifier-scheme", standard "Linli", zh "证件类型", en "Identifier scheme" {
        /// 居民身份证号码, GB 11643-1999 (18 characters, ISO 7064 MOD 11-2 check character).
        ResidentId = "resident-id", "居民身份证", "Resident identity card (GB 11643)";
        Passport = "passport", "护照", "Passport";
        HongKongMacaoPermit = "hk-macao-permit", "港澳居民来往内地通行证", "Mainland travel permit for Hong Kong and Macao residents";
        TaiwanPermit = "taiwan-permit", "台湾居民来往大陆通行证", "Mainland travel permit for Taiwan residents";
        HongKongMacaoTaiwanResidence = "hmt-residence-permit", "港澳台居民居住证", "Residence permit for Hong Kong, Macao and Taiwan residents";
        ForeignerPermanentResidence = "foreigner-permanent-residence", "外国人永久居留身份证", "Foreign permanent resident ID card";
        Other = "other", "其他证件", "Other identifier";
        /// A pseudonymised identity number: `value` is the keyed-hash token, not a document
        /// number `[SHR-020]`.
        Pseudonym = "pseudonym", "假名化标识", "Pseudonym (keyed hash)";
    }
}

crate::code_table! {
    /// How a person is tied to a place of residence `[PER-011]`.
    pub enum ResidenceKind: table "residence-kind", standard "Linli", zh "居住类型", en "Residence kind" {
        Registered = "registered", "户籍", "Registered household residence (hukou)";
        Permanent = "permanent", "常住", "Permanent resident";
        Floating = "floating", "流动", "Floating population";
        Tenant = "tenant", "租户", "Tenant";
    }
}
