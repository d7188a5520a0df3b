"""Write the session's traffic and the capture's own files as a WARC 1.1 (warcio).

One gzip member per record (``data.warc.gz``).  For each hop: a ``request``
record (header block rebuilt from the headers Chromium reports as sent), and a
``response`` record whose HTTP header block is the exact ``headersText`` the
browser received when it has one (HTTP/1.x), and whose payload is the body
the browser handed over.  ``WARC-IP-Address`` is the address the browser
connected to and ``WARC-Date`` the time the response headers arrived.

When the browser decoded the body (``Content-Encoding``) or de-chunked it
(``Transfer-Encoding``), the recorded payload is no longer what those headers
describe: the header block is then rebuilt without them (with the decoded
``Content-Length``), and the exact header block as received is kept in a
``metadata`` record that refers to the response (``WARC-Concurrent-To``).
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Iterable
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser
from warcio.timeutils import datetime_to_iso_date
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from evidence_capture.archive.traffic import Hop

WARC_NAME = "data.warc.gz"
_REWRITTEN = ("content-encoding", "transfer-encoding", "content-length")


class ExactHeaders(StatusAndHeaders):
    """HTTP headers that warcio writes back byte for byte as they were received."""

    def __init__(self, raw: bytes) -> None:
        parsed = StatusAndHeadersParser([], verify=False).parse(io.BytesIO(raw))
        super().__init__(parsed.statusline, parsed.headers, protocol=parsed.protocol)
        self._raw = raw

    def compute_headers_buffer(self, header_filter=None) -> None:  # type: ignore[no-untyped-def]
        self.headers_buff = self._raw


class _Sha256Writer(WARCWriter):
    """warcio's writer with SHA-256 block and payload digests (the project's digest)."""

    def _create_digester(self) -> Digester:
        return Digester("sha256")


@dataclass(frozen=True)
class Resource:
    """A capture file stored as a WARC ``resource`` record."""

    uri: str
    path: Path
    media_type: str


def _date(moment: datetime) -> str:
    return datetime_to_iso_date(moment.replace(tzinfo=None), use_micros=True)


def _protocol(hop: Hop, *, request: bool = False) -> str:
    """The status-line protocol; Chromium sends HTTP/1.1 even to an HTTP/1.0 server."""
    known = {"h2": "HTTP/2", "h3": "HTTP/3"}
    if not request:
        known["http/1.0"] = "HTTP/1.0"
    return known.get(hop.protocol, "HTTP/1.1")


def _request_block(hop: Hop) -> bytes:
    parts = urlsplit(hop.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = hop.sent_headers if hop.sent_headers is not None else hop.request_headers
    lines = [f"{hop.method} {target} {_protocol(hop, request=True)}"]
    if not any(name.lower() == "host" or name == ":authority" for name in headers):
        lines.append(f"Host: {parts.netloc}")
    lines += [f"{name}: {value}" for name, value in headers.items() if not name.startswith(":")]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def _rebuilt_response(hop: Hop, body: bytes) -> bytes:
    lines = [f"{_protocol(hop)} {hop.status} {hop.status_text}".rstrip()]
    for name, value in hop.response_headers.items():
        if name.lower() in _REWRITTEN or name.startswith(":"):
            continue
        lines += [f"{name}: {one}" for one in value.split("\n")]  # CDP joins repeats with \n
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def _announced_length(hop: Hop) -> int | None:
    for name, value in hop.response_headers.items():
        if name.lower() == "content-length" and value.strip().isdigit():
            return int(value)
    return None


def response_block(hop: Hop, body: bytes) -> tuple[bytes, bytes | None]:
    """The header block to store, and the exact one received when it had to be rebuilt."""
    exact = hop.headers_text.encode("latin-1", "replace") if hop.headers_text else None
    names = {name.lower(): value for name, value in hop.response_headers.items()}
    decoded = names.get("content-encoding", "identity").lower() not in ("", "identity")
    chunked = "chunked" in names.get("transfer-encoding", "").lower()
    if exact is not None and not decoded and not chunked:
        return exact, None
    return _rebuilt_response(hop, body), exact


class WarcFile:
    """``warc = WarcFile(out, info); warc.hop(h); warc.resource(r, moment)``."""

    def __init__(self, out: BinaryIO, warcinfo: dict[str, str]) -> None:
        self._writer = _Sha256Writer(out, gzip=True, warc_version="1.1")
        self._writer.write_record(self._writer.create_warcinfo_record(WARC_NAME, warcinfo))

    def hop(self, hop: Hop) -> None:
        if not hop.answered or not hop.url.startswith(("http://", "https://")):
            return
        body = hop.body or b""
        block, exact = response_block(hop, body)
        head = {"WARC-Date": _date(hop.response_time or hop.request_time)}
        if hop.remote_ip:
            head["WARC-IP-Address"] = hop.remote_ip
        if hop.protocol:
            head["WARC-Protocol"] = hop.protocol
        if hop.body is None and _announced_length(hop) != 0:
            head["WARC-Truncated"] = "unspecified"
        response = self._writer.create_warc_record(
            hop.url, "response", payload=io.BytesIO(body), length=len(body),
            warc_headers_dict=head, http_headers=ExactHeaders(block))
        self._writer.write_record(response)
        record_id = response.rec_headers.get_header("WARC-Record-ID")
        self._request(hop, record_id)
        notes = self._notes(hop, exact)
        if notes:
            self._write(hop.url, "metadata", notes, "application/warc-fields",
                        {"WARC-Concurrent-To": record_id, "WARC-Date": head["WARC-Date"]})

    def _request(self, hop: Hop, response_id: str) -> None:
        body = hop.post_data or b""
        record = self._writer.create_warc_record(
            hop.url, "request", payload=io.BytesIO(body), length=len(body),
            warc_headers_dict={"WARC-Date": _date(hop.request_time),
                               "WARC-Concurrent-To": response_id},
            http_headers=ExactHeaders(_request_block(hop)))
        self._writer.write_record(record)

    @staticmethod
    def _notes(hop: Hop, exact: bytes | None) -> bytes:
        fields = []
        if exact is not None:
            fields.append(("headers-as-received-base64", base64.b64encode(exact).decode("ascii")))
        if hop.headers_text is None and hop.answered:
            fields.append(("headers-source", "rebuilt from the browser's parsed headers "
                           f"({hop.protocol or 'unknown protocol'}: no raw header text)"))
        if hop.body_problem:
            fields.append(("body-missing", hop.body_problem))
        return "".join(f"{name}: {value.strip()}\r\n" for name, value in fields).encode("utf-8")

    def resource(self, item: Resource, moment: datetime) -> None:
        self._write(item.uri, "resource", item.path.read_bytes(), item.media_type,
                    {"WARC-Date": _date(moment)})

    def _write(self, uri: str, kind: str, data: bytes, media_type: str,
               head: dict[str, str]) -> None:
        record = self._writer.create_warc_record(uri, kind, payload=io.BytesIO(data),
                                                 length=len(data), warc_content_type=media_type,
                                                 warc_headers_dict=head)
        self._writer.write_record(record)


def write_warc(out: BinaryIO, hops: Iterable[Hop], resources: Iterable[Resource],
               warcinfo: dict[str, str], moment: datetime) -> None:
    warc = WarcFile(out, warcinfo)
    for hop in hops:
        warc.hop(hop)
    for item in resources:
        warc.resource(item, moment)
