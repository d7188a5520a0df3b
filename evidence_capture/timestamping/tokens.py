"""Parse TimeStampResp / TimeStampToken bytes into the parts the checks need.

Only parsing here, no judgement: ``ParseError`` says the bytes are not what
they claim to be.  ASN.1 specs come from pyasn1-modules (RFC 3161, RFC 5652).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from pyasn1.codec.ber import decoder
from pyasn1.codec.der import encoder
from pyasn1.error import PyAsn1Error
from pyasn1_modules import rfc3161, rfc5652

from evidence_capture.errors import Msg
from evidence_capture.timestamping import ber
from evidence_capture.timestamping.names import format_name

OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
OID_TST_INFO = "1.2.840.113549.1.9.16.1.4"

STATUS_NAMES = {0: "granted", 1: "grantedWithMods", 2: "rejection", 3: "waiting",
                4: "revocationWarning", 5: "revocationNotification"}
FAIL_INFO_NAMES = {0: "badAlg", 2: "badRequest", 5: "badDataFormat", 14: "timeNotAvailable",
                   15: "unacceptedPolicy", 16: "unacceptedExtension",
                   17: "addInfoNotAvailable", 25: "systemFailure"}


class ParseError(ValueError):
    """The bytes are not a well-formed TimeStampResp / token; ``msg`` says how (a catalog message)."""

    def __init__(self, msg: Msg) -> None:
        self.msg = msg
        super().__init__(str(msg))


class MultipleSigners(ParseError):
    """A token signed by more than one SignerInfo: refused, whoever the others are."""


@dataclass(frozen=True)
class ResponseStatus:
    status: int
    fail_info: tuple[str, ...]
    text: tuple[str, ...]
    token: bytes | None  # DER ContentInfo, when present

    @property
    def granted(self) -> bool:
        return self.status in (0, 1)

    def describe(self) -> Msg:
        """PKIStatus, failInfo and statusString (the TSA's own words, quoted) as a catalog message."""
        name = STATUS_NAMES.get(self.status, "unknown")
        result = Msg("token.status", name=name, status=self.status)
        if self.fail_info:
            result = Msg("token.status.fail_info", status=result, info=", ".join(self.fail_info))
        if self.text:
            result = Msg("token.status.text", status=result, text=" / ".join(repr(t) for t in self.text))
        return result


@dataclass(frozen=True)
class SignerView:
    """The one SignerInfo of a token, with everything needed to check it."""

    sid_issuer_der: bytes | None
    sid_serial: int | None
    sid_key_id: bytes | None
    digest_oid: str
    signature_oid: str
    signature_params: bytes | None  # DER of the AlgorithmIdentifier parameters
    signature: bytes
    signed_attrs_der: bytes  # the SET OF Attribute as received, re-tagged for signing
    attributes: dict[str, tuple[bytes, ...]]  # attribute OID -> DER values


@dataclass(frozen=True)
class TstView:
    """What the TSTInfo states (not yet checked against anything)."""

    imprint_oid: str
    imprint: bytes
    serial: int
    policy_oid: str
    nonce: int | None
    tsa_name: str | None  # a directoryName as text, another GeneralName by its kind


@dataclass(frozen=True)
class ParsedToken:
    econtent_type: str
    econtent: bytes  # the TSTInfo octets, as signed
    certificates: tuple[x509.Certificate, ...]
    signer: SignerView
    gen_time: datetime  # full precision, aware UTC
    tst: TstView


def _decode(data: bytes, spec, what: str):  # type: ignore[no-untyped-def]
    """BER (which includes DER): real TSAs send indefinite lengths and unsorted sets.

    ``what`` names the ASN.1 structure (``TimeStampResp``, ``SignedData`` ...)."""
    try:
        value, rest = decoder.decode(data, asn1Spec=spec)
    except (PyAsn1Error, TypeError, ValueError) as exc:
        raise ParseError(Msg("token.not_ber", what=what)) from exc
    if rest:
        raise ParseError(Msg("token.trailing", what=what, n=len(rest)))
    return value


def parse_response(tsr: bytes) -> ResponseStatus:
    resp = _decode(tsr, rfc3161.TimeStampResp(), "TimeStampResp")
    info = resp["status"]
    fail_info: tuple[str, ...] = ()
    if info["failInfo"].isValue:
        bits = tuple(info["failInfo"])
        fail_info = tuple(FAIL_INFO_NAMES.get(i, f"bit{i}") for i, bit in enumerate(bits) if bit)
    text = tuple(str(t) for t in info["statusString"]) if info["statusString"].isValue else ()
    try:
        token = ber.response_token(tsr) if resp["timeStampToken"].isValue else None
    except ber.BerError as exc:
        raise ParseError(Msg("token.resp_malformed", detail=exc.msg)) from exc
    return ResponseStatus(status=int(info["status"]), fail_info=fail_info, text=text, token=token)


def _attributes(signed_attrs) -> dict[str, tuple[bytes, ...]]:  # type: ignore[no-untyped-def]
    found: dict[str, tuple[bytes, ...]] = {}
    for attr in signed_attrs:
        oid = str(attr["attrType"])
        if oid in found:
            raise ParseError(Msg("token.attribute_twice", oid=oid))
        found[oid] = tuple(encoder.encode(v) for v in attr["attrValues"])
    return found


def _signer_view(info, raw_attrs: bytes | None) -> SignerView:  # type: ignore[no-untyped-def]
    sid = info["sid"]
    issuer_der = serial = key_id = None
    if sid.getName() == "issuerAndSerialNumber":
        issuer_der = encoder.encode(sid["issuerAndSerialNumber"]["issuer"])
        serial = int(sid["issuerAndSerialNumber"]["serialNumber"])
    else:
        key_id = bytes(sid["subjectKeyIdentifier"])
    attrs = info["signedAttrs"]
    if not attrs.isValue:
        raise ParseError(Msg("token.no_signed_attrs"))
    if raw_attrs is None:  # indefinite length: the signature is over the DER (RFC 5652 5.4)
        raw_attrs = b"\x31" + encoder.encode(attrs)[1:]
    params = info["signatureAlgorithm"]["parameters"]
    return SignerView(
        sid_issuer_der=issuer_der, sid_serial=serial, sid_key_id=key_id,
        digest_oid=str(info["digestAlgorithm"]["algorithm"]),
        signature_oid=str(info["signatureAlgorithm"]["algorithm"]),
        signature_params=encoder.encode(params) if params.isValue else None,
        signature=bytes(info["signature"]),
        signed_attrs_der=raw_attrs,
        attributes=_attributes(attrs),
    )


def _certificates(signed_data, token: bytes) -> tuple[x509.Certificate, ...]:  # type: ignore[no-untyped-def]
    certs = []
    if signed_data["certificates"].isValue:
        for choice in signed_data["certificates"]:
            if choice.getName() != "certificate":
                continue  # attribute certificates and others do not identify a signer
            der = encoder.encode(choice["certificate"])
            if der not in token:  # X.509 is DER only; a BER variant is a modified certificate
                raise ParseError(Msg("token.cert_not_der"))
            certs.append(x509.load_der_x509_certificate(der))
    return tuple(certs)


def _check_versions(signed) -> None:  # type: ignore[no-untyped-def]
    """RFC 5652 fixes these versions for a TSTInfo token; nothing else may stand there."""
    if int(signed["version"]) not in (1, 3):  # RFC 5652 says 3; EuroCert's QTSA writes 1
        raise ParseError(Msg("token.signed_data_version", version=int(signed["version"])))
    info = signed["signerInfos"][0]
    listed = {str(algorithm["algorithm"]) for algorithm in signed["digestAlgorithms"]}
    if str(info["digestAlgorithm"]["algorithm"]) not in listed:
        raise ParseError(Msg("token.digest_not_listed"))
    expected = 1 if info["sid"].getName() == "issuerAndSerialNumber" else 3
    if int(info["version"]) != expected:
        raise ParseError(Msg("token.signer_info_version", version=int(info["version"]), expected=expected))


def _general_name(name) -> str | None:  # type: ignore[no-untyped-def]
    if not name.isValue:
        return None
    kind = name.getName()
    if kind == "directoryName":
        return format_name(encoder.encode(name["directoryName"]))
    return f"{kind}:{name[kind]}"


def _tst_view(tst) -> TstView:  # type: ignore[no-untyped-def]
    imprint = tst["messageImprint"]
    return TstView(
        imprint_oid=str(imprint["hashAlgorithm"]["algorithm"]),
        imprint=bytes(imprint["hashedMessage"]),
        serial=int(tst["serialNumber"]),
        policy_oid=str(tst["policy"]),
        nonce=int(tst["nonce"]) if tst["nonce"].isValue else None,
        tsa_name=_general_name(tst["tsa"]),
    )


def parse_token(token: bytes) -> ParsedToken:
    info = _decode(token, rfc5652.ContentInfo(), "TimeStampToken")
    if str(info["contentType"]) != OID_SIGNED_DATA:
        raise ParseError(Msg("token.content_type", oid=str(info["contentType"])))
    try:
        signed_raw, raw_attrs = ber.signer_info_parts(token)
    except (ber.BerError, IndexError) as exc:
        detail = exc.msg if isinstance(exc, ber.BerError) else Msg("ber.missing_element")
        raise ParseError(Msg("token.signed_data_malformed", detail=detail)) from exc
    signed = _decode(signed_raw, rfc5652.SignedData(), "SignedData")
    if len(signed["signerInfos"]) != 1:
        raise MultipleSigners(Msg("token.signers", n=len(signed["signerInfos"])))
    _check_versions(signed)
    encap = signed["encapContentInfo"]
    if not encap["eContent"].isValue:
        raise ParseError(Msg("token.no_tstinfo"))
    econtent = bytes(encap["eContent"])
    try:
        tst = _decode(econtent, rfc3161.TSTInfo(), "TSTInfo")
        certificates = _certificates(signed, token)
        gen_time = tst["genTime"].asDateTime
        tst_view = _tst_view(tst)
    except ParseError:
        raise
    except (PyAsn1Error, ValueError, x509.InvalidVersion) as exc:
        raise ParseError(Msg("token.malformed_part", kind=type(exc).__name__)) from exc
    if gen_time.tzinfo is None:
        raise ParseError(Msg("token.gen_time_zone"))
    return ParsedToken(
        econtent_type=str(encap["eContentType"]),
        econtent=econtent,
        certificates=certificates,
        signer=_signer_view(signed["signerInfos"][0], raw_attrs),
        gen_time=gen_time,
        tst=tst_view,
    )


def as_timestamp_response(data: bytes) -> bytes:
    """Accept a TimeStampResp or a bare TimeStampToken (what ``openssl ts -token_out`` and
    many signing tools store); a bare token is wrapped as a granted response.  The status
    lies outside the signed token, so wrapping adds no claim the token does not make."""
    try:
        parse_response(data)
        return data
    except ParseError:
        pass
    _decode(data, rfc3161.TimeStampToken(), "TimeStampResp / TimeStampToken")
    body = _GRANTED + data  # the token's bytes stay exactly as received
    return b"\x30" + _der_length(len(body)) + body


_GRANTED = b"\x30\x03\x02\x01\x00"  # PKIStatusInfo { status granted }


def _der_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    octets = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(octets)]) + octets
