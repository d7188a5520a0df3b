"""Completion rules for a capture: its files match the database, and its custody events.

Below ``store.py``: the store calls these when it completes a capture or
records a timestamp; nothing here knows the ``Store``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, Sequence

from evidence_capture.errors import Msg, StorageError
from evidence_capture.models import format_digest
from evidence_capture.storage.artifacts import file_digests
from evidence_capture.storage.custody import Actor, NewEvent
from evidence_capture.storage.models import CaptureRow, TimestampRow
from evidence_capture.storage.views import ArtifactRecord, CaptureSummary
from evidence_capture.timeutil import iso_utc


def check_files(folder: Path, summary: CaptureSummary, records: Sequence[ArtifactRecord]) -> None:
    """Every recorded artifact is on disk with the recorded size and hashes."""
    if summary.manifest_sha256 is None:
        raise StorageError(Msg("storage.seal.none", capture_id=summary.capture_id))
    manifest = folder / "manifest.json"
    if not manifest.is_file() or _sha256(manifest) != summary.manifest_sha256:
        raise StorageError(Msg("storage.seal.manifest", capture_id=summary.capture_id))
    if not (folder / "manifest.sig").is_file():
        raise StorageError(Msg("storage.seal.unsigned", capture_id=summary.capture_id))
    for rec in records:
        path = folder / rec.path
        if not path.is_file():
            raise StorageError(Msg("storage.seal.artifact_missing", path=rec.path, capture_id=summary.capture_id))
        actual = file_digests(path)
        if (actual.size, actual.sha256, actual.sm3) != (rec.size, rec.sha256, rec.sm3):
            raise StorageError(Msg("storage.seal.artifact_differs", path=rec.path, capture_id=summary.capture_id))


def _sha256(path: Path) -> str:
    return file_digests(path).sha256


def _officers(row: CaptureRow) -> list[dict[str, str]]:
    return [{"name": o.name, "cert_no": o.cert_no} for o in row.officers]


def _actor(row: CaptureRow) -> Actor | None:
    """The capture's first officer acts; without officers, the station's default actor."""
    return Actor(row.officers[0].name, row.officers[0].cert_no) if row.officers else None


def completion_events(row: CaptureRow) -> Iterator[NewEvent]:
    digest = format_digest("sha256", row.manifest_sha256 or "")
    actor = _actor(row)
    yield NewEvent("captured", "capture", row.capture_id, digest, row.case_id, {
        "url": row.url, "state": row.capture_state, "artifacts": len(row.artifacts),
        "officers": _officers(row),
    }, actor)
    yield NewEvent("sealed", "capture", row.capture_id, digest, row.case_id, {
        "manifest": "manifest.json", "signer": row.signer_fingerprint, "officers": _officers(row),
    }, actor)
    for ts in row.timestamps:
        if ts.state == "granted":
            yield timestamp_event(row, ts)


def timestamp_event(row: CaptureRow, ts: TimestampRow) -> NewEvent:
    return NewEvent("timestamped", "capture", row.capture_id,
                    format_digest("sha256", row.manifest_sha256 or ""), row.case_id, {
                        "position": ts.position, "tsa_url": ts.tsa_url,
                        "gen_time": None if ts.gen_time is None else iso_utc(ts.gen_time),
                        "serial": ts.serial, "policy_oid": ts.policy_oid,
                        "tsr_sha256": ts.tsr_sha256, "officers": _officers(row)}, _actor(row))
