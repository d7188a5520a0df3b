"""Broken TSAs for the failure tests; registered through ``tests/fixtures_tsa.py``.

``tsa_refused_url`` (down), ``tsa_hanging_url`` (use ``HANG_TIMEOUT``),
``tsa_http500_url``, ``tsa_garbage_url``, ``tsa_wrong_type_url``,
``tsa_trickling_url`` (session), and ``switchable_tsa`` (per test).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable, Iterator

import pytest

from evidence_capture.timestamping.devtsa import DevTSA
from tests.conftest import require_or_skip

HANG_TIMEOUT = 0.5  # client timeout for the hanging TSA


def _answer(status: int, content_type: str, body: Callable[[], bytes]) -> Callable[[BaseHTTPRequestHandler], None]:
    def respond(handler: BaseHTTPRequestHandler) -> None:
        payload = body()
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    return respond


def _trickle(handler: BaseHTTPRequestHandler) -> None:
    """Answer at once, then send the body one byte every 0.1 s: no single read times out."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/timestamp-reply")
    handler.send_header("Content-Length", "200")
    handler.end_headers()
    try:
        for _ in range(200):
            handler.wfile.write(b"\x00")
            handler.wfile.flush()
            time.sleep(0.1)
    except OSError:
        return  # the client gave up, as it should


def _fault_server(respond: Callable[[BaseHTTPRequestHandler], None]) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            respond(self)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True).start()
    yield _url(server)
    server.shutdown()
    server.server_close()


def _url(server: ThreadingHTTPServer | socket.socket) -> str:
    address = server.server_address if isinstance(server, ThreadingHTTPServer) else server.getsockname()
    return f"http://127.0.0.1:{address[1]}/tsa"


@pytest.fixture(scope="session")
def tsa_http500_url() -> Iterator[str]:
    yield from _fault_server(_answer(500, "text/plain", lambda: b"internal error\n"))


@pytest.fixture(scope="session")
def tsa_garbage_url() -> Iterator[str]:
    yield from _fault_server(_answer(200, "application/timestamp-reply", lambda: os.urandom(700)))


@pytest.fixture(scope="session")
def tsa_wrong_type_url() -> Iterator[str]:
    yield from _fault_server(_answer(200, "text/html", lambda: b"<html>captive portal</html>"))


@pytest.fixture(scope="session")
def tsa_trickling_url() -> Iterator[str]:
    yield from _fault_server(_trickle)


class SwitchableTSA:
    """One URL whose behaviour a test switches, for "pending now, retried later" flows.

    ``set(fault)`` with fault one of ``FAULTS``: "ok" (real OpenSSL tokens),
    "down" (connection refused on the same port), "hang", "http500", "garbage",
    "wrong-type" or "reject" (a real OpenSSL rejection, failInfo badAlg).
    """

    FAULTS = ("ok", "down", "hang", "http500", "garbage", "wrong-type", "reject")

    def __init__(self, directory: Path) -> None:
        self.dev = DevTSA(directory / "good", "rsa")
        self.rejecting = DevTSA(directory / "rejecting", "rsa", digests=("sha512",))
        self.fault = "ok"
        self._released = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._port = 0
        self._start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}/tsa"

    @property
    def ca_pem_path(self) -> Path:
        return self.dev.ca_pem_path

    def set(self, fault: str) -> None:
        if fault not in self.FAULTS:
            raise ValueError(f"fault must be one of {self.FAULTS}")
        self.fault = fault
        self._released.set()  # let go of any hanging request
        self._released = threading.Event()
        if fault == "down":
            self._stop()
        elif self._server is None:
            self._start()

    def _respond(self, handler: BaseHTTPRequestHandler, tsq: bytes) -> None:
        fault = self.fault
        if fault == "hang":
            self._released.wait(60)
            return
        respond = {
            "http500": _answer(500, "text/plain", lambda: b"internal error\n"),
            "garbage": _answer(200, "application/timestamp-reply", lambda: os.urandom(700)),
            "wrong-type": _answer(200, "text/html", lambda: b"<html>captive portal</html>"),
            "reject": _answer(200, "application/timestamp-reply", lambda: self.rejecting.reply(tsq)),
        }.get(fault, _answer(200, "application/timestamp-reply", lambda: self.dev.reply(tsq)))
        respond(handler)

    def _start(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                owner._respond(self, self.rfile.read(int(self.headers.get("Content-Length") or 0)))

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self._port), Handler)
        self._server.daemon_threads = True
        self._port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, args=(0.1,), daemon=True).start()

    def _stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def close(self) -> None:
        self._released.set()
        self._stop()


@pytest.fixture
def switchable_tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SwitchableTSA]:
    require_or_skip(shutil.which("openssl") is not None, "openssl command not installed")
    tsa = SwitchableTSA(tmp_path_factory.mktemp("tsa-switchable"))
    yield tsa
    tsa.close()


@pytest.fixture(scope="session")
def tsa_refused_url() -> str:
    """A loopback port with nothing listening (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/tsa"


@pytest.fixture(scope="session")
def tsa_hanging_url() -> Iterator[str]:
    """Accepts connections and never answers; use a short client timeout (HANG_TIMEOUT)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            held.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    yield _url(listener)
    stop.set()
    listener.close()
    for conn in held:
        conn.close()
