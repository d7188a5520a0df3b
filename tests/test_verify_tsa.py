"""Sealing with two real OpenSSL TSAs (RSA and ECDSA), then the token half of the tamper matrix."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess

import pytest

from evidence_capture.manifests.seal import TIMESTAMPED, TsaConfig, seal_capture
from evidence_capture.timestamping import request_timestamp
from evidence_capture.verify.checks import CheckStatus
from evidence_capture.verify.runner import verify_capture
from tests.conftest import require_or_skip
from tests.fixtures_tsa import EXPIRY_LEAD, flip_signature_byte, load_roots

pytestmark = pytest.mark.tsa


@pytest.fixture
def roots(tsa_rsa, tsa_ec):
    return tuple(load_roots(tsa_rsa.ca_pem_path, tsa_ec.ca_pem_path))


@pytest.fixture
def sealed(capture_folder, station_key, tsa_rsa, tsa_ec, roots):
    result = seal_capture(capture_folder, key=station_key,
                          tsa=TsaConfig(urls=(tsa_rsa.url, tsa_ec.url), roots=roots))
    assert result.state == TIMESTAMPED, result.as_record()
    return capture_folder


def _verify(folder, key, roots, **kwargs):
    return verify_capture(folder, trusted_keys=[key.public_key], tsa_roots=roots, **kwargs)


def _failed(report) -> set[str]:
    return {check.name for check in report.with_status(CheckStatus.FAIL)}


def _assert_token_fails(report, check: str, number: int = 1, *, also: frozenset = frozenset()) -> None:
    assert _failed(report) == {f"timestamp:{number}", *also}, report.as_record()
    assert report.get(f"timestamp:{number}").reason.startswith(check + ":")


def _install(folder, number: int, exchange, *, keep_nonce: bool = False) -> None:
    """Put a foreign token into slot ``number``, as an attacker would."""
    (folder / "timestamps" / f"{number}.tsr").write_bytes(exchange.tsr)
    if not keep_nonce:
        (folder / "timestamps" / f"{number}.tsq").write_bytes(exchange.tsq)
        record_path = folder / "timestamps" / f"{number}.json"
        record = json.loads(record_path.read_text())
        record["nonce"] = str(exchange.nonce)
        record_path.write_text(json.dumps(record))


def _manifest_digest(folder) -> bytes:
    return hashlib.sha256((folder / "manifest.json").read_bytes()).digest()


def test_sealed_with_rsa_and_ecdsa_tsas_verifies(sealed, station_key, roots) -> None:
    report = _verify(sealed, station_key, roots)
    assert report.ok(strict=True), report.as_record()
    assert {"timestamp:1", "timestamp:2", "time.gentime", "time.http_date"} <= {c.name for c in report.checks}
    assert "DEVELOPMENT TSA" in report.get("timestamp:1").reason
    manifest = json.loads((sealed / "manifest.json").read_bytes())
    assert "DEVELOPMENT" in manifest["dev_tsa_warning"]  # the manifest says so, too
    assert "DEVELOPMENT" in report.get("manifest.parse").reason
    record = json.loads((sealed / "timestamps" / "2.json").read_text())
    assert record["state"] == "granted" and record["gen_time"] and record["serial"] and record["policy_oid"]


def test_openssl_ts_verify_accepts_stored_tokens(sealed, tsa_rsa, tsa_ec) -> None:
    require_or_skip(shutil.which("openssl") is not None, "openssl CLI not installed")
    for number, tsa in ((1, tsa_rsa), (2, tsa_ec)):
        for source in (["-data", str(sealed / "manifest.json")],
                       ["-queryfile", str(sealed / "timestamps" / f"{number}.tsq")]):
            done = subprocess.run(["openssl", "ts", "-verify", *source,
                                   "-in", str(sealed / "timestamps" / f"{number}.tsr"),
                                   "-CAfile", str(tsa.ca_pem_path)], capture_output=True, text=True)
            assert done.returncode == 0 and "Verification: OK" in done.stdout, done.stderr


def test_attack_one_byte_flipped_in_tsr(sealed, station_key, roots) -> None:
    path = sealed / "timestamps" / "2.tsr"
    path.write_bytes(flip_signature_byte(path.read_bytes()))
    _assert_token_fails(_verify(sealed, station_key, roots), "tsa.signature", 2)


def test_attack_tsr_truncated(sealed, station_key, roots) -> None:
    path = sealed / "timestamps" / "1.tsr"
    path.write_bytes(path.read_bytes()[:-40])
    assert _failed(_verify(sealed, station_key, roots)) == {"timestamp:1"}


def test_attack_token_from_untrusted_tsa_root(sealed, station_key, roots, tsa_untrusted) -> None:
    _install(sealed, 1, request_timestamp(tsa_untrusted.url, _manifest_digest(sealed), timeout=30))
    _assert_token_fails(_verify(sealed, station_key, roots), "tsa.chain")


def test_attack_token_over_a_different_digest(sealed, station_key, roots, tsa_rsa) -> None:
    _install(sealed, 1, request_timestamp(tsa_rsa.url, hashlib.sha256(b"other bytes").digest(), timeout=30))
    # the installed .tsq asks for the other bytes too: it is not this manifest's request
    _assert_token_fails(_verify(sealed, station_key, roots), "tsa.imprint",
                        also=frozenset({"artifacts.unlisted"}))


def test_attack_tsa_certificate_without_timestamping_eku(sealed, station_key, roots, tsa_no_eku) -> None:
    _install(sealed, 1, request_timestamp(tsa_no_eku.url, _manifest_digest(sealed), timeout=30))
    every_root = roots + tuple(load_roots(tsa_no_eku.ca_pem_path))
    _assert_token_fails(_verify(sealed, station_key, every_root), "tsa.eku")


def test_attack_replayed_token_with_wrong_nonce(sealed, station_key, roots, tsa_rsa) -> None:
    """A genuine token over the same manifest, but from another request: its nonce differs."""
    _install(sealed, 1, request_timestamp(tsa_rsa.url, _manifest_digest(sealed), timeout=30), keep_nonce=True)
    _assert_token_fails(_verify(sealed, station_key, roots), "tsa.nonce")


def test_tsa_certificate_expired_now_but_valid_at_gentime_passes(capture_folder, station_key, expiring_tsa) -> None:
    tsa = expiring_tsa(EXPIRY_LEAD)
    roots = tuple(load_roots(tsa.ca_pem_path))
    result = seal_capture(capture_folder, key=station_key, tsa=TsaConfig(urls=(tsa.url,), roots=roots))
    assert result.state == TIMESTAMPED, result.as_record()
    tsa.wait_until_expired()
    report = _verify(capture_folder, station_key, roots)
    assert report.get("timestamp:1").status is CheckStatus.PASS, report.get("timestamp:1")
    assert report.ok(strict=True)


def test_tokens_without_roots_are_not_checked(sealed, station_key) -> None:
    report = _verify(sealed, station_key, ())
    assert report.get("timestamp:1").status is CheckStatus.NOT_CHECKED
    assert report.get("time.gentime").status is CheckStatus.NOT_CHECKED
    assert report.ok() and not report.ok(strict=True)


def test_attack_manifest_byte_flip_breaks_tokens_too(sealed, station_key, roots) -> None:
    data = bytearray((sealed / "manifest.json").read_bytes())
    data[data.index(b'"final_url":"https://') + 21] ^= 0x01
    (sealed / "manifest.json").write_bytes(bytes(data))
    report = _verify(sealed, station_key, roots)
    assert _failed(report) == {"signature", "timestamp:1", "timestamp:2", "artifacts.unlisted"}
    assert report.get("timestamp:2").reason.startswith("tsa.imprint:")


def test_cli_seal_with_two_tsas_then_verify(capture_folder, station_key, tsa_rsa, tsa_ec, tmp_path,
                                            monkeypatch) -> None:
    from typer.testing import CliRunner

    from evidence_capture.cli import app

    bundle = tmp_path / "tsa-roots.pem"
    bundle.write_bytes(tsa_rsa.ca_pem_path.read_bytes() + tsa_ec.ca_pem_path.read_bytes())
    monkeypatch.setenv("EVIDENCE_TSA_URL", f"{tsa_rsa.url},{tsa_ec.url}")
    monkeypatch.setenv("EVIDENCE_TSA_CA", str(bundle))
    runner = CliRunner()
    sealed = runner.invoke(app, ["seal", capture_folder.name], catch_exceptions=False)
    assert sealed.exit_code == 0 and f"{capture_folder.name}: timestamped" in sealed.output, sealed.output
    assert "DEVELOPMENT" in sealed.output
    verified = runner.invoke(app, ["verify", capture_folder.name, "--strict", "--json"], catch_exceptions=False)
    assert verified.exit_code == 0, verified.output
    names = {check["name"]: check["status"] for check in json.loads(verified.stdout)["checks"]}
    assert names["timestamp:1"] == names["timestamp:2"] == "pass"


def test_tsa_with_intermediate_ca_verifies(capture_folder, station_key, tsa_intermediate) -> None:
    roots = tuple(load_roots(tsa_intermediate.ca_pem_path))
    seal_capture(capture_folder, key=station_key, tsa=TsaConfig(urls=(tsa_intermediate.url,), roots=roots))
    assert _verify(capture_folder, station_key, roots).ok(strict=True)


@pytest.mark.parametrize("corrupt", [
    lambda data: data[:len(data) // 2],
    lambda data: data[:40] + bytes(len(data) - 40),
    lambda data: bytes([data[0] ^ 0x01]) + data[1:],  # a SET, not a SEQUENCE: pyasn1 dumps its schema
])
def test_attack_corrupted_token_gives_a_one_line_reason(sealed, station_key, roots, corrupt) -> None:
    token = sealed / "timestamps" / "1.tsr"
    token.write_bytes(corrupt(token.read_bytes()))
    reason = _verify(sealed, station_key, roots).get("timestamp:1").reason
    assert reason.startswith("tsa.") and "\n" not in reason and len(reason) <= 240, reason
