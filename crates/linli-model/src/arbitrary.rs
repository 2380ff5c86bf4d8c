//! quickcheck generators (feature `quickcheck`): every generated record is **valid** — it passes
//! serde, its schema and the semantic checks — so that properties can mutate it and watch the
//! right layer reject the mutation.

use quickcheck::{Arbitrary, Gen};

use crate::case::{Assignee, Case, Evaluation, Rating};
use crate::codes::*;
use crate::common::{Extensions, Meta, SourceSystem};
use crate::datetime::{Date, Timestamp};
use crate::event::{Event, Measurement, Media};
use crate::geo::{Geometry, MultiPolygon, MultiPolygonTag, Point, Polygon, PolygonTag, Position};
use crate::organization::{Contact, Organization};
use crate::person::{Household, Identifier, Person, Residence};
use crate::place::{Place, StandardAddress};
use crate::record::{Record, RecordType};
use crate::reference::{Ref, RefTarget, SingleTarget};
use crate::text::*;
use crate::thing::{Thing, Vehicle};

const SURNAMES: &[&str] =
    &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "朱", "欧阳", "司马"];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "秀兰", "霞",
];
const WORDS: &[&str] = &[
    "楼道",
    "堆放",
    "杂物",
    "电梯",
    "故障",
    "噪音",
    "扰民",
    "路灯",
    "不亮",
    "井盖",
    "破损",
    "消防通道",
    "占用",
    "water",
    "leak",
    "\"quoted\"",
    "back\\slash",
    "tab\there",
    "emoji 🏠",
    "line\nbreak",
    "Ünïcödé",
    "１２３",
];
/// Six-digit county-level codes with known provinces (Suzhou, Beijing, Shanghai, Shenzhen, ...).
const AREAS: &[&str] = &[
    "320508", "320505", "320506", "320507", "110105", "110101", "310115", "440305", "330102", "500101", "650102",
    "810001",
];

fn pick<T: Copy>(g: &mut Gen, xs: &[T]) -> T {
    // The slices above are constant and non-empty.
    #[allow(clippy::expect_used)]
    *g.choose(xs).expect("non-empty")
}

fn below(g: &mut Gen, n: u64) -> u64 {
    if n == 0 { 0 } else { u64::arbitrary(g) % n }
}

fn digits(g: &mut Gen, n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + below(g, 10) as u8)).collect()
}

fn text_from(s: String) -> Text {
    // Generators only build non-blank strings within the limits.
    #[allow(clippy::expect_used)]
    Text::new(s).expect("generated text is valid")
}

fn id_from(s: String) -> Id {
    #[allow(clippy::expect_used)]
    Id::new(s).expect("generated id is valid")
}

/// A Chinese name.
pub fn gen_name(g: &mut Gen) -> Text {
    let mut s = pick(g, SURNAMES).to_owned();
    for _ in 0..=below(g, 2) {
        s.push_str(pick(g, GIVEN));
    }
    text_from(s)
}

/// Non-blank free text of a few words (with quotes, escapes and non-BMP characters).
pub fn gen_text(g: &mut Gen) -> Text {
    let n = 1 + below(g, 6) as usize;
    let mut s = String::new();
    for i in 0..n {
        if i > 0 && bool::arbitrary(g) {
            s.push(' ');
        }
        s.push_str(pick(g, WORDS));
    }
    text_from(s)
}

fn gen_id(g: &mut Gen, prefix: &str) -> Id {
    let sep = pick(g, &["-", ".", "_", ":"]);
    id_from(format!("{prefix}{sep}{}", below(g, 1_000_000)))
}

impl Arbitrary for Id {
    fn arbitrary(g: &mut Gen) -> Self {
        gen_id(g, "X")
    }
}

impl Arbitrary for Text {
    fn arbitrary(g: &mut Gen) -> Self {
        gen_text(g)
    }
}

/// A date between `from_year` and `to_year` inclusive.
pub fn gen_date(g: &mut Gen, from_year: i32, to_year: i32) -> Date {
    let span = u64::try_from(to_year - from_year + 1).unwrap_or(1);
    let y = from_year + i32::try_from(below(g, span)).unwrap_or(0);
    let m = 1 + below(g, 12) as u8;
    let d = 1 + below(g, 28) as u8;
    #[allow(clippy::expect_used)]
    Date::from_ymd(y, m, d).expect("days 1-28 exist in every month")
}

/// A timestamp between 2015 and 2026 in +08:00, UTC or another offset.
pub fn gen_timestamp(g: &mut Gen) -> Timestamp {
    let base = 1_420_070_400i64; // 2015-01-01T00:00:00Z
    let secs = base + i64::try_from(below(g, 12 * 365 * 86_400)).unwrap_or(0);
    ts_at(g, secs)
}

fn ts_at(g: &mut Gen, secs: i64) -> Timestamp {
    let offset_secs = pick(g, &[8 * 3600, 8 * 3600, 0, -5 * 3600, 5 * 3600 + 1800]);
    let nanos = if bool::arbitrary(g) { 0 } else { below(g, 1_000) as i128 * 1_000_000 };
    #[allow(clippy::expect_used)]
    let dt = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(secs) * 1_000_000_000 + nanos)
        .expect("in range")
        .to_offset(time::UtcOffset::from_whole_seconds(offset_secs).expect("valid offset"));
    Timestamp::from_offset_datetime(dt)
}

/// A timestamp at or after `t`, at most `max_secs` later (0: up to a week).
pub fn later(g: &mut Gen, t: Timestamp, max_secs: u64) -> Timestamp {
    let max = if max_secs == 0 { 7 * 86_400 } else { max_secs };
    let secs = t.unix_timestamp() + i64::try_from(below(g, max)).unwrap_or(0) + 1;
    ts_at(g, secs)
}

impl Arbitrary for Timestamp {
    fn arbitrary(g: &mut Gen) -> Self {
        gen_timestamp(g)
    }
}

impl Arbitrary for Date {
    fn arbitrary(g: &mut Gen) -> Self {
        gen_date(g, 1920, 2024)
    }
}

impl<T: RefTarget + SingleTarget> Arbitrary for Ref<T> {
    fn arbitrary(g: &mut Gen) -> Self {
        let ty = T::ALLOWED[0];
        Ref::to(gen_id(g, &ty.code()[..1]))
    }
}

/// A reference to one of `T`'s allowed types.
pub fn gen_ref<T: RefTarget>(g: &mut Gen) -> Ref<T> {
    let ty = pick(g, T::ALLOWED);
    #[allow(clippy::expect_used)]
    Ref::new(ty, gen_id(g, &ty.code()[..1])).expect("allowed type")
}

impl Arbitrary for Meta {
    fn arbitrary(g: &mut Gen) -> Self {
        let created_at = gen_timestamp(g);
        let updated_at = if bool::arbitrary(g) { created_at } else { later(g, created_at, 400 * 86_400) };
        Meta {
            source: SourceSystem {
                vendor: text_from(pick(g, &["示例科技", "Acme Smart City", "苏州邻里信息"]).to_owned()),
                product: text_from(pick(g, &["智慧社区平台", "Grid Patrol", "门禁云"]).to_owned()),
                version: bool::arbitrary(g).then(|| text_from(format!("{}.{}", below(g, 9), below(g, 20)))),
            },
            source_id: bool::arbitrary(g).then(|| text_from(digits(g, 8))),
            created_at,
            updated_at,
            version: std::num::NonZeroU32::new(1 + below(g, 50) as u32).unwrap_or(std::num::NonZeroU32::MIN),
            classification: DataClassification::arbitrary(g),
        }
    }
}

impl Arbitrary for Extensions {
    fn arbitrary(g: &mut Gen) -> Self {
        let mut m = std::collections::BTreeMap::new();
        for _ in 0..below(g, 3) {
            #[allow(clippy::expect_used)]
            let ns = Namespace::new(pick(g, &["acme", "hik-vision", "dahua", "vendor-x1"])).expect("valid");
            let mut obj = serde_json::Map::new();
            obj.insert("code".into(), serde_json::Value::String(digits(g, 4)));
            obj.insert("flag".into(), serde_json::Value::Bool(bool::arbitrary(g)));
            obj.insert("n".into(), serde_json::Value::from(i64::arbitrary(g)));
            obj.insert("x".into(), serde_json::Value::from(finite(g)));
            m.insert(ns, obj);
        }
        Extensions(m)
    }
}

fn finite(g: &mut Gen) -> f64 {
    let v = f64::arbitrary(g);
    if v.is_finite() { v } else { 0.5 }
}

fn phone(g: &mut Gen) -> PhoneNumber {
    let s = format!("1{}{}", pick(g, &["3", "5", "7", "8", "9"]), digits(g, 9));
    #[allow(clippy::expect_used)]
    PhoneNumber::new(s).expect("valid mobile")
}

/// A valid resident ID number for a birth date and gender.
pub fn gen_resident_id(g: &mut Gen, birth: Date, gender: Gender) -> String {
    let area = pick(g, AREAS);
    let seq = below(g, 100);
    let parity = match gender {
        Gender::Male => 1,
        Gender::Female => 0,
        _ => below(g, 2),
    };
    let last = pick(g, &[0u64, 2, 4, 6, 8]) + parity;
    let first17 = format!("{area}{:04}{:02}{:02}{seq:02}{last}", birth.year(), birth.month(), birth.day());
    let check = crate::check::id_number::check_character(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

/// A valid unified social credit code.
pub fn gen_credit_code(g: &mut Gen) -> String {
    const ALPHA: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let org: String = (0..9).map(|_| char::from(ALPHA[below(g, 31) as usize])).collect();
    let first17 = format!("{}{}{org}", pick(g, &["91", "92", "51", "11", "12", "52"]), pick(g, AREAS));
    let check = crate::check::credit_code::check_character(&first17).unwrap_or('0');
    format!("{first17}{check}")
}

impl Arbitrary for Person {
    fn arbitrary(g: &mut Gen) -> Self {
        let meta = Meta::arbitrary(g);
        let gender = Gender::arbitrary(g);
        let birth = gen_date(g, 1920, 2012);
        let mut p = Person::new(gen_id(g, "P"), meta, gen_name(g));
        if bool::arbitrary(g) {
            p.gender = Some(gender);
        }
        if bool::arbitrary(g) {
            p.birth_date = Some(birth);
        }
        if below(g, 4) == 0 {
            // A generalised birth date `[PER-017]`: the year, or the five-year band, around `birth`.
            let year = birth.year();
            let (from, to) = if bool::arbitrary(g) {
                (year, year)
            } else {
                (year - year.rem_euclid(5), year - year.rem_euclid(5) + 4)
            };
            let day = |s: String| Date::parse(&s).ok();
            if let (Some(start), Some(end)) = (day(format!("{from:04}-01-01")), day(format!("{to:04}-12-31"))) {
                p.birth_period = Some(crate::person::BirthPeriod { start, end });
            }
        }
        if bool::arbitrary(g) {
            #[allow(clippy::expect_used)]
            p.identifiers.push(Identifier {
                scheme: IdentifierScheme::ResidentId,
                value: Text::new(gen_resident_id(g, birth, gender)).expect("valid"),
                issuer: bool::arbitrary(g).then(|| text_from("苏州市公安局姑苏分局".into())),
            });
        }
        if bool::arbitrary(g) {
            p.identifiers.push(Identifier {
                scheme: pick(
                    g,
                    &[IdentifierScheme::Passport, IdentifierScheme::Other, IdentifierScheme::HongKongMacaoPermit],
                ),
                value: text_from(format!("E{}", digits(g, 8))),
                issuer: None,
            });
        }
        p.ethnic_group = bool::arbitrary(g).then(|| EthnicGroup::arbitrary(g));
        #[allow(clippy::expect_used)]
        {
            p.nationality =
                bool::arbitrary(g).then(|| CountryCode::new(pick(g, &["CHN", "USA", "KOR"])).expect("valid"));
        }
        for _ in 0..below(g, 3) {
            p.phones.push(phone(g));
        }
        for _ in 0..below(g, 3) {
            let since = bool::arbitrary(g).then(|| gen_date(g, 1990, 2015));
            let until = match since {
                Some(s) if bool::arbitrary(g) => Some(gen_date(g, s.year() + 1, 2024)),
                _ => None,
            };
            p.residences.push(Residence { place: Ref::arbitrary(g), kind: ResidenceKind::arbitrary(g), since, until });
        }
        if bool::arbitrary(g) {
            let specific: Vec<Relationship> =
                Relationship::ALL.iter().copied().filter(|r| !r.code().ends_with('0')).collect();
            #[allow(clippy::expect_used)]
            let hid = HouseholdId::new(digits(g, 9)).expect("valid");
            p.household = Some(Household { household_id: hid, relationship: pick(g, &specific) });
        }
        p.education = bool::arbitrary(g).then(|| Education::arbitrary(g));
        p.political_status = bool::arbitrary(g).then(|| PoliticalStatus::arbitrary(g));
        for _ in 0..below(g, 3) {
            let t = CareTag::arbitrary(g);
            if !p.care_tags.contains(&t) {
                p.care_tags.push(t);
            }
        }
        p.extensions = Extensions::arbitrary(g);
        p
    }
}

impl Arbitrary for Organization {
    fn arbitrary(g: &mut Gen) -> Self {
        let mut o = Organization::new(
            gen_id(g, "O"),
            Meta::arbitrary(g),
            text_from(pick(g, &["虎丘街道虎丘社区居民委员会", "苏州某物业服务有限公司", "姑苏区民政局"]).to_owned()),
            OrganizationKind::arbitrary(g),
        );
        #[allow(clippy::expect_used)]
        {
            o.credit_code = bool::arbitrary(g).then(|| CreditCode::new(gen_credit_code(g)).expect("valid"));
        }
        o.place = bool::arbitrary(g).then(|| Ref::arbitrary(g));
        // ORG-008: an organization is never its own parent.
        o.parent = bool::arbitrary(g).then(|| Ref::arbitrary(g)).filter(|r: &Ref<_>| r.id != o.id);
        o.legal_representative = bool::arbitrary(g).then(|| Ref::arbitrary(g));
        for _ in 0..below(g, 3) {
            o.contacts.push(Contact {
                role: text_from(pick(g, &["书记", "主任", "值班电话"]).to_owned()),
                name: bool::arbitrary(g).then(|| gen_name(g)),
                phone: bool::arbitrary(g).then(|| phone(g)),
                person: bool::arbitrary(g).then(|| Ref::arbitrary(g)),
            });
        }
        o.extensions = Extensions::arbitrary(g);
        o
    }
}

fn china_position(g: &mut Gen) -> Position {
    let lng = 73.5 + (below(g, 62_000_000) as f64) / 1_000_000.0;
    let lat = 18.5 + (below(g, 35_000_000) as f64) / 1_000_000.0;
    #[allow(clippy::expect_used)]
    Position::new(lng, lat).expect("in range")
}

fn point(g: &mut Gen) -> Point {
    Point { geometry_type: crate::geo::PointTag, coordinates: china_position(g) }
}

impl Arbitrary for Place {
    fn arbitrary(g: &mut Gen) -> Self {
        let kind = PlaceKind::arbitrary(g);
        let mut p = Place::new(gen_id(g, "L"), Meta::arbitrary(g), kind, gen_text(g));
        p.parent = bool::arbitrary(g).then(|| Ref::arbitrary(g)).filter(|r: &Ref<_>| r.id != p.id);
        if bool::arbitrary(g) {
            let code = match below(g, 3) {
                0 => pick(g, AREAS).to_owned(),
                1 => format!("{}{}", pick(g, AREAS), digits(g, 3)),
                _ => format!("{}{}", pick(g, AREAS), digits(g, 6)),
            };
            #[allow(clippy::expect_used)]
            {
                p.division_code = Some(DivisionCode::new(code).expect("valid"));
            }
        }
        if bool::arbitrary(g) {
            p.address = Some(StandardAddress {
                province: Some(text_from("江苏省".into())),
                city: Some(text_from("苏州市".into())),
                district: bool::arbitrary(g).then(|| text_from("姑苏区".into())),
                sub_district: bool::arbitrary(g).then(|| text_from("虎丘街道".into())),
                community: bool::arbitrary(g).then(|| text_from("虎丘社区".into())),
                road: bool::arbitrary(g).then(|| text_from("山塘街".into())),
                door_number: bool::arbitrary(g).then(|| text_from(format!("{}号", 1 + below(g, 300)))),
                compound: None,
                building: bool::arbitrary(g).then(|| text_from(format!("{}幢", 1 + below(g, 30)))),
                unit: None,
                floor: None,
                room: bool::arbitrary(g).then(|| text_from(format!("{}室", 101 + below(g, 1800)))),
                full_text: text_from("江苏省苏州市姑苏区虎丘街道山塘街".into()),
            });
        }
        p.geometry = match below(g, 4) {
            0 => None,
            1 => Some(Geometry::Point(point(g))),
            3 => {
                let square = |a: Position, d: f64| {
                    vec![
                        a,
                        Position { lng: a.lng + d, lat: a.lat, alt: None },
                        Position { lng: a.lng + d, lat: a.lat + d, alt: None },
                        Position { lng: a.lng, lat: a.lat + d, alt: None },
                        a,
                    ]
                };
                let parts = 1 + below(g, 3);
                let coordinates = (0..parts).map(|_| vec![square(china_position(g), 0.002)]).collect();
                Some(Geometry::MultiPolygon(MultiPolygon { geometry_type: MultiPolygonTag, coordinates }))
            }
            _ => {
                let a = china_position(g);
                let d = 0.001;
                let ring = vec![
                    a,
                    Position { lng: a.lng + d, lat: a.lat, alt: None },
                    Position { lng: a.lng + d, lat: a.lat + d, alt: None },
                    a,
                ];
                Some(Geometry::Polygon(Polygon { geometry_type: PolygonTag, coordinates: vec![ring] }))
            }
        };
        p.room_use = bool::arbitrary(g).then(|| RoomUse::arbitrary(g));
        p.area = bool::arbitrary(g).then(|| 1.0 + (below(g, 100_000) as f64) / 100.0);
        p.rental_status = bool::arbitrary(g).then(|| RentalStatus::arbitrary(g));
        p.extensions = Extensions::arbitrary(g);
        p
    }
}

impl Arbitrary for Thing {
    fn arbitrary(g: &mut Gen) -> Self {
        let kind = ThingKind::arbitrary(g);
        let mut t = Thing::new(gen_id(g, "T"), Meta::arbitrary(g), kind);
        t.name = bool::arbitrary(g).then(|| gen_text(g));
        t.manufacturer = bool::arbitrary(g).then(|| text_from(pick(g, &["海康威视", "大华", "Acme"]).to_owned()));
        t.model = bool::arbitrary(g).then(|| text_from(format!("DS-{}", digits(g, 4))));
        t.serial_number = bool::arbitrary(g).then(|| text_from(digits(g, 12)));
        t.firmware_version = bool::arbitrary(g).then(|| text_from(format!("V{}.{}", below(g, 5), below(g, 10))));
        if kind.family() == "device" && bool::arbitrary(g) {
            #[allow(clippy::expect_used)]
            {
                t.device_code = Some(DeviceCode::new(format!("{}{}", pick(g, AREAS), digits(g, 14))).expect("valid"));
            }
        }
        t.status = bool::arbitrary(g).then(|| ThingStatus::arbitrary(g));
        t.place = bool::arbitrary(g).then(|| Ref::arbitrary(g));
        t.location = bool::arbitrary(g).then(|| point(g));
        t.owner = bool::arbitrary(g).then(|| gen_ref(g));
        t.operator = bool::arbitrary(g).then(|| Ref::arbitrary(g));
        t.install_date = bool::arbitrary(g).then(|| gen_date(g, 2010, 2024));
        if kind.family() == "vehicle" && bool::arbitrary(g) {
            t.vehicle = Some(Vehicle {
                plate_number: bool::arbitrary(g).then(|| text_from(format!("苏E{}", digits(g, 5)))),
                plate_color: bool::arbitrary(g).then(|| PlateColor::arbitrary(g)),
            });
        }
        t.extensions = Extensions::arbitrary(g);
        t
    }
}

impl Arbitrary for Event {
    fn arbitrary(g: &mut Gen) -> Self {
        let occurred = gen_timestamp(g);
        let mut e = Event::new(
            gen_id(g, "E"),
            Meta::arbitrary(g),
            EventCategory::arbitrary(g),
            occurred,
            Severity::arbitrary(g),
        );
        e.ended_at = bool::arbitrary(g).then(|| later(g, occurred, 3600));
        e.place = bool::arbitrary(g).then(|| Ref::arbitrary(g));
        e.location = bool::arbitrary(g).then(|| point(g));
        e.source = bool::arbitrary(g).then(|| Ref::arbitrary(g));
        for _ in 0..below(g, 3) {
            e.subjects.push(gen_ref(g));
        }
        e.description = bool::arbitrary(g).then(|| gen_text(g));
        for _ in 0..below(g, 3) {
            #[allow(clippy::expect_used)]
            e.measurements.push(Measurement {
                quantity: text_from(pick(g, &["temperature", "gasConcentration", "waterPressure"]).to_owned()),
                value: finite(g),
                unit_code: UnitCode::new(pick(g, &["CEL", "P1", "KPA", "59"])).expect("valid"),
            });
        }
        for _ in 0..below(g, 2) {
            let hex: String = (0..64).map(|_| char::from(b"0123456789abcdef"[below(g, 16) as usize])).collect();
            #[allow(clippy::expect_used)]
            e.media.push(Media {
                uri: Uri::new(format!("https://media.example.cn/{}.jpg", digits(g, 10))).expect("valid"),
                sha256: bool::arbitrary(g).then(|| Sha256::new(hex).expect("valid")),
                media_type: MediaType::new(pick(g, &["image/jpeg", "video/mp4"])).expect("valid"),
            });
        }
        e.case = bool::arbitrary(g).then(|| Ref::arbitrary(g));
        e.extensions = Extensions::arbitrary(g);
        e
    }
}

impl Arbitrary for Case {
    fn arbitrary(g: &mut Gen) -> Self {
        let reported_at = gen_timestamp(g);
        let mut c = Case::reported(
            gen_id(g, "C"),
            Meta::arbitrary(g),
            CaseCategory::arbitrary(g),
            CaseChannel::arbitrary(g),
            gen_text(g),
            reported_at,
        );
        c.description = bool::arbitrary(g).then(|| gen_text(g));
        if bool::arbitrary(g) {
            c.anonymous = true;
        } else {
            c.reporter = bool::arbitrary(g).then(|| Ref::arbitrary(g));
        }
        c.place = bool::arbitrary(g).then(|| Ref::arbitrary(g));
        c.location = bool::arbitrary(g).then(|| point(g));
        for _ in 0..below(g, 3) {
            c.events.push(Ref::arbitrary(g));
        }
        // A random walk through the state machine.
        let mut at = reported_at;
        for _ in 0..below(g, 10) {
            let next: Vec<CaseStatus> = CaseStatus::ALL.iter().copied().filter(|s| c.status().may_become(*s)).collect();
            if next.is_empty() {
                break;
            }
            at = later(g, at, 3 * 86_400);
            let to = pick(g, &next);
            let actor = bool::arbitrary(g).then(|| gen_ref(g));
            let note = bool::arbitrary(g).then(|| gen_text(g));
            // `may_become` was checked just above.
            let _ = c.transition(to, at, actor, note);
        }
        if bool::arbitrary(g) {
            c.assignee = Some(match below(g, 3) {
                0 => Assignee { organization: Some(Ref::arbitrary(g)), person: None },
                1 => Assignee { organization: None, person: Some(Ref::arbitrary(g)) },
                _ => Assignee { organization: Some(Ref::arbitrary(g)), person: Some(Ref::arbitrary(g)) },
            });
        }
        c.deadline = bool::arbitrary(g).then(|| later(g, reported_at, 30 * 86_400));
        let resolved = c
            .history()
            .iter()
            .any(|t| matches!(t.to, CaseStatus::Resolved | CaseStatus::Verified | CaseStatus::Closed));
        if resolved {
            c.resolution = bool::arbitrary(g).then(|| gen_text(g));
            if bool::arbitrary(g) {
                c.evaluation = Some(Evaluation {
                    rating: Rating::new(1 + below(g, 5) as u8).unwrap_or_else(|_| unreachable_rating()),
                    comment: bool::arbitrary(g).then(|| gen_text(g)),
                    at: bool::arbitrary(g).then(|| later(g, at, 86_400)),
                });
            }
        }
        c.extensions = Extensions::arbitrary(g);
        c
    }
}

fn unreachable_rating() -> Rating {
    // 1 + (x % 5) is always within 1..=5.
    #[allow(clippy::expect_used)]
    Rating::new(3).expect("3 is a rating")
}

impl Arbitrary for Record {
    fn arbitrary(g: &mut Gen) -> Self {
        match pick(g, RecordType::ALL) {
            RecordType::Person => Record::Person(Person::arbitrary(g)),
            RecordType::Organization => Record::Organization(Organization::arbitrary(g)),
            RecordType::Place => Record::Place(Place::arbitrary(g)),
            RecordType::Thing => Record::Thing(Thing::arbitrary(g)),
            RecordType::Event => Record::Event(Event::arbitrary(g)),
            _ => Record::Case(Case::arbitrary(g)),
        }
    }
}
