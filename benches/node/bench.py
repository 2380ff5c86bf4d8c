"""Helpers of the exchange node benchmark (benches/node/run.sh); not a test.

  bench.py prepare DATA OUT            files for wrk: ids.txt (Type/id of every record) and
                                       persons.tsv (path TAB record of each Person, for PUT)
  bench.py batch URL TOKEN DATA OUT    upserts in NDJSON batches from CLIENTS threads
  bench.py lag URL WTOKEN RTOKEN DATA OUT
                                       change-feed lag: a writer PUTs at RATE/s, a consumer
                                       long-polls /v1/changes; lag = consumer sees - PUT's 2xx
  bench.py wrk-json OUT                (reads wrk's done() line on stdin, checks it, writes OUT)
  bench.py table RESULTS.json          the Markdown table of all results

Settings come from the environment (DURATION, CLIENTS, BATCH, RATE); only 127.0.0.1 is used.
"""

import http.client
import json
import os
import random
import re
import statistics
import sys
import threading
import time
import urllib.parse

DURATION = float(os.environ.get("DURATION", "15"))
CLIENTS = int(os.environ.get("CLIENTS", "4"))
BATCH = int(os.environ.get("BATCH", "1000"))
RATE = float(os.environ.get("RATE", "50"))
# A whole pass over the records must finish; this bounds it all the same.
HARD_LIMIT = float(os.environ.get("HARD_LIMIT", "180"))

FILES = ["place.ndjson", "organization.ndjson", "person.ndjson", "thing.ndjson", "event.ndjson", "case.ndjson"]
VERSION = re.compile(rb'"version":\d+')


def conn(url):
    u = urllib.parse.urlparse(url)
    if u.hostname != "127.0.0.1":
        sys.exit("bench.py: only 127.0.0.1 is used")
    return http.client.HTTPConnection(u.hostname, u.port, timeout=120)


def lines(data):
    out = []
    for f in FILES:
        p = os.path.join(data, f)
        if os.path.exists(p):
            with open(p, "rb") as fh:
                out.extend(l.rstrip(b"\n") for l in fh if l.strip())
    return out


def pct(xs, p):
    if not xs:
        return None
    s = sorted(xs)
    k = min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def prepare(data, out):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "ids.txt"), "w", encoding="utf-8") as ids, open(
        os.path.join(out, "persons.tsv"), "wb"
    ) as persons:
        for l in lines(data):
            v = json.loads(l)
            path = f"{v['type']}/{urllib.parse.quote(v['id'], safe='')}"
            ids.write(path + "\n")
            if v["type"] == "Person":
                if not VERSION.search(l) or b"\t" in l:
                    sys.exit("bench.py: a Person record without meta.version, or with a tab")
                persons.write(path.encode() + b"\t" + l + b"\n")


def batch(url, token, data, out):
    """CLIENTS threads POST batches of BATCH lines: the first pass creates every record (it
    always finishes, HARD_LIMIT aside); then later passes (each line's meta.version changed)
    update them for DURATION seconds. No update starts before the last create is answered."""
    # Shuffled (the same way every run): every batch holds the same mix of types, so that the
    # creates and the updates (which do not cover every batch) are measured on like records.
    # The node checks records one by one: a reference may come before what it names.
    recs = lines(data)
    random.Random(2026).shuffle(recs)
    chunks = [recs[i : i + BATCH] for i in range(0, len(recs), BATCH)]
    lock = threading.Lock()
    state = {"next": 0, "first_done": None, "round0": 0, "creates": 0, "updates": 0, "unchanged": 0, "refused": 0, "http_errors": 0}
    start = time.monotonic()

    def body(n):
        rnd, i = divmod(n, len(chunks))
        text = b"\n".join(chunks[i]) + b"\n"
        if rnd > 0:
            text = VERSION.sub(b'"version":%d' % (100 + rnd), text)
        return rnd, text

    created = threading.Event()

    def client():
        c = conn(url)
        while True:
            with lock:
                n = state["next"]
                state["next"] = n + 1
            if n >= len(chunks):
                # The updates wait for the first pass; a client stuck on a failed pass stops.
                if not created.wait(max(0.0, HARD_LIMIT - (time.monotonic() - start))):
                    return
            with lock:
                now = time.monotonic() - start
                if now >= HARD_LIMIT or (state["first_done"] is not None and now - state["first_done"] >= DURATION):
                    return
            rnd, text = body(n)
            c.request(
                "POST",
                "/v1/records",
                body=text,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"},
            )
            r = c.getresponse()
            payload = r.read()
            counts = {"created": 0, "updated": 0, "unchanged": 0, "refused": 0}
            if r.status != 200:
                counts["refused"] = len(text.splitlines())
                with lock:
                    state["http_errors"] += 1
                    state["refused"] += counts["refused"]
                    if rnd == 0:
                        state["round0"] += counts["refused"]
                        if state["round0"] >= len(recs) and state["first_done"] is None:
                            state["first_done"] = time.monotonic() - start
                            created.set()
                continue
            for l in payload.splitlines():
                word = json.loads(l).get("result")
                counts[word if word in counts else "refused"] += 1
            with lock:
                state["creates"] += counts["created"]
                state["updates"] += counts["updated"]
                state["unchanged"] += counts["unchanged"]
                state["refused"] += counts["refused"]
                if rnd == 0:
                    state["round0"] += sum(counts.values())
                    if state["round0"] >= len(recs) and state["first_done"] is None:
                        state["first_done"] = time.monotonic() - start
                        created.set()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - start
    first = state["first_done"] or wall
    res = {
        "records": len(recs),
        "wall_s": round(wall, 2),
        "first_pass_s": round(first, 2),
        "creates": state["creates"],
        "updates": state["updates"],
        "unchanged": state["unchanged"],
        "refused": state["refused"],
        "http_errors": state["http_errors"],
        "creates_per_s": round(len(recs) / first, 1),
        "updates_per_s": round(state["updates"] / (wall - first), 1) if state["updates"] and wall > first else None,
        "upserts_per_s": round((state["creates"] + state["updates"]) / wall, 1),
    }
    write(out, res)


def lag(url, wtoken, rtoken, data, out):
    persons = [l for l in lines(data) if json.loads(l)["type"] == "Person"][:5000]
    acked = {}
    seen = {}
    errors = {"put": 0, "poll": 0}
    stop = threading.Event()

    c = conn(url)
    c.request("GET", "/v1/status", headers={"Authorization": f"Bearer {rtoken}"})
    r = c.getresponse()
    cursor = json.loads(r.read())["feed"]

    def consumer():
        nonlocal cursor
        cc = conn(url)
        while not stop.is_set():
            cc.request(
                "GET",
                f"/v1/changes?since={cursor}&wait=5&limit=1000",
                headers={"Authorization": f"Bearer {rtoken}"},
            )
            r = cc.getresponse()
            body = r.read()
            t = time.monotonic()
            if r.status != 200:
                errors["poll"] += 1
                time.sleep(0.1)
                continue
            page = json.loads(body)
            for ch in page["changes"]:
                if ch.get("etag"):
                    seen.setdefault(ch["etag"], t)
            cursor = page["next"]

    def writer():
        wc = conn(url)
        period = 1.0 / RATE
        t0 = time.monotonic()
        i = 0
        while True:
            due = t0 + i * period
            now = time.monotonic()
            if now - t0 >= DURATION:
                break
            if due > now:
                time.sleep(due - now)
            rec = persons[i % len(persons)]
            body = VERSION.sub(b'"version":%d' % (1_000_000 + i), rec, count=1)
            rid = json.loads(rec)["id"]
            wc.request(
                "PUT",
                f"/v1/records/Person/{urllib.parse.quote(rid, safe='')}",
                body=body,
                headers={"Authorization": f"Bearer {wtoken}", "Content-Type": "application/json"},
            )
            r = wc.getresponse()
            payload = r.read()
            t = time.monotonic()
            if 200 <= r.status < 300:
                acked[json.loads(payload)["etag"]] = t
            else:
                errors["put"] += 1
            i += 1

    ct = threading.Thread(target=consumer, daemon=True)
    ct.start()
    time.sleep(0.5)
    writer()
    # Let the consumer catch up, a few seconds at most.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not all(e in seen for e in acked):
        time.sleep(0.05)
    stop.set()
    lags = [(seen[e] - t) * 1000 for e, t in acked.items() if e in seen]
    res = {
        "rate_per_s": RATE,
        "puts_acked": len(acked),
        "seen": len(lags),
        "missed": len(acked) - len(lags),
        "put_errors": errors["put"],
        "poll_errors": errors["poll"],
        "lag_p50_ms": round(statistics.median(lags), 1) if lags else None,
        "lag_p99_ms": round(pct(lags, 99), 1) if lags else None,
        "lag_max_ms": round(max(lags), 1) if lags else None,
    }
    write(out, res)


def wrk_json(out):
    text = sys.stdin.read()
    m = re.search(r"^WRKJSON (\{.*\})$", text, re.M)
    if not m:
        sys.stderr.write(text)
        sys.exit("bench.py: no result from wrk")
    v = json.loads(m.group(1))
    v["req_per_s"] = round(v["requests"] / (v["duration_us"] / 1e6), 1)
    for k in ("p50_us", "p90_us", "p99_us", "max_us"):
        v[k.replace("_us", "_ms")] = round(v.pop(k) / 1000, 2)
    v["mean_ms"] = round(v.pop("mean_us") / 1000, 2)
    write(out, v)


def write(out, res):
    with open(out, "w", encoding="utf-8") as f:
        json.dump(res, f, indent=1)
    print(json.dumps(res), file=sys.stderr)


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def table(results_dir, backends):
    """One row per figure, one column per back-end."""
    backends = backends.split()
    names = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
    rows = []

    def row(label, f):
        cells = []
        for b in backends:
            try:
                cells.append(f(b))
            except (KeyError, TypeError):
                cells.append("—")
        rows.append(f"| {label} | " + " | ".join(cells) + " |")

    def get(b, name):
        return load(os.path.join(results_dir, b, name + ".json"))

    def errs(v):
        n = v.get("errors_status", 0) + v.get("errors_connect", 0) + v.get("errors_read", 0) + v.get(
            "errors_write", 0
        ) + v.get("errors_timeout", 0)
        return f" ({n} errors)" if n else ""

    def fmt(x):
        return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}"

    row(
        f"Batch upserts, creates: first pass of {get(backends[0], 'batch')['records']:,} records "
        f"({CLIENTS} clients × {BATCH}-line POST /v1/records) — records/s",
        lambda b: fmt(get(b, "batch")["creates_per_s"]) + (f" ({get(b, 'batch')['refused']} refused)" if get(b, "batch")["refused"] else ""),
    )
    row(
        "Batch upserts, updates (later passes, meta.version changed) — records/s",
        lambda b: fmt(get(b, "batch")["updates_per_s"]),
    )
    row(
        "Single upserts (PUT /v1/records/Person/{id}, wrk, 64 connections) — records/s",
        lambda b: fmt(get(b, "put")["req_per_s"]) + errs(get(b, "put")),
    )
    row("Single upserts — latency p50 / p99 (ms)", lambda b: f"{get(b, 'put')['p50_ms']} / {get(b, 'put')['p99_ms']}")
    for name, label in (("get-public", "public token, masked"), ("get-internal", "internal, X-Linli-Purpose")):
        row(
            f"GET /v1/records/{{type}}/{{id}} ({label}, 64 connections) — requests/s",
            lambda b, n=name: fmt(get(b, n)["req_per_s"]) + errs(get(b, n)),
        )
        row(
            f"GET ({label}) — latency p50 / p99 (ms)",
            lambda b, n=name: f"{get(b, n)['p50_ms']} / {get(b, n)['p99_ms']}",
        )
    row(
        f"Change-feed lag, PUT 2xx → long-poll consumer sees it (writer at {RATE:g}/s) — p50 / p99 (ms)",
        lambda b: f"{get(b, 'lag')['lag_p50_ms']} / {get(b, 'lag')['lag_p99_ms']}"
        + (f" ({get(b, 'lag')['missed']} missed)" if get(b, "lag")["missed"] else ""),
    )
    head = "| Figure | " + " | ".join(names.get(b, b) for b in backends) + " |"
    sep = "|---|" + "---:|" * len(backends)
    print("\n".join([head, sep] + rows))


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    a = sys.argv[2:]
    if cmd == "prepare":
        prepare(*a)
    elif cmd == "batch":
        batch(*a)
    elif cmd == "lag":
        lag(*a)
    elif cmd == "wrk-json":
        wrk_json(*a)
    elif cmd == "table":
        table(*a)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
