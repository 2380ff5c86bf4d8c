"""Odd requests never crash the adapter: every request that carries a `seq` gets one answer line,
and the session goes on (the harness restarts a crashed adapter, but a crash is a defect).

Run: `python3 -m unittest discover -s examples/python-adapter/tests`.
"""

import io
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from linli_adapter.protocol import serve  # noqa: E402


def run(lines: bytes) -> list:
    """Serve `lines` (bytes, as a pipe carries them) and return the answer lines."""
    stdin = io.TextIOWrapper(io.BytesIO(lines), encoding="utf-8", errors="surrogateescape")
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="utf-8", newline="\n", write_through=True)
    serve(stdin, stdout)
    return [json.loads(line) for line in raw.getvalue().decode("utf-8").splitlines()]


class OddRequests(unittest.TestCase):
    def test_lone_surrogates_and_bad_bytes_are_answered_not_fatal(self):
        odd = [
            b'{"op":"validate","seq":1,"case":"\\ud800","record":{}}',
            b'{"op":"validate","seq":2,"case":"A\xff","record":{}}',
            b'{"op":"roundtrip","seq":3,"case":"x","record":{"type":"Person","id":"\\ud800"}}',
            b'{"op":"roundtrip","seq":4,"case":"x","record":[]}',
            b'{"op":"stop","seq":5}',
        ]
        answers = run(b"\n".join(odd) + b"\n")
        self.assertEqual([a["seq"] for a in answers], [1, 2, 3, 4, 5])


if __name__ == "__main__":
    unittest.main()
