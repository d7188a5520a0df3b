"""What every command shares: registration, the reader's language, output, errors, the station.

``_command`` registers a function as a command with the env-var epilog and uniform error
handling: an ``EvidenceError`` is shown in the reader's language (with ``--json`` also as one
JSON document on stdout) and becomes the exit code.  The command modules and ``cli.py`` import
these helpers from here; ``cli.py`` re-exports them.
"""

from __future__ import annotations

import functools
import json
import os
from contextvars import ContextVar
from typing import Any, Callable, TypeVar

import typer

from evidence_capture.config import Settings, env_help, load_settings
from evidence_capture.errors import EXIT_USAGE, ConfigError, EvidenceError, Msg
from evidence_capture.i18n import normalize_lang
from evidence_capture.ui.text import Err, Text

F = TypeVar("F", bound=Callable[..., Any])

EPILOG = env_help()


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


def _group(help_text: str) -> typer.Typer:
    """A command group (``evidence case ...``) with the same help settings as the app."""
    return typer.Typer(help=help_text, no_args_is_help=True, rich_markup_mode=None,
                       context_settings={"help_option_names": ["-h", "--help"]})


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


def _open_store(*, signed: bool):  # type: ignore[no-untyped-def]
    """The store; ``signed`` unlocks the station key (EVIDENCE_KEY_PASSPHRASE) to write custody events."""
    from evidence_capture.storage import StationSigner, Store

    settings = _settings()
    if not signed:
        return Store(settings)
    from evidence_capture.errors import NotFoundError
    from evidence_capture.manifests.keys import StationKey

    if not settings.has_station_key:
        raise NotFoundError(Msg("cli.no_station_key"), hint=Msg("cli.no_station_key.hint"))
    key = StationKey.load(settings.keys_dir, _passphrase(confirm=False))
    return Store(settings, signer=StationSigner.from_station_key(key))
