"""DNS answers and the private-address guard.

Private, loopback, link-local and other non-global addresses are blocked
unless ``allow_private`` is set.  The main host is resolved once, checked, and
pinned in the browser (``--host-resolver-rules``) so the browser connects to
exactly the address that was checked; every other request is checked before
it is sent, and afterwards every connection in the HAR is checked against the
IP address the browser actually connected to.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from evidence_capture.errors import Msg


@dataclass(frozen=True)
class DnsAnswer:
    host: str
    answers: tuple[str, ...]
    error: str | None = None  # the resolver's own words, for the technical record
    error_msg: Msg | None = None  # what they mean, for the reader

    def as_record(self) -> dict[str, object]:
        return {"host": self.host, "answers": list(self.answers), "error": self.error,
                "error_msg": self.error_msg.as_record() if self.error_msg is not None else None}


def resolve(host: str) -> DnsAnswer:
    """The system resolver's answers for ``host`` (an IP literal answers itself)."""
    bare = host.strip("[]")
    try:
        return DnsAnswer(host, (str(ipaddress.ip_address(bare)),))
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(bare, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        return DnsAnswer(host, (), error=f"DNS lookup failed: {exc}", error_msg=_dns_failure(exc))
    answers = tuple(dict.fromkeys(str(info[4][0]) for info in infos))
    return DnsAnswer(host, answers)


def _dns_failure(exc: Exception) -> Msg:
    names = {getattr(socket, name): name for name in dir(socket) if name.startswith("EAI_")}
    code = names.get(getattr(exc, "errno", None), type(exc).__name__)
    return Msg("capture.dns.failed", code=code)


def is_private(address: str) -> bool:
    """True for every address that is not globally routable (loopback, RFC 1918, link-local, …)."""
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global


@dataclass
class AddressGuard:
    """Decides per host and per connected IP; remembers what it blocked."""

    allow_private: bool
    _cache: dict[str, DnsAnswer] = field(default_factory=dict)
    blocked: list[dict[str, Any]] = field(default_factory=list)

    def lookup(self, host: str) -> DnsAnswer:
        if host not in self._cache:
            self._cache[host] = resolve(host)
        return self._cache[host]

    def refusal(self, url: str) -> Msg | None:
        """Why a request to ``url`` must not be sent, or None when it may."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or self.allow_private:
            return None
        answer = self.lookup(parts.hostname or "")
        private = [ip for ip in answer.answers if is_private(ip)]
        if private:
            return Msg("capture.guard.private", addresses=", ".join(private))
        return None

    def record_block(self, url: str, reason: Msg) -> None:
        """``reason`` in English and as its catalog record (``reason_msg``)."""
        self.blocked.append({"url": url, "reason": str(reason), "reason_msg": reason.as_record()})

    def connected_violation(self, ip: str) -> bool:
        """True when the browser connected to a private IP while the block was on."""
        return bool(ip) and not self.allow_private and is_private(ip)


def pin_rule(answer: DnsAnswer, allow_private: bool) -> str | None:
    """A ``--host-resolver-rules`` value pinning the host to a checked address."""
    if answer.error or not answer.answers:
        return None
    try:
        ipaddress.ip_address(answer.host.strip("[]"))
        return None  # an IP literal needs no pin
    except ValueError:
        pass
    usable = [ip for ip in answer.answers if allow_private or not is_private(ip)]
    if not usable:
        return None
    ip = usable[0]
    return f"MAP {answer.host} {'[' + ip + ']' if ':' in ip else ip}"
