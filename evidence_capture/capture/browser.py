"""Starting Chromium through Playwright: flags, ffmpeg for video, context options.

Each capture launches its own browser process (Playwright gives it a new
temporary user-data-dir) and one new, empty context: no profile is reused.
"""

from __future__ import annotations

import json
import os
from importlib import metadata
from pathlib import Path
from typing import Any

from evidence_capture.config import Settings
from evidence_capture.defaults import CaptureOptions
from evidence_capture.errors import BrowserError, InputError

# The closed network spams refused connections without these; they also keep
# the browser from talking to anything but the page under capture.
CHROMIUM_FLAGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-proxy-server",
)
BROWSER_PROXY = "none (launched with --no-proxy-server)"


def playwright_version() -> str:
    return metadata.version("playwright")


def _ffmpeg_revision() -> str:
    """The ffmpeg revision Playwright expects, read from its bundled browsers.json."""
    import playwright

    path = Path(playwright.__file__).parent / "driver" / "package" / "browsers.json"
    browsers = json.loads(path.read_text(encoding="utf-8"))["browsers"]
    return next(b["revision"] for b in browsers if b["name"] == "ffmpeg")


def prepare_video(settings: Settings) -> str | None:
    """Point Playwright at imageio-ffmpeg's binary; returns a problem, or None.

    Playwright looks for ``$PLAYWRIGHT_BROWSERS_PATH/ffmpeg-<rev>/ffmpeg-linux``;
    a symlink to the VP8-capable ffmpeg shipped by imageio-ffmpeg is enough.
    The variable must be set before the Playwright driver starts.
    """
    try:
        import imageio_ffmpeg

        binary = Path(imageio_ffmpeg.get_ffmpeg_exe())
        if not binary.is_file() or not os.access(binary, os.X_OK):
            return f"video disabled: the ffmpeg recorder {binary} is missing or not executable"
        root = settings.home / "runtime" / "playwright"
        link = root / f"ffmpeg-{_ffmpeg_revision()}" / "ffmpeg-linux"
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_symlink() and link.resolve() != binary.resolve():
            link.unlink()
        if not link.exists():
            link.symlink_to(binary)
    except (ImportError, OSError, RuntimeError, KeyError, StopIteration) as exc:
        return f"video disabled: no usable ffmpeg ({exc})"
    os.environ["PLAYWRIGHT_BROWSERS_PATH"] = str(root)
    return None


def launch(pw: Any, settings: Settings, resolver_rule: str | None) -> Any:
    from playwright.sync_api import Error as PlaywrightError

    args = list(CHROMIUM_FLAGS)
    if resolver_rule:
        args.append(f"--host-resolver-rules={resolver_rule}")
    try:
        return pw.chromium.launch(executable_path=settings.chromium, args=args, headless=True)
    except PlaywrightError as exc:
        raise BrowserError(
            f"cannot start Chromium at {settings.chromium}",
            hint="install Debian's chromium package or set EVIDENCE_CHROMIUM",
        ) from exc


def device_descriptor(pw: Any, name: str | None) -> dict[str, Any]:
    if name is None:
        return {}
    if name not in pw.devices:
        close = [d for d in pw.devices if name.lower() in d.lower()][:5]
        raise InputError(f"unknown device {name!r}",
                         hint=f"try one of: {', '.join(close)}" if close else
                         "use a Playwright device name such as 'iPhone 13'")
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
        ctx["record_video_size"] = dict(ctx["viewport"])
    return ctx
