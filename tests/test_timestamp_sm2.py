"""The development SM2 TSA (our signer on gmssl) and the SM2 verifier plug-in, each held
against OpenSSL 3.0 as the independent SM2 implementation: `pkeyutl -verify` for the
token signature, `verify -vfyopt distid:` for the certificate, `dgst -sm3` for the digest."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from evidence_capture.errors import VerificationError
from evidence_capture.timestamping import request_timestamp, verify_token
from evidence_capture.timestamping.devpki_sm2 import DIST_ID
from evidence_capture.timestamping.devtsa import DevTSA
from evidence_capture.timestamping.verify import open_token
from tests.fixtures_tsa import flip_signature_byte, load_roots

pytestmark = pytest.mark.tsa

DIGEST = hashlib.sha256(b"manifest bytes").digest()
SM3 = "1.2.156.10197.1.401"


@pytest.fixture(scope="module")
def tsa_sm2(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTSA]:
    tsa = DevTSA(tmp_path_factory.mktemp("tsa-sm2"), "sm2").serve()
    yield tsa
    tsa.close()


def _openssl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["openssl", *args], capture_output=True, text=True, check=False)


def test_sm2_token_verifies_and_openssl_agrees(tsa_sm2: DevTSA, tmp_path: Path) -> None:
    exchange = request_timestamp(tsa_sm2.url, DIGEST, timeout=10)
    info = verify_token(exchange.tsr, digest=DIGEST, nonce=exchange.nonce, roots=load_roots(tsa_sm2.ca_pem_path))
    assert info.signature_algorithm == "sm2-with-sm3" and "DEVELOPMENT TSA" in info.tsa_name
    token = open_token(exchange.tsr)
    assert token.signer.digest_oid == SM3 and token.signer.signature_oid == "1.2.156.10197.1.501"
    (tmp_path / "attrs.der").write_bytes(token.signer.signed_attrs_der)
    (tmp_path / "sig.der").write_bytes(token.signer.signature)
    (tmp_path / "tst.der").write_bytes(token.econtent)
    public = _openssl("x509", "-in", str(tsa_sm2.tsa_cert_path), "-pubkey", "-noout").stdout
    (tmp_path / "pub.pem").write_text(public)
    checked = _openssl("pkeyutl", "-verify", "-pubin", "-inkey", str(tmp_path / "pub.pem"), "-rawin",
                       "-in", str(tmp_path / "attrs.der"), "-sigfile", str(tmp_path / "sig.der"),
                       "-digest", "sm3", "-pkeyopt", DIST_ID)
    assert checked.returncode == 0 and "Verified Successfully" in checked.stdout, checked.stderr
    chain = _openssl("verify", "-CAfile", str(tsa_sm2.ca_pem_path), "-vfyopt", DIST_ID, str(tsa_sm2.tsa_cert_path))
    assert chain.returncode == 0, chain.stderr
    digest = _openssl("dgst", "-sm3", "-r", str(tmp_path / "tst.der")).stdout.split()[0]
    assert bytes.fromhex(digest) in token.signer.attributes["1.2.840.113549.1.9.4"][0]


def test_attack_sm2_token_with_flipped_signature(tsa_sm2: DevTSA) -> None:
    exchange = request_timestamp(tsa_sm2.url, DIGEST, timeout=10)
    with pytest.raises(VerificationError) as caught:
        verify_token(flip_signature_byte(exchange.tsr), digest=DIGEST, nonce=exchange.nonce,
                     roots=load_roots(tsa_sm2.ca_pem_path))
    assert caught.value.check == "tsa.signature"


def test_attack_sm2_token_under_another_sm2_root(tsa_sm2: DevTSA, tmp_path: Path) -> None:
    other = DevTSA(tmp_path / "other", "sm2")
    exchange = request_timestamp(tsa_sm2.url, DIGEST, timeout=10)
    with pytest.raises(VerificationError) as caught:
        verify_token(exchange.tsr, digest=DIGEST, nonce=exchange.nonce, roots=load_roots(other.ca_pem_path))
    assert caught.value.check == "tsa.chain"


def test_sm2_tsa_files_are_reused(tsa_sm2: DevTSA) -> None:
    again = DevTSA(tsa_sm2.directory, "sm2")
    assert again.ca_pem_path.read_bytes() == tsa_sm2.ca_pem_path.read_bytes()
    assert again.tsa_name == tsa_sm2.tsa_name


def test_sm2_tsa_names_are_labelled_in_utf8(tsa_sm2: DevTSA) -> None:
    """The em dash of the DEVELOPMENT label survives OpenSSL's -subj (no mojibake)."""
    assert "DEVELOPMENT TSA — not trusted for real cases (sm2)" in tsa_sm2.tsa_name
