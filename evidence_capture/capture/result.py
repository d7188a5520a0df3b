"""Frozen results of one capture: the per-step outcomes and the final state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from evidence_capture.models import CaptureState
from evidence_capture.timeutil import iso_utc

OK, FAILED, TIMEOUT, SKIPPED = "ok", "failed", "timeout", "skipped"
OUTCOMES = (OK, FAILED, TIMEOUT, SKIPPED)


@dataclass(frozen=True)
class StepOutcome:
    """What one named step did, how long it took, and why it did not succeed."""

    name: str
    started_at: datetime
    ended_at: datetime
    outcome: str
    detail: str = ""

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
        }


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
    warnings: tuple[str, ...]
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
            "warnings": list(self.warnings),
            "failed_steps": [s.as_record() for s in self.failed_steps],
            "artifacts": [{"name": a.name, "size": a.size} for a in self.artifacts],
        }


def list_artifacts(folder: Path) -> tuple[ArtifactInfo, ...]:
    """Every file in the capture folder, sorted, as stable relative names."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return tuple(ArtifactInfo(p.relative_to(folder).as_posix(), p.stat().st_size) for p in files)
