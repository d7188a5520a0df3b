"""A stdlib ThreadingHTTPServer for the sample shop, on port 0 in a thread."""

from __future__ import annotations

import html
import ssl
import sys
import tempfile
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from evidence_capture.sample_shop.catalogue import PREFIX as CATALOGUE, Catalogue
from evidence_capture.sample_shop.testca import make_test_pki

STATIC = Path(__file__).parent / "static"

# Page name -> path, for tests, the demo and the bench.
PAGES = {
    "index": "/",
    "product": "/product.html",
    "shop": "/shop.html",
    "lazy": "/lazy.html",
    "promo": "/promo.html",  # late price from /api/price.json and a lazy image: the replay test
    "delayed": "/delayed.html",
    "tall": "/tall.html",
    "item": "/item.html",
    "gallery": "/gallery.html",
    "alert": "/alert.html",
    "hang": "/hang.html",
    "popup": "/popup.html",
    "service_worker": "/sw.html",
    "busy": "/busy.html",  # a tracker keeps the network busy after load
    "reload": "/reload.html",  # first visit: gate.html sets a cookie and reloads
    "storage": "/storage.html",
    "redirect": "/redirect/1",
    "not_found": "/missing.html",
    "server_error": "/error/500",
    # 亮照 (licence display) pages and the changeable catalogue (catalogue.py)
    "licence_valid": "/licence/valid.html",
    "licence_typo": "/licence/typo.html",
    "licence_none": "/licence/none.html",
    "licence_linked": "/licence/linked.html",
    "licence_image": "/licence/image.html",
    "catalogue_item": "/catalogue/tea.html",
}

_REDIRECTS = {"/redirect/1": (302, "/redirect/2"), "/redirect/2": (301, "/redirect/3"),
              "/redirect/3": (307, "/product.html")}
_HANG_LIMIT_S = 300.0


class _Handler(SimpleHTTPRequestHandler):
    server: "_Server"

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, directory=str(STATIC), **kwargs)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        self.server.requests.append(self.path)

    def parse_request(self) -> bool:
        """Take a proxy's absolute-form target (``GET http://host/path``) as its path.

        The stdlib resolves files from ``self.path`` as given, so without this
        every static page answered a recording proxy (Scoop's) with a 404."""
        if not super().parse_request():
            return False
        parts = urlsplit(self.path)
        if parts.scheme in ("http", "https") and parts.netloc:
            self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return True

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        path = urlsplit(self.path).path
        if path in _REDIRECTS:
            return self._redirect(*_REDIRECTS[path])
        if path == "/error/500":
            return self._page(HTTPStatus.INTERNAL_SERVER_ERROR, "<h1>500 服务器内部错误</h1>")
        if path == "/reload.html":  # same URL, a different document until the cookie is set
            return self._uncached("reload.html" if "visited=1" in (self.headers.get("Cookie")
                                                                   or "") else "gate.html")
        if path == "/text":
            return self._text(parse_qs(urlsplit(self.path).query).get("t", [""])[0])
        if path.startswith("/never/"):
            return self._hang()
        if path.startswith(CATALOGUE):
            return self._catalogue(path)
        if not (STATIC / path.lstrip("/")).exists() and path != "/":
            return self._page(HTTPStatus.NOT_FOUND, "<h1>404 页面不存在</h1>")
        return super().do_GET()

    def _redirect(self, status: int, target: str) -> None:
        self.send_response(status)
        self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _page(self, status: HTTPStatus, body_html: str) -> None:
        body = f'<!doctype html><meta charset="utf-8"><body>{body_html}</body>'.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _catalogue(self, path: str) -> None:
        status, page, session = self.server.catalogue.page(path)
        body = page.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Set-Cookie", f"shop_session={session}; Path=/; HttpOnly")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _uncached(self, name: str) -> None:
        body = (STATIC / name).read_bytes()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _text(self, text: str) -> None:
        style = 'style="font:64px \'Noto Sans CJK SC\',sans-serif;margin:20px"'
        self._page(HTTPStatus.OK, f"<p id=text {style}>{html.escape(text)}</p>")

    def _hang(self) -> None:
        """Send headers and part of a body, then stall until the server stops."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", "1000000")
        self.end_headers()
        self.wfile.write(b"\x89PNG\r\n\x1a\n")
        self.wfile.flush()
        self.server.stopping.wait(_HANG_LIMIT_S)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[str] = []
        self.stopping = threading.Event()
        self.catalogue = Catalogue()

    def handle_error(self, request: object, client_address: tuple[str, int]) -> None:
        """A client that rejects the certificate or hangs up: one line, no traceback."""
        error = sys.exc_info()[1]
        if not isinstance(error, (ssl.SSLError, ConnectionError)):
            return super().handle_error(request, client_address)  # a bug in the shop: in full
        reason = getattr(error, "reason", None) or type(error).__name__
        sys.stderr.write(f"sample shop: {client_address[0]}:{client_address[1]} {reason}\n")


class ShopServer:
    """``with ShopServer() as shop: shop.url("product")``."""

    def __init__(self, *, https: bool = False) -> None:
        self.https = https
        self.ca_pem: bytes | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> "ShopServer":
        self._server = _Server()
        if self.https:
            self._wrap_tls(self._server)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def _wrap_tls(self, server: _Server) -> None:
        pki = make_test_pki()
        self.ca_pem = pki.ca_pem
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        with tempfile.TemporaryDirectory() as tmp:
            context.load_cert_chain(*pki.write(Path(tmp)))
        # The handshake happens in the handler thread, not in the accept loop.
        server.socket = context.wrap_socket(server.socket, server_side=True,
                                            do_handshake_on_connect=False)

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.server_address[1])

    @property
    def base(self) -> str:
        return f"{'https' if self.https else 'http'}://127.0.0.1:{self.port}"

    def url(self, page: str) -> str:
        return self.base + PAGES.get(page, page)

    @property
    def catalogue(self) -> Catalogue:
        """Switch items between captures: ``set_price``, ``delist``, ``delete``, ``reset``."""
        assert self._server is not None
        return self._server.catalogue

    @property
    def requests(self) -> list[str]:
        assert self._server is not None
        return list(self._server.requests)
