#!/usr/bin/env python3
"""Collect seed inputs for the cargo-fuzz targets (issue 11, item 9; issue 13, item 9).

Writes one file per seed (named by the SHA-1 of its bytes, as libFuzzer does) under
OUT/<target>/ (default: fuzz/run/seeds/), from what is in the repository:

  - crates/linli-adapters/tests/corpus/<format>/*   (the payload corpus written for issue 11)
  - examples/adapters/<format>/*                     (the adapters' example fixtures)
  - conformance/adapters/AD-*.json                   (`input` / `input_base64` of vectors read `from` a format)
  - crates/linli-adapters/tests/*.rs                 (JSON given to `json!(...)` and raw-string literals)
  - the small hand-written seeds below

For the targets of the record reader, manifest reader, dataset reader and masker (issue 13):

  - record:   examples/records/*.json (as written and on one line), the `record` of every
              conformance/vectors/**/*.json, the lines and small files of examples/datasets/*/ and
              conformance/datasets/*/dataset/
  - manifest: every manifest.json of those datasets
  - dataset:  each of those datasets as manifest.json, byte 0xFF, then its files in manifest
              order, each cut to its first lines (fuzz_invariants.rs: `check_dataset`)
  - mask:     the records and small NDJSON files above

With --shared DIR, also the real public payloads of DIR (../shared/fixtures/real-payloads): for a
LOCAL run only. Those files are not ours to redistribute: never write them (or a minimised corpus
derived from them) into the repository. run.sh keeps such a run in fuzz/run/, which git ignores.

The committed corpus fuzz/corpus/<target>/ is these seeds (plus what fuzzing found) minimised with
`cargo fuzz cmin`: see fuzz/refresh-corpus.sh.
"""

import argparse
import base64
import glob
import hashlib
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGETS = ["ngsi_ld", "gat1400", "geojson", "cloudevents", "open311", "open311_xml", "csv",
           "record", "manifest", "dataset", "mask"]

# The byte between the manifest and the data files of a `dataset` input (SEPARATOR in
# crates/linli-validate/tests/support/fuzz_invariants.rs).
DATASET_SEPARATOR = b"\xff"
# Lines of each data file kept in a `dataset` seed, and the largest NDJSON file kept whole.
DATASET_LINES = 3
SMALL_FILE = 8192

# Format name (as `--from` and conformance vectors spell it) -> target.
FROM = {
    "ngsi-ld": "ngsi_ld",
    "ngsi-ld-key-values": "ngsi_ld",
    "gat1400": "gat1400",
    "geojson": "geojson",
    "cloudevents": "cloudevents",
    "open311": "open311",
    "open311-xml": "open311_xml",
    "csv": "csv",
}

# Directory names a corpus or fixture directory of a format may have -> target ("open311" is split
# by content: XML goes to open311_xml).
DIRS = {
    "ngsi-ld": "ngsi_ld", "ngsi_ld": "ngsi_ld", "ngsi": "ngsi_ld", "fiware": "ngsi_ld", "ngsi-v2": "ngsi_ld",
    "ngsiv2": "ngsi_ld", "gat1400": "gat1400", "gat-1400": "gat1400", "geojson": "geojson",
    "cloudevents": "cloudevents", "open311": "open311", "open311-xml": "open311_xml", "open311_xml": "open311_xml",
    "csv": "csv",
}

# The header the csv target's fixed mapping reads (tests/support/fuzz_invariants.rs).
CSV_HEADER = "人员编号,姓名,性别,民族,出生日期,公民身份号码,联系电话,户籍地址,住所,户号,与户主关系,关爱,国籍,学历\n"

HAND = {
    "ngsi_ld": [
        b"[]", b"{}", b"null",
        b'{"id":"urn:ngsi-ld:Device:d1","type":"Device","controlledProperty":{"type":"Property","value":["smoke"]}}',
        b'{"id":"urn:ngsi-ld:Device:d2","type":"Device","controlledProperty":["temperature"],'
        b'"location":{"type":"Point","coordinates":[120.6,31.3]},"dateObserved":"2024-05-01T08:00:00Z"}',
        b'{"subscriptionId":"urn:ngsi-ld:Subscription:1","notifiedAt":"2024-05-01T08:00:00Z","data":['
        b'{"id":"urn:ngsi-ld:ParkingSpot:p1","type":"ParkingSpot","status":{"type":"Property","value":"free"},'
        b'"location":{"type":"GeoProperty","value":{"type":"Point","coordinates":[0,0]}}}]}',
        b'{"id":"urn:ngsi-ld:WasteContainer:w1","type":["WasteContainer","Device"],"@context":'
        b'["https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld"],"fillingLevel":{"type":"Property",'
        b'"value":0.5,"observedAt":{"@type":"DateTime","@value":"2024-05-01T08:00:00Z"}}}',
        b'{"id":"Room1","type":"Room","temperature":{"type":"Number","value":23,"metadata":{}}}',
    ],
    "gat1400": [
        b"{}", b"[]",
        b'{"FaceListObject":{"FaceObject":[{"FaceID":"32050800001190000001022024050108000000001","DeviceID":'
        b'"32050800001190000001","FaceAppearTime":null,"LocationMarkTime":"20240501080000",'
        b'"SubImageList":{"SubImageInfoObject":[{"ImageID":"1","StoragePath":"http://x/1.jpg","Type":"11"}]}}]}}',
        b'{"APEListObject":{"APEObject":[{"ApeID":"32050800001190000001","Name":"","Longitude":0,"Latitude":0,'
        b'"IPAddr":"10.0.0.1"}]}}',
        b'{"MotorVehicleListObject":{"MotorVehicleObject":[{"MotorVehicleID":"","PassTime":"2024-05-01 08:00:00",'
        b'"PlateNo":"\xe8\x8b\x8fE12345"}]}}',
    ],
    "geojson": [
        b"{}", b"[]", b'{"type":"FeatureCollection","features":[]}',
        b'{"type":"Point","coordinates":[120.6,31.3]}',
        b'{"type":"Feature","properties":{"name":"x","adcode":320508},"geometry":{"type":"MultiPolygon",'
        b'"coordinates":[[[[120,31],[121,31],[121,32],[120,31]]]]}}',
        b'{"type":"Feature","properties":null,"geometry":null}',
    ],
    "cloudevents": [
        b"{}", b"[]",
        b'{"specversion":"1.0","id":"1","source":"/x","type":"com.example.alarm","time":"2024-05-01T08:00:00Z",'
        b'"datacontenttype":"application/json","data":{"a":1}}',
        b'[{"specversion":"1.0","id":"2","source":"/x","type":"t","data_base64":"AAEC"}]',
        b'{"specversion":"0.3","id":"3","source":"s","type":"t","time":"2024-05-01 08:00:00"}',
    ],
    "open311": [
        b"[]", b"{}",
        b'[{"service_request_id":"1","service_code":"001","service_name":"","status":"open",'
        b'"requested_datetime":"2024-05-01T08:00:00-05:00","lat":"41.88","long":"-87.63"}]',
        b'[{"service_request_id":"2","status":"closed","lat":0,"long":0,"requested_datetime":"2024-05-01T08:00:00"}]',
    ],
    "open311_xml": [
        b"<service_requests/>",
        b'<?xml version="1.0" encoding="utf-8"?><service_requests><request><service_request_id>1'
        b"</service_request_id><status>open</status><service_name>Pothole</service_name><requested_datetime>"
        b"2024-05-01T08:00:00-05:00</requested_datetime><lat>41.88</lat><long>-87.63</long></request>"
        b"</service_requests>",
        b"<service_requests><request><status>open</status><lat>x</lat></request></service_requests>",
        b"<a><![CDATA[x]]>&amp;&#x41;</a>",
    ],
    "csv": [
        b"", CSV_HEADER.encode(),
        (CSV_HEADER + "R1,\u5f20\u4e09,\u7537,\u6c49\u65cf,1990/1/2,11010519491231002X,138 1234 5678,"
         "\u6c5f\u82cf\u7701\u82cf\u5dde\u5e02\u59d1\u82cf\u533a\u5c71\u5858\u885788\u53f7,PL-1,H1,\u6237\u4e3b,"
         "\u72ec\u5c45;\u4f4e\u4fdd,CHN,\u5927\u5b66\u672c\u79d1\n").encode(),
        (CSV_HEADER + ",x,\u5973,01,19900102,,+86 139 1234 5678,,,,,,,\n\"unclosed,\n").encode(),
        "\ufeffid;name\n1;a\n".encode(),
    ],
}


def add(out, target, data, counts):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    path = os.path.join(d, name)
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(data)
        counts[target] = counts.get(target, 0) + 1


def json_bytes(v):
    return json.dumps(v, ensure_ascii=False).encode()


def target_of_file(dir_target, path, data):
    if dir_target == "open311" and (path.endswith(".xml") or data.lstrip().startswith(b"<")):
        return "open311_xml"
    return dir_target


def add_tree(out, base, counts):
    """Every file of base/<format-dir>/ (recursively), for the target its directory names."""
    for d in sorted(glob.glob(os.path.join(base, "*"))):
        target = DIRS.get(os.path.basename(d).lower())
        if not target or not os.path.isdir(d):
            continue
        for path in sorted(glob.glob(os.path.join(d, "**", "*"), recursive=True)):
            name = os.path.basename(path)
            if not os.path.isfile(path) or name.endswith((".md", ".toml", ".xlsx")):
                continue
            with open(path, "rb") as f:
                data = f.read()
            add(out, target_of_file(target, path, data), data, counts)


def add_vectors(out, counts):
    for path in sorted(glob.glob(os.path.join(ROOT, "conformance/adapters/AD-*.json"))):
        with open(path, encoding="utf-8") as f:
            v = json.load(f)
        target = FROM.get(v.get("from"))
        if not target:
            continue
        if "input_base64" in v:
            data = base64.b64decode(v["input_base64"])
        elif isinstance(v.get("input"), str):
            data = v["input"].encode()
        elif "input" in v:
            data = json_bytes(v["input"])
        else:
            continue
        add(out, target, data, counts)


def balanced(text, start):
    """The text of the bracketed expression starting at text[start] ('{' or '['), or None."""
    depth, i, in_str = 0, start, False
    while i < len(text):
        c = text[i]
        if in_str:
            if c == "\\":
                i += 1
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif c in "{[(":
            depth += 1
        elif c in "}])":
            depth -= 1
            if depth == 0:
                return text[start : i + 1]
        i += 1
    return None


def rust_json(src):
    """A `json!` body as JSON, when it is literal JSON (Rust expressions inside: None)."""
    s = re.sub(r",(\s*[}\]])", r"\1", src)
    try:
        return json.loads(s)
    except ValueError:
        return None


TEST_FILES = {
    "fiware.rs": lambda v: "ngsi_ld",
    "gat1400.rs": lambda v: "gat1400",
    "open311.rs": lambda v: "open311",
    "geojson_cloudevents.rs": lambda v: "cloudevents" if "specversion" in json.dumps(v) else "geojson",
}


def add_tests(out, counts):
    for path in sorted(glob.glob(os.path.join(ROOT, "crates/linli-adapters/tests/*.rs"))):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        classify = TEST_FILES.get(os.path.basename(path))
        if classify:
            for m in re.finditer(r"json!\(\s*([\[{])", text):
                body = balanced(text, m.start(1))
                v = rust_json(body) if body else None
                if isinstance(v, (dict, list)) and v:
                    add(out, classify(v), json_bytes(v), counts)
        # Raw strings: JSON documents and XML go to their target, CSV to csv.
        for m in re.finditer(r'r#"(.*?)"#', text, re.S):
            s = m.group(1)
            if s.lstrip().startswith("<") and "request" in s:
                add(out, "open311_xml", s, counts)
            elif classify and s.lstrip()[:1] in "{[":
                try:
                    add(out, classify(json.loads(s)), s, counts)
                except ValueError:
                    pass


# Records with personal numbers where reports might show them (ids, member names, free text,
# separators), for the privacy invariant of the record, dataset and mask targets.
PLANTED = [
    '{"type":"Person","id":"11010519491231002X"}',
    '{"type":"Person","id":"P-1","13812345678":1}',
    '{"type":"Event","id":"E-1","description":"\u5c45\u6c11 11010519491231002X \u7535\u8bdd 138\u00a01234\u00a05678"}',
    '{"type":"Person","id":"P-2","phones":["13812345678"],"identifiers":[{"scheme":"resident-id","value":"110105194912310021"}]}',
    '{"type":"Place","id":"L-1","kind":"room","name":"1101\u200b0519\u200b4912\u200b3100\u200b2X"}',
    '{"type":"Person","id":"P-3","extensions":{"acme":{"x":"138-1234-5678","x":"1"}}}',
]


def add_records(out, counts):
    """Records, manifests and datasets of the repository for record, manifest, dataset, mask."""
    for path in sorted(glob.glob(os.path.join(ROOT, "examples/records/*.json"))):
        with open(path, "rb") as f:
            data = f.read()
        add(out, "record", data, counts)
        try:
            line = json_bytes(json.loads(data))
        except ValueError:
            continue
        add(out, "record", line, counts)
        add(out, "mask", line, counts)
    for path in sorted(glob.glob(os.path.join(ROOT, "conformance/vectors/**/*.json"), recursive=True)):
        with open(path, encoding="utf-8") as f:
            v = json.load(f)
        if "record" in v:
            add(out, "record", json_bytes(v["record"]), counts)
            add(out, "mask", json_bytes(v["record"]), counts)
    for s in PLANTED:
        add(out, "record", s, counts)
        add(out, "mask", s, counts)
    dirs = sorted(glob.glob(os.path.join(ROOT, "examples/datasets/*")))
    dirs += sorted(glob.glob(os.path.join(ROOT, "conformance/datasets/*/dataset")))
    for d in dirs:
        manifest_path = os.path.join(d, "manifest.json")
        if not os.path.isfile(manifest_path):
            continue
        with open(manifest_path, "rb") as f:
            manifest = f.read()
        add(out, "manifest", manifest, counts)
        try:
            listed = [f["path"] for f in json.loads(manifest).get("files", []) if isinstance(f, dict)]
        except (ValueError, AttributeError):
            listed = []
        names = listed + sorted(
            n for n in os.listdir(d) if n != "manifest.json" and n not in listed and os.path.isfile(os.path.join(d, n))
        )
        parts = [manifest]
        for name in names[:4]:
            p = os.path.join(d, name)
            if not os.path.isfile(p) or os.path.islink(p):
                parts.append(b"")
                continue
            with open(p, "rb") as f:
                data = f.read()
            parts.append(b"".join(data.splitlines(keepends=True)[:DATASET_LINES]))
            if name.endswith(".gz"):
                continue
            for line in data.splitlines()[:20]:
                if line.strip():
                    add(out, "record", line, counts)
                    add(out, "mask", line, counts)
            if len(data) <= SMALL_FILE:
                add(out, "record", data, counts)
                add(out, "mask", data, counts)
        add(out, "dataset", DATASET_SEPARATOR.join(parts), counts)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", default=os.path.join(ROOT, "fuzz/run/seeds"))
    p.add_argument("--shared", help="LOCAL runs only: also the real payloads of this directory")
    a = p.parse_args()
    counts = {}
    for target, seeds in HAND.items():
        for s in seeds:
            add(a.out, target, s, counts)
    add_tree(a.out, os.path.join(ROOT, "crates/linli-adapters/tests/corpus"), counts)
    add_tree(a.out, os.path.join(ROOT, "examples/adapters"), counts)
    add_vectors(a.out, counts)
    add_tests(a.out, counts)
    add_records(a.out, counts)
    if a.shared:
        if os.path.realpath(a.out).startswith(os.path.realpath(os.path.join(ROOT, "fuzz/corpus"))):
            sys.exit("--shared seeds must not go into the committed corpus")
        add_tree(a.out, a.shared, counts)
    for t in TARGETS:
        print(f"{t}: {counts.get(t, 0)} new seeds in {os.path.join(a.out, t)}")


if __name__ == "__main__":
    main()
