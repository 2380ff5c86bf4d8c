//! Rules every reader shares (`spec/18-adapters.md` section 18.8 and [ADP-071]–[ADP-074]): how a
//! time is read and which zone a time without one is in, when a pair of numbers is a location
//! (`0,0` never is), how a declared datum is applied, and when a value counts as absent (`null`
//! and `""`). Readers call these functions instead of keeping their own copies, so that one input
//! read by two readers gives the same answer.

use crate::codes::Code;
use linli_model::datetime::Timestamp;
use serde_json::Value;
use time::{PrimitiveDateTime, UtcOffset};

use crate::coords::Datum;

/// China Standard Time, `+08:00`.
pub const CST: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

/// The zone a format's times without an offset are read in [ADP-072]. Each format has exactly
/// one rule, documented in its section of chapter 18; the reader reports every time it read by
/// the rule with a `normalised` loss entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ZoneRule {
    /// UTC (`Z`): formats whose specifications write times in UTC (NGSI-LD, CloudEvents,
    /// Open311, GeoJSON properties).
    Utc,
    /// China Standard Time (`+08:00`): formats written by Chinese platforms in local time
    /// (GA/T 1400, registers).
    ChinaStandardTime,
}

impl ZoneRule {
    /// The offset of the rule.
    pub fn offset(self) -> UtcOffset {
        match self {
            ZoneRule::Utc => UtcOffset::UTC,
            ZoneRule::ChinaStandardTime => CST,
        }
    }

    /// How the rule is written in messages: `UTC` or `+08:00`.
    pub fn label(self) -> &'static str {
        match self {
            ZoneRule::Utc => "UTC",
            ZoneRule::ChinaStandardTime => "+08:00",
        }
    }
}

/// The written form a time was read from [ADP-071].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeForm {
    /// RFC 3339 with an offset (`2024-05-01T09:00:00+08:00`, `…Z`), or the same with a space
    /// for `T`.
    Rfc3339,
    /// A calendar date and a time without an offset (`2024-05-01T09:00:00`,
    /// `2024-05-01 09:00:00`, `2024/05/01 09:00:00`, optionally with a fraction of a second).
    LocalDateTime,
    /// Digits only: `yyyyMMddHHmmss`, with 1–3 more digits for a fraction of a second
    /// (`yyyyMMddHHmmssSSS`, GA/T 1400 platforms).
    CompactDigits,
    /// Milliseconds since 1970-01-01T00:00:00Z: a JSON number or a string of 13 digits (written
    /// in the offset of the zone rule).
    EpochMillis,
    /// Seconds since 1970-01-01T00:00:00Z: a JSON number or a string of 10 digits.
    EpochSeconds,
}

/// A time read from a source value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeRead {
    /// The instant, with the offset the source gave or the rule supplied.
    pub at: Timestamp,
    /// The form it was written in.
    pub form: TimeForm,
    /// Whether the source had no offset and the zone rule supplied it (report it as
    /// `normalised`) [ADP-072].
    pub zone_assumed: bool,
}

impl TimeRead {
    /// Whether the value was not already an RFC 3339 timestamp (the reader reports the
    /// change of form as `normalised`).
    pub fn changed_form(&self) -> bool {
        self.form != TimeForm::Rfc3339
    }
}

/// Earliest and latest epoch values accepted (1970-01-01 … 2100-01-01): a number outside is
/// not a time.
const EPOCH_SECONDS_MAX: i64 = 4_102_444_800;

/// Reads a time written in any of the forms of [`TimeForm`]; `None` when the value is none of
/// them (the reader reports it as a bad time). Surrounding whitespace is ignored.
pub fn read_time(v: &Value, rule: ZoneRule) -> Option<TimeRead> {
    match v {
        Value::Number(n) => {
            let n = n.as_i64()?;
            epoch(n, if n > EPOCH_SECONDS_MAX { TimeForm::EpochMillis } else { TimeForm::EpochSeconds }, rule)
        }
        Value::String(s) => read_time_str(s, rule),
        _ => None,
    }
}

/// [`read_time`] of a string.
pub fn read_time_str(s: &str, rule: ZoneRule) -> Option<TimeRead> {
    let s = s.trim();
    if let Ok(at) = Timestamp::parse(s) {
        return Some(TimeRead { at, form: TimeForm::Rfc3339, zone_assumed: false });
    }
    let b = s.as_bytes();
    if !b.is_empty() && b.iter().all(u8::is_ascii_digit) {
        return match b.len() {
            10 => epoch(s.parse().ok()?, TimeForm::EpochSeconds, rule),
            13 => epoch(s.parse().ok()?, TimeForm::EpochMillis, rule),
            14..=17 => compact(s, rule),
            _ => None,
        };
    }
    // `2024-05-01 09:00:00+08:00`: RFC 3339 allows a space for `T`.
    if b.len() > 19 && b.get(10) == Some(&b' ') {
        let mut t = s.to_owned();
        t.replace_range(10..11, "T");
        if let Ok(at) = Timestamp::parse(&t) {
            return Some(TimeRead { at, form: TimeForm::Rfc3339, zone_assumed: false });
        }
    }
    local(s, rule)
}

/// An epoch time is an instant; it is written in the offset of the format's zone rule, as the
/// format's other times are.
fn epoch(n: i64, form: TimeForm, rule: ZoneRule) -> Option<TimeRead> {
    let secs = if form == TimeForm::EpochMillis { n.div_euclid(1000) } else { n };
    if !(0..=EPOCH_SECONDS_MAX).contains(&secs) {
        return None;
    }
    let nanos = if form == TimeForm::EpochMillis { n.rem_euclid(1000) * 1_000_000 } else { 0 };
    let dt = (time::OffsetDateTime::from_unix_timestamp(secs).ok()? + time::Duration::nanoseconds(nanos))
        .to_offset(rule.offset());
    Some(TimeRead { at: Timestamp::from_offset_datetime(dt), form, zone_assumed: false })
}

fn date_time(y: &str, mo: &str, d: &str, h: &str, mi: &str, se: &str, frac: &str) -> Option<PrimitiveDateTime> {
    let n = |x: &str| -> Option<u16> {
        if x.is_empty() || !x.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        x.parse().ok()
    };
    let month = time::Month::try_from(u8::try_from(n(mo)?).ok()?).ok()?;
    let date = time::Date::from_calendar_date(i32::from(n(y)?), month, u8::try_from(n(d)?).ok()?).ok()?;
    let nanos = if frac.is_empty() {
        0
    } else {
        if frac.len() > 9 || !frac.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let v: u32 = frac.parse().ok()?;
        v * 10u32.pow(9 - u32::try_from(frac.len()).ok()?)
    };
    let t = time::Time::from_hms_nano(
        u8::try_from(n(h)?).ok()?,
        u8::try_from(n(mi)?).ok()?,
        u8::try_from(n(se)?).ok()?,
        nanos,
    )
    .ok()?;
    Some(PrimitiveDateTime::new(date, t))
}

fn assumed(dt: PrimitiveDateTime, form: TimeForm, rule: ZoneRule) -> TimeRead {
    TimeRead { at: Timestamp::from_offset_datetime(dt.assume_offset(rule.offset())), form, zone_assumed: true }
}

fn compact(s: &str, rule: ZoneRule) -> Option<TimeRead> {
    let p = |a: usize, b: usize| s.get(a..b).unwrap_or("");
    let dt = date_time(p(0, 4), p(4, 6), p(6, 8), p(8, 10), p(10, 12), p(12, 14), s.get(14..).unwrap_or(""))?;
    Some(assumed(dt, TimeForm::CompactDigits, rule))
}

fn local(s: &str, rule: ZoneRule) -> Option<TimeRead> {
    // yyyy-MM-dd[T ]HH:mm:ss[.f…] or yyyy/MM/dd HH:mm:ss[.f…]
    let b = s.as_bytes();
    if b.len() < 19 {
        return None;
    }
    let sep = b[4];
    if !(sep == b'-' || sep == b'/')
        || b[7] != sep
        || !(b[10] == b'T' || b[10] == b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let frac = match s.get(19..) {
        Some("") | None => "",
        Some(rest) => rest.strip_prefix('.')?,
    };
    let p = |a: usize, c: usize| s.get(a..c).unwrap_or("");
    let dt = date_time(p(0, 4), p(5, 7), p(8, 10), p(11, 13), p(14, 16), p(17, 19), frac)?;
    Some(assumed(dt, TimeForm::LocalDateTime, rule))
}

/// What a pair of source numbers is, as a location [ADP-073].
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Located {
    /// A WGS-84 position. `converted` when the declared datum moved it; `swapped` when the
    /// source gave latitude for longitude and the reader put them right (only when the given
    /// order is impossible and the swapped one is not).
    At {
        /// Longitude, WGS-84.
        lng: f64,
        /// Latitude, WGS-84.
        lat: f64,
        /// The declared datum converted it.
        converted: bool,
        /// The source had the two numbers the other way round.
        swapped: bool,
    },
    /// `0,0` (or `0` and `0` given as strings): the usual way of writing "unknown"; never a
    /// location.
    Unknown,
    /// Not a position: a number is not finite, or neither order is within range.
    OutOfRange,
}

/// Latitudes beyond this (degrees) are polar: no community reports from there [ADP-073].
pub const POLAR_LATITUDE: f64 = 84.0;

/// Reads a longitude and a latitude declared in `datum` [ADP-070], [ADP-073].
pub fn locate(lng: f64, lat: f64, datum: Datum) -> Located {
    if !lng.is_finite() || !lat.is_finite() {
        return Located::OutOfRange;
    }
    if lng == 0.0 && lat == 0.0 {
        return Located::Unknown;
    }
    let ok = |x: f64, y: f64| (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y);
    // Beyond 84° of latitude there is no settlement to report from: a pair in range both ways
    // whose given latitude is polar and whose other order is not is taken as swapped.
    let polar = |y: f64| y.abs() > POLAR_LATITUDE;
    let (x, y, swapped) = if ok(lng, lat) && !(polar(lat) && ok(lat, lng) && !polar(lng)) {
        (lng, lat, false)
    } else if ok(lat, lng) {
        (lat, lng, true)
    } else {
        return Located::OutOfRange;
    };
    let (wx, wy) = datum.to_wgs84(x, y);
    Located::At { lng: wx, lat: wy, converted: (wx, wy) != (x, y), swapped }
}

/// A number given as a JSON number or a numeric string (vendors write both), else `None`.
pub fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

/// Whether a member's value counts as absent [ADP-074]: `null`, or a string that is empty or
/// only whitespace. A reader reports each such member it skipped with a `normalised` entry of its
/// format's `*-null-absent` code, never as a bad value.
pub fn is_absent(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn t(v: Value, rule: ZoneRule) -> Option<(String, TimeForm, bool)> {
        read_time(&v, rule).map(|r| (r.at.to_string(), r.form, r.zone_assumed))
    }

    #[test]
    fn time_forms_in_the_wild() {
        let cst = ZoneRule::ChinaStandardTime;
        assert_eq!(t(json!("2024-05-01T09:00:00+08:00"), cst).map(|x| x.1), Some(TimeForm::Rfc3339));
        assert_eq!(
            t(json!("2024-05-01 09:00:00"), cst),
            Some(("2024-05-01T09:00:00+08:00".into(), TimeForm::LocalDateTime, true))
        );
        assert_eq!(
            t(json!("2024-05-01T09:00:00"), ZoneRule::Utc),
            Some(("2024-05-01T09:00:00Z".into(), TimeForm::LocalDateTime, true))
        );
        assert_eq!(t(json!("2024/05/01 09:00:00.5"), cst).map(|x| x.0), Some("2024-05-01T09:00:00.5+08:00".into()));
        assert_eq!(t(json!("20240501090000"), cst).map(|x| x.0), Some("2024-05-01T09:00:00+08:00".into()));
        assert_eq!(t(json!("20201209001645320"), cst).map(|x| x.0), Some("2020-12-09T00:16:45.32+08:00".into()));
        assert_eq!(t(json!("2020120900164532"), cst).map(|x| x.0), Some("2020-12-09T00:16:45.32+08:00".into()));
        assert_eq!(
            t(json!(1_714_525_200_000_i64), cst).map(|x| (x.0, x.1)),
            Some(("2024-05-01T09:00:00+08:00".into(), TimeForm::EpochMillis))
        );
        assert_eq!(t(json!(1_714_525_200_000_i64), ZoneRule::Utc).map(|x| x.0), Some("2024-05-01T01:00:00Z".into()));
        assert_eq!(t(json!("1714525200"), cst).map(|x| x.1), Some(TimeForm::EpochSeconds));
        assert_eq!(t(json!("2024-05-01 09:00:00+08:00"), cst).map(|x| x.2), Some(false));
        for bad in [
            json!(""),
            json!("2024-13-01 09:00:00"),
            json!("20241301090000"),
            json!(-5),
            json!(true),
            json!("2024-05-01"),
            json!("123"),
        ] {
            assert_eq!(t(bad.clone(), cst), None, "{bad}");
        }
    }

    #[test]
    fn zero_zero_is_never_a_location() {
        assert_eq!(locate(0.0, 0.0, Datum::Gcj02), Located::Unknown);
        assert_eq!(locate(f64::NAN, 1.0, Datum::Wgs84), Located::OutOfRange);
        assert_eq!(locate(200.0, 100.0, Datum::Wgs84), Located::OutOfRange);
        assert!(matches!(locate(31.2, 121.4, Datum::Wgs84), Located::At { swapped: true, lng, .. } if lng == 121.4));
        // Chicago given as long=-87.6, lat=41.9 the wrong way round: a polar latitude.
        assert!(
            matches!(locate(41.8781, -87.6298, Datum::Wgs84), Located::At { swapped: true, lat, .. } if lat == 41.8781)
        );
        assert!(matches!(locate(15.6, 78.2, Datum::Wgs84), Located::At { swapped: false, .. }), "Longyearbyen stays");
        assert!(matches!(locate(86.0, 88.0, Datum::Wgs84), Located::At { swapped: false, .. }), "both polar: as given");
        assert!(matches!(locate(121.4, 31.2, Datum::Gcj02), Located::At { converted: true, swapped: false, .. }));
        assert!(matches!(locate(2.35, 48.85, Datum::Gcj02), Located::At { converted: false, .. }));
    }

    #[test]
    fn absent_values() {
        assert!(is_absent(&Value::Null) && is_absent(&json!(" ")) && !is_absent(&json!(0)) && !is_absent(&json!("x")));
        assert_eq!(number(&json!("31.5")), Some(31.5));
        assert_eq!(number(&json!("NaN")), None);
    }
}

/// Whether a source member's name marks it as personal or secret [ADP-078]: credentials
/// (`password`, `token`, `secret`, keys), identity document numbers (`IDNumber`, `IDCardNo`,
/// `passport`), telephone numbers (`phone`, `mobile`, `tel`), e-mail addresses and the names of
/// people (`firstName`, `surname`, `contact`, `姓名`, `联系人`). Such a member MUST NOT be kept in
/// `extensions`, where no sensitivity mark protects it: a reader maps it to the member that
/// carries the mark (a Person's `phones`, `identifiers`, `name`) or leaves it out and reports it
/// `not-representable` with its format's `*-sensitive-not-kept` code.
///
/// The name is compared case-insensitively, with `_`, `-`, `.` and spaces removed.
pub fn is_sensitive_member(name: &str) -> bool {
    const CONTAINS: &[&str] = &[
        "password",
        "passwd",
        "secret",
        "token",
        "apikey",
        "accesskey",
        "privatekey",
        "credential",
        "idnumber",
        "idcard",
        "identitycard",
        "passport",
        "socialsecurity",
        "phone",
        "mobile",
        "email",
        "firstname",
        "lastname",
        "givenname",
        "familyname",
        "surname",
        "realname",
        "contact",
        "身份证",
        "证件号",
        "电话",
        "手机",
        "邮箱",
        "姓名",
        "联系人",
        "密码",
        "telno",
        "msisdn",
        "sfzh",
        "gmsfhm",
        "lxdh",
        "公民身份",
        "联系方式",
    ];
    const EQUALS: &[&str] = &["pwd", "tel", "ssn", "mail", "idno", "certno"];
    let n: String = name.chars().filter(|c| !matches!(c, '_' | '-' | '.' | ' ')).flat_map(char::to_lowercase).collect();
    EQUALS.contains(&n.as_str()) || CONTAINS.iter().any(|p| n.contains(p))
}

#[cfg(test)]
mod sensitive_tests {
    use super::is_sensitive_member;

    #[test]
    fn personal_and_secret_member_names() {
        for n in [
            "Password",
            "IDCardNo",
            "IDNumber",
            "MobilePhone",
            "EmergencyPhone",
            "EmergencyContact",
            "email",
            "first_name",
            "last_name",
            "telephone",
            "tel",
            "Pwd",
            "access_token",
            "联系电话",
            "身份证号",
            "姓名",
            "tel_no",
            "MSISDN",
            "SFZH",
            "GMSFHM",
            "LXDH",
            "公民身份号码",
            "联系方式",
        ] {
            assert!(is_sensitive_member(n), "{n}");
        }
        for n in
            ["name", "Name", "address", "status", "service_code", "DeviceID", "Longitude", "title", "video", "标题"]
        {
            assert!(!is_sensitive_member(n), "{n}");
        }
    }
}

/// The loss entry of a personal or secret member left out [ADP-078]: `code` is the format's
/// `*-sensitive-not-kept`, `at` the member's pointer in the source.
pub fn sensitive_not_kept(code: Code, at: String) -> crate::Loss {
    crate::Loss {
        kind: crate::LossKind::NotRepresentable,
        source: at,
        target: None,
        code,
        message_zh: "成员名表明是个人信息或密钥，不保存在扩展中（扩展没有敏感标记）".into(),
        message_en:
            "the member's name marks it as personal or secret; not kept in extensions (which carry no sensitivity mark)"
                .into(),
    }
}

/// Removes, at any depth of `v`, the object members whose names are sensitive
/// ([`is_sensitive_member`]) and returns the JSON pointers (under `at`) of those removed, for the
/// reader to report [ADP-078].
pub fn strip_sensitive(v: &mut Value, at: &str) -> Vec<String> {
    let mut removed = Vec::new();
    let mut stack: Vec<(&mut Value, String)> = vec![(v, at.to_owned())];
    while let Some((v, at)) = stack.pop() {
        match v {
            Value::Object(o) => {
                let gone: Vec<String> = o.keys().filter(|k| is_sensitive_member(k)).cloned().collect();
                for k in gone {
                    o.remove(&k);
                    removed.push(format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")));
                }
                for (k, x) in o.iter_mut() {
                    let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                    stack.push((x, p));
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter_mut().enumerate() {
                    stack.push((x, format!("{at}/{i}")));
                }
            }
            _ => {}
        }
    }
    removed.sort();
    removed
}
