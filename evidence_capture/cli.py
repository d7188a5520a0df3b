"""The ``evidence`` command line: a thin dispatcher.

Each command parses its input, calls the library and renders the result.
Only this module prints or exits.  Exit codes: 0 ok, 1 verification failed,
2 usage or input error, 3 operational failure.  Imports of heavy modules
are done inside the commands so that ``--help`` stays instant.
"""

from __future__ import annotations

import functools
import json
import sys
from typing import Any, Callable, TypeVar

import typer

from evidence_capture import __version__
from evidence_capture.config import Settings, env_help, load_settings
from evidence_capture.defaults import DEFAULTS
from evidence_capture.errors import EXIT_OPERATIONAL, EvidenceError

F = TypeVar("F", bound=Callable[..., Any])

EPILOG = env_help()
app = typer.Typer(
    name="evidence",
    help="Capture, seal, keep, export and verify web-page evidence.",
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
            try:
                return func(*args, **kwargs)
            except EvidenceError as exc:
                _fail(exc.diagnostics(), exc.exit_code)
            except KeyboardInterrupt:
                _fail("interrupted", EXIT_OPERATIONAL)

        parent.command(name, epilog=EPILOG)(wrapper)
        return func

    return decorate


def _fail(message: str, code: int) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _settings() -> Settings:
    return load_settings()


def _emit_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str))


def _warn(message: str) -> None:
    typer.echo(f"warning: {message}", err=True)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"evidence-capture {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Show the version."
    ),
) -> None:
    """Capture, seal, keep, export and verify web-page evidence."""


# --- capture ------------------------------------------------------------------


def _officers(values: list[str], settings: Settings) -> tuple[Any, ...]:
    from evidence_capture.models import Officer

    return tuple(Officer.parse(text) for text in (values or list(settings.officers)))


def _capture_progress() -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[step]}"), console=Console(stderr=True),
                    transient=False)


def _render_capture(result: Any) -> None:
    typer.echo(f"{result.state.value:8} {result.capture_id}  {result.requested_url}")
    typer.echo(f"         folder: {result.folder}")
    for step in result.failed_steps:
        typer.echo(f"         {step.name}: {step.outcome} - {step.detail}")
    for warning in result.warnings:
        typer.echo(f"         warning: {warning}")


@_command(app, "capture")
def capture_command(
    urls: list[str] = typer.Argument(..., metavar="URL", help="http(s) URLs, captured in order."),
    case: str | None = typer.Option(None, "--case", metavar="CASE_ID", help="Case number."),
    officer: list[str] = typer.Option(
        [], "--officer", metavar="NAME:CERT_NO",
        help="Officer and enforcement-certificate number; repeat for each (two are required)."),
    device: str | None = typer.Option(
        DEFAULTS.device, "--device", metavar="NAME",
        help="Playwright device descriptor, e.g. 'iPhone 13' (default: desktop "
        f"{DEFAULTS.viewport_width}x{DEFAULTS.viewport_height})."),
    timeout: float = typer.Option(DEFAULTS.total_timeout, "--timeout", metavar="SECONDS",
                                  min=1.0, help="Total budget per capture."),
    allow_private: bool = typer.Option(
        DEFAULTS.allow_private, "--allow-private",
        help="Allow loopback, link-local and private addresses (recorded in the capture)."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Capture web pages in a fresh browser: screenshot, source, HAR, video, TLS, provenance.

    Each URL gets its own folder EVIDENCE_HOME/captures/<capture_id>/ and ends
    COMPLETE, PARTIAL (the failed steps are listed) or FAILED (exit code 3).
    """
    from evidence_capture.capture import new_capture_id, run_capture, validate_url
    from evidence_capture.capture.engine import STEPS
    from evidence_capture.models import CaseInfo

    checked = [validate_url(url) for url in urls]
    settings = _settings()
    officers = _officers(officer, settings)
    if len(officers) < 2:
        _warn(f"{len(officers)} officer(s) given; the regulations require two (--officer NAME:CERT_NO)")
    options = DEFAULTS.with_changes(device=device, total_timeout=timeout,
                                    allow_private=allow_private)
    results = []
    with _capture_progress() as progress:
        for url in checked:
            task = progress.add_task(url[:60], total=len(STEPS), step="")
            capture_id = new_capture_id()
            results.append(run_capture(
                url, options, settings=settings, folder=settings.capture_dir(capture_id),
                case=CaseInfo(case_id=case) if case else None, officers=officers,
                capture_id=capture_id,
                on_step=lambda o, t=task: progress.update(t, advance=1, step=o.name)))
    if as_json:
        _emit_json([result.as_record() for result in results])
    else:
        for result in results:
            _render_capture(result)
    if any(result.state.value == "FAILED" for result in results):
        raise typer.Exit(EXIT_OPERATIONAL)



# --- keys, timestamps, verify --------------------------------------------------


# --- cases, custody, export, import ----------------------------------------------


# --- report ---------------------------------------------------------------------


def main() -> None:
    app(prog_name="evidence")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
