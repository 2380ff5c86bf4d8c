//! Times and dates (spec `spec/02-conventions.md`, `[CON-020]`–`[CON-023]`).
//!
//! A [`Timestamp`] is an RFC 3339 date-time **with a mandatory offset** (`Z` or `±hh:mm`), an
//! upper-case `T` separator, seconds `00`–`59` and at most nine fraction digits. A [`Date`] is an
//! RFC 3339 full-date. The same rules are written into the schemas as a `pattern` next to
//! `format`, because validators disagree on what `format: date-time` accepts.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{OffsetDateTime, UtcOffset};

/// The `pattern` written next to `format: date-time` `[CON-020]`.
pub const TIMESTAMP_PATTERN: &str = "^(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$";
/// The `pattern` written next to `format: date` `[CON-022]`.
pub const DATE_PATTERN: &str =
    "^(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

/// Why a time or date string was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeError {
    /// The text does not have the required shape (see the patterns).
    Shape,
    /// The shape is right but the day does not exist (e.g. `2023-02-29`).
    Calendar,
    /// No offset: times MUST carry `Z` or `±hh:mm` `[CON-021]`.
    MissingOffset,
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeError::Shape => "not in the form YYYY-MM-DDThh:mm:ss[.f](Z|±hh:mm)",
            TimeError::Calendar => "no such calendar day",
            TimeError::MissingOffset => "the time has no offset: add Z or one such as +08:00",
        })
    }
}

impl TimeError {
    /// What is wrong and what is expected, in Chinese (the `Display` text is the English).
    pub fn message_zh(&self) -> &'static str {
        match self {
            TimeError::Shape => "不是 YYYY-MM-DDThh:mm:ss[.f](Z|±hh:mm) 的形式",
            TimeError::Calendar => "日历上没有这一天",
            TimeError::MissingOffset => "时间缺少时区偏移：请加 Z 或 +08:00 这样的偏移",
        }
    }
}

fn digits(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0')))
}

fn parse_date_bytes(b: &[u8]) -> Result<time::Date, TimeError> {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(TimeError::Shape);
    }
    let (y, m, d) = match (digits(&b[0..4]), digits(&b[5..7]), digits(&b[8..10])) {
        (Some(y), Some(m), Some(d)) => (y, m, d),
        _ => return Err(TimeError::Shape),
    };
    // Years 0001–9999: the patterns leave out the year 0000 `[CON-022]`.
    if y == 0 || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(TimeError::Shape);
    }
    let month = u8::try_from(m).ok().and_then(|m| time::Month::try_from(m).ok()).ok_or(TimeError::Shape)?;
    let year = i32::try_from(y).map_err(|_| TimeError::Shape)?;
    let day = u8::try_from(d).map_err(|_| TimeError::Shape)?;
    time::Date::from_calendar_date(year, month, day).map_err(|_| TimeError::Calendar)
}

/// An RFC 3339 date-time with a mandatory offset `[CON-020]`, `[CON-021]`.
///
/// Equality and ordering compare the instant, then the offset, so that two timestamps that
/// denote the same instant in different offsets are ordered by instant but still distinguishable.
#[derive(Clone, Copy)]
pub struct Timestamp(OffsetDateTime);

impl PartialEq for Timestamp {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Timestamp {}

impl std::hash::Hash for Timestamp {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.unix_timestamp_nanos().hash(state);
        self.0.offset().whole_seconds().hash(state);
    }
}

impl Timestamp {
    /// Parse strictly (see the module documentation).
    pub fn parse(s: &str) -> Result<Self, TimeError> {
        let b = s.as_bytes();
        if b.len() < 19 {
            return Err(TimeError::Shape);
        }
        let date = parse_date_bytes(&b[..10])?;
        if b[10] != b'T' || b[13] != b':' || b[16] != b':' {
            return Err(TimeError::Shape);
        }
        let (h, mi, se) = match (digits(&b[11..13]), digits(&b[14..16]), digits(&b[17..19])) {
            (Some(h), Some(mi), Some(se)) if h < 24 && mi < 60 && se < 60 => (h, mi, se),
            _ => return Err(TimeError::Shape),
        };
        let mut rest = &b[19..];
        let mut nanos = 0u32;
        if let Some(frac) = rest.strip_prefix(b".") {
            let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 || n > 9 {
                return Err(TimeError::Shape);
            }
            let v = digits(&frac[..n]).ok_or(TimeError::Shape)?;
            nanos = v * 10u32.pow(9 - u32::try_from(n).map_err(|_| TimeError::Shape)?);
            rest = &frac[n..];
        }
        let offset = match rest {
            [] => return Err(TimeError::MissingOffset),
            [b'Z'] => UtcOffset::UTC,
            [sign @ (b'+' | b'-'), oh1, oh2, b':', om1, om2] => {
                let (oh, om) = match (digits(&[*oh1, *oh2]), digits(&[*om1, *om2])) {
                    (Some(oh), Some(om)) if oh < 24 && om < 60 => (oh, om),
                    _ => return Err(TimeError::Shape),
                };
                let secs = i32::try_from(oh * 3600 + om * 60).map_err(|_| TimeError::Shape)?;
                let secs = if *sign == b'-' { -secs } else { secs };
                UtcOffset::from_whole_seconds(secs).map_err(|_| TimeError::Shape)?
            }
            _ => return Err(TimeError::Shape),
        };
        let to_u8 = |v: u32| u8::try_from(v).map_err(|_| TimeError::Shape);
        let t = time::Time::from_hms_nano(to_u8(h)?, to_u8(mi)?, to_u8(se)?, nanos).map_err(|_| TimeError::Shape)?;
        Ok(Timestamp(time::PrimitiveDateTime::new(date, t).assume_offset(offset)))
    }

    /// Build from a `time::OffsetDateTime` (sub-second precision is kept to the nanosecond).
    pub fn from_offset_datetime(dt: OffsetDateTime) -> Self {
        Timestamp(dt)
    }

    /// The underlying date-time.
    pub fn as_offset_datetime(&self) -> OffsetDateTime {
        self.0
    }

    /// Seconds since the Unix epoch.
    pub fn unix_timestamp(&self) -> i64 {
        self.0.unix_timestamp()
    }

    /// The calendar date in the timestamp's own offset.
    pub fn local_date(&self) -> Date {
        Date(self.0.date())
    }

    /// Compare the instants only (ignoring offsets).
    pub fn cmp_instant(&self, other: &Timestamp) -> Ordering {
        self.0.cmp(&other.0)
    }
}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.cmp(&other.0).then_with(|| self.0.offset().cmp(&other.0.offset()))
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339: `YYYY-MM-DDTHH:MM:SS`, the fraction without trailing zeros when there is one,
    /// then `Z` or the offset. Written digit by digit into one buffer: every record carries two
    /// timestamps, and writers print millions of them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn two(buf: &mut [u8; 40], at: &mut usize, n: u32) {
            push(buf, at, b'0' + (n / 10 % 10) as u8);
            push(buf, at, b'0' + (n % 10) as u8);
        }
        fn push(buf: &mut [u8; 40], at: &mut usize, b: u8) {
            if let Some(slot) = buf.get_mut(*at) {
                *slot = b;
                *at += 1;
            }
        }
        let dt = self.0;
        let mut buf = [0u8; 40];
        let mut at = 0;
        let year = dt.year();
        if !(0..=9999).contains(&year) {
            return write!(f, "{year:04}-{:02}-{:02}T", u8::from(dt.month()), dt.day())
                .and_then(|()| write!(f, "{:02}:{:02}:{:02}", dt.hour(), dt.minute(), dt.second()));
        }
        let y = year.unsigned_abs();
        two(&mut buf, &mut at, y / 100);
        two(&mut buf, &mut at, y % 100);
        push(&mut buf, &mut at, b'-');
        two(&mut buf, &mut at, u32::from(u8::from(dt.month())));
        push(&mut buf, &mut at, b'-');
        two(&mut buf, &mut at, u32::from(dt.day()));
        push(&mut buf, &mut at, b'T');
        two(&mut buf, &mut at, u32::from(dt.hour()));
        push(&mut buf, &mut at, b':');
        two(&mut buf, &mut at, u32::from(dt.minute()));
        push(&mut buf, &mut at, b':');
        two(&mut buf, &mut at, u32::from(dt.second()));
        let nanos = dt.nanosecond();
        if nanos != 0 {
            push(&mut buf, &mut at, b'.');
            let mut digits = [0u8; 9];
            let mut n = nanos;
            for d in digits.iter_mut().rev() {
                *d = b'0' + (n % 10) as u8;
                n /= 10;
            }
            let len = 9 - digits.iter().rev().take_while(|d| **d == b'0').count();
            for d in digits.iter().take(len) {
                push(&mut buf, &mut at, *d);
            }
        }
        let off = dt.offset();
        if off.is_utc() {
            push(&mut buf, &mut at, b'Z');
        } else {
            let secs = off.whole_seconds();
            push(&mut buf, &mut at, if secs < 0 { b'-' } else { b'+' });
            let secs = secs.unsigned_abs();
            two(&mut buf, &mut at, secs / 3600);
            push(&mut buf, &mut at, b':');
            two(&mut buf, &mut at, (secs % 3600) / 60);
        }
        // Only ASCII digits and punctuation were written.
        f.write_str(std::str::from_utf8(buf.get(..at).ok_or(fmt::Error)?).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl std::str::FromStr for Timestamp {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s).map_err(|reason| crate::Error::InvalidTime {
            value: crate::Redacted::new(crate::text::truncate(s, 64)),
            reason,
        })
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Timestamp::parse(&s).map_err(|e| serde::de::Error::custom(format_args!("invalid timestamp: {e}")))
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Timestamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date-time",
            "pattern": TIMESTAMP_PATTERN,
            "title": "Timestamp (RFC 3339 with offset)",
            "x-linli-title-zh": "时间（RFC 3339，带时区偏移）",
        })
    }
}

/// An RFC 3339 full-date, `YYYY-MM-DD` `[CON-022]`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(time::Date);

impl Date {
    /// Parse strictly.
    pub fn parse(s: &str) -> Result<Self, TimeError> {
        parse_date_bytes(s.as_bytes()).map(Date)
    }

    /// Build from year (0001–9999, `[CON-022]`), month (1–12) and day; `None` for a day that does
    /// not exist or a year outside that range.
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Option<Self> {
        if !(1..=9999).contains(&year) {
            return None;
        }
        let month = time::Month::try_from(month).ok()?;
        time::Date::from_calendar_date(year, month, day).ok().map(Date)
    }

    /// The year.
    pub fn year(&self) -> i32 {
        self.0.year()
    }
    /// The month, 1–12.
    pub fn month(&self) -> u8 {
        u8::from(self.0.month())
    }
    /// The day of the month.
    pub fn day(&self) -> u8 {
        self.0.day()
    }
    /// The underlying `time::Date`.
    pub fn as_time_date(&self) -> time::Date {
        self.0
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year(), self.month(), self.day())
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Date({self})")
    }
}

impl std::str::FromStr for Date {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Date::parse(s).map_err(|reason| crate::Error::InvalidTime {
            value: crate::Redacted::new(crate::text::truncate(s, 64)),
            reason,
        })
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Date::parse(&s).map_err(|e| serde::de::Error::custom(format_args!("invalid date: {e}")))
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date",
            "pattern": DATE_PATTERN,
            "title": "Date (RFC 3339 full-date)",
            "x-linli-title-zh": "日期",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_accept_offsets_and_round_trip() {
        for s in [
            "2024-05-01T10:00:00+08:00",
            "2024-05-01T02:00:00Z",
            "2024-05-01T10:00:00.5+08:00",
            "2024-05-01T10:00:00.123456789-03:30",
            "2024-02-29T23:59:59+14:00",
        ] {
            let t = Timestamp::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(t.to_string(), s);
        }
        assert_eq!(
            Timestamp::parse("2024-05-01T00:00:00+00:00").map(|t| t.to_string()),
            Ok("2024-05-01T00:00:00Z".to_owned())
        );
    }

    #[test]
    fn timestamps_refuse_what_the_pattern_refuses() {
        let re = regex::Regex::new(TIMESTAMP_PATTERN).unwrap();
        for (s, why) in [
            ("2024-05-01T10:00:00", TimeError::MissingOffset),
            ("2024-05-01 10:00:00+08:00", TimeError::Shape),
            ("2024-05-01T10:00:00+0800", TimeError::Shape),
            ("2024-05-01t10:00:00Z", TimeError::Shape),
            ("2024-05-01T10:00:00z", TimeError::Shape),
            ("2024-05-01T24:00:00Z", TimeError::Shape),
            ("2024-05-01T23:59:60Z", TimeError::Shape),
            ("2024-13-01T10:00:00Z", TimeError::Shape),
            ("2024-05-01T10:00:00.Z", TimeError::Shape),
            ("2024-05-01T10:00:00.1234567891Z", TimeError::Shape),
            ("2023-02-29T10:00:00Z", TimeError::Calendar),
            ("2024-04-31T10:00:00Z", TimeError::Calendar),
            ("２024-05-01T10:00:00Z", TimeError::Shape),
            ("0000-01-01T00:00:00Z", TimeError::Shape),
            ("0000-02-29T00:00:00Z", TimeError::Shape),
            ("0001-02-29T00:00:00Z", TimeError::Calendar),
            ("1900-02-29T00:00:00Z", TimeError::Calendar),
            ("2024-05-01T10:00:00Z\n", TimeError::Shape),
        ] {
            assert_eq!(Timestamp::parse(s), Err(why), "{s}");
            if why != TimeError::Calendar {
                assert!(!re.is_match(s), "pattern accepts {s}");
            } else {
                assert!(re.is_match(s), "pattern refuses {s}");
            }
        }
    }

    #[test]
    fn years_0001_to_9999_proleptic() {
        let re = regex::Regex::new(DATE_PATTERN).unwrap();
        for ok in ["0001-01-01", "0004-02-29", "1600-02-29", "9999-12-31"] {
            assert!(Date::parse(ok).is_ok() && re.is_match(ok), "{ok}");
        }
        for bad in ["0000-01-01", "0000-02-29", "0100-02-29", "1900-02-29", "2024-05-01\n"] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
        assert!(!re.is_match("0000-01-01") && !re.is_match("2024-05-01\n"));
        assert!(Date::from_ymd(0, 1, 1).is_none() && Date::from_ymd(10_000, 1, 1).is_none());
        assert!(Date::from_ymd(1, 1, 1).is_some());
    }

    #[test]
    fn ordering_is_by_instant() {
        let a = Timestamp::parse("2024-05-01T10:00:00+08:00").unwrap();
        let b = Timestamp::parse("2024-05-01T03:00:00Z").unwrap();
        assert!(a < b);
        assert_eq!(a.cmp_instant(&b), Ordering::Less);
    }

    #[test]
    fn dates() {
        assert_eq!(Date::parse("1949-12-31").map(|d| d.to_string()), Ok("1949-12-31".into()));
        assert_eq!(Date::parse("2023-02-29"), Err(TimeError::Calendar));
        assert_eq!(Date::parse("2023-2-28"), Err(TimeError::Shape));
        assert_eq!(Date::parse("20230228"), Err(TimeError::Shape));
        assert!(Date::from_ymd(2024, 2, 30).is_none());
    }
}
