"""Frozen results of one capture: the per-step outcomes and the final state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from evidence_capture.errors import Msg
from evidence_capture.models import CaptureState
from evidence_capture.timeutil import iso_utc

OK, FAILED, TIMEOUT, SKIPPED = "ok", "failed", "timeout", "skipped"
OUTCOMES = (OK, FAILED, TIMEOUT, SKIPPED)


@dataclass(frozen=True)
class StepOutcome:
    """What one named step did, how long it took, and why it did not succeed.

    ``detail`` is the English text; ``message`` the same as a catalog message
    (rendered in the reader's language); ``error`` the raw first line of a
    third-party error, for the technical record only.
    """

    name: str
    started_at: datetime
    ended_at: datetime
    outcome: str
    detail: str = ""
    message: Msg | None = None
    error: str = ""

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"unknown step outcome {self.outcome!r}")

    @property
    def duration_s(self) -> float:
        return round((self.ended_at - self.started_at).total_seconds(), 3)

    def as_record(self) -> dict[str, object]:
        return {
            "name": self.name,
            "started_at": iso_utc(self.started_at),
            "ended_at": iso_utc(self.ended_at),
            "duration_s": self.duration_s,
            "outcome": self.outcome,
            "detail": self.detail,
            "detail_msg": self.message.as_record() if self.message is not None else None,
            "error": self.error or None,
        }

    @classmethod
    def of(cls, name: str, started_at: datetime, ended_at: datetime, outcome: str,
           detail: Msg | str, error: str = "") -> "StepOutcome":
        """An outcome whose detail is a catalog message (or, from older steps, plain text)."""
        message = detail if isinstance(detail, Msg) else None
        return cls(name, started_at, ended_at, outcome, str(detail), message, error)


@dataclass(frozen=True)
class ArtifactInfo:
    name: str  # path relative to the capture folder, with '/' separators
    size: int


@dataclass(frozen=True)
class CaptureResult:
    capture_id: str
    state: CaptureState
    folder: Path
    requested_url: str
    final_url: str | None
    http_status: int | None
    started_at: datetime
    ended_at: datetime
    steps: tuple[StepOutcome, ...]
    warnings: tuple[Msg, ...]  # str(w) is the English text; the CLI renders each in its language
    artifacts: tuple[ArtifactInfo, ...]

    @property
    def failed_steps(self) -> tuple[StepOutcome, ...]:
        return tuple(s for s in self.steps if s.outcome in (FAILED, TIMEOUT))

    def as_record(self) -> dict[str, object]:
        """The ``--json`` view of one capture."""
        return {
            "capture_id": self.capture_id,
            "state": self.state.value,
            "folder": str(self.folder),
            "requested_url": self.requested_url,
            "final_url": self.final_url,
            "http_status": self.http_status,
            "started_at": iso_utc(self.started_at),
            "ended_at": iso_utc(self.ended_at),
            "warnings": [str(w) for w in self.warnings],
            "warning_msgs": [w.as_record() for w in self.warnings],
            "failed_steps": [s.as_record() for s in self.failed_steps],
            "artifacts": [{"name": a.name, "size": a.size} for a in self.artifacts],
        }


def list_artifacts(folder: Path) -> tuple[ArtifactInfo, ...]:
    """Every file in the capture folder, sorted, as stable relative names."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return tuple(ArtifactInfo(p.relative_to(folder).as_posix(), p.stat().st_size) for p in files)
