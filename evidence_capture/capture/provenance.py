"""Build ``provenance.json`` from the session and the step outcomes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from evidence_capture import __version__
from evidence_capture.capture.browser import browser_args, playwright_version
from evidence_capture.capture.result import StepOutcome
from evidence_capture.capture.session import Session
from evidence_capture.models import CaptureState, CaseInfo, Officer
from evidence_capture.timeutil import iso_beijing, iso_utc

SCHEMA = "evidence-capture/provenance/1"


def build_provenance(s: Session, *, capture_id: str, state: CaptureState,
                     started: datetime, ended: datetime, steps: tuple[StepOutcome, ...],
                     case: CaseInfo | None, officers: tuple[Officer, ...]) -> dict[str, Any]:
    response = s.response
    return {
        "schema": SCHEMA,
        "capture_id": capture_id,
        "state": state.value,
        "requested_url": s.url,
        "final_url": response.url if response is not None else None,
        "redirect_chain": s.redirect_chain,
        "documents": s.facts.get("documents", []),  # every main-document response, in order
        "http_status": response.status if response is not None else None,
        "dns": s.dns.as_record(),
        "pinned_resolution": s.pin,
        "servers": s.facts.get("servers", []),
        "started_at": iso_utc(started), "ended_at": iso_utc(ended),
        "started_at_beijing": iso_beijing(started), "ended_at_beijing": iso_beijing(ended),
        "tool": {"name": "evidence-capture", "version": __version__},
        "playwright_version": playwright_version(),
        "chromium_version": s.browser_version,
        "chromium_flags": browser_args(s.pin),  # besides Playwright's own headless defaults
        "browser_sharing": s.facts.get("browser_sharing"),
        "user_agent": s.user_agent,
        "viewport": s.facts.get("viewport"),  # as the page saw it (a device may set it)
        "device": s.options.device,
        "options": s.options.as_record(),
        "private_addresses_allowed": s.options.allow_private,
        "case": case.as_record() if case else None,
        "officers": [o.as_record() for o in officers],
        "dialogs": s.dialogs,
        "blocked_requests": s.guard.blocked,
        "popups": s.popups,
        "downloads": s.downloads,
        "http_dates": s.facts.get("http_dates", []),
        "screenshot": s.facts.get("screenshot"),
        "settle": s.facts.get("settle"),
        "scroll": s.facts.get("scroll"),
        "tls": s.facts.get("tls"),
        "main_tls": s.facts.get("main_tls"),
        "tls_validation": s.facts.get("tls_validation"),  # the main chain's check (tls_step.py)
        "tls_origins_validation": s.facts.get("tls_origins_validation", []),
        "steps": [step.as_record() for step in steps],
        "warnings": [str(w) for w in s.warnings],  # English; warning_msgs: the same as catalog records
        "warning_msgs": [w.as_record() for w in s.warnings],
        "video_error": s.facts.get("video_error"),  # the recorder's own error, if it did not start
        "missing_artifacts": s.facts.get("missing_artifacts", []),
        "open_requests": s.facts.get("open_requests", []),
    }
