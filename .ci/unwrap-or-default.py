#!/usr/bin/env python3
"""No `unwrap_or_default()` that can hide an error (issue 16 part 4).

Every `unwrap_or_default()` in library and binary code (`crates/*/src`, `examples/*/src`, test
modules left out) either goes, replaced by `?` and a typed error, or says why the default is
right: a `//` comment containing the word "default" on the same line or in the comment lines
directly above the statement. The undocumented ones are listed; the check fails when there are
more than the baseline in `.ci/unwrap-or-default.baseline` (a ratchet: lower it, never raise it).

    python3 .ci/unwrap-or-default.py            # check
    python3 .ci/unwrap-or-default.py --count    # print the number of undocumented uses
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
BASELINE = ROOT / ".ci" / "unwrap-or-default.baseline"
CALL = "unwrap_or_default()"


def documented(lines, i):
    """Whether line `i` (holding the call) has a comment saying why the default is right."""
    if "//" in lines[i] and "default" in lines[i].split("//", 1)[1].lower():
        return True
    # The statement may start a few lines up (a method chain); then the comment lines above it.
    j = i
    while j > 0 and i - j < 8:
        above = lines[j - 1].strip()
        if above.startswith("//"):
            k = j - 1
            while k >= 0 and lines[k].strip().startswith("//"):
                if "default" in lines[k].lower():
                    return True
                k -= 1
            return False
        if above.endswith((";", "{", "}")) or above == "":
            return False
        j -= 1
    return False


def undocumented():
    out = []
    files = sorted(ROOT.glob("crates/*/src/**/*.rs")) + sorted(ROOT.glob("examples/*/src/**/*.rs"))
    for path in files:
        lines = path.read_text(encoding="utf-8").split("\n")
        for i, line in enumerate(lines):
            if re.match(r"#\[cfg\(test\)\]", line):
                break  # the test module closes the file
            if CALL in line and not line.lstrip().startswith("//") and not documented(lines, i):
                out.append(f"{path.relative_to(ROOT)}:{i + 1}: {line.strip()}")
    return out


def main():
    found = undocumented()
    if "--count" in sys.argv:
        print(len(found))
        return 0
    baseline = int(BASELINE.read_text().split()[0])
    for f in found:
        print(f)
    print(f"{len(found)} undocumented unwrap_or_default() (baseline {baseline})")
    if len(found) > baseline:
        print(
            "error: a new unwrap_or_default() without a reason: propagate the error with `?`, or say in a "
            "`//` comment why the default is right",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
