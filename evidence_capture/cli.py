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


def main() -> None:
    app(prog_name="evidence")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
