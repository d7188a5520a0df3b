"""URL validation: only well-formed http and https URLs are captured."""

from __future__ import annotations

import ipaddress
import re
import secrets
from urllib.parse import urlsplit

from evidence_capture.errors import InvalidURLError
from evidence_capture.timeutil import utcnow

ALLOWED_SCHEMES = ("http", "https")
_HOST_RE = re.compile(r"^[A-Za-z0-9.\-_]+$")
_CONTROL_RE = re.compile(r"[\x00-\x20\x7f]")


def new_capture_id() -> str:
    """``YYYYMMDDTHHMMSSZ-<8 hex>``: the UTC start time plus 32 random bits."""
    return f"{utcnow():%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}"


def _check_host(url: str, host: str | None) -> None:
    if not host:
        raise InvalidURLError(f"URL has no host: {url!r}")
    if host.startswith("[") or ":" in host:
        try:
            ipaddress.IPv6Address(host.strip("[]"))
        except ValueError as exc:
            raise InvalidURLError(f"URL has a malformed IPv6 host: {url!r}") from exc
        return
    try:
        host.encode("idna")
    except UnicodeError as exc:
        raise InvalidURLError(f"URL has a malformed host name: {url!r}") from exc
    if not host.isascii():
        return  # an internationalised domain name; it encoded cleanly above
    if not _HOST_RE.fullmatch(host) or ".." in host or host.startswith((".", "-")):
        raise InvalidURLError(f"URL has a malformed host name: {url!r}")


def validate_url(url: str) -> str:
    """Return the URL, stripped of surrounding blanks, or raise ``InvalidURLError``."""
    text = (url or "").strip()
    hint = "give a full http:// or https:// address, e.g. https://shop.example.com/item/1"
    if not text:
        raise InvalidURLError("empty URL", hint=hint)
    if _CONTROL_RE.search(text):
        raise InvalidURLError(f"URL contains spaces or control characters: {text!r}", hint=hint)
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        raise InvalidURLError(f"malformed URL {text!r}: {exc}", hint=hint) from exc
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = f"{scheme}:" if scheme else "no scheme"
        raise InvalidURLError(
            f"refused URL {text!r}: only http and https can be captured, not {shown}", hint=hint
        )
    try:
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise InvalidURLError(f"malformed URL {text!r}: {exc}", hint=hint) from exc
    if not parts.netloc or not text.lower().startswith(f"{scheme}://"):
        raise InvalidURLError(f"malformed URL {text!r}: expected {scheme}://HOST/...", hint=hint)
    _check_host(text, host)
    return text
