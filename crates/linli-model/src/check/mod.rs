//! Semantic checks: the rules a JSON Schema cannot say (spec `spec/20-findings.md`).
//!
//! [`check_record`] runs every rule that concerns one record and returns [`Finding`]s, each with
//! a stable [`FindingCode`], the requirement it enforces, a JSON pointer into the record, the
//! offending value and a message in zh-CN and English. Rules that need the whole dataset
//! (references, duplicates, households) live in the validator.

mod codes;
pub mod credit_code;
mod division_table;
pub mod id_number;
pub mod phone;
mod shared_codes;

pub use codes::{FindingCode, Level};
pub use division_table::{DivisionTable, DivisionTableProblem};
pub use shared_codes::SharedCode;

use crate::Redacted;
use crate::case::Case;
use crate::codes::{CaseStatus, CodeTable, Gender, IdentifierScheme, Province, Sensitivity};
use crate::event::Event;
use crate::geo::{Geometry, LinearRing, Point, Position};
use crate::organization::Organization;
use crate::person::Person;
use crate::place::Place;
use crate::record::Record;
use crate::thing::Thing;

/// One problem found in a record.
///
/// The offending value is kept [`Redacted`]: `Debug` and `Serialize` show only its masked form
/// `[PRI-004]`, so that a finding logged or written whole carries no name, phone or ID number;
/// [`Finding::display_value`] is the form for reports and [`Finding::raw_value`] the value itself.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Finding {
    /// Stable code.
    pub code: &'static str,
    /// Level.
    pub level: Level,
    /// Requirement ID in `spec/`.
    pub requirement: &'static str,
    /// JSON pointer (RFC 6901) to the member concerned, from the record's root.
    pub pointer: String,
    /// The offending value as text, if there is one; serialised masked.
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<Redacted>,
    /// Sensitivity of the value: reports MUST mask it when set `[PRI-004]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<Sensitivity>,
    /// Message in Chinese.
    pub message_zh: String,
    /// Message in English.
    pub message_en: String,
}

impl Finding {
    /// A finding with the code's own title as message.
    pub fn new(code: FindingCode, pointer: impl Into<String>) -> Self {
        Finding {
            code: code.as_str(),
            level: code.level(),
            requirement: code.requirement(),
            pointer: pointer.into(),
            value: None,
            sensitivity: None,
            message_zh: code.title_zh().to_owned(),
            message_en: code.title_en().to_owned(),
        }
    }

    /// A finding with a code of another crate's table (an adapter's, say) and its messages.
    pub fn from_parts(
        code: &'static str,
        level: Level,
        requirement: &'static str,
        pointer: impl Into<String>,
        message_zh: impl Into<String>,
        message_en: impl Into<String>,
    ) -> Self {
        Finding {
            code,
            level,
            requirement,
            pointer: pointer.into(),
            value: None,
            sensitivity: None,
            message_zh: message_zh.into(),
            message_en: message_en.into(),
        }
    }

    /// Attach the offending value.
    pub fn value(mut self, v: impl ToString) -> Self {
        self.value = Some(Redacted::new(v.to_string()));
        self
    }

    /// The offending value itself, unmasked, for a caller who asks for it (and answers for where
    /// it goes `[PRI-004]`); reports use [`Finding::display_value`].
    pub fn raw_value(&self) -> Option<&str> {
        self.value.as_ref().map(Redacted::expose)
    }

    /// Take the offending value away, unmasked (see [`Finding::raw_value`]).
    pub fn take_raw_value(&mut self) -> Option<String> {
        self.value.take().map(Redacted::into_exposed)
    }

    /// Mark the value as personal or sensitive.
    pub fn sensitive(mut self, s: Sensitivity) -> Self {
        self.sensitivity = Some(s);
        self
    }

    /// Append detail to both messages.
    pub fn detail(mut self, zh: impl AsRef<str>, en: impl AsRef<str>) -> Self {
        self.message_zh = format!("{}：{}", self.message_zh, zh.as_ref());
        self.message_en = format!("{}: {}", self.message_en, en.as_ref());
        self
    }

    /// The value for display: masked when sensitive, cut to 64 characters `[PRI-004]`.
    pub fn display_value(&self) -> Option<String> {
        let v = self.raw_value()?;
        Some(match self.sensitivity {
            Some(_) => mask_middle(v),
            None => crate::text::truncate(v, 64),
        })
    }
}

/// Whether `s` is a pseudonymisation token: 64 lower-case hexadecimal digits `[PER-020]`.
pub fn is_pseudonym_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The characters [PRI-004] shows of a value of `n` characters: (at the start, at the end).
pub fn mask_shown(n: usize) -> (usize, usize) {
    match n {
        0 | 1 => (0, 0),
        2 => (1, 0),
        3..=6 => (1, 1),
        7..=10 => (2, 2),
        11 => (3, 4),
        _ => (4, 4),
    }
}

/// Keep the first and last few characters and mask the middle: `3205**********1234`,
/// `138****5678`, `张*`.
pub fn mask_middle(v: &str) -> String {
    let chars: Vec<char> = v.chars().collect();
    let n = chars.len();
    let (head, tail) = mask_shown(n);
    chars.iter().enumerate().map(|(i, c)| if i < head || i >= n - tail { *c } else { '*' }).collect()
}

/// What the checks may consult beyond the record.
#[derive(Debug, Default, Clone, Copy)]
pub struct Context<'a> {
    /// A full division table, when the user supplied one: unknown codes are then reported.
    pub divisions: Option<&'a DivisionTable>,
}

/// Run every single-record semantic check `[CON-050]`.
pub fn check_record(record: &Record, ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    let meta = record.meta();
    if meta.updated_at.cmp_instant(&meta.created_at).is_lt() {
        out.push(
            Finding::new(FindingCode::TimeOrder, "/meta/updatedAt")
                .value(meta.updated_at)
                .detail("更新时间早于创建时间", "updatedAt is before createdAt"),
        );
    }
    match record {
        Record::Person(p) => check_person(p, &mut out),
        Record::Organization(o) => check_organization(o, &mut out),
        Record::Place(p) => check_place(p, ctx, &mut out),
        Record::Thing(t) => check_thing(t, &mut out),
        Record::Event(e) => check_event(e, &mut out),
        Record::Case(c) => check_case(c, &mut out),
    }
    // Mark every value that sits in a member holding personal information `[PRI-004]`.
    let ty = record.record_type();
    for f in &mut out {
        if f.sensitivity.is_none() {
            f.sensitivity = crate::sensitivity::classify(ty, &f.pointer);
        }
    }
    out
}

fn check_person(p: &Person, out: &mut Vec<Finding>) {
    if let Some(b) = p.birth_date {
        if b > p.meta.created_at.local_date() {
            out.push(
                Finding::new(FindingCode::BirthDateInFuture, "/birthDate").value(b).detail(
                    "应不晚于记录的创建时间 meta.createdAt",
                    "expected on or before the record's meta.createdAt",
                ),
            );
        }
    }
    // Without `birthDate`, the birth date a resident ID number gives must not be after the
    // record's date either `[PER-006]`.
    if p.birth_date.is_none() {
        let created = p.meta.created_at.local_date();
        for (i, ident) in p.identifiers.iter().enumerate() {
            if ident.scheme != IdentifierScheme::ResidentId {
                continue;
            }
            if let Ok(id) = id_number::parse(ident.value.as_str()) {
                if id.birth_date > created {
                    out.push(
                        Finding::new(FindingCode::BirthDateInFuture, format!("/identifiers/{i}/value"))
                            .value(ident.value.as_str())
                            .sensitive(Sensitivity::Sensitive)
                            .detail(
                                "号码中的出生日期应不晚于记录的创建时间 meta.createdAt",
                                "the birth date in the number should be on or before the record's meta.createdAt",
                            ),
                    );
                }
            }
        }
    }
    if let Some(period) = p.birth_period {
        if period.end < period.start {
            out.push(
                Finding::new(FindingCode::BirthPeriodOrder, "/birthPeriod/end")
                    .value(period.end)
                    .sensitive(Sensitivity::Personal)
                    .detail("end 应不早于 start", "end should be on or after start"),
            );
        } else if let Some(b) = p.birth_date {
            if b < period.start || b > period.end {
                out.push(Finding::new(FindingCode::BirthDateOutsidePeriod, "/birthDate").value(b).detail(
                    "应在 birthPeriod 的 start 与 end 之间",
                    "expected between the start and the end of birthPeriod",
                ));
            }
        }
    }
    // One natural person has one citizen identity number [PER-001]: a second, different resident
    // ID number means the record describes two persons (or a household).
    let mut first_resident_id: Option<String> = None;
    for (i, ident) in p.identifiers.iter().enumerate() {
        let v = ident.value.as_str();
        if ident.scheme != IdentifierScheme::ResidentId || id_number::is_masked(v) {
            continue;
        }
        let norm = v.to_ascii_uppercase();
        match &first_resident_id {
            None => first_resident_id = Some(norm),
            Some(first) if *first != norm => out.push(
                Finding::new(FindingCode::PersonTwoResidentIds, format!("/identifiers/{i}/value"))
                    .value(v)
                    .sensitive(Sensitivity::Sensitive),
            ),
            Some(_) => {}
        }
    }
    for (i, ident) in p.identifiers.iter().enumerate() {
        let v = ident.value.as_str();
        if ident.scheme == IdentifierScheme::Pseudonym && !is_pseudonym_token(v) {
            out.push(
                Finding::new(FindingCode::PseudonymShape, format!("/identifiers/{i}/value"))
                    .value(v)
                    .sensitive(Sensitivity::Sensitive),
            );
        }
        if ident.scheme != IdentifierScheme::ResidentId || id_number::is_masked(ident.value.as_str()) {
            continue;
        }
        let ptr = || format!("/identifiers/{i}/value");
        let v = ident.value.as_str();
        let f = |code| Finding::new(code, ptr()).value(v).sensitive(Sensitivity::Sensitive);
        // What is expected, in words that tell nothing of the number itself [PRI-004] [CON-054].
        match id_number::parse(v) {
            Err(id_number::IdNumberError::Shape) => out.push(f(FindingCode::IdNumberShape).detail(
                "应为 18 位：17 位数字加 1 位数字或 X",
                "expected 18 characters: 17 digits, then a digit or X",
            )),
            Err(id_number::IdNumberError::BirthDate) => out.push(f(FindingCode::IdNumberBirthDate).detail(
                "第 7 至 14 位应为日历上存在的日期（YYYYMMDD）",
                "digits 7 to 14 should be a date YYYYMMDD that exists",
            )),
            Err(id_number::IdNumberError::CheckCharacter { .. }) => {
                out.push(f(FindingCode::IdNumberCheckCharacter).detail(
                    "最后一位应为前 17 位按 GB 11643 算出的校验码；请与证件核对号码",
                    "the last character should be the GB 11643 check of the first 17; check the number against the card",
                ));
            }
            Ok(id) => {
                if id.province.is_none() {
                    out.push(f(FindingCode::IdNumberRegion).detail(
                        "前两位应为省级行政区划代码（11–65、71、81、82）",
                        "the first two digits should be a province code (11–65, 71, 81, 82)",
                    ));
                }
                if let Some(b) = p.birth_date {
                    if b != id.birth_date {
                        out.push(
                            Finding::new(FindingCode::IdNumberBirthDateMismatch, "/birthDate")
                                .value(b)
                                .sensitive(Sensitivity::Personal)
                                .detail(
                                    format!("应与证件号码中的出生日期相同，见 {}", ptr()),
                                    format!("expected the date the ID number gives, see {}", ptr()),
                                ),
                        );
                    }
                }
                if let Some(g @ (Gender::Male | Gender::Female)) = p.gender {
                    if g != id.gender {
                        out.push(
                            // Masked although a code: with the mismatch it would tell the
                            // ID number's gender digit [PRI-004].
                            Finding::new(FindingCode::IdNumberGenderMismatch, "/gender")
                                .value(g)
                                .sensitive(Sensitivity::Personal)
                                .detail(
                                    format!("应与证件号码第 17 位相符（奇数为 1 男性，偶数为 2 女性），见 {}", ptr()),
                                    format!(
                                        "expected what digit 17 of the ID number says (odd: 1 male, even: 2 female), see {}",
                                        ptr()
                                    ),
                                ),
                        );
                    }
                }
            }
        }
    }
    for (i, phone) in p.phones.iter().enumerate() {
        check_phone(phone.as_str(), || format!("/phones/{i}"), out);
    }
    for (i, r) in p.residences.iter().enumerate() {
        if let (Some(since), Some(until)) = (r.since, r.until) {
            if until < since {
                out.push(
                    Finding::new(FindingCode::TimeOrder, format!("/residences/{i}/until"))
                        .value(until)
                        .detail("截止日期早于起始日期", "until is before since"),
                );
            }
        }
    }
    if let Some(h) = &p.household {
        if crate::codes::CodeTable::code(h.relationship).ends_with('0') {
            out.push(
                Finding::new(FindingCode::HouseholdHeadRelationship, "/household/relationship")
                    .value(h.relationship)
                    .detail(
                        "应为具体的关系代码，不是以 0 结尾的大类代码（见 linli codes relationship）",
                        "expected a specific code, not a group code ending in 0 (see linli codes relationship)",
                    ),
            );
        }
    }
}

fn check_phone(phone: &str, pointer: impl FnOnce() -> String, out: &mut Vec<Finding>) {
    if !phone::is_masked(phone) && phone::classify(phone).is_none() {
        out.push(Finding::new(FindingCode::PhoneShape, pointer()).value(phone).sensitive(Sensitivity::Personal).detail(
            "应为 11 位手机号码（如 138xxxxxxxx）、带区号的固定电话（如 0512-6723xxxx）、服务号码（如 12345）或 + 开头的国际号码",
            "expected an 11-digit mobile number (such as 138xxxxxxxx), a landline with its area code (such as 0512-6723xxxx), a service number (such as 12345) or + and an international number",
        ));
    }
}

fn check_organization(o: &Organization, out: &mut Vec<Finding>) {
    if o.parent.as_ref().is_some_and(|r| r.id == o.id) {
        out.push(
            Finding::new(FindingCode::OrganizationParentSelf, "/parent/id")
                .value(&o.id)
                .detail("parent 应指向另一个组织", "parent should name another organization"),
        );
    }
    if let Some(code) = &o.credit_code {
        if let Err(expected) = credit_code::verify(code.as_str()) {
            let mut f = Finding::new(FindingCode::CreditCodeCheckCharacter, "/creditCode").value(code);
            if let Some(e) = expected {
                f = f.detail(format!("应为 {e}"), format!("expected {e}"));
            }
            out.push(f);
        }
    }
    for (i, c) in o.contacts.iter().enumerate() {
        if let Some(phone) = &c.phone {
            check_phone(phone.as_str(), || format!("/contacts/{i}/phone"), out);
        }
    }
}

fn check_place(p: &Place, ctx: &Context<'_>, out: &mut Vec<Finding>) {
    if p.parent.as_ref().is_some_and(|r| r.id == p.id) {
        out.push(
            Finding::new(FindingCode::PlaceParentSelf, "/parent/id")
                .value(&p.id)
                .detail("parent 应指向另一个地点", "parent should name another place"),
        );
    }
    if let Some(code) = &p.division_code {
        check_division_code(code.as_str(), "/divisionCode", ctx, out);
    }
    if let Some(a) = p.area {
        if a <= 0.0 {
            out.push(Finding::new(FindingCode::PlaceArea, "/area").value(a));
        }
    }
    if let Some(g) = &p.geometry {
        check_geometry(g, "/geometry", out);
    }
}

/// Check an administrative division code's shape, province and (when a table is given)
/// existence `[PLA-006]`.
pub fn check_division_code(code: &str, pointer: &str, ctx: &Context<'_>, out: &mut Vec<Finding>) {
    use crate::codes::DivisionShapeError as E;
    match crate::codes::division_code_shape(code) {
        Err(E::UnknownProvince) => {
            out.push(Finding::new(FindingCode::DivisionCodeProvince, pointer).value(code).detail(
                "前两位应为省级代码（11–65、71、81、82）",
                "the first two digits should be a province code (11–65, 71, 81, 82)",
            ))
        }
        Err(_) => out.push(Finding::new(FindingCode::DivisionCodeShape, pointer).value(code).detail(
            "应为 6、9 或 12 位数字（GB/T 2260），如 320508",
            "expected 6, 9 or 12 digits (GB/T 2260), such as 320508",
        )),
        Ok(_) => {
            if let Some(t) = ctx.divisions {
                if !t.contains(code) {
                    out.push(Finding::new(FindingCode::DivisionCodeUnknown, pointer).value(code).detail(
                        "应为 --divisions 所给区划表中的代码",
                        "expected a code of the division table given with --divisions",
                    ));
                }
            }
        }
    }
}

fn check_position(p: &Position, pointer: String, out: &mut Vec<Finding>) {
    if !p.in_china_bbox() {
        out.push(
            Finding::new(FindingCode::CoordinateOutsideChina, pointer).value(format!("[{}, {}]", p.lng, p.lat)).detail(
                "应为 WGS-84 的 [经度, 纬度]，经度在前（中国约在东经 73–136 度、北纬 3–54 度）",
                "expected WGS-84 [longitude, latitude], longitude first (China lies within about 73–136 E, 3–54 N)",
            ),
        );
    }
}

fn check_point(p: &Point, pointer: &str, out: &mut Vec<Finding>) {
    check_position(&p.coordinates, format!("{pointer}/coordinates"), out);
}

fn check_rings(rings: &[LinearRing], pointer: &str, out: &mut Vec<Finding>, outside: &mut bool) {
    if rings.is_empty() {
        out.push(
            Finding::new(FindingCode::GeometryRing, pointer.to_owned())
                .detail("多边形没有环", "the polygon has no ring"),
        );
    }
    for (i, ring) in rings.iter().enumerate() {
        if ring.len() < 4 || ring.first() != ring.last() {
            out.push(
                Finding::new(FindingCode::GeometryRing, format!("{pointer}/{i}"))
                    .value(format!("{} positions", ring.len()))
                    .detail(
                        "每个环应至少有 4 个点，且最后一个点与第一个相同",
                        "each ring needs at least 4 positions, the last equal to the first",
                    ),
            );
        }
        if !*outside {
            if let Some((j, p)) = ring.iter().enumerate().find(|(_, p)| !p.in_china_bbox()) {
                check_position(p, format!("{pointer}/{i}/{j}"), out);
                *outside = true;
            }
        }
    }
}

fn check_geometry(g: &Geometry, pointer: &str, out: &mut Vec<Finding>) {
    let mut outside = false;
    match g {
        Geometry::Point(p) => check_point(p, pointer, out),
        Geometry::Polygon(poly) => check_rings(&poly.coordinates, &format!("{pointer}/coordinates"), out, &mut outside),
        Geometry::MultiPolygon(m) => {
            if m.coordinates.is_empty() {
                out.push(
                    Finding::new(FindingCode::GeometryRing, format!("{pointer}/coordinates"))
                        .detail("多多边形没有多边形", "the multi-polygon has no polygon"),
                );
            }
            for (k, poly) in m.coordinates.iter().enumerate() {
                check_rings(poly, &format!("{pointer}/coordinates/{k}"), out, &mut outside);
            }
        }
    }
}

fn check_thing(t: &Thing, out: &mut Vec<Finding>) {
    if t.vehicle.is_some() && t.kind.family() != "vehicle" {
        out.push(Finding::new(FindingCode::ThingVehicleKind, "/vehicle").value(t.kind).detail(
            "vehicle 只用于 kind 为车辆类代码的物品",
            "vehicle belongs only to a thing whose kind is a vehicle code",
        ));
    }
    if t.device_code.is_some() && t.kind.family() != "device" {
        out.push(Finding::new(FindingCode::ThingDeviceCodeKind, "/deviceCode").value(t.kind).detail(
            "deviceCode 只用于 kind 为设备类代码的物品",
            "deviceCode belongs only to a thing whose kind is a device code",
        ));
    }
    if let Some(p) = &t.location {
        check_point(p, "/location", out);
    }
}

fn check_event(e: &Event, out: &mut Vec<Finding>) {
    if let Some(end) = e.ended_at {
        if end.cmp_instant(&e.occurred_at).is_lt() {
            out.push(
                Finding::new(FindingCode::TimeOrder, "/endedAt")
                    .value(end)
                    .detail("结束时间早于发生时间", "endedAt is before occurredAt"),
            );
        }
    }
    if let Some(p) = &e.location {
        check_point(p, "/location", out);
    }
    for (i, m) in e.media.iter().enumerate() {
        if m.uri.as_str().get(..5).is_some_and(|s| s.eq_ignore_ascii_case("data:")) {
            out.push(Finding::new(FindingCode::MediaEmbedded, format!("/media/{i}/uri")).value(m.uri.as_str()).detail(
                "应为指向媒体文件的链接（如 https://…），不嵌入内容",
                "expected a link to the media (such as https://…), not the content",
            ));
        }
    }
}

fn check_case(c: &Case, out: &mut Vec<Finding>) {
    if c.anonymous && c.reporter.is_some() {
        out.push(Finding::new(FindingCode::CaseAnonymousReporter, "/reporter"));
    }
    // The first step is the report: a Person as its actor names the anonymous reporter.
    if c.anonymous {
        if let Some(a) = c.history().first().and_then(|t| t.actor.as_ref()) {
            if a.record_type() == crate::RecordType::Person {
                out.push(Finding::new(FindingCode::CaseAnonymousReporter, "/history/0/actor"));
            }
        }
    }
    if let Some(a) = &c.assignee {
        if a.organization.is_none() && a.person.is_none() {
            out.push(Finding::new(FindingCode::CaseAssigneeEmpty, "/assignee"));
        }
    }
    if let Some(p) = &c.location {
        check_point(p, "/location", out);
    }
    check_case_history(c, out);
    if let Some(ev) = &c.evaluation {
        let resolved = c
            .history()
            .iter()
            .any(|t| matches!(t.to, CaseStatus::Resolved | CaseStatus::Verified | CaseStatus::Closed));
        if !resolved {
            out.push(Finding::new(FindingCode::CaseEvaluationEarly, "/evaluation").value(c.status()));
        }
        if let (Some(at), Some(first)) = (ev.at, c.history().first()) {
            if at.cmp_instant(&first.at).is_lt() {
                out.push(
                    Finding::new(FindingCode::TimeOrder, "/evaluation/at")
                        .value(at)
                        .detail("评价时间早于上报", "evaluation is before the report"),
                );
            }
        }
    }
}

/// The case state machine over the history `[CAS-005]`–`[CAS-008]`.
fn check_case_history(c: &Case, out: &mut Vec<Finding>) {
    let Some(first) = c.history().first() else {
        out.push(Finding::new(FindingCode::CaseHistoryEmpty, "/history"));
        return;
    };
    if first.from.is_some() || first.to != CaseStatus::INITIAL {
        out.push(Finding::new(FindingCode::CaseHistoryStart, "/history/0").value(first.to));
    }
    if first.at.cmp_instant(&c.reported_at).is_lt() {
        out.push(
            Finding::new(FindingCode::TimeOrder, "/history/0/at")
                .value(first.at)
                .detail("第一步早于上报时间", "the first step is before reportedAt"),
        );
    }
    for (i, pair) in c.history().windows(2).enumerate() {
        let (prev, step) = (&pair[0], &pair[1]);
        let i = i + 1;
        match step.from {
            None => out.push(
                Finding::new(FindingCode::CaseHistoryChain, format!("/history/{i}/from"))
                    .detail(format!("应为 {}", prev.to), format!("expected {}", prev.to)),
            ),
            Some(from) if from != prev.to => out.push(
                Finding::new(FindingCode::CaseHistoryChain, format!("/history/{i}/from"))
                    .value(from)
                    .detail(format!("应为 {}", prev.to), format!("expected {}", prev.to)),
            ),
            Some(_) => {}
        }
        let from = step.from.unwrap_or(prev.to);
        if !from.may_become(step.to) {
            out.push(
                Finding::new(FindingCode::CaseTransitionIllegal, format!("/history/{i}/to"))
                    .value(format!("{from} → {}", step.to))
                    .detail(
                        format!("{from} 之后只能是 {}", next_statuses(from, "、")),
                        format!("after {from} only {} may follow", next_statuses(from, ", ")),
                    ),
            );
        }
        if step.at.cmp_instant(&prev.at).is_lt() {
            out.push(
                Finding::new(FindingCode::TimeOrder, format!("/history/{i}/at"))
                    .value(step.at)
                    .detail("早于上一步", "before the previous step"),
            );
        }
    }
    if let Some(last) = c.history().last() {
        if last.to != c.status() {
            out.push(
                Finding::new(FindingCode::CaseStatusMismatch, "/status")
                    .value(c.status())
                    .detail(format!("最后一步为 {}", last.to), format!("the last step is {}", last.to)),
            );
        }
    }
}

/// The statuses a case may go to from `from` (chapter 15's state machine), joined by `sep`.
fn next_statuses(from: CaseStatus, sep: &str) -> String {
    let next: Vec<&str> = CaseStatus::ALL.iter().filter(|s| from.may_become(**s)).map(|s| s.code()).collect();
    if next.is_empty() { "—".to_owned() } else { next.join(sep) }
}

/// The province of a division code or resident ID address code, if known.
pub fn province_of(code: &str) -> Option<Province> {
    code.get(..2).and_then(Province::from_code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_keeps_only_the_ends() {
        assert_eq!(mask_middle("320508199001011234"), "3205**********1234");
        assert_eq!(mask_middle("13812345678"), "138****5678");
        assert_eq!(mask_middle("张三"), "张*");
        assert_eq!(mask_middle("欧阳娜娜"), "欧**娜");
        assert_eq!(mask_middle("苏E12345"), "苏E***45");
        assert_eq!(mask_middle("7"), "*");
        assert_eq!(mask_middle(""), "");
    }

    fn person_codes(extra: &str) -> Vec<&'static str> {
        let text = format!(
            r#"{{"type":"Person","id":"P-1","meta":{{"source":{{"vendor":"V","product":"P"}},"createdAt":"2024-05-01T09:00:00+08:00","updatedAt":"2024-05-01T09:00:00+08:00","version":1,"classification":"restricted"}},"name":"张*"{extra}}}"#
        );
        let record = Record::from_json_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        check_record(&record, &Context::default()).iter().map(|f| f.code).collect()
    }

    #[test]
    fn birth_period_rules() {
        assert!(person_codes(r#","birthPeriod":{"start":"1975-01-01","end":"1979-12-31"}"#).is_empty());
        assert_eq!(person_codes(r#","birthPeriod":{"start":"1979-12-31","end":"1975-01-01"}"#), ["birth-period-order"]);
        assert!(
            person_codes(r#","birthDate":"1978-06-23","birthPeriod":{"start":"1975-01-01","end":"1979-12-31"}"#)
                .is_empty()
        );
        assert_eq!(
            person_codes(r#","birthDate":"1980-01-01","birthPeriod":{"start":"1975-01-01","end":"1979-12-31"}"#),
            ["birth-date-outside-period"]
        );
    }

    #[test]
    fn masked_values_are_valid() {
        assert!(person_codes(r#","phones":["138****5678","0512*****1234"]"#).is_empty());
        assert!(person_codes(r#","identifiers":[{"scheme":"resident-id","value":"3205**********1234"}]"#).is_empty());
        let token = "d2637bc5".repeat(8);
        assert!(person_codes(&format!(r#","identifiers":[{{"scheme":"pseudonym","value":"{token}"}}]"#)).is_empty());
        // A pseudonym is a token, never a raw number under another scheme's name.
        for v in ["d2637bc5", "320504193802143112", &token.to_uppercase()] {
            let extra = format!(r#","identifiers":[{{"scheme":"pseudonym","value":"{v}"}}]"#);
            assert_eq!(person_codes(&extra), ["pseudonym-shape"], "{v}");
        }
        // Masked, but not 18 characters.
        assert_eq!(
            person_codes(r#","identifiers":[{"scheme":"resident-id","value":"3205*********1234"}]"#),
            ["id-number-shape"]
        );
        // The first character of a telephone number is never masked.
        let bad = r#"{"type":"Person","id":"P-1","meta":{"source":{"vendor":"V","product":"P"},"createdAt":"2024-05-01T09:00:00+08:00","updatedAt":"2024-05-01T09:00:00+08:00","version":1,"classification":"restricted"},"name":"x","phones":["*38****5678"]}"#;
        assert!(Record::from_json_str(bad).is_err());
    }
}
