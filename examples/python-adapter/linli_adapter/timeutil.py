"""Timestamps and dates ([CON-020]–[CON-024]): parsed to instants, compared as instants."""

from __future__ import annotations

import datetime
import re

_TS = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?"
    r"(Z|([+-])([0-9]{2}):([0-9]{2}))\Z"
)


def parse(ts: str):
    """(epoch seconds UTC, nanoseconds, offset minutes, fraction text) or None."""
    m = _TS.match(ts) if isinstance(ts, str) else None
    if not m:
        return None
    y, mo, d, h, mi, s, frac, z, sign, oh, om = m.groups()
    try:
        local = datetime.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s),
                                  tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    offset = 0 if z == "Z" else (int(oh) * 60 + int(om)) * (1 if sign == "+" else -1)
    epoch = int(local.timestamp()) - offset * 60
    nanos = int((frac or "").ljust(9, "0")) if frac else 0
    return epoch, nanos, offset, frac


def instant(ts: str):
    """A comparable instant (seconds, nanoseconds) or None."""
    p = parse(ts)
    return None if p is None else (p[0], p[1])


def local_date(ts: str) -> datetime.date | None:
    """The calendar date of a timestamp in its own offset ([CON-024])."""
    p = parse(ts)
    if p is None:
        return None
    return datetime.date(int(ts[0:4]), int(ts[5:7]), int(ts[8:10]))


def date(text) -> datetime.date | None:
    """A Date ([CON-022]) or None."""
    if not isinstance(text, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return None
    try:
        return datetime.date(int(text[0:4]), int(text[5:7]), int(text[8:10]))
    except ValueError:
        return None


def format_ts(epoch: int, offset: int, frac: str | None, zulu: bool) -> str:
    """Write an instant back as a Timestamp in the given offset, with the given fraction digits."""
    local = datetime.datetime.fromtimestamp(epoch + offset * 60, tz=datetime.timezone.utc)
    text = (f"{local.year:04d}-{local.month:02d}-{local.day:02d}T"
            f"{local.hour:02d}:{local.minute:02d}:{local.second:02d}")
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
