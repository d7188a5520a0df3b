"""The ``evidence`` command line: a thin dispatcher.

Each command parses its input, calls the library and renders the result.
Only this module prints or exits.  Exit codes: 0 ok, 1 verification failed,
2 usage or input error, 3 operational failure, 4 evidence kept but
incomplete (a PARTIAL or timestamp-pending capture).  Imports of heavy modules
are done inside the commands so that ``--help`` stays instant.
"""

from __future__ import annotations

import functools
import gc
import json
import os
import sys
from contextvars import ContextVar
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

import typer
import typer.core

from evidence_capture import __version__
from evidence_capture.config import Settings, env_help, load_settings
from evidence_capture.errors import (
    EXIT_INCOMPLETE, EXIT_OPERATIONAL, EXIT_USAGE, EXIT_VERIFY_FAILED, ConfigError, EvidenceError,
    Msg,
)
from evidence_capture.i18n import normalize_lang
from evidence_capture.ui import options
from evidence_capture.ui.text import Err, Text

F = TypeVar("F", bound=Callable[..., Any])

EPILOG = env_help()


class _EvidenceGroup(typer.core.TyperGroup):
    """The root command: help in the reader's language, click's usage errors as the tool's errors.

    Click's own parsing errors (missing argument, unknown option, bad value) never reach a
    command's error handling, so they are caught here: the usage line and the error on stderr in
    the reader's language and, with ``--json`` anywhere on the command line, the ``{"error": …}``
    document on stdout; exit 2.
    """

    def main(self, args: Any = None, prog_name: Any = None, complete_var: Any = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        from evidence_capture.ui.help_zh import localize

        argv = list(sys.argv[1:] if args is None else args)
        lang = _resolve_lang()
        localize(self, lang)
        wants_json = any(arg == "--json" or arg.startswith("--json=") for arg in argv)
        tokens = _LANG.set(lang), _JSON_MODE.set(wants_json)
        try:
            code = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except Exception as exc:  # only click's own exceptions: _parse_failure re-raises the rest
            code = _parse_failure(exc)
        finally:
            _JSON_MODE.reset(tokens[1])
            _LANG.reset(tokens[0])
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


def _parse_failure(exc: Exception) -> int:
    """Report an exception click raised outside any command; the exit code."""
    from evidence_capture.ui.usage import is_usage_error, usage_error

    kinds = {cls.__name__ for cls in type(exc).__mro__}
    if "NoArgsIsHelpError" in kinds:
        typer.echo(exc.ctx.get_help(), err=True)  # type: ignore[attr-defined]
        return EXIT_USAGE
    if is_usage_error(exc):
        refused = usage_error(exc)
        if refused.usage:
            typer.echo(refused.usage, err=True)
        _show_error(refused)
        return EXIT_USAGE
    if "Abort" in kinds:
        _show_error(EvidenceError(Msg("cli.aborted")))
        return 1
    if "ClickException" in kinds:
        _show_error(EvidenceError(exc.format_message()))  # type: ignore[attr-defined]
        return int(getattr(exc, "exit_code", 1))
    raise exc


app = typer.Typer(
    name="evidence",
    cls=_EvidenceGroup,
    help="Capture, seal, keep, export and verify web-page evidence.\n\n"
    "Messages are in Chinese or English (EVIDENCE_LANG=zh|en, default: the locale); "
    "--json output always has English keys and values.\n\n"
    "Exit codes: 0 ok, 1 verification failed, 2 usage or input error, 3 operational failure "
    "or a FAILED capture, 4 a PARTIAL or timestamp-pending capture.",
    epilog=EPILOG,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _command(parent: typer.Typer, name: str | None = None) -> Callable[[F], F]:
    """Register a command with the env-var epilog and uniform error handling."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            token = _LANG.set(_resolve_lang())
            json_token = _JSON_MODE.set(any(kwargs.get(name) is True for name in _JSON_PARAMS))
            try:
                return func(*args, **kwargs)
            except EvidenceError as exc:
                _fail_with(exc)
            except KeyboardInterrupt:
                _fail_with(EvidenceError(Msg("cli.interrupted")))
            finally:
                _JSON_MODE.reset(json_token)
                _LANG.reset(token)

        parent.command(name, epilog=EPILOG)(wrapper)
        return func

    return decorate


# The language of human-facing messages, resolved once per command (see _command).
_LANG: ContextVar[str | None] = ContextVar("evidence_lang", default=None)
# Whether the command was given --json: then an error is one JSON document on stdout too.
_JSON_MODE: ContextVar[bool] = ContextVar("evidence_json", default=False)
_JSON_PARAMS = ("json_out", "as_json")


def _resolve_lang() -> str:
    """Settings.lang; if the settings themselves are broken, EVIDENCE_LANG or English."""
    try:
        return load_settings().lang
    except EvidenceError:
        return normalize_lang(os.environ.get("EVIDENCE_LANG")) or "en"


def _tx() -> Text:
    """The message catalog in the command's language."""
    return Text(_LANG.get() or _resolve_lang())


def _t(key: str, **values: Any) -> str:
    return _tx().t(key, **values)


def _echo(lines: list[str]) -> None:
    """Print lines in order: warnings (``Err``) on stderr, the rest on stdout."""
    for line in lines:
        typer.echo(line, err=isinstance(line, Err))


def _show_error(exc: EvidenceError) -> None:
    """The error on stderr in the reader's language; with --json also ``{"error": ...}`` on stdout."""
    if _JSON_MODE.get():
        result = "refused" if exc.exit_code == EXIT_USAGE else "error"
        _emit_json({"result": result, "error": exc.as_record(_tx().lang)})
    typer.echo(_tx().labelled("cli.error", _tx().diagnostics(exc)), err=True)


def _fail_with(exc: EvidenceError) -> None:
    """Report ``exc`` (see ``_show_error``) and exit with its code."""
    _show_error(exc)
    raise typer.Exit(exc.exit_code)


def _settings() -> Settings:
    return load_settings()


def _emit_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str))


def _warn(text: str) -> None:
    typer.echo(_tx().warning(text), err=True)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"evidence-capture {__version__}")
        raise typer.Exit()


def _group(help_text: str) -> typer.Typer:
    """A command group (``evidence case ...``) with the same help settings as the app."""
    return typer.Typer(help=help_text, no_args_is_help=True, rich_markup_mode=None,
                       context_settings={"help_option_names": ["-h", "--help"]})


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Show the version."
    ),
) -> None:
    """Capture, seal, keep, export and verify web-page evidence."""


# --- capture ------------------------------------------------------------------



def _officers(values: list[str], settings: Settings) -> tuple[Any, ...]:
    """--officer, else the configured officers."""
    from evidence_capture.models import Officer

    return tuple(Officer.parse(text) for text in (values or list(settings.officers)))


def _policy_notes(options: Any) -> None:
    """The recorded exceptions to the safe defaults, as warnings."""
    if options.single_officer_reason:
        _warn(_t("capture.policy.single_officer", reason=options.single_officer_reason))
    if options.no_timestamp_reason:
        _warn(_t("capture.policy.no_timestamp", reason=options.no_timestamp_reason))


def _open_station(settings: Settings, tsa_timeout: float,  # type: ignore[no-untyped-def]
                  passphrase: Callable[[], str] | None = None):
    """The unlocked station; names the captures a crash left incomplete."""
    from evidence_capture.workflow import Station

    station = Station.open(settings, passphrase or _unlock, tsa_timeout=tsa_timeout)
    for capture_id in station.recovered:
        _warn(_t("cli.capture.recovered", capture_id=capture_id))
    return station


@_command(app, "capture")
def capture_command(
    urls: list[str] = typer.Argument(..., metavar="URL", help="http(s) URLs, captured in order."),
    case: str | None = options.CASE, officer: list[str] = options.OFFICER, device: str | None = options.DEVICE,
    timeout: float = options.CAPTURE_TIMEOUT, allow_private: bool = options.ALLOW_PRIVATE,
    tsa_timeout: float = options.TSA_TIMEOUT,
    single_officer_reason: Optional[str] = options.SINGLE_OFFICER, no_timestamp: Optional[str] = options.NO_TIMESTAMP,
    tls_ca: Optional[str] = options.TLS_CA, record_tls_errors: bool = options.RECORD_TLS_ERRORS,
    place: Optional[str] = options.PLACE, witness: Optional[str] = options.WITNESS,
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Capture web pages in a fresh browser, seal them and record them in the store.

    Each URL gets its own folder EVIDENCE_HOME/captures/<capture_id>/ holding
    the screenshot, source, DOM, MHTML, HAR, video, PDF, TLS chains,
    provenance and environment check; then it is hashed (SHA-256 + SM3),
    signed, timestamped by every TSA in EVIDENCE_TSA_URL and recorded with
    custody events.  Two officers (--officer, or EVIDENCE_OFFICER) and a
    TSA are required unless --single-officer-reason / --no-timestamp say why
    (recorded); otherwise it is refused with exit 2 before the browser
    starts.  A capture ends COMPLETE (exit 0), PARTIAL (the failed steps are
    listed; exit 4) or FAILED (exit 3).  A TSA that fails leaves the capture
    timestamp-pending (exit 4): `evidence timestamp --pending` retries.
    With --tls-ca the browser ignores certificate errors and the engine
    validates the served chain against the bundle; a chain that does not
    validate FAILS the capture unless --record-tls-errors (then PARTIAL).
    The chain is kept under tls/ either way.
    """
    from evidence_capture.capture.policy import capture_options, check_capture_policy
    from evidence_capture.capture.urls import validate_url

    checked = [validate_url(url) for url in urls]
    settings = _settings()
    officers = _officers(officer, settings)
    options = capture_options(device=device, total_timeout=timeout, allow_private=allow_private,
                              single_officer_reason=single_officer_reason, no_timestamp_reason=no_timestamp,
                              tls_ca=tls_ca, record_tls_errors=record_tls_errors,
                              place=place, witness=witness)
    check_capture_policy(settings, officers, options)
    _policy_notes(options)
    browsers, (station, case_info) = _started(settings, options, checked, tsa_timeout, case)
    try:
        outcomes = _capture_with_bars(station, checked, options, case_info, officers, browsers)
    finally:
        if browsers is not None:
            browsers.close()
    _report_captures(outcomes, as_json)


def _started(settings: Settings, options: Any, urls: list[str], tsa_timeout: float,
             case: str | None) -> tuple[Any, tuple[Any, Any]]:
    """The station and case, opened while the first URL's browser starts (capture/warmup.py).

    The passphrase is asked first, here, so that no prompt waits in a helper
    thread.  Several URLs each in a process of their own start nothing early."""
    from evidence_capture.capture.browser import SHARED
    from evidence_capture.capture.warmup import warm_start

    secret = _early_passphrase(settings)

    def station_and_case() -> tuple[Any, Any]:
        station = _open_station(settings, tsa_timeout, lambda: secret)
        return station, station.case_info(case)

    if len(urls) > 1 and options.multi_url_sharing != SHARED:
        return None, station_and_case()
    return warm_start(settings, options, urls[0], station_and_case)


def _early_passphrase(settings: Settings) -> str:
    """The passphrase, asked now if there is a key to unlock (else Station.open says so)."""
    if os.environ.get("EVIDENCE_KEY_PASSPHRASE"):
        return _unlock()
    from evidence_capture.manifests.keys import PRIVATE_NAME

    return _unlock() if (settings.keys_dir / PRIVATE_NAME).is_file() else ""


def _capture_with_bars(station: Any, urls: list[str], options: Any, case_info: Any,
                       officers: Any, browsers: Any) -> list[Any]:
    from evidence_capture.capture.engine import STEPS
    from evidence_capture.ui.progress import CaptureBars
    from evidence_capture.workflow import capture_urls

    with CaptureBars(_tx(), len(STEPS) + 1) as bars:  # + the WACZ, packed after the steps
        return capture_urls(station, urls, options, case=case_info, officers=officers,
                            on_start=bars.started, on_finish=bars.finished, browsers=browsers)


def _report_captures(outcomes: list[Any], as_json: bool) -> None:
    from evidence_capture.ui.sealing import capture_lines, dev_tsa_warning, hint_lines

    if as_json:
        _emit_json([outcome.as_record() for outcome in outcomes])
        _echo(hint_lines(_tx(), outcomes))
    else:
        _echo([line for outcome in outcomes for line in capture_lines(_tx(), outcome)])
    _echo(dev_tsa_warning(_tx(), [outcome.seal for outcome in outcomes]))
    raise typer.Exit(_capture_exit_code(outcomes))


def _capture_exit_code(outcomes: list[Any]) -> int:
    """3 if any capture FAILED, else 4 if any is PARTIAL or timestamp-pending, else 0."""
    from evidence_capture.manifests.seal import PENDING

    if any(outcome.capture.state.value == "FAILED" for outcome in outcomes):
        return EXIT_OPERATIONAL
    incomplete = any(outcome.capture.state.value == "PARTIAL" or outcome.seal.state == PENDING
                     for outcome in outcomes)
    return EXIT_INCOMPLETE if incomplete else 0



# --- patrol and worker ---------------------------------------------------------


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
app.add_typer(patrol_app, name="patrol")


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


@_command(app, "worker")
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


# --- re-capture and change reports -------------------------------------------


@_command(app, "recapture")
def recapture_command(
    capture_id: str = typer.Argument(..., help="The capture to repeat (a capture id in this store)."),
    officer: list[str] = options.OFFICER, tsa_timeout: float = options.TSA_TIMEOUT,
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Capture the same URL again, with the same options and device, into the same case.

    The new capture's manifest names the first one in `previous_capture`
    with that manifest's SHA-256; compare the two with `evidence diff`.
    """
    from evidence_capture.capture.engine import STEPS
    from evidence_capture.diff.recapture import previous_of, recapture
    from evidence_capture.errors import InputError, Msg
    from evidence_capture.ui.diff import recapture_lines
    from evidence_capture.ui.progress import CaptureBars
    from evidence_capture.verify.target import CAPTURE_ID

    if not CAPTURE_ID.fullmatch(capture_id):
        raise InputError(Msg("recapture.not_an_id", value=capture_id), hint=Msg("recapture.not_an_id.hint"))
    settings = _settings()
    officers = _officers(officer, settings)
    station = _open_station(settings, tsa_timeout)
    url = station.store.get_capture(capture_id).url
    with CaptureBars(_tx(), len(STEPS)) as bars:
        outcome = recapture(station, capture_id, officers=officers, on_step=bars.started(url))
        bars.finished(outcome)
    if not as_json:
        _echo(recapture_lines(_tx(), previous_of(settings.capture_dir(capture_id))))
    _report_captures([outcome], as_json)


@_command(app, "diff")
def diff_command(
    first: str = typer.Argument(..., metavar="A", help="The earlier capture (id or folder)."),
    second: str = typer.Argument(..., metavar="B", help="The later capture (id or folder)."),
    officer: list[str] = options.OFFICER, tsa_timeout: float = options.TSA_TIMEOUT,
    trust_key: list[Path] = options.TRUST_KEY, tsa_ca: Optional[Path] = options.TSA_CA,
    as_json: bool = typer.Option(False, "--json", help="Print the change report as JSON."),
) -> None:
    """Compare two captures and seal the change report (对比记录).

    Both captures must verify first.  The report (EVIDENCE_HOME/diffs/<id>/diff.json)
    holds the visible-text diff, changed amounts (old → new), the screenshot
    diff with the changed regions outlined on a copy of B, the HAR resource
    diff and a verdict (unchanged / changed / gone); it is hashed, signed and
    timestamped like a capture and recorded in the custody log.  Check it
    with `evidence verify <id>`, print it with `evidence report <id>`.
    """
    from evidence_capture.diff.report import write_change_report
    from evidence_capture.ui.diff import diff_lines
    from evidence_capture.ui.sealing import dev_tsa_warning
    from evidence_capture.verify.target import Trust, resolve_capture

    settings = _settings()
    folders = [resolve_capture(target, settings) for target in (first, second)]
    officers = _officers(officer, settings)
    station = _open_station(settings, tsa_timeout)
    trust = Trust.load(settings, trust_key, tsa_ca)
    report = write_change_report(settings, *folders, key=station.key, tsa=station.tsa,
                                 trusted_keys=trust.keys, tsa_roots=trust.tsa_roots,
                                 officers=officers, store=station.store)
    if as_json:
        _emit_json(report.as_record())
    else:
        _echo(diff_lines(_tx(), report))
    _echo(dev_tsa_warning(_tx(), [report.seal]))


# --- keys, timestamps, verify --------------------------------------------------

tsa_app = _group("Development timestamp authority (DEVELOPMENT TSA — not trusted for real cases).")
timestamp_app = _group("RFC 3161 timestamps: verify tokens.")
app.add_typer(tsa_app, name="tsa")
app.add_typer(timestamp_app, name="timestamp")


class TsaKeyType(str, Enum):
    rsa = "rsa"
    ec = "ec"
    sm2 = "sm2"


@_command(tsa_app, "serve")
def tsa_serve(
    port: int = typer.Option(0, "--port", min=0, max=65535, help="Port on 127.0.0.1 (0: any free port)."),
    key_type: TsaKeyType = typer.Option(
        TsaKeyType.rsa, "--key-type", help="TSA key: rsa, ec (P-256) or sm2 (SM2-with-SM3 tokens, GM/T 0010)."),
    directory: Optional[Path] = typer.Option(
        None, "--dir", help="Where its CA, key and OpenSSL config live (default: EVIDENCE_HOME/dev-tsa/<key-type>)."),
    json_out: bool = typer.Option(False, "--json", help="Print the URL and CA path as JSON."),
) -> None:
    """Run a DEVELOPMENT TSA (openssl ts -reply) until interrupted. Not trusted for real cases."""
    import threading

    from evidence_capture.timestamping.devtsa import DEV_TSA_LABEL, DevTSA

    where = directory or _settings().home / "dev-tsa" / key_type.value
    tsa = DevTSA(where, key_type.value).serve(port=port)
    _warn(_t("cli.dev_tsa.label"))
    info = {"label": DEV_TSA_LABEL, "url": tsa.url, "ca_pem": str(tsa.ca_pem_path), "tsa_name": tsa.tsa_name}
    if json_out:
        _emit_json(info)
    else:
        typer.echo(_t("cli.tsa.serving", label=_t("cli.dev_tsa.label"), url=tsa.url, ca=tsa.ca_pem_path,
                      name=tsa.tsa_name))
    sys.stdout.flush()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        tsa.close()


@_command(timestamp_app, "verify")
def timestamp_verify(
    tsr: Path = typer.Argument(..., help="The token: a TimeStampResp (.tsr) or a bare TimeStampToken, DER."),
    file: Optional[Path] = typer.Option(
        None, "--file", help="The timestamped file (hashed with the token's own imprint algorithm)."),
    digest: Optional[str] = typer.Option(
        None, "--digest", help="Or its digest as ALG:HEX (sha256, sha384, sha512, sm3); bare hex is SHA-256."),
    ca: Optional[Path] = typer.Option(
        None, "--ca", help="PEM bundle of trusted TSA certificates (default: EVIDENCE_TSA_CA). Every "
        "certificate in it is a trust anchor, a pinned TSA certificate too (like openssl -partial_chain)."),
    untrusted: Optional[Path] = typer.Option(
        None, "--untrusted", help="PEM bundle of further certificates (TSA, intermediates) for tokens that "
        "carry none (default: EVIDENCE_TSA_CHAIN). Never trusted on their own."),
    nonce: Optional[int] = typer.Option(None, "--nonce", min=0, help="The request nonce, if known."),
    json_out: bool = typer.Option(False, "--json", help="Machine-readable result, on every outcome."),
) -> None:
    """Verify a stand-alone RFC 3161 token with every check; exit 1 names the failed check.

    Policy: SHA-1 and MD5 imprints, signer digests and certificate signatures are refused;
    the TSA certificate's timeStamping extended key usage must be critical and its only
    usage (RFC 3161 2.3 MUST); exactly one SignerInfo and an ESS signing-certificate
    attribute naming the signer; the chain must be valid at genTime.
    """
    from evidence_capture.timestamping.standalone import check_token_file
    from evidence_capture.ui.sealing import token_lines, token_warnings

    settings = _settings()
    ca = ca or settings.tsa_ca
    if ca is None:
        raise ConfigError(Msg("cli.token.no_ca"), hint=Msg("cli.token.no_ca.hint"))
    check = check_token_file(tsr, file=file, digest=digest, ca=ca, nonce=nonce, t=_t,
                             untrusted=untrusted or settings.tsa_chain)
    _echo(token_warnings(_tx(), check))
    if json_out:
        _emit_json(check.as_record())
    else:
        _echo(token_lines(_tx(), check))
    if check.failure is not None:
        raise typer.Exit(check.failure.exit_code)


keys_app = _group("The station's Ed25519 signing key.")
app.add_typer(keys_app, name="keys")


def _unlock() -> str:
    return _passphrase(confirm=False)


def _passphrase(*, confirm: bool) -> str:
    """EVIDENCE_KEY_PASSPHRASE, else a hidden prompt."""
    value = os.environ.get("EVIDENCE_KEY_PASSPHRASE")
    if value:
        return value
    try:
        while True:  # the confirmation is asked here, not by click, so that its texts are translated
            first = typer.prompt(_t("cli.passphrase"), hide_input=True, err=True)
            if not confirm or first == typer.prompt(_t("cli.passphrase.repeat"), hide_input=True, err=True):
                return str(first)
            typer.echo(_tx().labelled("cli.error", _t("cli.passphrase.mismatch")), err=True)
    except typer.Abort as exc:
        raise ConfigError(Msg("cli.no_passphrase"), hint=Msg("cli.no_passphrase.hint")) from exc


@_command(keys_app, "init")
def keys_init(json_out: bool = options.JSON) -> None:
    """Create the station signing key (Ed25519, encrypted with a passphrase, mode 0600)."""
    from evidence_capture.manifests.keys import StationKey

    key = StationKey.create(_settings().keys_dir, _passphrase(confirm=True))
    if json_out:
        _emit_json({"path": str(key.path), "fingerprint": key.fingerprint, "public_pem": key.public_pem.decode()})
        return
    typer.echo(key.public_pem.decode(), nl=False)
    typer.echo(_t("cli.keys.fingerprint", fingerprint=key.fingerprint))
    typer.echo(_t("cli.keys.private", path=key.path))


@_command(keys_app, "export-public")
def keys_export_public(
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write the PEM here instead of stdout."),
) -> None:
    """Write the station public key as PEM, for reviewers to pin with --trust-key."""
    from evidence_capture.errors import NotFoundError
    from evidence_capture.manifests.keys import public_pem, station_public_key, write_public_pem

    key = station_public_key(_settings().keys_dir)
    if key is None:
        raise NotFoundError(Msg("cli.no_station_key"), hint=Msg("cli.no_station_key.hint"))
    if output is None:
        typer.echo(public_pem(key).decode(), nl=False)
    else:
        write_public_pem(output, key)


@_command(app, "seal")
def seal(
    target: str = typer.Argument(..., help="Capture folder or capture id."),
    timeout: float = options.TSA_WAIT,
    json_out: bool = options.JSON,
) -> None:
    """Seal an unsealed capture: hash, sign, timestamp.  A failing TSA leaves it timestamp-pending (exit 4)."""
    from evidence_capture.manifests.keys import StationKey
    from evidence_capture.manifests.seal import PENDING, TsaConfig, seal_capture
    from evidence_capture.ui.progress import bytes_progress
    from evidence_capture.ui.sealing import seal_lines
    from evidence_capture.verify.target import folder_bytes, resolve_capture

    settings = _settings()
    folder = resolve_capture(target, settings)
    key = StationKey.load(settings.keys_dir, _passphrase(confirm=False))
    tsa = TsaConfig.from_settings(settings, timeout=timeout)
    progress, advance = bytes_progress(_tx(), folder_bytes(folder), "cli.progress.hashing")
    with progress:
        result = seal_capture(folder, key=key, tsa=tsa, on_file=advance)
    if json_out:
        _emit_json(result.as_record())
    else:
        _echo(seal_lines(_tx(), result))
    if result.state == PENDING:
        raise typer.Exit(EXIT_INCOMPLETE)


def _timestamp_pending(timeout: float, json_out: bool) -> None:
    from evidence_capture.manifests.seal import PENDING
    from evidence_capture.ui.sealing import seal_lines
    from evidence_capture.workflow import Station, retry_pending_timestamps

    station = Station.open(_settings(), _unlock, tsa_timeout=timeout)
    if not station.tsa.urls:
        raise ConfigError(Msg("cli.no_tsa"), hint=Msg("cli.no_tsa.hint"))
    results = retry_pending_timestamps(station)
    if json_out:
        _emit_json([result.as_record() for result in results])
    else:
        _echo([line for result in results for line in seal_lines(_tx(), result)]
              or [_t("cli.seal.none_pending")])
    if any(result.state == PENDING for result in results):
        raise typer.Exit(EXIT_INCOMPLETE)


@timestamp_app.callback(invoke_without_command=True)
def _timestamp_root(
    ctx: typer.Context,
    pending: bool = typer.Option(False, "--pending", help=options.PENDING_HELP + " Exit 4 if any stays pending."),
    timeout: float = options.TSA_WAIT,
    json_out: bool = typer.Option(False, "--json", help="Print JSON (with --pending)."),
) -> None:
    """RFC 3161 timestamps: retry pending captures (--pending), verify tokens."""
    if ctx.invoked_subcommand is not None:
        return
    if not pending:
        typer.echo(ctx.get_help(), err=True)
        raise typer.Exit(2)
    token = _JSON_MODE.set(json_out)
    try:
        _timestamp_pending(timeout, json_out)
    except EvidenceError as exc:
        _fail_with(exc)
    finally:
        _JSON_MODE.reset(token)


@_command(timestamp_app, "pending")
def timestamp_pending(
    timeout: float = options.TSA_WAIT,
    json_out: bool = options.JSON,
) -> None:
    """Retry every timestamp-pending capture against the configured TSAs (same as --pending)."""
    _timestamp_pending(timeout, json_out)


@_command(app, "verify")
def verify(
    target: str = typer.Argument(..., help="Capture folder or id, change-report id (diff-…), or package (.zip)."),
    json_out: bool = options.JSON,
    trust_key: list[Path] = options.TRUST_KEY,
    strict: bool = typer.Option(False, "--strict", help="Count not-checked as failure."),
    tsa_ca: Optional[Path] = options.TSA_CA,
    tolerance: float = typer.Option(300.0, "--tolerance", min=0.0, help="Allowed clock difference, seconds."),
) -> None:
    """Verify a capture, change report or package offline: every check is pass, fail or not-checked.

    Exit 0 all pass, 1 any fail."""
    from evidence_capture.diff.report import resolve_diff
    from evidence_capture.diff.verify import verify_change_report
    from evidence_capture.ui.progress import bytes_progress
    from evidence_capture.ui.sealing import verify_lines
    from evidence_capture.packages.target import verify_target
    from evidence_capture.verify.target import folder_bytes, target_size, trusted_keys, tsa_roots_for

    settings = _settings()
    roots = tsa_roots_for(settings, tsa_ca)
    keys = trusted_keys(settings, trust_key)
    change_report = resolve_diff(target, settings)
    size = folder_bytes(change_report) if change_report else target_size(target, settings)
    progress, advance = bytes_progress(_tx(), size, "cli.progress.verifying")
    with progress:
        if change_report is not None:
            report = verify_change_report(change_report, settings=settings, trusted_keys=keys, tsa_roots=roots,
                                          strict=strict, tolerance=tolerance, on_file=advance)
        else:
            report = verify_target(target, settings=settings, trusted=keys, tsa_roots=roots, strict=strict,
                                   tolerance=tolerance, on_file=advance)
    if json_out:
        _emit_json(report.as_record())
    else:
        _echo(verify_lines(_tx(), report))
    raise typer.Exit(0 if report.ok() else EXIT_VERIFY_FAILED)


@_command(app, "replay")
def replay(
    target: str = typer.Argument(..., help="Capture id, capture folder or exported package (.zip)."),
    capture: Optional[str] = typer.Option(None, "--capture", help="Which capture of a package."),
    unverified: bool = typer.Option(False, "--unverified",
                                    help="Replay even if verify fails (the page shows a warning banner)."),
    port: int = typer.Option(0, "--port", min=0, max=65535, help="Port on 127.0.0.1 (0: a free one)."),
    json_out: bool = options.JSON,
    trust_key: list[Path] = options.TRUST_KEY,
    tsa_ca: Optional[Path] = options.TSA_CA,
) -> None:
    """Replay a capture's archive.wacz offline with ReplayWeb.page on 127.0.0.1; Ctrl-C stops."""
    import threading

    from evidence_capture.archive.replay import Banner, ReplayServer, find_assets, viewer_page
    from evidence_capture.archive.source import open_source
    from evidence_capture.errors import Msg, VerificationError
    from evidence_capture.verify.target import trusted_keys, tsa_roots_for

    settings = _settings()
    assets = find_assets()
    with open_source(target, settings=settings, trusted=trusted_keys(settings, trust_key),
                     tsa_roots=tsa_roots_for(settings, tsa_ca), capture=capture) as source:
        detail = ", ".join(source.failed_checks())
        if not source.verified and not unverified:
            raise VerificationError("replay", Msg("replay.refused", capture_id=source.capture_id,
                                                  detail=detail), hint=Msg("replay.refused.hint"))
        page = viewer_page(source.url, source.timestamp, Banner(source.verified, source.capture_id, detail))
        with ReplayServer(source.wacz, assets, page, port=port) as server:
            if json_out:
                _emit_json({"url": server.url, "capture_id": source.capture_id, "page": source.url,
                            "verified": source.verified, "failed_checks": source.failed_checks()})
            else:
                lines = [_t("replay.serving", capture_id=source.capture_id), server.url]
                _echo(lines + ([Err(_t("replay.unverified"))] if not source.verified else [])
                      + [_t("replay.stop")])
            sys.stdout.flush()
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                typer.echo(_t("replay.stopped"), err=True)


# --- cases, custody, export, import ----------------------------------------------

case_app = _group("Cases: open, list and show.")
custody_app = _group("The chain-of-custody log: read, verify, annotate.")
app.add_typer(case_app, name="case")
app.add_typer(custody_app, name="custody")


def _open_store(*, signed: bool):  # type: ignore[no-untyped-def]
    """The store; ``signed`` unlocks the station key (EVIDENCE_KEY_PASSPHRASE) to write custody events."""
    from evidence_capture.storage import StationSigner, Store

    settings = _settings()
    if not signed:
        return Store(settings)
    from evidence_capture.errors import NotFoundError
    from evidence_capture.manifests.keys import PRIVATE_NAME, StationKey

    if not (settings.keys_dir / PRIVATE_NAME).is_file():
        raise NotFoundError(Msg("cli.no_station_key"), hint=Msg("cli.no_station_key.hint"))
    key = StationKey.load(settings.keys_dir, _passphrase(confirm=False))
    return Store(settings, signer=StationSigner.from_station_key(key))


@_command(case_app, "open")
def case_open(
    case_id: str = typer.Argument(..., help="The case number."),
    title: str = typer.Option(..., "--title", help="Short title of the case."),
    subject: str = typer.Option("", "--subject", help="The shop or operator under investigation."),
    purpose: str = typer.Option("", "--purpose", help="Why evidence is collected."),
    json_out: bool = options.JSON,
) -> None:
    """Open a new case (recorded in the custody log)."""
    from evidence_capture.models import CaseInfo

    case = _open_store(signed=True).open_case(CaseInfo(case_id, title, subject, purpose))
    if json_out:
        _emit_json(case.as_record())
    else:
        typer.echo(_t("cli.case.opened", case_id=case.case_id, title=case.title))


@_command(case_app, "list")
def case_list(json_out: bool = options.JSON) -> None:
    """List cases with their number of captures."""
    from evidence_capture.ui.store import case_list_lines

    cases = _open_store(signed=False).list_cases()
    if json_out:
        _emit_json([case.as_record() for case in cases])
    else:
        _echo(case_list_lines(_tx(), cases))


@_command(case_app, "show")
def case_show(case_id: str = typer.Argument(..., help="The case number."), json_out: bool = options.JSON) -> None:
    """Show a case, its captures and their states."""
    from evidence_capture.ui.store import case_lines

    case = _open_store(signed=False).get_case(case_id)
    if json_out:
        _emit_json(case.as_record())
    else:
        _echo(case_lines(_tx(), case))


@_command(custody_app, "log")
def custody_log(
    target: Optional[str] = typer.Argument(None, help="Case id or capture id (default: the whole log)."),
    origin: bool = typer.Option(False, "--origin", help="Also print the originating stations' "
                                "history that came in with imported packages."),
    json_out: bool = options.JSON,
) -> None:
    """Print the custody events of a case or capture (times in Beijing time)."""
    from evidence_capture.ui.store import custody_log_lines

    store = _open_store(signed=False)
    events = store.custody_log(target)
    history = store.imported_history(target) if origin else []
    if json_out:
        _emit_json({"events": events, "imported_history": history} if origin else events)
    else:
        _echo(custody_log_lines(_tx(), target, events, history))


@_command(custody_app, "verify")
def custody_verify(
    trust_key: list[Path] = typer.Option([], "--trust-key", help="Extra pinned station public key PEM."),
    every_signature: bool = typer.Option(
        False, "--every-signature",
        help="Check every event's signature one by one, not only those the chain does not vouch for."),
    checkpoint: Optional[Path] = typer.Option(
        None, "--checkpoint", help="A checkpoint file held elsewhere (default: the latest in EVIDENCE_HOME)."),
    json_out: bool = options.JSON,
) -> None:
    """Walk the whole chain: first broken link, gaps, edits and deletions.  Exit 1 if any."""
    from evidence_capture.storage.checkpoint import verify_store
    from evidence_capture.ui.store import custody_verify_lines
    from evidence_capture.verify.target import pinned_keys

    store = _open_store(signed=False)
    pinned = pinned_keys(store.settings, trust_key)
    if not pinned:
        _warn(_t("cli.custody.unpinned"))
    report = verify_store(store, checkpoint, pinned=pinned, every_signature=every_signature)
    ok = report.ok and not report.signatures_unverified
    if json_out:
        _emit_json(report.as_record())
    else:
        _echo(custody_verify_lines(_tx(), report, ok))
    raise typer.Exit(0 if ok else EXIT_VERIFY_FAILED)


@_command(custody_app, "checkpoint")
def custody_checkpoint(
    timeout: float = typer.Option(30.0, "--timeout", min=1.0, help="Seconds to wait for each TSA."),
    json_out: bool = options.JSON,
) -> None:
    """Anchor the chain head outside the store: an RFC 3161 token over the last event."""
    from evidence_capture.storage.checkpoint import checkpoint_store

    taken = checkpoint_store(_open_store(signed=False), timeout=timeout)
    if json_out:
        _emit_json({"result": "pass", "checkpoint": taken.as_record()})
    else:
        _echo([_t("cli.checkpoint.taken", seq=taken.seq, event_hash=taken.event_hash,
                  tsa=taken.tsa_url, path=taken.path), _t("cli.checkpoint.copy")])


@_command(custody_app, "note")
def custody_note(
    target: str = typer.Argument(..., help="Case id or capture id."),
    text: str = typer.Option(..., "--text", help="The note (a correction is a new note, never an edit)."),
    json_out: bool = options.JSON,
) -> None:
    """Append a signed note to the custody log."""
    from evidence_capture.ui.store import event_line

    event = _open_store(signed=True).note(target, text)
    if json_out:
        _emit_json(event)
    else:
        typer.echo(event_line(_tx(), event))


@_command(app, "export")
def export(
    target: str = typer.Argument(..., help="Capture id or case id."),
    output: Path = typer.Option(..., "-o", "--output", help="The package to write (FILE.zip); never overwritten."),
    report: list[Path] = typer.Option([], "--report", help="An extraction-record PDF to include (repeatable); "
                                      "it must be recorded by `evidence report` for this target."),
    json_out: bool = options.JSON,
) -> None:
    """Export captures as a zipped BagIt package with custody log and README (recorded in the log)."""
    from evidence_capture.packages.export import export_package
    from evidence_capture.ui.progress import export_progress
    from evidence_capture.ui.store import export_lines

    progress, on_capture = export_progress(_tx())
    with progress:
        result = export_package(_open_store(signed=True), target, output, reports=report, on_capture=on_capture)
    if json_out:
        _emit_json(result.as_record())
    else:
        _echo(export_lines(_tx(), result))


@_command(app, "import")
def import_(
    package: Path = typer.Argument(..., help="The package (FILE.zip)."),
    case: Optional[str] = typer.Option(None, "--case", help="Put the captures in this case."),
    trust_key: list[Path] = typer.Option([], "--trust-key", help="Pinned exporting-station public key PEM."),
    accept_untrusted_key: bool = typer.Option(False, "--accept-untrusted-key",
                                              help="Import although the signer is not pinned (recorded)."),
    tsa_ca: Optional[Path] = typer.Option(None, "--tsa-ca", help="Trusted TSA roots (default: EVIDENCE_TSA_CA)."),
    json_out: bool = options.JSON,
) -> None:
    """Verify a package, then import it all or nothing (exit 2 hostile input, 1 failed verification)."""
    from evidence_capture.packages.importer import import_package
    from evidence_capture.ui.store import import_lines
    from evidence_capture.verify.target import Trust

    store = _open_store(signed=True)
    trust = Trust.load(store.settings, trust_key, tsa_ca)
    result = import_package(store, package, case=case, trusted_keys=trust.keys, tsa_roots=trust.tsa_roots,
                            accept_untrusted_key=accept_untrusted_key)
    if json_out:
        _emit_json(result.as_record())
    else:
        _echo(import_lines(_tx(), result))


# --- report ---------------------------------------------------------------------


@_command(app, "report")
def report_command(
    target: str = typer.Argument(..., help="Capture id or folder, case id, or exported package (.zip)."),
    output: str = typer.Option(..., "--output", "-o", help="The PDF file to write."),
    lang: str = typer.Option(None, "--lang", help="Language of the record: zh or en "
                             "(default: EVIDENCE_LANG, then the locale)."),
    trust_key: list[Path] = options.TRUST_KEY, tsa_ca: Optional[Path] = options.TSA_CA,
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Print the extraction record (电子数据提取笔录) as an A4 PDF.

    Every capture is verified at printing time and the record shows the
    result.  For a capture or case in this store, the PDF's SHA-256 is
    recorded as a `reported` custody event.
    """
    from evidence_capture.i18n import check_lang
    from evidence_capture.report.printing import print_record
    from evidence_capture.ui.progress import status
    from evidence_capture.verify.target import Trust

    settings = _settings()
    lang = check_lang(lang) if lang else settings.lang
    printed = print_record(target, Path(output), settings=settings, lang=lang,
                           trust=Trust.load(settings, trust_key, tsa_ca), open_store=_open_store,
                           rendering=lambda: status(_tx(), "cli.report.rendering"))
    if as_json:
        _emit_json(printed.as_record())
        return
    typer.echo(_t("cli.report.written", path=printed.result.path))
    typer.echo(_t("cli.report.sha256", digest=f"sha256:{printed.result.sha256}"))


def main() -> None:
    try:
        app(prog_name="evidence")
    finally:
        # The process is ending.  Without this, the interpreter's final garbage
        # collections walk every object still alive, several times: about 0.4 s
        # after a capture (bench/RESULTS.md).  Every file is already closed and
        # synced; stdout and stderr are flushed at exit either way.
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
