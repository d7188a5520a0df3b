"""The ``evidence`` command line: a thin dispatcher.

Each command parses its input, calls the library and renders the result.
Only this module and the command modules under ``commands/`` print or exit.
Exit codes: 0 ok, 1 verification failed, 2 usage or input error, 3
operational failure, 4 evidence kept but incomplete (a PARTIAL or
timestamp-pending capture).  Imports of heavy modules are done inside the
commands so that ``--help`` stays instant.

Layout: this module holds the root ``app``, its click-level error handling
(``_EvidenceGroup``), ``main`` and the command tree (``_COMMANDS``,
``_GROUPS``: the order of ``evidence --help``).  The commands live in
``commands/`` by subject; what they share (``_command``, ``_group``, ``_t``,
``_tx``, ``_echo``, ``_emit_json``, ``_settings``, ``_open_station``,
``_open_store``, ``_passphrase``/``_unlock``, ...) is in ``commands/common.py``
and re-exported here.  The command modules import ``commands.common``, never
this module, so there is no import cycle.
"""

from __future__ import annotations

import gc
import sys
from typing import Any

import typer
import typer.core

from evidence_capture import __version__
from evidence_capture.commands import capture, keys_tsa, patrol, report, store, verify
from evidence_capture.commands.common import (
    _JSON_MODE, _LANG, EPILOG, _command, _echo, _emit_json, _fail_with, _group, _officers, _open_station,
    _open_store, _passphrase, _policy_notes, _resolve_lang, _settings, _show_error, _t, _tx, _unlock,
    _warn,
)
from evidence_capture.errors import (
    EXIT_INCOMPLETE, EXIT_OPERATIONAL, EXIT_USAGE, EXIT_VERIFY_FAILED, EvidenceError, Msg,
)

__all__ = [
    "EPILOG", "EXIT_INCOMPLETE", "EXIT_OPERATIONAL", "EXIT_USAGE", "EXIT_VERIFY_FAILED", "app", "main",
    "_command", "_echo", "_emit_json", "_fail_with", "_group", "_officers", "_open_station", "_open_store",
    "_passphrase", "_policy_notes", "_settings", "_show_error", "_t", "_tx", "_unlock", "_warn",
]


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


# --- the command tree -----------------------------------------------------------
# `evidence --help` lists the commands in the order they are registered, then the
# groups in the order they are added: keep both orders.

_COMMANDS = (
    ("capture", capture.capture_command), ("worker", patrol.worker),
    ("recapture", capture.recapture_command), ("diff", capture.diff_command),
    ("seal", keys_tsa.seal), ("verify", verify.verify), ("replay", verify.replay),
    ("export", store.export), ("import", store.import_), ("report", report.report_command),
)
_GROUPS = (
    ("patrol", patrol.patrol_app), ("tsa", keys_tsa.tsa_app), ("timestamp", keys_tsa.timestamp_app),
    ("keys", keys_tsa.keys_app), ("case", store.case_app), ("custody", store.custody_app),
)


def _register(root: typer.Typer) -> None:
    for name, func in _COMMANDS:
        _command(root, name)(func)
    for name, group in _GROUPS:
        root.add_typer(group, name=name)


_register(app)


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
