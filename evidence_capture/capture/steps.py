"""The named capture steps.  Each takes the session and its budget in seconds.

A step returns a short detail (a catalog ``Msg``, ``i18n_capture.py``) on
success and raises ``StepFailed`` (or a Playwright error) otherwise; the engine
turns that into the step's outcome.  Playwright time-outs become the outcome
"timeout".
"""

from __future__ import annotations

import time
from typing import Any

from evidence_capture.capture import failures
from evidence_capture.capture.documents import write_documents
from evidence_capture.capture.failures import StepFailed, StepTimedOut
from evidence_capture.capture.fonts import VISIBLE_TEXT_JS, scripts_in
from evidence_capture.capture.quiet import wait_quiet
from evidence_capture.capture.screenshot import take_screenshot
from evidence_capture.capture.session import Session
from evidence_capture.capture import tls_step
from evidence_capture.capture.tls import https_origins, save_chains
from evidence_capture.errors import Msg


def navigate(s: Session, budget: float) -> Msg:
    refusal = s.guard.refusal(s.url)
    if refusal:
        s.guard.record_block(s.url, refusal)
        raise StepFailed(Msg("capture.navigate.blocked", reason=refusal))
    deadline = time.monotonic() + budget
    from playwright.sync_api import Error as PlaywrightError

    try:
        s.response = s.page.goto(s.url, wait_until="commit", timeout=budget * 1000)
    except PlaywrightError as exc:
        tls_step.keep_refused(s, failures.raw(exc))
        reason = failures.describe(exc)
        if reason.key == "capture.cause.timeout":
            reason = Msg("capture.cause.timeout_after", budget=f"{budget:.1f}")
        raise StepFailed(Msg("capture.navigate.failed", reason=reason),
                         raw=failures.raw(exc)) from exc
    if s.response is None:
        raise StepFailed(Msg("capture.navigate.no_response"))
    s.redirect_chain = redirect_chain(s.response)
    s.facts["main_tls"] = s.response.security_details()  # None for plain HTTP
    _check_connected(s)
    _check_certificate(s)
    status = s.response.status
    s.page.wait_for_load_state("load", timeout=max(deadline - time.monotonic(), 0.001) * 1000)
    s.loaded_at = time.monotonic()
    if status >= 400:
        raise StepFailed(Msg("capture.navigate.http_error", status=status, text=s.response.status_text))
    return Msg("capture.navigate.ok", status=status)


def _check_connected(s: Session) -> None:
    """Check the address the browser really connected to, not only the one we resolved."""
    address = (s.response.server_addr() or {}).get("ipAddress", "")
    if s.guard.connected_violation(address):
        s.guard.record_block(s.response.url, Msg("capture.guard.connected", address=address))
        s.response = None  # nothing from this server is captured
        raise StepFailed(Msg("capture.navigate.private", address=address))


def _check_certificate(s: Session) -> None:
    """With --tls-ca / --record-tls-errors the engine judges the chain (capture/tls_step.py)."""
    record = tls_step.check_main(s)
    if record and not record["valid"] and not s.options.record_tls_errors:
        s.response = None  # nothing from a server that failed the check is captured
        raise StepFailed(Msg("capture.navigate.cert_invalid", host=record["host"],
                             bundle=record["against"]["bundle"],
                             reason=tls_step.reason(record["error"])), raw=record["error"] or "")


def redirect_chain(response: Any) -> list[dict[str, object]]:
    """Every hop from the requested URL to the final one, oldest first."""
    chain = [{"url": response.url, "status": response.status}]
    request = response.request.redirected_from
    while request is not None:
        hop = request.response()
        chain.append({"url": request.url, "status": hop.status if hop else None})
        request = request.redirected_from
    return list(reversed(chain))


def settle(s: Session, budget: float) -> Msg:
    """Scroll through the page while waiting until it is quiet (capture/quiet.py).

    Timers and DOM changes are waited for until ``settle_dwell_ms`` after the
    load event at most; the network until the step's budget: a time-out, as
    Playwright's ``networkidle`` would be, unless it is busy with lazy content
    that this step's own scrolling started (the scroll step waits for that).
    """
    o = s.options
    start = time.monotonic()
    hard_end = start + budget
    dwell_end = min((s.loaded_at or start) + o.settle_dwell_ms / 1000, hard_end)
    if dwell_end > time.monotonic():  # lazy content starts loading during the dwell;
        _scroll_down(s, dwell_end, until_deadline=True)  # the scroll step goes on from there
    scrolled = s.screens_scrolled
    q = wait_quiet(s.page, s.network, network_ms=o.settle_network_idle_ms,
                   dom_ms=o.settle_quiet_ms, dwell_end=dwell_end, hard_end=hard_end)
    s.facts["settle"] = {
        "method": f"scrolled during the wait; then no request for {o.settle_network_idle_ms} ms "
                  f"and, until {o.settle_dwell_ms} ms after load at most, no DOM change for "
                  f"{o.settle_quiet_ms} ms and no timer due (capture/quiet.py)",
        "ended": q.reason, "waited_ms": q.waited_ms, "screens_scrolled": s.screens_scrolled}
    if q.reason == "bound" and not scrolled:  # a warning, not a failed step: the state
        return _still_busy(s, budget)          # follows the artifacts, not background traffic
    return Msg("capture.settle.quiet", ms=q.waited_ms, screens=s.screens_scrolled)


def _still_busy(s: Session, budget: float) -> Msg:
    """Trackers, beacons, a stalled image: recorded with the requests still open."""
    still_open = s.open_requests()
    s.facts["open_requests"] = still_open
    s.warnings.append(Msg("capture.warn.busy", budget=f"{budget:.1f}", count=len(still_open),
                          urls=", ".join(still_open[:10])))
    return Msg("capture.settle.busy", budget=f"{budget:.1f}", count=len(still_open))


# One rendering update per screen: after the animation frame, a message-channel
# task runs once that update (and its IntersectionObserver step) is done, so every
# screen is seen by lazy loaders, then the next screen is scrolled to.
_SCROLL_JS = """async ([maxSteps, maxHeight, deadlineMs]) => {
  const frame = () => new Promise(r => requestAnimationFrame(() => {
    const c = new MessageChannel(); c.port1.onmessage = () => r(); c.port2.postMessage(0); }));
  const end = Date.now() + deadlineMs;
  let steps = 0;
  while (steps < maxSteps && Date.now() < end) {
    const bottom = window.scrollY + window.innerHeight;
    const height = document.documentElement.scrollHeight;
    if (bottom >= Math.min(height, maxHeight)) break;
    window.scrollBy(0, window.innerHeight);
    steps += 1;
    await frame();
  }
  return [steps, document.documentElement.scrollHeight, Date.now() >= end];
}"""


def _scroll_down(s: Session, deadline: float, *, until_deadline: bool = False) -> int:
    """Scroll from where the page is to its bottom; returns the page height.  Reaching
    ``deadline`` first is a time-out, unless ``until_deadline`` says that is the plan."""
    o = s.options
    left_ms = (deadline - time.monotonic()) * 1000
    steps, height, out = s.page.evaluate(_SCROLL_JS, [o.scroll_max_steps - s.screens_scrolled,
                                                      o.scroll_max_height, left_ms])
    s.screens_scrolled += steps
    if out and not until_deadline:
        raise StepTimedOut(Msg("capture.scroll.growing", screens=s.screens_scrolled, height=height))
    return int(height)


def scroll(s: Session, budget: float) -> Msg:
    """Scroll on a viewport at a time while the page grows, so lazy images and
    infinite lists load, bounded; then back to the top."""
    o = s.options
    deadline = time.monotonic() + budget
    rounds = 0
    while rounds < 5:
        height = _scroll_down(s, deadline)
        rounds += 1
        _quiet(s, o.scroll_pause_ms, deadline)
        grown = s.page.evaluate("document.documentElement.scrollHeight")
        if (grown <= height or s.screens_scrolled >= o.scroll_max_steps
                or grown >= o.scroll_max_height):
            break
    s.page.evaluate("window.scrollTo(0, 0)")
    _quiet(s, o.scroll_pause_ms, deadline)
    s.facts["scroll"] = {"screens": s.screens_scrolled, "rounds": rounds}
    return Msg("capture.scroll.ok", screens=s.screens_scrolled, rounds=rounds)


def _quiet(s: Session, pause_ms: int, deadline: float) -> None:
    """Give lazy content a moment: quiet for ``pause_ms``, bounded by 4x that and the
    deadline; if it is still loading, the screenshot records what is there."""
    end = min(time.monotonic() + pause_ms * 4 / 1000, deadline)
    wait_quiet(s.page, s.network, network_ms=pause_ms, dom_ms=pause_ms, dwell_end=end,
               hard_end=end)


def screenshot(s: Session, budget: float) -> Msg:
    o = s.options
    info = take_screenshot(s.page, s.folder / "screenshot.png", tile_height=o.screenshot_tile_height,
                           max_height=o.max_screenshot_height, timeout_ms=budget * 1000,
                           cdp=s.cdp)
    s.facts["screenshot"] = info.__dict__
    if info.truncated:
        s.warnings.append(Msg("capture.warn.truncated", height=info.css_height))
    return Msg("capture.screenshot.ok", width=info.css_width, height=info.css_height, tiles=info.tiles)


def dom(s: Session, budget: float) -> Msg:
    html = s.page.content()
    (s.folder / "dom.html").write_text(html, encoding="utf-8")
    s.facts["scripts"] = scripts_in(s.page.evaluate(VISIBLE_TEXT_JS))
    return Msg("capture.chars", n=len(html))


def response_body(s: Session, budget: float) -> Msg:
    """Every main document's bytes exactly as served; ``response.html`` is the final one's."""
    request = s.response.request
    deadline = time.monotonic() + budget
    while request not in s.finished:
        if time.monotonic() >= deadline:
            raise StepTimedOut(Msg("capture.response.unfinished"))
        s.page.wait_for_timeout(50)
    kept = s.documents.documents if s.documents is not None else []
    if not any(d.body is not None for d in kept):
        raise StepFailed(Msg("capture.response.no_body"), raw="; ".join(d.error or "" for d in kept))
    rows = write_documents(kept, s.folder)
    s.facts["documents"] = rows
    final = next(r for r in rows if r["final"])
    return Msg("capture.response.ok", size=final["size"], count=len(rows))


def mhtml(s: Session, budget: float) -> Msg:
    data = s.cdp.send("Page.captureSnapshot", {"format": "mhtml"})["data"]
    (s.folder / "page.mhtml").write_text(data, encoding="utf-8", newline="")
    return Msg("capture.chars", n=len(data))


def pdf(s: Session, budget: float) -> Msg:
    data = s.page.pdf(format="A4", print_background=True)
    (s.folder / "page.pdf").write_bytes(data)
    return Msg("capture.bytes", n=len(data))


def certificates(s: Session, budget: float) -> Msg:
    origins = https_origins(s.response_urls)
    written, problems = save_chains(s.cdp, origins, s.folder)
    problems += tls_step.check_origins(s, origins)
    s.facts["tls"] = {"origins": origins, "files": written, "problems": problems}
    if problems:
        bad = list(dict.fromkeys(problem.split(": ", 1)[0] for problem in problems))
        raise StepFailed(Msg("capture.certificates.problems", count=len(bad), origins=", ".join(bad)),
                         raw="; ".join(problems))
    return Msg("capture.certificates.ok", n=len(written)) if origins else Msg("capture.certificates.none")
