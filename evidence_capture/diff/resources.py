"""The resource diff from both HARs: URLs added, removed, or changed by body hash.

Each URL's last response is compared by HTTP status and the SHA-256 of the
body the HAR embeds (base64 bodies are decoded first).  A response whose
body was not recorded compares by status only and says so.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from evidence_capture.errors import InputError, Msg


def har_resources(har: Path) -> dict[str, dict[str, Any]]:
    """URL -> {"status", "sha256" | None, "size"} for the last response to each URL."""
    if not har.is_file():
        return {}
    try:
        entries = json.loads(har.read_text(encoding="utf-8"))["log"]["entries"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(Msg("diff.bad_har", name=har.name)) from exc
    found = {}
    for entry in entries:
        url = str(entry.get("request", {}).get("url", ""))
        response = entry.get("response") or {}
        content = response.get("content") or {}
        text = content.get("text")
        body = None
        if isinstance(text, str):
            body = base64.b64decode(text) if content.get("encoding") == "base64" else text.encode("utf-8")
        found[url] = {"status": response.get("status"), "size": len(body) if body is not None else None,
                      "sha256": "sha256:" + hashlib.sha256(body).hexdigest() if body is not None else None}
    return found


def resource_diff(a: Path, b: Path) -> dict[str, Any]:
    old, new = har_resources(a / "network.har"), har_resources(b / "network.har")
    changed = []
    for url in sorted(set(old) & set(new)):
        before, after = old[url], new[url]
        if before["status"] != after["status"] or before["sha256"] != after["sha256"]:
            changed.append({"url": url, "old": before, "new": after,
                            "bodies_recorded": before["sha256"] is not None and after["sha256"] is not None})
    return {"added": [{"url": u, **new[u]} for u in sorted(set(new) - set(old))],
            "removed": [{"url": u, **old[u]} for u in sorted(set(old) - set(new))],
            "changed": changed, "unchanged": len(set(old) & set(new)) - len(changed)}
