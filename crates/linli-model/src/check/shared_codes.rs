//! The finding codes the validator's table shares with the crates below it in the crate graph
//! (the masker of `linli-privacy`, the generator of `linli-synth`): reading JSON, reading a
//! record, the shapes of the schemas, the dataset rules a seeded defect aims at, and the leak
//! checks of the sharing levels. Each row is written here once; the validator's table
//! (`linli_validate::codes`, spec chapter 21) lists these codes by name from this table, so that
//! a code a lower crate reports is the validator's code, level, requirement and title, typed.

use super::Level;

macro_rules! shared_codes {
    ($($variant:ident = $code:literal, $level:ident, $req:literal, $group:literal, $zh:literal, $en:literal;)+) => {
        /// A finding code reported both by the validator and by a crate below it; its row in
        /// spec chapter 21 is the validator's.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum SharedCode {
            $(#[doc = concat!("`", $code, "` (", $req, "): ", $en)] $variant,)+
        }

        impl SharedCode {
            /// Every shared code.
            pub const ALL: &'static [SharedCode] = &[$(SharedCode::$variant),+];

            /// The stable code as reported.
            pub const fn as_str(self) -> &'static str {
                match self { $(SharedCode::$variant => $code,)+ }
            }
            /// Its usual level.
            pub const fn level(self) -> Level {
                match self { $(SharedCode::$variant => Level::$level,)+ }
            }
            /// The requirement it enforces.
            pub const fn requirement(self) -> &'static str {
                match self { $(SharedCode::$variant => $req,)+ }
            }
            /// Its group in the validator's table.
            pub const fn group(self) -> &'static str {
                match self { $(SharedCode::$variant => $group,)+ }
            }
            /// Chinese title.
            pub const fn title_zh(self) -> &'static str {
                match self { $(SharedCode::$variant => $zh,)+ }
            }
            /// English title.
            pub const fn title_en(self) -> &'static str {
                match self { $(SharedCode::$variant => $en,)+ }
            }
            /// Look a code string up.
            pub fn from_code(s: &str) -> Option<Self> {
                match s { $($code => Some(SharedCode::$variant),)+ _ => None }
            }
        }
    };
}

shared_codes! {
    LineTooLong = "line-too-long", Error, "DAT-002", "input", "行过长，未校验", "Line too long; not checked";
    JsonSyntax = "json-syntax", Error, "CON-002", "json", "JSON 语法错误", "Malformed JSON";
    JsonTruncated = "json-truncated", Error, "CON-002", "json", "JSON 不完整（被截断）", "Truncated JSON";
    JsonTooDeep = "json-too-deep", Error, "CON-002", "json", "JSON 嵌套过深", "JSON nested too deep";
    JsonDuplicateKey = "json-duplicate-key", Error, "CON-002", "json", "对象中成员重复", "Member given twice in an object";
    MissingRecordType = "missing-record-type", Error, "COR-002", "record", "缺少记录类型或记录类型不是字符串", "Record type missing or not a string";
    UnknownRecordType = "unknown-record-type", Error, "COR-002", "record", "未知的记录类型", "Unknown record type";
    RecordStructure = "record-structure", Error, "CON-004", "record", "记录结构不符合标准", "Record does not fit the standard";
    SchemaUnknownMember = "schema-unknown-member", Error, "COR-003", "schema", "标准未定义的成员", "Member not defined by the standard";
    SchemaRequired = "schema-required", Error, "CON-006", "schema", "缺少必填成员", "Required member missing";
    SchemaCode = "schema-code", Error, "CON-034", "schema", "不是代码表中的代码", "Not a code of the table";
    SchemaType = "schema-type", Error, "CON-004", "schema", "JSON 类型错误", "Wrong JSON type";
    SchemaTimestamp = "schema-timestamp", Error, "CON-020", "schema", "时间格式错误（须带时区偏移）", "Malformed timestamp (an offset is required)";
    SchemaPattern = "schema-pattern", Error, "CON-004", "schema", "不符合格式或长度限制", "Breaks the pattern or length limits";
    SchemaStructure = "schema-structure", Error, "CON-004", "schema", "结构不符合模式", "Structure does not fit the schema";
    DuplicateId = "duplicate-id", Error, "DAT-003", "dataset", "同类记录标识重复", "Id repeated within a record type";
    DuplicatePerson = "duplicate-person", Warning, "DAT-015", "dataset", "人员重复录入（证件号码相同）", "Person entered twice (same identifier)";
    RefUnresolved = "ref-unresolved", Error, "DAT-004", "dataset", "引用的记录不在数据集中", "Referenced record is not in the dataset";
    EventTextIdNumber = "event-text-id-number", Error, "EVT-010", "privacy", "事件描述中含有居民身份证号码", "Event description holds a resident ID number";
    CaseTextIdNumber = "case-text-id-number", Error, "CAS-012", "privacy", "案件描述中含有居民身份证号码", "Case description holds a resident ID number";
    FreeTextIdNumber = "free-text-id-number", Warning, "SHR-040", "privacy", "自由文本中含有居民身份证号码", "Free text holds a resident ID number";
    FreeTextMobile = "free-text-mobile", Warning, "SHR-041", "privacy", "自由文本中含有手机号码", "Free text holds a mobile telephone number";
    IdHoldsPersonalNumber = "id-holds-personal-number", Error, "CON-013", "privacy", "记录标识、来源标识或引用的标识中含有身份证号码或手机号码", "A record id, meta.sourceId or reference id holds a resident ID or mobile number";
    SharedRawValue = "shared-raw-value", Error, "SHR-050", "privacy", "共享级别不允许的原始个人信息", "Raw personal information that the sharing level does not allow";
    SharedResidenceNotCommunity = "shared-residence-not-community", Error, "SHR-051", "privacy", "公开级别的居住地不是社区", "A residence at public that is not a community";
    SharedPersonName = "shared-person-name", Error, "SHR-052", "privacy", "自由文本中含有本数据集人员或联系人的姓名", "Free text holds the name of a person or contact of the dataset";
}

impl std::fmt::Display for SharedCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for SharedCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl crate::support::code::TableCode for SharedCode {
    fn as_code_str(self) -> &'static str {
        self.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip_and_do_not_clash_with_the_semantic_codes() {
        let mut seen = std::collections::HashSet::new();
        for &c in SharedCode::ALL {
            assert!(seen.insert(c.as_str()), "{c} repeated");
            assert_eq!(SharedCode::from_code(c.as_str()), Some(c));
            assert!(crate::check::FindingCode::from_code(c.as_str()).is_none(), "{c} clashes");
            assert!(!c.title_zh().is_empty() && !c.title_en().is_empty() && c.requirement().len() == 7, "{c}");
        }
        assert_eq!(SharedCode::from_code("no-such-code"), None);
    }
}
