"""Knowing when a page has gone quiet, instead of sleeping a fixed time.

A page is *quiet* when, at once:

* no request is in flight and none has finished for ``network_ms``
  (Playwright's own ``networkidle`` is this with 500 ms);
* the DOM of every frame has not changed for ``dom_ms``;
* no ``setTimeout`` / ``setInterval`` callback of any frame is due before
  the dwell bound: content a shop injects from a timer shortly after load
  (a late price, a countdown, a "sold" counter) is waited for, never raced.

The monitor is an init script that runs before the page's own scripts: a
``MutationObserver`` on the document and thin wrappers around the four timer
functions that record when a callback is due and then call the browser's own
function with the same arguments.  It adds no element, attribute, request or
cookie; it keeps its state in one non-enumerable property.  What cannot be
seen this way (a WebSocket message, a worker, ``requestAnimationFrame``
loops) is covered by the DOM quiet window and by the dwell as upper bound.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

MONITOR_JS = """(() => {
  if (window.__evidenceQuiet) return;
  const now = () => performance.now();
  const due = new Map();
  const state = { changed: now(), due };
  Object.defineProperty(window, '__evidenceQuiet', { value: state, enumerable: false });
  const watch = () => new MutationObserver(() => { state.changed = now(); }).observe(
    document, { subtree: true, childList: true, attributes: true, characterData: true });
  watch();
  const wrap = (name, clear, repeat) => {
    const original = window[name], originalClear = window[clear];
    window[name] = function (handler, timeout, ...args) {
      if (typeof handler !== 'function') return original.call(this, handler, timeout, ...args);
      const delay = Math.max(Number(timeout) || 0, 0);
      const id = original.call(this, function (...a) {
        if (repeat) due.set(id, now() + delay); else due.delete(id);
        return handler.apply(this, a);
      }, timeout, ...args);
      due.set(id, now() + delay);
      return id;
    };
    window[clear] = function (id) { due.delete(id); return originalClear.call(this, id); };
  };
  wrap('setTimeout', 'clearTimeout', false);
  wrap('setInterval', 'clearInterval', true);
})()"""

_STATE_JS = """(withinMs) => {
  const s = window.__evidenceQuiet;
  if (!s) return null;
  const t = performance.now();
  let soon = 0;
  for (const when of s.due.values()) if (when - t <= withinMs) soon += 1;
  return [t - s.changed, soon];
}"""


@dataclass(frozen=True)
class Quiet:
    reason: str  # quiet | bound
    waited_ms: int
    polls: int


class Network:
    """Requests in flight for the captured page (its frames), from Playwright's events.

    Like ``networkidle``, only the page's own requests count: a popup that was
    closed or a download that was cancelled leaves nothing in flight."""

    def __init__(self) -> None:
        self.inflight: set[Any] = set()
        self.last_change = time.monotonic()

    def attach(self, page: Any) -> None:
        page.on("request", self._start)
        page.on("requestfinished", self._end)
        page.on("requestfailed", self._end)

    def _start(self, request: Any) -> None:
        self.inflight.add(request)
        self.last_change = time.monotonic()

    def _end(self, request: Any) -> None:
        self.inflight.discard(request)
        self.last_change = time.monotonic()

    def quiet_for_ms(self) -> float:
        return 0.0 if self.inflight else (time.monotonic() - self.last_change) * 1000


def _frames_state(page: Any, within_ms: float) -> tuple[float, int]:
    """The smallest DOM-quiet time over every frame, and the timers due soon in them."""
    quiet, soon = float("inf"), 0
    for frame in page.frames:
        try:
            state = frame.evaluate(_STATE_JS, within_ms)
        except Exception:  # a frame detached or navigating meanwhile: not ours to judge
            continue
        if state is not None:
            quiet, soon = min(quiet, state[0]), soon + int(state[1])
    return quiet, soon


def wait_quiet(page: Any, network: Network, *, network_ms: int, dom_ms: int,
               dwell_end: float, hard_end: float) -> Quiet:
    """Wait until the page is quiet.  Timers and the DOM are waited for until
    ``dwell_end`` at most; the network until ``hard_end`` (monotonic times).
    Returns how it ended; ``bound`` when ``hard_end`` came first."""
    started, polls = time.monotonic(), 0
    while True:
        now = time.monotonic()
        polls += 1
        net_ok = network.quiet_for_ms() >= network_ms
        if now >= dwell_end:
            page_ok = True
        else:
            dom_quiet, soon = _frames_state(page, (dwell_end - now) * 1000)
            page_ok = dom_quiet >= dom_ms and soon == 0
        if net_ok and page_ok:
            return Quiet("quiet", round((now - started) * 1000), polls)
        if now >= hard_end:
            return Quiet("bound", round((now - started) * 1000), polls)
        page.wait_for_timeout(max(min(50.0, (hard_end - now) * 1000), 1.0))
