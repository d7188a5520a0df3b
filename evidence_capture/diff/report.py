"""The sealed change report: ``EVIDENCE_HOME/diffs/<diff_id>/``.

The folder holds ``diff.json`` (the comparison), ``visual/`` (B with the
changed regions outlined, and an excerpt for the record) and a
``provenance.json`` of the comparison run, and is sealed exactly like a
capture by ``manifests.seal.seal_capture``: hashed (SHA-256 + SM3), an
Ed25519-signed manifest, RFC 3161 tokens from every configured TSA.  The
store's custody chain gets a ``sealed`` event about the report (object kind
``diff``, holding both captures' manifest hashes) and a ``timestamped``
event per token; then the folder is made read-only.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from evidence_capture import TOOL_NAME, __version__
from evidence_capture.config import Settings
from evidence_capture.diff.compare import compare
from evidence_capture.errors import InputError, Msg, NotFoundError
from evidence_capture.manifests.seal import SealResult, TsaConfig, seal_capture
from evidence_capture.timeutil import iso_utc, utcnow

DIFF_ID = re.compile(r"diff-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}")  # always .fullmatch
PROVENANCE_SCHEMA = "evidence-capture/diff-provenance/1"
REPORT_NAME = "diff.json"


def diffs_dir(settings: Settings) -> Path:
    return settings.home / "diffs"


def new_diff_id() -> str:
    return "diff-" + utcnow().strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(4)


def resolve_diff(target: str, settings: Settings) -> Path | None:
    """The folder of a change report (a diff id or a folder holding diff.json), else None."""
    path = Path(target).expanduser()
    if path.is_dir() and (path / REPORT_NAME).is_file():
        return path
    if DIFF_ID.fullmatch(target):
        folder = diffs_dir(settings) / target
        if not folder.is_dir():
            raise NotFoundError(Msg("diff.not_found", diff_id=target))
        return folder
    return None


@dataclass(frozen=True)
class ChangeReport:
    diff_id: str
    folder: Path
    record: dict[str, Any]
    seal: SealResult
    custody_seq: int | None

    def as_record(self) -> dict[str, Any]:
        return {**self.record, "folder": str(self.folder), "seal": self.seal.as_record(),
                "custody_seq": self.custody_seq}


def _provenance(diff_id: str, record: dict[str, Any], started: str, officers: Sequence[Any]) -> dict[str, Any]:
    b = record["b"]
    return {"schema": PROVENANCE_SCHEMA, "capture_id": diff_id, "kind": "change-report",
            "requested_url": b["requested_url"], "final_url": b["final_url"], "state": "COMPLETE",
            "started_at": started, "ended_at": iso_utc(utcnow()), "case": b.get("case"),
            "officers": [o.as_record() for o in officers], "warnings": [],
            "tool": {"name": TOOL_NAME, "version": __version__},
            "compared": {"a": record["a"]["manifest_sha256"], "b": b["manifest_sha256"]},
            "steps": [{"name": name, "outcome": "ok"} for name in
                      ("verify-a", "verify-b", "text", "amounts", "visual", "resources", "verdict")]}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def write_change_report(settings: Settings, a: Path, b: Path, *, key: Any, tsa: TsaConfig,
                        trusted_keys: Sequence[Any], tsa_roots: Sequence[Any],
                        officers: Sequence[Any] = (), store: Any = None) -> ChangeReport:
    """Compare A and B (both verified first), write and seal the report, join the custody chain."""
    diff_id, started = new_diff_id(), iso_utc(utcnow())
    folder = diffs_dir(settings) / diff_id
    folder.mkdir(parents=True, exist_ok=False)
    try:
        record = {"diff_id": diff_id, "created_at": started,
                  **compare(a, b, folder, trusted_keys=trusted_keys, tsa_roots=tsa_roots)}
        _write_json(folder / REPORT_NAME, record)
        _write_json(folder / "provenance.json", _provenance(diff_id, record, started, officers))
        sealed = seal_capture(folder, key=key, tsa=tsa)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # nothing half-made is left behind
        raise
    seq = _custody(store, diff_id, record, sealed) if store is not None else None
    from evidence_capture.storage.artifacts import make_durable, make_read_only

    make_durable(folder)
    make_read_only(folder)
    return ChangeReport(diff_id, folder, record, sealed, seq)


def _custody(store: Any, diff_id: str, record: dict[str, Any], sealed: SealResult) -> int:
    from evidence_capture.storage.custody import NewEvent

    digest = "sha256:" + sealed.manifest_sha256
    case_id = (record["b"].get("case") or {}).get("case_id")
    details = {"action": "change-report", "verdict": record["verdict"]["result"],
               "a": {k: record["a"][k] for k in ("capture_id", "manifest_sha256")},
               "b": {k: record["b"][k] for k in ("capture_id", "manifest_sha256")}}
    with store.transaction() as session:
        event = store.append_event(session, NewEvent("sealed", "diff", diff_id, digest, case_id, details))
        for slot in sealed.timestamps:
            if slot.granted:
                event = store.append_event(session, NewEvent(
                    "timestamped", "diff", diff_id, digest, case_id,
                    {"position": slot.number, "tsa_url": slot.url, "gen_time": slot.gen_time,
                     "serial": slot.serial, "policy_oid": slot.policy_oid}))
    return int(event["seq"])


def read_change_report(folder: Path) -> dict[str, Any]:
    try:
        record = json.loads((folder / REPORT_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(Msg("diff.unreadable", path=folder / REPORT_NAME)) from exc
    if not isinstance(record, dict):
        raise InputError(Msg("diff.unreadable", path=folder / REPORT_NAME))
    return record
