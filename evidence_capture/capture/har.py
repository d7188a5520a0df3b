"""Post-processing of the HAR Playwright wrote: server addresses, dates, redirects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

NO_CONNECTION = "no connection was made (blocked, failed, cached or aborted request)"


def load_har(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def complete_server_addresses(har: dict[str, Any]) -> int:
    """Give every entry a ``serverIPAddress``; returns how many had none.

    Entries that never reached a server get an empty string and an
    ``_evidenceNote`` saying so, instead of silently lacking the field.
    """
    missing = 0
    for entry in har["log"]["entries"]:
        if not entry.get("serverIPAddress"):
            entry["serverIPAddress"] = ""
            entry["_evidenceNote"] = NO_CONNECTION
            missing += 1
    return missing


def servers(har: dict[str, Any]) -> list[dict[str, object]]:
    """One row per request: URL, IP and port actually connected to."""
    rows = []
    for entry in har["log"]["entries"]:
        url = entry["request"]["url"]
        rows.append({"url": url, "ip": entry.get("serverIPAddress") or None,
                     "port": entry.get("_serverPort") or urlsplit(url).port})
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
