#!/usr/bin/env python3
"""Writes the share dataset cases of the privacy class and their known answers.

Standard library only (hashlib, hmac, json), written from spec chapters 16, 17 and 19, never from
the Rust code under test. It writes:

* conformance/datasets/<slug>/dataset/ (NDJSON files and manifest.json, digests computed here)
  for the cases DS-0038 to DS-0050, DS-0140 to DS-0145 and DS-0151 to DS-0153; each case.json is written by hand and kept
  as it is;
* conformance/tools/share-known-answers.json: the test key the harness sends for each share
  case ([CNF-036]), its key id ([SHR-022]), the token of every identifier and household of the
  share sources under that key ([SHR-020]), five-year bands ([SHR-012]) and coordinates rounded
  to three decimals ([SHR-014]). The Rust tests of the share judge compare their own computation
  with this file.

Run from the repository root: python3 conformance/tools/share_cases.py
"""
import hashlib
import hmac
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_key(case):
    """The test key the harness sends for a share case ([CNF-036])."""
    return "linli-conformance-test-key/" + case


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"linli-key-id\x1f" + key).hexdigest()[:16]


def token(key: bytes, domain: str, value: str) -> str:
    return hmac.new(key, (domain + "\x1f" + value).encode("utf-8"), hashlib.sha256).hexdigest()


def resident_id(first17: str) -> str:
    """GB 11643-1999 check character (ISO 7064 MOD 11-2)."""
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * x for c, x in zip(first17, w))
    return first17 + "10X98765432"[s % 11]


def band(year):
    start = year - year % 5
    return start, start + 4


def round3(x):
    # Halves away from zero, as [SHR-014] rounding; the values below are not halves anyway.
    return float(f"{x:.3f}")


def meta(classification="restricted", at="2024-05-20T09:00:00+08:00"):
    return {
        "source": {"vendor": "苏州邻里示例科技有限公司", "product": "社区综合治理平台"},
        "createdAt": at,
        "updatedAt": at,
        "version": 1,
        "classification": classification,
    }


def ref(t, i):
    return {"type": t, "id": i}


def places():
    return [
        {"type": "Place", "id": "L-SQ", "meta": meta("public"), "kind": "community", "name": "虎丘社区"},
        {"type": "Place", "id": "L-XQ", "meta": meta("public"), "kind": "compound", "name": "塔影花苑", "parent": ref("Place", "L-SQ")},
        {"type": "Place", "id": "L-LD", "meta": meta("public"), "kind": "building", "name": "1幢", "parent": ref("Place", "L-XQ")},
        {"type": "Place", "id": "L-DY", "meta": meta("internal"), "kind": "unit", "name": "2单元", "parent": ref("Place", "L-LD")},
        {"type": "Place", "id": "L-FJ", "meta": meta("internal"), "kind": "room", "name": "501室", "parent": ref("Place", "L-DY"), "roomUse": "residential"},
    ]


ID_A = resident_id("32050819780623004")  # born 1978-06-23
ID_B = resident_id("32050820160310003")  # born 2016-03-10: 8 at the reference time
ID_C = resident_id("32050820100715002")  # born 2010-07-15: 13 at the reference time, 14 from 2024-07-15
PASSPORT = "E12345678"
HOUSEHOLD = "502201006"
FACE_SHA = hashlib.sha256(b"a face picture").hexdigest()


def every_member():
    """DS-0038: an internal dataset holding every kind of marked member."""
    recs = places()
    recs += [
        {"type": "Person", "id": "P-A", "meta": meta(), "name": "欧阳秀英", "gender": "2", "birthDate": "1978-06-23",
         "identifiers": [{"scheme": "resident-id", "value": ID_A}, {"scheme": "passport", "value": PASSPORT, "issuer": "CHN"}],
         "ethnicGroup": "01", "nationality": "CHN", "phones": ["13812345678", "0512-67238840"],
         "residences": [{"place": ref("Place", "L-FJ"), "kind": "registered", "since": "2003-03-01"}],
         "household": {"householdId": HOUSEHOLD, "relationship": "02"}, "education": "21", "politicalStatus": "13",
         "careTags": ["disability"], "extensions": {"acme": {"grid": "网格三", "note": "独居，需每周探访"}}},
        {"type": "Person", "id": "P-B", "meta": meta(), "name": "李小明", "gender": "1", "birthDate": "2016-03-10",
         "identifiers": [{"scheme": "resident-id", "value": ID_B}],
         "residences": [{"place": ref("Place", "L-FJ"), "kind": "registered", "since": "2016-04-01"}],
         "household": {"householdId": HOUSEHOLD, "relationship": "21"}},
        {"type": "Person", "id": "P-C", "meta": meta(), "name": "王芳芳", "gender": "2", "birthDate": "2010-07-15",
         "identifiers": [{"scheme": "resident-id", "value": ID_C}], "phones": ["13962155821"],
         "residences": [{"place": ref("Place", "L-FJ"), "kind": "permanent", "since": "2020-09-01"}],
         "household": {"householdId": HOUSEHOLD, "relationship": "31"}},
        {"type": "Person", "id": "P-D", "meta": meta(), "name": "张三", "gender": "1",
         "birthPeriod": {"start": "1960-01-01", "end": "1960-12-31"}, "phones": ["13962155820"],
         "residences": [{"place": ref("Place", "L-DY"), "kind": "permanent"}]},
        {"type": "Organization", "id": "O-PM", "meta": meta("public"), "name": "苏州塔影物业管理有限公司",
         "kind": "property-management", "creditCode": "91320508MA1N8Q3X46", "place": ref("Place", "L-XQ"),
         "legalRepresentative": ref("Person", "P-A"),
         "contacts": [{"role": "项目经理", "name": "黄志刚", "phone": "13962155820", "person": ref("Person", "P-D")},
                      {"role": "客服", "phone": "0512-67236688"}]},
        {"type": "Thing", "id": "T-CAR", "meta": meta("internal"), "kind": "vehicle.motor", "name": "欧阳秀英的小型轿车",
         "owner": ref("Person", "P-A"), "place": ref("Place", "L-XQ"),
         "vehicle": {"plateNumber": "苏E7G3K5", "plateColor": "blue"}},
        {"type": "Thing", "id": "T-GATE", "meta": meta("internal"), "kind": "device.access-gate", "name": "东门人脸门禁",
         "place": ref("Place", "L-XQ"), "status": "online"},
        {"type": "Event", "id": "E-FACE", "meta": meta(), "category": "access.pass", "occurredAt": "2024-05-21T06:02:31+08:00",
         "severity": "info", "place": ref("Place", "L-XQ"), "source": ref("Thing", "T-GATE"),
         "location": {"type": "Point", "coordinates": [120.5853247, 31.3241596]},
         "subjects": [ref("Person", "P-B")], "description": "刷脸进门",
         "media": [{"uri": "https://media.example.cn/face/0001.jpg", "sha256": FACE_SHA, "mediaType": "image/jpeg"}]},
        {"type": "Case", "id": "C-LEAK", "meta": meta(), "category": "environment.garbage", "channel": "hotline-12345",
         "title": "楼道堆放杂物", "description": "居民反映楼道堆放杂物，影响通行",
         "reportedAt": "2024-05-21T10:48:40+08:00", "place": ref("Place", "L-FJ"), "reporter": ref("Person", "P-A"),
         "location": {"type": "Point", "coordinates": [120.5861234, 31.3236789, 12.5]},
         "status": "closed",
         "history": [
             {"at": "2024-05-21T10:48:40+08:00", "to": "reported", "note": "热线转入"},
             {"at": "2024-05-21T10:50:12+08:00", "from": "reported", "to": "accepted"},
             {"at": "2024-05-21T10:51:30+08:00", "from": "accepted", "to": "dispatched", "note": "派物业核查"},
             {"at": "2024-05-21T10:58:05+08:00", "from": "dispatched", "to": "in-progress"},
             {"at": "2024-05-21T11:06:40+08:00", "from": "in-progress", "to": "resolved"},
             {"at": "2024-05-21T11:40:00+08:00", "from": "resolved", "to": "verified", "note": "电话回访核实"},
             {"at": "2024-05-21T11:45:00+08:00", "from": "verified", "to": "closed"}],
         "assignee": {"organization": ref("Organization", "O-PM")},
         "resolution": "已清理楼道杂物",
         "evaluation": {"rating": 5, "comment": "处理及时，满意", "at": "2024-05-21T12:30:00+08:00"}},
    ]
    return recs


def free_text_numbers():
    """DS-0039: an internal dataset whose free text holds a mobile and an ID number."""
    recs = places()[:1]
    recs += [
        {"type": "Organization", "id": "O-RC", "meta": meta("public"), "name": "虎丘社区居民委员会", "kind": "resident-committee",
         "creditCode": "91320508MA1N8Q3X46", "place": ref("Place", "L-SQ"),
         "contacts": [{"role": "值班电话 13962155820", "phone": "0512-67236688"}]},
        {"type": "Event", "id": "E-CALL", "meta": meta(), "category": "access.pass", "occurredAt": "2024-05-21T06:02:31+08:00",
         "severity": "info", "place": ref("Place", "L-SQ"), "description": "访客自称手机 139 6215 5821"},
        {"type": "Case", "id": "C-NOTE", "meta": meta(), "category": "environment.garbage", "channel": "hotline-12345",
         "title": "垃圾未清运", "reportedAt": "2024-05-21T10:48:40+08:00", "place": ref("Place", "L-SQ"), "status": "reported",
         "history": [{"at": "2024-05-21T10:48:40+08:00", "to": "reported", "note": "来电人身份证 " + ID_A + "，回电 13812345678"}]},
    ]
    return recs


def write_dataset(slug, records, level="internal", created="2024-06-01T09:00:00+08:00", protection=None):
    d = os.path.join(ROOT, "datasets", slug, "dataset")
    os.makedirs(d, exist_ok=True)
    by_type = {}
    for r in records:
        by_type.setdefault(r["type"], []).append(r)
    files = []
    for t in sorted(by_type):
        name = t.lower() + ".ndjson"
        data = "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in by_type[t]).encode("utf-8")
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        files.append({"path": name, "recordType": t, "records": len(by_type[t]), "sha256": hashlib.sha256(data).hexdigest()})
    m = {
        "standardVersion": "0.1.0",
        "producer": {"vendor": "Linli", "product": "conformance/tools/share_cases.py", "productVersion": "1.0.0"},
        "createdAt": created,
        "sharingLevel": level,
        "files": files,
    }
    if protection is not None:
        m["protection"] = protection
    with open(os.path.join(d, "manifest.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(m, ensure_ascii=False, indent=2) + "\n")


def prot(profile, key_id_value=None, at="2024-06-01T09:00:00+08:00"):
    p = {"profile": profile, "appliedAt": at, "tool": "conformance/tools/share_cases.py 1.0.0"}
    if key_id_value is not None:
        p["keyId"] = key_id_value
    return p


KEY = test_key("DS-0038").encode()


def shared_cases():
    """The invalid shared datasets, DS-0040 to DS-0050: each breaks one group of rules."""
    pl = places()
    tok = lambda scheme, v: token(KEY, scheme, v)
    hh = token(KEY, "household", HOUSEHOLD)[:32]
    # DS-0040: public, marked members kept that the public profile drops.
    write_dataset("shared-public-marked-members", pl + [
        {"type": "Person", "id": "P-A", "meta": meta(), "name": "****", "gender": "2",
         "birthPeriod": {"start": "1975-01-01", "end": "1979-12-31"}, "nationality": "CHN",
         "residences": [{"place": ref("Place", "L-SQ"), "kind": "registered"}]},
        {"type": "Organization", "id": "O-PM", "meta": meta("public"), "name": "苏州塔影物业管理有限公司",
         "kind": "property-management", "place": ref("Place", "L-XQ"), "legalRepresentative": ref("Person", "P-A"),
         "contacts": [{"role": "客服", "phone": "0512-67236688"}]},
        {"type": "Thing", "id": "T-CAR", "meta": meta("internal"), "kind": "vehicle.motor", "name": "欧阳秀英的小型轿车",
         "vehicle": {"plateNumber": "苏E7G3K5", "plateColor": "blue"}},
        {"type": "Event", "id": "E-FACE", "meta": meta(), "category": "access.pass", "occurredAt": "2024-05-21T06:02:31+08:00",
         "severity": "info", "media": [{"uri": "https://media.example.cn/face/0001.jpg", "sha256": FACE_SHA, "mediaType": "image/jpeg"}]},
        {"type": "Case", "id": "C-LEAK", "meta": meta(), "category": "environment.garbage", "channel": "hotline-12345",
         "title": "楼道堆放杂物", "reportedAt": "2024-05-21T10:48:40+08:00", "reporter": ref("Person", "P-A"), "status": "reported",
         "history": [{"at": "2024-05-21T10:48:40+08:00", "to": "reported"}]},
    ], level="public", protection=prot("public"))
    # DS-0041: inter-department, a person of 13 at createdAt (15 when the suite was written)
    # keeps gender, birth date and residence; one who turns 14 on that day is an adult.
    write_dataset("shared-inter-department-minor", pl + [
        {"type": "Person", "id": "P-C", "meta": meta(), "name": "王*芳", "gender": "2", "birthDate": "2011-03-01",
         "residences": [{"place": ref("Place", "L-FJ"), "kind": "permanent"}]},
        {"type": "Person", "id": "P-E", "meta": meta(), "name": "赵*", "gender": "1", "birthDate": "2010-06-01",
         "residences": [{"place": ref("Place", "L-FJ"), "kind": "permanent"}]},
    ], level="inter-department", protection=prot("inter-department", key_id(KEY)))
    # DS-0042: inter-department, masks that show too much, extensions kept.
    write_dataset("shared-inter-department-mask-extensions", pl + [
        {"type": "Person", "id": "P-A", "meta": meta(), "name": "欧阳*英", "gender": "2"},
        {"type": "Organization", "id": "O-PM", "meta": meta("public"), "name": "苏州塔影物业管理有限公司",
         "kind": "property-management", "contacts": [{"role": "项目经理", "name": "黄*刚", "phone": "139621558**"}]},
        {"type": "Event", "id": "E-FACE", "meta": meta(), "category": "access.pass", "occurredAt": "2024-05-21T06:02:31+08:00",
         "severity": "info", "extensions": {"acme": {"note": "独居，需每周探访"}}},
    ], level="inter-department", protection=prot("inter-department", key_id(KEY)))
    # DS-0043: public, a birth period of one year, coordinates not rounded, an altitude.
    write_dataset("shared-public-band-coordinates", pl + [
        {"type": "Person", "id": "P-A", "meta": meta(), "name": "****", "gender": "2",
         "birthPeriod": {"start": "1978-01-01", "end": "1978-12-31"}},
        {"type": "Event", "id": "E-FACE", "meta": meta(), "category": "access.pass", "occurredAt": "2024-05-21T06:02:31+08:00",
         "severity": "info", "location": {"type": "Point", "coordinates": [120.585325, 31.32416]}},
        {"type": "Case", "id": "C-LEAK", "meta": meta(), "category": "environment.garbage", "channel": "hotline-12345",
         "title": "楼道堆放杂物", "reportedAt": "2024-05-21T10:48:40+08:00", "status": "reported",
         "location": {"type": "Point", "coordinates": [120.586, 31.324, 12.5]},
         "history": [{"at": "2024-05-21T10:48:40+08:00", "to": "reported"}]},
    ], level="public", protection=prot("public"))
    # DS-0044: public, a residence at room level (and one at the community, as it should be).
    write_dataset("shared-public-room-residence", pl + [
        {"type": "Person", "id": "P-A", "meta": meta(), "name": "****", "gender": "2",
         "residences": [{"place": ref("Place", "L-FJ"), "kind": "registered"}]},
        {"type": "Person", "id": "P-D", "meta": meta(), "name": "**", "gender": "1",
         "residences": [{"place": ref("Place", "L-SQ"), "kind": "permanent"}]},
        {"type": "Person", "id": "P-F", "meta": meta(), "name": "***", "gender": "1",
         "residences": [{"place": ref("Place", "L-FJ"), "kind": "permanent"}]},
    ], level="public", protection=prot("public"))
    # DS-0045: inter-department, pseudonyms that are not tokens, a raw identifier, a phone
    # "pseudonymised" (an action that does not apply to telephone numbers).
    write_dataset("shared-inter-department-pseudonyms", pl + [
        {"type": "Person", "id": "P-A", "meta": meta(), "name": "欧**英", "gender": "2",
         "identifiers": [{"scheme": "pseudonym", "value": tok("resident-id", ID_A).upper()},
                         {"scheme": "passport", "value": PASSPORT}],
         "household": {"householdId": HOUSEHOLD, "relationship": "02"}},
        {"type": "Person", "id": "P-D", "meta": meta(), "name": "张*", "gender": "1", "phones": [tok("phone", "13962155820")]},
    ], level="inter-department", protection=prot("inter-department", key_id(KEY)))
    # DS-0046: inter-department, one household given two different tokens: the head's household
    # and the child's no longer match, and the child's household has no head.
    write_dataset("shared-inter-department-household-split", pl + [
        {"type": "Person", "id": "P-A", "meta": meta(), "name": "欧**英", "gender": "2",
         "household": {"householdId": hh, "relationship": "02"}},
        {"type": "Person", "id": "P-B", "meta": meta(), "name": "李*明",
         "household": {"householdId": token(b"another key, not the one sent", "household", HOUSEHOLD)[:32], "relationship": "21"}},
    ], level="inter-department", protection=prot("inter-department", key_id(KEY)))
    # DS-0047: inter-department, a record id replaced by a token: the event's subject no longer
    # resolves.
    write_dataset("shared-inter-department-id-changed", pl + [
        {"type": "Person", "id": "P-" + tok("text", "P-B")[:20], "meta": meta(), "name": "李*明"},
        {"type": "Event", "id": "E-FACE", "meta": meta(), "category": "access.pass", "occurredAt": "2024-05-21T06:02:31+08:00",
         "severity": "info", "subjects": [ref("Person", "P-B")]},
    ], level="inter-department", protection=prot("inter-department", key_id(KEY)))
    # DS-0048: inter-department, numbers left in kept free text.
    write_dataset("shared-inter-department-free-text", pl[:1] + [
        {"type": "Organization", "id": "O-RC", "meta": meta("public"), "name": "虎丘社区居民委员会", "kind": "resident-committee",
         "contacts": [{"role": "值班电话 13962155820", "phone": "0512-6723****"}]},
        {"type": "Case", "id": "C-NOTE", "meta": meta(), "category": "environment.garbage", "channel": "hotline-12345",
         "title": "垃圾未清运", "reportedAt": "2024-05-21T10:48:40+08:00", "status": "reported",
         "history": [{"at": "2024-05-21T10:48:40+08:00", "to": "reported", "note": "来电人身份证 " + ID_A}]},
    ], level="inter-department", protection=prot("inter-department", key_id(KEY)))
    # DS-0049: public and clean, but the manifest says nothing of how it was treated.
    write_dataset("shared-public-no-protection", pl + [
        {"type": "Person", "id": "P-A", "meta": meta(), "name": "****", "gender": "2",
         "residences": [{"place": ref("Place", "L-SQ"), "kind": "registered"}]},
    ], level="public")
    # DS-0050: inter-department, the key itself written as keyId.
    write_dataset("shared-key-in-manifest", pl + [
        {"type": "Person", "id": "P-A", "meta": meta(), "name": "欧**英", "gender": "2",
         "identifiers": [{"scheme": "pseudonym", "value": tok("resident-id", ID_A)}]},
    ], level="inter-department", protection=prot("inter-department", test_key("DS-0038")))


def leak_cases():
    """DS-0140 to DS-0145: names and split numbers in kept free text, coordinates near three decimals."""
    pl = places()
    # DS-0140: public, a person whose name is still given in full and written into a case's title
    # and a place's address: the name is found in the free text ([SHR-052]).
    write_dataset("shared-public-person-name", pl + [
        {"type": "Person", "id": "P-A", "meta": meta(), "name": "欧阳秀英", "gender": "2",
         "residences": [{"place": ref("Place", "L-SQ"), "kind": "registered"}]},
        {"type": "Place", "id": "L-SHOP", "meta": meta("public"), "kind": "facility", "name": "便民小卖部",
         "parent": ref("Place", "L-SQ"), "address": {"fullText": "虎丘路 88 号（欧阳秀英代收）"}},
        {"type": "Case", "id": "C-LEAK", "meta": meta(), "category": "environment.garbage", "channel": "hotline-12345",
         "title": "欧阳秀英反映楼道堆放杂物", "reportedAt": "2024-05-21T10:48:40+08:00", "status": "reported",
         "history": [{"at": "2024-05-21T10:48:40+08:00", "to": "reported"}]},
    ], level="public", protection=prot("public"))
    # DS-0141: public, an ID number split by zero-width spaces, a mobile split by no-break
    # spaces and an ID number written with dots, in a case's resolution ([SHR-041], [SHR-062]).
    dotted = ID_A[:6] + "." + ID_A[6:14] + "." + ID_A[14:]
    write_dataset("shared-public-split-numbers", pl + [
        {"type": "Case", "id": "C-LEAK", "meta": meta(), "category": "environment.garbage", "channel": "hotline-12345",
         "title": "楼道堆放杂物", "reportedAt": "2024-05-21T10:48:40+08:00", "status": "reported",
         "resolution": "来电人 " + "\u200b".join(ID_A[i:i + 4] for i in range(0, 18, 4)) + "，回电 139\u00a06215\u00a05820，证件 " + dotted,
         "history": [{"at": "2024-05-21T10:48:40+08:00", "to": "reported"}]},
    ], level="public", protection=prot("public"))
    # DS-0143: public, mobiles grouped 3-8 with an ideographic space, 4-4-3 with soft hyphens and
    # written 86 without `+`, an ID number written 17-1 with its X after a hyphen, and one written
    # 6-12, which holds no mobile number ([SHR-041], [SHR-062]).
    id_x = resident_id("32050819850412105")
    write_dataset("shared-public-any-grouping", pl + [
        {"type": "Case", "id": "C-LEAK", "meta": meta(), "category": "environment.garbage", "channel": "hotline-12345",
         "title": "楼道堆放杂物", "reportedAt": "2024-05-21T10:48:40+08:00", "status": "reported",
         "resolution": "回电 138\u300012345678，备用 1391\u00ad6215\u00ad582，国际 8613712345678，证件 "
                       + id_x[:17] + "-" + id_x[17] + "，旧证 110105 19491231002X",
         "history": [{"at": "2024-05-21T10:48:40+08:00", "to": "reported"}]},
    ], level="public", protection=prot("public"))
    # DS-0144: public, the names of the dataset's persons written slightly differently in kept
    # free text: a zero-width space inside, spaces between the characters, another name dot
    # ([SHR-043], [SHR-052]).
    write_dataset("shared-public-names-written-differently", pl + [
        {"type": "Person", "id": "P-A", "meta": meta(), "name": "朱秀兰", "gender": "2",
         "residences": [{"place": ref("Place", "L-SQ"), "kind": "registered"}]},
        {"type": "Person", "id": "P-B", "meta": meta(), "name": "阿卜杜·热合曼", "gender": "1",
         "residences": [{"place": ref("Place", "L-SQ"), "kind": "registered"}]},
        {"type": "Place", "id": "L-SHOP", "meta": meta("public"), "kind": "facility", "name": "便民小卖部",
         "parent": ref("Place", "L-SQ"), "address": {"fullText": "虎丘路 88 号（阿卜杜•热合曼代收）"}},
        {"type": "Case", "id": "C-LEAK", "meta": meta(), "category": "environment.garbage", "channel": "hotline-12345",
         "title": "朱\u200b秀兰反映楼道堆放杂物", "reportedAt": "2024-05-21T10:48:40+08:00", "status": "reported",
         "resolution": "已回复朱 秀 兰，杂物已清", "history": [{"at": "2024-05-21T10:48:40+08:00", "to": "reported"}]},
    ], level="public", protection=prot("public"))
    # DS-0145: public, a mobile and an ID number written with spaces around one dash; a number
    # divided by slashes is none ([SHR-041], [SHR-062]).
    write_dataset("shared-public-spaced-separators", pl + [
        {"type": "Case", "id": "C-LEAK", "meta": meta(), "category": "environment.garbage", "channel": "hotline-12345",
         "title": "楼道堆放杂物", "reportedAt": "2024-05-21T10:48:40+08:00", "status": "reported",
         "resolution": "回电 139 - 6215 - 5820，证件 " + id_x[:17] + " - " + id_x[17] + "，单号 139/6215/5820",
         "history": [{"at": "2024-05-21T10:48:40+08:00", "to": "reported"}]},
    ], level="public", protection=prot("public"))
    def case_with_meta(slug, **meta_members):
        """A public dataset of the places and one case whose meta has `meta_members`."""
        m = meta()
        m.update(meta_members)
        write_dataset(slug, pl + [
            {"type": "Case", "id": "C-LEAK", "meta": m, "category": "environment.garbage", "channel": "hotline-12345",
             "title": "楼道堆放杂物", "reportedAt": "2024-05-21T10:48:40+08:00", "status": "reported",
             "history": [{"at": "2024-05-21T10:48:40+08:00", "to": "reported"}]},
        ], level="public", protection=prot("public"))
    # DS-0151: public, a mobile and an ID number left raw in meta.source: other strings are
    # masked too ([SHR-064]).
    case_with_meta("shared-public-number-in-meta-source", source={"vendor": "13962117845", "product": ID_A})
    # DS-0152: public, the same strings masked where they stand, and a meta.sourceId of the id
    # form, which is kept ([SHR-064], [SHR-065]).
    case_with_meta("shared-public-meta-masked",
                   source={"vendor": "139****7845", "product": ID_A[:4] + "*" * 10 + ID_A[14:]},
                   sourceId="GD-2024-0001")
    # DS-0153: public, a meta.sourceId that is a name, not of the id form ([SHR-065]).
    case_with_meta("shared-public-source-id-name", sourceId="沈建华")
    # DS-0142: public, coordinates within 1e-9 of three decimals, yet with ten ([SHR-014]).
    write_dataset("shared-public-coordinates-near", pl + [
        {"type": "Event", "id": "E-GATE", "meta": meta(), "category": "access.pass", "occurredAt": "2024-05-21T06:02:31+08:00",
         "severity": "info", "location": {"type": "Point", "coordinates": [120.5850000001, 31.324]}},
    ], level="public", protection=prot("public"))


def known_answers():
    cases = ["DS-0038", "DS-0039"]
    keys = [{"key": "0123456789abcdef", "keyId": key_id(b"0123456789abcdef")}]
    keys += [{"key": test_key(c), "keyId": key_id(test_key(c).encode())} for c in cases]
    tokens = [{"key": "0123456789abcdef", "domain": "resident-id", "value": "11010519491231002X",
               "token": token(b"0123456789abcdef", "resident-id", "11010519491231002X")}]
    for r in every_member():
        for i in r.get("identifiers", []):
            tokens.append({"key": test_key("DS-0038"), "domain": i["scheme"], "value": i["value"],
                           "token": token(KEY, i["scheme"], i["value"])})
        if "household" in r:
            v = r["household"]["householdId"]
            tokens.append({"key": test_key("DS-0038"), "domain": "household", "value": v, "token": token(KEY, "household", v)})
    bands = [{"year": y, "start": band(y)[0], "end": band(y)[1]} for y in (1960, 1978, 1979, 1980, 2010, 2016)]
    rounded = [{"value": x, "rounded": round3(x)} for x in (120.5853247, 31.3241596, 120.5861234, 31.3236789)]
    return {
        "about": "Computed by conformance/tools/share_cases.py (Python hashlib/hmac), not by the Rust code under test.",
        "cases": [{"case": c, "key": test_key(c), "keyId": key_id(test_key(c).encode())} for c in cases],
        "keys": keys,
        "tokens": tokens,
        "bands": bands,
        "rounded": rounded,
        "communities": {"L-FJ": "L-SQ", "L-DY": "L-SQ"},
        "minorsAt": {"referenceTime": "2024-06-01T09:00:00+08:00", "under14": ["P-B", "P-C"], "adults": ["P-A", "P-D"]},
    }


def main():
    write_dataset("share-every-member", every_member())
    write_dataset("share-free-text-numbers", free_text_numbers())
    shared_cases()
    leak_cases()
    with open(os.path.join(ROOT, "tools", "share-known-answers.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(known_answers(), ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
