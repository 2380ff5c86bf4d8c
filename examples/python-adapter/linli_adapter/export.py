"""Writing a dataset directory (chapter 17): NDJSON data files, one per record type, and
`manifest.json` with counts and SHA-256 digests ([DAT-010]–[DAT-014])."""

from __future__ import annotations

import datetime
import hashlib
import json
from pathlib import Path

from . import PRODUCT, STANDARD_VERSION
from .schema import RECORD_TYPES


def references(value, top: bool = True):
    """Every reference in a record: an object of exactly `type` and `id` ([COR-020])."""
    if isinstance(value, dict):
        if not top and set(value) == {"type", "id"} and value["type"] in RECORD_TYPES:
            yield value["type"], value["id"]
            return
        for key, member in value.items():
            if top and key == "extensions":
                continue  # the vendor's business ([COR-040])
            yield from references(member, False)
    elif isinstance(value, list):
        for item in value:
            yield from references(item, False)


def now_beijing() -> str:
    """The current time as a Timestamp in +08:00 ([CON-021])."""
    tz = datetime.timezone(datetime.timedelta(hours=8))
    return datetime.datetime.now(tz).replace(microsecond=0).isoformat()


def write_dataset(directory: str, records: list[dict], schemas, sharing_level: str = "internal",
                  protection: dict | None = None, external: list | None = None,
                  created_at: str | None = None) -> dict:
    """Write `records` into `directory` as a dataset; returns the manifest.

    References that do not resolve among `records` are declared external one by one
    ([DAT-016]), unless `external` gives the declarations to use.
    """
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    held = {(r["type"], r["id"]) for r in records}
    if external is None:
        missing: list[tuple[str, str]] = []
        for r in records:
            for ref in references(r):
                if ref not in held and ref not in missing:
                    missing.append(ref)
        external = [{"type": t, "id": i} for t, i in missing]
    files = []
    for rtype in RECORD_TYPES:
        mine = [r for r in records if r["type"] == rtype]
        if not mine:
            continue
        name = f"{rtype.lower()}.ndjson"
        data = "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in mine)
        raw = data.encode("utf-8")
        (root / name).write_bytes(raw)
        files.append({"path": name, "recordType": rtype, "records": len(mine),
                      "sha256": hashlib.sha256(raw).hexdigest()})
    manifest = {
        "standardVersion": STANDARD_VERSION,
        "producer": {"vendor": PRODUCT["vendor"], "product": PRODUCT["name"],
                     "productVersion": PRODUCT["version"]},
        "createdAt": created_at or now_beijing(),
        "sharingLevel": sharing_level,
        "files": files,
    }
    if external:
        manifest["externalRefs"] = external
    if protection:
        manifest["protection"] = protection
    problems = schemas.validate_manifest(manifest)
    if problems:  # never write a manifest the standard refuses ([DAT-010])
        raise ValueError(f"the product built an invalid manifest: {problems}")
    (root / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest
