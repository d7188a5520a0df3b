"""Starting the browser while the rest of a capture command starts up.

Before its first capture, ``evidence capture`` imports the store, the sealing
code and SQLAlchemy and opens the station; it also starts the Playwright
driver and the first URL's Chromium.  Each takes about half a second to a
second on the 2-core station (bench/RESULTS.md), and neither needs the other.
So ``warm_start`` runs the first in a helper thread while this thread, which
must own Playwright's sync API, does the second.  The first URL's host is
resolved once, here: that answer and the process pinned to it go to the
URL's capture (``SharedBrowser.warm`` / ``guard_for``).

Starting early is best effort.  If the driver or Chromium will not start
here, what was started is closed, and the capture starts them again and
reports the failure the usual way (a failed capture in the store, exit 3).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable, TypeVar

from evidence_capture.capture.browser import SharedBrowser, prepare_video
from evidence_capture.config import Settings
from evidence_capture.defaults import CaptureOptions
from evidence_capture.errors import EvidenceError

T = TypeVar("T")


def warm_start(settings: Settings, options: CaptureOptions, url: str,
               work: Callable[[], T]) -> tuple[SharedBrowser, T]:
    """``work()`` in a helper thread while ``url``'s browser starts here.

    Returns the started browsers (for the command to use, then close) and
    what ``work`` returned; if ``work`` raises, the browsers are closed and
    its exception is raised here."""
    browsers = SharedBrowser(settings)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="evidence-startup") as pool:
        pending = pool.submit(work)
        try:
            _warm(browsers, settings, options, url)
            return browsers, pending.result()
        except BaseException:
            browsers.close()
            raise


def _warm(browsers: SharedBrowser, settings: Settings, options: CaptureOptions, url: str) -> None:
    try:
        if options.record_video:  # before the driver starts: it reads the ffmpeg path once
            prepare_video(settings)
        browsers.warm(url, options.allow_private)
    except EvidenceError:
        browsers.close()  # the capture starts it again and reports why it would not
