"""The named capture steps.  Each takes the session and its budget in seconds.

A step returns a short detail string on success and raises ``StepFailed``
(or a Playwright error) otherwise; the engine turns that into the step's
outcome.  Playwright time-outs become the outcome "timeout".
"""

from __future__ import annotations

import time
from typing import Any

from evidence_capture.capture.documents import write_documents
from evidence_capture.capture.fonts import VISIBLE_TEXT_JS, scripts_in
from evidence_capture.capture.screenshot import take_screenshot
from evidence_capture.capture.session import Session
from evidence_capture.capture.tls import https_origins, save_chains


class StepFailed(Exception):
    """A step could not do its job; the message says why."""


class StepTimedOut(Exception):
    """A step ran out of its budget without a Playwright time-out."""


def navigate(s: Session, budget: float) -> str:
    refusal = s.guard.refusal(s.url)
    if refusal:
        s.guard.record_block(s.url, refusal)
        raise StepFailed(f"blocked before connecting: {refusal}")
    deadline = time.monotonic() + budget
    from playwright.sync_api import Error as PlaywrightError

    try:
        s.response = s.page.goto(s.url, wait_until="commit", timeout=budget * 1000)
    except PlaywrightError as exc:
        raise StepFailed(f"navigation failed: {first_line(exc)}") from exc
    if s.response is None:
        raise StepFailed("navigation produced no response")
    s.redirect_chain = redirect_chain(s.response)
    s.facts["main_tls"] = s.response.security_details()  # None for plain HTTP
    _check_connected(s)
    status = s.response.status
    s.page.wait_for_load_state("load", timeout=max(deadline - time.monotonic(), 0.001) * 1000)
    s.loaded_at = time.monotonic()
    if status >= 400:
        raise StepFailed(f"server answered HTTP {status} {s.response.status_text}")
    return f"HTTP {status}, load event fired"


def _check_connected(s: Session) -> None:
    """Check the address the browser really connected to, not only the one we resolved."""
    address = (s.response.server_addr() or {}).get("ipAddress", "")
    if s.guard.connected_violation(address):
        s.guard.record_block(s.response.url, f"connected to private address {address}")
        s.response = None  # nothing from this server is captured
        raise StepFailed(f"browser connected to private address {address}; capture stopped")


def redirect_chain(response: Any) -> list[dict[str, object]]:
    """Every hop from the requested URL to the final one, oldest first."""
    chain = [{"url": response.url, "status": response.status}]
    request = response.request.redirected_from
    while request is not None:
        hop = request.response()
        chain.append({"url": request.url, "status": hop.status if hop else None})
        request = request.redirected_from
    return list(reversed(chain))


def settle(s: Session, budget: float) -> str:
    """Wait for the network to go quiet, then dwell until ``settle_dwell_ms`` after load.

    A network that never goes quiet (trackers, beacons, a stalled image) is a
    recorded warning listing the requests still open, not a failed step: the
    state follows the artifacts, not the page's background traffic.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    detail = "network idle"
    try:
        s.page.wait_for_load_state("networkidle", timeout=budget * 1000)
    except PlaywrightTimeout:
        still_open = s.open_requests()
        s.facts["open_requests"] = still_open
        s.warnings.append(f"the network never went quiet within {budget:.1f} s; "
                          f"{len(still_open)} request(s) still open: {', '.join(still_open[:10])}")
        detail = f"network still busy after {budget:.1f} s ({len(still_open)} open request(s))"
    since_load = time.monotonic() - (s.loaded_at or time.monotonic())
    dwell = s.options.settle_dwell_ms / 1000 - since_load
    if dwell > 0:
        s.page.wait_for_timeout(min(dwell, budget) * 1000)
    return detail


_SCROLL_JS = """async ([maxSteps, maxHeight, deadlineMs]) => {
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
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


def scroll(s: Session, budget: float) -> str:
    """Scroll down a viewport at a time so lazy images and infinite lists load, bounded."""
    o = s.options
    deadline = time.monotonic() + budget
    total, rounds = 0, 0
    while rounds < 5:
        left_ms = (deadline - time.monotonic()) * 1000
        steps, height, out = s.page.evaluate(_SCROLL_JS, [o.scroll_max_steps - total,
                                                          o.scroll_max_height, left_ms])
        total, rounds = total + steps, rounds + 1
        if out:
            raise StepTimedOut(f"scrolled {total} screens, page still growing at {height} px")
        _quiet(s, o.scroll_pause_ms, deadline)
        grown = s.page.evaluate("document.documentElement.scrollHeight")
        if grown <= height or total >= o.scroll_max_steps or grown >= o.scroll_max_height:
            break
    s.page.evaluate("window.scrollTo(0, 0)")
    _quiet(s, o.scroll_pause_ms, deadline)
    s.facts["scroll"] = {"screens": total, "rounds": rounds}
    return f"scrolled {total} screens in {rounds} round(s)"


def _quiet(s: Session, pause_ms: int, deadline: float) -> None:
    """Give lazy content a moment: network idle, bounded by the pause and the deadline."""
    limit = max(min(pause_ms * 4, (deadline - time.monotonic()) * 1000), 1)
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        s.page.wait_for_load_state("networkidle", timeout=limit)
    except PlaywrightTimeout:
        pass  # still loading; the screenshot records what is there
    s.page.wait_for_timeout(min(pause_ms, limit))


def screenshot(s: Session, budget: float) -> str:
    o = s.options
    info = take_screenshot(s.page, s.folder / "screenshot.png", tile_height=o.screenshot_tile_height,
                           max_height=o.max_screenshot_height, timeout_ms=budget * 1000)
    s.facts["screenshot"] = info.__dict__
    if info.truncated:
        s.warnings.append(f"screenshot truncated at {info.css_height} px (max_screenshot_height)")
    return f"{info.css_width}x{info.css_height} CSS px in {info.tiles} tile(s)"


def dom(s: Session, budget: float) -> str:
    html = s.page.content()
    (s.folder / "dom.html").write_text(html, encoding="utf-8")
    s.facts["scripts"] = scripts_in(s.page.evaluate(VISIBLE_TEXT_JS))
    return f"{len(html)} characters"


def response_body(s: Session, budget: float) -> str:
    """Every main document's bytes exactly as served; ``response.html`` is the final one's."""
    request = s.response.request
    deadline = time.monotonic() + budget
    while request not in s.finished:
        if time.monotonic() >= deadline:
            raise StepTimedOut("the main document never finished downloading")
        s.page.wait_for_timeout(50)
    kept = s.documents.documents if s.documents is not None else []
    if not any(d.body is not None for d in kept):
        raise StepFailed("; ".join(d.error or "" for d in kept) or "no main document body was kept")
    rows = write_documents(kept, s.folder)
    s.facts["documents"] = rows
    final = next(r for r in rows if r["final"])
    return f"{final['size']} bytes; {len(rows)} main document response(s)"


def mhtml(s: Session, budget: float) -> str:
    data = s.cdp.send("Page.captureSnapshot", {"format": "mhtml"})["data"]
    (s.folder / "page.mhtml").write_text(data, encoding="utf-8", newline="")
    return f"{len(data)} characters"


def pdf(s: Session, budget: float) -> str:
    data = s.page.pdf(format="A4", print_background=True)
    (s.folder / "page.pdf").write_bytes(data)
    return f"{len(data)} bytes"


def certificates(s: Session, budget: float) -> str:
    origins = https_origins(s.response_urls)
    written, problems = save_chains(s.cdp, origins, s.folder)
    s.facts["tls"] = {"origins": origins, "files": written, "problems": problems}
    if problems:
        raise StepFailed("; ".join(problems))
    return f"{len(written)} chain(s)" if origins else "no HTTPS origins"


def first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
