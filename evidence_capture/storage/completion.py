"""Ingest of a sealed capture folder into the store (above ``store.py``).

The rules the store applies on completion (file checks, custody events) live
in ``capture_events.py`` below it, so storage reads top-down:
``capture_events`` → ``store`` → ``completion``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Iterable, Iterator

from evidence_capture.errors import Msg, StorageError
from evidence_capture.manifests.stamping import TimestampOutcome, read_slots, slot_path
from evidence_capture.storage.store import Store
from evidence_capture.storage.views import ArtifactRecord, CaptureSummary
from evidence_capture.timeutil import parse_iso


def ingest_sealed_folder(store: Store, capture_id: str) -> CaptureSummary:
    """Record a sealed capture folder (manifest, timestamps) and complete it."""
    folder = store.settings.capture_dir(capture_id)
    try:
        raw = (folder / "manifest.json").read_bytes()
        manifest = json.loads(raw)
        records = [ArtifactRecord.from_manifest(e) for e in manifest["artifacts"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StorageError(Msg("storage.manifest.unreadable", capture_id=capture_id)) from exc
    store.record_artifacts(capture_id, records)
    store.record_seal(capture_id, manifest_sha256=hashlib.sha256(raw).hexdigest(),
                      capture_state=str(manifest.get("state")),
                      signer_fingerprint=str(manifest.get("signer", {}).get("fingerprint")))
    record_slots(store, capture_id)
    return store.complete_capture(capture_id)


def record_slots(store: Store, capture_id: str, positions: Iterable[int] | None = None) -> None:
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
