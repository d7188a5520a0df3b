"""Serve one WACZ with ReplayWeb.page on 127.0.0.1, from local files only.

Routes (anything else is a 404; nothing is ever fetched from elsewhere):

    /                       the viewer page: a banner and <replay-web-page>
    /replay/ui.js, sw.js    ReplayWeb.page, from the pinned npm package cached by
                            ``make replay-assets``; the service worker's scope is /replay/
    /archive.wacz           the capture's WACZ, with HTTP range requests
    /replay/ (a navigation) only reaches this server before the service worker
                            controls the frame: a page that waits for the worker
                            and reloads once (``WAIT_FOR_WORKER``), instead of a 404
                            that would leave the frame empty for good

The banner says whether the capture passed ``verify``; a capture replayed with
``--unverified`` that failed it gets a red warning banner.
"""

from __future__ import annotations

import html
import os
import re
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from evidence_capture.errors import ConfigError, Msg
from evidence_capture.i18n import message

REPLAYWEBPAGE_VERSION = "2.5.3"  # pinned; the Makefile fetches exactly this release
ASSET_FILES = ("ui.js", "sw.js")
_SOURCE_ROOT = Path(__file__).resolve().parents[2]
_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


def default_assets() -> Path:
    return _SOURCE_ROOT / ".cache" / f"replaywebpage-{REPLAYWEBPAGE_VERSION}"


def find_assets(env: dict[str, str] | None = None) -> Path:
    """The folder holding ui.js and sw.js: EVIDENCE_REPLAY_ASSETS, else the Makefile's cache."""
    env = os.environ if env is None else env
    folder = Path(env.get("EVIDENCE_REPLAY_ASSETS") or default_assets()).expanduser()
    missing = [name for name in ASSET_FILES if not (folder / name).is_file()]
    if missing:
        raise ConfigError(Msg("replay.no_assets", folder=str(folder), files=", ".join(missing)),
                          hint=Msg("replay.no_assets.hint", version=REPLAYWEBPAGE_VERSION))
    return folder


@dataclass(frozen=True)
class Banner:
    verified: bool
    capture_id: str
    detail: str  # e.g. the failed checks

    def html(self) -> str:
        key = "replay.banner.verified" if self.verified else "replay.banner.unverified"
        text = " / ".join(html.escape(message(key, lang, capture_id=self.capture_id,
                                              detail=self.detail)) for lang in ("zh", "en"))
        role = "status" if self.verified else "alert"
        return f'<div id="evidence-banner" class="{"ok" if self.verified else "bad"}" role="{role}">{text}</div>'


def viewer_page(url: str, timestamp: str, banner: Banner) -> bytes:
    title = html.escape(message("replay.title", "zh") + " / " + message("replay.title", "en"))
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<script src="/replay/ui.js"></script>
<style>
html, body {{ margin: 0; height: 100%; display: flex; flex-direction: column; font-family: sans-serif; }}
#evidence-banner {{ padding: 8px 12px; font-size: 15px; }}
#evidence-banner.ok {{ background: #e6f4ea; color: #0b5d1e; }}
#evidence-banner.bad {{ background: #b00020; color: #fff; font-weight: bold; }}
replay-web-page {{ flex: 1; }}
</style></head><body>
{banner.html()}
<replay-web-page source="/archive.wacz" url="{html.escape(url, quote=True)}"
  ts="{html.escape(timestamp, quote=True)}" replayBase="/replay/"></replay-web-page>
</body></html>
""".encode("utf-8")


# The replay frame (/replay/?source=...) is normally answered by ReplayWeb.page's
# service worker.  When the frame is created before the worker is active, the
# navigation reaches this server; answering 404 left the frame blank (seen about
# one run in two).  This page waits for the worker, then reloads through it.  A
# worker that is active but still let the navigation through (it had not yet
# loaded the collection: seen about one run in three) gets another reload half
# a second later, 20 at most (counted in the frame's sessionStorage), so the
# frame never stays blank and never loops for ever.
WAIT_FOR_WORKER = b"""<!doctype html><meta charset="utf-8"><title>...</title>
<script>
(function () {
  var sw = navigator.serviceWorker, key = "evidence-replay-reloads";
  if (!sw) return;
  if (!sw.controller) { sw.ready.then(function () { location.reload(); }); return; }
  var tries = Number(sessionStorage.getItem(key) || 0);
  if (tries < 20) {
    sessionStorage.setItem(key, String(tries + 1));
    setTimeout(function () { location.reload(); }, 500);
  }
})();
</script>
"""


@dataclass
class _Site:
    wacz: Path
    assets: Path
    page: bytes
    requests: list[str] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        self.server.site.requests.append(self.path)

    def do_HEAD(self) -> None:  # noqa: N802 - stdlib name
        self._serve(body=False)

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self._serve(body=True)

    def _serve(self, *, body: bool) -> None:
        site, path = self.server.site, self.path.split("?", 1)[0]
        if path in ("/", "/index.html"):
            return self._bytes(site.page, "text/html; charset=utf-8", body)
        if path in ("/replay/", "/replay/index.html"):
            return self._bytes(WAIT_FOR_WORKER, "text/html; charset=utf-8", body)
        if path == "/archive.wacz":
            return self._file(site.wacz, "application/wacz", body)
        name = path.removeprefix("/replay/")
        if path.startswith("/replay/") and name in ASSET_FILES:
            return self._file(site.assets / name, "application/javascript", body,
                              extra={"Service-Worker-Allowed": "/replay/"})
        self._bytes(b"not found\n", "text/plain", body, status=HTTPStatus.NOT_FOUND)

    def _bytes(self, data: bytes, kind: str, body: bool, status: int = HTTPStatus.OK) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def _file(self, path: Path, kind: str, body: bool, extra: dict[str, str] | None = None) -> None:
        size = path.stat().st_size
        start, end, status = 0, size - 1, HTTPStatus.OK
        wanted = _RANGE.match(self.headers.get("Range", ""))
        if wanted and size:
            first, last = wanted.groups()
            start = int(first) if first else max(size - int(last or 0), 0)
            end = min(int(last), size - 1) if first and last else size - 1
            if start > end:
                return self._unsatisfiable(size)
            status = HTTPStatus.PARTIAL_CONTENT
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(end - start + 1 if size else 0))
        if status == HTTPStatus.PARTIAL_CONTENT:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if body and size:
            with path.open("rb") as handle:
                handle.seek(start)
                self.wfile.write(handle.read(end - start + 1))

    def _unsatisfiable(self, size: int) -> None:
        self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
        self.send_header("Content-Range", f"bytes */{size}")
        self.send_header("Content-Length", "0")
        self.end_headers()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: _Site, port: int) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.site = site


class ReplayServer:
    """``with ReplayServer(wacz, assets, page) as server: server.url``; port 0 picks a free one."""

    def __init__(self, wacz: Path, assets: Path, page: bytes, *, port: int = 0) -> None:
        self._site = _Site(wacz, assets, page)
        self._port = port
        self._server: _Server | None = None

    def __enter__(self) -> "ReplayServer":
        self._server = _Server(self._site, self._port)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    @property
    def requests(self) -> list[str]:
        return list(self._site.requests)
