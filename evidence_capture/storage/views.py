"""Read-only, frozen views of store rows, for the CLI and the packages module."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from evidence_capture.errors import Message, Msg
from evidence_capture.storage.models import ArtifactRow, CaptureRow, CaseRow
from evidence_capture.timeutil import iso_beijing, iso_utc


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else iso_utc(moment)


def stored_text(message: Message) -> str:
    """A message as a text column keeps it: a ``Msg`` as its JSON record (so it can be shown
    in the reader's language later), a plain string as it is."""
    return json.dumps(message.as_record(), ensure_ascii=False) if isinstance(message, Msg) else str(message)


def stored_message(text: str | None) -> Message | None:
    """The message a text column holds (``stored_text``); older plain text stays text."""
    if not text or not text.startswith('{"key"'):
        return text
    try:
        message = Msg.from_record(json.loads(text))
        str(message)  # a key this version's catalog does not know: keep the stored text
    except (ValueError, KeyError, TypeError, IndexError):
        return text
    return message


@dataclass(frozen=True)
class ArtifactRecord:
    path: str
    media_type: str
    size: int
    sha256: str
    sm3: str

    @classmethod
    def from_row(cls, row: ArtifactRow) -> "ArtifactRecord":
        return cls(row.path, row.media_type, row.size, row.sha256, row.sm3)

    @classmethod
    def from_manifest(cls, entry: dict[str, Any]) -> "ArtifactRecord":
        return cls(str(entry["path"]), str(entry.get("media_type") or "application/octet-stream"),
                   int(entry["size"]), str(entry["sha256"]), str(entry["sm3"]))

    def as_record(self) -> dict[str, Any]:
        return {"path": self.path, "media_type": self.media_type, "size": self.size,
                "sha256": self.sha256, "sm3": self.sm3}


@dataclass(frozen=True)
class CaptureSummary:
    capture_id: str
    case_id: str | None
    url: str
    status: str
    capture_state: str | None
    manifest_sha256: str | None
    signer_fingerprint: str | None
    timestamp_state: str
    started_at: datetime
    completed_at: datetime | None
    failure_reason: str | None  # English, for --json and logs
    origin: str
    artifact_count: int
    failure: Message | None = field(default=None, compare=False)  # the same, as a catalog message

    @classmethod
    def from_row(cls, row: CaptureRow) -> "CaptureSummary":
        failure = stored_message(row.failure_reason)
        return cls(
            row.capture_id, row.case_id, row.url, row.status, row.capture_state,
            row.manifest_sha256, row.signer_fingerprint, row.timestamp_state, row.started_at,
            row.completed_at, None if failure is None else str(failure), row.origin, len(row.artifacts),
            failure,
        )

    def as_record(self) -> dict[str, Any]:
        return {
            "capture_id": self.capture_id, "case_id": self.case_id, "url": self.url,
            "status": self.status, "capture_state": self.capture_state,
            "manifest_sha256": self.manifest_sha256, "timestamp_state": self.timestamp_state,
            "signer_fingerprint": self.signer_fingerprint,
            "started_at": _iso(self.started_at), "started_at_beijing": iso_beijing(self.started_at),
            "completed_at": _iso(self.completed_at), "failure_reason": self.failure_reason,
            "origin": self.origin, "artifacts": self.artifact_count,
        }


@dataclass(frozen=True)
class CaseSummary:
    case_id: str
    title: str
    subject: str
    purpose: str
    opened_at: datetime
    captures: tuple[CaptureSummary, ...]

    @classmethod
    def from_row(cls, row: CaseRow) -> "CaseSummary":
        captures = tuple(CaptureSummary.from_row(c) for c in row.captures)
        return cls(row.case_id, row.title, row.subject, row.purpose, row.opened_at, captures)

    def as_record(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id, "title": self.title, "subject": self.subject,
            "purpose": self.purpose, "opened_at": _iso(self.opened_at),
            "opened_at_beijing": iso_beijing(self.opened_at),
            "captures": [c.as_record() for c in self.captures],
        }
