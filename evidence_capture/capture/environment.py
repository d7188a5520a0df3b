"""The clean-environment check written to ``environment.json``.

It records what could make a capture untrustworthy: proxies, an edited hosts
file, unusual resolvers, the clock, and whether the browser profile was
fresh.  Findings are "ok" or "warn", with a ``detail`` in English and its
catalog record ``detail_msg`` (``finding``); nothing here is reported as checked when
it was not (the clock has no reference offline, so its offset stays null).
"""

from __future__ import annotations

import hashlib
import platform
import socket
from pathlib import Path

from evidence_capture.errors import Msg
from evidence_capture.timeutil import iso_utc, utcnow

HOSTS_FILE = Path("/etc/hosts")
RESOLV_CONF = Path("/etc/resolv.conf")
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "ftp_proxy")
_DEFAULT_HOSTS = {"localhost", "localhost.localdomain", "localhost4", "localhost6",
                  "localhost4.localdomain4", "localhost6.localdomain6", "ip6-localhost",
                  "ip6-loopback", "ip6-localnet", "ip6-mcastprefix", "ip6-allnodes",
                  "ip6-allrouters", "ip6-allhosts"}


def proxy_env(environ: dict[str, str]) -> dict[str, str]:
    found = {}
    for name in PROXY_VARS:
        for variant in (name, name.upper()):
            if environ.get(variant):
                found[variant] = environ[variant]
    return found


def hosts_entries(text: str, hostname: str) -> list[str]:
    """Lines of the hosts file that map anything beyond the usual local names."""
    odd = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        names = set(line.split()[1:])
        if names - _DEFAULT_HOSTS - {hostname, hostname.split(".")[0]}:
            odd.append(line)
    return odd


def resolvers(text: str) -> list[str]:
    return [line.split()[1] for line in text.splitlines()
            if line.startswith("nameserver") and len(line.split()) > 1]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def check_environment(environ: dict[str, str], *, browser_proxy: str,
                      fresh_profile: bool, profile_detail: Msg) -> dict[str, object]:
    hostname = socket.gethostname()
    hosts = _read(HOSTS_FILE)
    odd_hosts = hosts_entries(hosts.decode("utf-8", "replace"), hostname)
    proxies = proxy_env(environ)
    findings = [
        finding("proxy_env", not proxies, Msg("capture.env.proxy_set", names=", ".join(sorted(proxies)))
                if proxies else Msg("capture.env.no_proxy")),
        finding("hosts_file", not odd_hosts, Msg("capture.env.hosts_odd", n=len(odd_hosts))
                if odd_hosts else Msg("capture.env.hosts_default")),
        finding("fresh_profile", fresh_profile, profile_detail),
        finding("clock", False, Msg("capture.env.clock")),
    ]
    uname = platform.uname()
    return {
        "os": {"system": uname.system, "release": uname.release, "version": uname.version,
               "machine": uname.machine, "platform": platform.platform()},
        "hostname": hostname,
        "proxy": {"env": proxies, "browser": browser_proxy},
        "hosts_file": {"path": str(HOSTS_FILE), "sha256": hashlib.sha256(hosts).hexdigest(),
                       "non_default_entries": odd_hosts},
        "dns_resolvers": resolvers(_read(RESOLV_CONF).decode("utf-8", "replace")),
        "clock": {"utc": iso_utc(utcnow()), "reference": None, "offset_s": None},
        "fresh_profile": fresh_profile,
        "findings": findings,
    }


def finding(check: str, ok: bool, detail: Msg) -> dict[str, object]:
    """One finding: ``detail`` in English, ``detail_msg`` for the reader's language."""
    return {"check": check, "status": "ok" if ok else "warn", "detail": str(detail),
            "detail_msg": detail.as_record()}
