"""Shared test fixtures.

Every test gets its own EVIDENCE_HOME, NO_COLOR and a fixed COLUMNS, and may
only open network connections to loopback.  Fixtures for the local test shop
and the local OpenSSL TSA live in ``tests/fixtures_*.py`` and are registered
as plugins below.
"""

from __future__ import annotations

import ipaddress
import os
import socket

import pytest

pytest_plugins: list[str] = [
    "tests.fixtures_shop",
    "tests.fixtures_report",
    "tests.fixtures_tsa",
    "tests.fixtures_capture_folder",
    "tests.fixtures_seal",
    "tests.fixtures_store",
    "tests.fixtures_services",
]

_REAL_CONNECT = socket.socket.connect


def _loopback_only(self: socket.socket, address):  # type: ignore[no-untyped-def]
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        try:
            loopback = ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = host == "localhost"
        if not loopback:
            raise OSError(f"tests may not connect to {host!r}: network disabled")
    return _REAL_CONNECT(self, address)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)


@pytest.fixture(autouse=True)
def evidence_home(tmp_path, monkeypatch: pytest.MonkeyPatch):
    """An isolated data directory and a clean environment for every test."""
    for name in list(os.environ):
        if name.startswith("EVIDENCE_"):
            monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("EVIDENCE_HOME", str(home))
    monkeypatch.setenv("EVIDENCE_LANG", "en")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    return home


def require_or_skip(condition: bool, reason: str) -> None:
    """Skip locally when a dependency is missing; in CI a skip is a failure."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)
