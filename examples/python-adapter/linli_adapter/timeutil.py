"""Timestamps and dates ([CON-020]–[CON-024]): parsed to instants, compared as instants."""

from __future__ import annotations

import re
from typing import NamedTuple

_TS = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?"
    r"(Z|([+-])([0-9]{2}):([0-9]{2}))\Z"
)


def is_leap(year: int) -> bool:
    """Proleptic Gregorian leap years (year 0 is one, as in ISO 8601)."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int) -> int:
    """Days of a month, 0 when the month does not exist."""
    if not 1 <= month <= 12:
        return 0
    if month == 2:
        return 29 if is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def is_day(year: int, month: int, day: int) -> bool:
    """A day of the (proleptic) Gregorian calendar; the patterns allow years 0001–9999 ([CON-020])."""
    return 1 <= day <= days_in_month(year, month)


def days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (any year, year 0 included)."""
    y -= m <= 2
    era = y // 400  # floor division: also right for the year -1 (January of year 0)
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(z: int) -> tuple[int, int, int]:
    """The inverse of `days_from_civil`."""
    z += 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    return yoe + era * 400 + (m <= 2), m, d


def parse(ts: str):
    """(epoch seconds UTC, nanoseconds, offset minutes, fraction text) or None."""
    m = _TS.match(ts) if isinstance(ts, str) else None
    if not m:
        return None
    y, mo, d, h, mi, s, frac, z, sign, oh, om = m.groups()
    y, mo, d, h, mi, s = int(y), int(mo), int(d), int(h), int(mi), int(s)
    if not is_day(y, mo, d) or h > 23 or mi > 59 or s > 59:
        return None
    offset = 0 if z == "Z" else (int(oh) * 60 + int(om)) * (1 if sign == "+" else -1)
    epoch = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset * 60
    nanos = int(frac.ljust(9, "0")) if frac else 0
    return epoch, nanos, offset, frac


def instant(ts: str):
    """A comparable instant (seconds, nanoseconds) or None."""
    p = parse(ts)
    return None if p is None else (p[0], p[1])


class Day(NamedTuple):
    """A calendar day of the proleptic Gregorian calendar (year 0000 included); compares in order."""

    year: int
    month: int
    day: int

    def isoformat(self) -> str:
        """`YYYY-MM-DD`."""
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


def local_date(ts: str) -> Day | None:
    """The calendar date of a timestamp in its own offset ([CON-024])."""
    if parse(ts) is None:
        return None
    return Day(int(ts[0:4]), int(ts[5:7]), int(ts[8:10]))


def date(text) -> Day | None:
    """A Date ([CON-022]) or None."""
    if not isinstance(text, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return None
    day = Day(int(text[0:4]), int(text[5:7]), int(text[8:10]))
    return day if is_day(*day) else None


def format_ts(epoch: int, offset: int, frac: str | None, zulu: bool) -> str:
    """Write an instant back as a Timestamp in the given offset, with the given fraction digits."""
    local = epoch + offset * 60
    days, secs = divmod(local, 86400)
    y, m, d = civil_from_days(days)
    text = f"{y:04d}-{m:02d}-{d:02d}T{secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}"
    if frac is not None:
        text += "." + frac
    return text + offset_text(offset, zulu)


def offset_text(offset: int, zulu: bool) -> str:
    """`Z` or `±hh:mm`."""
    if zulu:
        return "Z"
    sign = "+" if offset >= 0 else "-"
    o = abs(offset)
    return f"{sign}{o // 60:02d}:{o % 60:02d}"
