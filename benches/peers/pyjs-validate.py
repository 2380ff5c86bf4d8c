"""python-jsonschema peer: Draft202012Validator with the format checker (rfc3339-validator
installed), the committed Person schema; every line validated, errors collected for invalid ones.
usage: python pyjs-validate.py SCHEMA FILE [MAX_RECORDS]"""
import json
import sys
import time

from jsonschema import Draft202012Validator

schema_path, file = sys.argv[1], sys.argv[2]
limit = int(sys.argv[3]) if len(sys.argv) > 3 else None
with open(schema_path, encoding="utf-8") as f:
    schema = json.load(f)
validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
records = invalid = errors = nbytes = 0
start = time.perf_counter()
with open(file, encoding="utf-8") as f:
    for line in f:
        if limit is not None and records >= limit:
            break
        nbytes += len(line.encode("utf-8"))
        if not line.strip():
            continue
        records += 1
        try:
            doc = json.loads(line)
        except ValueError:
            invalid += 1
            continue
        if not validator.is_valid(doc):
            invalid += 1
            errors += sum(1 for _ in validator.iter_errors(doc))
print(f"records={records} invalid={invalid} bytes={nbytes} seconds={time.perf_counter() - start:.3f}")
