#!/usr/bin/env python3
"""Checks a validation report's DOM as Chromium rendered it: the verdict comes first and is FAIL,
every rule section (details.rule) lists as many findings (tr.finding) as its data-listed says,
at least one, never more than data-count, and says how many it does not list when it lists
fewer than it counted [VAL-020] [VAL-021]. Usage: html-rules-check.py DOM.html"""
import sys
from html.parser import HTMLParser


class Rules(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rules = []  # [code, count, listed, rows, more]
        self.verdict = None
        self.first = None
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if self.first is None and (a.get("id") == "verdict" or "rule" in classes):
            self.first = a.get("id") or "rule"
        if a.get("id") == "verdict":
            self.verdict = a.get("data-valid")
        if tag == "details" and "rule" in classes:
            self.rules.append([a["data-code"], int(a["data-count"]), int(a["data-listed"]), 0, False])
        elif tag == "tr" and "finding" in classes and self.rules:
            self.rules[-1][3] += 1
        elif tag == "p" and "more" in classes and self.rules:
            self.rules[-1][4] = True


p = Rules()
p.feed(open(sys.argv[1], encoding="utf-8").read())
errors = []
if p.first != "verdict":
    errors.append("the verdict does not come before the rules")
if p.verdict != "false":
    errors.append(f"verdict data-valid={p.verdict!r}, expected false")
if len(p.rules) < 3:
    errors.append(f"only {len(p.rules)} rule sections")
codes = [r[0] for r in p.rules]
if len(set(codes)) != len(codes):
    errors.append("a rule has two sections")
for code, count, listed, rows, more in p.rules:
    if not 1 <= listed <= count:
        errors.append(f"{code}: listed {listed} of {count}")
    if rows != listed:
        errors.append(f"{code}: {rows} rows, data-listed {listed}")
    if (count > listed) != more:
        errors.append(f"{code}: counted {count}, listed {listed}, 'more' note shown: {more}")
for e in errors:
    print(f"html-rules-check: {e}", file=sys.stderr)
total = sum(r[1] for r in p.rules)
print(f"html-rules-check: {len(p.rules)} rules, {total} findings counted, {sum(r[2] for r in p.rules)} listed")
sys.exit(1 if errors else 0)
