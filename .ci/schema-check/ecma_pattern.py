"""python-jsonschema reading `pattern` as ECMA-262 does ([CON-009]).

python-jsonschema applies `pattern` with `re.search`, where `$` also matches before a final line
break: `^[a-z]+$` accepts "abc\\n", which ECMA-262 (ajv) and Rust `regex` (Linli's validator) refuse.
The Linli patterns end with `$` only as their end anchor, so reading that last `$` as `\\Z` gives
the ECMA-262 meaning. `validator_class()` is Draft202012Validator with that `pattern` keyword.
"""

import re
from functools import lru_cache

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError


@lru_cache(maxsize=None)
def ecma(pattern: str) -> "re.Pattern[str]":
    """The pattern with a final unescaped `$` read as the end of input."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


def _pattern(validator, patrn, instance, schema):
    if validator.is_type(instance, "string") and not ecma(patrn).search(instance):
        yield ValidationError(f"{instance!r} does not match {patrn!r}")


def validator_class():
    """Draft202012Validator whose `pattern` keyword reads `$` as ECMA-262 does."""
    return validators.extend(Draft202012Validator, {"pattern": _pattern})
