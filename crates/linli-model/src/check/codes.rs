//! Stable finding codes of the semantic checks (spec `spec/20-findings.md`).
//!
//! A code never changes meaning and is never reused; each cites the requirement it enforces.

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Level {
    /// Informational.
    Info,
    /// Probably wrong; the record is still conformant.
    Warning,
    /// Breaks a MUST: the record is not conformant.
    Error,
}

impl Level {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

macro_rules! finding_codes {
    ($( $(#[$m:meta])* $variant:ident = $code:literal, $level:ident, $req:literal, $zh:literal, $en:literal, $at:literal; )+) => {
        /// A semantic-check finding code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum FindingCode {
            $( $(#[$m])* #[doc = concat!("`", $code, "` (", $req, "): ", $en)] $variant, )+
        }

        impl FindingCode {
            /// Every code.
            pub const ALL: &'static [FindingCode] = &[$(FindingCode::$variant),+];

            /// The stable code string.
            pub fn as_str(self) -> &'static str {
                match self { $(FindingCode::$variant => $code,)+ }
            }
            /// Default level.
            pub fn level(self) -> Level {
                match self { $(FindingCode::$variant => Level::$level,)+ }
            }
            /// The spec requirement the check enforces.
            pub fn requirement(self) -> &'static str {
                match self { $(FindingCode::$variant => $req,)+ }
            }
            /// Short Chinese title of the rule.
            pub fn title_zh(self) -> &'static str {
                match self { $(FindingCode::$variant => $zh,)+ }
            }
            /// Short English title of the rule.
            pub fn title_en(self) -> &'static str {
                match self { $(FindingCode::$variant => $en,)+ }
            }
            /// Where the finding points `[CON-071]`: a JSON pointer pattern (`N`, `R`, `P` an
            /// array index), as chapter 20 lists it.
            pub fn pointer_rule(self) -> &'static str {
                match self { $(FindingCode::$variant => $at,)+ }
            }
            /// Look a code string up.
            pub fn from_code(s: &str) -> Option<Self> {
                match s { $($code => Some(FindingCode::$variant),)+ _ => None }
            }
        }
    };
}

finding_codes! {
    IdNumberShape = "id-number-shape", Error, "PER-008",
        "居民身份证号码格式错误", "Resident ID number is not 17 digits plus a digit or X",
        "`/identifiers/N/value`";
    IdNumberCheckCharacter = "id-number-check-character", Error, "PER-008",
        "居民身份证号码校验码错误", "Resident ID number check character is wrong",
        "`/identifiers/N/value`";
    IdNumberBirthDate = "id-number-birth-date", Error, "PER-008",
        "居民身份证号码中的出生日期无效", "Birth date embedded in the resident ID number does not exist",
        "`/identifiers/N/value`";
    PersonTwoResidentIds = "person-two-resident-ids", Error, "PER-001",
        "同一人员记录含两个不同的居民身份证号码", "One Person record holds two different resident ID numbers",
        "`/identifiers/N/value` of the second, different number";
    IdNumberRegion = "id-number-region", Warning, "PER-008",
        "居民身份证号码地址码的省级代码未知", "Province prefix of the resident ID number is unknown",
        "`/identifiers/N/value`";
    IdNumberBirthDateMismatch = "id-number-birth-date-mismatch", Error, "PER-016",
        "出生日期与居民身份证号码不一致", "Birth date disagrees with the resident ID number",
        "`/birthDate`";
    IdNumberGenderMismatch = "id-number-gender-mismatch", Error, "PER-016",
        "性别与居民身份证号码不一致", "Gender disagrees with the resident ID number",
        "`/gender`";
    BirthDateInFuture = "birth-date-in-future", Error, "PER-006",
        "出生日期晚于记录创建时间", "Birth date is after the record was created",
        "`/birthDate`; `/identifiers/N/value` (the date a resident ID number encodes, when there is no `birthDate`)";
    PseudonymShape = "pseudonym-shape", Error, "PER-020",
        "假名化标识不是 64 位小写十六进制标记", "A pseudonym is not a token of 64 lower-case hexadecimal digits",
        "`/identifiers/N/value`";
    BirthPeriodOrder = "birth-period-order", Error, "PER-017",
        "出生时段的截止日期早于起始日期", "Birth period ends before it starts",
        "`/birthPeriod/end`";
    BirthDateOutsidePeriod = "birth-date-outside-period", Error, "PER-017",
        "出生日期不在出生时段内", "Birth date lies outside the birth period",
        "`/birthDate`";
    PhoneShape = "phone-shape", Error, "PER-010",
        "电话号码格式错误", "Telephone number has no known shape",
        "`/phones/N`, `/contacts/N/phone`";
    HouseholdHeadRelationship = "household-relationship", Warning, "PER-013",
        "与户主关系为大类代码", "Relationship to the household head is a group code, not a specific one",
        "`/household/relationship`";
    OrganizationParentSelf = "organization-parent-self", Error, "ORG-008",
        "组织的上级组织是其自身", "Organization is its own parent",
        "`/parent/id`";
    CreditCodeCheckCharacter = "credit-code-check-character", Error, "ORG-003",
        "统一社会信用代码校验码错误", "Unified social credit code check character is wrong",
        "`/creditCode`";
    DivisionCodeShape = "division-code-shape", Error, "PLA-006",
        "行政区划代码格式错误", "Division code is not 6, 9 or 12 digits",
        "`/divisionCode`";
    DivisionCodeProvince = "division-code-province", Error, "PLA-006",
        "行政区划代码的省级代码不存在", "Division code has no such province prefix",
        "`/divisionCode`";
    DivisionCodeUnknown = "division-code-unknown", Warning, "PLA-006",
        "行政区划代码不在区划表中", "Division code is not in the division table",
        "`/divisionCode`";
    PlaceParentSelf = "place-parent-self", Error, "PLA-004",
        "地点的上级地点是其自身", "Place is its own parent",
        "`/parent/id`";
    PlaceArea = "place-area", Error, "PLA-011",
        "面积必须大于零", "Area must be greater than zero",
        "`/area`";
    CoordinateOutsideChina = "coordinate-outside-china", Warning, "CON-031",
        "坐标不在中国范围内（可能经纬度颠倒或坐标系错误）", "Coordinates lie outside China (swapped or wrong datum?)",
        "the position: `/location/coordinates`, `/geometry/coordinates`, or of a Polygon only the first position outside, `/geometry/coordinates/R/P` (of a MultiPolygon `/geometry/coordinates/K/R/P`)";
    GeometryRing = "geometry-ring", Error, "CON-032",
        "多边形的环少于4个点或未闭合", "Polygon ring has fewer than 4 positions or is not closed",
        "the ring, `/geometry/coordinates/R` (of a MultiPolygon `/geometry/coordinates/K/R`); `/geometry/coordinates` (`/geometry/coordinates/K`) when there is no ring or no polygon";
    TimeOrder = "time-order", Error, "CON-023",
        "时间先后顺序错误", "Times are out of order",
        "the later of the two times: `/meta/updatedAt`, `/residences/N/until`, `/endedAt`, `/history/0/at` (before `reportedAt`), `/history/N/at`, `/evaluation/at`";
    ThingVehicleKind = "thing-vehicle-kind", Error, "THG-008",
        "非车辆类物品不应有车辆信息", "Vehicle details on a thing that is not a vehicle",
        "`/vehicle`";
    ThingDeviceCodeKind = "thing-device-code-kind", Error, "THG-005",
        "非设备类物品不应有国标设备编码", "National device code on a thing that is not a device",
        "`/deviceCode`";
    MediaEmbedded = "media-embedded", Error, "EVT-009",
        "媒体内容直接嵌入记录（data: URI）", "Media content embedded in the record (data: URI)",
        "`/media/N/uri`";
    CaseHistoryEmpty = "case-history-empty", Error, "CAS-007",
        "案件流转记录为空", "Case history is empty",
        "`/history`";
    CaseHistoryStart = "case-history-start", Error, "CAS-007",
        "案件流转记录的第一步必须是上报", "Case history must start with a step to `reported` and no `from`",
        "`/history/0`";
    CaseHistoryChain = "case-history-chain", Error, "CAS-007",
        "流转记录的原状态与上一步的新状态不一致", "A history step's `from` differs from the previous step's `to`",
        "`/history/N/from` (N ≥ 1)";
    CaseTransitionIllegal = "case-transition-illegal", Error, "CAS-006",
        "案件状态流转不合法", "Case status transition is not allowed by the state machine",
        "`/history/N/to` (N ≥ 1)";
    CaseStatusMismatch = "case-status-mismatch", Error, "CAS-005",
        "案件当前状态与最后一步流转不一致", "Case status differs from the last history step",
        "`/status`";
    CaseAnonymousReporter = "case-anonymous-reporter", Error, "CAS-009",
        "匿名上报的案件记录了上报人（reporter，或第一步的处理主体为人员）", "Anonymous case names its reporter (`reporter`, or a Person as actor of the first step)",
        "`/reporter`; `/history/0/actor`";
    CaseAssigneeEmpty = "case-assignee-empty", Error, "CAS-010",
        "处置责任方为空", "Assignee names neither an organization nor a person",
        "`/assignee`";
    CaseEvaluationEarly = "case-evaluation-early", Error, "CAS-011",
        "案件未处置完毕即有居民评价", "Evaluation given before the case was resolved",
        "`/evaluation`";
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_kebab_case() {
        let mut seen = HashSet::new();
        for c in FindingCode::ALL {
            assert!(seen.insert(c.as_str()), "{} repeated", c.as_str());
            assert!(
                c.as_str().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                c.as_str()
            );
            assert_eq!(FindingCode::from_code(c.as_str()), Some(*c));
        }
    }
}
