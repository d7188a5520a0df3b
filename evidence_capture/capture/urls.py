"""URL validation: only well-formed http and https URLs are captured."""

from __future__ import annotations

import ipaddress
import re
import secrets
from urllib.parse import urlsplit

from evidence_capture.errors import InvalidURLError, Msg
from evidence_capture.timeutil import utcnow

ALLOWED_SCHEMES = ("http", "https")
_HOST_RE = re.compile(r"^[A-Za-z0-9.\-_]+$")
_CONTROL_RE = re.compile(r"[\x00-\x20\x7f]")


def new_capture_id() -> str:
    """``YYYYMMDDTHHMMSSZ-<8 hex>``: the UTC start time plus 32 random bits."""
    return f"{utcnow():%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}"


def _check_host(url: str, host: str | None) -> None:
    if not host:
        raise InvalidURLError(Msg("capture.url.no_host", url=url))
    if host.startswith("[") or ":" in host:
        try:
            ipaddress.IPv6Address(host.strip("[]"))
        except ValueError as exc:
            raise InvalidURLError(Msg("capture.url.bad_ipv6", url=url)) from exc
        return
    try:
        host.encode("idna")
    except UnicodeError as exc:
        raise InvalidURLError(Msg("capture.url.bad_host", url=url)) from exc
    if not host.isascii():
        return  # an internationalised domain name; it encoded cleanly above
    if not _HOST_RE.fullmatch(host) or ".." in host or host.startswith((".", "-")):
        raise InvalidURLError(Msg("capture.url.bad_host", url=url))


def validate_url(url: str) -> str:
    """Return the URL, stripped of surrounding blanks, or raise ``InvalidURLError``."""
    text = (url or "").strip()
    hint = Msg("capture.url.hint")
    if not text:
        raise InvalidURLError(Msg("capture.url.empty"), hint=hint)
    if _CONTROL_RE.search(text):
        raise InvalidURLError(Msg("capture.url.control", url=repr(text)), hint=hint)
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        raise InvalidURLError(Msg("capture.url.malformed", url=text), hint=hint) from exc
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = f"{scheme}:" if scheme else Msg("capture.url.no_scheme")
        raise InvalidURLError(Msg("capture.url.scheme", url=text, scheme=shown), hint=hint)
    try:
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise InvalidURLError(Msg("capture.url.malformed", url=text), hint=hint) from exc
    if not parts.netloc or not text.lower().startswith(f"{scheme}://"):
        raise InvalidURLError(Msg("capture.url.expected", url=text, scheme=scheme), hint=hint)
    _check_host(text, host)
    return text
