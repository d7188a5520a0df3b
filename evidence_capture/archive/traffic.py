"""Record the page's HTTP traffic from the browser's own DevTools events.

``TrafficRecorder`` listens on the capture's CDP session (``Network`` domain,
already enabled by the engine) and keeps, for every request id and every
redirect hop:

* the request as sent (``requestWillBeSent`` + ``requestWillBeSentExtraInfo``:
  method, URL, the headers that went on the wire, the POST body);
* the response: status, protocol, connected IP and port, and — for HTTP/1.x —
  the exact response header block as received (``responseReceivedExtraInfo``
  ``headersText``);
* the wall-clock time of the request and of the response.

Bodies are read with ``Network.getResponseBody`` by ``collect_bodies`` while
the page is still open (Chromium drops them when the context closes).  What
the browser never exposes — bytes on the wire before decompression and
de-chunking, bodies of redirects, HTTP/2 header bytes — cannot be recorded;
``docs/ARCHITECTURE.md`` lists the losses.
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any


@dataclass
class Hop:
    """One request and its response (a redirect is a hop of its own)."""

    request_id: str
    method: str
    url: str
    request_headers: dict[str, str]
    post_data: bytes | None
    request_time: datetime
    monotonic: float  # CDP timestamp of the request, to place the response in wall time
    wall: float
    sent_headers: dict[str, str] | None = None  # requestWillBeSentExtraInfo: what went on the wire
    status: int | None = None
    status_text: str = ""
    protocol: str = ""
    response_headers: dict[str, str] = field(default_factory=dict)
    headers_text: str | None = None  # exact header block (HTTP/1.x only)
    remote_ip: str = ""
    remote_port: int | None = None
    mime_type: str = ""
    response_time: datetime | None = None
    body: bytes | None = None
    body_problem: str | None = None
    redirected: bool = False

    @property
    def answered(self) -> bool:
        return self.status is not None


def _wall(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


class TrafficRecorder:
    """``TrafficRecorder(cdp)`` starts listening; ``hops()`` lists what was seen, in order."""

    def __init__(self, cdp: Any) -> None:
        self._hops: list[Hop] = []
        self._current: dict[str, Hop] = {}
        self._sent: dict[str, list[dict[str, str]]] = {}
        self._texts: dict[str, list[str | None]] = {}
        self._finished: set[str] = set()
        for event, handler in (("Network.requestWillBeSent", self._on_request),
                               ("Network.requestWillBeSentExtraInfo", self._on_sent),
                               ("Network.responseReceived", self._on_response),
                               ("Network.responseReceivedExtraInfo", self._on_extra),
                               ("Network.loadingFinished", self._on_finished)):
            cdp.on(event, handler)

    def hops(self) -> list[Hop]:
        for hop in self._hops:
            self._attach_extra(hop)
        return list(self._hops)

    def _on_request(self, event: dict[str, Any]) -> None:
        rid, request = event["requestId"], event["request"]
        previous = self._current.get(rid)
        if previous is not None and event.get("redirectResponse"):
            self._answer(previous, event["redirectResponse"], event["timestamp"])
            previous.redirected = True
        post = request.get("postData")
        hop = Hop(request_id=rid, method=request["method"], url=request["url"],
                  request_headers=dict(request.get("headers", {})),
                  post_data=post.encode("utf-8") if post is not None else None,
                  request_time=_wall(event["wallTime"]), monotonic=event["timestamp"],
                  wall=event["wallTime"])
        self._current[rid] = hop
        self._hops.append(hop)

    def _on_sent(self, event: dict[str, Any]) -> None:
        self._sent.setdefault(event["requestId"], []).append(dict(event.get("headers", {})))

    def _on_extra(self, event: dict[str, Any]) -> None:
        self._texts.setdefault(event["requestId"], []).append(event.get("headersText"))

    def _on_response(self, event: dict[str, Any]) -> None:
        hop = self._current.get(event["requestId"])
        if hop is not None:
            self._answer(hop, event["response"], event["timestamp"])

    def _on_finished(self, event: dict[str, Any]) -> None:
        self._finished.add(event["requestId"])

    def _answer(self, hop: Hop, response: dict[str, Any], timestamp: float) -> None:
        hop.status = int(response["status"])
        hop.status_text = response.get("statusText", "")
        hop.protocol = response.get("protocol", "")
        hop.response_headers = dict(response.get("headers", {}))
        hop.remote_ip = (response.get("remoteIPAddress") or "").strip("[]")
        hop.remote_port = response.get("remotePort")
        hop.mime_type = response.get("mimeType", "")
        hop.response_time = _wall(hop.wall + (timestamp - hop.monotonic))

    def _attach_extra(self, hop: Hop) -> None:
        """Pair the ExtraInfo events of a request id with its hops, in order."""
        same = [h for h in self._hops if h.request_id == hop.request_id]
        index = same.index(hop)
        sent = self._sent.get(hop.request_id, [])
        texts = self._texts.get(hop.request_id, [])
        if index < len(sent):
            hop.sent_headers = sent[index]
        if index < len(texts) and hop.answered:
            hop.headers_text = texts[index]

    def collect_bodies(self, cdp: Any, deadline: float) -> tuple[int, int]:
        """Read every finished response body; returns (read, missing)."""
        read = missing = 0
        for hop in self._hops:
            if not hop.answered or hop.redirected:
                if hop.redirected:
                    hop.body_problem = "the browser does not keep the body of a redirect"
                continue
            problem = self._read_body(cdp, hop, deadline)
            if problem is None:
                read += 1
            else:
                hop.body_problem, missing = problem, missing + 1
        return read, missing

    def _read_body(self, cdp: Any, hop: Hop, deadline: float) -> str | None:
        if hop.request_id not in self._finished:
            return "the response never finished loading"
        if time.monotonic() >= deadline:
            return "not read: the step's time budget was spent"
        try:
            reply = cdp.send("Network.getResponseBody", {"requestId": hop.request_id})
        except Exception as exc:  # noqa: BLE001 - any CDP refusal means "not available"
            return f"not available from the browser: {str(exc).splitlines()[0] if str(exc) else exc}"
        data = reply.get("body", "")
        hop.body = base64.b64decode(data) if reply.get("base64Encoded") else data.encode("utf-8")
        return None
