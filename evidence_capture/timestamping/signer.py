"""Checks on the token's signer: which certificate signed, the CMS signature,
the ESS signing-certificate attribute and the timeStamping key usage.

The signer certificate is found through the SignerInfo's identifier, never by
its position in the certificate bag.
"""

from __future__ import annotations

import hashlib

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID
from pyasn1.codec.ber import decoder
from pyasn1.codec.der import encoder
from pyasn1.error import PyAsn1Error
from pyasn1_modules import rfc2634, rfc5035

from evidence_capture.errors import Msg, VerificationError
from evidence_capture.timestamping.algorithms import DIGESTS, verify_signature
from evidence_capture.timestamping.names import same_name
from evidence_capture.timestamping.models import CHECK_EKU, CHECK_ESS_CERT_ID, CHECK_SIGNATURE
from evidence_capture.timestamping.tokens import OID_TST_INFO, ParsedToken

OID_CONTENT_TYPE = "1.2.840.113549.1.9.3"
OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
OID_SIGNING_CERT = "1.2.840.113549.1.9.16.2.12"
OID_SIGNING_CERT_V2 = "1.2.840.113549.1.9.16.2.47"
_SHA256 = "2.16.840.1.101.3.4.2.1"


def _ski(cert: x509.Certificate) -> bytes | None:
    try:
        return cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    except x509.ExtensionNotFound:
        return None


def find_signer(token: ParsedToken, untrusted: tuple[x509.Certificate, ...] = ()) -> x509.Certificate:
    """The certificate the SignerInfo names: from the token, else from ``untrusted``
    (``--untrusted`` / ``EVIDENCE_TSA_CHAIN``, for TSAs that send no certificates)."""
    sid = token.signer
    for cert in (*token.certificates, *untrusted):
        if sid.sid_key_id is not None and _ski(cert) == sid.sid_key_id:
            return cert
        if (sid.sid_serial == cert.serial_number and sid.sid_issuer_der is not None
                and same_name(sid.sid_issuer_der, cert.issuer.public_bytes())):
            return cert
    raise VerificationError(
        CHECK_SIGNATURE, Msg("tsa.reason.no_signer_cert"), hint=Msg("tsa.reason.no_signer_cert.hint"))


def _single(token: ParsedToken, oid: str, name: str) -> bytes:
    values = token.signer.attributes.get(oid, ())
    if len(values) != 1:
        raise VerificationError(CHECK_SIGNATURE, Msg("tsa.reason.attribute_count", name=name))
    return values[0]


def check_signature(token: ParsedToken, signer: x509.Certificate, digest: str) -> str:
    """Content type, message digest and the signature over the signed attributes."""
    if token.econtent_type != OID_TST_INFO:
        raise VerificationError(CHECK_SIGNATURE, Msg("tsa.reason.econtent_type", oid=token.econtent_type))
    content_type, _ = decoder.decode(_single(token, OID_CONTENT_TYPE, "content-type"))
    if str(content_type) != OID_TST_INFO:
        raise VerificationError(CHECK_SIGNATURE, Msg("tsa.reason.content_type_attr"))
    message_digest, _ = decoder.decode(_single(token, OID_MESSAGE_DIGEST, "message-digest"))
    if bytes(message_digest) != hashlib.new(digest, token.econtent).digest():
        raise VerificationError(CHECK_SIGNATURE, Msg("tsa.reason.message_digest"),
                                hint=Msg("tsa.reason.message_digest.hint"))
    view = token.signer
    return verify_signature(signer, view.signature_oid, digest, view.signature,
                            view.signed_attrs_der, view.signature_params)


def _issuer_serial_matches(issuer_serial, cert: x509.Certificate) -> bool:  # type: ignore[no-untyped-def]
    if not issuer_serial.isValue:
        return True
    if int(issuer_serial["serialNumber"]) != cert.serial_number:
        return False
    issuer = cert.issuer.public_bytes()
    return any(same_name(encoder.encode(n["directoryName"]), issuer) for n in issuer_serial["issuer"]
               if n.getName() == "directoryName")


def _ess_v2(value: bytes) -> tuple[str, bytes, object]:
    signing, _ = decoder.decode(value, asn1Spec=rfc5035.SigningCertificateV2())
    first = signing["certs"][0]
    algorithm = first["hashAlgorithm"]
    oid = str(algorithm["algorithm"]) if algorithm.isValue else _SHA256
    if oid not in DIGESTS:
        raise VerificationError(CHECK_ESS_CERT_ID, Msg("tsa.reason.ess_hash", oid=oid))
    return DIGESTS[oid], bytes(first["certHash"]), first["issuerSerial"]


def _ess_v1(value: bytes) -> tuple[str, bytes, object]:
    signing, _ = decoder.decode(value, asn1Spec=rfc2634.SigningCertificate())
    first = signing["certs"][0]
    # ESSCertID v1 is defined with SHA-1; it only names the certificate (RFC 5816).
    return "sha1", bytes(first["certHash"]), first["issuerSerial"]


def check_ess_cert_id(token: ParsedToken, signer: x509.Certificate) -> None:
    attrs = token.signer.attributes
    found = [(oid, parse) for oid, parse in ((OID_SIGNING_CERT_V2, _ess_v2), (OID_SIGNING_CERT, _ess_v1))
             if oid in attrs]
    if not found:
        raise VerificationError(CHECK_ESS_CERT_ID, Msg("tsa.reason.no_ess"))
    der = signer.public_bytes(Encoding.DER)
    for oid, parse in found:
        if len(attrs[oid]) != 1:
            raise VerificationError(CHECK_ESS_CERT_ID, Msg("tsa.reason.ess_values", oid=oid))
        try:
            hash_name, cert_hash, issuer_serial = parse(attrs[oid][0])
        except (PyAsn1Error, IndexError, ValueError) as exc:
            raise VerificationError(CHECK_ESS_CERT_ID, Msg("tsa.reason.ess_malformed")) from exc
        if cert_hash != hashlib.new(hash_name, der).digest():
            raise VerificationError(CHECK_ESS_CERT_ID,
                                    Msg("tsa.reason.ess_mismatch"))
        if not _issuer_serial_matches(issuer_serial, signer):
            raise VerificationError(CHECK_ESS_CERT_ID, Msg("tsa.reason.ess_issuer"))


def check_eku(signer: x509.Certificate) -> None:
    """RFC 3161 2.3: one critical extended key usage, id-kp-timeStamping only."""
    subject = signer.subject.rfc4514_string()
    try:
        eku = signer.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        raise VerificationError(CHECK_EKU, Msg("tsa.reason.no_eku", subject=subject)) from None
    if ExtendedKeyUsageOID.TIME_STAMPING not in eku.value:
        raise VerificationError(CHECK_EKU, Msg("tsa.reason.eku_missing", subject=subject))
    if not eku.critical:
        raise VerificationError(CHECK_EKU, Msg("tsa.reason.eku_noncritical", subject=subject))
    if len(list(eku.value)) != 1:
        raise VerificationError(CHECK_EKU, Msg("tsa.reason.eku_extra", subject=subject))
