"""The capture engine: one faithful, recorded browser capture of a page.

The names below are loaded on first use (PEP 562), so that checking a URL or
starting the browser early (capture/warmup.py) does not import the whole
engine (Pillow, the archive writer, the TLS checks)."""

from __future__ import annotations

from evidence_capture.lazy import lazy_names

_WHERE = {
    "run_capture": "engine",
    "ArtifactInfo": "result", "CaptureResult": "result", "StepOutcome": "result",
    "new_capture_id": "urls", "validate_url": "urls",
}

__all__ = sorted(_WHERE)
__getattr__ = lazy_names(globals(), _WHERE)
