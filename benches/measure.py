"""Run benchmark commands side by side, alternating, and report records/s, MB/s, peak RSS and
ratios. Used by benches/validate.sh; not a test.

Each case is run REPS times, interleaved with the other cases (the machines are noisy: running
them in turn spreads the noise over all of them); the median wall time is reported, with the
best in brackets. Wall time is measured outside the process, so start-up (loading the schemas,
starting Node or Python) counts for every tool alike. Peak RSS comes from wait4().
"""

import json
import os
import statistics
import subprocess
import sys
import time


def run_once(cmd, env=None):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    out = proc.stdout.read()
    _, status, rusage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    return wall, rusage.ru_maxrss * 1024, code, out.decode("utf-8", "replace")


def main():
    spec = json.load(open(sys.argv[1], encoding="utf-8"))
    reps = spec["reps"]
    cases = spec["cases"]
    results = {c["name"]: {"walls": [], "rss": 0} for c in cases}
    for rep in range(reps):
        for c in cases:
            if rep >= c.get("reps", reps):
                continue
            wall, rss, code, out = run_once(c["cmd"])
            if code not in c.get("ok_codes", [0]):
                print(f"{c['name']}: exit code {code}\n{out[-2000:]}", file=sys.stderr)
                sys.exit(2)
            results[c["name"]]["walls"].append(wall)
            results[c["name"]]["rss"] = max(results[c["name"]]["rss"], rss)
            print(f"  run {rep + 1}/{reps} {c['name']}: {wall:.2f} s", file=sys.stderr, flush=True)
    rows = []
    for c in cases:
        r = results[c["name"]]
        med = statistics.median(r["walls"])
        best = min(r["walls"])
        rows.append({
            "name": c["name"],
            "records": c["records"],
            "bytes": c["bytes"],
            "median_s": med,
            "best_s": best,
            "records_per_s": c["records"] / med,
            "mb_per_s": c["bytes"] / med / 1e6,
            "peak_rss_mib": r["rss"] / (1 << 20),
            "runs": len(r["walls"]),
        })
    json.dump(rows, open(spec["out"], "w", encoding="utf-8"), indent=2)
    by = {r["name"]: r for r in rows}
    print(f"\n| case | records | runs | median s (best) | records/s | MB/s | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['name']} | {r['records']:,} | {r['runs']} | {r['median_s']:.2f} ({r['best_s']:.2f}) | "
              f"{r['records_per_s']:,.0f} | {r['mb_per_s']:.0f} | {r['peak_rss_mib']:.0f} |")
    print()
    for a, b, label in spec.get("ratios", []):
        if a in by and b in by:
            ratio = by[a]["records_per_s"] / by[b]["records_per_s"]
            print(f"- {label}: {ratio:.2f}x")


if __name__ == "__main__":
    main()
