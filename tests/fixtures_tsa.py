"""TSA fixtures: real OpenSSL development TSAs, broken TSAs (defined in
``fixtures_tsa_faults.py``, registered here) and bad tokens.

Session fixtures (each serves on 127.0.0.1, port 0, in a thread):

- ``tsa_rsa``, ``tsa_ec``: good development TSAs (``openssl ts -reply``).
- ``tsa_intermediate``: root -> intermediate CA -> TSA; tokens carry the intermediate.
- ``tsa_untrusted``: a good TSA under a root nobody trusts.
- ``tsa_no_eku`` / ``tsa_noncritical_eku``: tokens signed by a certificate, under
  the trusted ``tsa_rsa`` root, that lacks id-kp-timeStamping / has it non-critical
  (OpenSSL refuses to sign with such a certificate, so the OpenSSL token is
  re-signed; see ``resign_token``).
- ``tsa_rejecting``: OpenSSL configured for SHA-512 only, so it answers our
  SHA-256 requests with a real rejection (failInfo badAlg).
- ``tsa_refused_url``, ``tsa_hanging_url``, ``tsa_http500_url``,
  ``tsa_garbage_url``, ``tsa_wrong_type_url``, ``tsa_trickling_url``: TSAs that
  are down, hang, fail, answer garbage, answer with the wrong content type, or
  trickle their answer too slowly.
- ``switchable_tsa`` (per test): one URL whose behaviour the test switches
  between working and each failure kind (``.set("down")`` ... ``.set("ok")``).
- ``expiring_tsa`` (per test): a factory of TSAs whose certificate expires a
  couple of seconds after it is made, for "expired now but valid at genTime".

Helpers: ``load_roots``, ``flip_signature_byte``, ``resign_token``,
``edit_signed_data``, ``set_certificates``.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from datetime import timedelta
from pathlib import Path
from typing import Callable, Iterator

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.serialization import Encoding
from pyasn1.codec.der import decoder, encoder
from pyasn1_modules import rfc3161, rfc5035, rfc5280, rfc5652

from evidence_capture.timestamping.devpki import Issued, make_tsa_cert
from evidence_capture.timestamping.devtsa import DevTSA
from evidence_capture.timestamping.tokens import parse_response, parse_token
from evidence_capture.timeutil import utcnow
from tests.conftest import require_or_skip
from tests.fixtures_tsa_faults import (  # noqa: F401 - re-exported: pytest registers them from here
    HANG_TIMEOUT,
    SwitchableTSA,
    switchable_tsa,
    tsa_garbage_url,
    tsa_hanging_url,
    tsa_http500_url,
    tsa_refused_url,
    tsa_trickling_url,
    tsa_wrong_type_url,
)



def _need_openssl() -> None:
    require_or_skip(shutil.which("openssl") is not None, "openssl command not installed")


def load_roots(*paths: Path) -> list[x509.Certificate]:
    roots: list[x509.Certificate] = []
    for path in paths:
        roots.extend(x509.load_pem_x509_certificates(Path(path).read_bytes()))
    return roots


def flip_signature_byte(tsr: bytes) -> bytes:
    """Flip one byte inside the SignerInfo signature value (a tampered .tsr that stays parseable)."""
    signature = parse_token(parse_response(tsr).token or b"").signer.signature
    at = tsr.index(signature) + len(signature) // 2
    return tsr[:at] + bytes([tsr[at] ^ 0x01]) + tsr[at + 1 :]


def _sign(issued: Issued, data: bytes) -> tuple[bytes, str]:
    if isinstance(issued.key, ec.EllipticCurvePrivateKey):
        return issued.key.sign(data, ec.ECDSA(hashes.SHA256())), "1.2.840.10045.4.3.2"
    return issued.key.sign(data, padding.PKCS1v15(), hashes.SHA256()), "1.2.840.113549.1.1.11"


def edit_signed_data(tsr: bytes, edit: Callable[[rfc5652.SignedData], None]) -> bytes:
    """Decode a response, let ``edit`` change its SignedData in place, encode it again."""
    resp, _ = decoder.decode(tsr, asn1Spec=rfc3161.TimeStampResp())
    token = resp["timeStampToken"]
    signed, _ = decoder.decode(bytes(token["content"]), asn1Spec=rfc5652.SignedData())
    edit(signed)
    token["content"] = token["content"].clone(encoder.encode(signed))
    return encoder.encode(resp)


def set_certificates(signed: rfc5652.SignedData, certs: list[x509.Certificate]) -> None:
    signed["certificates"].clear()
    for cert in certs:
        choice = rfc5652.CertificateChoices()
        choice["certificate"], _ = decoder.decode(cert.public_bytes(Encoding.DER),
                                                  asn1Spec=rfc5280.Certificate())
        signed["certificates"].append(choice)


def resign_token(tsr: bytes, signer: Issued, *, update_ess: bool = True) -> bytes:
    """Re-sign a genuine OpenSSL token with another certificate and key.

    The TSTInfo stays byte-for-byte; the certificate bag, the SignerInfo
    identifier, the ESSCertIDv2 (unless ``update_ess`` is false) and the
    signature are made consistent with ``signer``, so the only defect left is
    whatever ``signer``'s certificate has.
    """

    def edit(signed: rfc5652.SignedData) -> None:
        set_certificates(signed, [signer.cert])
        info = signed["signerInfos"][0]
        sid = info["sid"]["issuerAndSerialNumber"]
        sid["issuer"], _ = decoder.decode(signer.cert.issuer.public_bytes(), asn1Spec=rfc5280.Name())
        sid["serialNumber"] = signer.cert.serial_number
        for attr in info["signedAttrs"]:
            if update_ess and attr["attrType"] == rfc5035.id_aa_signingCertificateV2:
                ess = rfc5035.SigningCertificateV2()
                cert_id = rfc5035.ESSCertIDv2()
                cert_id["certHash"] = hashlib.sha256(signer.cert.public_bytes(Encoding.DER)).digest()
                ess["certs"].append(cert_id)
                attr["attrValues"][0] = ess
        attrs_der = encoder.encode(info["signedAttrs"])
        signature, algorithm = _sign(signer, b"\x31" + attrs_der[1:])
        info["signature"] = signature
        info["signatureAlgorithm"] = rfc5280.AlgorithmIdentifier()
        info["signatureAlgorithm"]["algorithm"] = rfc5280.univ.ObjectIdentifier(algorithm)

    return edit_signed_data(tsr, edit)


class ResigningTSA(DevTSA):
    """A DevTSA whose tokens end up signed by ``bad_signer`` (issued under the same root)."""

    def __init__(self, directory: Path, bad_signer: Callable[[Issued], Issued]) -> None:
        super().__init__(directory, "rsa")
        self.bad = bad_signer(self.root)

    def reply(self, tsq: bytes) -> bytes:
        return resign_token(super().reply(tsq), self.bad)


def _serving(tsa: DevTSA) -> Iterator[DevTSA]:
    tsa.serve()
    try:
        yield tsa
    finally:
        tsa.close()


@pytest.fixture(scope="session")
def tsa_rsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTSA]:
    _need_openssl()
    yield from _serving(DevTSA(tmp_path_factory.mktemp("tsa-rsa"), "rsa"))


@pytest.fixture(scope="session")
def tsa_ec(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTSA]:
    _need_openssl()
    yield from _serving(DevTSA(tmp_path_factory.mktemp("tsa-ec"), "ec"))


@pytest.fixture(scope="session")
def tsa_intermediate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTSA]:
    _need_openssl()
    yield from _serving(DevTSA(tmp_path_factory.mktemp("tsa-inter"), "ec", intermediate=True))


@pytest.fixture(scope="session")
def tsa_untrusted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTSA]:
    _need_openssl()
    yield from _serving(DevTSA(tmp_path_factory.mktemp("tsa-untrusted"), "rsa"))


@pytest.fixture(scope="session")
def tsa_rejecting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTSA]:
    _need_openssl()
    yield from _serving(DevTSA(tmp_path_factory.mktemp("tsa-reject"), "rsa", digests=("sha512",)))


@pytest.fixture(scope="session")
def tsa_no_eku(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTSA]:
    _need_openssl()
    tsa = ResigningTSA(tmp_path_factory.mktemp("tsa-no-eku"),
                       lambda root: make_tsa_cert("TSA without timeStamping EKU", "rsa", root, eku="none"))
    yield from _serving(tsa)


@pytest.fixture(scope="session")
def tsa_noncritical_eku(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevTSA]:
    _need_openssl()
    tsa = ResigningTSA(tmp_path_factory.mktemp("tsa-nc-eku"),
                       lambda root: make_tsa_cert("TSA with non-critical EKU", "rsa", root, eku="noncritical"))
    yield from _serving(tsa)


class ExpiringTSA(DevTSA):
    """A DevTSA whose certificate expires ``lifetime`` seconds after it was made."""

    def __init__(self, directory: Path, lifetime: float) -> None:
        self.expires_at = utcnow() + timedelta(seconds=lifetime)
        super().__init__(directory, "rsa", tsa_not_after=self.expires_at)

    def wait_until_expired(self) -> None:
        remaining = (self.expires_at - utcnow()).total_seconds()
        if remaining > -1:
            time.sleep(remaining + 1.1)  # X.509 times have whole seconds


# Seconds between making an expiring TSA's certificate and its expiry: long enough for
# the token to be issued before it on a loaded machine (the fixture's OpenSSL runs count).
EXPIRY_LEAD = 6.0


@pytest.fixture
def expiring_tsa(tmp_path: Path) -> Iterator[Callable[[float], ExpiringTSA]]:
    _need_openssl()
    made: list[ExpiringTSA] = []

    def make(lifetime: float = 2.0) -> ExpiringTSA:
        tsa = ExpiringTSA(tmp_path / f"expiring-{len(made)}", lifetime).serve()
        made.append(tsa)  # type: ignore[arg-type]
        return tsa  # type: ignore[return-value]

    yield make
    for tsa in made:
        tsa.close()
