#!/usr/bin/env python3
"""python-jsonschema side of the Linli schema check.

usage: python check.py SCHEMAS_DIR [--instances DIR]... [--ajv-report FILE]

Every *.json in SCHEMAS_DIR (not recursive) except vocabulary.json must:
  * pass Draft202012Validator.check_schema (meta-schema, incl. "regex" format
    of every pattern),
  * have every $ref / $dynamicRef resolvable inside the file itself (plus the
    official meta-schemas) -- nothing is fetched from the network,
  * build Draft202012Validator(schema, format_checker=FORMAT_CHECKER) and run
    validator.is_valid({}) without raising,
  * only use "format" values that python-jsonschema really asserts with the
    installed packages (otherwise format assertion would silently be off here
    while ajv asserts it).

With --instances DIR, every *.json under DIR (recursive) and every line of
every *.ndjson is validated, with format assertion, against the schema picked
by its "type" field.

With --ajv-report FILE (written by `node check.mjs ... --report FILE`), the
results of both sides are merged and the combined summary is printed last:
    schema-check: 7 schemas loaded in ajv and python-jsonschema; 42 instances valid in both
    49 passed, 0 failed

Exit status: 0 all passed, 1 some check failed, 2 bad usage/setup.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from jsonschema_specifications import REGISTRY as META_SCHEMAS
from referencing import Resource
from referencing.jsonschema import DRAFT202012

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ecma_pattern import validator_class  # noqa: E402

VOCABULARY_FILE = "vocabulary.json"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_FOR_TYPE = {
    "Person": "person.schema.json",
    "Organization": "organization.schema.json",
    "Place": "place.schema.json",
    "Thing": "thing.schema.json",
    "Event": "event.schema.json",
    "Case": "case.schema.json",
}
FORMAT_CHECKER = Draft202012Validator.FORMAT_CHECKER
MAX_MSG = 400


def _short(s: str) -> str:
    return s if len(s) <= MAX_MSG else s[: MAX_MSG - 3] + "..."


def _no_duplicate_keys(pairs):
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise ValueError(f"duplicate key {k!r}")
        obj[k] = v
    return obj


def _no_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def load_json(text: str):
    # Strict JSON: no duplicate keys, no NaN/Infinity (JSON.parse agrees on the latter).
    return json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)


def _path(p) -> str:
    return "/" + "/".join(str(x) for x in p) if len(p) else "(root)"


def check_refs_and_formats(schema, errs: list[str]) -> None:
    """Resolve every $ref/$dynamicRef statically; list formats not asserted."""
    registry = META_SCHEMAS  # meta-schemas only; no retrieval of anything else
    root = DRAFT202012.create_resource(schema)
    resolver = registry.resolver_with_root(root)
    unasserted: set[str] = set()

    def walk(resolver, resource: Resource) -> None:
        resolver = resolver.in_subresource(resource)
        contents = resource.contents
        if isinstance(contents, dict):
            for kw in ("$ref", "$dynamicRef"):
                ref = contents.get(kw)
                if isinstance(ref, str):
                    try:
                        resolver.lookup(ref)
                    except Exception as e:  # referencing.exceptions.Unresolvable & co
                        errs.append(f"{kw} {ref!r} does not resolve within the file: {type(e).__name__}: {e}")
            fmt = contents.get("format")
            if isinstance(fmt, str) and fmt not in FORMAT_CHECKER.checkers:
                unasserted.add(fmt)
        for sub in resource.subresources():
            walk(resolver, sub)

    walk(resolver, root)
    for fmt in sorted(unasserted):
        errs.append(
            f'"format": "{fmt}" is not asserted by python-jsonschema with the installed packages '
            "(add the optional dependency for it to requirements.txt)"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("schemas_dir")
    ap.add_argument("--instances", action="append", default=[], metavar="DIR")
    ap.add_argument("--ajv-report", metavar="FILE")
    args = ap.parse_args()

    if not os.path.isdir(args.schemas_dir):
        print(f"check.py: schemas dir not found: {args.schemas_dir}", file=sys.stderr)
        return 2
    for d in args.instances:
        if not os.path.isdir(d):
            print(f"check.py: instances dir not found: {d}", file=sys.stderr)
            return 2
    if "date-time" not in FORMAT_CHECKER.checkers:
        print("check.py: rfc3339-validator is not installed, date-time would not be asserted", file=sys.stderr)
        return 2

    schema_results: dict[str, list[str]] = {}
    instance_results: dict[str, list[str]] = {}

    # --- vocabulary (not used by python-jsonschema, checked for shape) -------
    vocab_errs: list[str] = []
    try:
        with open(os.path.join(args.schemas_dir, VOCABULARY_FILE), encoding="utf-8") as f:
            vocab = load_json(f.read())
        if not isinstance(vocab, list) or not all(isinstance(k, str) and k for k in vocab):
            vocab_errs.append("must be a JSON array of non-empty keyword strings")
        elif len(set(vocab)) != len(vocab):
            vocab_errs.append("contains duplicate keywords")
    except Exception as e:
        vocab_errs.append(f"cannot read: {e}")
    if vocab_errs:  # only listed when broken, as on the ajv side
        schema_results[VOCABULARY_FILE] = vocab_errs

    # --- schemas -------------------------------------------------------------
    # The record schemas, and the tool schemas under reports/ (the validator's JSON report).
    def listed(sub: str) -> list[str]:
        d = os.path.join(args.schemas_dir, sub)
        names = os.listdir(d) if os.path.isdir(d) else []
        return [f"{sub}/{n}" if sub else n for n in names]

    schema_files = sorted(
        n
        for n in listed("") + listed("reports")
        if n.endswith(".json") and n != VOCABULARY_FILE and os.path.isfile(os.path.join(args.schemas_dir, n))
    )
    if not schema_files:
        schema_results["(schemas)"] = [f"no *.json schema files in {args.schemas_dir}"]

    validators: dict[str, Draft202012Validator] = {}
    seen_ids: dict[str, str] = {}
    for name in schema_files:
        errs: list[str] = []
        schema_results[name] = errs
        try:
            with open(os.path.join(args.schemas_dir, name), encoding="utf-8") as f:
                schema = load_json(f.read())
        except Exception as e:
            errs.append(f"cannot parse: {e}")
            continue
        if isinstance(schema, dict):
            sid = schema.get("$id")
            if isinstance(sid, str):
                if sid in seen_ids:
                    errs.append(f"duplicate $id {sid} (also in {seen_ids[sid]})")
                else:
                    seen_ids[sid] = name
            if "$schema" in schema and schema["$schema"] != DRAFT_2020_12:
                errs.append(f'"$schema" is {schema["$schema"]!r}, expected {DRAFT_2020_12!r}')
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as e:
            errs.append(_short(f"check_schema: at {_path(e.path)}: {e.message}"))
            continue
        check_refs_and_formats(schema, errs)
        try:
            # `pattern` read as ECMA-262 reads it ([CON-009], ecma_pattern.py).
            validator = validator_class()(schema, format_checker=FORMAT_CHECKER, registry=META_SCHEMAS)
            validator.is_valid({})
        except Exception as e:
            errs.append(_short(f"Draft202012Validator / is_valid({{}}) raised {type(e).__name__}: {e}"))
            continue
        validators[name] = validator

    # --- instances -----------------------------------------------------------
    def check_instance(loc: str, instance) -> None:
        errs: list[str] = []
        instance_results[loc] = errs
        if not isinstance(instance, dict):
            errs.append("instance is not a JSON object")
            return
        t = instance.get("type")
        if os.path.basename(loc) == "manifest.json":
            schema_name = "manifest.schema.json"  # a dataset's manifest, not a record
        else:
            schema_name = SCHEMA_FOR_TYPE.get(t) if isinstance(t, str) else None
        if schema_name is None:
            errs.append(f'no schema for "type": {json.dumps(t)} (known: {", ".join(SCHEMA_FOR_TYPE)})')
            return
        validator = validators.get(schema_name)
        if validator is None:
            errs.append(f"schema {schema_name} is missing or did not load")
            return
        for e in sorted(validator.iter_errors(instance), key=lambda e: (list(map(str, e.absolute_path)), e.message)):
            errs.append(_short(f"{schema_name}: {_path(e.absolute_path)}: {e.message} [{_path(e.absolute_schema_path)}]"))

    for d in args.instances:
        d = os.path.abspath(d)  # same keys as check.mjs (path.resolve)
        files = []
        for dirpath, _dirnames, filenames in os.walk(d):
            files += [os.path.join(dirpath, n) for n in filenames if n.endswith((".json", ".ndjson"))]
        for file in sorted(files):
            try:
                with open(file, encoding="utf-8") as f:
                    text = f.read()
            except Exception as e:
                instance_results[file] = [f"cannot read: {e}"]
                continue
            if file.endswith(".ndjson"):
                for i, line in enumerate(text.split("\n"), start=1):
                    if not line.strip():
                        continue
                    loc = f"{file}:{i}"
                    try:
                        inst = load_json(line)
                    except Exception as e:
                        instance_results[loc] = [f"cannot parse: {e}"]
                        continue
                    check_instance(loc, inst)
            else:
                try:
                    inst = load_json(text)
                except Exception as e:
                    instance_results[file] = [f"cannot parse: {e}"]
                    continue
                check_instance(file, inst)

    # --- own report ----------------------------------------------------------
    for kind, results in (("schema", schema_results), ("instance", instance_results)):
        for key, errs in results.items():
            if errs:
                print(f"FAIL python-jsonschema {kind} {key}")
                for e in errs:
                    print(f"    {e}")
    s_ok = sum(1 for n in schema_files if not schema_results[n])
    i_ok = sum(1 for e in instance_results.values() if not e)
    n_failed = sum(1 for r in (schema_results, instance_results) for e in r.values() if e)
    n_total = len(schema_results) + len(instance_results)
    line = f"python-jsonschema: {s_ok}/{len(schema_files)} schemas loaded"
    if args.instances:
        line += f"; {i_ok}/{len(instance_results)} instances valid"
    print(line)
    print(f"python-jsonschema: {n_total - n_failed} passed, {n_failed} failed")

    if not args.ajv_report:
        return 1 if n_failed else 0

    # --- combined with ajv ---------------------------------------------------
    try:
        with open(args.ajv_report, encoding="utf-8") as f:
            ajv = json.load(f)
        ajv_schemas, ajv_instances = ajv["schemas"], ajv["instances"]
    except Exception as e:
        print(f"FAIL ajv report {args.ajv_report} unreadable ({e}); ajv side did not finish")
        ajv_schemas, ajv_instances = None, None

    def merge(py: dict, aj: dict | None) -> dict[str, list[str]]:
        """item -> sides that failed it ([] = passed in both)."""
        out: dict[str, list[str]] = {}
        for key in sorted(set(py) | set(aj or {})):
            bad = []
            if aj is None or key not in aj or aj[key]:
                bad.append("ajv")
            if key not in py or py[key]:
                bad.append("python-jsonschema")
            out[key] = bad
        return out

    m_schemas = merge(schema_results, ajv_schemas)
    m_instances = merge(instance_results, ajv_instances)
    for key, bad in list(m_schemas.items()) + list(m_instances.items()):
        if bad:
            print(f"FAIL {key} (failed in: {', '.join(bad)})")
    names = [k for k in m_schemas if k.endswith(".json") and k != VOCABULARY_FILE]
    s_ok = sum(1 for k in names if not m_schemas[k])
    i_ok = sum(1 for v in m_instances.values() if not v)
    failed = sum(1 for m in (m_schemas, m_instances) for v in m.values() if v)
    total = len(m_schemas) + len(m_instances)

    def frac(ok: int, n: int) -> str:
        return f"{ok}" if ok == n else f"{ok}/{n}"

    line = f"schema-check: {frac(s_ok, len(names))} schemas loaded in ajv and python-jsonschema"
    if args.instances:
        line += f"; {frac(i_ok, len(m_instances))} instances valid in both"
    print(line)
    print(f"{total - failed} passed, {failed} failed")
    return 1 if failed or ajv_schemas is None else 0


if __name__ == "__main__":
    sys.exit(main())
