#!/usr/bin/env python3
"""Write conformance/statements/ST-*.json: vectors for verifiers of signed result statements
(spec 30.7, [CNF-066]).

Independent of the Rust code: the statements are built here as JSON, the DSSE pre-authentication
encoding is written out by hand, and OpenSSL signs it with a fresh Ed25519 key (the private key is
thrown away; each vector carries the public key). Run from the repository root, with `openssl` on
PATH: python3 conformance/tools/statement_vectors.py
"""
import base64
import hashlib
import json
import os
import subprocess
import tempfile

ROOT = os.path.join(os.path.dirname(__file__), "..")
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://in-toto.io/attestation/test-result/v0.1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"


def pae(payload_type, body):
    t = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body)


class Key:
    def __init__(self, tmp, name):
        self.tmp = tmp
        self.priv = os.path.join(tmp, name + ".pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", self.priv], check=True,
                       capture_output=True)
        self.pub = subprocess.run(["openssl", "pkey", "-in", self.priv, "-pubout"], check=True,
                                  capture_output=True).stdout.decode()
        der = subprocess.run(["openssl", "pkey", "-in", self.priv, "-pubout", "-outform", "DER"], check=True,
                             capture_output=True).stdout
        self.keyid = hashlib.sha256(der).hexdigest()

    def sign(self, data):
        path = os.path.join(self.tmp, "msg.bin")
        with open(path, "wb") as f:
            f.write(data)
        sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", self.priv, "-rawin", "-in", path],
                             check=True, capture_output=True).stdout
        return base64.b64encode(sig).decode()


SUMMARY = json.dumps({"format": "linli-conformance-summary/1", "note": "a stand-in for the run's summary.json"},
                     indent=2).encode() + b"\n"
ADAPTER = b"#!/usr/bin/env python3\n# a vendor's adapter script\n"


def statement(result="PASSED", statement_type=STATEMENT_TYPE, predicate_type=PREDICATE_TYPE):
    return {
        "_type": statement_type,
        "subject": [
            {"name": "linli-conformance-vectors", "digest": {"linliFiles2": "0" * 64},
             "annotations": {"suiteVersion": "0.1.0"}},
            {"name": "linli-schemas", "digest": {"linliFiles2": "1" * 64}},
            {"name": "示例科技/社区平台@2.3.1", "digest": {"sha256": hashlib.sha256(b"python3").hexdigest()},
             "annotations": {"vendor": "示例科技", "name": "社区平台", "version": "2.3.1", "program": "python3"}},
            {"name": "adapter.py", "digest": {"sha256": hashlib.sha256(ADAPTER).hexdigest()},
             "annotations": {"role": "adapter-file"}},
        ],
        "predicateType": predicate_type,
        "predicate": {
            "result": result,
            "configuration": [{"name": "summary.json", "mediaType": "application/json",
                               "digest": {"sha256": hashlib.sha256(SUMMARY).hexdigest()},
                               "annotations": {"exitCode": 0 if result == "PASSED" else 1}}],
            "passedTests": ["CON-V-0001/validate"] if result == "PASSED" else [],
            "warnedTests": [],
            "failedTests": [] if result == "PASSED" else ["CON-V-0001/validate"],
        },
    }


def envelope(key, st, payload_type=PAYLOAD_TYPE, signed_bytes=None, body=None):
    body = body if body is not None else json.dumps(st, ensure_ascii=False).encode()
    to_sign = signed_bytes(body) if signed_bytes else pae(payload_type, body)
    return {"payloadType": payload_type, "payload": base64.b64encode(body).decode(),
            "signatures": [{"keyid": key.keyid, "sig": key.sign(to_sign)}]}


def vector(id_, zh, en, reqs, verdict, key, env, expected, against=None):
    v = {"id": id_, "description": {"zh": zh, "en": en}, "requirements": reqs + ["CNF-066"], "verdict": verdict,
         "public_key": key.pub, "envelope": env}
    if against:
        v["against"] = against
    v["expected"] = expected
    return v


def main():
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        key = Key(tmp, "signer")
        other = Key(tmp, "other")
        good = envelope(key, statement())
        against = {"summary": SUMMARY.decode(), "adapter_files": {"adapter.py": ADAPTER.decode()}}
        out.append(vector("ST-0001", "真实的结果声明：签名、类型和摘要（summary.json 与适配器文件）均可验证",
                          "A genuine statement: signature, types and the digests of summary.json and the adapter "
                          "file verify",
                          ["CNF-060", "CNF-061", "CNF-062", "CNF-063", "CNF-064"], "valid", key, good,
                          {"result": "PASSED"}, against))
        failed = envelope(key, statement("FAILED"))
        out.append(vector("ST-0002", "不通过的运行的真实声明同样可验证，结果为 FAILED",
                          "A genuine statement of a failed run verifies too, with result FAILED",
                          ["CNF-060", "CNF-063", "CNF-064"], "valid", key, failed, {"result": "FAILED"}))
        # The payload of the failed run with the result changed to PASSED after signing.
        forged = dict(failed)
        forged["payload"] = base64.b64encode(json.dumps(statement(), ensure_ascii=False).encode()).decode()
        out.append(vector("ST-0003", "签名后把结果改为 PASSED 的声明：签名不符",
                          "A statement whose result was changed to PASSED after signing: the signature fails",
                          ["CNF-061", "CNF-064"], "invalid", key, forged, {"code": "statement-signature-invalid"}))
        out.append(vector("ST-0004", "由另一把密钥签名的声明：用受信公钥验证失败",
                          "A statement signed by another key: it fails with the trusted public key",
                          ["CNF-061", "CNF-064"], "invalid", key, envelope(other, statement()),
                          {"code": "statement-signature-invalid"}))
        bare = envelope(key, statement(), signed_bytes=lambda body: body)
        out.append(vector("ST-0005", "签名针对裸载荷而非 DSSE 预认证编码（PAE）：签名不符",
                          "A signature over the bare payload instead of the DSSE pre-authentication encoding fails",
                          ["CNF-061"], "invalid", key, bare, {"code": "statement-signature-invalid"}))
        out.append(vector("ST-0006", "载荷类型为 application/json（并按此签名）：载荷类型错误",
                          "A payload type of application/json (signed as such): wrong payload type",
                          ["CNF-061", "CNF-064"], "invalid", key,
                          envelope(key, statement(), payload_type="application/json"),
                          {"code": "statement-payload-type"}))
        out.append(vector("ST-0007", "签名有效但 _type 为 in-toto v0.1 的声明：声明类型错误",
                          "A validly signed statement whose _type is in-toto v0.1: wrong statement type",
                          ["CNF-060", "CNF-064"], "invalid", key,
                          envelope(key, statement(statement_type="https://in-toto.io/Statement/v0.1")),
                          {"code": "statement-type-invalid"}))
        out.append(vector("ST-0008", "签名有效但谓词类型不是测试结果的声明：声明类型错误",
                          "A validly signed statement whose predicate type is not test-result: wrong statement type",
                          ["CNF-060", "CNF-063"], "invalid", key,
                          envelope(key, statement(predicate_type="https://slsa.dev/provenance/v1")),
                          {"code": "statement-type-invalid"}))
        out.append(vector("ST-0009", "真实声明，但所给 summary.json 已被改动：摘要不符",
                          "A genuine statement checked against a summary.json that was changed: digest mismatch",
                          ["CNF-063", "CNF-064"], "invalid", key, good, {"code": "statement-digest-mismatch"},
                          {"summary": SUMMARY.decode().replace("stand-in", "forgery")}))
        out.append(vector("ST-0010", "真实声明，但所给适配器文件已被改动：摘要不符",
                          "A genuine statement checked against an adapter file that was changed: digest mismatch",
                          ["CNF-062", "CNF-064"], "invalid", key, good, {"code": "statement-digest-mismatch"},
                          {"adapter_files": {"adapter.py": ADAPTER.decode() + "import os\n"}}))
        out.append(vector("ST-0011", "载荷不是 JSON 的信封：格式错误",
                          "An envelope whose payload is not JSON: malformed",
                          ["CNF-061", "CNF-064"], "invalid", key,
                          envelope(key, None, body=b"not json"), {"code": "statement-malformed"}))
    os.makedirs(os.path.join(ROOT, "statements"), exist_ok=True)
    for v in out:
        with open(os.path.join(ROOT, "statements", v["id"] + ".json"), "w", encoding="utf-8") as f:
            json.dump(v, f, ensure_ascii=False, indent=2)
            f.write("\n")
    print(f"{len(out)} statement vectors")


if __name__ == "__main__":
    main()
