#!/usr/bin/env python3
"""The workspace's crate graph is acyclic, counting normal, build AND dev dependencies (issue 16).

Reads `cargo metadata --no-deps` (only the workspace's own manifests: no network, no lock
resolution) and fails when
  * any cycle exists among workspace crates, a crate depending on itself included, whatever the
    kind of each edge (a dev-dependency on a crate above you is a cycle too: the crate can then
    be neither packaged nor tested alone);
  * a crate meant for publishing (no `publish = false`) has a normal or build dependency on a
    crate that is not (it could not be installed from a registry; the shipped `linli` binary
    must not carry the reference adapter or its faults).

Usage:
  .ci/crate-graph.py                 run `cargo metadata` in the current workspace and check it
  .ci/crate-graph.py METADATA.json   check a saved `cargo metadata --format-version 1` output
  .ci/crate-graph.py --self-test     prove the check can fail: fabricated graphs with cycles and
                                     with a published crate depending on an unpublished one must be
                                     rejected, and acyclic ones accepted
Standard library only.
"""

import json
import subprocess
import sys


def edges_of(meta):
    """(crate, dependency, kind) for every dependency between workspace crates."""
    members = set(meta["workspace_members"])
    names = {p["name"] for p in meta["packages"] if p["id"] in members}
    out = []
    for p in meta["packages"]:
        if p["id"] not in members:
            continue
        for d in p["dependencies"]:
            if d["name"] in names:
                out.append((p["name"], d["name"], d.get("kind") or "normal"))
    return sorted(names), sorted(set(out))


def find_cycles(nodes, edges):
    """Every elementary cycle found by a depth-first search, as a list of crate names that
    starts and ends with the same crate; empty when the graph is acyclic."""
    succ = {n: sorted({b for a, b, _ in edges if a == n}) for n in nodes}
    state = {n: 0 for n in nodes}  # 0 unseen, 1 on the stack, 2 done
    stack, cycles = [], []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in succ[n]:
            if state[m] == 1:
                cycles.append(stack[stack.index(m):] + [m])
            elif state[m] == 0:
                visit(m)
        stack.pop()
        state[n] = 2

    for n in nodes:
        if state[n] == 0:
            visit(n)
    return cycles


def unpublished_deps(meta, edges):
    """Normal/build edges from a publishable crate to a `publish = false` one."""
    members = set(meta["workspace_members"])
    unpublished = {p["name"] for p in meta["packages"] if p["id"] in members and p.get("publish") == []}
    return [(a, b, k) for a, b, k in edges if k != "dev" and a not in unpublished and b in unpublished]


def check(meta):
    """The problems of a metadata document, as lines of text; empty when it passes."""
    nodes, edges = edges_of(meta)
    problems = []
    for cyc in find_cycles(nodes, edges):
        hops = []
        for a, b in zip(cyc, cyc[1:]):
            kinds = sorted({k for x, y, k in edges if x == a and y == b})
            hops.append(f"{a} -[{','.join(kinds)}]-> {b}")
        problems.append("cycle: " + "; ".join(hops))
    for a, b, k in unpublished_deps(meta, edges):
        problems.append(f"published crate {a} has a {k} dependency on the unpublished crate {b}")
    return problems


def fabricated(deps, unpublished=()):
    """A minimal `cargo metadata` document: deps is {crate: [(dependency, kind), ...]}."""
    pkgs = []
    for name, ds in deps.items():
        pkgs.append({
            "id": f"path+file:///ws/{name}#0.1.0",
            "name": name,
            "publish": [] if name in unpublished else None,
            "dependencies": [{"name": d, "kind": None if k == "normal" else k} for d, k in ds],
        })
    pkgs.append({"id": "registry+https://x#serde@1", "name": "serde", "publish": None, "dependencies": []})
    return {"packages": pkgs, "workspace_members": [p["id"] for p in pkgs if p["name"] != "serde"]}


def self_test():
    cases = [
        # (what, graph, unpublished, expected number of problems > 0)
        ("acyclic with dev edges", {"model": [("serde", "normal")], "privacy": [("model", "normal")],
                                    "validate": [("privacy", "normal"), ("model", "dev")],
                                    "it": [("validate", "dev"), ("privacy", "dev")]}, {"it"}, False),
        ("the old validate/privacy cycle through a dev edge",
         {"model": [], "privacy": [("model", "normal"), ("validate", "dev")],
          "validate": [("privacy", "normal")]}, (), True),
        ("a three-crate dev cycle", {"privacy": [("synth", "dev")], "synth": [("validate", "dev")],
                                     "validate": [("privacy", "normal")]}, (), True),
        ("a build-dependency cycle", {"a": [("b", "build")], "b": [("a", "normal")]}, (), True),
        ("a crate dev-depending on itself", {"model": [("model", "dev")]}, (), True),
        ("a published binary linking an unpublished adapter",
         {"cli": [("adapter", "normal")], "adapter": []}, {"adapter"}, True),
        ("an unpublished crate used only in tests", {"cli": [("adapter", "dev")], "adapter": []}, {"adapter"}, False),
    ]
    failed = 0
    for what, graph, unpublished, should_fail in cases:
        problems = check(fabricated(graph, unpublished))
        ok = bool(problems) == should_fail
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {what}: {problems or 'accepted'}")
    # The message names every hop of the cycle and the kind of each edge.
    msg = check(fabricated({"p": [("v", "dev")], "v": [("p", "normal")]}))
    if msg != ["cycle: p -[dev]-> v; v -[normal]-> p"]:
        failed += 1
        print(f"FAIL cycle message: {msg}")
    if failed:
        print(f"crate-graph self-test: {failed} case(s) wrong")
        return 1
    print("crate-graph self-test: the check rejects every fabricated cycle and accepts the acyclic graphs")
    return 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) == 2:
        with open(argv[1], encoding="utf-8") as f:
            meta = json.load(f)
    elif len(argv) == 1:
        out = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps", "--offline"],
                             check=True, capture_output=True, text=True).stdout
        meta = json.loads(out)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    problems = check(meta)
    nodes, edges = edges_of(meta)
    if problems:
        for p in problems:
            print(p)
        print(f"crate graph: {len(problems)} problem(s) among {len(nodes)} workspace crates")
        return 1
    print(f"crate graph: {len(nodes)} workspace crates, {len(edges)} edges (normal, build, dev), no cycle")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
