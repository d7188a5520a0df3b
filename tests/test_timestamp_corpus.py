"""The corpus of genuine tokens (``tests/fixtures/tokens``, see its README): every vector
through our verifier and through OpenSSL, which must agree (at genTime).

``vectors.json`` records, per vector, what we expect and what OpenSSL said when
the corpus was collected; both are re-checked here.  Derived attacks (other
data, an unconfigured root, an altered certificate) run on every genuine vector.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from evidence_capture.errors import VerificationError
from evidence_capture.timestamping.tokens import as_timestamp_response
from evidence_capture.timestamping.verify import load_tsa_roots, open_token, verify_token
from tests.conftest import require_or_skip

pytestmark = pytest.mark.tsa

CORPUS = Path(__file__).parent / "fixtures" / "tokens"
VECTORS: list[dict[str, Any]] = json.loads((CORPUS / "vectors.json").read_text("utf-8"))
GENUINE = [v for v in VECTORS if v["expect"] == "pass"]
OTHER_CA = CORPUS / "nowina-good-tsa" / "token.ca.pem"


def _digest(vector: dict[str, Any]) -> bytes:
    if "data" in vector:
        return hashlib.new(vector["imprint"], (CORPUS / vector["data"]).read_bytes()).digest()
    return bytes.fromhex(vector["digest"].split(":", 1)[1])


def _ours(vector: dict[str, Any], data: bytes, digest: bytes, ca: Path) -> str:
    untrusted = load_tsa_roots(CORPUS / vector["untrusted"]) if vector["untrusted"] else []
    try:
        verify_token(as_timestamp_response(data), digest=digest, nonce=None, roots=load_tsa_roots(ca),
                     hash_name=None, untrusted=untrusted)
    except VerificationError as exc:
        return exc.check
    return "pass"


def _openssl(vector: dict[str, Any], token: Path, digest: bytes, ca: Path) -> bool:
    """True when OpenSSL accepts: ``ts -verify``, or ``cms -verify`` where the vector says
    OpenSSL's PKCS7 code cannot read it (RSA-PSS, a malformed otherRevInfo)."""
    require_or_skip(shutil.which("openssl") is not None, "openssl command not installed")
    gen_time = open_token(as_timestamp_response(token.read_bytes())).gen_time
    attime = ["-attime", str(calendar.timegm(gen_time.utctimetuple()))]
    trust = ["-CAfile", str(ca), *(["-partial_chain"] if vector["partial_chain"] else []),
             *(["-untrusted", str(CORPUS / vector["untrusted"])] if vector["untrusted"] else [])]
    if vector["openssl_tool"] == "cms":
        command = ["openssl", "cms", "-verify", "-inform", "DER", "-in", str(token), "-purpose", "timestampsign",
                   "-out", "/dev/null", *attime, *trust]
    else:
        command = ["openssl", "ts", "-verify", "-in", str(token), "-digest", digest.hex(), *attime, *trust,
                   *(["-token_in"] if vector["form"] == "token" else [])]
    return subprocess.run(command, capture_output=True, check=False).returncode == 0


@pytest.mark.parametrize("vector", VECTORS, ids=[v["id"] for v in VECTORS])
def test_corpus_vector_library_and_openssl_agree(vector: dict[str, Any]) -> None:
    token = CORPUS / vector["token"]
    digest, ca = _digest(vector), CORPUS / vector["ca"]
    ours = _ours(vector, token.read_bytes(), digest, ca)
    openssl_ok = _openssl(vector, token, digest, ca)
    assert ours == vector["expect"]
    assert openssl_ok == (vector["openssl"] == "ok")
    if "policy" in vector:  # refused by our policy where OpenSSL is more lenient
        assert ours == "tsa.algorithm" and openssl_ok
    else:
        assert (ours == "pass") == openssl_ok


def test_corpus_covers_eight_independent_implementations() -> None:
    implementations = {v["implementation"] for v in GENUINE}
    assert len(implementations) >= 8
    assert {v["imprint"] for v in GENUINE} >= {"sha256", "sha384", "sha512"}
    assert any(v["untrusted"] and "no certificates" in v["quirks"] for v in GENUINE)
    assert any(v["form"] == "token" for v in GENUINE) and any(v["form"] == "response" for v in GENUINE)


@pytest.mark.parametrize("vector", GENUINE, ids=[v["id"] for v in GENUINE])
def test_attack_corpus_token_over_other_data(vector: dict[str, Any]) -> None:
    token = CORPUS / vector["token"]
    other = hashlib.new(vector["imprint"], b"other data").digest()
    assert _ours(vector, token.read_bytes(), other, CORPUS / vector["ca"]) == "tsa.imprint"
    if vector["openssl_tool"] == "ts":
        assert not _openssl(vector, token, other, CORPUS / vector["ca"])


@pytest.mark.parametrize("vector", [v for v in GENUINE if "nowina" not in v["id"]],
                         ids=[v["id"] for v in GENUINE if "nowina" not in v["id"]])
def test_attack_corpus_token_under_an_unconfigured_root(vector: dict[str, Any]) -> None:
    """Whatever the token ships (D-Trust ships its root), trust comes only from --ca."""
    token = CORPUS / vector["token"]
    digest = _digest(vector)
    assert _ours(vector, token.read_bytes(), digest, OTHER_CA) == "tsa.chain"
    assert not _openssl(vector, token, digest, OTHER_CA)


@pytest.mark.parametrize("vector", [v for v in GENUINE if not v["untrusted"]],
                         ids=[v["id"] for v in GENUINE if not v["untrusted"]])
def test_attack_corpus_certificate_altered_inside_the_token(vector: dict[str, Any], tmp_path: Path) -> None:
    token = CORPUS / vector["token"]
    data = token.read_bytes()
    signer = _signer_der(data)
    at = data.index(signer) + len(signer) - 1  # the last byte of the certificate's signature
    altered = data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]
    (tmp_path / "altered").write_bytes(altered)
    ours = _ours(vector, altered, _digest(vector), CORPUS / vector["ca"])
    assert ours in ("tsa.ess_cert_id", "tsa.chain")
    assert not _openssl(vector, tmp_path / "altered", _digest(vector), CORPUS / vector["ca"])


def _signer_der(data: bytes) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding

    from evidence_capture.timestamping.signer import find_signer

    return find_signer(open_token(as_timestamp_response(data))).public_bytes(Encoding.DER)
