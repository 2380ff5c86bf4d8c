"""Sharing at a level (chapter 19): the built-in profiles `inter-department` and `public`,
applied member by member to the marks read from the schemas ([PRI-001], [PRI-003], [PRI-005]).

The profiles below restate the table of [SHR-060] (spec/19-sharing.md §19.6). Their
`defaults` are not in that table; see SPEC-GAPS.md (they matter only for persons under fourteen,
[SHR-005]).
"""

from __future__ import annotations

import decimal
import hashlib
import hmac
import os
import re

from . import PRODUCT, checks, timeutil
from .export import now_beijing, write_dataset

# -- the built-in profiles ([SHR-060]) ----------------------------------------------------------

KEEP, MASK, GEN, PSEUDO, DROP = "keep", "mask", "generalise", "pseudonymise", "drop"

PROFILES = {
    "inter-department": {
        "defaults": {"personal": MASK, "sensitive": DROP, "extensions": DROP},
        "rules": {
            ("Person", "/birthDate"): (KEEP, {}),
            ("Person", "/birthPeriod"): (KEEP, {}),
            ("Person", "/careTags"): (DROP, {}),
            ("Person", "/education"): (KEEP, {}),
            ("Person", "/ethnicGroup"): (DROP, {}),
            ("Person", "/gender"): (KEEP, {}),
            ("Person", "/household"): (PSEUDO, {}),
            ("Person", "/identifiers"): (PSEUDO, {}),
            ("Person", "/name"): (MASK, {}),
            ("Person", "/nationality"): (KEEP, {}),
            ("Person", "/phones"): (MASK, {}),
            ("Person", "/politicalStatus"): (KEEP, {}),
            ("Person", "/residences"): (KEEP, {}),
            ("Organization", "/contacts"): (KEEP, {}),
            ("Organization", "/contacts/*/name"): (MASK, {}),
            ("Organization", "/contacts/*/phone"): (MASK, {}),
            ("Organization", "/legalRepresentative"): (KEEP, {}),
            ("Thing", "/name"): (MASK, {}),
            ("Thing", "/owner"): (KEEP, {}),
            ("Thing", "/place"): (KEEP, {}),
            ("Thing", "/vehicle/plateNumber"): (MASK, {}),
            ("Event", "/description"): (KEEP, {}),
            ("Event", "/location"): (KEEP, {}),
            ("Event", "/media"): (DROP, {}),
            ("Event", "/place"): (KEEP, {}),
            ("Event", "/subjects"): (KEEP, {}),
            ("Case", "/description"): (KEEP, {}),
            ("Case", "/evaluation/comment"): (KEEP, {}),
            ("Case", "/history/*/note"): (KEEP, {}),
            ("Case", "/location"): (KEEP, {}),
            ("Case", "/place"): (KEEP, {}),
            ("Case", "/reporter"): (KEEP, {}),
        },
    },
    "public": {
        "defaults": {"personal": DROP, "sensitive": DROP, "extensions": DROP},
        "rules": {
            ("Person", "/birthDate"): (GEN, {"method": "five-year-band"}),
            ("Person", "/birthPeriod"): (GEN, {"method": "five-year-band"}),
            ("Person", "/careTags"): (DROP, {}),
            ("Person", "/education"): (DROP, {}),
            ("Person", "/ethnicGroup"): (DROP, {}),
            ("Person", "/gender"): (KEEP, {}),
            ("Person", "/household"): (DROP, {}),
            ("Person", "/identifiers"): (DROP, {}),
            ("Person", "/name"): (MASK, {"keepStart": 0, "keepEnd": 0}),
            ("Person", "/nationality"): (DROP, {}),
            ("Person", "/phones"): (DROP, {}),
            ("Person", "/politicalStatus"): (DROP, {}),
            ("Person", "/residences"): (GEN, {"method": "community"}),
            ("Organization", "/contacts"): (DROP, {}),
            ("Organization", "/contacts/*/name"): (DROP, {}),
            ("Organization", "/contacts/*/phone"): (DROP, {}),
            ("Organization", "/legalRepresentative"): (DROP, {}),
            ("Thing", "/name"): (DROP, {}),
            ("Thing", "/owner"): (DROP, {}),
            ("Thing", "/place"): (DROP, {}),
            ("Thing", "/vehicle/plateNumber"): (DROP, {}),
            ("Event", "/description"): (DROP, {}),
            ("Event", "/location"): (GEN, {"method": "round", "decimals": 3}),
            ("Event", "/media"): (DROP, {}),
            ("Event", "/place"): (DROP, {}),
            ("Event", "/subjects"): (DROP, {}),
            ("Case", "/description"): (DROP, {}),
            ("Case", "/evaluation/comment"): (DROP, {}),
            ("Case", "/history/*/note"): (DROP, {}),
            ("Case", "/location"): (GEN, {"method": "round", "decimals": 3}),
            ("Case", "/place"): (DROP, {}),
            ("Case", "/reporter"): (DROP, {}),
        },
    },
}

# [SHR-042]: free-text members in which identity and mobile numbers are masked where they stand
FREE_TEXT = {
    "Organization": ["/name", "/contacts/*/role"],
    "Place": ["/name", "/address/fullText"],
    "Thing": ["/name"],
    "Event": ["/description"],
    "Case": ["/title", "/description", "/resolution", "/history/*/note", "/evaluation/comment"],
}

# -- masking ([PRI-004], [SHR-011]) -------------------------------------------------------------


def shown(length: int) -> tuple[int, int]:
    """Characters shown at the start and the end of a value of `length` ([PRI-004])."""
    if length <= 1:
        return 0, 0
    if length == 2:
        return 1, 0
    if length <= 6:
        return 1, 1
    if length <= 10:
        return 2, 2
    if length == 11:
        return 3, 4
    return 4, 4


def mask(value: str, keep_start=None, keep_end=None) -> str:
    """Replace characters by `*`, one per character, showing at most the allowed ones."""
    n = len(value)
    start, end = shown(n)
    if keep_start is not None or keep_end is not None:
        start, end = keep_start or 0, keep_end or 0
        if start + end >= n:
            start, end = shown(n)
    return value[:start] + "*" * (n - start - end) + (value[n - end:] if end else "")


def mask_phone(number: str) -> str:
    """A masked telephone number that stays valid ([PER-018], [SHR-011])."""
    masked = mask(number)
    if number.startswith("+") and not masked[1:2].isdigit():
        masked = number[:2] + masked[2:]  # keep the `+` and the digit after it
    if not masked[:1].isdigit() and not masked.startswith("+"):
        masked = number[0] + masked[1:]
    return masked


def mask_resident_id(value: str) -> str:
    """A masked resident ID number keeps its 18 characters ([PER-019])."""
    return mask(value)


def mask_numbers_in_text(text: str) -> str:
    """[SHR-042]: identity and mobile numbers in free text masked where they stand."""
    spans = sorted(checks.id_numbers_in(text) + checks.mobiles_in(text))
    out, last = [], 0
    for a, b in spans:
        if a < last:
            continue
        out.append(text[last:a])
        # Its digits (and X) masked, separators dropped ([SHR-042]).
        found = checks.normalise_digits(text[a:b])
        out.append(mask("".join(c.upper() for c in found if c.isascii() and (c.isdigit() or c in "Xx"))))
        last = b
    out.append(text[last:])
    return "".join(out)


# -- pseudonymisation ([SHR-020]–[SHR-022]) ----------------------------------------------------


def token(key: bytes, domain: str, value: str) -> str:
    """HMAC-SHA256 of the key over domain, U+001F, value; 64 lower-case hex digits."""
    return hmac.new(key, (domain + "\x1f" + value).encode("utf-8"), hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    """First 16 hex digits of SHA-256 over `linli-key-id`, 0x1F, key ([SHR-022])."""
    return hashlib.sha256(b"linli-key-id\x1f" + key).hexdigest()[:16]


# The product's own key when none is configured: random, for this session only, so its tokens
# link records within the session's exports and nowhere else.
_SESSION_KEY = os.urandom(32).hex().encode("ascii")


def product_key(req: dict) -> bytes:
    """The key to pseudonymise with: the one the harness gives for the case, else the product's
    own (`LINLI_MASK_KEY`, a file named by `LINLI_MASK_KEY_FILE`, else a key of this session)."""
    if isinstance(req.get("key"), str):
        key = req["key"].encode("utf-8")  # the test key of the case ([CNF-036])
    else:
        if os.environ.get("LINLI_MASK_KEY"):
            key = os.environ["LINLI_MASK_KEY"].encode("utf-8")
        elif os.environ.get("LINLI_MASK_KEY_FILE"):
            with open(os.environ["LINLI_MASK_KEY_FILE"], "rb") as f:
                key = f.read()
            if key.endswith(b"\r\n"):
                key = key[:-2]
            elif key.endswith(b"\n"):
                key = key[:-1]
        else:
            key = _SESSION_KEY
    if len(key) < 16:
        raise ValueError("the pseudonymisation key is shorter than 16 bytes ([SHR-021])")
    return key


def reference_time(req: dict) -> str:
    """The export's `createdAt`: the harness's `reference_time`, else now ([SHR-007])."""
    given = req.get("reference_time")
    return given if timeutil.parse(given) else now_beijing()


# -- applying a profile -------------------------------------------------------------------------


def _add_years(d: timeutil.Day, years: int) -> timeutil.Day:
    if timeutil.is_day(d.year + years, d.month, d.day):
        return timeutil.Day(d.year + years, d.month, d.day)
    # 29 February: in a common year the anniversary is 1 March (SPEC-GAPS)
    return timeutil.Day(d.year + years, 3, 1)


def birth_of(person: dict) -> timeutil.Day | None:
    """Birth date by `birthDate`, a valid resident ID, or the start of `birthPeriod` ([SHR-005])."""
    d = timeutil.date(person.get("birthDate"))
    if d:
        return d
    for ident in person.get("identifiers", []):
        v = ident.get("value", "")
        if ident.get("scheme") == "resident-id" and "*" not in v and not [
                f for f in checks.resident_id_findings(v, "") if f[1] == "error"]:
            return timeutil.date(f"{v[6:10]}-{v[10:12]}-{v[12:14]}")
    period = person.get("birthPeriod")
    if isinstance(period, dict):
        return timeutil.date(period.get("start"))
    return None


class Sharer:
    """Applies one built-in profile to the records of one export."""

    def __init__(self, level: str, key: bytes, today: timeutil.Day, records: list[dict], schemas):
        if level not in PROFILES:
            raise ValueError(f"no built-in profile for sharing level {level!r}")
        self.level = level
        self.profile = PROFILES[level]
        self.key = key
        self.today = today
        self.schemas = schemas
        self.pseudonymised = False
        self.places = {r["id"]: r for r in records if r["type"] == "Place"}
        self.minors = {r["id"] for r in records if r["type"] == "Person" and self.is_minor(r)}
        self.residences_removed = 0
        self._marked: dict[str, list] = {}

    def action(self, rtype: str, pointer: str, mark: str, minor: bool):
        """[SHR-004], [SHR-005]: the rule, else the default of the mark; for a minor the
        sensitive default replaces a `keep` rule and a missing rule."""
        rule = self.profile["rules"].get((rtype, pointer))
        sensitive_default = (self.profile["defaults"]["sensitive"], {})
        if minor:
            if rule is None or rule[0] == KEEP:
                rule = sensitive_default
        elif rule is None:
            rule = (self.profile["defaults"][mark], {})
        return rule

    def marked_members(self, rtype: str) -> list[tuple[str, str]]:
        """(pointer pattern, mark) of the marked members of a record type, from the schemas,
        outermost first ([PRI-001])."""
        if rtype not in self._marked:
            self._marked[rtype] = self._find_marked(rtype)
        return list(self._marked[rtype])

    def _find_marked(self, rtype: str) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []

        def walk(schema, ptr, depth):
            schema = self.schemas.resolve(schema, self.schemas.common)
            if depth > 4:
                return
            for name, sub in schema.get("properties", {}).items():
                p = f"{ptr}/{name}"
                mark = sub.get("x-linli-sensitivity") or self.schemas.resolve(
                    sub, self.schemas.common).get("x-linli-sensitivity")
                if mark:
                    found.append((p, mark))
                inner = self.schemas.resolve(sub, self.schemas.common)
                if inner.get("type") == "array" and isinstance(inner.get("items"), dict):
                    walk(inner["items"], p + "/*", depth + 1)
                elif inner.get("type") == "object" and name != "extensions":
                    walk(inner, p, depth + 1)

        walk(self.schemas.record_schema(rtype), "", 0)
        return found

    def apply(self, rec: dict) -> dict:
        """The record as the level allows it."""
        rec = _copy(rec)
        rtype = rec["type"]
        minor = rtype == "Person" and rec["id"] in self.minors
        members = self.marked_members(rtype)
        # [SHR-012]: birthPeriod before birthDate
        members.sort(key=lambda m: 0 if m[0] == "/birthPeriod" else 1)
        for pattern, mark in members:
            if pattern == "/identifiers/*/value":
                continue  # a rule on it is a rule on /identifiers ([SHR-001])
            for ptr in _expand(rec, pattern):
                if checks.get(rec, ptr) is None:
                    continue
                act, opts = self.action(rtype, pattern, mark, minor)
                self._act(rec, rtype, pattern, ptr, act, opts, minor)
        if "extensions" in rec and self.profile["defaults"]["extensions"] == DROP:
            del rec["extensions"]  # [SHR-006]
        if self.level != "internal":
            for pattern in FREE_TEXT.get(rtype, []):
                for ptr in _expand(rec, pattern):
                    text = checks.get(rec, ptr)
                    if isinstance(text, str) and not _is_token(text):
                        _set(rec, ptr, mask_numbers_in_text(text))
        self._references_to_minors(rec)
        return rec

    def is_minor(self, person: dict) -> bool:
        """Under fourteen on the reference date ([PRI-007], [SHR-005], [SHR-007])."""
        birth = birth_of(person)
        return birth is not None and self.today < _add_years(birth, 14)

    def _references_to_minors(self, rec: dict) -> None:
        """[PRI-007] SHOULD: Event `subjects` and Case `reporter` that point to a child are treated
        as `sensitive`: they take the sensitive default (every built-in profile drops them)."""
        if self.profile["defaults"]["sensitive"] != DROP:
            return
        if rec["type"] == "Event" and "subjects" in rec:
            kept = [s for s in rec["subjects"] if not (s["type"] == "Person" and s["id"] in self.minors)]
            if kept:
                rec["subjects"] = kept
            else:
                del rec["subjects"]
        if rec["type"] == "Case" and rec.get("reporter", {}).get("id") in self.minors:
            del rec["reporter"]

    def _act(self, rec, rtype, pattern, ptr, act, opts, minor) -> None:
        value = checks.get(rec, ptr)
        leaf = pattern.rsplit("/", 1)[-1]
        if act == DROP:
            if rtype == "Person" and pattern == "/name":
                _set(rec, ptr, mask(value))  # [SHR-005]: the required name is masked instead
            else:
                _remove(rec, ptr)
        elif act == KEEP:
            return
        elif act == MASK:
            if leaf in ("phones", "phone"):
                _set(rec, ptr, [mask_phone(v) for v in value] if isinstance(value, list) else mask_phone(value))
            elif leaf == "identifiers":
                for ident in value:
                    if ident["scheme"] == "pseudonym":
                        continue
                    ident["value"] = mask_resident_id(ident["value"]) if ident["scheme"] == "resident-id" \
                        else mask(ident["value"], opts.get("keepStart"), opts.get("keepEnd"))
            elif isinstance(value, str):
                _set(rec, ptr, mask(value, opts.get("keepStart"), opts.get("keepEnd")))
            else:
                _remove(rec, ptr)  # [SHR-004]: mask does not apply: dropped
        elif act == PSEUDO:
            self.pseudonymised = True
            if leaf == "identifiers":
                out = []
                for ident in value:
                    if ident["scheme"] == "pseudonym":
                        out.append(ident)
                    else:
                        out.append({"scheme": "pseudonym", "value": token(self.key, ident["scheme"], ident["value"])})
                _set(rec, ptr, out)
            elif leaf == "household":
                value["householdId"] = token(self.key, "household", value["householdId"])[:32]
            elif isinstance(value, str):
                _set(rec, ptr, token(self.key, "text", value))
            else:
                _remove(rec, ptr)
        elif act == GEN:
            method = opts.get("method")
            if leaf in ("birthDate", "birthPeriod") and method in ("year", "five-year-band"):
                self._generalise_birth(rec, leaf, method)
            elif leaf == "residences" and method == "community":
                self._generalise_residences(rec, ptr)
            elif leaf == "location" and method == "round":
                coords = value.get("coordinates", [])
                places = opts.get("decimals", 3)
                value["coordinates"] = [round_decimal(coords[0], places), round_decimal(coords[1], places)]
            else:
                _remove(rec, ptr)

    def _generalise_birth(self, rec: dict, leaf: str, method: str) -> None:
        def band(d: timeutil.Day, first: bool) -> timeutil.Day:
            y = d.year if method == "year" else d.year - d.year % 5
            if first:
                return timeutil.Day(max(y, 1), 1, 1)  # years begin at 0001 [CON-022]
            return timeutil.Day(y if method == "year" else y + 4, 12, 31)

        if leaf == "birthPeriod":
            p = rec["birthPeriod"]
            s, e = timeutil.date(p["start"]), timeutil.date(p["end"])
            rec["birthPeriod"] = {"start": band(s, True).isoformat(), "end": band(e, False).isoformat()}
        else:
            d = timeutil.date(rec.pop("birthDate"))
            s, e = band(d, True), band(d, False)
            if "birthPeriod" in rec:
                p = rec["birthPeriod"]
                s = min(s, timeutil.date(p["start"]))
                e = max(e, timeutil.date(p["end"]))
            rec["birthPeriod"] = {"start": s.isoformat(), "end": e.isoformat()}

    def _generalise_residences(self, rec: dict, ptr: str) -> None:
        out = []
        for res in rec["residences"]:
            community = self._community_of(res["place"]["id"])
            if community is None:
                self.residences_removed += 1
                continue
            item = {"place": {"type": "Place", "id": community}, "kind": res["kind"]}
            if item not in out:
                out.append(item)
        if out:
            rec["residences"] = out
        else:
            del rec["residences"]

    def _community_of(self, place_id: str) -> str | None:
        seen = set()
        while place_id in self.places and place_id not in seen:
            seen.add(place_id)
            place = self.places[place_id]
            if place.get("kind") == "community":
                return place_id
            place_id = place.get("parent", {}).get("id")
        return None


def round_decimal(number, places: int):
    """[SHR-014]: a coordinate rounded to `places` decimals, half away from zero on the number as
    written in JSON (its shortest decimal form), not on its binary value: 120.5855 → 120.586."""
    quantum = decimal.Decimal(1).scaleb(-places)
    rounded = decimal.Decimal(repr(number)).quantize(quantum, rounding=decimal.ROUND_HALF_UP)
    return int(rounded) if places == 0 else float(rounded)


def _is_token(text: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-f]{64}", text))


def _copy(value):
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _expand(rec: dict, pattern: str) -> list[str]:
    """Concrete pointers of a pattern with `*` for array indices, deepest indices last."""
    ptrs = [""]
    for seg in pattern.split("/")[1:]:
        nxt = []
        for p in ptrs:
            if seg == "*":
                arr = checks.get(rec, p)
                if isinstance(arr, list):
                    nxt.extend(f"{p}/{i}" for i in range(len(arr)))
            else:
                nxt.append(f"{p}/{seg}")
        ptrs = nxt
    return ptrs


def _parent(rec: dict, ptr: str):
    head, leaf = ptr.rsplit("/", 1)
    return (checks.get(rec, head) if head else rec), leaf


def _set(rec: dict, ptr: str, value) -> None:
    parent, leaf = _parent(rec, ptr)
    parent[int(leaf) if isinstance(parent, list) else leaf] = value


def _remove(rec: dict, ptr: str) -> None:
    parent, leaf = _parent(rec, ptr)
    if isinstance(parent, dict):
        parent.pop(leaf, None)


def share(req: dict, records: list[dict], schemas) -> dict:
    """Export `records` to `req["directory"]` at `req["level"]`; returns the manifest."""
    level = req["level"]
    created = reference_time(req)
    # [SHR-007]: ages are judged on the date of the createdAt the export states
    sharer = Sharer(level, product_key(req) if level != "internal" else b"", timeutil.local_date(created),
                    records, schemas)
    out = [sharer.apply(r) for r in records]
    protection = {
        "profile": level,
        "appliedAt": created,
        "tool": f"{PRODUCT['name']} {PRODUCT['version']}",
    }
    if sharer.pseudonymised:
        protection["keyId"] = key_id(sharer.key)
    return write_dataset(req["directory"], out, schemas, sharing_level=level, protection=protection,
                         created_at=created)
