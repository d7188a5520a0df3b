"""Ask a TSA for a timestamp: ``request_timestamp``.

The request is built with rfc3161ng (SHA-256, always ``digest=``, a random
64-bit nonce, certReq=true) and POSTed as ``application/timestamp-query`` with
urllib, so that time-outs and errors are ours to name.  The reply is checked
only for being a granted TimeStampResp; ``verify_token`` does the rest.
"""

from __future__ import annotations

import http.client
import secrets
import socket
import time
import urllib.error
import urllib.request

import rfc3161ng

from evidence_capture.errors import Msg, TimestampError, cause_msg
from evidence_capture.timestamping.models import TimestampExchange
from evidence_capture.timestamping.tokens import ParseError, parse_response

QUERY_TYPE = "application/timestamp-query"
REPLY_TYPE = "application/timestamp-reply"
MAX_REPLY = 1024 * 1024
_DIGEST_SIZES = {"sha256": 32, "sha384": 48, "sha512": 64}


def build_request(digest: bytes, nonce: int, hash_name: str = "sha256") -> bytes:
    if len(digest) != _DIGEST_SIZES.get(hash_name, -1):
        raise ValueError(f"a {hash_name} digest must be {_DIGEST_SIZES.get(hash_name)} bytes")
    request = rfc3161ng.make_timestamp_request(
        digest=digest, hashname=hash_name, include_tsa_certificate=True, nonce=nonce)
    return rfc3161ng.encode_timestamp_request(request)


def _post(url: str, tsq: bytes, timeout: float) -> tuple[bytes, str]:
    deadline = time.monotonic() + timeout
    try:
        request = urllib.request.Request(url, data=tsq, method="POST", headers={
            "Content-Type": QUERY_TYPE, "Accept": REPLY_TYPE})
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310 - http(s) only
            return _read_body(url, reply, deadline, timeout), reply.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        raise TimestampError(Msg("tsa.client.http_error", url=url, code=exc.code)) from exc
    except urllib.error.URLError as exc:
        raise _unreachable(url, exc.reason, timeout) from exc
    except (TimeoutError, socket.timeout) as exc:
        raise _unreachable(url, exc, timeout) from exc
    except (http.client.InvalidURL, ValueError) as exc:
        raise TimestampError(Msg("tsa.client.bad_url", url=repr(url)), hint=Msg("tsa.client.bad_url.hint")) from exc
    except (http.client.HTTPException, ConnectionError) as exc:
        raise TimestampError(Msg("tsa.client.broken", url=url, kind=type(exc).__name__)) from exc
    except OSError as exc:
        raise _unreachable(url, exc, timeout) from exc


def _read_body(url: str, reply: http.client.HTTPResponse, deadline: float, timeout: float) -> bytes:
    """Read the whole body by ``deadline``: a TSA that trickles bytes counts as hanging."""
    chunks: list[bytes] = []
    size = 0
    while chunk := reply.read1(64 * 1024):
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_REPLY:
            raise TimestampError(Msg("tsa.client.too_large", url=url, limit=MAX_REPLY))
        if time.monotonic() > deadline:
            raise TimestampError(Msg("tsa.client.trickle", url=url, timeout=f"{timeout:g}"))
    return b"".join(chunks)


def _unreachable(url: str, reason: object, timeout: float) -> TimestampError:
    if isinstance(reason, ConnectionRefusedError):
        return TimestampError(Msg("tsa.client.refused", url=url), hint=Msg("tsa.client.refused.hint"))
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return TimestampError(Msg("tsa.client.timeout", url=url, timeout=f"{timeout:g}"),
                              hint=Msg("tsa.client.timeout.hint"))
    cause = cause_msg(reason) if isinstance(reason, OSError) else None
    if cause is None and isinstance(reason, OSError):
        cause = Msg("cause.os", errno=type(reason).__name__)
    if cause is None:  # urllib's own words (a str) never reach the reader
        return TimestampError(Msg("tsa.client.unreachable_plain", url=url))
    return TimestampError(Msg("tsa.client.unreachable", url=url, cause=cause))


def _check_reply(url: str, body: bytes, content_type: str) -> None:
    if content_type != REPLY_TYPE:
        raise TimestampError(Msg("tsa.client.content_type", url=url, found=repr(content_type), expected=REPLY_TYPE))
    try:
        status = parse_response(body)
    except ParseError as exc:
        raise TimestampError(Msg("tsa.client.garbage", url=url, size=len(body))) from exc
    if not status.granted:
        raise TimestampError(Msg("tsa.client.rejected", url=url, status=status.describe()))
    if status.token is None:
        raise TimestampError(Msg("tsa.client.no_token", url=url))


def request_timestamp(url: str, digest: bytes, *, timeout: float,
                      hash_name: str = "sha256") -> TimestampExchange:
    """Send one timestamp request; raise ``TimestampError`` naming what went wrong."""
    if not url.startswith(("http://", "https://")):
        raise TimestampError(Msg("tsa.client.scheme", url=repr(url)))
    nonce = secrets.randbits(64)
    tsq = build_request(digest, nonce, hash_name)
    body, content_type = _post(url, tsq, timeout)
    _check_reply(url, body, content_type)
    return TimestampExchange(url=url, tsq=tsq, tsr=body, nonce=nonce)
