"""The capture engine: a short orchestrator over named, budgeted steps.

``run_capture`` never raises for page problems (unreachable host, DNS
failure, HTTP errors, a load that never finishes): those end in PARTIAL or
FAILED with the step log saying why, and every artifact that exists is kept.
It raises ``InvalidURLError`` for a URL it refuses, ``InputError`` for an
unknown device and ``BrowserError`` when Chromium cannot be started.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from evidence_capture.archive import capture as archive
from evidence_capture.capture import browser as chromium
from evidence_capture.capture import failures, finalize, steps, tls_step
from evidence_capture.capture.addresses import AddressGuard, pin_rule
from evidence_capture.capture.documents import DocumentWatch
from evidence_capture.capture.environment import check_environment
from evidence_capture.capture.fonts import font_check
from evidence_capture.capture.licence_step import licence
from evidence_capture.capture.provenance import build_provenance
from evidence_capture.capture.result import (FAILED, OK, SKIPPED, TIMEOUT, CaptureResult,
                                             StepOutcome, list_artifacts)
from evidence_capture.capture.session import Session
from evidence_capture.capture.text_step import page_text
from evidence_capture.capture.urls import validate_url
from evidence_capture.config import Settings
from evidence_capture.defaults import CaptureOptions
from evidence_capture.errors import BrowserError, Msg
from evidence_capture.models import CaptureState, CaseInfo, Officer
from evidence_capture.timeutil import utcnow

OnStep = Callable[[StepOutcome], None]
# Without any of these a capture is never COMPLETE (provenance.json and
# environment.json are written by the engine itself, after the state is known).
REQUIRED_ARTIFACTS = ("screenshot.png", "response.html", "dom.html", "network.har",
                      "session.webm")


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[Session, float], str]
    budget: Callable[[CaptureOptions], float]
    always: bool = False  # runs on its own budget even after the total budget is spent
    needs_page: bool = True


STEPS = (
    Step("navigate", steps.navigate, lambda o: o.budgets.navigate, needs_page=False),
    Step("settle", steps.settle, lambda o: o.budgets.settle),
    Step("scroll", steps.scroll, lambda o: o.budgets.scroll),
    Step("screenshot", steps.screenshot, lambda o: o.budgets.screenshot),
    Step("dom", steps.dom, lambda o: o.budgets.dom),
    Step("text", page_text, lambda o: o.budgets.dom),
    Step("response", steps.response_body, lambda o: o.budgets.response),
    Step("mhtml", steps.mhtml, lambda o: o.budgets.mhtml),
    Step("pdf", steps.pdf, lambda o: o.budgets.pdf),
    Step("certificates", steps.certificates, lambda o: o.budgets.certificates),
    Step("traffic", archive.collect_bodies, lambda o: o.budgets.finalize, always=True),
    Step("licence", licence, lambda o: o.budgets.licence),  # after traffic: it may follow a link
    Step("close", finalize.close_context, lambda o: o.budgets.finalize,
         always=True, needs_page=False),
    Step("network_log", finalize.network_log, lambda o: o.budgets.finalize,
         always=True, needs_page=False),
)


def run_capture(url: str, options: CaptureOptions, *, settings: Settings, folder: Path,
                case: CaseInfo | None, officers: tuple[Officer, ...], capture_id: str,
                on_step: OnStep | None = None,
                browsers: chromium.SharedBrowser | None = None) -> CaptureResult:
    url = validate_url(url)
    started = utcnow()
    guard = (AddressGuard(options.allow_private) if browsers is None
             else browsers.guard_for(url, options.allow_private))
    dns = guard.lookup(urlsplit(url).hostname or "")
    video_problem = chromium.prepare_video(settings) if options.record_video else None
    with tempfile.TemporaryDirectory(prefix="evidence-video-") as video_tmp:
        session = Session(url=url, options=options, folder=folder, guard=guard, dns=dns,
                          pin=pin_rule(dns, options.allow_private),
                          video_dir=None if video_problem or not options.record_video
                          else Path(video_tmp))
        session.warnings.extend(_warnings(options, officers, video_problem))
        if browsers is None:
            outcomes, environment = _in_browser(session, settings, on_step)
        else:
            outcomes, environment = _in_shared_browser(session, browsers, on_step)
    ended = utcnow()
    fonts = font_check(session.facts.get("scripts") or {})
    environment.update(fonts={k: v for k, v in fonts.items() if k != "finding"})
    environment["findings"].append(fonts["finding"])
    tls_finding = tls_step.finding(session)
    if tls_finding is not None:
        environment["findings"].append(tls_finding)
    session.facts["missing_artifacts"] = missing_artifacts(
        folder, options, video_problem or session.video_problem)
    session.facts["missing_fonts"] = fonts["missing"]
    state = decide_state(session, outcomes)
    record = build_provenance(session, capture_id=capture_id, state=state, started=started,
                              ended=ended, steps=outcomes, case=case, officers=officers)
    _write_json(folder / "environment.json", environment)
    _write_json(folder / "provenance.json", record)
    archived = finalize.archive(session, folder, record, on_step)
    if archived is not None and archived.outcome != OK:  # no WACZ: provenance says why
        outcomes += (archived,)
        state = decide_state(session, outcomes)
        record = build_provenance(session, capture_id=capture_id, state=state, started=started,
                                  ended=ended, steps=outcomes, case=case, officers=officers)
        _write_json(folder / "provenance.json", record)
    return CaptureResult(
        capture_id=capture_id, state=state, folder=folder, requested_url=url,
        final_url=record["final_url"], http_status=record["http_status"],
        started_at=started, ended_at=ended, steps=outcomes,
        warnings=tuple(session.warnings), artifacts=list_artifacts(folder))


def _warnings(options: CaptureOptions, officers: tuple[Officer, ...],
              video_problem: Msg | None) -> list[Msg]:
    found = []
    if len(officers) < 2:
        found.append(Msg("capture.warn.officers", n=len(officers)))
    if options.allow_private:
        found.append(Msg("capture.warn.allow_private"))
    if options.ignore_https_errors:
        found.append(Msg("capture.warn.ignore_https"))
    if tls_step.engine_checks(options):
        key = "capture.warn.engine_tls_record" if options.record_tls_errors else "capture.warn.engine_tls"
        found.append(Msg(key, bundle=options.tls_ca or Msg("capture.system_bundle")))
    if video_problem:
        found.append(video_problem)
    return found


def _in_browser(s: Session, settings: Settings,
                on_step: OnStep | None) -> tuple[tuple[StepOutcome, ...], dict[str, Any]]:
    pw = chromium.start_driver(settings)
    try:
        options = _context_options(s, pw)
        browser = chromium.launch(pw, settings, s.pin)
        s.facts["browser_sharing"] = {"mode": chromium.PER_CAPTURE}
        try:
            return _steps_in(s, browser, options, on_step)
        finally:
            browser.close()
    finally:
        pw.stop()


def _in_shared_browser(s: Session, browsers: chromium.SharedBrowser,
                       on_step: OnStep | None) -> tuple[tuple[StepOutcome, ...], dict[str, Any]]:
    """The same steps in a reused Chromium process; only the context is new."""
    options = _context_options(s, browsers.playwright())
    browser, sharing = browsers.browser(s.pin)
    s.facts["browser_sharing"] = sharing
    try:
        return _steps_in(s, browser, options, on_step)
    finally:
        _discard_context(s)


def _discard_context(s: Session) -> None:
    """A context the close step could not close must not outlive its capture."""
    from playwright.sync_api import Error as PlaywrightError

    if s.context is not None:
        try:
            s.context.close()
        except PlaywrightError:
            pass  # the browser is gone; SharedBrowser launches a new one next time
        s.context = None


def _context_options(s: Session, pw: Any) -> dict[str, Any]:
    options = chromium.context_options(pw, s.options, har=s.folder / "network.har",
                                       video_dir=s.video_dir)
    engine = options.pop("default_browser_type", "chromium")
    if engine != "chromium":
        s.warnings.append(Msg("capture.warn.device", device=s.options.device, engine=engine))
    return options


def _steps_in(s: Session, browser: Any, options: dict[str, Any],
              on_step: OnStep | None) -> tuple[tuple[StepOutcome, ...], dict[str, Any]]:
    s.folder.mkdir(parents=True, exist_ok=True)
    environment = _open(s, browser, options)
    return run_steps(s, on_step), environment


def _open(s: Session, browser: Any, options: dict[str, Any]) -> dict[str, Any]:
    """A new, empty context and page; returns the environment record."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        context = _new_context(s, browser, options)
        state = context.storage_state()
        page = context.new_page()
        s.attach(context, page)
        s.cdp = context.new_cdp_session(page)
        s.cdp.send("Network.enable")  # Network.getCertificate answers only when enabled
        s.documents = DocumentWatch(s.cdp)
        archive.start(s)
        s.user_agent = page.evaluate("navigator.userAgent")
    except PlaywrightError as exc:
        raise BrowserError(Msg("capture.browser.context")) from exc
    s.browser_version = browser.version
    s.facts["viewport"] = page.viewport_size
    fresh = not state["cookies"] and not state["origins"]
    counts = {"cookies": len(state["cookies"]), "origins": len(state["origins"])}
    sharing = s.facts["browser_sharing"]
    first = sharing["mode"] == chromium.PER_CAPTURE or sharing["capture_in_process"] == 1
    detail = (Msg("capture.env.profile_new", **counts) if first
              else Msg("capture.env.profile_shared", n=sharing["capture_in_process"], **counts))
    return check_environment(dict(os.environ), browser_proxy=chromium.BROWSER_PROXY,
                             fresh_profile=fresh, profile_detail=detail)


def _new_context(s: Session, browser: Any, options: dict[str, Any]) -> Any:
    """A new context; if the video recorder will not start, one without video."""
    from playwright.sync_api import Error as PlaywrightError

    ignore = tls_step.browser_ignores_cert_errors(s.options)  # --tls-ca: the engine checks
    try:
        return browser.new_context(**options, ignore_https_errors=ignore)
    except PlaywrightError as exc:
        if "record_video_dir" not in options:
            raise
        s.video_dir = None
        s.video_problem = Msg("capture.video.not_started")
        s.facts["video_error"] = failures.raw(exc)
        s.warnings.append(s.video_problem)
    options = {k: v for k, v in options.items() if not k.startswith("record_video")}
    return browser.new_context(**options, ignore_https_errors=ignore)


def run_steps(s: Session, on_step: OnStep | None) -> tuple[StepOutcome, ...]:
    deadline = time.monotonic() + s.options.total_timeout
    outcomes = []
    for step in STEPS:
        outcome = _run_one(step, s, deadline)
        outcomes.append(outcome)
        if on_step is not None:
            on_step(outcome)
    return tuple(outcomes)


def _run_one(step: Step, s: Session, deadline: float) -> StepOutcome:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    started = utcnow()
    budget = step.budget(s.options)
    if not step.always:
        budget = min(budget, deadline - time.monotonic())
    if step.needs_page and not s.page_loaded:
        return StepOutcome.of(step.name, started, utcnow(), SKIPPED, Msg("capture.step.no_page"))
    if budget <= 0:  # not run for lack of time: that is a time-out, never a pass
        return StepOutcome.of(step.name, started, utcnow(), TIMEOUT, Msg("capture.step.no_budget"))
    if s.page is not None and s.context is not None:
        s.page.set_default_timeout(budget * 1000)
    clock, error = time.monotonic(), ""
    try:
        detail, outcome = step.run(s, budget), OK
    except (PlaywrightTimeout, failures.StepTimedOut) as exc:
        shown = f"{budget:.1f}"
        detail = (Msg("capture.step.timeout", budget=shown) if isinstance(exc, PlaywrightTimeout)
                  else Msg("capture.step.timeout_because", budget=shown, reason=exc.msg))
        outcome, error = TIMEOUT, failures.raw(exc)
    except (failures.StepFailed, PlaywrightError, OSError, ValueError) as exc:
        detail, outcome, error = failures.describe(exc), FAILED, failures.raw(exc)
    took = time.monotonic() - clock
    if outcome == OK and took > budget + 1.0:
        detail = Msg("capture.step.over_budget", detail=detail, took=f"{took:.1f}", budget=f"{budget:.1f}")
        outcome = TIMEOUT
    return StepOutcome.of(step.name, started, utcnow(), outcome, detail, error)


def missing_artifacts(folder: Path, options: CaptureOptions,
                      video_problem: Msg | None) -> list[dict[str, Any]]:
    """The required artifacts that are absent or empty, each with the reason known
    (``reason`` in English, ``reason_msg`` its catalog record)."""
    reasons = {"session.webm": video_problem or (None if options.record_video
                                                  else Msg("capture.missing.video_off"))}
    missing = []
    for name in REQUIRED_ARTIFACTS:
        path = folder / name
        if not path.is_file() or path.stat().st_size == 0:
            reason = reasons.get(name) or Msg("capture.missing.not_produced")
            missing.append({"artifact": name, "reason": str(reason), "reason_msg": reason.as_record()})
    return missing


def decide_state(s: Session, outcomes: tuple[StepOutcome, ...]) -> CaptureState:
    """COMPLETE only when every step succeeded, every required artifact exists
    and every script on the page has a font."""
    if not s.page_loaded:
        return CaptureState.FAILED
    for item in s.facts.get("missing_artifacts") or []:
        s.warnings.append(Msg("capture.warn.missing", artifact=item["artifact"],
                              reason=Msg.from_record(item["reason_msg"])))
    for script in s.facts.get("missing_fonts") or []:
        s.warnings.append(Msg("capture.warn.no_font", script=script))
    if (any(o.outcome in (FAILED, TIMEOUT) for o in outcomes) or s.facts.get("missing_artifacts")
            or s.facts.get("missing_fonts") or tls_step.invalid(s)):
        return CaptureState.PARTIAL
    return CaptureState.COMPLETE


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                    encoding="utf-8")
