"""verify_token on real OpenSSL tokens: good ones pass (and OpenSSL agrees),
every bad one fails with the exact check named."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from evidence_capture.errors import ConfigError, VerificationError
from evidence_capture.timestamping import request_timestamp, verify_token
from evidence_capture.timestamping.devtsa import DevTSA, is_dev_tsa_name
from tests.fixtures_tsa import flip_signature_byte, load_roots

pytestmark = pytest.mark.tsa

DIGEST = hashlib.sha256(b"manifest bytes").digest()


def _token(tsa: DevTSA, digest: bytes = DIGEST):  # type: ignore[no-untyped-def]
    return request_timestamp(tsa.url, digest, timeout=10)


def _openssl_verify(tmp_path: Path, exchange, ca: Path) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    (tmp_path / "t.tsq").write_bytes(exchange.tsq)
    (tmp_path / "t.tsr").write_bytes(exchange.tsr)
    return subprocess.run(
        ["openssl", "ts", "-verify", "-queryfile", str(tmp_path / "t.tsq"),
         "-in", str(tmp_path / "t.tsr"), "-CAfile", str(ca)],
        capture_output=True, text=True, check=False)


@pytest.mark.parametrize("name", ["tsa_rsa", "tsa_ec"])
def test_genuine_token_verifies_and_openssl_agrees(name: str, request, tmp_path: Path) -> None:
    tsa: DevTSA = request.getfixturevalue(name)
    exchange = _token(tsa)
    info = verify_token(exchange.tsr, digest=DIGEST, nonce=exchange.nonce,
                        roots=load_roots(tsa.ca_pem_path))
    assert info.nonce == exchange.nonce
    assert info.message_imprint == "sha256:" + DIGEST.hex()
    assert info.policy_oid == "1.2.3.4.1"
    assert is_dev_tsa_name(info.tsa_name)
    assert info.signer_fingerprint.startswith("sha256:") and len(info.signer_fingerprint) == 71
    assert info.gen_time.tzinfo is not None
    assert len(info.chain_pems) == 2
    expected = "rsa-sha256" if name == "tsa_rsa" else "ecdsa-with-SHA256"
    assert info.signature_algorithm == expected
    checked = _openssl_verify(tmp_path, exchange, tsa.ca_pem_path)
    assert checked.returncode == 0, checked.stderr
    assert "Verification: OK" in checked.stdout


def test_intermediate_chain_token_passes(tsa_intermediate: DevTSA, tmp_path: Path) -> None:
    exchange = _token(tsa_intermediate)
    info = verify_token(exchange.tsr, digest=DIGEST, nonce=exchange.nonce,
                        roots=load_roots(tsa_intermediate.ca_pem_path))
    assert len(info.chain_pems) == 3  # TSA, intermediate carried in the token, root
    checked = _openssl_verify(tmp_path, exchange, tsa_intermediate.ca_pem_path)
    assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize("pinned", ["intermediate.pem", "tsa.pem"])
def test_attack_pinning_a_non_root_is_not_a_trust_anchor(tsa_intermediate: DevTSA, pinned: str) -> None:
    """Only self-signed roots anchor trust, as in OpenSSL: a token cannot vouch for itself."""
    exchange = _token(tsa_intermediate)
    with pytest.raises(VerificationError) as caught:
        verify_token(exchange.tsr, digest=DIGEST, nonce=exchange.nonce,
                     roots=load_roots(tsa_intermediate.directory / pinned))
    assert caught.value.check == "tsa.chain"


def test_attack_token_over_different_digest(tsa_rsa: DevTSA) -> None:
    exchange = _token(tsa_rsa, hashlib.sha256(b"other bytes").digest())
    with pytest.raises(VerificationError) as caught:
        verify_token(exchange.tsr, digest=DIGEST, nonce=exchange.nonce, roots=load_roots(tsa_rsa.ca_pem_path))
    assert caught.value.check == "tsa.imprint"


def test_attack_replayed_token_wrong_nonce(tsa_rsa: DevTSA) -> None:
    exchange = _token(tsa_rsa)
    with pytest.raises(VerificationError) as caught:
        verify_token(exchange.tsr, digest=DIGEST, nonce=exchange.nonce ^ 1, roots=load_roots(tsa_rsa.ca_pem_path))
    assert caught.value.check == "tsa.nonce"


def test_attack_untrusted_root(tsa_untrusted: DevTSA, tsa_rsa: DevTSA) -> None:
    exchange = _token(tsa_untrusted)
    with pytest.raises(VerificationError) as caught:
        verify_token(exchange.tsr, digest=DIGEST, nonce=exchange.nonce, roots=load_roots(tsa_rsa.ca_pem_path))
    assert caught.value.check == "tsa.chain"


@pytest.mark.parametrize("name", ["tsa_no_eku", "tsa_noncritical_eku"])
def test_attack_tsa_certificate_without_critical_eku(name: str, request, tmp_path: Path) -> None:
    tsa: DevTSA = request.getfixturevalue(name)
    exchange = _token(tsa)
    with pytest.raises(VerificationError) as caught:
        verify_token(exchange.tsr, digest=DIGEST, nonce=exchange.nonce, roots=load_roots(tsa.ca_pem_path))
    assert caught.value.check == "tsa.eku"
    # OpenSSL refuses it too, for the certificate's purpose.
    checked = _openssl_verify(tmp_path, exchange, tsa.ca_pem_path)
    assert checked.returncode != 0


def test_attack_tampered_tsr_byte(tsa_ec: DevTSA) -> None:
    exchange = _token(tsa_ec)
    with pytest.raises(VerificationError) as caught:
        verify_token(flip_signature_byte(exchange.tsr), digest=DIGEST, nonce=exchange.nonce,
                     roots=load_roots(tsa_ec.ca_pem_path))
    assert caught.value.check == "tsa.signature"


def test_no_roots_is_a_configuration_error(tsa_rsa: DevTSA) -> None:
    exchange = _token(tsa_rsa)
    with pytest.raises(ConfigError):
        verify_token(exchange.tsr, digest=DIGEST, nonce=exchange.nonce, roots=[])
