"""``evidence patrol`` (run a list, resume it, show its status) and ``evidence worker``.

``patrol_app`` is added to the root app by ``cli.py``, which also registers ``worker``.
"""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer
import typer.core

from evidence_capture.commands.common import (
    _command, _echo, _emit_json, _officers, _open_station, _open_store, _policy_notes, _settings, _t,
    _tx, _warn,
)
from evidence_capture.config import Settings
from evidence_capture.errors import EXIT_INCOMPLETE, EXIT_OPERATIONAL, ConfigError
from evidence_capture.ui import options


class _PatrolGroup(typer.core.TyperGroup):
    """`evidence patrol LIST` runs a list; `evidence patrol status JOB` is a subcommand."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = ["run", *args]
        return super().parse_args(ctx, args)


class _Sharing(str, Enum):
    shared = "shared-process"
    per_capture = "process-per-capture"


patrol_app = typer.Typer(
    cls=_PatrolGroup, no_args_is_help=False, rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Patrols: capture a list of URLs in parallel here, or through Celery workers "
    "(`evidence patrol LIST`, `evidence patrol --resume JOB`, `evidence patrol status JOB`).")


@_command(patrol_app, "run")
def patrol_run(
    list_file: Optional[Path] = typer.Argument(None, metavar="LIST", help="Text file (one URL a "
                                               "line) or CSV with url,case,subject,note (UTF-8, BOM ok)."),
    resume: Optional[str] = typer.Option(None, "--resume", metavar="JOB", help="Continue a job "
                                         "after a crash or Ctrl-C (done rows are not captured again)."),
    retry_failed: bool = typer.Option(False, "--retry-failed", help="With --resume: retry the failed rows too."),
    workers: Optional[int] = typer.Option(None, "--workers", min=1, help="Captures at once "
                                          "(default: from cores and free memory)."),
    per_host: int = typer.Option(0, "--per-host", min=0, help="Most captures of one host at once (0: no limit)."),
    delay: float = typer.Option(0.0, "--delay", min=0.0, metavar="SECONDS",
                                help="Seconds between two capture starts on one host."),
    browser: _Sharing = typer.Option(_Sharing.shared, "--browser", help="Share one Chromium "
                                     "process per worker (a new, empty context per capture), or "
                                     "launch one per capture."),
    queue: bool = typer.Option(False, "--queue", help="Send the job to the Celery workers "
                               "(EVIDENCE_BROKER_URL) instead of running it here."),
    officer: list[str] = options.OFFICER, device: str | None = options.DEVICE,
    timeout: float = options.CAPTURE_TIMEOUT, allow_private: bool = options.ALLOW_PRIVATE,
    tsa_timeout: float = options.TSA_TIMEOUT,
    single_officer_reason: Optional[str] = options.SINGLE_OFFICER, no_timestamp: Optional[str] = options.NO_TIMESTAMP,
    place: Optional[str] = options.PLACE, witness: Optional[str] = options.WITNESS,
    licence_report: Optional[Path] = typer.Option(None, "--licence-report", metavar="FILE.csv", help=options.LICENCE_HELP),
    json_out: bool = options.JSON,
) -> None:
    """Capture every URL of LIST, resumably: the job and its rows live in the store.

    Each capture is the same as `evidence capture` (fresh empty context, sealed,
    timestamped, stored with custody; the same two-officer and TSA rules).  The
    `case` column files a row under a case (opened if the store does not hold it).
    Exit 3 if any row failed, else 4 if any capture is PARTIAL.
    """
    from evidence_capture.patrol.runner import PatrolOptions, default_workers

    if (list_file is None) == (resume is None) or (retry_failed and resume is None):
        raise typer.BadParameter(_t("cli.patrol.usage"))
    _check_new_file(licence_report)
    settings = _settings()
    if queue and not settings.broker_url:
        raise ConfigError(_t("cli.patrol.no_broker"), hint=_t("cli.patrol.no_broker.hint"))
    station = _open_station(settings, tsa_timeout)
    patrol = PatrolOptions(workers=workers or default_workers(), per_host=per_host,
                           host_delay=delay, sharing=browser.value)
    if list_file is not None:
        capture = {"device": device, "total_timeout": timeout, "allow_private": allow_private,
                   "single_officer_reason": single_officer_reason,
                   "no_timestamp_reason": no_timestamp, "place": place, "witness": witness}
        job_id = _plan_patrol(station, list_file, patrol, queue, officer=officer, capture=capture)
    else:
        job_id = _resume_patrol(station, resume, retry_failed)
    if queue:
        _queue_patrol(station, job_id, json_out)
        if licence_report is not None:
            _warn(_t("cli.patrol.licence_report_queued", job_id=job_id))
    else:
        _run_patrol(station, job_id, workers, json_out, licence_report)


def _check_new_file(path: Path | None) -> None:
    """Refuse an output file that exists before any work is done."""
    from evidence_capture.errors import InputError, Msg

    if path is not None and os.path.lexists(path):
        raise InputError(Msg("licence.csv.exists", path=path))


def _licence_report(settings: Settings, status: Any, out: Path) -> None:
    from evidence_capture.licence.csv_report import write_licence_report

    shops = write_licence_report(out, status.items, settings.capture_dir)
    typer.echo(_t("cli.patrol.licence_report", path=out, n=shops), err=True)


def _plan_patrol(station: Any, list_file: Path, patrol: Any, queue: bool, *, officer: list[str],
                 capture: dict[str, Any]) -> str:
    from evidence_capture.patrol.listfile import read_list
    from evidence_capture.patrol.plan import JobPlan, plan_job
    from evidence_capture.capture.policy import check_capture_policy

    items = read_list(list_file)
    plan = JobPlan(capture, _officers(officer, station.settings), patrol)
    check_capture_policy(station.settings, plan.officers, plan.capture_options())
    _policy_notes(plan.capture_options())
    job_id, opened = plan_job(station.store, items, plan, source=list_file.name,
                              mode="queue" if queue else "local")
    for case_id in opened:
        _warn(_t("cli.patrol.case_opened", case_id=case_id))
    typer.echo(_t("cli.patrol.created", job_id=job_id, n=len(items), workers=patrol.workers,
                  sharing=patrol.sharing), err=True)
    return job_id


def _resume_patrol(station: Any, job_id: str, retry_failed: bool) -> str:
    from evidence_capture.patrol.jobs import reclaim

    moved = reclaim(station.store, job_id, retry_failed=retry_failed)
    text = ", ".join(f"{n} → {state}" for state, n in sorted(moved.items())) or "-"
    typer.echo(_t("cli.patrol.resumed", job_id=job_id, moved=text), err=True)
    return job_id


def _queue_patrol(station: Any, job_id: str, json_out: bool) -> None:
    from evidence_capture.patrol.jobs import job_status, queued_positions
    from evidence_capture.patrol.tasks import enqueue

    sent = enqueue(station.settings, job_id, queued_positions(station.store, job_id))
    typer.echo(_t("cli.patrol.queued", job_id=job_id, n=sent, broker=station.settings.broker_url),
               err=True)
    _show_status(job_status(station.store, job_id), json_out)


def _run_patrol(station: Any, job_id: str, workers: int | None, json_out: bool,
                licence_report: Path | None = None) -> None:
    from dataclasses import replace

    from evidence_capture.capture.engine import STEPS
    from evidence_capture.patrol.jobs import job_status
    from evidence_capture.patrol.plan import load_plan
    from evidence_capture.patrol.runner import run_job
    from evidence_capture.ui.patrol import PatrolProgress

    plan = load_plan(station.store, job_id)
    patrol = replace(plan.patrol, workers=workers) if workers else plan.patrol
    before = job_status(station.store, job_id).as_record()["counts"]
    total = sum(before.values())
    with PatrolProgress(_tx(), total=total, done=before["done"] + before["failed"],
                        steps=len(STEPS)) as bars:
        run_job(station, job_id, plan.capture_options(), patrol, officers=plan.officers,
                on_start=bars.started, on_finish=bars.finished)
    status = job_status(station.store, job_id)
    _show_status(status, json_out)
    if licence_report is not None:
        _licence_report(station.settings, status, licence_report)
    if status.counts.get("failed"):
        raise typer.Exit(EXIT_OPERATIONAL)
    if any(item["capture_state"] == "PARTIAL" for item in status.items):
        raise typer.Exit(EXIT_INCOMPLETE)


def _show_status(status: Any, json_out: bool) -> None:
    from evidence_capture.ui.patrol import summary_lines

    if json_out:
        _emit_json(status.as_record())
    else:
        _echo(summary_lines(_tx(), status))


@_command(patrol_app, "status")
def patrol_status(job_id: str = typer.Argument(..., metavar="JOB", help="The patrol job id."),
                  licence_report: Optional[Path] = typer.Option(None, "--licence-report", metavar="FILE.csv",
                                                                help=options.LICENCE_HELP),
                  json_out: bool = options.JSON) -> None:
    """Show a patrol job: its state (queued, running, done) and its rows, with counts per state."""
    from evidence_capture.patrol.jobs import job_status

    _check_new_file(licence_report)
    store = _open_store(signed=False)
    status = job_status(store, job_id)
    _show_status(status, json_out)
    if licence_report is not None:
        _licence_report(store.settings, status, licence_report)


def worker(
    concurrency: int = typer.Option(1, "--concurrency", min=1, help="Captures at once in this worker."),
    loglevel: str = typer.Option("INFO", "--loglevel", help="Celery log level."),
    tsa_timeout: float = options.TSA_TIMEOUT,
) -> None:
    """Run a Celery worker for `patrol --queue` jobs: this host is a station with its own key.

    Needs EVIDENCE_BROKER_URL, the shared EVIDENCE_DB (PostgreSQL) and the shared
    EVIDENCE_ARTIFACTS root; the station key is registered in the shared store.
    """
    from evidence_capture.patrol.tasks import configure_worker, make_app, worker_argv

    settings = _settings()
    celery_app = make_app(settings.broker_url)
    station = _open_station(settings, tsa_timeout)
    configure_worker(station)
    typer.echo(_t("cli.worker.station", fingerprint=station.key.fingerprint,
                  broker=settings.broker_url), err=True)
    celery_app.worker_main(worker_argv(station.key.fingerprint, concurrency, loglevel))
