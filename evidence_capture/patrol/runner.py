"""Running a patrol job on this machine: N worker threads over the job table.

Each worker thread claims the next queued row, captures and seals it with
``workflow.capture_and_seal`` (into the store, with custody), and marks the
row done or failed.  With ``shared-process`` (the default) a thread keeps
one Chromium process for all its captures and opens a new, empty context for
each; ``process-per-capture`` launches a new Chromium each time.  A per-host
gate limits how many captures of one host run at once and how soon after
each other they start.

Extension points (used by ``patrol/tasks.py`` for Celery, and open to other
domains): ``capture_claim`` runs one claimed row anywhere; ``run_job``
takes ``on_start(claim) -> on_step`` and ``on_finish(ItemResult)`` hooks,
called in the worker threads; ``ItemResult.folder`` is the sealed capture.
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence
from urllib.parse import urlsplit

from evidence_capture.capture.browser import BROWSER_SHARING, SHARED, SharedBrowser
from evidence_capture.defaults import CaptureOptions
from evidence_capture.errors import EvidenceError, InputError, Message, Msg
from evidence_capture.models import CaseInfo, Officer
from evidence_capture.patrol.jobs import Claim, claim, finish
from evidence_capture.workflow import Station, capture_and_seal

WORKER_MEMORY = 600 * 1024 * 1024  # one Chromium with a capture open, measured with headroom
MAX_DEFAULT_WORKERS = 8


def default_workers() -> int:
    """Workers for this machine: one per core, as far as free memory allows."""
    cores = os.cpu_count() or 1
    return max(1, min(cores, _available_memory() // WORKER_MEMORY, MAX_DEFAULT_WORKERS))


def _available_memory() -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return WORKER_MEMORY * 2


@dataclass(frozen=True)
class PatrolOptions:
    workers: int
    per_host: int = 0  # most captures of one host at once; 0: no limit
    host_delay: float = 0.0  # seconds between two capture starts on one host
    sharing: str = SHARED

    def __post_init__(self) -> None:
        if self.workers < 1 or self.per_host < 0 or self.host_delay < 0:
            raise InputError(Msg("patrol.bad_options"))
        if self.sharing not in BROWSER_SHARING:
            raise InputError(Msg("patrol.bad_sharing", value=self.sharing),
                             hint=Msg("patrol.bad_sharing.hint", values=", ".join(BROWSER_SHARING)))

    def as_record(self) -> dict[str, Any]:
        return {"workers": self.workers, "per_host": self.per_host,
                "host_delay": self.host_delay, "browser_sharing": self.sharing}


@dataclass(frozen=True)
class ItemResult:
    position: int
    url: str
    state: str  # done | failed
    capture_id: str
    capture_state: str | None
    error: Message | None
    seconds: float
    attempt: int
    folder: Path

    def as_record(self) -> dict[str, Any]:
        return {"position": self.position, "url": self.url, "state": self.state,
                "capture_id": self.capture_id, "capture_state": self.capture_state,
                "error": None if self.error is None else str(self.error),
                "seconds": round(self.seconds, 3), "attempt": self.attempt}


class HostGate:
    """At most ``limit`` captures of one host at once, starts ``delay`` seconds apart."""

    def __init__(self, limit: int, delay: float) -> None:
        self.limit, self.delay = limit, delay
        self._lock = threading.Lock()
        self._slots: dict[str, threading.Semaphore] = {}
        self._next_start: dict[str, float] = {}

    @contextmanager
    def hold(self, url: str) -> Iterator[None]:
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            slot = self._slots.setdefault(host, threading.Semaphore(self.limit or 1_000_000))
        with slot:
            with self._lock:
                now = time.monotonic()
                start = max(now, self._next_start.get(host, now))
                self._next_start[host] = start + self.delay
            time.sleep(max(0.0, start - now))
            yield


class CaseCache:
    """Each case's full record, read from the store once (thread-safe)."""

    def __init__(self, station: Station) -> None:
        self.station, self._cases, self._lock = station, {}, threading.Lock()

    def get(self, case_id: str | None) -> CaseInfo | None:
        if case_id is None:
            return None
        with self._lock:
            if case_id not in self._cases:
                self._cases[case_id] = self.station.case_info(case_id)
            return self._cases[case_id]


def capture_claim(station: Station, c: Claim, options: CaptureOptions, *, case: CaseInfo | None,
                  officers: Sequence[Officer], browsers: SharedBrowser | None,
                  on_step: Callable[[Any], None] | None = None) -> ItemResult:
    """Capture one claimed row and finish it in the job table; never raises for the page."""
    started = time.monotonic()
    capture_state, error = None, None  # error: Message | None
    try:
        outcome = capture_and_seal(station, c.url, options, case=case, officers=officers,
                                   on_step=on_step, capture_id=c.capture_id, browsers=browsers)
        capture_state = outcome.capture.state.value
        if capture_state == "FAILED":
            error = _failure(outcome)
    except EvidenceError as exc:
        message = exc.msg or exc.message
        hint = exc.hint_msg or exc.hint
        error = message if not hint else Msg("patrol.item.error_hint", error=message, hint=hint)
    except Exception as exc:  # noqa: BLE001 - one broken capture must not stop the patrol
        error = Msg("workflow.crashed", kind=type(exc).__name__)
    state = finish(station.store, c, capture_state=capture_state, error=error)
    return ItemResult(c.position, c.url, state, c.capture_id, capture_state, error,
                      time.monotonic() - started, c.attempt, station.settings.capture_dir(c.capture_id))


def _failure(outcome: Any) -> Message:
    failed = outcome.capture.failed_steps
    if not failed:
        return Msg("patrol.item.not_loaded")
    step = failed[0]
    return Msg("patrol.item.step_failed", step=step.name, detail=getattr(step, "message", None) or step.detail)


def run_job(station: Station, job_id: str, options: CaptureOptions, patrol: PatrolOptions, *,
            officers: Sequence[Officer],
            on_start: Callable[[Claim], Callable[[Any], None] | None] | None = None,
            on_finish: Callable[[ItemResult], None] | None = None) -> list[ItemResult]:
    """Run the job's queued rows with ``patrol.workers`` threads; returns this run's results."""
    results: list[ItemResult] = []
    gate, cases = HostGate(patrol.per_host, patrol.host_delay), CaseCache(station)
    stop = threading.Event()

    def work() -> None:
        browsers = SharedBrowser(station.settings) if patrol.sharing == SHARED else None
        try:
            while not stop.is_set():
                c = claim(station.store, job_id, station=station.key.fingerprint)
                if c is None:
                    return
                on_step = on_start(c) if on_start else None
                with gate.hold(c.url):
                    result = capture_claim(station, c, options, case=cases.get(c.case_id),
                                           officers=officers, browsers=browsers, on_step=on_step)
                results.append(result)
                if on_finish:
                    on_finish(result)
        finally:
            if browsers is not None:
                browsers.close()

    threads = [threading.Thread(target=work, name=f"patrol-{n}", daemon=True)
               for n in range(patrol.workers)]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.5)
    except KeyboardInterrupt:
        stop.set()  # rows left running are settled by `patrol --resume`
        raise
    return sorted(results, key=lambda r: r.position)
