"""Patrols on many machines: Celery tasks over a Redis broker, one task per job row.

``evidence patrol LIST --queue`` writes the job to the shared store
(``EVIDENCE_DB``, PostgreSQL) and sends one ``evidence.capture_item``
message per queued row to ``EVIDENCE_BROKER_URL``.  ``evidence worker``
runs a Celery worker: a station with its own signing key (registered in the
shared store when it starts) that claims the row named by each message,
captures it into the shared artifact root (``EVIDENCE_ARTIFACTS``) and
finishes it in the job table, exactly as a local patrol does.

Delivery is at-least-once (``acks_late``, requeued when a worker is lost);
the job table makes that safe: a row that is no longer queued is not claimed
again, and a row left ``running`` by a dead worker on this host is settled
first (``jobs.reclaim``).  The worker pool is ``threads``: each thread keeps
its own Playwright driver and shared Chromium process.  ``--per-host`` and
``--delay`` of a queued job hold per worker process (each station is polite
on its own; stations do not coordinate a host limit among themselves).
"""

from __future__ import annotations

import os
import socket
import threading
from typing import Any, Sequence

from evidence_capture.config import Settings
from evidence_capture.errors import ConfigError, InputError, Msg

TASK_NAME = "evidence.capture_item"
_local = threading.local()
_station_lock = threading.Lock()
_state: dict[str, Any] = {}


def make_app(broker_url: str | None) -> Any:
    """The Celery app for ``broker_url``; ConfigError when none is configured."""
    if not broker_url:
        raise ConfigError(Msg("cli.patrol.no_broker"), hint=Msg("cli.patrol.no_broker.hint"))
    from celery import Celery

    app = Celery("evidence_capture", broker=broker_url)
    app.conf.update(
        task_serializer="json", accept_content=["json"], task_ignore_result=True,
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True, worker_hijack_root_logger=False,
        broker_transport_options={"visibility_timeout": 3600},
    )
    app.task(name=TASK_NAME)(capture_item)
    return app


def enqueue(settings: Settings, job_id: str, positions: Sequence[int]) -> int:
    """Send one message per row; returns how many were sent."""
    app = make_app(settings.broker_url)
    try:
        for position in positions:
            app.send_task(TASK_NAME, args=[job_id, position])
    except Exception as exc:  # kombu raises its own and OSError subclasses
        raise ConfigError(Msg("patrol.broker_down", url=settings.broker_url),
                          hint=Msg("patrol.broker_down.hint")) from exc
    return len(positions)


def configure_worker(station: Any) -> None:
    """The worker's unlocked station, shared by its threads (set by `evidence worker`)."""
    with _station_lock:
        _state["station"] = station


def capture_item(job_id: str, position: int) -> dict[str, Any]:
    """The Celery task: capture row ``position`` of ``job_id`` if it is still queued."""
    from evidence_capture.patrol.jobs import claim, reclaim
    from evidence_capture.patrol.plan import load_plan
    from evidence_capture.patrol.runner import capture_claim

    station = _state.get("station")
    if station is None:
        raise InputError(Msg("patrol.not_worker"))
    reclaim(station.store, job_id)  # rows a dead worker of this host left running
    c = claim(station.store, job_id, station=station.key.fingerprint, position=position)
    if c is None:
        return {"job_id": job_id, "position": position, "skipped": "not queued"}
    plan = load_plan(station.store, job_id)
    case = station.case_info(c.case_id)
    with _gate(job_id, plan.patrol).hold(c.url):
        result = capture_claim(station, c, plan.capture_options(), case=case,
                               officers=plan.officers, browsers=_browsers(station.settings))
    return result.as_record()


def _gate(job_id: str, patrol: Any) -> Any:
    """The job's per-host limit and delay, kept by each worker process for its own threads."""
    from evidence_capture.patrol.runner import HostGate

    with _station_lock:
        gates = _state.setdefault("gates", {})
        if job_id not in gates:
            gates[job_id] = HostGate(patrol.per_host, patrol.host_delay)
        return gates[job_id]


def _browsers(settings: Settings) -> Any:
    """This worker thread's shared Chromium (one per thread: Playwright is thread-bound)."""
    from evidence_capture.capture.browser import SharedBrowser

    if getattr(_local, "browsers", None) is None:
        _local.browsers = SharedBrowser(settings)
    return _local.browsers


def worker_argv(fingerprint: str, concurrency: int, loglevel: str) -> list[str]:
    """``celery worker`` arguments: thread pool, a node name unique per station and process."""
    node = f"evidence-{fingerprint.split(':')[-1][:12]}-{os.getpid()}@{socket.gethostname()}"
    return ["worker", "--pool", "threads", "--concurrency", str(concurrency), "-n", node,
            "--loglevel", loglevel, "--without-gossip", "--without-mingle", "--without-heartbeat"]
