"""Completing a capture: file checks, custody events, and ingest of a sealed folder."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Sequence

from evidence_capture.errors import StorageError
from evidence_capture.manifests.stamping import TimestampOutcome, read_slots, slot_path
from evidence_capture.models import format_digest
from evidence_capture.storage.artifacts import file_digests
from evidence_capture.storage.custody import NewEvent
from evidence_capture.storage.models import CaptureRow, TimestampRow
from evidence_capture.storage.views import ArtifactRecord, CaptureSummary
from evidence_capture.timeutil import iso_utc, parse_iso

if TYPE_CHECKING:
    from evidence_capture.storage.store import Store


def check_files(folder: Path, summary: CaptureSummary, records: Sequence[ArtifactRecord]) -> None:
    """Every recorded artifact is on disk with the recorded size and hashes."""
    if summary.manifest_sha256 is None:
        raise StorageError(f"capture {summary.capture_id} has no seal recorded")
    manifest = folder / "manifest.json"
    if not manifest.is_file() or _sha256(manifest) != summary.manifest_sha256:
        raise StorageError(f"manifest.json of {summary.capture_id} is missing or differs")
    if not (folder / "manifest.sig").is_file():
        raise StorageError(f"capture {summary.capture_id} is not signed (no manifest.sig)")
    for rec in records:
        path = folder / rec.path
        if not path.is_file():
            raise StorageError(f"artifact {rec.path} of {summary.capture_id} is missing")
        actual = file_digests(path)
        if (actual.size, actual.sha256, actual.sm3) != (rec.size, rec.sha256, rec.sm3):
            raise StorageError(f"artifact {rec.path} of {summary.capture_id} "
                               "does not match its recorded hashes")


def _sha256(path: Path) -> str:
    return file_digests(path).sha256


def completion_events(row: CaptureRow) -> Iterator[NewEvent]:
    digest = format_digest("sha256", row.manifest_sha256 or "")
    yield NewEvent("captured", "capture", row.capture_id, digest, row.case_id, {
        "url": row.url, "state": row.capture_state, "artifacts": len(row.artifacts),
        "officers": [{"name": o.name, "cert_no": o.cert_no} for o in row.officers],
    })
    yield NewEvent("sealed", "capture", row.capture_id, digest, row.case_id, {
        "manifest": "manifest.json", "signer": row.signer_fingerprint,
    })
    for ts in row.timestamps:
        if ts.state == "granted":
            yield timestamp_event(row, ts)


def timestamp_event(row: CaptureRow, ts: TimestampRow) -> NewEvent:
    return NewEvent("timestamped", "capture", row.capture_id,
                    format_digest("sha256", row.manifest_sha256 or ""), row.case_id, {
                        "position": ts.position, "tsa_url": ts.tsa_url,
                        "gen_time": None if ts.gen_time is None else iso_utc(ts.gen_time),
                        "serial": ts.serial, "policy_oid": ts.policy_oid,
                        "tsr_sha256": ts.tsr_sha256})


def ingest_sealed_folder(store: "Store", capture_id: str) -> CaptureSummary:
    """Record a sealed capture folder (manifest, timestamps) and complete it."""
    folder = store.settings.capture_dir(capture_id)
    try:
        raw = (folder / "manifest.json").read_bytes()
        manifest = json.loads(raw)
        records = [ArtifactRecord.from_manifest(e) for e in manifest["artifacts"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StorageError(f"cannot read the manifest of {capture_id}") from exc
    store.record_artifacts(capture_id, records)
    store.record_seal(capture_id, manifest_sha256=hashlib.sha256(raw).hexdigest(),
                      capture_state=str(manifest.get("state")),
                      signer_fingerprint=str(manifest.get("signer", {}).get("fingerprint")))
    record_slots(store, capture_id)
    return store.complete_capture(capture_id)


def record_slots(store: "Store", capture_id: str, positions: Iterable[int] | None = None) -> None:
    """Copy the TSA slots of a sealed folder into the store (all, or just ``positions``).

    The token facts come from ``timestamps/<n>.json``, which the sealer wrote
    only after verifying the token in full.
    """
    wanted = None if positions is None else set(positions)
    for position, slot, tsr in read_timestamps(store.settings.capture_dir(capture_id)):
        if wanted is not None and position not in wanted:
            continue
        store.record_timestamp(capture_id, position, **slot_fields(slot, tsr))


def slot_fields(slot: TimestampOutcome, tsr: bytes | None) -> dict[str, Any]:
    """The store's columns for one slot, from its verified ``timestamps/<n>.json``."""
    return {"tsa_url": slot.url, "state": slot.state, "error": slot.error,
            "tsr_sha256": None if tsr is None else hashlib.sha256(tsr).hexdigest(),
            "gen_time": parse_iso(slot.gen_time) if slot.gen_time else None,
            "serial": slot.serial, "policy_oid": slot.policy_oid}



def read_timestamps(folder: Path) -> Iterator[tuple[int, TimestampOutcome, bytes | None]]:
    """The folder's slot records (read as the sealer and the verifier read them) and replies."""
    for number, slot in sorted(read_slots(folder).items()):
        tsr = slot_path(folder, number, "tsr")
        yield number, slot, tsr.read_bytes() if tsr.is_file() else None
