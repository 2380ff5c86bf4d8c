"""The harness protocol `linli-harness/1` ([CNF-030]): one JSON request per line on standard
input, one JSON answer per line on standard output; logs go to standard error.

The adapter reports what the product does and never judges ([CNF-032]). Unknown request members
are ignored, so that a newer harness can add members without breaking the product.
"""

from __future__ import annotations

import json
import re
import sys
import traceback

from . import PRODUCT, STANDARD_VERSION
from .export import write_dataset
from .schema import Schemas
from .store import Store
from .validate import Validator

PROTOCOL = "linli-harness/1"

# The classes this product claims ([CNF-002]).
CLASSES = ["core", "people", "places", "things", "events", "cases", "privacy"]


def log(*parts) -> None:
    """A line on standard error (never personal data: only case IDs and operations)."""
    print("linli-python-adapter:", *parts, file=sys.stderr, flush=True)


class Adapter:
    """Dispatches requests to the product."""

    def __init__(self):
        self.schemas = Schemas()
        self.validator = Validator(self.schemas)
        self.store = Store(self.schemas)
        self.stopped = False

    def handle(self, req: dict) -> dict:
        """Answer one request."""
        op = req.get("op")
        seq = req.get("seq", 0)
        if op == "start":
            if req.get("protocol") not in (None, PROTOCOL):
                log("unknown protocol", req.get("protocol"))
            return {"seq": seq, "product": dict(PRODUCT), "standard_versions": [STANDARD_VERSION],
                    "classes": list(CLASSES), "skips": []}
        if op == "stop":
            self.stopped = True
            return {"seq": seq}
        answer = {"seq": seq, "case": req.get("case", "")}
        try:
            if op == "validate":
                try:
                    answer["accepted"] = self.validator.accepts(req["record"])
                except RecursionError:
                    answer["accepted"] = False  # deeper than any Linli record can be
            elif op == "roundtrip":
                record = req["record"]
                self.store.clear()
                self.store.put(record)
                answer["record"] = self.store.get(record["type"], record["id"])
            elif op == "export":
                self.store.clear()
                for record in req["records"]:
                    self.store.put(record)
                write_dataset(req["directory"], self.store.all(), self.schemas)
            elif op == "share":
                from .share import share  # noqa: PLC0415 (loaded only when asked)
                self.store.clear()
                for record in req["records"]:
                    self.store.put(record)
                share(req, self.store.all(), self.schemas)
            else:
                answer["error"] = f"operation {op!r} is not supported by this product"
        except Exception as exc:  # the product failed: report it, keep serving
            log("case", answer["case"], op, "failed:", type(exc).__name__)
            traceback.print_exc(file=sys.stderr)
            answer["error"] = f"{type(exc).__name__}: the product could not do {op}"
        return answer


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _line(answer: dict) -> str:
    """An answer as one line of UTF-8 JSON. Text the product could not hold as UTF-8 (a lone
    surrogate from a `\\ud800` escape, a bad byte kept by `surrogateescape`) is written as an
    escape instead of crashing the adapter; the harness then judges the answer malformed."""
    text = json.dumps(answer, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(answer, ensure_ascii=True)
    return text + "\n"


def serve(stdin=None, stdout=None) -> int:
    """Read requests until `stop` or end of input."""
    if stdin is None:  # JSON text is UTF-8 (RFC 8259), whatever the locale says
        sys.stdin.reconfigure(encoding="utf-8", errors="surrogateescape")  # bad bytes: rejected later
        stdin = sys.stdin
    if stdout is None:
        sys.stdout.reconfigure(encoding="utf-8", newline="\n")
        stdout = sys.stdout
    adapter = Adapter()
    for line in stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line, parse_constant=_no_constant)
        except (ValueError, RecursionError):
            log("unreadable request line")
            seq = re.search(r'"seq"\s*:\s*([0-9]+)', line)
            case = re.search(r'"case"\s*:\s*"([^"\\]*)"', line)
            if seq and case:  # answer what can be answered: the product could not read it
                stdout.write(json.dumps({"seq": int(seq.group(1)), "case": case.group(1),
                                         "error": "the request could not be read by this product"}) + "\n")
                stdout.flush()
            continue
        if not isinstance(req, dict):
            log("request is not a JSON object")
            continue
        try:
            answer = adapter.handle(req)
        except RecursionError:
            answer = {"seq": req.get("seq", 0), "case": req.get("case", ""),
                      "error": "the record is nested too deeply for this product"}
        stdout.write(_line(answer))
        stdout.flush()
        if adapter.stopped:
            break
    return 0
