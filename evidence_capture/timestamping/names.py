"""X.501 names as values: compared as names (RFC 5280 7.1), never as bytes of one encoding.

TSAs write the same issuer name as PrintableString in one place and UTF8String
in another (sigstore's ESSCertID does); both name the same CA.
"""

from __future__ import annotations

from pyasn1.codec.ber import decoder
from pyasn1.codec.der import encoder
from pyasn1.error import PyAsn1Error
from pyasn1.type import char
from pyasn1_modules import rfc5280

from evidence_capture.timestamping.ber import BerError, element

_SHORT = {"2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.10": "O",
          "2.5.4.11": "OU", "2.5.4.5": "serialNumber", "2.5.4.97": "organizationIdentifier",
          "1.2.840.113549.1.9.1": "emailAddress", "2.5.4.9": "street", "0.9.2342.19200300.100.1.25": "DC"}

Key = tuple[frozenset[tuple[str, str | bytes]], ...]


def _value(raw: bytes) -> str | bytes:
    try:
        value, _ = decoder.decode(raw)
    except PyAsn1Error:
        return raw
    return str(value) if isinstance(value, char.AbstractCharacterString) else raw


def _rdns(name_der: bytes) -> list[list[tuple[str, str | bytes]]]:
    if name_der[:1] == b"\xa4":  # a GeneralName directoryName keeps its explicit [4] tag
        outer = element(name_der)
        name_der = name_der[outer.content:outer.content_end]
    name, _ = decoder.decode(name_der, asn1Spec=rfc5280.Name())
    return [[(str(attr["type"]), _value(encoder.encode(attr["value"]))) for attr in rdn]
            for rdn in name["rdnSequence"]]


def name_key(name_der: bytes) -> Key:
    """A comparison key: per RDN, the set of (type, case-folded, space-collapsed value)."""
    def norm(value: str | bytes) -> str | bytes:
        return " ".join(value.split()).casefold() if isinstance(value, str) else value

    return tuple(frozenset((oid, norm(value)) for oid, value in rdn) for rdn in _rdns(name_der))


def same_name(a_der: bytes, b_der: bytes) -> bool:
    if a_der == b_der:
        return True
    try:
        return name_key(a_der) == name_key(b_der)
    except (PyAsn1Error, BerError, ValueError, TypeError):
        return False


def format_name(name_der: bytes) -> str:
    """An RFC 4514-style string (most specific RDN first), for people."""
    parts = []
    for rdn in reversed(_rdns(name_der)):
        parts.append("+".join(f"{_SHORT.get(oid, oid)}={value if isinstance(value, str) else '#' + value.hex()}"
                              for oid, value in rdn))
    return ",".join(parts)
