"""Post-processing of the HAR Playwright wrote: HAR 1.2 validity, server addresses, dates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

NO_CONNECTION = "no connection was made (blocked, failed, cached or aborted request)"
_REQUIRED_TIMINGS = ("send", "wait", "receive")
_OPTIONAL_TIMINGS = ("blocked", "dns", "connect", "ssl")


def load_har(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def complete_server_addresses(har: dict[str, Any]) -> int:
    """Make every entry valid HAR 1.2 and say which never reached a server.

    An entry without a server connection has no ``serverIPAddress`` (the
    schema allows only an IPv4 or IPv6 address there) and carries an
    ``_evidenceNote`` saying so instead.  Returns how many such entries.
    """
    missing = 0
    for entry in har["log"]["entries"]:
        address = str(entry.get("serverIPAddress") or "").strip("[]")
        if address:
            entry["serverIPAddress"] = address
        else:
            entry.pop("serverIPAddress", None)
            entry["_evidenceNote"] = NO_CONNECTION
            missing += 1
        _fix_timings(entry)
    return missing


def _fix_timings(entry: dict[str, Any]) -> None:
    """HAR 1.2: send, wait and receive are never -1; the optional phases are -1 or more."""
    timings = entry.setdefault("timings", {})
    unmeasured = [k for k in _REQUIRED_TIMINGS if not _non_negative(timings.get(k))]
    for key in unmeasured:
        timings[key] = 0
    for key in _OPTIONAL_TIMINGS:
        if key in timings and not (isinstance(timings[key], (int, float)) and timings[key] >= -1):
            timings[key] = -1
    if unmeasured:
        timings["comment"] = f"not measured (the request did not complete): {', '.join(unmeasured)}"
    if not _non_negative(entry.get("time")):
        entry["time"] = 0


def _non_negative(value: object) -> bool:
    return isinstance(value, (int, float)) and value >= 0


def servers(har: dict[str, Any]) -> list[dict[str, object]]:
    """One row per request: URL, IP and port actually connected to."""
    rows = []
    for entry in har["log"]["entries"]:
        url, ip = entry["request"]["url"], entry.get("serverIPAddress") or None
        port = (entry.get("_serverPort") or urlsplit(url).port) if ip else None
        rows.append({"url": url, "ip": ip, "port": port})
    return rows


def http_dates(har: dict[str, Any]) -> list[dict[str, str]]:
    """The HTTP ``Date`` header of every response that had one."""
    rows = []
    for entry in har["log"]["entries"]:
        for header in entry["response"].get("headers", []):
            if header["name"].lower() == "date":
                rows.append({"url": entry["request"]["url"], "date": header["value"]})
                break
    return rows


def save_har(har: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(har, ensure_ascii=False, indent=1), encoding="utf-8")
