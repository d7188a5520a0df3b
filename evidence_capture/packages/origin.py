"""Custody history that came in with imported captures, carried on at re-export.

A bureau that imported captures from an officer's laptop holds the laptop's
chain verbatim (``imported_custody``).  Re-exporting those captures ships
that history as ``data/custody-origin/<imported package sha256>.jsonl`` with
the laptop station's public key, so a reviewer sees the captured and sealed
events, and the bureau's own ``imported`` event ties the two chains together.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Mapping, Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from evidence_capture.errors import Msg, PackageError
from evidence_capture.packages import layout
from evidence_capture.storage import Store
from evidence_capture.storage.chain import verify_records
from evidence_capture.storage.models import (
    CaptureRow, ImportedCustodyRow, ImportRow, StationKeyRow,
)
from evidence_capture.verify.checks import CheckResult

ORIGIN_DIR = "custody-origin"


def write_origin_histories(store: Store, capture_ids: Sequence[str], data: Path) -> None:
    with store.transaction() as session:
        imports = session.scalars(select(ImportRow).join(
            CaptureRow, CaptureRow.import_id == ImportRow.id).where(
            CaptureRow.capture_id.in_(capture_ids)).distinct()).all()
        for imp in imports:
            lines = session.scalars(select(ImportedCustodyRow.event_json).where(
                ImportedCustodyRow.import_id == imp.id).order_by(
                ImportedCustodyRow.position)).all()
            (data / ORIGIN_DIR).mkdir(exist_ok=True)
            (data / ORIGIN_DIR / f"{imp.package_sha256}.jsonl").write_text(
                "".join(line + "\n" for line in lines), "utf-8")
            for signer in {json.loads(line)["signer"] for line in lines}:
                key = session.get(StationKeyRow, signer)
                if key is not None:
                    (data / "keys" / layout.key_file_name(signer)).write_text(key.public_pem)


def _check_one(path: Path, main: Sequence[Mapping[str, Any]],
               keys: Mapping[str, Ed25519PublicKey]) -> tuple[CheckResult, list[dict[str, Any]]]:
    name = f"custody.origin[{path.stem if path.stem.isprintable() else repr(path.stem)}]"
    try:
        records = layout.read_custody(path)
    except PackageError as exc:
        return CheckResult.failed(name, exc.msg or exc.message), []
    report = verify_records(records, keys)
    linked = any(not r.get("redacted") and r.get("type") == "imported" and (r.get("details") or {}).get(
        "package_sha256") == path.stem for r in main)
    if not linked:
        return CheckResult.failed(name, Msg("package.origin.unlinked")), records
    if report.problems:
        return CheckResult.failed(name, report.problems[0].message), records
    if report.signatures_unverified:
        return CheckResult.not_checked(name, Msg("package.origin.key_not_shipped")), records
    return CheckResult.passed(name, Msg("package.origin.ok", n=report.events)), records


def origin_checks(data: Path, main: Sequence[Mapping[str, Any]],
                  keys: Mapping[str, Ed25519PublicKey]) -> tuple[list[CheckResult], list[dict]]:
    checks: list[CheckResult] = []
    records: list[dict[str, Any]] = []
    for path in sorted((data / ORIGIN_DIR).glob("*.jsonl")) if (data / ORIGIN_DIR).is_dir() else []:
        check, found = _check_one(path, main, keys)
        checks.append(check)
        records += found
    return checks, records
