#!/usr/bin/env python3
"""Differential check of this adapter's validator against another validator (e.g. `linli validate`).

Mutates the valid records of the suite and of `examples/datasets/gusu-huqiu` at random, writes them
as NDJSON, asks the other validator, and lists every record the two judge differently (accepted or
not). Each disagreement is a defect of one of them or a gap of the specification.

    python3 examples/python-adapter/tools/fuzz_validate.py --linli target/release/linli --seed 1 --count 3000

Run from the repository root.
"""
import argparse, json, random, glob, sys, subprocess, copy, collections, os, tempfile
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from linli_adapter.schema import Schemas
from linli_adapter.validate import Validator
v = Validator(Schemas())
ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument('--linli', default='target/release/linli', help='the other validator (a `linli` binary)')
ap.add_argument('--seed', type=int, default=1)
ap.add_argument('--count', type=int, default=3000)
args = ap.parse_args()
rng = random.Random(args.seed)
base = []
for f in sorted(glob.glob('conformance/vectors/*/*.json')):
    c = json.load(open(f, encoding='utf-8'))
    if c['verdict'] == 'valid': base.append(c['record'])
for f in sorted(glob.glob('examples/datasets/gusu-huqiu/*.ndjson')):
    base += [json.loads(l) for l in open(f, encoding='utf-8')]
POOL = ["", " ", "　", "x", "2024-02-30", "2024-02-29", "2023-02-29", "1900-01-01", "2024-05-01T10:00:00+08:00",
        "2024-05-01T10:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T10:00:00.1234567890Z", "9999-12-31T23:59:59-23:59",
        "13812345678", "138-1234-5678", "+8613812345678", "110", "12345", "0512-65221234", "+86-10-12345678", "+8610123456789",
        "11010519491231002X", "110105194912310021", "11010519491231002x", "3205**********1234", "data:image/png;base64,AAAA",
        "abc\n", "a" * 129, "A-1", "ZZZ", "01", "1", "0", "9", "room", "community", "facility", "device.camera", "vehicle.motor",
        "reported", "closed", "resolved", "in-progress", "Person", "Place", "Thing", "Organization", "91350200776049653A",
        "91350200776049653B", "320508", "990508", "3205081", "f" * 64, "F" * 64, "https://x.cn/a.jpg", "image/JPEG", "CEL",
        "13812345678的号码", "身份证11010519491231002X", "\u0085", "\ufeff", "\u180e", "\u200b", "\u3000\u3000", "+86-0512-65221234", "+8612345678901",
        "+86101234567", "+861012345678", "400-812-3123", "95588", "96123", "12", "0512-6522123", "051-65221234",
        "1 1010519491231002X", "110105 19491231 002X", "ａｂｃ", "3205", "320500000", "000000", "83", "8100001",
        "urn:x", "data:,x", "DATA:text/plain,x", "mailto:a@b", "http://x y", "image/jpeg; q=1", "0000-01-01", "2000-01-01T00:00:00+24:00"]
NUMS = [0, -1, 1, 2.0, 1e300, 0.5, 4294967295, 4294967296, 181, -90, 90.0000001, 5, 6, True, None]
def paths(x, p=()):
    yield p
    if isinstance(x, dict):
        for k, val in x.items(): yield from paths(val, p + (k,))
    elif isinstance(x, list):
        for i, val in enumerate(x): yield from paths(val, p + (i,))
def mutate(r):
    r = copy.deepcopy(r)
    for _ in range(rng.choice([1, 1, 2])):
        ps = [p for p in paths(r) if p]
        p = rng.choice(ps)
        parent = r
        for s in p[:-1]: parent = parent[s]
        k = p[-1]
        op = rng.random()
        cur = parent[k]
        if op < 0.15 and isinstance(parent, dict): del parent[k]
        elif op < 0.55 and isinstance(cur, str): parent[k] = rng.choice(POOL)
        elif op < 0.7 and isinstance(cur, (int, float)) and not isinstance(cur, bool): parent[k] = rng.choice(NUMS)
        elif op < 0.8 and isinstance(cur, list): parent[k] = [] if rng.random() < 0.5 else cur + cur[:1]
        elif op < 0.9: 
            # swap with another same-kind string
            strs = [q for q in ps if isinstance(get(r, q), str)]
            if strs: parent[k] = get(r, rng.choice(strs))
        else:
            parent[k] = rng.choice(POOL + NUMS)
    return r
def get(r, p):
    for s in p: r = r[s]
    return r
recs = [mutate(rng.choice(base)) for _ in range(args.count)]
path = os.path.join(tempfile.mkdtemp(prefix='linli-fuzz-'), 'fuzz.ndjson')
with open(path, 'w', encoding='utf-8') as f:
    for r in recs: f.write(json.dumps(r, ensure_ascii=False) + '\n')
out = subprocess.run([args.linli, 'validate', path, '--format', 'json', '--max-findings', '1000000'], capture_output=True, text=True).stdout
rep = json.loads(out)
theirs = collections.defaultdict(set)
for f in rep['findings']:
    if f['level'] == 'error': theirs[f['line']].add(f['code'])
dis = collections.Counter(); ex = {}
for i, r in enumerate(recs, 1):
    mine = {c for c, lv, p in v.findings(r) if lv == 'error'}
    t = theirs.get(i, set())
    if bool(mine) != bool(t):
        key = (tuple(sorted(mine)), tuple(sorted(t)))
        dis[key] += 1; ex.setdefault(key, i)
print(len(recs), 'records', sum(dis.values()), 'verdict disagreements')
for k, c in dis.most_common(30):
    print(c, k, 'line', ex[k], 'of', path)
