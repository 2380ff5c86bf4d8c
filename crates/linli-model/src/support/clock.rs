//! The clock: every "now" of the workspace, in whole seconds (a report or a manifest never
//! shows a fraction of a second).

use crate::datetime::{Date, Timestamp};

/// The offset of China Standard Time (UTC+8).
const CHINA: time::UtcOffset = time::macros::offset!(+8);

/// Now, in UTC, to the second (`2026-12-05T16:45:00Z`).
pub fn now_utc() -> Timestamp {
    whole_seconds(time::OffsetDateTime::now_utc())
}

/// Now, in China Standard Time (UTC+8), to the second (`2026-12-06T00:45:00+08:00`).
pub fn now_china() -> Timestamp {
    whole_seconds(time::OffsetDateTime::now_utc().to_offset(CHINA))
}

/// Today in China (UTC+8), for the age of persons `[PRI-007]`.
pub fn today_china() -> Date {
    now_china().local_date()
}

fn whole_seconds(t: time::OffsetDateTime) -> Timestamp {
    // Zero nanoseconds are always in range: the fallback is never taken.
    Timestamp::from_offset_datetime(t.replace_nanosecond(0).unwrap_or(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_seconds_in_utc_and_china() {
        let utc = now_utc();
        assert_eq!(utc.as_offset_datetime().nanosecond(), 0);
        assert!(utc.to_string().ends_with('Z'), "{utc}");
        let cn = now_china();
        assert_eq!(cn.as_offset_datetime().nanosecond(), 0);
        assert!(cn.to_string().ends_with("+08:00"), "{cn}");
        // The two clocks read the same instant (give or take the seconds between the calls).
        assert!((cn.unix_timestamp() - utc.unix_timestamp()).abs() <= 2);
        assert_eq!(today_china(), now_china().local_date());
    }
}
