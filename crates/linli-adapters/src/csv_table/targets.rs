//! The column targets of a register mapping (Table 18-1 of `spec/18-adapters.md`, generated from
//! [`catalogue`]) `[ADP-011]`, `[ADP-014]`.
//!
//! A target names the record a column feeds (`person.`, `place.`, `thing.`, `organization.`) and
//! the member. The Person targets of the first mapping format are still read without their
//! `person.` prefix (`name`, `identifiers.resident-id`, …).

use linli_model::codes::{
    CareTag, CodeTable, Education, EthnicGroup, Gender, IdentifierScheme, OrganizationKind, PlaceKind, PlateColor,
    PoliticalStatus, Relationship, RentalStatus, ResidenceKind, RoomUse, ThingKind, ThingStatus,
};
use linli_model::text::CountryCode;

/// The record a target feeds. One row gives at most one record of each slot, plus the places
/// above the row's place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Slot {
    /// A Person (resident, owner, legal representative).
    Person,
    /// The row's Place (community → compound → building → unit → floor → room).
    Place,
    /// A Thing (vehicle, device).
    Thing,
    /// An Organization.
    Organization,
}

impl Slot {
    /// The prefix of the slot's targets.
    pub fn prefix(self) -> &'static str {
        match self {
            Slot::Person => "person",
            Slot::Place => "place",
            Slot::Thing => "thing",
            Slot::Organization => "organization",
        }
    }

    /// The record type name.
    pub fn record_type(self) -> &'static str {
        match self {
            Slot::Person => "Person",
            Slot::Place => "Place",
            Slot::Thing => "Thing",
            Slot::Organization => "Organization",
        }
    }

    /// Every slot, in the order records of one row are written (places first: the others refer
    /// to them).
    pub const ALL: [Slot; 4] = [Slot::Place, Slot::Person, Slot::Organization, Slot::Thing];
}

/// The place levels a register spells out in columns, from the largest to the smallest.
pub const PLACE_LEVELS: [PlaceKind; 6] = [
    PlaceKind::Community,
    PlaceKind::Compound,
    PlaceKind::Building,
    PlaceKind::Unit,
    PlaceKind::Floor,
    PlaceKind::Room,
];

/// Where a column goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)]
pub enum Target {
    // Person
    PersonId,
    Name,
    Gender,
    EthnicGroup,
    BirthDate,
    Identifier(IdentifierScheme),
    Phones,
    ResidenceAddress(ResidenceKind),
    ResidencePlace(ResidenceKind),
    ResidenceKind,
    HouseholdId,
    Relationship,
    Nationality,
    Education,
    PoliticalStatus,
    CareTags,
    // Place
    PlaceId,
    PlaceLevel(PlaceKind),
    DivisionCode,
    PlaceAddress,
    RoomUse,
    RentalStatus,
    Area,
    // Thing
    ThingId,
    ThingKind,
    ThingName,
    PlateNumber,
    PlateColor,
    Manufacturer,
    Model,
    SerialNumber,
    DeviceCode,
    ThingStatus,
    InstallDate,
    // Organization
    OrgId,
    OrgName,
    OrgKind,
    CreditCode,
    ContactName,
    ContactPhone,
}

/// What a target holds, for the documentation and `linli convert --list-targets`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TargetInfo {
    /// The target as written in `[columns]`.
    pub target: String,
    /// The record type it feeds.
    pub record: &'static str,
    /// The member it fills.
    pub member: String,
    /// How the cell is read, in Chinese.
    pub zh: String,
    /// How the cell is read, in English.
    pub en: String,
    /// Whether it holds personal information (`PRI-001`).
    pub personal: bool,
}

impl Target {
    /// The slot (record) this target feeds.
    pub fn slot(self) -> Slot {
        use Target as T;
        match self {
            T::PersonId
            | T::Name
            | T::Gender
            | T::EthnicGroup
            | T::BirthDate
            | T::Identifier(_)
            | T::Phones
            | T::ResidenceAddress(_)
            | T::ResidencePlace(_)
            | T::ResidenceKind
            | T::HouseholdId
            | T::Relationship
            | T::Nationality
            | T::Education
            | T::PoliticalStatus
            | T::CareTags => Slot::Person,
            T::PlaceId
            | T::PlaceLevel(_)
            | T::DivisionCode
            | T::PlaceAddress
            | T::RoomUse
            | T::RentalStatus
            | T::Area => Slot::Place,
            T::ThingId
            | T::ThingKind
            | T::ThingName
            | T::PlateNumber
            | T::PlateColor
            | T::Manufacturer
            | T::Model
            | T::SerialNumber
            | T::DeviceCode
            | T::ThingStatus
            | T::InstallDate => Slot::Thing,
            T::OrgId | T::OrgName | T::OrgKind | T::CreditCode | T::ContactName | T::ContactPhone => Slot::Organization,
        }
    }

    /// Every target, in the order of Table 18-1.
    pub fn all() -> Vec<Target> {
        use Target as T;
        let mut v = vec![T::PersonId, T::Name, T::Gender, T::EthnicGroup, T::BirthDate];
        v.extend(IdentifierScheme::ALL.iter().map(|s| T::Identifier(*s)));
        v.push(T::Phones);
        v.extend(ResidenceKind::ALL.iter().map(|k| T::ResidenceAddress(*k)));
        v.extend(ResidenceKind::ALL.iter().map(|k| T::ResidencePlace(*k)));
        v.extend([
            T::ResidenceKind,
            T::HouseholdId,
            T::Relationship,
            T::Nationality,
            T::Education,
            T::PoliticalStatus,
            T::CareTags,
            T::PlaceId,
        ]);
        v.extend(PLACE_LEVELS.iter().map(|k| T::PlaceLevel(*k)));
        v.extend([
            T::DivisionCode,
            T::PlaceAddress,
            T::RoomUse,
            T::RentalStatus,
            T::Area,
            T::ThingId,
            T::ThingKind,
            T::ThingName,
            T::PlateNumber,
            T::PlateColor,
            T::Manufacturer,
            T::Model,
            T::SerialNumber,
            T::DeviceCode,
            T::ThingStatus,
            T::InstallDate,
            T::OrgId,
            T::OrgName,
            T::OrgKind,
            T::CreditCode,
            T::ContactName,
            T::ContactPhone,
        ]);
        v
    }

    /// The member part of the name (after the slot prefix).
    fn member(self) -> String {
        use Target as T;
        match self {
            T::PersonId | T::PlaceId | T::ThingId | T::OrgId => "id".into(),
            T::Name | T::ThingName | T::OrgName => "name".into(),
            T::Gender => "gender".into(),
            T::EthnicGroup => "ethnicGroup".into(),
            T::BirthDate => "birthDate".into(),
            T::Identifier(s) => format!("identifiers.{}", s.code()),
            T::Phones => "phones".into(),
            T::ResidenceAddress(k) => format!("residences.{}", k.code()),
            T::ResidencePlace(k) => format!("residences.{}.place", k.code()),
            T::ResidenceKind => "residence.kind".into(),
            T::HouseholdId => "household.householdId".into(),
            T::Relationship => "household.relationship".into(),
            T::Nationality => "nationality".into(),
            T::Education => "education".into(),
            T::PoliticalStatus => "politicalStatus".into(),
            T::CareTags => "careTags".into(),
            T::PlaceLevel(k) => k.code().into(),
            T::DivisionCode => "divisionCode".into(),
            T::PlaceAddress => "address".into(),
            T::RoomUse => "roomUse".into(),
            T::RentalStatus => "rentalStatus".into(),
            T::Area => "area".into(),
            T::ThingKind | T::OrgKind => "kind".into(),
            T::PlateNumber => "plateNumber".into(),
            T::PlateColor => "plateColor".into(),
            T::Manufacturer => "manufacturer".into(),
            T::Model => "model".into(),
            T::SerialNumber => "serialNumber".into(),
            T::DeviceCode => "deviceCode".into(),
            T::ThingStatus => "status".into(),
            T::InstallDate => "installDate".into(),
            T::CreditCode => "creditCode".into(),
            T::ContactName => "contact.name".into(),
            T::ContactPhone => "contact.phone".into(),
        }
    }

    /// The target as written in a mapping's `[columns]`, e.g. `person.identifiers.resident-id`.
    pub fn name(self) -> String {
        format!("{}.{}", self.slot().prefix(), self.member())
    }

    /// A target from its name; a Person target may also be written without `person.` (the
    /// first mapping format).
    pub fn parse(s: &str) -> Option<Target> {
        let s = s.trim();
        let all = Target::all();
        if let Some(t) = all.iter().find(|t| t.name() == s) {
            return Some(*t);
        }
        all.into_iter().find(|t| t.slot() == Slot::Person && t.member() == s)
    }

    /// Whether the member holds personal information: a column with such a target is never
    /// printed, and a register column that looks like one is never kept unmapped [ADP-078].
    pub fn personal(self) -> bool {
        use Target as T;
        matches!(
            self,
            T::Name
                | T::BirthDate
                | T::Identifier(_)
                | T::Phones
                | T::ResidenceAddress(_)
                | T::ContactName
                | T::ContactPhone
                | T::PlateNumber
                | T::EthnicGroup
        )
    }

    /// The code table a target looks cells up in, by name, if any.
    pub fn table(self) -> Option<&'static str> {
        use Target as T;
        Some(match self {
            T::Gender => Gender::TABLE,
            T::EthnicGroup => EthnicGroup::TABLE,
            T::Education => Education::TABLE,
            T::PoliticalStatus => PoliticalStatus::TABLE,
            T::Relationship => Relationship::TABLE,
            T::CareTags => CareTag::TABLE,
            T::ResidenceKind => ResidenceKind::TABLE,
            T::RoomUse => RoomUse::TABLE,
            T::RentalStatus => RentalStatus::TABLE,
            T::ThingKind => ThingKind::TABLE,
            T::PlateColor => PlateColor::TABLE,
            T::ThingStatus => ThingStatus::TABLE,
            T::OrgKind => OrganizationKind::TABLE,
            _ => return None,
        })
    }

    /// Whether `code` is a code of the table this target looks values up in (`None`: the target
    /// takes no value map).
    pub fn accepts_code(self, code: &str) -> Option<bool> {
        fn has<C: CodeTable>(code: &str) -> Option<bool> {
            Some(C::from_code(code).is_some())
        }
        use Target as T;
        match self {
            T::Gender => has::<Gender>(code),
            T::EthnicGroup => has::<EthnicGroup>(code),
            T::Education => has::<Education>(code),
            T::PoliticalStatus => has::<PoliticalStatus>(code),
            T::Relationship => has::<Relationship>(code),
            T::CareTags => has::<CareTag>(code),
            T::ResidenceKind => has::<ResidenceKind>(code),
            T::RoomUse => has::<RoomUse>(code),
            T::RentalStatus => has::<RentalStatus>(code),
            T::ThingKind => has::<ThingKind>(code),
            T::PlateColor => has::<PlateColor>(code),
            T::ThingStatus => has::<ThingStatus>(code),
            T::OrgKind => has::<OrganizationKind>(code),
            T::Nationality => Some(CountryCode::new(code).is_ok()),
            _ => None,
        }
    }

    /// How the cell is read: (record member, Chinese, English).
    fn describe(self) -> (String, String, String) {
        use Target as T;
        let code = |t: &str| (format!("代码查找（代码表 `{t}`）"), format!("code lookup (table `{t}`)"));
        let (member, (zh, en)): (String, (String, String)) = match self {
            T::PersonId | T::ThingId | T::OrgId => (
                "id".into(),
                (
                    "有效的 Linli 标识；空单元格用生成的标识 `<前缀>-<行号>`".into(),
                    "a valid Linli id; an empty cell gives the generated id `<prefix>-<row>`".into(),
                ),
            ),
            T::PlaceId => (
                "id (the row's place)".into(),
                (
                    "本行最小一级地点的标识；空单元格用由地点路径生成的标识".into(),
                    "id of the row's smallest place; an empty cell gives the id generated from the place path".into(),
                ),
            ),
            T::Name => {
                ("name".into(), ("必填：没有姓名的行被拒收".into(), "required: a row without it is refused".into()))
            }
            T::ThingName => ("name".into(), ("原样".into(), "as written".into())),
            T::OrgName => (
                "name".into(),
                ("必填（有机构列时）".into(), "required (when the row has organization columns)".into()),
            ),
            T::Gender | T::EthnicGroup | T::Education | T::PoliticalStatus | T::CareTags => {
                let m = self.member();
                // a code target always has a table; the default empty name is never taken.
                (m, code(self.table().unwrap_or_default()))
            }
            T::Relationship | T::HouseholdId => (
                "household".into(),
                (
                    "户号与与户主关系（GB/T 4761 代码查找）两项都要有".into(),
                    "household number and relationship (GB/T 4761 code lookup), both needed".into(),
                ),
            ),
            T::Nationality => (
                "nationality".into(),
                (
                    "值映射，否则单元格本身（ISO 3166-1 三字母）".into(),
                    "value map, else the cell (ISO 3166-1 alpha-3)".into(),
                ),
            ),
            T::BirthDate => ("birthDate".into(), ("日期（表 18-2）".into(), "date (Table 18-2)".into())),
            T::Identifier(IdentifierScheme::ResidentId) => (
                "identifiers[]".into(),
                (
                    "证件类型 `resident-id`：全角转半角、去空格、x 转 X，校验 GB 11643 校验码和出生日期".into(),
                    "scheme `resident-id`: full-width → ASCII, spaces removed, x → X, GB 11643 check character and birth date".into(),
                ),
            ),
            T::Identifier(s) => (
                "identifiers[]".into(),
                (format!("证件类型 `{}`：原样", s.code()), format!("scheme `{}`: as written", s.code())),
            ),
            T::Phones => {
                ("phones".into(), ("列表；电话清理（表 18-2）".into(), "list; phone cleaning (Table 18-2)".into()))
            }
            T::ResidenceAddress(k) => (
                "extensions.csv.<header>".into(),
                (
                    format!("地址文本（居住类型 `{}`），作为标准地址保存在扩展中", k.code()),
                    format!("address text (residence kind `{}`), kept as a standard address in extensions", k.code()),
                ),
            ),
            T::ResidencePlace(k) => (
                "residences[]".into(),
                (format!("地点标识，居住类型 `{}`", k.code()), format!("a place id, residence kind `{}`", k.code())),
            ),
            T::ResidenceKind => (
                "residences[].kind".into(),
                (
                    "本行地点的居住类型（代码表 `residence-kind`）；缺省为 `[defaults]` 或 `permanent`".into(),
                    "residence kind of the row's place (table `residence-kind`); default `[defaults]` or `permanent`"
                        .into(),
                ),
            ),
            T::PlaceLevel(k) => (
                "Place".into(),
                (
                    format!("一级地点（{}）的名称；纯数字加后缀（栋、单元、层、室）", k.label_zh()),
                    format!("name of a place of kind `{}`; bare numbers get their suffix (栋, 单元, 层, 室)", k.code()),
                ),
            ),
            T::DivisionCode => (
                "divisionCode".into(),
                (
                    "本行最上一级地点的区划代码（6、9 或 12 位）".into(),
                    "division code of the row's top place (6, 9 or 12 digits)".into(),
                ),
            ),
            T::PlaceAddress => (
                "address".into(),
                (
                    "本行最小一级地点的标准地址（全文与分解出的部分）".into(),
                    "standard address of the row's smallest place (full text and the parts it reads as)".into(),
                ),
            ),
            // a code target always has a table; the default empty name is never taken.
            T::RoomUse | T::RentalStatus => (self.member(), code(self.table().unwrap_or_default())),
            T::Area => ("area".into(), ("面积（平方米），非负数".into(), "area in square metres, not negative".into())),
            // a code target always has a table; the default empty name is never taken.
            T::ThingKind | T::OrgKind => ("kind".into(), code(self.table().unwrap_or_default())),
            T::PlateNumber => (
                "vehicle.plateNumber".into(),
                ("号牌号码，去空格、大写".into(), "plate number, blanks removed, upper case".into()),
            ),
            T::PlateColor => ("vehicle.plateColor".into(), code(PlateColor::TABLE)),
            T::ThingStatus => ("status".into(), code(ThingStatus::TABLE)),
            T::Manufacturer | T::Model | T::SerialNumber => (self.member(), ("原样".into(), "as written".into())),
            T::DeviceCode => ("deviceCode".into(), ("20 位设备编码".into(), "20-digit device code".into())),
            T::InstallDate => ("installDate".into(), ("日期（表 18-2）".into(), "date (Table 18-2)".into())),
            T::CreditCode => (
                "creditCode".into(),
                (
                    "统一社会信用代码，大写，校验 GB 32100".into(),
                    "unified social credit code, upper case, GB 32100 check".into(),
                ),
            ),
            T::ContactName => ("contacts[] {role 联系人}".into(), ("联系人姓名".into(), "the contact's name".into())),
            T::ContactPhone => (
                "contacts[] {role 联系人}".into(),
                ("联系人电话（电话清理）".into(), "the contact's phone (phone cleaning)".into()),
            ),
        };
        (member, zh, en)
    }

    /// The catalogue entry of this target.
    pub fn info(self) -> TargetInfo {
        let (member, zh, en) = self.describe();
        TargetInfo { target: self.name(), record: self.slot().record_type(), member, zh, en, personal: self.personal() }
    }
}

/// Every target with its description: Table 18-1, `linli convert --list-targets`.
pub fn catalogue() -> Vec<TargetInfo> {
    Target::all().into_iter().map(Target::info).collect()
}

/// Table 18-1 as Markdown (the table `spec/18-adapters.md` carries between its generated-table
/// markers; a test checks that the two agree).
pub fn catalogue_markdown() -> String {
    let mut md = String::from(
        "| target | record | member | reading (zh) | reading (en) | personal |\n|---|---|---|---|---|---|\n",
    );
    for t in catalogue() {
        md.push_str(&format!(
            "| `{}` | {} | `{}` | {} | {} | {} |\n",
            t.target,
            t.record,
            t.member,
            t.zh,
            t.en,
            if t.personal { "yes" } else { "" }
        ));
    }
    md
}

/// The file of chapter 18 and its markers around Table 18-1.
pub const CHAPTER: &str = "18-adapters.md";
const BEGIN: &str = "<!-- BEGIN GENERATED: register targets -->\n";
const END: &str = "<!-- END GENERATED: register targets -->";

/// Chapter 18 with Table 18-1 put between its markers (`linli docs --write spec/`); `None` when
/// the markers are missing.
pub fn splice_chapter(chapter: &str) -> Option<String> {
    let a = chapter.find(BEGIN)? + BEGIN.len();
    let b = chapter.get(a..)?.find(END)? + a;
    let tables = format!(
        "{}\nTable 18-4 — labels registers write for codes, understood besides the code tables' own labels (after them in\ncode lookup):\n\n{}",
        catalogue_markdown(),
        super::values::aliases_markdown()
    );
    Some(format!("{}{}{}", chapter.get(..a)?, tables, chapter.get(b..)?))
}

/// The targets closest to an unknown one, best first (for error messages).
pub fn closest(unknown: &str, n: usize) -> Vec<String> {
    let mut scored: Vec<(usize, String)> =
        Target::all().into_iter().map(|t| t.name()).map(|name| (distance(unknown, &name), name)).collect();
    // A bare member matches its prefixed name exactly.
    scored.sort();
    scored.into_iter().take(n).map(|(_, s)| s).collect()
}

/// Levenshtein distance in characters.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(c) = cur.get_mut(j + 1) {
                *c = sub.min(del).min(ins);
            }
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapter_18_carries_the_generated_table_of_targets() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../spec/18-adapters.md");
        let text = std::fs::read_to_string(path).expect("spec/18-adapters.md is readable");
        let spliced = splice_chapter(&text).expect("chapter 18 has the markers of Table 18-1");
        assert!(
            spliced == text,
            "{path}: Table 18-1 is out of date: run `cargo run -p linli-cli -- docs --write spec/`"
        );
    }

    #[test]
    fn every_target_parses_back_from_its_name_and_legacy_person_names_still_parse() {
        for t in Target::all() {
            assert_eq!(Target::parse(&t.name()), Some(t), "{}", t.name());
        }
        assert_eq!(Target::parse("name"), Some(Target::Name));
        assert_eq!(Target::parse("identifiers.resident-id"), Some(Target::Identifier(IdentifierScheme::ResidentId)));
        assert_eq!(
            Target::parse("residences.registered.place"),
            Some(Target::ResidencePlace(ResidenceKind::Registered))
        );
        assert_eq!(Target::parse("place.room"), Some(Target::PlaceLevel(PlaceKind::Room)));
        assert_eq!(Target::parse("kind"), None, "a bare member of another slot is no Person target");
        assert_eq!(Target::parse("person.nme"), None);
    }

    #[test]
    fn closest_targets_lead_with_the_likely_typo() {
        assert_eq!(closest("person.nme", 1), vec!["person.name".to_owned()]);
        assert_eq!(closest("thing.plateNumbr", 1), vec!["thing.plateNumber".to_owned()]);
    }
}
