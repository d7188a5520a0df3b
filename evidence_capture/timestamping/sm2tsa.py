"""The SM2 signer of the development TSA: RFC 3161 replies signed SM2-with-SM3.

OpenSSL 3.0's ``ts -reply`` cannot sign with SM2 (``pkcs7 add signature error``),
so the TSTInfo, the CMS SignedData (GM/T 0010 algorithm identifiers: SM3
digest, SM2-with-SM3 signature) and the response are built here with pyasn1 and
signed with ``sm2.sign`` (gmssl).  The profile is OpenSSL's: ESSCertIDv2
(SHA-256) with issuerSerial, nonce echoed, accuracy one second, genTime in ms.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from cryptography.hazmat.primitives.serialization import Encoding
from pyasn1.codec.der import decoder, encoder
from pyasn1.error import PyAsn1Error
from pyasn1.type import univ, useful
from pyasn1_modules import rfc3161, rfc5035, rfc5280, rfc5652

from evidence_capture.timestamping import sm2
from evidence_capture.timestamping.algorithms import DIGESTS
from evidence_capture.timestamping.devpki_sm2 import Sm2Issued
from evidence_capture.timestamping.tokens import OID_SIGNED_DATA, OID_TST_INFO

_BAD_ALG, _BAD_REQUEST = 0, 2


def _algorithm(oid: str) -> rfc5280.AlgorithmIdentifier:
    found = rfc5280.AlgorithmIdentifier()
    found["algorithm"] = univ.ObjectIdentifier(oid)
    return found


def _rejection(fail_bit: int, text: str) -> bytes:
    response = rfc3161.TimeStampResp()
    response["status"]["status"] = 2
    response["status"]["statusString"].append(text)
    response["status"]["failInfo"] = univ.BitString(tuple(int(i == fail_bit) for i in range(fail_bit + 1)))
    return encoder.encode(response)


def _tst_info(request: rfc3161.TimeStampReq, serial: int, policy: str, at: datetime,
              tsa: Sm2Issued) -> bytes:
    tst = rfc3161.TSTInfo()
    tst["version"] = 1
    tst["policy"] = univ.ObjectIdentifier(policy)
    tst["messageImprint"] = request["messageImprint"]
    tst["serialNumber"] = serial
    tst["genTime"] = useful.GeneralizedTime(at.strftime("%Y%m%d%H%M%S.") + f"{at.microsecond // 1000:03d}Z")
    tst["accuracy"]["seconds"] = 1
    if request["nonce"].isValue:
        tst["nonce"] = int(request["nonce"])
    tst["tsa"]["directoryName"]["rdnSequence"] = decoder.decode(
        tsa.cert.subject.public_bytes(), asn1Spec=rfc5280.Name())[0]["rdnSequence"]
    return encoder.encode(tst)


def _attribute(oid: str, value: object) -> rfc5652.Attribute:
    attribute = rfc5652.Attribute()
    attribute["attrType"] = univ.ObjectIdentifier(oid)
    attribute["attrValues"].append(value)
    return attribute


def _signed_attributes(tst_der: bytes, tsa: Sm2Issued) -> list[rfc5652.Attribute]:
    cert_id = rfc5035.ESSCertIDv2()
    cert_id["certHash"] = hashlib.sha256(tsa.cert.public_bytes(Encoding.DER)).digest()
    general = cert_id["issuerSerial"]["issuer"].componentType.clone()  # a GeneralName
    general["directoryName"]["rdnSequence"] = decoder.decode(
        tsa.cert.issuer.public_bytes(), asn1Spec=rfc5280.Name())[0]["rdnSequence"]
    cert_id["issuerSerial"]["issuer"].append(general)
    cert_id["issuerSerial"]["serialNumber"] = tsa.cert.serial_number
    signing = rfc5035.SigningCertificateV2()
    signing["certs"].append(cert_id)
    return [_attribute("1.2.840.113549.1.9.3", univ.ObjectIdentifier(OID_TST_INFO)),
            _attribute("1.2.840.113549.1.9.4", univ.OctetString(hashlib.new("sm3", tst_der).digest())),
            _attribute("1.2.840.113549.1.9.16.2.47", signing)]


def _signer_info(tst_der: bytes, tsa: Sm2Issued) -> rfc5652.SignerInfo:
    info = rfc5652.SignerInfo()
    info["version"] = 1
    sid = info["sid"]["issuerAndSerialNumber"]
    sid["issuer"] = decoder.decode(tsa.cert.issuer.public_bytes(), asn1Spec=rfc5280.Name())[0]
    sid["serialNumber"] = tsa.cert.serial_number
    info["digestAlgorithm"] = _algorithm(sm2.OID_SM3)
    for attribute in _signed_attributes(tst_der, tsa):
        info["signedAttrs"].append(attribute)
    to_sign = b"\x31" + encoder.encode(info["signedAttrs"])[1:]  # the DER SET OF (RFC 5652 5.4)
    info["signatureAlgorithm"] = _algorithm(sm2.OID_SM2_WITH_SM3)
    info["signature"] = sm2.sign(tsa.key, to_sign)
    return info


def _token(tst_der: bytes, tsa: Sm2Issued, with_certificate: bool) -> rfc5652.ContentInfo:
    signed = rfc5652.SignedData()
    signed["version"] = 3
    signed["digestAlgorithms"].append(_algorithm(sm2.OID_SM3))
    signed["encapContentInfo"]["eContentType"] = univ.ObjectIdentifier(OID_TST_INFO)
    signed["encapContentInfo"]["eContent"] = tst_der
    if with_certificate:
        choice = rfc5652.CertificateChoices()
        choice["certificate"] = decoder.decode(tsa.cert.public_bytes(Encoding.DER), asn1Spec=rfc5280.Certificate())[0]
        signed["certificates"].append(choice)
    signed["signerInfos"].append(_signer_info(tst_der, tsa))
    info = rfc5652.ContentInfo()
    info["contentType"] = univ.ObjectIdentifier(OID_SIGNED_DATA)
    info["content"] = univ.Any(encoder.encode(signed))
    return info


def sm2_reply(tsq: bytes, tsa: Sm2Issued, *, serial: int, policy: str, at: datetime) -> bytes:
    """A TimeStampResp for one DER TimeStampReq: granted and SM2-signed, or a rejection."""
    try:
        request, rest = decoder.decode(tsq, asn1Spec=rfc3161.TimeStampReq())
    except PyAsn1Error:
        return _rejection(_BAD_REQUEST, "not a DER TimeStampReq")
    if rest:
        return _rejection(_BAD_REQUEST, "trailing bytes after the TimeStampReq")
    imprint = str(request["messageImprint"]["hashAlgorithm"]["algorithm"])
    if imprint not in DIGESTS:
        return _rejection(_BAD_ALG, f"imprint algorithm {imprint} is not accepted")
    tst_der = _tst_info(request, serial, policy, at, tsa)
    with_certificate = bool(request["certReq"]) if request["certReq"].isValue else False
    response = rfc3161.TimeStampResp()
    response["status"]["status"] = 0
    response["timeStampToken"] = _token(tst_der, tsa, with_certificate)
    return encoder.encode(response)
