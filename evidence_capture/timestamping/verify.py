"""Strict verification of one RFC 3161 token: ``verify_token``.

Each failure is a ``VerificationError`` whose ``check`` names the failed check
(see ``models.TOKEN_CHECKS``).  Our own code checks the status, algorithms,
imprint, nonce, CMS signature, ESSCertID, EKU and chain at genTime;
rfc3161-client then re-checks status, imprint, nonce, EKU and, with OpenSSL,
the signature and the chain at genTime.  Both must agree.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import rfc3161_client
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyasn1.codec.der import decoder, encoder
from pyasn1_modules import rfc3161, rfc5652

from evidence_capture.errors import ConfigError, InputError, NotFoundError, VerificationError, one_line
from evidence_capture.models import format_digest
from evidence_capture.timestamping import models as m
from evidence_capture.timestamping.algorithms import digest_name, signature_algorithm
from evidence_capture.timestamping.chain import build_chain
from evidence_capture.timestamping.signer import check_eku, check_ess_cert_id, check_signature, find_signer
from evidence_capture.timestamping.tokens import ParseError, ParsedToken, parse_response, parse_token


@contextmanager
def _as_check(check: str, what: str) -> Iterator[None]:
    """Turn any parser or library failure (even a Rust panic) into a named check failure."""
    try:
        yield
    except VerificationError:
        raise
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as exc:  # noqa: BLE001 - rfc3161-client panics are BaseExceptions
        raise VerificationError(check, f"{what}: {type(exc).__name__}: {one_line(exc)}") from exc


def _open(tsr: bytes) -> tuple[ParsedToken, rfc3161_client.TimeStampResponse]:
    try:
        status = parse_response(tsr)
    except ParseError as exc:
        raise VerificationError(m.CHECK_FORMAT, f"not a TimeStampResp: {exc}") from exc
    if not status.granted:
        raise VerificationError(m.CHECK_STATUS, f"the TSA did not grant the timestamp: {status.describe()}")
    if status.token is None:
        raise VerificationError(m.CHECK_FORMAT, f"{status.describe()} but the reply carries no token")
    try:
        token = parse_token(status.token)
    except ParseError as exc:
        raise VerificationError(m.CHECK_FORMAT, f"malformed timestamp token: {exc}") from exc
    with _as_check(m.CHECK_FORMAT, "rfc3161-client cannot read the token"):
        response = rfc3161_client.decode_timestamp_response(_library_copy(tsr))
        response.tst_info.message_imprint.message  # noqa: B018 - forces the full parse
    return token, response


def _check_algorithms(token: ParsedToken, response: rfc3161_client.TimeStampResponse) -> tuple[str, str]:
    """Every algorithm the token uses is allowed: returns (SignerInfo digest, imprint digest)."""
    signer_digest = digest_name(token.signer.digest_oid, "the SignerInfo digest")
    imprint_oid = response.tst_info.message_imprint.hash_algorithm.dotted_string
    imprint_digest = digest_name(imprint_oid, "the message imprint")
    signature_algorithm(token.signer.signature_oid, signer_digest)
    return signer_digest, imprint_digest


def _check_imprint(response: rfc3161_client.TimeStampResponse, digest: bytes, expected: str,
                   found: str) -> None:
    if found != expected:
        raise VerificationError(m.CHECK_IMPRINT, f"the token imprint uses {found}, expected {expected}")
    message = response.tst_info.message_imprint.message
    if message != digest:
        raise VerificationError(
            m.CHECK_IMPRINT, f"the token is over {format_digest(found, message.hex())}, "
            f"not {format_digest(found, digest.hex())}")


def _check_nonce(response: rfc3161_client.TimeStampResponse, nonce: int | None) -> int | None:
    found = response.tst_info.nonce
    if nonce is not None and found != nonce:
        raise VerificationError(m.CHECK_NONCE, f"the token nonce {found} is not the request nonce {nonce}",
                                hint="a token replayed from another request")
    return found


def _library_copy(tsr: bytes) -> bytes:
    """The same response for rfc3161-client, which parses strict DER only and accepts only
    'granted'.  Certificate sets come from TSAs (OpenSSL among them) in chain order, which
    BER allows; DER re-encoding sorts them.  A grantedWithMods status becomes granted.
    Neither the certificate order nor the status is covered by the token signature."""
    original, _ = decoder.decode(tsr, asn1Spec=rfc3161.TimeStampResp())
    token = original["timeStampToken"]
    signed, _ = decoder.decode(bytes(token["content"]), asn1Spec=rfc5652.SignedData())
    copy = rfc3161.TimeStampResp()
    copy["status"]["status"] = 0
    copy["timeStampToken"]["contentType"] = token["contentType"]
    copy["timeStampToken"]["content"] = token["content"].clone(encoder.encode(signed))
    return encoder.encode(copy)


_LIBRARY_CHECKS = (("Nonce", m.CHECK_NONCE), ("Mismatch between messages", m.CHECK_IMPRINT),
                   ("EKU", m.CHECK_EKU), ("PKIStatus", m.CHECK_STATUS),
                   ("leaf certificate", m.CHECK_SIGNATURE), ("SignerInfo", m.CHECK_SIGNATURE))


def _library_check(text: str) -> str:
    """The check an rfc3161-client error message is about."""
    if text.startswith("Error while verifying certificates"):  # OpenSSL PKCS7_verify
        signature = "signature failure" in text or "digest failure" in text
        return m.CHECK_SIGNATURE if signature else m.CHECK_CHAIN
    return next((check for key, check in _LIBRARY_CHECKS if key in text), m.CHECK_CHAIN)


def _library_verify(response: rfc3161_client.TimeStampResponse, digest: bytes, nonce: int | None,
                    roots: list[x509.Certificate]) -> None:
    builder = rfc3161_client.VerifierBuilder()
    for root in roots:
        builder = builder.add_root_certificate(root)
    if nonce is not None:
        builder = builder.nonce(nonce)
    try:
        builder.build().verify(response, digest)
    except rfc3161_client.VerificationError as exc:
        raise VerificationError(_library_check(str(exc)), f"rfc3161-client: {exc}") from exc


def _tsa_name(response: rfc3161_client.TimeStampResponse, signer: x509.Certificate) -> str:
    try:
        name = response.tst_info.name
    except ValueError:
        return signer.subject.rfc4514_string()
    value = getattr(name, "value", None)
    return value.rfc4514_string() if isinstance(value, x509.Name) else str(value)


def load_tsa_roots(path: Path) -> list[x509.Certificate]:
    """The trusted TSA roots from a PEM bundle (``EVIDENCE_TSA_CA`` or ``--ca``)."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise NotFoundError(f"TSA CA bundle {path} does not exist") from exc
    except OSError as exc:
        raise InputError(f"cannot read TSA CA bundle {path}") from exc
    try:
        return x509.load_pem_x509_certificates(data)
    except ValueError as exc:
        raise InputError(f"{path} is not a PEM bundle of certificates") from exc


def verify_token(tsr: bytes, *, digest: bytes, nonce: int | None, roots: list[x509.Certificate],
                 hash_name: str = "sha256") -> m.TokenInfo:
    """Verify a TimeStampResp over ``digest`` fully; raise ``VerificationError(check=...)``."""
    if not roots:
        raise ConfigError("no trusted TSA root certificates were given", hint="set EVIDENCE_TSA_CA or --ca")
    token, response = _open(tsr)
    with _as_check(m.CHECK_FORMAT, "unreadable TSTInfo"):
        signer_digest, imprint_digest = _check_algorithms(token, response)
        _check_imprint(response, digest, hash_name, imprint_digest)
        found_nonce = _check_nonce(response, nonce)
        signer = find_signer(token)
        signature = check_signature(token, signer, signer_digest)
        check_ess_cert_id(token, signer)
        check_eku(signer)
        chain = build_chain(signer, token.certificates, roots, token.gen_time)
    _library_verify(response, digest, nonce, roots)
    tst = response.tst_info
    return m.TokenInfo(
        tsa_name=_tsa_name(response, signer),
        policy_oid=tst.policy.dotted_string if tst.policy else "",
        serial=tst.serial_number,
        gen_time=token.gen_time,
        hash_algorithm=hash_name,
        message_imprint=format_digest(hash_name, digest.hex()),
        nonce=found_nonce,
        signer_fingerprint=format_digest("sha256", hashlib.sha256(signer.public_bytes(Encoding.DER)).hexdigest()),
        signature_algorithm=signature,
        chain_pems=tuple(c.public_bytes(Encoding.PEM).decode() for c in chain),
    )

