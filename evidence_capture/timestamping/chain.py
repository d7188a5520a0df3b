"""Build the TSA certificate chain to a trusted root, valid at genTime.

Intermediates may come from the token; trust only ever comes from ``roots``.
rfc3161-client then re-validates the same chain with OpenSSL at genTime.
"""

from __future__ import annotations

from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes

from evidence_capture.errors import Msg, VerificationError
from evidence_capture.timestamping import sm2
from evidence_capture.timestamping.models import CHECK_CHAIN
from evidence_capture.timestamping.names import same_name
from evidence_capture.timeutil import iso_utc

MAX_DEPTH = 8
_WEAK = (hashes.SHA1, hashes.MD5)


def _name(cert: x509.Certificate) -> str:
    return cert.subject.rfc4514_string()


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    if not same_name(cert.issuer.public_bytes(), issuer.subject.public_bytes()):
        return False
    try:
        if cert.signature_algorithm_oid.dotted_string == sm2.OID_SM2_WITH_SM3:
            sm2.verify_certificate(cert, issuer)
        else:
            cert.verify_directly_issued_by(issuer)
    except (InvalidSignature, UnsupportedAlgorithm, ValueError, TypeError):
        return False
    return True


def _valid_at(cert: x509.Certificate, moment: datetime) -> None:
    start, end = cert.not_valid_before_utc, cert.not_valid_after_utc
    if not start <= moment <= end:
        raise VerificationError(
            CHECK_CHAIN, Msg("tsa.reason.not_valid_at", cert=_name(cert), at=iso_utc(moment), start=iso_utc(start),
                            end=iso_utc(end)))


def _check_hash(cert: x509.Certificate) -> None:
    try:
        algorithm = cert.signature_hash_algorithm
    except UnsupportedAlgorithm:  # SM3 (checked by the SM2 plug-in) or unknown (fails _issued_by)
        return
    if isinstance(algorithm, _WEAK):
        raise VerificationError(CHECK_CHAIN, Msg("tsa.reason.weak_cert", cert=_name(cert), name=algorithm.name))


def build_chain(signer: x509.Certificate, carried: tuple[x509.Certificate, ...],
                roots: list[x509.Certificate], at: datetime) -> list[x509.Certificate]:
    """Signer first, trust anchor last; every certificate valid at ``at``.

    Every configured certificate is a trust anchor, as with ``openssl -partial_chain``:
    a TSA certificate or an intermediate pinned in ``--ca`` anchors the chain itself.
    Certificates that arrive with the token (or ``--untrusted``) only ever link.
    """
    chain = [signer]
    current = signer
    for _ in range(MAX_DEPTH):
        _valid_at(current, at)
        _check_hash(current)
        if current in roots:
            return chain
        root = next((r for r in roots if _issued_by(current, r)), None)
        if root is not None:
            _valid_at(root, at)
            return [*chain, root]
        issuer = next((c for c in carried if c not in chain and _is_ca(c) and _issued_by(current, c)), None)
        if issuer is None:
            raise VerificationError(
                CHECK_CHAIN, Msg("tsa.reason.no_anchor", cert=_name(current), issuer=current.issuer.rfc4514_string()))
        chain.append(issuer)
        current = issuer
    raise VerificationError(CHECK_CHAIN, Msg("tsa.reason.chain_too_long", depth=MAX_DEPTH))
