"""Steps that always run, even after the total budget is spent.

Closing the context is what makes Playwright write the HAR and the video, so
these steps turn whatever the session got into artifacts.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable

from evidence_capture.archive import capture as web_archive
from evidence_capture.capture import har as harlib
from evidence_capture.capture.result import FAILED, OK, StepOutcome
from evidence_capture.capture.session import Session
from evidence_capture.capture.steps import StepFailed, first_line
from evidence_capture.timeutil import utcnow


def close_context(s: Session, budget: float) -> str:
    if s.context is None:
        raise StepFailed("no browser context was opened")
    video = s.page.video if s.page is not None and s.video_dir is not None else None
    s.context.close()
    s.context = None
    if video is None:
        return "context closed (no video)"
    target = s.folder / "session.webm"
    shutil.move(str(video.path()), target)
    return f"context closed, video {target.stat().st_size} bytes"


def network_log(s: Session, budget: float) -> str:
    """Complete the HAR's server addresses and check every connected IP."""
    path = s.folder / "network.har"
    if not path.exists():
        raise StepFailed("Playwright wrote no HAR")
    har = harlib.load_har(path)
    missing = harlib.complete_server_addresses(har)
    harlib.save_har(har, path)
    s.facts["servers"] = harlib.servers(har)
    s.facts["http_dates"] = harlib.http_dates(har)
    violations = sorted({row["ip"] for row in s.facts["servers"]  # type: ignore[union-attr]
                         if s.guard.connected_violation(str(row["ip"] or ""))})
    if violations:
        raise StepFailed(f"browser connected to private address(es) {', '.join(violations)} "
                         "although private addresses were blocked")
    entries = len(har["log"]["entries"])
    return f"{entries} entries, {missing} without a server connection"


def archive(s: Session, folder: Path, record: dict[str, Any],
            on_step: Callable[[StepOutcome], None] | None) -> StepOutcome | None:
    """Write ``archive.wacz`` after provenance.json; None when no page was loaded."""
    if not s.page_loaded:
        return None
    started = utcnow()
    try:
        detail, outcome = web_archive.write_archive(folder, s.traffic, record), OK
    except (OSError, ValueError, RuntimeError, KeyError) as exc:
        detail, outcome = f"archive.wacz not written: {first_line(exc)}", FAILED
    step = StepOutcome("archive", started, utcnow(), outcome, detail)
    if on_step is not None:
        on_step(step)
    return step
