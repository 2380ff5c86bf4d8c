"""Linli second reference adapter: a small product written from the specification alone.

Standard library only (Python 3.11). See README.md for what it claims and how to run it.
"""

PRODUCT = {"vendor": "邻里示例（Python）", "name": "linli-python-adapter", "version": "0.1.0"}
STANDARD_VERSION = "0.1.0"
