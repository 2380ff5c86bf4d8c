"""The product's own storage: an in-memory SQLite database of flat rows.

A record is kept as one row per leaf value (record type, id, path, kind, value), the way many
community platforms keep configurable forms. Timestamps are not kept as text: they are stored
as the instant (UTC epoch seconds) with the offset in minutes and the fraction digits in columns
of their own, and written back in the offset they came with ([CON-020], [CON-024]). Vendor
extensions are kept whole as a JSON document per record ([COR-041]). Members are written back
with `type`, `id` and `meta` first ([COR-004]).
"""

from __future__ import annotations

import json
import sqlite3

from . import timeutil
from .schema import Schemas

_SCHEMA = """
CREATE TABLE record (seq INTEGER PRIMARY KEY, rtype TEXT NOT NULL, rid TEXT NOT NULL,
                     UNIQUE (rtype, rid));
CREATE TABLE cell (seq INTEGER PRIMARY KEY, rtype TEXT NOT NULL, rid TEXT NOT NULL,
                   path TEXT NOT NULL, kind TEXT NOT NULL, text TEXT, real REAL,
                   epoch INTEGER, offset_min INTEGER, frac TEXT, zulu INTEGER);
CREATE INDEX cell_record ON cell (rtype, rid);
"""


class Store:
    """Records of the product, keyed by (record type, id) ([CON-011], [COR-023])."""

    def __init__(self, schemas: Schemas):
        self.schemas = schemas
        self.db = sqlite3.connect(":memory:")
        self.db.executescript(_SCHEMA)
        self._ts_cache: dict[tuple, bool] = {}

    def clear(self) -> None:
        """Forget every record."""
        self.db.execute("DELETE FROM record")
        self.db.execute("DELETE FROM cell")

    # -- in ---------------------------------------------------------------------------------

    def put(self, record: dict) -> None:
        """Take a record in (a later one with the same type and id replaces it)."""
        rtype, rid = record["type"], record["id"]
        self.db.execute("DELETE FROM cell WHERE rtype = ? AND rid = ?", (rtype, rid))
        self.db.execute("INSERT OR IGNORE INTO record (rtype, rid) VALUES (?, ?)", (rtype, rid))
        rows: list[tuple] = []
        for key, value in record.items():
            if key in ("type", "id"):
                continue
            if key == "extensions":
                rows.append((rtype, rid, json.dumps([key]), "json",
                             json.dumps(value, ensure_ascii=False), None, None, None, None, None))
                continue
            self._flatten(rtype, rid, [key], value, rows)
        self.db.executemany(
            "INSERT INTO cell (rtype, rid, path, kind, text, real, epoch, offset_min, frac, zulu)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def _is_timestamp(self, rtype: str, path: list) -> bool:
        key = (rtype, tuple("*" if isinstance(p, int) else p for p in path))
        hit = self._ts_cache.get(key)
        if hit is None:
            chain = self.schemas.member_schema(rtype, path)
            hit = len(chain) == len(path) + 1 and chain[-1].get("format") == "date-time"
            self._ts_cache[key] = hit
        return hit

    def _flatten(self, rtype: str, rid: str, path: list, value, rows: list) -> None:
        p = json.dumps(path, ensure_ascii=False)
        if isinstance(value, dict):
            if not value:
                rows.append((rtype, rid, p, "object", None, None, None, None, None, None))
            for k, v in value.items():
                self._flatten(rtype, rid, path + [k], v, rows)
        elif isinstance(value, list):
            if not value:
                rows.append((rtype, rid, p, "array", None, None, None, None, None, None))
            for i, v in enumerate(value):
                self._flatten(rtype, rid, path + [i], v, rows)
        elif isinstance(value, bool):
            rows.append((rtype, rid, p, "bool", "true" if value else "false", None, None, None, None, None))
        elif isinstance(value, int):
            rows.append((rtype, rid, p, "int", str(value), None, None, None, None, None))
        elif isinstance(value, float):
            rows.append((rtype, rid, p, "real", None, value, None, None, None, None))
        elif value is None:
            rows.append((rtype, rid, p, "null", None, None, None, None, None, None))
        else:
            parsed = timeutil.parse(value) if self._is_timestamp(rtype, path) else None
            if parsed is not None:
                epoch, _nanos, offset, frac = parsed
                rows.append((rtype, rid, p, "time", None, None, epoch, offset, frac,
                             1 if value.endswith("Z") else 0))
            else:
                rows.append((rtype, rid, p, "text", value, None, None, None, None, None))

    # -- out --------------------------------------------------------------------------------

    def keys(self) -> list[tuple[str, str]]:
        """(record type, id) of every record, in the order they were taken in."""
        return list(self.db.execute("SELECT rtype, rid FROM record ORDER BY seq"))

    def get(self, rtype: str, rid: str) -> dict:
        """The record written back in Linli form."""
        record: dict = {"type": rtype, "id": rid}
        rows = self.db.execute(
            "SELECT path, kind, text, real, epoch, offset_min, frac, zulu FROM cell"
            " WHERE rtype = ? AND rid = ? ORDER BY seq", (rtype, rid))
        for path, kind, text, real, epoch, offset, frac, zulu in rows:
            segs = json.loads(path)
            value = {
                "object": lambda: {},
                "array": lambda: [],
                "bool": lambda: text == "true",
                "int": lambda: int(text),
                "real": lambda: real,
                "null": lambda: None,
                "text": lambda: text,
                "json": lambda: json.loads(text),
                "time": lambda: timeutil.format_ts(epoch, offset, frac, bool(zulu)),
            }[kind]()
            _place(record, segs, value)
        if "meta" in record:  # [COR-004]: type, id and meta first
            meta = record.pop("meta")
            record = {"type": record.pop("type"), "id": record.pop("id"), "meta": meta, **record}
        return record

    def all(self) -> list[dict]:
        """Every record, in the order taken in."""
        return [self.get(t, i) for t, i in self.keys()]


def _place(root: dict, segs: list, value) -> None:
    cur = root
    for i, seg in enumerate(segs):
        last = i == len(segs) - 1
        nxt_container = None if last else ([] if isinstance(segs[i + 1], int) else {})
        if isinstance(cur, list):
            while len(cur) <= seg:
                cur.append(None)
            if last:
                cur[seg] = value
            else:
                if cur[seg] is None:
                    cur[seg] = nxt_container
                cur = cur[seg]
        else:
            if last:
                cur[seg] = value
            else:
                if seg not in cur:
                    cur[seg] = nxt_container
                cur = cur[seg]
