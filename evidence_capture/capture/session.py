"""The live state of one capture: browser objects and what the page did.

Event handlers record dialogs (then dismiss them), popups (recorded, then
closed: never followed), downloads (recorded, then cancelled) and requests
refused by the address guard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidence_capture.capture.addresses import AddressGuard, DnsAnswer
from evidence_capture.capture.quiet import MONITOR_JS, Network
from evidence_capture.defaults import CaptureOptions
from evidence_capture.errors import Msg
from evidence_capture.timeutil import iso_utc, utcnow


@dataclass
class Session:
    url: str
    options: CaptureOptions
    folder: Path
    guard: AddressGuard
    dns: DnsAnswer
    pin: str | None
    video_dir: Path | None
    video_problem: Msg | None = None  # why there is no video, when the recorder failed late
    context: Any = None
    page: Any = None
    cdp: Any = None
    traffic: Any = None  # archive.traffic.TrafficRecorder, for the WACZ
    documents: Any = None  # documents.DocumentWatch: main-document bodies as served
    response: Any = None
    loaded_at: float | None = None  # monotonic time of the load event, if it came
    redirect_chain: list[dict[str, object]] = field(default_factory=list)
    dialogs: list[dict[str, object]] = field(default_factory=list)
    popups: list[dict[str, object]] = field(default_factory=list)
    downloads: list[dict[str, object]] = field(default_factory=list)
    response_urls: list[str] = field(default_factory=list)
    finished: set[Any] = field(default_factory=set)
    warnings: list[Msg] = field(default_factory=list)  # catalog messages (i18n_capture.py)
    user_agent: str | None = None
    browser_version: str | None = None
    facts: dict[str, object] = field(default_factory=dict)  # step results for provenance
    network: Network = field(default_factory=Network)  # requests in flight, for settling
    screens_scrolled: int = 0

    @property
    def page_loaded(self) -> bool:
        return self.response is not None

    def attach(self, context: Any, page: Any) -> None:
        self.context, self.page = context, page
        context.add_init_script(MONITOR_JS)  # quiet monitor: capture/quiet.py
        self.network.attach(page)
        context.route("**/*", self._route)
        context.on("page", self._on_new_page)
        context.on("requestfinished", lambda r: self.finished.add(r))
        context.on("response", lambda r: self.response_urls.append(r.url))
        page.on("dialog", self._on_dialog)
        page.on("download", self._on_download)

    def open_requests(self) -> list[str]:
        """URLs of the page's requests that have neither finished nor failed."""
        return sorted(r.url for r in self.network.inflight)

    def _route(self, route: Any) -> None:
        reason = self.guard.refusal(route.request.url)
        if reason is None:
            route.continue_()
            return
        self.guard.record_block(route.request.url, reason)
        route.abort("blockedbyclient")

    def _on_dialog(self, dialog: Any) -> None:
        self.dialogs.append({"type": dialog.type, "message": dialog.message,
                             "default_value": dialog.default_value,
                             "time": iso_utc(utcnow()), "action": "dismissed"})
        dialog.dismiss()

    def _on_new_page(self, page: Any) -> None:
        if page is self.page:
            return
        opener = page.opener()
        self.popups.append({"url": page.url, "opener": opener.url if opener else None,
                            "time": iso_utc(utcnow()), "action": "closed, not followed"})
        page.close()

    def _on_download(self, download: Any) -> None:
        self.downloads.append({"url": download.url, "suggested_filename":
                               download.suggested_filename, "time": iso_utc(utcnow()),
                               "action": "cancelled, not saved"})
        download.cancel()
