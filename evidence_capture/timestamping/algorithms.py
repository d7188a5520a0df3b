"""Which digest and signature algorithms a token may use, and how to verify them.

Pluggable: ``register_signature_algorithm`` adds a verifier for a signature
OID (for example SM2 for Chinese TSAs).  SHA-1 and MD5 are refused outright;
an OID nobody registered is refused as unsupported, never waved through.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from pyasn1.codec.der import decoder
from pyasn1_modules import rfc4055

from evidence_capture.errors import Msg, VerificationError
from evidence_capture.timestamping import sm2
from evidence_capture.timestamping.models import CHECK_ALGORITHM, CHECK_SIGNATURE

DIGESTS: dict[str, str] = {
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
    "1.2.156.10197.1.401": "sm3",
}
REFUSED_DIGESTS: dict[str, str] = {
    "1.3.14.3.2.26": "SHA-1",
    "1.2.840.113549.2.5": "MD5",
    "1.2.840.113549.1.1.5": "SHA-1 with RSA",
    "1.2.840.113549.1.1.4": "MD5 with RSA",
    "1.2.840.10045.4.1": "ECDSA with SHA-1",
    "1.2.840.10040.4.3": "DSA with SHA-1",
}
_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}

# verify(certificate, signature, data, digest_name, params_der) -> None; raises InvalidSignature.
# It takes the certificate, not a key object: cryptography cannot load every key (SM2).
Verify = Callable[[x509.Certificate, bytes, bytes, str, "bytes | None"], None]


@dataclass(frozen=True)
class SignatureAlgorithm:
    name: str
    verify: Verify
    digest: str | None = None  # fixed digest of the algorithm, else the SignerInfo's
    hashes_data: bool = True  # False for algorithms that sign the attributes directly (Ed25519)


_SIGNATURES: dict[str, SignatureAlgorithm] = {}


def register_signature_algorithm(oid: str, algorithm: SignatureAlgorithm) -> None:
    _SIGNATURES[oid] = algorithm


def digest_name(oid: str, what: "str | Msg") -> str:
    """The name of an allowed digest; SHA-1, MD5 and unknown digests raise ``tsa.algorithm``."""
    if oid in REFUSED_DIGESTS:
        raise VerificationError(CHECK_ALGORITHM, Msg("tsa.reason.digest_refused", what=what, name=REFUSED_DIGESTS[oid], oid=oid))
    if oid not in DIGESTS:
        raise VerificationError(CHECK_ALGORITHM, Msg("tsa.reason.digest_unknown", what=what, oid=oid))
    return DIGESTS[oid]


def signature_algorithm(oid: str, digest: str) -> SignatureAlgorithm:
    if oid in REFUSED_DIGESTS:
        raise VerificationError(CHECK_ALGORITHM, Msg("tsa.reason.signature_refused", name=REFUSED_DIGESTS[oid]))
    found = _SIGNATURES.get(oid)
    if found is None:
        raise VerificationError(CHECK_ALGORITHM, Msg("tsa.reason.signature_unknown", oid=oid),
                                hint=Msg("tsa.reason.signature_unknown.hint"))
    if found.digest is not None and found.digest != digest:
        raise VerificationError(CHECK_ALGORITHM,
                                Msg("tsa.reason.signature_digest", name=found.name, digest=digest))
    if found.hashes_data and digest not in _HASHES:
        raise VerificationError(CHECK_ALGORITHM, Msg("tsa.reason.signature_digest_unsupported", name=found.name, digest=digest))
    return found


def verify_signature(cert: x509.Certificate, oid: str, digest: str, signature: bytes,
                     data: bytes, params: bytes | None) -> str:
    """Verify ``signature`` over ``data`` with the certificate's key; returns the algorithm name."""
    algorithm = signature_algorithm(oid, digest)
    try:
        algorithm.verify(cert, signature, data, digest, params)
    except (InvalidSignature, UnsupportedAlgorithm, TypeError, ValueError) as exc:
        raise VerificationError(CHECK_SIGNATURE, Msg("tsa.reason.cms_signature", name=algorithm.name)) from exc
    return f"{algorithm.name}-{digest}" if algorithm.digest is None else algorithm.name


def _rsa_pkcs1(cert: x509.Certificate, signature: bytes, data: bytes, digest: str, params: bytes | None) -> None:
    key = cert.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise TypeError("an RSA signature needs an RSA key")
    key.verify(signature, data, padding.PKCS1v15(), _HASHES[digest]())


def _rsa_pss(cert: x509.Certificate, signature: bytes, data: bytes, digest: str, params: bytes | None) -> None:
    key = cert.public_key()
    if not isinstance(key, rsa.RSAPublicKey) or params is None:
        raise TypeError("an RSA-PSS signature needs an RSA key and parameters")
    pss, _ = decoder.decode(params, asn1Spec=rfc4055.RSASSA_PSS_params())
    hash_name = DIGESTS.get(str(pss["hashAlgorithm"]["algorithm"]))
    if hash_name != digest:
        raise ValueError("RSA-PSS hash differs from the SignerInfo digest")
    salt = int(pss["saltLength"])
    key.verify(signature, data, padding.PSS(padding.MGF1(_HASHES[digest]()), salt), _HASHES[digest]())


def _ecdsa(cert: x509.Certificate, signature: bytes, data: bytes, digest: str, params: bytes | None) -> None:
    key = cert.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise TypeError("an ECDSA signature needs an EC key")
    key.verify(signature, data, ec.ECDSA(_HASHES[digest]()))


def _ed25519(cert: x509.Certificate, signature: bytes, data: bytes, digest: str, params: bytes | None) -> None:
    key = cert.public_key()
    if not isinstance(key, ed25519.Ed25519PublicKey):
        raise TypeError("an Ed25519 signature needs an Ed25519 key")
    key.verify(signature, data)


for _oid, _alg in {
    "1.2.840.113549.1.1.1": SignatureAlgorithm("rsa", _rsa_pkcs1),
    "1.2.840.113549.1.1.11": SignatureAlgorithm("sha256WithRSA", _rsa_pkcs1, "sha256"),
    "1.2.840.113549.1.1.12": SignatureAlgorithm("sha384WithRSA", _rsa_pkcs1, "sha384"),
    "1.2.840.113549.1.1.13": SignatureAlgorithm("sha512WithRSA", _rsa_pkcs1, "sha512"),
    "1.2.840.113549.1.1.10": SignatureAlgorithm("rsassa-pss", _rsa_pss),
    "1.2.840.10045.2.1": SignatureAlgorithm("ecdsa", _ecdsa),
    "1.2.840.10045.4.3.2": SignatureAlgorithm("ecdsa-with-SHA256", _ecdsa, "sha256"),
    "1.2.840.10045.4.3.3": SignatureAlgorithm("ecdsa-with-SHA384", _ecdsa, "sha384"),
    "1.2.840.10045.4.3.4": SignatureAlgorithm("ecdsa-with-SHA512", _ecdsa, "sha512"),
    "1.3.101.112": SignatureAlgorithm("ed25519", _ed25519, hashes_data=False),
    # GM/T 0010 names SM2-with-SM3 (…501) in SignerInfo; some TSAs write the SM2 key OIDs.
    sm2.OID_SM2_WITH_SM3: SignatureAlgorithm("sm2-with-sm3", sm2.verify, "sm3", hashes_data=False),
    sm2.OID_SM2_SIGN: SignatureAlgorithm("sm2-with-sm3", sm2.verify, "sm3", hashes_data=False),
    sm2.OID_SM2_CURVE: SignatureAlgorithm("sm2-with-sm3", sm2.verify, "sm3", hashes_data=False),
}.items():
    register_signature_algorithm(_oid, _alg)
