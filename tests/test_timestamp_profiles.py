"""Capture-time profiles: the configurations real TSAs use, each a local OpenSSL TSA.

One real browser capture of the sample shop, made for this module, is sealed
against every profile (a fresh copy each time); each must end ``timestamped``,
never pending, and pass ``evidence verify --strict`` with only the configured
trust.  The capture is this module's own (not the session's memoised one): a
token obtained long after the capture ended rightly fails ``time.gentime``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.manifests.seal import TIMESTAMPED, TsaConfig, seal_capture
from evidence_capture.timestamping.devtsa import DevTSA
from tests.fixtures_shop import TEST_OPTIONS, require_chromium
from tests.fixtures_tsa import load_roots

pytestmark = [pytest.mark.tsa, pytest.mark.browser]

PROFILES: dict[str, dict[str, Any]] = {
    "root-intermediate-tsa": {"key_type": "ec", "intermediate": True},
    "ess-cert-id-v1": {"ess_cert_id_alg": "sha1"},
    "signer-sha384": {"signer_digest": "sha384"},
    "signer-sha512": {"key_type": "ec", "signer_digest": "sha512"},
    "millisecond-accuracy": {"accuracy": "secs:0, millisecs:1"},
    "no-tsa-name": {"tsa_name": False},
    "no-certificates": {"send_certs": False},
}


@pytest.fixture(scope="module")
def fresh_capture(shop, capture_settings) -> Path:  # type: ignore[no-untyped-def]
    from evidence_capture.capture import new_capture_id, run_capture

    require_chromium(capture_settings)
    capture_id = new_capture_id()
    result = run_capture(shop.url("product"), TEST_OPTIONS, settings=capture_settings,
                         folder=capture_settings.capture_dir(capture_id), case=None, officers=(),
                         capture_id=capture_id)
    return Path(result.folder)


@pytest.mark.parametrize("profile", list(PROFILES))
def test_capture_time_profile_ends_timestamped_and_verifies_strict(
        profile: str, fresh_capture: Path, station_key, evidence_home: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    options = dict(PROFILES[profile])
    tsa = DevTSA(tmp_path / "tsa", options.pop("key_type", "rsa"), **options).serve()
    try:
        folder = evidence_home / "captures" / f"profile-{profile}"
        shutil.copytree(fresh_capture, folder)
        chain = load_roots(tsa.tsa_cert_path) if profile == "no-certificates" else []
        config = TsaConfig(urls=(tsa.url,), roots=tuple(load_roots(tsa.ca_pem_path)), chain=tuple(chain))
        result = seal_capture(folder, key=station_key, tsa=config)
        assert result.state == TIMESTAMPED, [t.error for t in result.timestamps]
        monkeypatch.setenv("EVIDENCE_TSA_CA", str(tsa.ca_pem_path))
        if chain:
            monkeypatch.setenv("EVIDENCE_TSA_CHAIN", str(tsa.tsa_cert_path))
        verified = CliRunner().invoke(app, ["verify", str(folder), "--strict", "--json"], catch_exceptions=False)
        assert verified.exit_code == 0, verified.output
        report = json.loads(verified.stdout)
        assert report["ok"] and report["strict"], report
        tokens = [c for c in report["checks"] if c["name"].startswith("timestamp")]
        assert tokens and all(c["status"] == "pass" for c in tokens), tokens
    finally:
        tsa.close()


def test_attack_no_certificates_without_configured_chain_stays_pending(
        fresh_capture: Path, station_key, evidence_home: Path, tmp_path: Path) -> None:
    """A TSA that sends no certificates, and no EVIDENCE_TSA_CHAIN: the token cannot be
    checked, so the capture stays timestamp-pending (never a token nobody verified)."""
    tsa = DevTSA(tmp_path / "tsa", "rsa", send_certs=False).serve()
    try:
        folder = evidence_home / "captures" / "profile-no-chain"
        shutil.copytree(fresh_capture, folder)
        result = seal_capture(folder, key=station_key,
                              tsa=TsaConfig(urls=(tsa.url,), roots=tuple(load_roots(tsa.ca_pem_path))))
        assert result.state == "timestamp-pending"
        assert "EVIDENCE_TSA_CHAIN" in (result.timestamps[0].error or "")
    finally:
        tsa.close()
