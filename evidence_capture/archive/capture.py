"""The capture pipeline's hooks for the web archive.

* ``start(session)`` listens to the session's traffic once the CDP session exists;
* ``collect_bodies`` is the ``traffic`` step, run before the context closes
  (the browser drops response bodies with the page);
* ``write_archive`` runs after ``provenance.json`` is written, so the WACZ
  holds the final provenance byte for byte; it writes ``archive.wacz``
  atomically and returns the outcome of the ``archive`` step.
"""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path
from typing import Any

from evidence_capture import __version__
from evidence_capture.archive.traffic import TrafficRecorder
from evidence_capture.archive.wacz import Page, write_wacz
from evidence_capture.archive.warc import Resource, write_warc
from evidence_capture.errors import Msg
from evidence_capture.timeutil import iso_utc, utcnow

WACZ_NAME = "archive.wacz"
SOFTWARE = f"evidence-capture {__version__} (warcio)"
# Files of the capture stored in the WARC as resource records (when they exist).
RESOURCES = (("screenshot.png", "image/png"), ("page.pdf", "application/pdf"),
             ("provenance.json", "application/json"), ("environment.json", "application/json"))
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)


# Chromium keeps response bodies for DevTools only up to these sizes.
_BUFFERS = {"maxTotalBufferSize": 512 * 2**20, "maxResourceBufferSize": 128 * 2**20}


def _no_traffic() -> Exception:
    from evidence_capture.capture.failures import StepFailed  # here: capture imports this module

    return StepFailed(Msg("archive.no_traffic"))


def start(session: Any) -> None:
    session.cdp.send("Network.enable", _BUFFERS)
    session.traffic = TrafficRecorder(session.cdp)


def collect_bodies(s: Any, budget: float) -> Msg:
    """The ``traffic`` step: read every response body while the page is still open."""
    if s.traffic is None:
        raise _no_traffic()
    read, missing = s.traffic.collect_bodies(s.cdp, time.monotonic() + budget)
    return Msg("archive.traffic.read", requests=len(s.traffic.hops()), read=read, missing=missing)


def resource_uri(capture_id: str, name: str) -> str:
    return f"urn:evidence-capture:{capture_id}:{name}"


def _title(folder: Path) -> str:
    path = folder / "response.html"
    found = _TITLE.search(path.read_bytes()[:65536]) if path.exists() else None
    return found.group(1).decode("utf-8", "replace").strip() if found else ""


def write_archive(folder: Path, traffic: TrafficRecorder | None, record: dict[str, Any]) -> Msg:
    """Write ``archive.wacz`` from the recorded traffic and the capture's files."""
    if traffic is None:
        raise _no_traffic()
    hops = traffic.hops()
    url = record.get("final_url") or record["requested_url"]
    main = next((h for h in hops if h.url == url and h.response_time), None)
    moment = main.response_time if main and main.response_time else utcnow()
    created = utcnow()
    resources = [Resource(resource_uri(record["capture_id"], name), folder / name, kind)
                 for name, kind in RESOURCES if (folder / name).is_file()]
    info = {"software": SOFTWARE, "format": "WARC File Format 1.1",
            "capture-id": record["capture_id"], "requested-url": record["requested_url"],
            "browser": f"Chromium {record.get('chromium_version')}",
            "user-agent": record.get("user_agent") or "",
            "recorded-from": "Chrome DevTools Protocol Network events of the capture's page",
            "created": iso_utc(created)}
    warc = io.BytesIO()
    write_warc(warc, hops, resources, info, created)
    out = folder / f".{WACZ_NAME}.part"
    write_wacz(out, warc.getvalue(), Page(url, _title(folder), moment),
               created=created, software=SOFTWARE)
    os.replace(out, folder / WACZ_NAME)
    answered = sum(1 for h in hops if h.answered)
    return Msg("archive.written", responses=answered, files=len(resources),
               size=(folder / WACZ_NAME).stat().st_size)
