from __future__ import annotations

from datetime import datetime, timezone

import pytest
from typer.testing import CliRunner

from evidence_capture import __version__
from evidence_capture.cli import app
from evidence_capture.config import ENV_VARS, load_settings
from evidence_capture.defaults import DEFAULTS
from evidence_capture.errors import ConfigError, InputError
from evidence_capture.models import Officer
from evidence_capture.timeutil import iso_beijing, iso_utc, require_aware


def test_help_lists_every_environment_variable() -> None:
    result = CliRunner().invoke(app, ["--help"], catch_exceptions=False)
    assert result.exit_code == 0
    for name in ENV_VARS:
        assert name in result.output


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"], catch_exceptions=False)
    assert result.output.strip() == f"evidence-capture {__version__}"


def test_settings_home_from_environment(evidence_home) -> None:
    settings = load_settings()
    assert settings.home == evidence_home.resolve()
    assert settings.db_url.startswith("sqlite:///")


def test_settings_toml_file(evidence_home, monkeypatch) -> None:
    (evidence_home / "config.toml").write_text('tsa_url = "http://127.0.0.1:1/a,http://127.0.0.1:2/b"\n')
    assert load_settings().tsa_urls == ("http://127.0.0.1:1/a", "http://127.0.0.1:2/b")
    monkeypatch.setenv("EVIDENCE_TSA_URL", "http://127.0.0.1:3/")
    assert load_settings().tsa_urls == ("http://127.0.0.1:3/",)


def test_settings_toml_unknown_key_is_refused(evidence_home) -> None:
    (evidence_home / "config.toml").write_text('colour = "red"\n')
    with pytest.raises(ConfigError, match="colour"):
        load_settings()


def test_officer_parse() -> None:
    assert Officer.parse("张三:SH-12345") == Officer("张三", "SH-12345")
    with pytest.raises(InputError):
        Officer.parse("no certificate")


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        require_aware(datetime(2026, 1, 1))
    moment = datetime(2026, 11, 29, 2, 0, tzinfo=timezone.utc)
    assert iso_utc(moment) == "2026-11-29T02:00:00.000000Z"
    assert iso_beijing(moment) == "2026-11-29T10:00:00+08:00"


def test_defaults_record_has_every_option() -> None:
    record = DEFAULTS.as_record()
    assert record["viewport_width"] == 1366 and record["viewport_height"] == 768
    assert "budgets" in record


@pytest.mark.parametrize("url", ["http://[::1", "ftp://tsa.test/", "http://", "tsa.test/x",
                                 "http://tsa.test:99999/"])
def test_malformed_tsa_url_is_a_config_error(url: str, monkeypatch) -> None:
    monkeypatch.setenv("EVIDENCE_TSA_URL", f"http://127.0.0.1:3/,{url}")
    with pytest.raises(ConfigError, match="EVIDENCE_TSA_URL"):
        load_settings()


def test_tsa_ca_must_be_a_readable_pem_bundle(tmp_path, monkeypatch) -> None:
    (tmp_path / "empty.pem").write_text("")
    (tmp_path / "junk.pem").write_text("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n")
    for bad in (tmp_path / "missing.pem", tmp_path, tmp_path / "empty.pem", tmp_path / "junk.pem"):
        monkeypatch.setenv("EVIDENCE_TSA_CA", str(bad))
        with pytest.raises(ConfigError, match="EVIDENCE_TSA_CA"):
            load_settings()
