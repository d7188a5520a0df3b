"""The capture engine: one faithful, recorded browser capture of a page."""

from evidence_capture.capture.engine import run_capture
from evidence_capture.capture.result import ArtifactInfo, CaptureResult, StepOutcome
from evidence_capture.capture.urls import new_capture_id, validate_url

__all__ = ["ArtifactInfo", "CaptureResult", "StepOutcome", "new_capture_id", "run_capture",
           "validate_url"]
