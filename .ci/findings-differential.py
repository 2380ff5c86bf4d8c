"""[CON-070] read a second time: python-jsonschema and the table of spec/02-conventions.md 2.11 give the
codes and pointers of a record that does not fit its schema; they are compared with `linli validate` on
every document vector and on mutated copies. Any disagreement is a defect of the spec text or of the
validator.

usage: python .ci/findings-differential.py [SEED] [MUTANTS]   (needs target/debug/linli and the venv of
.ci/schema-check: jsonschema, rfc3339-validator)"""
import copy, glob, json, os, random, subprocess, sys
from collections import Counter
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "schema-check"))
from ecma_pattern import validator_class
from jsonschema import Draft202012Validator
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples", "python-adapter"))
from linli_adapter.checks import _personal_number
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TYPES = {"Person": "person", "Organization": "organization", "Place": "place", "Thing": "thing", "Event": "event", "Case": "case"}
VAL = {t: validator_class()(json.load(open(f"{ROOT}/schemas/{s}.schema.json")), format_checker=Draft202012Validator.FORMAT_CHECKER) for t, s in TYPES.items()}
TS = json.load(open(f"{ROOT}/schemas/common.schema.json"))["$defs"]["Timestamp"]["pattern"]
DP = json.load(open(f"{ROOT}/schemas/common.schema.json"))["$defs"]["Date"]["pattern"]

def ptr(path):
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)

def time_form(e):
    if e.validator == "format" and e.validator_value in ("date", "date-time"):
        return e.validator_value
    if e.validator == "pattern" and e.validator_value == TS:
        return "date-time"
    if e.validator == "pattern" and e.validator_value == DP:
        return "date"
    return None

def is_ref_type(p):
    return p.endswith("/type") and not p.endswith("/geometry/type") and not p.endswith("/location/type")

ROWS = ["required", "additionalProperties", "type", "names", "ref", "enum", "geomconst", "date", "ts", "pattern", "area", "range", "names", "other"]
CODE = {"required": "schema-required", "additionalProperties": "schema-unknown-member", "type": "schema-type", "ref": "schema-ref-type",
        "enum": "schema-code", "geomconst": "schema-type", "date": "schema-date", "ts": "schema-timestamp", "pattern": "schema-pattern",
        "area": "place-area", "range": "schema-range", "names": "schema-extension-namespace", "other": "schema-structure"}

def row(e, p):
    k, tf = e.validator, time_form(e)
    if k == "required": return "required"
    if k == "additionalProperties": return "additionalProperties"
    if k == "type": return "type"
    if "propertyNames" in e.schema_path: return "names"
    if k in ("const", "enum") and is_ref_type(p): return "ref"
    if k == "enum": return "enum"
    if k == "const": return "geomconst"
    if tf == "date": return "date"
    if tf == "date-time": return "ts"
    if k in ("pattern", "minLength", "maxLength"): return "pattern"
    if k == "exclusiveMinimum" and p == "/area": return "area"
    if k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"): return "range"
    if k == "propertyNames": return "names"
    return "other"

def findings(rec):
    """None when the schema accepts the record (semantic checks decide), else the set of (code, pointer)."""
    if not isinstance(rec, dict): return {("not-an-object", "")}
    t = rec.get("type")
    if not isinstance(t, str): return {("missing-record-type", "/type")}
    if t not in VAL: return {("unknown-record-type", "/type")}
    errs = [(row(e, ptr(e.absolute_path)), ptr(e.absolute_path)) for e in VAL[t].iter_errors(rec)]
    if not errs:
        for p in ("/meta/version", "/evaluation/rating"):
            cur = rec
            for seg in p.split("/")[1:]:
                cur = cur.get(seg) if isinstance(cur, dict) else None
            if isinstance(cur, float): return {("record-structure", p)}
        return None
    if all(r == "area" for r, _ in errs): return None
    out, best = set(), {}
    for r, p in errs:
        if r in ("required", "additionalProperties"): out.add((CODE[r], p))
        elif p not in best or ROWS.index(r) < ROWS.index(best[p]): best[p] = r
    for p, r in best.items():
        out.add((CODE[r], p))
    # item 4: ids are scanned for personal numbers whatever else is wrong [CON-013]
    for p, v in (("/id", rec.get("id")), ("/meta/sourceId", (rec.get("meta") or {}).get("sourceId") if isinstance(rec.get("meta"), dict) else None)):
        if isinstance(v, str) and _personal_number(v): out.add(("id-holds-personal-number", p))
    return out

def linli(recs):
    import tempfile
    batch = os.path.join(tempfile.mkdtemp(), "batch.ndjson")
    with open(batch, "w", encoding="utf-8") as f:
        for r in recs: f.write(json.dumps(r, ensure_ascii=False) + "\n")
    rep = json.loads(subprocess.run([f"{ROOT}/target/debug/linli", "validate", "--format", "json", "--max-findings", "1000000", "--max-per-rule", "0", batch], capture_output=True, text=True).stdout)
    by = [set() for _ in recs]
    def walk(n):
        if isinstance(n, dict):
            if "code" in n and "level" in n and "line" in n:
                if n["level"] == "error": by[n["line"] - 1].add((n["code"], n.get("pointer", "")))
            for v in n.values(): walk(v)
        elif isinstance(n, list):
            for v in n: walk(v)
    walk(rep)
    return by

def mutate(rng, rec):
    r = copy.deepcopy(rec)
    paths = []
    def walk(n, path):
        paths.append(path)
        if isinstance(n, dict):
            for k, v in n.items(): walk(v, path + [k])
        elif isinstance(n, list):
            for i, v in enumerate(n): walk(v, path + [i])
    walk(r, [])
    for _ in range(rng.choice([1, 1, 2, 3])):
        if len(paths) < 2: break
        path = rng.choice(paths[1:])
        parent = r
        try:
            for s in path[:-1]: parent = parent[s]
            key = path[-1]
            old = parent[key]
        except (KeyError, IndexError, TypeError):
            continue
        op = rng.randrange(9)
        if op == 0 and isinstance(parent, dict): del parent[key]
        elif op == 1: parent[key] = rng.choice([1, "x", True, [], {}, 2.5, -1, 0])
        elif op == 2 and isinstance(old, str): parent[key] = old + rng.choice(["\n", " ", "Z", "x" * 3000, ""])
        elif op == 3 and isinstance(parent, dict): parent["zzExtra" + str(rng.randrange(3))] = 1
        elif op == 4 and isinstance(old, str): parent[key] = old.lower() if rng.random() < .5 else old.upper()
        elif op == 5 and isinstance(old, (int, float)) and not isinstance(old, bool): parent[key] = rng.choice([0, -old, old * 1000, float(old)])
        elif op == 6 and isinstance(parent, dict) and key == "type": parent[key] = rng.choice(["Person", "Place", "Thing", "Polygon", "Point", "X"])
        elif op == 7 and isinstance(r, dict) and isinstance(r.get("extensions", {}), dict): r.setdefault("extensions", {})[rng.choice(["Ab", "a", "ok-ns", "9x"])] = rng.choice([{}, 1])
        elif op == 8 and isinstance(old, str) and len(old) >= 10 and old[4:5] == "-": parent[key] = "0000" + old[4:]
    return r

vectors = [json.load(open(f)) for f in sorted(glob.glob(f"{ROOT}/conformance/vectors/*/*.json"))]
rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
recs = [v["record"] for v in vectors] + [mutate(rng, rng.choice(vectors)["record"]) for _ in range(int(sys.argv[2]) if len(sys.argv) > 2 else 3000)]
got = linli(recs)
dis = 0
for r, g in zip(recs, got):
    want = findings(r)
    if want is None: continue  # schema-valid: the semantic checks decide
    if want != g:
        dis += 1
        if dis <= 15: print("DIFF", json.dumps(r, ensure_ascii=False)[:200], "\n   spec:", sorted(want), "\n   linli:", sorted(g))
print(f"{len(recs)} records, {dis} disagreements")
c = Counter(code for r in recs for code, _ in (findings(r) or set()))
print(sorted(c.items(), key=lambda x: -x[1]))
sys.exit(1 if dis else 0)
