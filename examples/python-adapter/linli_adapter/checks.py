"""Semantic checks of chapter 20 ([CON-050]) on one record, and the leak scans of [SHR-040]/[SHR-041].

Each finding is (code, level, pointer). Only the rules of the specification are applied; the
code and level of each come from the tables of chapters 20 and 21.
"""

from __future__ import annotations

import re

from . import codes, timeutil

ERROR, WARNING = "error", "warning"

# -- identity numbers ([PER-008]) ---------------------------------------------------------------

_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]\Z")


def id_check_char(first17: str) -> str:
    """The GB 11643 check character of 17 digits."""
    s = sum(int(c) * w for c, w in zip(first17, codes.ID_WEIGHTS))
    return codes.ID_CHECK[s % 11]


def resident_id_findings(value: str, ptr: str) -> list:
    """Findings of [PER-008] / [PER-019] on a `resident-id` value."""
    if "*" in value:
        # masked ([PER-019]): 18 characters, visible ones digits (X/`*` last)
        ok = len(value) == 18 and all(c.isascii() and (c.isdigit() or c == "*") for c in value[:17]) \
            and (value[17] in "0123456789X*")
        return [] if ok else [("id-number-shape", ERROR, ptr)]
    if not _ID_SHAPE.match(value):
        return [("id-number-shape", ERROR, ptr)]
    out = []
    if timeutil.date(f"{value[6:10]}-{value[10:12]}-{value[12:14]}") is None:
        out.append(("id-number-birth-date", ERROR, ptr))
    if id_check_char(value[:17]) != value[17]:
        out.append(("id-number-check-character", ERROR, ptr))
    if value[:2] not in codes.PROVINCES:
        out.append(("id-number-region", WARNING, ptr))
    return out


# -- free text scans ([SHR-040], [SHR-041]) ------------------------------------------------------

_FULLWIDTH = {ord("０") + i: ord("0") + i for i in range(10)} | {ord("Ｘ"): ord("X"), ord("ｘ"): ord("x")}
# The separator set of [SHR-062]: White_Space, the invisible separators, dots, hyphens and dashes.
_WHITE_SPACE = set("\t\n\x0b\x0c\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | {chr(c) for c in range(0x2000, 0x200B)}
_INVISIBLE = set("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_DOTS_DASHES = set(".\u00b7\u30fb\uff0e\uff65-\u2212\ufe58\ufe63\uff0d") | {chr(c) for c in range(0x2010, 0x2016)}


# Chinese numerals written for a digit ([SHR-041]): not the positional 十 百 千 万.
_HAN_DIGITS = {ord(c): ord(str(d)) for d, cs in enumerate(
    ["〇零", "一幺壹", "二贰貳", "三叁參", "四肆", "五伍", "六陆陸", "七柒", "八捌", "九玖"]) for c in cs}


def normalise_digits(text: str) -> str:
    """Full-width digits and X, and Chinese numerals written for a digit, read as the ASCII ones
    ([SHR-041]); length is unchanged."""
    return text.translate(_FULLWIDTH).translate(_HAN_DIGITS)


def _han(c: str) -> bool:
    """Whether c is a digit written as a Chinese numeral ([SHR-041])."""
    return ord(c) in _HAN_DIGITS


def _id_ok(number: str) -> bool:
    """17 digits and the right check character, birth date existing and in 1900-2099 ([SHR-040])."""
    year = int(number[6:10])
    return (1900 <= year <= 2099
            and timeutil.date(f"{number[6:10]}-{number[10:12]}-{number[12:14]}") is not None
            and id_check_char(number[:17]) == number[17])


def _reads_as(digits: str, x: bool):
    if (len(digits) == 17 and x) or (len(digits) == 18 and not x):
        return "id" if _id_ok(digits + ("X" if x else "")) else None
    mobile = lambda d: len(d) == 11 and d[0] == "1" and d[1] in "3456789"  # noqa: E731
    if mobile(digits) or (len(digits) == 13 and digits.startswith("86") and mobile(digits[2:])):
        return "mobile"
    return None


def numbers_in(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of the resident ID numbers ("id") and mobile numbers ("mobile") in free
    text ([SHR-040], [SHR-041]): digit groups joined by any number of white-space and invisible
    separators around at most one dot or dash of [SHR-062] ("139 - 1234 - 5678"; not "/", ",",
    "_", "("), an X after 17 digits (after such a joiner at most);
    read from the left, whole groups only, the longest first."""
    norm = normalise_digits(text)
    out: list = []
    groups: list = []  # [start, end, digits]
    state = {"x_end": None}

    def finish():
        n = len(groups)
        a = 0
        while a < n:
            best, digits = None, ""
            for b in range(a, n):
                digits += groups[b][2]
                if len(digits) > 18:
                    break
                x = b == n - 1 and state["x_end"] is not None and len(digits) == 17
                kind = _reads_as(digits, x)
                if kind:
                    best = (b, kind, x)
            if best:
                b, kind, x = best
                out.append((kind, groups[a][0], state["x_end"] if x else groups[b][1]))
                a = b + 1
            else:
                a += 1
        groups.clear()
        state["x_end"] = None

    gap = visible = False
    han = False  # the writing of the current groups: a digit of the other one ends them
    for i, c in enumerate(norm):
        if "0" <= c <= "9":
            if _han(text[i]) != han:
                finish()
                han = _han(text[i])
            if groups and not gap:
                groups[-1][1] = i + 1
                groups[-1][2] += c
            else:
                groups.append([i, i + 1, c])
            gap = visible = False
            continue
        if not groups:
            continue
        if c in _INVISIBLE or c in _WHITE_SPACE:
            gap = True
            continue
        if c in _DOTS_DASHES and not visible:
            gap = visible = True
            continue
        if c in "Xx":
            state["x_end"] = i + 1
        finish()
        gap = visible = False
    finish()
    return out


def id_numbers_in(text: str) -> list[tuple[int, int]]:
    """Spans of resident ID numbers in free text ([SHR-040])."""
    return [(a, b) for kind, a, b in numbers_in(text) if kind == "id"]


def mobiles_in(text: str) -> list[tuple[int, int]]:
    """Spans of mainland mobile numbers in free text ([SHR-041])."""
    return [(a, b) for kind, a, b in numbers_in(text) if kind == "mobile"]


# -- telephone numbers ([PER-010]) ---------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9][0-9]{9}\Z|1[3-9][0-9]-[0-9]{4}-[0-9]{4}\Z")


def phone_ok(number: str) -> bool:
    """True when a telephone number has one of the shapes of [PER-010] (masked: not checked)."""
    if "*" in number:
        return bool(re.match(r"\+?[0-9][0-9*-]{2,19}\Z", number))  # [PER-018]
    if not re.match(r"\+?[0-9][0-9-]{2,19}\Z", number):
        return False
    if number.startswith("+"):
        d = number[1:].replace("-", "")
        if not d.isdigit():
            return False
        if d.startswith("86"):
            rest = d[2:]
            if re.match(r"1[3-9][0-9]{9}\Z", rest):
                return True
            return bool(re.match(r"[0-9]{9,11}\Z", rest)) and rest[0] != "0" and (
                rest[0] != "1" or rest.startswith("10"))
        return 8 <= len(d) <= 15 and d[0] != "0"
    if _MOBILE.match(number):
        return True
    if "-" in number:
        return bool(re.match(r"0[0-9]{2,3}-[1-9][0-9]{6,7}\Z", number))
    n = len(number)
    if 10 <= n <= 12 and number[0] == "0" and number[1] != "0":
        return True
    if n in (7, 8) and number[0] not in "01":
        return True
    if n == 5 and (number[0] == "1" or number[:2] in ("95", "96")):
        return True
    if n == 10 and number[:3] in ("400", "800"):
        return True
    return number in ("110", "119", "120", "122")


# -- unified social credit code ([ORG-003]) ------------------------------------------------------

def credit_code_ok(code: str) -> bool:
    """Check character of GB 32100."""
    try:
        s = sum(codes.CREDIT_ALPHABET.index(c) * w for c, w in zip(code[:17], codes.CREDIT_WEIGHTS))
    except ValueError:
        return False
    return codes.CREDIT_ALPHABET[(31 - s % 31) % 31] == code[17]


# -- the record checks ---------------------------------------------------------------------------

def _before(a: str, b: str) -> bool:
    """True when timestamp a is strictly before timestamp b (as instants, [CON-024])."""
    ia, ib = timeutil.instant(a), timeutil.instant(b)
    return ia is not None and ib is not None and ia < ib


def _positions(geometry) -> list:
    if not isinstance(geometry, dict):
        return []
    if geometry.get("type") == "Point":
        return [geometry.get("coordinates")]
    if geometry.get("type") == "Polygon":
        return [p for ring in geometry.get("coordinates", []) for p in ring]
    return []


def _geometry(geometry, ptr: str, out: list) -> None:
    if not isinstance(geometry, dict):
        return
    if geometry.get("type") == "Polygon":
        if not geometry.get("coordinates"):
            out.append(("geometry-ring", ERROR, f"{ptr}/coordinates"))
        for i, ring in enumerate(geometry.get("coordinates", [])):
            if len(ring) < 4 or ring[0] != ring[-1]:
                out.append(("geometry-ring", ERROR, f"{ptr}/coordinates/{i}"))
    for pos in _positions(geometry):
        if isinstance(pos, list) and len(pos) >= 2:
            lon, lat = pos[0], pos[1]
            if not (codes.CHINA_LON[0] <= lon <= codes.CHINA_LON[1] and codes.CHINA_LAT[0] <= lat <= codes.CHINA_LAT[1]):
                out.append(("coordinate-outside-china", WARNING, f"{ptr}/coordinates"))
                break


def _personal_number(value: str) -> bool:
    return bool(id_numbers_in(value) or mobiles_in(value))


def id_leaks(rec) -> list:
    """[CON-013] on the record's own ids, for a record that breaks its schema ([CON-070] item 4)."""
    if not isinstance(rec, dict):
        return []
    meta = rec.get("meta") if isinstance(rec.get("meta"), dict) else {}
    out = []
    for ptr, value in (("/id", rec.get("id")), ("/meta/sourceId", meta.get("sourceId"))):
        if isinstance(value, str) and _personal_number(value):
            out.append(("id-holds-personal-number", ERROR, ptr))
    return out


def check_record(rec: dict) -> list:
    """All semantic findings of one schema-valid record."""
    out: list = []
    rtype = rec["type"]
    meta = rec["meta"]
    if _before(meta["updatedAt"], meta["createdAt"]):
        out.append(("time-order", ERROR, "/meta/updatedAt"))
    if _personal_number(rec["id"]):
        out.append(("id-holds-personal-number", ERROR, "/id"))
    if "sourceId" in meta and _personal_number(meta["sourceId"]):
        out.append(("id-holds-personal-number", ERROR, "/meta/sourceId"))
    # [CON-013]: a reference repeats the id it names; the same rule at its `id`
    for ptr, ref_id in _reference_ids(rec):
        if _personal_number(ref_id):
            out.append(("id-holds-personal-number", ERROR, ptr + "/id"))
    {
        "Person": _person, "Organization": _organization, "Place": _place,
        "Thing": _thing, "Event": _event, "Case": _case,
    }[rtype](rec, out)
    return out


def _person(p: dict, out: list) -> None:
    created = timeutil.local_date(p["meta"]["createdAt"])
    birth = timeutil.date(p.get("birthDate"))
    if birth and created and birth > created:
        out.append(("birth-date-in-future", ERROR, "/birthDate"))
    period = p.get("birthPeriod")
    if period:
        start, end = timeutil.date(period["start"]), timeutil.date(period["end"])
        if start and end and end < start:
            out.append(("birth-period-order", ERROR, "/birthPeriod/end"))
        elif birth and start and end and not start <= birth <= end:
            out.append(("birth-date-outside-period", ERROR, "/birthDate"))
    # [PER-001]: one natural person has one citizen identity number; a second, different
    # (unmasked) resident ID number is reported where it stands.
    first_id = None
    for i, ident in enumerate(p.get("identifiers", [])):
        if ident["scheme"] == "resident-id" and "*" not in ident["value"]:
            value = ident["value"].upper()
            if first_id is None:
                first_id = value
            elif value != first_id:
                out.append(("person-two-resident-ids", ERROR, f"/identifiers/{i}/value"))
    for i, ident in enumerate(p.get("identifiers", [])):
        ptr = f"/identifiers/{i}/value"
        if ident["scheme"] == "resident-id":
            found = resident_id_findings(ident["value"], ptr)
            out.extend(found)
            value = ident["value"]
            if not [f for f in found if f[1] == ERROR] and "*" not in value:
                embedded = timeutil.date(f"{value[6:10]}-{value[10:12]}-{value[12:14]}")
                if birth and embedded and birth != embedded:
                    out.append(("id-number-birth-date-mismatch", ERROR, "/birthDate"))
                # [PER-006]: without birthDate, the encoded date is not after the record's date
                if not birth and embedded and created and embedded > created:
                    out.append(("birth-date-in-future", ERROR, ptr))
                gender = p.get("gender")
                if gender in ("1", "2") and gender != ("1" if int(value[16]) % 2 else "2"):
                    out.append(("id-number-gender-mismatch", ERROR, "/gender"))
        elif ident["scheme"] == "pseudonym":
            if not re.match(r"[0-9a-f]{64}\Z", ident["value"]):
                out.append(("pseudonym-shape", ERROR, ptr))
    for i, phone in enumerate(p.get("phones", [])):
        if not phone_ok(phone):
            out.append(("phone-shape", ERROR, f"/phones/{i}"))
    for i, res in enumerate(p.get("residences", [])):
        since, until = timeutil.date(res.get("since")), timeutil.date(res.get("until"))
        if since and until and until < since:
            out.append(("time-order", ERROR, f"/residences/{i}/until"))
    household = p.get("household")
    if household and household["relationship"].endswith("0"):
        out.append(("household-relationship", WARNING, "/household/relationship"))


def _organization(o: dict, out: list) -> None:
    if "creditCode" in o and not credit_code_ok(o["creditCode"]):
        out.append(("credit-code-check-character", ERROR, "/creditCode"))
    if o.get("parent", {}).get("id") == o["id"]:
        out.append(("organization-parent-self", ERROR, "/parent"))
    for i, c in enumerate(o.get("contacts", [])):
        if "phone" in c and not phone_ok(c["phone"]):
            out.append(("phone-shape", ERROR, f"/contacts/{i}/phone"))
    _free_text(o, ["/name"] + [f"/contacts/{i}/role" for i in range(len(o.get("contacts", [])))], out)


def _place(p: dict, out: list) -> None:
    if p.get("parent", {}).get("id") == p["id"]:
        out.append(("place-parent-self", ERROR, "/parent"))
    code = p.get("divisionCode")
    if code and code[:2] not in codes.PROVINCES:
        out.append(("division-code-province", ERROR, "/divisionCode"))
    if "area" in p and not p["area"] > 0:
        out.append(("place-area", ERROR, "/area"))
    _geometry(p.get("geometry"), "/geometry", out)
    _free_text(p, ["/name", "/address/fullText"], out)


def _thing(t: dict, out: list) -> None:
    family = t["kind"].split(".", 1)[0]
    if "vehicle" in t and family != "vehicle":
        out.append(("thing-vehicle-kind", ERROR, "/vehicle"))
    if "deviceCode" in t and family != "device":
        out.append(("thing-device-code-kind", ERROR, "/deviceCode"))
    _geometry(t.get("location"), "/location", out)
    _free_text(t, ["/name"], out)


def _event(e: dict, out: list) -> None:
    if "endedAt" in e and _before(e["endedAt"], e["occurredAt"]):
        out.append(("time-order", ERROR, "/endedAt"))
    for i, m in enumerate(e.get("media", [])):
        if m["uri"][:5].lower() == "data:":
            out.append(("media-embedded", ERROR, f"/media/{i}/uri"))
    _geometry(e.get("location"), "/location", out)
    if "description" in e and id_numbers_in(e["description"]):
        out.append(("event-text-id-number", ERROR, "/description"))
    elif "description" in e and mobiles_in(e["description"]):
        out.append(("free-text-mobile", WARNING, "/description"))


def _case(c: dict, out: list) -> None:
    history = c["history"]
    if not history:
        out.append(("case-history-empty", ERROR, "/history"))
    else:
        first = history[0]
        if "from" in first or first["to"] != "reported":
            out.append(("case-history-start", ERROR, "/history/0"))
        if _before(first["at"], c["reportedAt"]):
            out.append(("time-order", ERROR, "/history/0/at"))
        for i in range(1, len(history)):
            prev, step = history[i - 1], history[i]
            if step.get("from") != prev["to"]:
                out.append(("case-history-chain", ERROR, f"/history/{i}/from"))
            elif (step["from"], step["to"]) not in codes.CASE_TRANSITIONS:
                out.append(("case-transition-illegal", ERROR, f"/history/{i}"))
            if _before(step["at"], prev["at"]):
                out.append(("time-order", ERROR, f"/history/{i}/at"))
        if c["status"] != history[-1]["to"]:
            out.append(("case-status-mismatch", ERROR, "/status"))
    if c.get("anonymous") is True and "reporter" in c:
        out.append(("case-anonymous-reporter", ERROR, "/reporter"))
    # [CAS-009]: the first step is the report; a Person as its actor names the reporter
    if c.get("anonymous") is True and history and (history[0].get("actor") or {}).get("type") == "Person":
        out.append(("case-anonymous-reporter", ERROR, "/history/0/actor"))
    if "assignee" in c and not c["assignee"]:
        out.append(("case-assignee-empty", ERROR, "/assignee"))
    ev = c.get("evaluation")
    if ev is not None:
        if not any(step["to"] in codes.HANDLED for step in history):
            out.append(("case-evaluation-early", ERROR, "/evaluation"))
        if "at" in ev and history and _before(ev["at"], history[0]["at"]):
            out.append(("time-order", ERROR, "/evaluation/at"))
    _geometry(c.get("location"), "/location", out)
    if "description" in c and id_numbers_in(c["description"]):
        out.append(("case-text-id-number", ERROR, "/description"))
    texts = ["/title", "/resolution"] + [f"/history/{i}/note" for i in range(len(history))] + ["/evaluation/comment"]
    _free_text(c, texts, out)
    if "description" in c and mobiles_in(c["description"]) and not id_numbers_in(c["description"]):
        out.append(("free-text-mobile", WARNING, "/description"))


def get(rec, ptr: str):
    """The value at a JSON pointer, or None."""
    cur = rec
    for seg in ptr.split("/")[1:]:
        seg = seg.replace("~1", "/").replace("~0", "~")
        if isinstance(cur, dict) and seg in cur:
            cur = cur[seg]
        elif isinstance(cur, list) and seg.isdigit() and int(seg) < len(cur):
            cur = cur[int(seg)]
        else:
            return None
    return cur


def _free_text(rec: dict, pointers: list, out: list) -> None:
    """Warnings for numbers in free text that should not hold them ([SHR-040], [SHR-041])."""
    for ptr in pointers:
        text = get(rec, ptr)
        if not isinstance(text, str):
            continue
        if id_numbers_in(text):
            out.append(("free-text-id-number", WARNING, ptr))
        if mobiles_in(text):
            out.append(("free-text-mobile", WARNING, ptr))



_RECORD_TYPES = {"Person", "Organization", "Place", "Thing", "Event", "Case"}


def _reference_ids(rec: dict) -> list[tuple[str, str]]:
    """(pointer of the reference, its id) for every reference of a record ([COR-030]): an object of
    exactly `type` (a record type) and `id`, outside `extensions`."""
    out = []

    def walk(v, ptr):
        if isinstance(v, dict):
            if ptr and set(v) == {"type", "id"} and v.get("type") in _RECORD_TYPES and isinstance(v["id"], str):
                out.append((ptr, v["id"]))
                return
            for k, x in v.items():
                if not ptr and k in ("extensions", "id", "type", "meta"):
                    continue
                walk(x, ptr + "/" + k.replace("~", "~0").replace("/", "~1"))
        elif isinstance(v, list):
            for i, x in enumerate(v):
                walk(x, f"{ptr}/{i}")

    walk(rec, "")
    return out
