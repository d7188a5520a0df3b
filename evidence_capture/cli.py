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


# --- keys, timestamps, verify --------------------------------------------------


# --- cases, custody, export, import ----------------------------------------------


# --- report ---------------------------------------------------------------------


def _report_folders(target: str, settings: Settings) -> list:
    """TARGET as capture folders: a capture folder, or a capture id in the data directory."""
    from pathlib import Path

    from evidence_capture.errors import NotFoundError

    path = Path(target).expanduser()
    if path.is_dir():
        return [path]
    if "/" not in target and settings.capture_dir(target).is_dir():
        return [settings.capture_dir(target)]
    raise NotFoundError(f"no capture folder or capture id {target!r}",
                        hint=f"captures live in {settings.captures_dir}")


@_command(app, "report")
def report_command(
    target: str = typer.Argument(..., help="Capture id or capture folder."),
    output: str = typer.Option(..., "--output", "-o", help="The PDF file to write."),
    lang: str = typer.Option(None, "--lang", help="Language of the record: zh or en "
                             "(default: EVIDENCE_LANG, then the locale)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Print the extraction record (电子数据提取笔录) as an A4 PDF."""
    from pathlib import Path

    from rich.console import Console

    from evidence_capture.i18n import check_lang, translator
    from evidence_capture.report import build_report, render_pdf

    settings = _settings()
    lang = check_lang(lang) if lang else settings.lang
    t = translator(settings.lang)
    data = build_report(_report_folders(target, settings), None, None, lang)
    with Console(stderr=True).status(t("cli.report.rendering")):
        result = render_pdf(data, Path(output), settings=settings)
    if as_json:
        _emit_json({"path": str(result.path.resolve()), "sha256": f"sha256:{result.sha256}",
                    "size": result.size, "pages": result.pages,
                    "screenshot_pages": result.screenshot_pages, "lang": lang,
                    "record_no": data.record_no,
                    "captures": [capture.capture_id for capture in data.captures]})
        return
    typer.echo(t("cli.report.written", path=result.path))
    typer.echo(t("cli.report.sha256", digest=f"sha256:{result.sha256}"))


def main() -> None:
    app(prog_name="evidence")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
