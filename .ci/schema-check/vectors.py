"""Three validators agree, the python-jsonschema side: every conformance document vector's
`record` is validated against the schema of its record type (Draft202012Validator with the
format checker, and `pattern` read as ECMA-262 reads it: see ecma_pattern.py) and the verdict must
equal the vector's `schema_verdict`.
usage: python vectors.py SCHEMAS_DIR VECTORS_DIR"""
import glob
import json
import os
import sys

from jsonschema import Draft202012Validator

from ecma_pattern import validator_class

schemas_dir, vectors_dir = sys.argv[1], sys.argv[2]
TYPES = {"Person": "person", "Organization": "organization", "Place": "place", "Thing": "thing", "Event": "event", "Case": "case"}
validators = {}
for t, stem in TYPES.items():
    with open(os.path.join(schemas_dir, f"{stem}.schema.json"), encoding="utf-8") as f:
        validators[t] = validator_class()(json.load(f), format_checker=Draft202012Validator.FORMAT_CHECKER)
passed = failed = 0
for path in sorted(glob.glob(os.path.join(vectors_dir, "**", "*.json"), recursive=True)):
    with open(path, encoding="utf-8") as f:
        v = json.load(f)
    rec = v["record"]
    validator = validators.get(rec.get("type")) if isinstance(rec, dict) and isinstance(rec.get("type"), str) else None
    verdict = "valid" if validator is not None and validator.is_valid(rec) else "invalid"
    if verdict == v["schema_verdict"]:
        passed += 1
    else:
        failed += 1
        print(f"DISAGREE python-jsonschema {v['id']}: it says {verdict}, the vector says {v['schema_verdict']}")
        if validator is not None:
            for e in list(validator.iter_errors(rec))[:3]:
                print(f"   {list(e.absolute_path)}: {e.message[:160]}")
print(f"python-jsonschema vectors: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
