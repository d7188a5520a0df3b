"""The database side of an import: one transaction for every row and the event."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Sequence

from sqlalchemy.orm import Session

from evidence_capture.errors import Msg, NotFoundError
from evidence_capture.models import Officer
from evidence_capture.packages import layout
from evidence_capture.packages.report import PackageReport
from evidence_capture.storage import NewEvent, Store
from evidence_capture.packages.origin import ORIGIN_DIR
from evidence_capture.storage.chain import key_fingerprint, load_public_key, record_to_json
from evidence_capture.storage.completion import read_timestamps, slot_fields
from evidence_capture.storage.models import (
    ArtifactRow, CaptureRow, CaseRow, ImportedCustodyRow, ImportRow, StationKeyRow, TimestampRow,
)
from evidence_capture.storage.store import COMPLETE, _officer_row, _timestamp_state
from evidence_capture.timeutil import parse_iso, utcnow
from evidence_capture.verify.checks import CheckStatus


def _case_row(session: Session, case: str | None, index: dict[str, Any]) -> str | None:
    carried = index.get("case") or None
    case_id = case or (carried or {}).get("case_id")
    if case_id is None or session.get(CaseRow, case_id) is not None:
        return case_id
    if case is not None and (carried or {}).get("case_id") != case:
        raise NotFoundError(Msg("package.import.no_case", case_id=case), hint=Msg("storage.case.open.hint"))
    session.add(CaseRow(case_id=case_id, title=carried.get("title", ""),
                        subject=carried.get("subject", ""), purpose=carried.get("purpose", ""),
                        opened_at=utcnow()))
    return case_id


def _capture_row(session: Session, folder: Path, case_id: str | None, import_id: int) -> None:
    raw = (folder / "manifest.json").read_bytes()
    manifest = json.loads(raw)
    row = CaptureRow(
        capture_id=folder.name, case_id=case_id, url=str(manifest.get("requested_url", "")),
        status=COMPLETE, capture_state=str(manifest.get("state")),
        manifest_sha256=hashlib.sha256(raw).hexdigest(),
        signer_fingerprint=(manifest.get("signer") or {}).get("fingerprint"),
        started_at=parse_iso(manifest["started_at"]), completed_at=utcnow(),
        origin="imported", import_id=import_id)
    row.officers = [_officer_row(session, Officer(o["name"], o["cert_no"]))
                    for o in manifest.get("officers") or []]
    row.artifacts = [ArtifactRow(path=e["path"], media_type=e.get("media_type") or "",
                                 size=int(e["size"]), sha256=e["sha256"], sm3=e["sm3"])
                     for e in manifest["artifacts"]]
    row.timestamps = [TimestampRow(position=position, **slot_fields(slot, tsr))
                      for position, slot, tsr in read_timestamps(folder)]
    row.timestamp_state = _timestamp_state(row.timestamps)
    session.add(row)


def _history(session: Session, import_id: int, data: Path, report: PackageReport,
             receipt: Path | None) -> list[dict[str, Any]]:
    lines = layout.read_custody(data / layout.CUSTODY)
    export_ok = any(c.name == "custody.export" and c.status is CheckStatus.PASS for c in report.checks)
    if export_ok and receipt is not None:
        lines.append(json.loads(receipt.read_text("utf-8")))
    for position, line in enumerate(lines):
        session.add(ImportedCustodyRow(import_id=import_id, position=position,
                                       event_json=record_to_json(line)))
    return lines


def _signers(data: Path, lines: list[dict[str, Any]], captures: tuple[str, ...]) -> set[str]:
    """Fingerprints of the keys that signed something import verified: events and manifests."""
    found = {str(line.get("signer")) for line in lines}
    for path in sorted((data / ORIGIN_DIR).glob("*.jsonl")) if (data / ORIGIN_DIR).is_dir() else []:
        found |= {str(r.get("signer")) for r in layout.read_custody(path)}
    for capture_id in captures:
        manifest = json.loads((data / "captures" / capture_id / "manifest.json").read_bytes())
        found.add(str((manifest.get("signer") or {}).get("fingerprint")))
    return found


def insert_package_rows(store: Store, data: Path, report: PackageReport, *, case: str | None,
                        key_trusted: bool, source: str, pinned: frozenset[str],
                        receipt: Path | None,
                        reports: Sequence[dict[str, Any]] = ()) -> str | None:
    """``pinned``: fingerprints the reviewer trusts; only those keys are stored as trusted."""
    index = report.index
    with store.transaction() as session:
        case_id = _case_row(session, case, index)
        imp = ImportRow(package_sha256=report.sha256, source=source, case_id=case_id,
                        key_trusted=key_trusted, imported_at=utcnow())
        session.add(imp)
        session.flush()
        for capture_id in report.captures:
            _capture_row(session, data / "captures" / capture_id, case_id, imp.id)
        lines = _history(session, imp.id, data, report, receipt)
        signers = _signers(data, lines, report.captures)
        for path in sorted((data / "keys").glob("*.pem")):
            _station_key(session, path, signers, pinned)
        events = len(lines)
        store.append_event(session, NewEvent(
            "imported", "package", report.package, "sha256:" + report.sha256, case_id, {
                "package_sha256": report.sha256, "source": source,
                "captures": list(report.captures), "key_trusted": key_trusted,
                "exporting_station": (index.get("station") or {}).get("fingerprint"),
                "original_custody": {"events": events, **(index.get("custody") or {})},
                "checks": report.summary(),
                **({"reports": list(reports)} if reports else {}),
            }))
    return case_id


def _station_key(session: Session, path: Path, signers: set[str], pinned: frozenset[str]) -> None:
    """Keep a shipped key only if it signed something verified; trusted only if pinned."""
    pem = path.read_bytes()
    fingerprint = key_fingerprint(load_public_key(pem))
    if fingerprint in signers and session.get(StationKeyRow, fingerprint) is None:
        session.add(StationKeyRow(fingerprint=fingerprint, public_pem=pem.decode(),
                                  source=f"imported package ({path.name})",
                                  trusted=fingerprint in pinned, added_at=utcnow()))
