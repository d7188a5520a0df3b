"""Starting Chromium through Playwright: flags, ffmpeg for video, context options.

Every capture gets one new, empty browser context: no cookies, storage or
cache from another capture.  How the browser *process* is shared is a
choice (``BROWSER_SHARING``): ``process-per-capture`` launches a new
Chromium (with a new temporary user-data-dir) for each capture, which is
what ``evidence capture`` does; ``shared-process`` keeps one Playwright
driver and one Chromium per worker thread (``SharedBrowser``) and opens
each capture's context in it, which a patrol does by default (measured in
bench/RESULTS.md).  Chromium's ``--host-resolver-rules`` pin is per
process, so a shared process is only reused for captures with the same pin.
Provenance records which way each capture was made (``browser_sharing``).
"""

from __future__ import annotations

import json
import os
import threading
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from evidence_capture.capture.addresses import AddressGuard, pin_rule
from evidence_capture.config import Settings
from evidence_capture.defaults import CaptureOptions
from evidence_capture.errors import BrowserError, InputError, Msg

# The closed network spams refused connections without the first five; they
# also keep the browser from talking to anything but the page under capture.
# --disable-frame-rate-limit: headless Chromium renders at most 60 frames a
# second, and the scroll (capture/steps.py) waits one rendered frame per
# screen so that lazy loaders see every screen: 130 screens of a 100,000 px
# page took 2.2 s at 60 Hz and 0.8 s unthrottled, every lazy image still
# loaded (bench/RESULTS.md).  Timers and CSS animations keep their own clock;
# an animation driven by requestAnimationFrame draws more often.
CHROMIUM_FLAGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-proxy-server",
    "--disable-frame-rate-limit",
)
BROWSER_PROXY = "none (launched with --no-proxy-server)"
PER_CAPTURE, SHARED = "process-per-capture", "shared-process"
BROWSER_SHARING = (SHARED, PER_CAPTURE)
MAX_SHARED_PROCESSES = 4  # distinct pins kept open per worker; the oldest is closed first


def playwright_version() -> str:
    return metadata.version("playwright")


def _ffmpeg_revision() -> str:
    """The ffmpeg revision Playwright expects, read from its bundled browsers.json."""
    import playwright

    path = Path(playwright.__file__).parent / "driver" / "package" / "browsers.json"
    browsers = json.loads(path.read_text(encoding="utf-8"))["browsers"]
    return next(b["revision"] for b in browsers if b["name"] == "ffmpeg")


def prepare_video(settings: Settings) -> Msg | None:
    """Point Playwright at imageio-ffmpeg's binary; returns a problem, or None.

    Playwright looks for ``$PLAYWRIGHT_BROWSERS_PATH/ffmpeg-<rev>/ffmpeg-linux``;
    a symlink to the VP8-capable ffmpeg shipped by imageio-ffmpeg is enough.
    The variable must be set before the Playwright driver starts.
    """
    try:
        import imageio_ffmpeg

        binary = Path(imageio_ffmpeg.get_ffmpeg_exe())
        if not binary.is_file() or not os.access(binary, os.X_OK):
            return Msg("capture.video.missing", path=binary)
        root = settings.home / "runtime" / "playwright"
        link = root / f"ffmpeg-{_ffmpeg_revision()}" / "ffmpeg-linux"
        link.parent.mkdir(parents=True, exist_ok=True)
        if not (link.is_symlink() and link.resolve() == binary.resolve()):
            _replace_link(link, binary)
    except (ImportError, OSError, RuntimeError, KeyError, StopIteration) as exc:
        return Msg("capture.video.unusable")
    os.environ["PLAYWRIGHT_BROWSERS_PATH"] = str(root)
    return None


def start_driver(settings: Settings) -> Any:
    """The Playwright driver (a node process), started with node's compile cache on.

    The cache (``NODE_COMPILE_CACHE``, unless already set) keeps the driver's
    compiled JavaScript under the runtime folder, which shortens every start
    after the first; node checks each entry against its source file."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("NODE_COMPILE_CACHE", str(settings.home / "runtime" / "node-compile-cache"))
    try:
        return sync_playwright().start()
    except (PlaywrightError, OSError) as exc:
        raise BrowserError(Msg("capture.browser.driver")) from exc


def browser_args(resolver_rule: str | None) -> list[str]:
    """Chromium's command-line flags for a capture (recorded in provenance as ``chromium_flags``)."""
    pin = [f"--host-resolver-rules={resolver_rule}"] if resolver_rule else []
    return [*CHROMIUM_FLAGS, *pin]


def _replace_link(link: Path, target: Path) -> None:
    """Point ``link`` at ``target`` in one step (a new link renamed over it), so that
    patrol workers starting at once never see it missing nor fail on each other's."""
    fresh = link.with_name(f".{link.name}.{os.getpid()}.{threading.get_ident()}")
    fresh.unlink(missing_ok=True)
    fresh.symlink_to(target)
    os.replace(fresh, link)


def launch(pw: Any, settings: Settings, resolver_rule: str | None) -> Any:
    from playwright.sync_api import Error as PlaywrightError

    try:
        return pw.chromium.launch(executable_path=settings.chromium, args=browser_args(resolver_rule),
                                  headless=True)
    except PlaywrightError as exc:
        raise BrowserError(Msg("capture.browser.chromium", path=settings.chromium),
                           hint=Msg("capture.browser.chromium.hint")) from exc


def device_descriptor(pw: Any, name: str | None) -> dict[str, Any]:
    if name is None:
        return {}
    if name not in pw.devices:
        close = [d for d in pw.devices if name.lower() in d.lower()][:5]
        raise InputError(Msg("capture.device.unknown", name=name),
                         hint=Msg("capture.device.try", names=", ".join(close)) if close else
                         Msg("capture.device.example"))
    return dict(pw.devices[name])


def check_device(name: str | None) -> None:
    """Refuse an unknown device name up front, before any capture is begun."""
    if name is None:
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        device_descriptor(pw, name)


def context_options(pw: Any, options: CaptureOptions, *, har: Path,
                    video_dir: Path | None) -> dict[str, Any]:
    device = device_descriptor(pw, options.device)
    ctx: dict[str, Any] = {
        "viewport": {"width": options.viewport_width, "height": options.viewport_height},
        **device,
        "locale": options.locale,
        "timezone_id": options.timezone_id,
        "service_workers": "block" if options.block_service_workers else "allow",
        "accept_downloads": False,
        "record_har_path": str(har),
        "record_har_content": options.har_content,
    }
    if video_dir is not None:
        ctx["record_video_dir"] = str(video_dir)
        ctx["record_video_size"] = video_size(ctx["viewport"], options.video_scale)
    return ctx


def video_size(viewport: dict[str, int], scale: float) -> dict[str, int]:
    """The recorded frame size: ``scale`` of the viewport, even sides (for the encoder), 2 px at least."""
    return {side: max(2, round(viewport[side] * scale / 2) * 2) for side in ("width", "height")}


class SharedBrowser:
    """One Playwright driver and reusable Chromium processes, for one thread.

    Playwright's sync API is bound to the thread that started it, so a
    patrol gives each worker thread its own ``SharedBrowser``.  ``browser``
    returns the process for a resolver pin (launching it on first use) and
    the ``browser_sharing`` record for the capture's provenance.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pw: Any = None
        self._browsers: dict[str | None, dict[str, Any]] = {}
        self._guards: dict[tuple[str, bool], AddressGuard] = {}  # from warm(), for one capture each

    def playwright(self) -> Any:
        if self._pw is None:
            self._pw = start_driver(self.settings)
        return self._pw

    def warm(self, url: str, allow_private: bool) -> None:
        """Start the driver and the Chromium that ``url``'s capture will use, ahead of it.

        The host is resolved here, once: its guard, with that answer, goes to
        the capture of ``url`` (``guard_for``), so the pin it finds is this one."""
        guard = AddressGuard(allow_private)
        pin = pin_rule(guard.lookup(urlsplit(url).hostname or ""), allow_private)
        self._guards[(url, allow_private)] = guard
        self._entry(pin)

    def guard_for(self, url: str, allow_private: bool) -> AddressGuard:
        """The guard ``warm`` resolved ``url``'s host with, once; else a new one."""
        return self._guards.pop((url, allow_private), None) or AddressGuard(allow_private)

    def browser(self, pin: str | None) -> tuple[Any, dict[str, Any]]:
        entry = self._entry(pin)
        entry["captures"] += 1
        return entry["browser"], {"mode": SHARED, "process_launched_at": entry["launched_at"],
                                  "capture_in_process": entry["captures"]}

    def _entry(self, pin: str | None) -> dict[str, Any]:
        """The live process for ``pin``, launched if there is none."""
        entry = self._browsers.get(pin)
        if entry is not None and not entry["browser"].is_connected():
            self._browsers.pop(pin)
            entry = None
        if entry is None:
            self._evict()
            from evidence_capture.timeutil import iso_utc, utcnow

            entry = {"browser": launch(self.playwright(), self.settings, pin),
                     "launched_at": iso_utc(utcnow()), "captures": 0}
            self._browsers[pin] = entry
        return entry

    def _evict(self) -> None:
        while len(self._browsers) >= MAX_SHARED_PROCESSES:
            oldest = next(iter(self._browsers))
            self._close_one(self._browsers.pop(oldest))

    @staticmethod
    def _close_one(entry: dict[str, Any]) -> None:
        from playwright.sync_api import Error as PlaywrightError

        try:
            entry["browser"].close()
        except PlaywrightError:
            pass  # already gone

    def close(self) -> None:
        for entry in self._browsers.values():
            self._close_one(entry)
        self._browsers.clear()
        self._guards.clear()
        if self._pw is not None:
            self._pw.stop()
            self._pw = None
