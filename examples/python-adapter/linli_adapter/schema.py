"""A small JSON Schema (draft 2020-12) evaluator for the Linli schemas in `schemas/`.

It implements exactly the keywords the published schemas use ([CON-060], [CON-065]: the
files of `schemas/` alone, no network): `$ref` (local `#/$defs/...`), `type`, `const`, `enum`,
`properties`, `required`, `additionalProperties`, `propertyNames`, `items`, `prefixItems`,
`minItems`, `maxItems`, `minLength`, `maxLength`, `pattern`, `minimum`, `maximum`,
`exclusiveMinimum`, `oneOf`, `anyOf` and the formats `date` and `date-time` (asserted, with the
calendar rule of [CON-020] / [CON-022]). Annotations (`x-linli-*`, titles) are ignored
([CON-062]). An unknown assertion keyword is refused loudly rather than silently skipped.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from . import timeutil

RECORD_TYPES = ("Person", "Organization", "Place", "Thing", "Event", "Case")

_ANNOTATIONS = {
    "$id", "$schema", "$defs", "title", "description", "default", "examples",
    "x-linli-title-zh", "x-linli-labels", "x-linli-sensitivity", "x-linli-standard-version",
    "format",  # handled together with `type`
}
_ASSERTIONS = {
    "$ref", "type", "const", "enum", "properties", "required", "additionalProperties",
    "propertyNames", "items", "prefixItems", "minItems", "maxItems", "minLength", "maxLength",
    "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "oneOf", "anyOf",
}


def schemas_dir() -> Path:
    """Where the schemas are: $LINLI_SCHEMAS, else `schemas/` of the repository."""
    env = os.environ.get("LINLI_SCHEMAS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "schemas"


def ecma_pattern(pattern: str) -> re.Pattern:
    """Compile an ECMA-262 pattern of the schemas for Python `re`.

    The schemas' patterns use only constructs both dialects share, with one difference:
    in Python `$` also matches before a final line break, in ECMA-262 (without the `m` flag)
    it does not. So an unescaped `$` outside a character class becomes `\\Z`.
    """
    out = []
    i = 0
    in_class = False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
        elif c == "[":
            in_class = True
        elif c == "$":
            out.append(r"\Z")
            i += 1
            continue
        out.append(c)
        i += 1
    return re.compile("".join(out))


def is_calendar_date(text: str) -> bool:
    """True when YYYY-MM-DD at the start of `text` is a day of the Gregorian calendar."""
    return timeutil.is_day(int(text[0:4]), int(text[5:7]), int(text[8:10]))


def json_type(value) -> str:
    """The JSON type name of a parsed value (integers are also numbers)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


_SURROGATE = re.compile("[\ud800-\udfff]")


def lone_surrogates(value, ptr: str):
    """[CON-002] (I-JSON): strings and member names must not hold unpaired surrogates. Python's
    `json` reads a lone `\\uD800` escape into the string, so it is looked for here."""
    if isinstance(value, str):
        if _SURROGATE.search(value):
            yield ("json-syntax", ptr)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from lone_surrogates(item, f"{ptr}/{i}")
    elif isinstance(value, dict):
        for key, item in value.items():
            if _SURROGATE.search(key):
                yield ("json-syntax", ptr)
            yield from lone_surrogates(item, f"{ptr}/{escape(key)}")


def escape(segment) -> str:
    """One JSON pointer segment (RFC 6901)."""
    return str(segment).replace("~", "~0").replace("/", "~1")


class Schemas:
    """The record and manifest schemas, loaded once."""

    def __init__(self, directory: Path | None = None):
        directory = directory or schemas_dir()
        self.common = json.loads((directory / "common.schema.json").read_text("utf-8"))
        self.manifest = json.loads((directory / "manifest.schema.json").read_text("utf-8"))
        self.standard_version = self.common.get("x-linli-standard-version")
        self._patterns: dict[str, re.Pattern] = {}

    # -- navigation -------------------------------------------------------------------------

    def resolve(self, schema: dict, root: dict) -> dict:
        """Follow `$ref`s (local only) until a schema without one."""
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema:
            ref = schema["$ref"]
            if not ref.startswith("#/$defs/"):
                raise ValueError(f"non-local $ref {ref}")
            merged = {k: v for k, v in schema.items() if k != "$ref"}
            target = root["$defs"][ref[len("#/$defs/"):]]
            schema = {**target, **merged} if merged else target
            seen += 1
            if seen > 64:
                raise ValueError("$ref loop")
        return schema

    def record_schema(self, record_type: str) -> dict:
        """The definition of one record type in the common bundle."""
        return self.common["$defs"][record_type]

    def member_schema(self, record_type: str, segments: list) -> list[dict]:
        """The chain of (resolved) schemas from the record root down a concrete path.

        Array indices are ints. Returns one schema per level, the root first; stops early
        (shorter list) where the path leaves the schema (e.g. inside `extensions`).
        """
        chain = []
        schema = self.resolve(self.record_schema(record_type), self.common)
        chain.append(schema)
        for seg in segments:
            nxt = None
            if isinstance(seg, int):
                items = schema.get("items")
                if isinstance(items, dict):
                    nxt = items
            else:
                props = schema.get("properties", {})
                if seg in props:
                    nxt = props[seg]
            if nxt is None:
                break
            # keep the mark written next to a $ref
            mark = nxt.get("x-linli-sensitivity")
            schema = self.resolve(nxt, self.common)
            if mark and schema.get("x-linli-sensitivity") != mark:
                schema = {**schema, "x-linli-sensitivity": mark}
            chain.append(schema)
        return chain

    # -- evaluation -------------------------------------------------------------------------

    def validate_record(self, record) -> list[tuple[str, str]]:
        """Schema findings (code, pointer) of one record against the schema of its type."""
        if not isinstance(record, dict):
            return [("not-an-object", "")]
        rtype = record.get("type")
        if rtype is None:
            return [("missing-record-type", "")]
        if rtype not in RECORD_TYPES:
            return [("unknown-record-type", "/type")]
        out: list[tuple[str, str]] = list(lone_surrogates(record, ""))
        self._eval(record, self.record_schema(rtype), self.common, "", out)
        return out

    def validate_manifest(self, manifest) -> list[tuple[str, str]]:
        """Schema findings of a manifest."""
        out: list[tuple[str, str]] = []
        self._eval(manifest, self.manifest, self.manifest, "", out)
        return out

    def _pattern(self, text: str) -> re.Pattern:
        pat = self._patterns.get(text)
        if pat is None:
            pat = self._patterns[text] = ecma_pattern(text)
        return pat

    def _eval(self, value, schema, root, ptr: str, out: list) -> None:
        if schema is True:
            return
        if schema is False:
            out.append(("schema-unknown-member", ptr))
            return
        for key in schema:
            if key not in _ANNOTATIONS and key not in _ASSERTIONS:
                raise ValueError(f"unsupported schema keyword {key!r} at {ptr or '/'}")
        if "$ref" in schema:
            self._eval(value, self.resolve({"$ref": schema["$ref"]}, root), root, ptr, out)
        jt = json_type(value)
        if "type" in schema:
            allowed = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            ok = jt in allowed or (jt == "integer" and "number" in allowed)
            if not ok:
                out.append(("schema-type", ptr))
                return
        if "const" in schema and not _same(value, schema["const"]):
            out.append(("schema-record-type" if ptr.endswith("/type") else "schema-structure", ptr))
        if "enum" in schema and not any(_same(value, e) for e in schema["enum"]):
            out.append(("schema-code", ptr))
        if jt == "string":
            n = len(value)
            if n < schema.get("minLength", 0) or n > schema.get("maxLength", n):
                out.append(("schema-pattern", ptr))
            elif "pattern" in schema and not self._pattern(schema["pattern"]).search(value):
                fmt = schema.get("format")
                out.append(({"date": "schema-date", "date-time": "schema-timestamp"}.get(fmt, "schema-pattern"), ptr))
            elif schema.get("format") in ("date", "date-time") and not is_calendar_date(value):
                out.append(("schema-date" if schema["format"] == "date" else "schema-timestamp", ptr))
        if jt in ("integer", "number"):
            if ("minimum" in schema and value < schema["minimum"]) or (
                "maximum" in schema and value > schema["maximum"]) or (
                "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]) or (
                "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]):
                out.append(("schema-range", ptr))
        if jt == "object":
            props = schema.get("properties", {})
            for req in schema.get("required", []):
                if req not in value:
                    out.append(("schema-required", f"{ptr}/{escape(req)}"))
            extra = schema.get("additionalProperties", True)
            for key, member in value.items():
                sub = f"{ptr}/{escape(key)}"
                if "propertyNames" in schema:
                    probe: list = []
                    self._eval(key, schema["propertyNames"], root, sub, probe)
                    if probe:
                        out.append(("schema-extension-namespace", sub))
                if key in props:
                    self._eval(member, props[key], root, sub, out)
                elif extra is False:
                    out.append(("schema-unknown-member", sub))
                elif isinstance(extra, dict):
                    self._eval(member, extra, root, sub, out)
        if jt == "array":
            if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", len(value)):
                out.append(("schema-structure", ptr))
            prefix = schema.get("prefixItems", [])
            for i, item in enumerate(value):
                sub = f"{ptr}/{i}"
                if i < len(prefix):
                    self._eval(item, prefix[i], root, sub, out)
                elif "items" in schema:
                    if schema["items"] is False:
                        out.append(("schema-structure", sub))
                    else:
                        self._eval(item, schema["items"], root, sub, out)
        for key in ("oneOf", "anyOf"):
            if key in schema:
                passing = 0
                for alt in schema[key]:
                    probe = []
                    self._eval(value, alt, root, ptr, probe)
                    passing += not probe
                if passing == 0 or (key == "oneOf" and passing > 1):
                    out.append(("schema-structure", ptr))


def _same(a, b) -> bool:
    """JSON equality (1 == 1.0, but true != 1)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b
