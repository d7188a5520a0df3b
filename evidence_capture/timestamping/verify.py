"""Strict verification of one RFC 3161 token: ``verify_token``.

Each failure is a ``VerificationError`` whose ``check`` names the failed check
(see ``models.TOKEN_CHECKS``).  The checks run in that order: status, format,
algorithms, imprint, nonce, CMS signature (over the signed attributes exactly
as received), ESSCertID, EKU, and the chain at genTime.  The tests hold every
verdict against ``openssl ts -verify`` on a corpus of genuine tokens from
independent TSAs (``tests/fixtures/tokens``).
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from typing import Iterator, Sequence

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from evidence_capture.errors import ConfigError, Msg, VerificationError
from evidence_capture.models import format_digest
from evidence_capture.timestamping import models as m
from evidence_capture.timestamping.bundles import (  # noqa: F401  re-exported for their callers
    TrustAnchors, configured_trust, load_tsa_roots)
from evidence_capture.timestamping.algorithms import digest_name, signature_algorithm
from evidence_capture.timestamping.chain import build_chain
from evidence_capture.timestamping.signer import check_eku, check_ess_cert_id, check_signature, find_signer
from evidence_capture.timestamping.tokens import (MultipleSigners, ParseError, ParsedToken, parse_response,
                                                  parse_token)


@contextmanager
def _as_check(check: str, what: Msg) -> Iterator[None]:
    """Turn any parser or library failure into a named check failure."""
    try:
        yield
    except VerificationError:
        raise
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except Exception as exc:  # noqa: BLE001 - hostile input must never escape as a traceback
        raise VerificationError(check, Msg("tsa.reason.unreadable", what=what, kind=type(exc).__name__)) from exc


def open_token(tsr: bytes) -> ParsedToken:
    """Parse a TimeStampResp; a refused status or malformed token is a named failure."""
    try:
        status = parse_response(tsr)
    except ParseError as exc:
        raise VerificationError(m.CHECK_FORMAT, Msg("tsa.reason.not_response", detail=exc.msg)) from exc
    if not status.granted:
        raise VerificationError(m.CHECK_STATUS, Msg("tsa.reason.not_granted", status=status.describe()))
    if status.token is None:
        raise VerificationError(m.CHECK_FORMAT, Msg("tsa.reason.no_token", status=status.describe()))
    try:
        return parse_token(status.token)
    except MultipleSigners as exc:
        raise VerificationError(m.CHECK_SIGNATURE, Msg("tsa.reason.signers", detail=exc.msg),
                                hint=Msg("tsa.reason.signers.hint")) from exc
    except ParseError as exc:
        raise VerificationError(m.CHECK_FORMAT, Msg("tsa.reason.malformed", detail=exc.msg)) from exc


def imprint_algorithm(tsr: bytes) -> str:
    """The (allowed) digest the token's message imprint uses: what ``--file`` is hashed with."""
    with _as_check(m.CHECK_FORMAT, Msg("tsa.reason.what.tstinfo")):
        return digest_name(open_token(tsr).tst.imprint_oid, Msg("tsa.reason.what.imprint"))


def _check_algorithms(token: ParsedToken) -> tuple[str, str]:
    """Every algorithm the token uses is allowed: returns (SignerInfo digest, imprint digest)."""
    signer_digest = digest_name(token.signer.digest_oid, Msg("tsa.reason.what.signer_digest"))
    imprint_digest = digest_name(token.tst.imprint_oid, Msg("tsa.reason.what.imprint"))
    signature_algorithm(token.signer.signature_oid, signer_digest)
    return signer_digest, imprint_digest


def _check_imprint(token: ParsedToken, digest: bytes, expected: str | None, found: str) -> None:
    if expected is not None and found != expected:
        raise VerificationError(m.CHECK_IMPRINT, Msg("tsa.reason.imprint_alg", found=found, expected=expected))
    message = token.tst.imprint
    if message != digest:
        raise VerificationError(
            m.CHECK_IMPRINT, Msg("tsa.reason.imprint", found=format_digest(found, message.hex()),
                                 expected=format_digest(found, digest.hex())))


def _check_nonce(token: ParsedToken, nonce: int | None) -> int | None:
    found = token.tst.nonce
    if nonce is not None and found != nonce:
        raise VerificationError(m.CHECK_NONCE, Msg("tsa.reason.nonce", found=found, expected=nonce),
                                hint=Msg("tsa.reason.nonce.hint"))
    return found


def verify_token(tsr: bytes, *, digest: bytes, nonce: int | None, roots: Sequence[x509.Certificate],
                 hash_name: str | None = "sha256",
                 untrusted: Sequence[x509.Certificate] | None = None) -> m.TokenInfo:
    """Verify a TimeStampResp over ``digest`` fully; raise ``VerificationError(check=...)``.

    ``hash_name`` is the imprint digest the caller hashed with (None: whichever allowed
    digest the token uses).  ``untrusted`` certificates may complete the chain or supply
    the signer of a token that carries none (default: the chain ``TrustAnchors`` carry);
    trust only ever comes from ``roots``.
    """
    if untrusted is None:
        untrusted = getattr(roots, "untrusted", ())
    if not roots:
        raise ConfigError(Msg("tsa.no_roots"), hint=Msg("tsa.no_roots.hint"))
    token = open_token(tsr)
    with _as_check(m.CHECK_FORMAT, Msg("tsa.reason.what.token")):
        signer_digest, imprint_digest = _check_algorithms(token)
        _check_imprint(token, digest, hash_name, imprint_digest)
        found_nonce = _check_nonce(token, nonce)
        signer = find_signer(token, tuple(untrusted))
        signature = check_signature(token, signer, signer_digest)
        check_ess_cert_id(token, signer)
        check_eku(signer)
        chain = build_chain(signer, (*token.certificates, *untrusted), list(roots), token.gen_time)
    tst = token.tst
    return m.TokenInfo(
        tsa_name=tst.tsa_name or signer.subject.rfc4514_string(),
        policy_oid=tst.policy_oid,
        serial=tst.serial,
        gen_time=token.gen_time,
        hash_algorithm=imprint_digest,
        message_imprint=format_digest(imprint_digest, digest.hex()),
        nonce=found_nonce,
        signer_fingerprint=format_digest("sha256", hashlib.sha256(signer.public_bytes(Encoding.DER)).hexdigest()),
        signature_algorithm=signature,
        chain_pems=tuple(c.public_bytes(Encoding.PEM).decode() for c in chain),
    )
