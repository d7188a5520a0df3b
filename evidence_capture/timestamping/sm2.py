"""SM2 signatures with SM3 (GM/T 0003, GM/T 0009): the 国密 plug-in of the verifier.

Built on gmssl (pure Python, see docs/ARCHITECTURE.md for why and its limits).
cryptography cannot load SM2 keys, so the public point is read from the
certificate's SubjectPublicKeyInfo here.  Signatures are DER SEQUENCE {r, s}
over SM3(Z_A || M) with the default user ID 1234567812345678 (GM/T 0009 §5).
Signing (the development SM2 TSA) draws its nonce k from ``secrets``, never
from gmssl's default (Python's ``random``).
"""

from __future__ import annotations

import secrets

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import Encoding
from gmssl import sm2 as _gm
from pyasn1.codec.der import decoder, encoder
from pyasn1.error import PyAsn1Error
from pyasn1.type import namedtype, univ
from pyasn1_modules import rfc5280

OID_SM2_WITH_SM3 = "1.2.156.10197.1.501"
OID_SM2_SIGN = "1.2.156.10197.1.301.1"
OID_SM2_CURVE = "1.2.156.10197.1.301"
OID_SM3 = "1.2.156.10197.1.401"
ORDER = int(_gm.default_ecc_table["n"], 16)


class _Signature(univ.Sequence):
    componentType = namedtype.NamedTypes(
        namedtype.NamedType("r", univ.Integer()), namedtype.NamedType("s", univ.Integer()))


def public_point(cert_der: bytes) -> str:
    """The SM2 public key of a certificate as gmssl wants it: hex of x || y."""
    cert, _ = decoder.decode(cert_der, asn1Spec=rfc5280.Certificate())
    spki = cert["tbsCertificate"]["subjectPublicKeyInfo"]
    params = spki["algorithm"]["parameters"]
    curve = str(decoder.decode(bytes(params))[0]) if params.isValue else ""
    if curve != OID_SM2_CURVE:
        raise TypeError("an SM2 signature needs an SM2 key")
    point = spki["subjectPublicKey"].asOctets()
    if len(point) != 65 or point[0] != 4:
        raise ValueError("the SM2 public key is not an uncompressed point")
    return point[1:].hex()


def is_sm2_certificate(cert: x509.Certificate) -> bool:
    try:
        public_point(cert.public_bytes(Encoding.DER))
    except (TypeError, ValueError, PyAsn1Error):
        return False
    return True


def verify(cert: x509.Certificate, signature: bytes, data: bytes, digest: str, params: bytes | None) -> None:
    """Raise ``InvalidSignature`` unless ``signature`` is the SM2 signature of ``data`` by ``cert``."""
    key = public_point(cert.public_bytes(Encoding.DER))
    try:
        value, rest = decoder.decode(signature, asn1Spec=_Signature())
    except PyAsn1Error as exc:
        raise InvalidSignature("the SM2 signature is not a DER SEQUENCE {r, s}") from exc
    r, s = int(value["r"]), int(value["s"])
    if rest or not (0 < r < ORDER and 0 < s < ORDER):  # gmssl does not check the ranges
        raise InvalidSignature("SM2 signature values out of range")
    checker = _gm.CryptSM2(private_key=None, public_key=key)
    if not checker.verify_with_sm3(f"{r:064x}{s:064x}", data):
        raise InvalidSignature("the SM2 signature does not verify")


def verify_certificate(cert: x509.Certificate, issuer: x509.Certificate) -> None:
    """An SM2-with-SM3 certificate signature (cryptography cannot check these)."""
    if cert.signature_algorithm_oid.dotted_string != OID_SM2_WITH_SM3:
        raise InvalidSignature("not an SM2-with-SM3 certificate signature")
    verify(issuer, cert.signature, cert.tbs_certificate_bytes, "sm3", None)


def new_private_key() -> int:
    return secrets.randbelow(ORDER - 2) + 1


def public_from_private(private: int) -> str:
    signer = _gm.CryptSM2(private_key=f"{private:064x}", public_key="")
    return signer._kg(private, _gm.default_ecc_table["g"])  # noqa: SLF001 - gmssl's own point multiply


def sign(private: int, data: bytes) -> bytes:
    """The DER SM2 signature of ``data`` (SM3 with Z_A of the default ID)."""
    public = public_from_private(private)
    signer = _gm.CryptSM2(private_key=f"{private:064x}", public_key=public)
    while True:
        k = secrets.randbelow(ORDER - 1) + 1
        found = signer.sign_with_sm3(data, f"{k:064x}")
        if found is not None:
            break
    value = _Signature()
    value["r"], value["s"] = int(found[:64], 16), int(found[64:], 16)
    return encoder.encode(value)
