"""Bad input and hostile targets: refused URLs, private addresses, unreachable hosts."""

from __future__ import annotations

import socket

import pytest
from typer.testing import CliRunner

from evidence_capture.capture import new_capture_id, run_capture, validate_url
from evidence_capture.capture.addresses import (AddressGuard, DnsAnswer, is_private, pin_rule,
                                                resolve)
from evidence_capture.cli import app
from evidence_capture.config import load_settings
from evidence_capture.errors import InvalidURLError
from evidence_capture.models import CaptureState
from tests.fixtures_shop import TEST_OPTIONS, require_chromium

REFUSED = [
    "file:///etc/passwd",
    "javascript:alert(1)",
    "data:text/html,<h1>hi</h1>",
    "chrome://settings",
    "ftp://example.com/x",
    "http://",
    "http:///path-only",
    "https://exa mple.com/",
    "http://example.com:99999/",
    "http://[::1/",
    "example.com/no-scheme",
    "",
]


@pytest.mark.parametrize("url", REFUSED)
def test_attack_non_http_or_malformed_url_is_refused_with_exit_2(url: str) -> None:
    result = CliRunner().invoke(app, ["capture", url], catch_exceptions=False)
    assert result.exit_code == 2
    assert "error:" in result.stderr and "URL" in result.stderr


@pytest.mark.parametrize("url", REFUSED)
def test_validate_url_refuses(url: str) -> None:
    with pytest.raises(InvalidURLError):
        validate_url(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/a?b=c", "https://店铺.example/商品",
                                 "https://[2001:db8::1]/", " https://shop.example.com/ "])
def test_validate_url_accepts(url: str) -> None:
    assert validate_url(url) == url.strip()


def test_capture_id_format() -> None:
    capture_id = new_capture_id()
    stamp, _, tail = capture_id.partition("-")
    assert len(stamp) == 16 and stamp.endswith("Z") and stamp[8] == "T"
    assert len(tail) == 8 and int(tail, 16) >= 0
    assert new_capture_id() != capture_id


@pytest.mark.parametrize(("ip", "private"), [
    ("127.0.0.1", True), ("10.1.2.3", True), ("192.168.0.1", True), ("172.16.5.4", True),
    ("169.254.169.254", True), ("::1", True), ("fe80::1", True), ("fd00::1", True),
    ("::ffff:127.0.0.1", True), ("100.64.0.1", True), ("0.0.0.0", True),
    ("8.8.8.8", False), ("2001:4860:4860::8888", False), ("203.0.113.1", True),
])
def test_private_address_classification(ip: str, private: bool) -> None:
    assert is_private(ip) is private


def test_attack_dns_rebinding_main_host_is_pinned_to_the_checked_address() -> None:
    mixed = DnsAnswer("shop.example", ("10.0.0.7", "8.8.8.8"))
    assert pin_rule(mixed, allow_private=False) == "MAP shop.example 8.8.8.8"
    assert pin_rule(mixed, allow_private=True) == "MAP shop.example 10.0.0.7"
    assert pin_rule(DnsAnswer("v6.example", ("2001:4860::1",)), False) == "MAP v6.example [2001:4860::1]"
    assert pin_rule(DnsAnswer("127.0.0.1", ("127.0.0.1",)), True) is None  # an IP literal
    assert pin_rule(resolve("shop.nonexistent.invalid"), True) is None


def test_attack_host_with_any_private_answer_is_refused() -> None:
    guard = AddressGuard(allow_private=False)
    assert "private address" in str(guard.refusal("http://localhost:8080/"))
    assert "private address" in str(guard.refusal("http://[::1]/"))
    assert AddressGuard(allow_private=True).refusal("http://localhost/") is None


@pytest.mark.browser
def test_attack_ssrf_private_address_blocked_without_allow_private(shop, evidence_home) -> None:
    settings = load_settings()
    require_chromium(settings)
    before = len(shop.requests)
    capture_id = new_capture_id()
    result = run_capture(shop.url("product"), TEST_OPTIONS.with_changes(allow_private=False),
                         settings=settings, folder=settings.capture_dir(capture_id), case=None,
                         officers=(), capture_id=capture_id)
    assert result.state is CaptureState.FAILED
    assert len(shop.requests) == before, "the browser must not have reached the server"
    nav = next(s for s in result.steps if s.name == "navigate")
    assert nav.outcome == "failed" and "private address 127.0.0.1" in nav.detail
    prov = (result.folder / "provenance.json").read_text(encoding="utf-8")
    assert '"private_addresses_allowed": false' in prov and "blocked_requests" in prov
    assert {"provenance.json", "environment.json"} <= {a.name for a in result.artifacts}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.browser
@pytest.mark.parametrize("url", [f"http://127.0.0.1:{_closed_port()}/", "http://shop.nonexistent.invalid/"],
                         ids=["connection-refused", "dns-failure"])
def test_unreachable_host_fails_clearly_and_keeps_records(url: str, evidence_home) -> None:
    settings = load_settings()
    require_chromium(settings)
    capture_id = new_capture_id()
    result = run_capture(url, TEST_OPTIONS, settings=settings,
                         folder=settings.capture_dir(capture_id), case=None, officers=(),
                         capture_id=capture_id)
    assert result.state is CaptureState.FAILED
    nav = next(s for s in result.steps if s.name == "navigate")
    assert nav.outcome == "failed" and "navigation failed" in nav.detail
    assert all(s.outcome == "skipped" for s in result.steps if s.name in ("screenshot", "dom"))
    names = {a.name for a in result.artifacts}
    assert {"provenance.json", "environment.json", "network.har", "session.webm"} <= names


@pytest.mark.browser
def test_closing_steps_run_after_the_total_budget_is_spent(shop, evidence_home) -> None:
    settings = load_settings()
    require_chromium(settings)
    capture_id = new_capture_id()
    result = run_capture(shop.url("hang"), TEST_OPTIONS.with_changes(total_timeout=2.0),
                         settings=settings, folder=settings.capture_dir(capture_id), case=None,
                         officers=(), capture_id=capture_id)
    outcomes = {s.name: (s.outcome, s.detail) for s in result.steps}
    assert result.state is CaptureState.PARTIAL
    assert outcomes["navigate"][0] == "timeout"
    assert outcomes["pdf"] == ("timeout", "not run: total budget spent")
    assert outcomes["close"][0] == "ok" and outcomes["network_log"][0] == "ok"
    assert {"network.har", "session.webm"} <= {a.name for a in result.artifacts}


def test_browser_that_cannot_start_is_an_operational_error(monkeypatch, tmp_path, station_key) -> None:
    monkeypatch.setenv("EVIDENCE_CHROMIUM", str(tmp_path / "no-such-chromium"))
    result = CliRunner().invoke(app, ["capture", "http://127.0.0.1:9/", "--allow-private", "--officer", "张三:SH-1",
                                      "--officer", "李四:SH-2", "--no-timestamp", "test"],
                                catch_exceptions=False)
    assert result.exit_code == 3
    assert "cannot start Chromium" in result.stderr
