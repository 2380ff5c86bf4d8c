"""Validation of one record: the schema layer, then the semantic checks ([CON-050], [CON-051])."""

from __future__ import annotations

from . import checks
from .schema import Schemas


class Validator:
    """Validates records; a record is accepted when it draws no finding of level error."""

    def __init__(self, schemas: Schemas):
        self.schemas = schemas

    def findings(self, record) -> list[tuple[str, str, str]]:
        """(code, level, pointer) of every finding."""
        schema = [(code, "error", ptr) for code, ptr in self.schemas.validate_record(record)]
        if schema:
            # [CON-070] item 4: the ids are scanned for personal numbers whatever else is wrong.
            return schema + checks.id_leaks(record)
        return checks.check_record(record)

    def accepts(self, record) -> bool:
        """[CON-051]: no error-level finding ([CON-052]: warnings do not reject)."""
        return not any(level == "error" for _, level, _ in self.findings(record))
