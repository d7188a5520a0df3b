"""The as-served bytes of every main-document response, reloads included.

A page that sets a cookie and reloads itself, or redirects by script, is
served more than once; once the browser has navigated on, the earlier bodies
are gone ("No resource with given identifier found").  So each main-frame
document response is paused at the response stage (CDP ``Fetch``), its body
read, and the request continued unchanged.  ``write_documents`` then writes
the final document as ``response.html`` and the earlier ones as
``documents/<n>.html``, listed in provenance.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidence_capture.timeutil import iso_utc, utcnow

FINAL = "response.html"


@dataclass
class Document:
    url: str
    status: int | None
    received_at: str
    body: bytes | None
    error: str | None = None


class DocumentWatch:
    """Collects main-frame document bodies through the capture's CDP session."""

    def __init__(self, cdp: Any) -> None:
        self.cdp = cdp
        self.documents: list[Document] = []
        self.main_frame = cdp.send("Page.getFrameTree")["frameTree"]["frame"]["id"]
        cdp.on("Fetch.requestPaused", self._paused)
        cdp.send("Fetch.enable", {"patterns": [{"resourceType": "Document",
                                                "requestStage": "Response"}]})

    def _paused(self, event: dict[str, Any]) -> None:
        request_id = event["requestId"]
        try:
            if event.get("frameId") == self.main_frame:
                self.documents.append(self._read(event))
        finally:
            try:
                self.cdp.send("Fetch.continueRequest", {"requestId": request_id})
            except Exception:  # noqa: BLE001 - the page navigated on or closed; nothing to continue
                pass

    def _read(self, event: dict[str, Any]) -> Document:
        url, status = event["request"]["url"], event.get("responseStatusCode")
        when = iso_utc(utcnow())
        if status is not None and 300 <= status < 400:
            return Document(url, status, when, None, "redirect: no body kept")
        try:
            reply = self.cdp.send("Fetch.getResponseBody", {"requestId": event["requestId"]})
        except Exception as exc:  # noqa: BLE001 - recorded, the capture goes on
            return Document(url, status, when, None, str(exc).strip().splitlines()[0])
        body = reply["body"]
        data = base64.b64decode(body) if reply.get("base64Encoded") else body.encode("utf-8")
        return Document(url, status, when, data)

    def stop(self) -> None:
        try:
            self.cdp.send("Fetch.disable")
        except Exception:  # noqa: BLE001 - the context is already gone
            pass


def write_documents(documents: list[Document], folder: Path) -> list[dict[str, object]]:
    """Write the bodies; the last one with a body is ``response.html``.  Returns the listing."""
    kept = [d for d in documents if d.body is not None]
    final = kept[-1] if kept else None
    rows = []
    for n, doc in enumerate(documents, start=1):
        row: dict[str, object] = {"n": n, "url": doc.url, "status": doc.status,
                                  "received_at": doc.received_at, "artifact": None,
                                  "final": doc is final, "error": doc.error}
        if doc.body is not None:
            name = FINAL if doc is final else f"documents/{n}.html"
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(doc.body)
            row.update(artifact=name, size=len(doc.body),
                       sha256="sha256:" + hashlib.sha256(doc.body).hexdigest())
        rows.append(row)
    return rows
