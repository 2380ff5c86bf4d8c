//! Sharing profiles as data `[SHR-001]`–`[SHR-006]`: TOML files that say, per sensitivity class
//! and per member, what happens to personal information before a dataset is shared.

use std::collections::BTreeMap;
use std::path::Path;

use linli_model::RecordType;
use linli_model::codes::{CodeTable, Sensitivity, SharingLevel};
use serde::Deserialize;

use crate::Error;

/// The built-in profiles: name and TOML text `[SHR-060]`.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("internal", include_str!("../profiles/internal.toml")),
    ("inter-department", include_str!("../profiles/inter-department.toml")),
    ("public", include_str!("../profiles/public.toml")),
];

/// How a generalised value is formed `[SHR-012]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Generalisation {
    /// A date of birth becomes the calendar year it lies in.
    Year,
    /// A date of birth becomes the five-year band it lies in (1975–1979, 1980–1984, ...).
    FiveYearBand,
    /// A residence's place becomes its ancestor Place of kind `community`.
    Community,
    /// Coordinates are rounded to this many decimals.
    Round {
        /// Decimals kept (0–6); 3 is about 100 m.
        decimals: u8,
    },
}

impl Generalisation {
    /// The method name as written in a profile.
    pub fn method(self) -> &'static str {
        match self {
            Generalisation::Year => "year",
            Generalisation::FiveYearBand => "five-year-band",
            Generalisation::Community => "community",
            Generalisation::Round { .. } => "round",
        }
    }
}

/// What happens to a member `[SHR-010]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Left as it is.
    Keep,
    /// Characters replaced by `*`: by default those [PRI-004] does not show.
    Mask {
        /// Characters shown at the start (default: the [PRI-004] table).
        keep_start: Option<usize>,
        /// Characters shown at the end (default: the [PRI-004] table).
        keep_end: Option<usize>,
    },
    /// Replaced by a coarser value.
    Generalise(Generalisation),
    /// Replaced by a keyed-hash token `[SHR-020]`.
    Pseudonymise,
    /// Removed.
    Drop,
}

impl Action {
    /// The action name as written in a profile.
    pub fn name(self) -> &'static str {
        match self {
            Action::Keep => "keep",
            Action::Mask { .. } => "mask",
            Action::Generalise(_) => "generalise",
            Action::Pseudonymise => "pseudonymise",
            Action::Drop => "drop",
        }
    }

    /// A short description, e.g. `mask (0, 0)`, `generalise five-year-band`, for tables.
    pub fn describe(self) -> String {
        match self {
            Action::Mask { keep_start: None, keep_end: None } => "mask".into(),
            Action::Mask { keep_start, keep_end } => {
                format!("mask (keepStart {}, keepEnd {})", keep_start.unwrap_or(0), keep_end.unwrap_or(0))
            }
            Action::Generalise(Generalisation::Round { decimals }) => format!("generalise round {decimals}"),
            Action::Generalise(g) => format!("generalise {}", g.method()),
            other => other.name().into(),
        }
    }
}

/// The shape of a marked member, which decides the actions that apply to it `[SHR-010]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// Free text or a name (a string, or an array of strings).
    Text,
    /// Telephone number(s).
    Phone,
    /// A code, or an array of codes.
    Code,
    /// `birthDate`.
    BirthDate,
    /// `birthPeriod`.
    BirthPeriod,
    /// `identifiers` (and `identifiers/*/value`, which follows it).
    Identifiers,
    /// `residences`.
    Residences,
    /// `household`.
    Household,
    /// A reference, or an array of references: record ids stay intact `[SHR-024]`.
    Reference,
    /// A GeoJSON Point.
    Point,
    /// Media links.
    Media,
    /// An array of objects whose members carry marks of their own.
    Group,
    /// Covered by an enclosing member's rule (`/identifiers/*/value`).
    Covered,
}

impl Kind {
    /// Whether `action` applies to members of this kind.
    pub fn allows(self, action: Action) -> bool {
        use Action as A;
        matches!(
            (self, action),
            (_, A::Keep | A::Drop)
                | (Kind::Text, A::Mask { .. } | A::Pseudonymise)
                | (Kind::Phone, A::Mask { .. })
                | (
                    Kind::BirthDate | Kind::BirthPeriod,
                    A::Generalise(Generalisation::Year | Generalisation::FiveYearBand)
                )
                | (Kind::Identifiers | Kind::Covered, A::Mask { .. } | A::Pseudonymise)
                | (Kind::Residences, A::Generalise(Generalisation::Community))
                | (Kind::Household, A::Pseudonymise)
                | (Kind::Point, A::Generalise(Generalisation::Round { .. }))
        )
    }
}

/// The kind of a marked member, by record type and pointer pattern. Every member that
/// `linli_model::sensitivity` reports has a kind (a test holds the two together).
pub fn kind_of(ty: RecordType, pointer: &str) -> Option<Kind> {
    use RecordType as T;
    Some(match (ty, pointer) {
        (T::Person, "/name") => Kind::Text,
        (T::Person, "/gender" | "/ethnicGroup" | "/nationality" | "/education" | "/politicalStatus" | "/careTags") => {
            Kind::Code
        }
        (T::Person, "/birthDate") => Kind::BirthDate,
        (T::Person, "/birthPeriod") => Kind::BirthPeriod,
        (T::Person, "/identifiers") => Kind::Identifiers,
        (T::Person, "/identifiers/*/value") => Kind::Covered,
        (T::Person, "/phones") => Kind::Phone,
        (T::Person, "/residences") => Kind::Residences,
        (T::Person, "/household") => Kind::Household,
        (T::Organization, "/legalRepresentative") => Kind::Reference,
        (T::Organization, "/contacts") => Kind::Group,
        (T::Organization, "/contacts/*/name") => Kind::Text,
        (T::Organization, "/contacts/*/phone") => Kind::Phone,
        (T::Thing, "/owner") | (T::Thing | T::Event | T::Case, "/place") => Kind::Reference,
        (T::Thing, "/name") => Kind::Text,
        (T::Thing, "/vehicle/plateNumber") => Kind::Text,
        (T::Event, "/location") | (T::Case, "/location") => Kind::Point,
        (T::Event, "/subjects") | (T::Case, "/reporter") => Kind::Reference,
        (T::Event, "/description")
        | (T::Case, "/description")
        | (T::Case, "/history/*/note")
        | (T::Case, "/evaluation/comment") => Kind::Text,
        (T::Event, "/media") => Kind::Media,
        _ => return None,
    })
}

/// Whether a top-level member is required by the record type's schema.
fn required(ty: RecordType, pointer: &str) -> bool {
    let Some(name) = pointer.strip_prefix('/').filter(|n| !n.contains('/')) else {
        return false;
    };
    let schema = linli_model::schema::schema_for(ty);
    schema.get("required").and_then(|r| r.as_array()).is_some_and(|r| r.iter().any(|v| v.as_str() == Some(name)))
}

/// One marked member of a record type with the profile's rule for it, if any.
#[derive(Debug, Clone)]
pub struct Member {
    /// Pointer pattern, `*` for any array index.
    pub pointer: &'static str,
    /// The pattern's segments (without the leading empty one).
    pub segments: Vec<&'static str>,
    /// Mark from the schema.
    pub sensitivity: Sensitivity,
    /// Shape.
    pub kind: Kind,
    /// Required by the schema.
    pub required: bool,
    /// The profile's per-member rule, if it has one.
    pub rule: Option<Action>,
}

/// A loaded and checked sharing profile `[SHR-001]`.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Name, e.g. `public`.
    pub name: String,
    /// The sharing level a dataset masked with this profile has `[SHR-003]`.
    pub sharing_level: SharingLevel,
    /// Description in Chinese.
    pub description_zh: String,
    /// Description in English.
    pub description_en: String,
    /// Default for members marked `personal`.
    pub personal: Action,
    /// Default for members marked `sensitive`.
    pub sensitive: Action,
    /// Action on `extensions` `[PRI-006]`: keep or drop.
    pub extensions: Action,
    /// Per record type: the marked members in schema order, with their rules.
    pub members: BTreeMap<RecordType, Vec<Member>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawProfile {
    name: String,
    sharing_level: String,
    #[serde(default)]
    description: Option<RawDescription>,
    defaults: RawDefaults,
    #[serde(default)]
    rule: Vec<RawRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDescription {
    zh: String,
    en: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    personal: String,
    sensitive: String,
    extensions: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawRule {
    #[serde(rename = "type")]
    record_type: String,
    pointer: String,
    action: String,
    keep_start: Option<Count>,
    keep_end: Option<Count>,
    method: Option<String>,
    decimals: Option<u8>,
}

/// Most characters a `mask` rule may show at either end (`keepStart`, `keepEnd`) `[SHR-010]`;
/// the bound also keeps `keepStart + keepEnd` far from overflowing.
pub const MAX_KEEP: usize = 64;

/// An integer as written in the TOML, of any sign and size, so that a value out of range is
/// reported against its own key rather than as unreadable TOML.
#[derive(Debug, Clone, Copy)]
struct Count(i128);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Count;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an integer")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Count, E> {
                Ok(Count(i128::from(v)))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Count, E> {
                Ok(Count(i128::from(v)))
            }
            fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<Count, E> {
                Ok(Count(v))
            }
            fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<Count, E> {
                Ok(Count(i128::try_from(v).unwrap_or(i128::MAX)))
            }
        }
        d.deserialize_any(V)
    }
}

/// `keepStart` / `keepEnd`, checked against [`MAX_KEEP`].
fn keep(v: Option<Count>, k: &'static str) -> Result<Option<usize>, RuleError> {
    match v {
        None => Ok(None),
        Some(Count(n)) => usize::try_from(n).ok().filter(|n| *n <= MAX_KEEP).map(Some).ok_or_else(|| {
            (
                k,
                format!("`{k}` 应为 0 到 {MAX_KEEP} 之间的整数"),
                format!("`{k}` must be an integer from 0 to {MAX_KEEP}"),
            )
        }),
    }
}

impl Profile {
    /// A built-in profile by name.
    pub fn built_in(name: &str) -> Result<Profile, Error> {
        let (n, text) = BUILT_IN.iter().find(|(n, _)| *n == name).ok_or_else(|| Error::UnknownProfile {
            name: name.to_owned(),
            known: BUILT_IN.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "),
        })?;
        Profile::from_toml(text, &format!("<built-in {n}>"))
    }

    /// The built-in profile for a sharing level `[SHR-060]`.
    pub fn for_level(level: SharingLevel) -> Result<Profile, Error> {
        Profile::built_in(level.code())
    }

    /// A built-in profile by name, or else a TOML file by path.
    pub fn load(name_or_path: &str) -> Result<Profile, Error> {
        if BUILT_IN.iter().any(|(n, _)| *n == name_or_path) {
            return Profile::built_in(name_or_path);
        }
        let path = Path::new(name_or_path);
        if !path.exists() && !name_or_path.ends_with(".toml") {
            return Profile::built_in(name_or_path);
        }
        let text =
            std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.display().to_string(), source })?;
        Profile::from_toml(&text, &path.display().to_string())
    }

    /// Read and check a profile from TOML text; `file` names it in errors `[SHR-002]`.
    pub fn from_toml(text: &str, file: &str) -> Result<Profile, Error> {
        let bad = |key: String, zh: String, en: String| Error::Profile { file: file.to_owned(), key, zh, en };
        let raw: RawProfile = toml::from_str(text).map_err(|e| {
            let msg = e.message().trim_end().to_owned();
            // An error the parser gives no position: the default, no position, and the message
            // still names the file and says what is wrong.
            let at = e.span().map(|s| line_col(text, s.start)).unwrap_or_default();
            // A lead in each language saying what kind of mistake it is (and what a profile
            // needs, when a key is missing), the parser's own words after it.
            let (lead_zh, lead_en) = if msg.starts_with("missing field") {
                (
                    "缺少必需的键（共享配置须有 name、sharingLevel 和 [defaults] 表，表中须有 personal、sensitive、extensions）",
                    "a required key is missing (a profile needs name, sharingLevel and a [defaults] table with personal, sensitive and extensions)",
                )
            } else if msg.starts_with("unknown field") {
                ("有未知的键", "an unknown key")
            } else if msg.starts_with("invalid type") || msg.starts_with("invalid value") {
                ("值的类型或取值不对", "a value of the wrong type")
            } else {
                ("TOML 语法错误", "a TOML syntax error")
            };
            bad(at, format!("TOML 无法读取，{lead_zh}：{msg}"), format!("cannot read the TOML, {lead_en}: {msg}"))
        })?;
        if raw.name.trim().is_empty() {
            return Err(bad("name".into(), "名称为空".into(), "the name is empty".into()));
        }
        let sharing_level = SharingLevel::from_code(&raw.sharing_level).ok_or_else(|| {
            bad(
                "sharingLevel".into(),
                format!("`{}` 不是共享级别代码（internal、inter-department、public）", raw.sharing_level),
                format!("`{}` is not a sharing-level code (internal, inter-department, public)", raw.sharing_level),
            )
        })?;
        let default = |key: &str, v: &str, allowed: &[&str]| -> Result<Action, Error> {
            let a = match v {
                "keep" => Action::Keep,
                "mask" => Action::Mask { keep_start: None, keep_end: None },
                "pseudonymise" => Action::Pseudonymise,
                "drop" => Action::Drop,
                _ => Action::Generalise(Generalisation::Year),
            };
            if allowed.contains(&v) {
                Ok(a)
            } else {
                Err(bad(
                    format!("defaults.{key}"),
                    format!("`{v}` 不可用，应为 {} 之一", allowed.join("、")),
                    format!("`{v}` is not allowed here; expected one of {}", allowed.join(", ")),
                ))
            }
        };
        let class_actions = ["keep", "mask", "pseudonymise", "drop"];
        let personal = default("personal", &raw.defaults.personal, &class_actions)?;
        let sensitive = default("sensitive", &raw.defaults.sensitive, &class_actions)?;
        let extensions = default("extensions", &raw.defaults.extensions, &["keep", "drop"])?;

        let mut members: BTreeMap<RecordType, Vec<Member>> = BTreeMap::new();
        for ty in RecordType::ALL {
            let list = linli_model::sensitivity::fields(*ty)
                .iter()
                .map(|f| {
                    let kind = kind_of(*ty, &f.pointer).ok_or_else(|| {
                        bad(
                            String::new(),
                            format!("{ty} {} 没有已知的处理方式（实现缺陷）", f.pointer),
                            format!("{ty} {} has no known kind (a defect of this implementation)", f.pointer),
                        )
                    })?;
                    let pointer = leak_str(&f.pointer);
                    Ok(Member {
                        pointer,
                        segments: pointer.split('/').skip(1).collect(),
                        sensitivity: f.sensitivity,
                        kind,
                        required: required(*ty, &f.pointer),
                        rule: None,
                    })
                })
                .collect::<Result<Vec<_>, Error>>()?;
            members.insert(*ty, list);
        }

        for (i, r) in raw.rule.iter().enumerate() {
            let key = |k: &str| format!("rule[{i}].{k}");
            let ty = RecordType::from_code(&r.record_type).ok_or_else(|| {
                bad(
                    key("type"),
                    format!("`{}` 不是记录类型", r.record_type),
                    format!("`{}` is not a record type", r.record_type),
                )
            })?;
            // A rule on `/identifiers/*/value` is a rule on the identifiers.
            let pointer = if ty == RecordType::Person && r.pointer == "/identifiers/*/value" {
                "/identifiers"
            } else {
                r.pointer.as_str()
            };
            let list = members.get_mut(&ty).ok_or_else(|| bad(key("type"), String::new(), String::new()))?;
            let Some(member) = list.iter_mut().find(|m| m.pointer == pointer) else {
                return Err(bad(
                    key("pointer"),
                    format!("{ty} 的 `{}` 在模式中没有个人信息标注 [PRI-001]", r.pointer),
                    format!("`{}` of {ty} is not a member marked in the schemas [PRI-001]", r.pointer),
                ));
            };
            let action = rule_action(r).map_err(|(k, zh, en)| bad(key(k), zh, en))?;
            if !member.kind.allows(action) {
                return Err(bad(
                    key("action"),
                    format!("{} 不适用于 {ty} 的 `{}`", action.describe(), r.pointer),
                    format!("{} does not apply to `{}` of {ty}", action.describe(), r.pointer),
                ));
            }
            if action == Action::Drop && member.required {
                return Err(bad(
                    key("action"),
                    format!("{ty} 的 `{}` 是必填成员，不能删除", r.pointer),
                    format!("`{}` is a required member of {ty} and cannot be dropped", r.pointer),
                ));
            }
            if member.rule.is_some() {
                return Err(bad(
                    key("pointer"),
                    format!("{ty} 的 `{}` 有两条规则", r.pointer),
                    format!("`{}` of {ty} has two rules", r.pointer),
                ));
            }
            member.rule = Some(action);
        }

        let profile = Profile {
            name: raw.name,
            sharing_level,
            // `description` is optional: without one, the default empty text (listed as none).
            description_zh: raw.description.as_ref().map(|d| d.zh.clone()).unwrap_or_default(),
            // The same, in English: the default empty text.
            description_en: raw.description.as_ref().map(|d| d.en.clone()).unwrap_or_default(),
            personal,
            sensitive,
            extensions,
            members,
        };
        // A class default that would drop a required member (for a minor, too) is refused.
        for (ty, list) in &profile.members {
            for m in list.iter().filter(|m| m.required) {
                if profile.resolve_unguarded(m, false) == Action::Drop {
                    return Err(bad(
                        if m.sensitivity == Sensitivity::Personal {
                            "defaults.personal".into()
                        } else {
                            "defaults.sensitive".into()
                        },
                        format!("会删除 {ty} 的必填成员 `{}`；请为它写一条规则", m.pointer),
                        format!("would drop `{}`, a required member of {ty}; give it a rule", m.pointer),
                    ));
                }
            }
        }
        Ok(profile)
    }

    /// The action that applies to a member `[SHR-004]`, `[SHR-005]`: its rule, or else the default
    /// of its class; for a Person under fourteen every member is treated as `sensitive`, and a
    /// `keep` rule gives way to the `sensitive` default `[PRI-007]`. An action that does not
    /// apply to the member's kind becomes `drop`; a group whose default is not `drop` is kept
    /// and its members decide.
    pub fn resolve(&self, m: &Member, minor: bool) -> Action {
        let action = self.resolve_unguarded(m, minor);
        if action == Action::Drop && m.required {
            // Loading refuses profiles that drop a required member of an adult; for a minor the
            // `sensitive` default may still say drop: mask instead of writing an invalid record.
            return Action::Mask { keep_start: None, keep_end: None };
        }
        action
    }

    fn resolve_unguarded(&self, m: &Member, minor: bool) -> Action {
        let class_default =
            if minor || m.sensitivity == Sensitivity::Sensitive { self.sensitive } else { self.personal };
        let mut action = match m.rule {
            Some(Action::Keep) if minor => class_default,
            Some(a) => a,
            None => class_default,
        };
        if m.kind == Kind::Group && action != Action::Drop {
            action = Action::Keep;
        }
        if !m.kind.allows(action) {
            action = Action::Drop;
        }
        action
    }

    /// Whether applying the profile may need a pseudonymisation key `[SHR-021]`.
    pub fn needs_key(&self) -> bool {
        self.members.values().flatten().any(|m| self.resolve(m, false) == Action::Pseudonymise)
            || self.members.values().flatten().any(|m| self.resolve(m, true) == Action::Pseudonymise)
    }

    /// The marked members of a record type.
    pub fn members(&self, ty: RecordType) -> &[Member] {
        self.members.get(&ty).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// Pointer patterns come from the schemas, which live for the whole process; keep one copy.
fn leak_str(s: &str) -> &'static str {
    for ty in RecordType::ALL {
        for f in linli_model::sensitivity::fields(*ty) {
            if f.pointer == s {
                return f.pointer.as_str();
            }
        }
    }
    ""
}

/// `line:column` (1-based) of `offset`, in no language.
fn line_col(text: &str, offset: usize) -> String {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("{line}:{col}")
}

type RuleError = (&'static str, String, String);

fn rule_action(r: &RawRule) -> Result<Action, RuleError> {
    let only = |present: bool, k: &'static str, with: &str| -> Result<(), RuleError> {
        if present {
            Err((k, format!("`{k}` 只能与 {with} 一起使用"), format!("`{k}` is only allowed with {with}")))
        } else {
            Ok(())
        }
    };
    if r.action != "mask" {
        only(r.keep_start.is_some(), "keepStart", "action = \"mask\"")?;
        only(r.keep_end.is_some(), "keepEnd", "action = \"mask\"")?;
    }
    if r.action != "generalise" {
        only(r.method.is_some(), "method", "action = \"generalise\"")?;
    }
    if r.method.as_deref() != Some("round") {
        only(r.decimals.is_some(), "decimals", "method = \"round\"")?;
    }
    Ok(match r.action.as_str() {
        "keep" => Action::Keep,
        "drop" => Action::Drop,
        "pseudonymise" => Action::Pseudonymise,
        "mask" => Action::Mask { keep_start: keep(r.keep_start, "keepStart")?, keep_end: keep(r.keep_end, "keepEnd")? },
        "generalise" => Action::Generalise(match r.method.as_deref() {
            Some("year") => Generalisation::Year,
            Some("five-year-band") => Generalisation::FiveYearBand,
            Some("community") => Generalisation::Community,
            Some("round") => match r.decimals {
                Some(d @ 0..=6) => Generalisation::Round { decimals: d },
                _ => {
                    return Err((
                        "decimals",
                        "`round` 需要 0 到 6 之间的 `decimals`".into(),
                        "`round` needs `decimals` from 0 to 6".into(),
                    ));
                }
            },
            other => {
                let m = other.unwrap_or("");
                return Err((
                    "method",
                    format!("未知的泛化方法 `{m}`（year、five-year-band、community、round）"),
                    format!("unknown generalisation method `{m}` (year, five-year-band, community, round)"),
                ));
            }
        }),
        other => {
            return Err((
                "action",
                format!("未知的处理方式 `{other}`（keep、mask、generalise、pseudonymise、drop）"),
                format!("unknown action `{other}` (keep, mask, generalise, pseudonymise, drop)"),
            ));
        }
    })
}

/// The table of the built-in profiles for `spec/19-sharing.md`: the action on every marked
/// member of an adult, per profile `[SHR-060]`.
pub fn built_in_table() -> Result<String, Error> {
    use std::fmt::Write;
    let profiles = BUILT_IN.iter().map(|(n, _)| Profile::built_in(n)).collect::<Result<Vec<_>, _>>()?;
    let mut md = String::from("| Record type | Member | Mark |");
    for p in &profiles {
        let _ = write!(md, " `{}` |", p.name);
    }
    md.push_str("\n|---|---|---|");
    for _ in &profiles {
        md.push_str("---|");
    }
    md.push('\n');
    for ty in RecordType::ALL {
        for (i, m) in profiles.first().map(|p| p.members(*ty)).unwrap_or(&[]).iter().enumerate() {
            if m.kind == Kind::Covered {
                continue;
            }
            let _ = write!(md, "| {ty} | `{}` | {} |", m.pointer, m.sensitivity.code());
            for p in &profiles {
                let action = p.members(*ty).get(i).map(|pm| p.resolve(pm, false)).unwrap_or(Action::Keep);
                let _ = write!(md, " {} |", action.describe());
            }
            md.push('\n');
        }
    }
    md.push_str("| any | `/extensions` | sensitive ([PRI-006]) |");
    for p in &profiles {
        let _ = write!(md, " {} |", p.extensions.describe());
    }
    md.push('\n');
    Ok(md)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_ins_load() {
        for (name, _) in BUILT_IN {
            let p = Profile::built_in(name).unwrap();
            assert_eq!(p.name, *name);
            assert_eq!(p.sharing_level.code(), *name);
        }
        assert!(!Profile::built_in("internal").unwrap().needs_key());
        assert!(Profile::built_in("inter-department").unwrap().needs_key());
        assert!(!Profile::built_in("public").unwrap().needs_key());
    }

    #[test]
    fn every_marked_member_has_a_kind() {
        for ty in RecordType::ALL {
            for f in linli_model::sensitivity::fields(*ty) {
                assert!(kind_of(*ty, &f.pointer).is_some(), "{ty} {}", f.pointer);
            }
        }
    }

    fn err(text: &str) -> (String, String) {
        match Profile::from_toml(text, "my.toml") {
            Err(Error::Profile { file, key, en, .. }) => {
                assert_eq!(file, "my.toml");
                (key, en)
            }
            other => panic!("{other:?}"),
        }
    }

    const HEAD: &str = "name = \"x\"\nsharingLevel = \"public\"\n[defaults]\npersonal = \"mask\"\nsensitive = \"drop\"\nextensions = \"drop\"\n";

    #[test]
    fn load_errors_name_file_and_key() {
        let (k, e) = err(&format!("{HEAD}[[rule]]\ntype = \"Person\"\npointer = \"/name\"\naction = \"drop\"\n"));
        assert_eq!(k, "rule[0].action");
        assert!(e.contains("required"), "{e}");
        let (k, _) = err(&format!("{HEAD}[[rule]]\ntype = \"Person\"\npointer = \"/id\"\naction = \"drop\"\n"));
        assert_eq!(k, "rule[0].pointer");
        let (k, _) = err(&format!("{HEAD}[[rule]]\ntype = \"Person\"\npointer = \"/name\"\naction = \"shred\"\n"));
        assert_eq!(k, "rule[0].action");
        let (k, _) = err(&format!("{HEAD}[[rule]]\ntype = \"Person\"\npointer = \"/gender\"\naction = \"mask\"\n"));
        assert_eq!(k, "rule[0].action");
        // A TOML error is placed by `line:column`, in no language; the message leads with the
        // kind of mistake [CON-055].
        let (k, e) = err(&format!("{HEAD}colour = \"red\"\n"));
        assert_eq!(k, "7:1");
        assert!(e.starts_with("cannot read the TOML, an unknown key: unknown field `colour`"), "{e}");
        let (k, _) = err(&HEAD.replace("personal = \"mask\"", "personal = \"drop\""));
        assert_eq!(k, "defaults.personal");
        let (k, _) = err(&HEAD.replace("extensions = \"drop\"", "extensions = \"mask\""));
        assert_eq!(k, "defaults.extensions");
        let (k, _) = err(&format!(
            "{HEAD}[[rule]]\ntype = \"Event\"\npointer = \"/location\"\naction = \"generalise\"\nmethod = \"round\"\n"
        ));
        assert_eq!(k, "rule[0].decimals");
    }
}
