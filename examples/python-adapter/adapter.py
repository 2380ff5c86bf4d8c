#!/usr/bin/env python3
"""Entry point: `python3 examples/python-adapter/adapter.py` speaks linli-harness/1 on stdin/stdout."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from linli_adapter.protocol import serve  # noqa: E402

if __name__ == "__main__":
    sys.exit(serve())
