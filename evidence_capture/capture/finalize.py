"""Steps that always run, even after the total budget is spent.

Closing the context is what makes Playwright write the HAR and the video, so
these steps turn whatever the session got into artifacts.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Callable

from evidence_capture.archive import capture as web_archive
from evidence_capture.capture import failures
from evidence_capture.capture import har as harlib
from evidence_capture.capture.failures import StepFailed
from evidence_capture.capture.result import FAILED, OK, StepOutcome
from evidence_capture.capture.session import Session
from evidence_capture.errors import Msg
from evidence_capture.timeutil import utcnow


def close_context(s: Session, budget: float) -> Msg:
    if s.context is None:
        raise StepFailed(Msg("capture.close.no_context"))
    video = s.page.video if s.page is not None and s.video_dir is not None else None
    s.context.close()
    s.context = None
    if video is None:
        return Msg("capture.close.ok")
    target = s.folder / "session.webm"
    shutil.move(str(video.path()), target)
    return Msg("capture.close.video", size=target.stat().st_size)


def network_log(s: Session, budget: float) -> Msg:
    """Complete the HAR's server addresses and check every connected IP."""
    path = s.folder / "network.har"
    if not path.exists():
        raise StepFailed(Msg("capture.har.missing"))
    har = harlib.load_har(path)
    missing = harlib.complete_server_addresses(har)
    harlib.save_har(har, path)
    s.facts["servers"] = harlib.servers(har)
    s.facts["http_dates"] = harlib.http_dates(har)
    violations = sorted({row["ip"] for row in s.facts["servers"]  # type: ignore[union-attr]
                         if s.guard.connected_violation(str(row["ip"] or ""))})
    if violations:
        raise StepFailed(Msg("capture.har.private", addresses=", ".join(violations)))
    return Msg("capture.har.ok", entries=len(har["log"]["entries"]), missing=missing)


def archive(s: Session, folder: Path, record: dict[str, Any],
            on_step: Callable[[StepOutcome], None] | None) -> StepOutcome | None:
    """Write ``archive.wacz`` after provenance.json; None when no page was loaded."""
    if not s.page_loaded:
        return None
    started, error = utcnow(), ""
    try:
        detail, outcome = web_archive.write_archive(folder, s.traffic, record), OK
    except (OSError, ValueError, RuntimeError, KeyError) as exc:
        detail = Msg("capture.archive.failed", reason=failures.describe(exc))
        outcome, error = FAILED, failures.raw(exc)
    step = StepOutcome.of("archive", started, utcnow(), outcome, detail, error)
    if on_step is not None:
        on_step(step)
    return step
