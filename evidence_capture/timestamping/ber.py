"""Raw BER/DER element boundaries, for the bytes a signature covers exactly as received.

pyasn1 decodes values but forgets their encoding; a CMS signature covers the
signed attributes as the TSA encoded them (unsorted SET OF, BER lengths), so
re-encoding them would verify something the TSA never signed.  This walker only
finds where elements start and end, definite or indefinite length.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_NESTING = 64


class BerError(ValueError):
    """The bytes are not a well-formed BER element; ``msg`` says how (a catalog message)."""

    def __init__(self, key: str, **params: object) -> None:
        from evidence_capture.errors import Msg

        self.msg = Msg(key, **params)
        super().__init__(str(self.msg))


@dataclass(frozen=True)
class Element:
    tag: int  # the first identifier octet (class, constructed bit, low tag number)
    start: int  # first identifier octet
    content: int  # first content octet
    content_end: int  # end of the content (before an end-of-contents marker)
    end: int  # one past the element
    indefinite: bool

    def raw(self, data: bytes) -> bytes:
        return data[self.start:self.end]


def _length(data: bytes, pos: int) -> tuple[int | None, int]:
    if pos >= len(data):
        raise BerError("ber.truncated_length")
    first = data[pos]
    if first < 0x80:
        return first, pos + 1
    if first == 0x80:
        return None, pos + 1
    count = first & 0x7F
    if count > 8 or pos + 1 + count > len(data):
        raise BerError("ber.bad_length")
    return int.from_bytes(data[pos + 1:pos + 1 + count], "big"), pos + 1 + count


def element(data: bytes, pos: int = 0, depth: int = 0) -> Element:
    """The element that starts at ``pos``."""
    if depth > MAX_NESTING or pos >= len(data):
        raise BerError("ber.truncated_element")
    tag, at = data[pos], pos + 1
    if tag & 0x1F == 0x1F:  # high tag number form
        while at < len(data) and data[at] & 0x80:
            at += 1
        at += 1
    length, content = _length(data, at)
    if length is not None:
        if content + length > len(data):
            raise BerError("ber.past_end")
        return Element(tag, pos, content, content + length, content + length, False)
    if not tag & 0x20:
        raise BerError("ber.indefinite_primitive")
    cursor = content
    while data[cursor:cursor + 2] != b"\x00\x00":
        cursor = element(data, cursor, depth + 1).end
    return Element(tag, pos, content, cursor, cursor + 2, True)


def children(data: bytes, parent: Element) -> list[Element]:
    found, cursor = [], parent.content
    while cursor < parent.content_end:
        child = element(data, cursor)
        found.append(child)
        cursor = child.end
    return found


def _expect(found: Element, tag: int, what: str) -> Element:
    if found.tag != tag:
        raise BerError("ber.tag", what=what, found=f"{found.tag:#04x}", expected=f"{tag:#04x}")
    return found


def signer_info_parts(token: bytes) -> tuple[bytes, bytes | None]:
    """(raw SignedData, raw signedAttrs of the first SignerInfo or None) of a ContentInfo."""
    info = _expect(element(token), 0x30, "ContentInfo")
    explicit = _expect(children(token, info)[1], 0xA0, "ContentInfo content")
    signed = _expect(children(token, explicit)[0], 0x30, "SignedData")
    signer_infos = _expect(children(token, signed)[-1], 0x31, "signerInfos")
    first = _expect(children(token, signer_infos)[0], 0x30, "SignerInfo")
    attrs = next((c for c in children(token, first) if c.tag == 0xA0), None)
    if attrs is None:
        return signed.raw(token), None
    if attrs.indefinite:  # RFC 5652 signs the DER of the SET OF: the caller re-encodes
        return signed.raw(token), None
    return signed.raw(token), b"\x31" + attrs.raw(token)[1:]


def response_token(tsr: bytes) -> bytes | None:
    """The raw TimeStampToken of a TimeStampResp, as received."""
    parts = children(tsr, _expect(element(tsr), 0x30, "TimeStampResp"))
    return _expect(parts[1], 0x30, "TimeStampToken").raw(tsr) if len(parts) > 1 else None
