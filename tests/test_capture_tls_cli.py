"""`evidence capture` over HTTPS with a private CA: --tls-ca, --record-tls-errors, hints."""

from __future__ import annotations

import json
import socket
import ssl
import time
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evidence_capture.capture import tls_check
from evidence_capture.cli import app
from evidence_capture.config import load_settings
from evidence_capture.sample_shop.testca import make_test_pki
from evidence_capture.timeutil import utcnow
from tests.fixtures_shop import require_chromium

TWO = ["--officer", "张三:SH-001", "--officer", "李四:SH-002"]


def _capture(url: str, *extra: str) -> tuple[object, dict, Path]:
    require_chromium(load_settings())
    result = CliRunner().invoke(app, ["capture", url, "--allow-private", "--json", *TWO,
                                      "--timeout", "60", *extra], catch_exceptions=False)
    record = json.loads(result.stdout)[0]
    return result, record, Path(record["folder"])


def _provenance(folder: Path) -> dict:
    return json.loads((folder / "provenance.json").read_text(encoding="utf-8"))


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


@pytest.mark.browser
def test_private_ca_without_tls_ca_fails_but_keeps_the_chain(https_shop, station_key, tsa_config,
                                                             monkeypatch) -> None:
    monkeypatch.setenv("EVIDENCE_LANG", "zh")
    result, record, folder = _capture(https_shop.url("product"))
    assert result.exit_code == 3, result.output
    assert record["state"] == "FAILED"
    kept = folder / "tls" / f"127.0.0.1_{https_shop.port}.pem"
    chain = tls_check.pems(kept.read_bytes())
    assert chain[0].subject.rfc4514_string().startswith("CN=127.0.0.1")
    check = _provenance(folder)["tls_validation"]
    assert check["checked_by"] == "chromium" and "ERR_CERT_AUTHORITY_INVALID" in check["error"]
    shown = CliRunner().invoke(app, ["capture", https_shop.url("product"), "--allow-private",
                                     *TWO, "--timeout", "60"], catch_exceptions=False)
    assert shown.exit_code == 3
    assert "网站证书未通过校验" in shown.output and "--tls-ca" in shown.output


@pytest.mark.browser
def test_tls_ca_of_the_shop_makes_the_capture_complete(https_shop, station_key, tsa_config,
                                                       tmp_path) -> None:
    bundle = _write(tmp_path / "shop-ca.pem", https_shop.ca_pem)
    result, record, folder = _capture(https_shop.url("product"), "--tls-ca", bundle)
    assert record["state"] == "COMPLETE", result.output
    assert result.exit_code == (0 if record["seal_state"] == "timestamped" else 4)
    prov = _provenance(folder)
    assert prov["options"]["tls_ca"] == bundle and prov["options"]["record_tls_errors"] is False
    check = prov["tls_validation"]
    assert check["valid"] is True and check["error"] is None and check["checked_by"] == "engine"
    assert check["against"]["bundle"] == bundle and check["against"]["given"] is True
    assert (folder / check["file"]).is_file()
    env = json.loads((folder / "environment.json").read_text(encoding="utf-8"))
    assert {"check": "tls", "status": "ok"} == {k: v for k, v in
                                                next(f for f in env["findings"]
                                                     if f["check"] == "tls").items()
                                                if k not in ("detail", "detail_msg")}


@pytest.mark.browser
def test_attack_wrong_ca_bundle_recorded_with_record_tls_errors(https_shop, station_key,
                                                               tsa_config, tmp_path) -> None:
    wrong = _write(tmp_path / "other-ca.pem", make_test_pki().ca_pem)
    result, record, folder = _capture(https_shop.url("product"), "--tls-ca", wrong,
                                      "--record-tls-errors")
    assert result.exit_code == 4, result.output
    assert record["state"] == "PARTIAL"
    check = _provenance(folder)["tls_validation"]
    assert check["valid"] is False and "signature does not match" in check["error"]
    env = json.loads((folder / "environment.json").read_text(encoding="utf-8"))
    finding = next(f for f in env["findings"] if f["check"] == "tls")
    assert finding["status"] == "warn" and finding["detail_msg"]["params"]["error"] == check["error"]
    assert "the chain does not lead to a trusted root" in finding["detail"]
    assert "CN=127.0.0.1" in finding["detail"] and (folder / check["file"]).is_file()
    assert any("--record-tls-errors" in w for w in record["warnings"])
    assert (folder / "screenshot.png").stat().st_size > 0  # captured anyway


def test_attack_wrong_ca_bundle_does_not_validate(https_shop) -> None:
    served = tls_check.fetch_served_chain("127.0.0.1", "127.0.0.1", https_shop.port, 10)
    chain = tls_check.pems(served)
    wrong = tls_check.pems(make_test_pki().ca_pem)
    assert "signature does not match" in tls_check.validate(chain, wrong, "127.0.0.1", utcnow())
    right = tls_check.pems(https_shop.ca_pem)
    assert tls_check.validate(chain, right, "127.0.0.1", utcnow()) is None
    assert "subjectAltName" in tls_check.validate(chain, right, "127.0.0.2", utcnow())
    later = utcnow() + timedelta(days=30)  # the shop's certificates expire after two days
    assert "not valid at validation time" in tls_check.validate(chain, right, "127.0.0.1", later)


@pytest.mark.parametrize("lang,text", [("zh", "无法读取证书包"), ("en", "cannot read the CA bundle")])
def test_unreadable_tls_ca_is_a_usage_error(lang, text, station_key, tsa_config, tmp_path,
                                            monkeypatch) -> None:
    monkeypatch.setenv("EVIDENCE_LANG", lang)
    result = CliRunner().invoke(app, ["capture", "https://example.com/", *TWO, "--tls-ca",
                                      str(tmp_path / "missing.pem")], catch_exceptions=False)
    assert result.exit_code == 2 and text in result.output


@pytest.mark.browser
def test_unreachable_host_gets_a_hint_in_the_officers_language(station_key, tsa_config,
                                                               monkeypatch) -> None:
    require_chromium(load_settings())
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("EVIDENCE_LANG", "zh")
    result = CliRunner().invoke(app, ["capture", f"http://127.0.0.1:{port}/", "--allow-private",
                                      *TWO, "--timeout", "30"], catch_exceptions=False)
    assert result.exit_code == 3
    assert "ERR_CONNECTION_REFUSED" in result.output and "无法连接到该网站" in result.output


@pytest.mark.browser
def test_attack_wrong_ca_bundle_fails_the_capture(https_shop, station_key, tsa_config, tmp_path,
                                                  monkeypatch) -> None:
    require_chromium(load_settings())
    wrong = _write(tmp_path / "other-ca.pem", make_test_pki().ca_pem)
    result = CliRunner().invoke(app, ["capture", https_shop.url("product"), "--allow-private",
                                      *TWO, "--timeout", "60", "--tls-ca", wrong],
                                catch_exceptions=False)
    assert result.exit_code == 3, result.output
    assert "did not validate" in result.output and "--record-tls-errors" in result.output
    folder = next((load_settings().home / "captures").iterdir())
    check = _provenance(folder)["tls_validation"]
    assert check["valid"] is False and check["checked_by"] == "engine"
    assert "signature does not match" in check["error"] and (folder / check["file"]).is_file()
    assert not (folder / "screenshot.png").exists()  # nothing from that server is captured


@pytest.mark.browser
def test_dns_failure_gets_a_hint_in_english(station_key, tsa_config) -> None:
    require_chromium(load_settings())
    result = CliRunner().invoke(app, ["capture", "http://no-such-shop.invalid/", *TWO,
                                      "--timeout", "30"], catch_exceptions=False)
    assert result.exit_code == 3, result.output
    assert "ERR_NAME_NOT_RESOLVED" in result.output
    assert "hint: the host name does not resolve" in result.output


def test_sample_shop_logs_a_rejected_certificate_in_one_line(https_shop, capfd) -> None:
    client = ssl.create_default_context()  # the system roots: the shop's test CA is not among them
    with socket.create_connection(("127.0.0.1", https_shop.port)) as raw:
        with pytest.raises(ssl.SSLCertVerificationError):
            client.wrap_socket(raw, server_hostname="127.0.0.1")
    err, deadline = "", time.monotonic() + 10
    while "sample shop:" not in err and time.monotonic() < deadline:  # the handler thread logs it
        time.sleep(0.05)
        err += capfd.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("sample shop: 127.0.0.1:"), err
    assert "Traceback" not in err
