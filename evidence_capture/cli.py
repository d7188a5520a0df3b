"""The ``evidence`` command line: a thin dispatcher.

Each command parses its input, calls the library and renders the result.
Only this module prints or exits.  Exit codes: 0 ok, 1 verification failed,
2 usage or input error, 3 operational failure.  Imports of heavy modules
are done inside the commands so that ``--help`` stays instant.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import unicodedata
from contextvars import ContextVar
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

import typer

from evidence_capture import __version__
from evidence_capture.config import Settings, env_help, load_settings
from evidence_capture.defaults import DEFAULTS
from evidence_capture.errors import (
    EXIT_OPERATIONAL, EXIT_VERIFY_FAILED, ConfigError, EvidenceError, InputError,
)
from evidence_capture.i18n import LANGS, keys, message

F = TypeVar("F", bound=Callable[..., Any])

EPILOG = env_help()
app = typer.Typer(
    name="evidence",
    help="Capture, seal, keep, export and verify web-page evidence.\n\n"
    "Messages are in Chinese or English (EVIDENCE_LANG=zh|en, default: the locale); "
    "--json output always has English keys and values.",
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
            try:
                return func(*args, **kwargs)
            except EvidenceError as exc:
                _fail_with(exc)
            except KeyboardInterrupt:
                _fail(_t("cli.interrupted"), EXIT_OPERATIONAL)
            finally:
                _LANG.reset(token)

        parent.command(name, epilog=EPILOG)(wrapper)
        return func

    return decorate


# The language of human-facing messages, resolved once per command (see _command).
_LANG: ContextVar[str | None] = ContextVar("evidence_lang", default=None)
_KEYS = frozenset(keys())


def _resolve_lang() -> str:
    """Settings.lang; if the settings themselves are broken, EVIDENCE_LANG or English."""
    try:
        return load_settings().lang
    except EvidenceError:
        value = os.environ.get("EVIDENCE_LANG", "")
        return value if value in LANGS else "en"


def _t(key: str, **values: Any) -> str:
    """A message of the catalog in the command's language."""
    return message(key, _LANG.get() or _resolve_lang(), **values)


def _label(prefix: str, value: str) -> str:
    """A state or other fixed value, translated when the catalog knows it."""
    key = f"{prefix}.{value}"
    return _t(key) if key in _KEYS else value


def _pad(text: str, width: int) -> str:
    """Left-align ``text`` in ``width`` terminal cells (CJK characters take two)."""
    cells = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(0, width - cells)


def _labelled(label_key: str, text: str) -> str:
    return _t("cli.labelled", label=_t(label_key), text=text)


def _fail_with(exc: EvidenceError) -> None:
    _fail(exc.diagnostics(hint_label=_t("cli.hint"), cause_label=_t("cli.cause")), exc.exit_code)


def _fail(text: str, code: int) -> None:
    typer.echo(_labelled("cli.error", text), err=True)
    raise typer.Exit(code)


def _settings() -> Settings:
    return load_settings()


def _emit_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str))


def _warn(text: str) -> None:
    typer.echo(_labelled("cli.warning", text), err=True)


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


def _render_capture(outcome: Any) -> None:
    result, sealed = outcome.capture, outcome.seal
    indent = " " * 9
    typer.echo(f"{_pad(_label('state', result.state.value), 8)} {result.capture_id}  {result.requested_url}")
    typer.echo(indent + _t("cli.capture.folder", path=result.folder))
    typer.echo(indent + _t("cli.capture.manifest", digest=sealed.manifest_sha256,
                           state=_label("seal.state", sealed.state)))
    for step in result.failed_steps:
        typer.echo(indent + _t("cli.capture.step", name=step.name, outcome=step.outcome, detail=step.detail))
    for item in sealed.timestamps:
        if item.granted:
            line = _t("cli.capture.ts_granted", n=item.number, gen_time=item.gen_time, url=item.url)
        else:
            line = _t("cli.capture.ts_failed", n=item.number, error=item.error, url=item.url)
        typer.echo(indent + line)
    for warning in result.warnings:
        typer.echo(indent + _labelled("cli.warning", warning))


@_command(app, "capture")
def capture_command(
    urls: list[str] = typer.Argument(..., metavar="URL", help="http(s) URLs, captured in order."),
    case: str | None = typer.Option(None, "--case", metavar="CASE_ID",
                                    help="Case number (open it first with `evidence case open`)."),
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
    tsa_timeout: float = typer.Option(10.0, "--tsa-timeout", metavar="SECONDS", min=0.1,
                                      help="Seconds to wait for each TSA."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Capture web pages in a fresh browser, seal them and record them in the store.

    Each URL gets its own folder EVIDENCE_HOME/captures/<capture_id>/ holding
    the screenshot, source, DOM, MHTML, HAR, video, PDF, TLS chains,
    provenance and environment check; then it is hashed (SHA-256 + SM3),
    signed, timestamped by every TSA in EVIDENCE_TSA_URL and recorded with
    custody events.  A capture ends COMPLETE, PARTIAL (the failed steps are
    listed) or FAILED (exit code 3).  A TSA that fails leaves the capture
    timestamp-pending: `evidence timestamp --pending` retries.
    """
    from evidence_capture.capture import validate_url
    from evidence_capture.capture.browser import check_device
    from evidence_capture.capture.engine import STEPS
    from evidence_capture.workflow import Station, capture_and_seal

    checked = [validate_url(url) for url in urls]
    settings = _settings()
    officers = _officers(officer, settings)
    if len(officers) < 2:
        _warn(_t("cli.capture.few_officers", n=len(officers)))
    options = DEFAULTS.with_changes(device=device, total_timeout=timeout,
                                    allow_private=allow_private)
    check_device(device)
    station = Station.open(settings, _unlock, tsa_timeout=tsa_timeout)
    for capture_id in station.recovered:
        _warn(_t("cli.capture.recovered", capture_id=capture_id))
    case_info = station.case_info(case)
    outcomes = []
    with _capture_progress() as progress:
        for url in checked:
            task = progress.add_task(url[:60], total=len(STEPS), step="")
            outcomes.append(capture_and_seal(
                station, url, options, case=case_info, officers=officers,
                on_step=lambda o, t=task: progress.update(t, advance=1, step=o.name)))
            progress.update(task, step=_t("cli.capture.sealed"))
    _report_captures(outcomes, as_json)


def _report_captures(outcomes: list[Any], as_json: bool) -> None:
    if as_json:
        _emit_json([outcome.as_record() for outcome in outcomes])
    else:
        for outcome in outcomes:
            _render_capture(outcome)
    for outcome in outcomes:
        if outcome.seal.dev_tsa_warning:
            _warn(_t("cli.dev_tsa.warning"))
            break
    if any(outcome.capture.state.value == "FAILED" for outcome in outcomes):
        raise typer.Exit(EXIT_OPERATIONAL)


# --- keys, timestamps, verify --------------------------------------------------

tsa_app = typer.Typer(
    help="Development timestamp authority (DEVELOPMENT TSA — not trusted for real cases).",
    no_args_is_help=True, rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
timestamp_app = typer.Typer(
    help="RFC 3161 timestamps: verify tokens.",
    no_args_is_help=True, rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(tsa_app, name="tsa")
app.add_typer(timestamp_app, name="timestamp")


class TsaKeyType(str, Enum):
    rsa = "rsa"
    ec = "ec"


@_command(tsa_app, "serve")
def tsa_serve(
    port: int = typer.Option(0, "--port", min=0, max=65535, help="Port on 127.0.0.1 (0: any free port)."),
    key_type: TsaKeyType = typer.Option(TsaKeyType.rsa, "--key-type", help="TSA key: rsa or ec."),
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


def _ts_open_error(path: Path, what: str, exc: OSError) -> EvidenceError:
    from evidence_capture.errors import NotFoundError

    what = _t(f"cli.file.{what}")
    if isinstance(exc, FileNotFoundError):
        return NotFoundError(_t("cli.file.missing", what=what, path=path))
    return InputError(_t("cli.file.unreadable", what=what, path=path, reason=exc.strerror))


def _ts_expected_digest(file: Optional[Path], digest: Optional[str]) -> bytes:
    import hashlib

    if (file is None) == (digest is None):
        raise InputError(_t("cli.token.one_of"))
    if file is not None:
        try:
            with file.open("rb") as handle:
                return hashlib.file_digest(handle, "sha256").digest()
        except OSError as exc:
            raise _ts_open_error(file, "file", exc) from exc
    text = (digest or "").strip().lower().removeprefix("sha256:")
    try:
        value = bytes.fromhex(text)
    except ValueError:
        value = b""
    if len(value) != 32:
        raise InputError(_t("cli.token.bad_digest", value=repr(digest)))
    return value


def _ts_render_token(states: dict[str, str], info: Any, failure: Any) -> None:
    from evidence_capture.timeutil import iso_beijing, iso_utc

    typer.echo(_t("cli.token.result", status=_t("cli.status.fail" if failure else "cli.status.pass")))
    for check, state in states.items():
        typer.echo(f"  {_pad(_t(f'cli.status.{state}'), 11)} {check}")
    if failure is not None:
        typer.echo(_t("cli.token.failed", text=failure.diagnostics(hint_label=_t("cli.hint"),
                                                                  cause_label=_t("cli.cause"))))
        return
    nonce = info.nonce if info.nonce is not None else _t("cli.token.no_nonce")
    typer.echo(_t("cli.token.info", tsa=info.tsa_name, utc=iso_utc(info.gen_time),
                  beijing=iso_beijing(info.gen_time), policy=info.policy_oid, serial=info.serial,
                  imprint=info.message_imprint, nonce=nonce, signer=info.signer_fingerprint,
                  algorithm=info.signature_algorithm))


def _ts_check_token(path: Path, data: bytes, expected: bytes, nonce: Optional[int],
                    roots: list[Any]) -> tuple[Any, Any]:
    """(TokenInfo, None) or (None, VerificationError)."""
    from evidence_capture.errors import VerificationError
    from evidence_capture.timestamping.tokens import as_timestamp_response
    from evidence_capture.timestamping.verify import verify_token

    try:
        return verify_token(as_timestamp_response(data), digest=expected, nonce=nonce, roots=roots), None
    except VerificationError as exc:
        return None, exc
    except ValueError as exc:  # as_timestamp_response: neither a response nor a token
        return None, VerificationError("tsa.format", f"{path} is not an RFC 3161 token: {exc}")


@_command(timestamp_app, "verify")
def timestamp_verify(
    tsr: Path = typer.Argument(..., help="The token: a TimeStampResp (.tsr) or a bare TimeStampToken, DER."),
    file: Optional[Path] = typer.Option(None, "--file", help="The timestamped file (hashed with SHA-256)."),
    digest: Optional[str] = typer.Option(None, "--digest", help="Or its SHA-256, 64 hex digits."),
    ca: Path = typer.Option(..., "--ca", help="PEM bundle of trusted TSA root certificates."),
    nonce: Optional[int] = typer.Option(None, "--nonce", min=0, help="The request nonce, if known."),
    json_out: bool = typer.Option(False, "--json", help="Machine-readable result."),
) -> None:
    """Verify a stand-alone RFC 3161 token with every check; exit 1 names the failed check."""
    from evidence_capture.timestamping.devtsa import is_dev_tsa_name
    from evidence_capture.timestamping.models import token_check_states
    from evidence_capture.timestamping.verify import load_tsa_roots

    expected = _ts_expected_digest(file, digest)
    roots = load_tsa_roots(ca)
    try:
        data = tsr.read_bytes()
    except OSError as exc:
        raise _ts_open_error(tsr, "token", exc) from exc
    info, failure = _ts_check_token(tsr, data, expected, nonce, roots)
    states = token_check_states(failure.check if failure else None, nonce_checked=nonce is not None)
    development = info is not None and is_dev_tsa_name(info.tsa_name)
    if development:
        _warn(_t("cli.token.dev", label=_t("cli.dev_tsa.label")))
    if json_out:
        _emit_json({"result": "fail" if failure else "pass", "token": str(tsr), "checks": states,
                    "failed_check": failure.check if failure else None,
                    "message": failure.message if failure else None,
                    "development_tsa": development, "info": info.as_record() if info else None})
    else:
        _ts_render_token(states, info, failure)
    if failure is not None:
        raise typer.Exit(failure.exit_code)



# keys, seal, pending timestamps and verify (the sealing helper's part of this section)

keys_app = typer.Typer(help="The station's Ed25519 signing key.", no_args_is_help=True,
                       rich_markup_mode=None, context_settings={"help_option_names": ["-h", "--help"]})
app.add_typer(keys_app, name="keys")


def _unlock() -> str:
    return _passphrase(confirm=False)


def _passphrase(*, confirm: bool) -> str:
    """EVIDENCE_KEY_PASSPHRASE, else a hidden prompt."""
    import os

    value = os.environ.get("EVIDENCE_KEY_PASSPHRASE")
    if value:
        return value
    try:
        return typer.prompt(_t("cli.passphrase"), hide_input=True,
                            confirmation_prompt=confirm, err=True)
    except typer.Abort as exc:
        raise ConfigError(_t("cli.no_passphrase"), hint=_t("cli.no_passphrase.hint")) from exc


def _bytes_progress(total: int, label_key: str):  # type: ignore[no-untyped-def]
    """A rich progress bar on stderr over ``total`` bytes; returns (progress, advance)."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    label = _t(label_key)
    progress = Progress(TextColumn(label), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                        console=Console(stderr=True), transient=True)
    task = progress.add_task(label, total=total)
    return progress, lambda _path, size: progress.advance(task, size)


def _folder_bytes(folder) -> int:  # type: ignore[no-untyped-def]
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


@_command(keys_app, "init")
def keys_init(json_out: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
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
    from evidence_capture.manifests.keys import public_pem, station_public_key

    key = station_public_key(_settings().keys_dir)
    if key is None:
        raise NotFoundError(_t("cli.no_station_key"), hint=_t("cli.no_station_key.hint"))
    if output is None:
        typer.echo(public_pem(key).decode(), nl=False)
        return
    if output.is_dir():
        raise InputError(f"{output} is a folder; give the PEM file to write")
    try:
        with output.open("xb") as handle:  # never replaces an existing file
            handle.write(public_pem(key))
    except FileExistsError as exc:
        raise InputError(f"{output} already exists; choose another file name") from exc
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror or exc}") from exc


def _render_seal(result, json_out: bool) -> None:  # type: ignore[no-untyped-def]
    if json_out:
        _emit_json(result.as_record())
        return
    typer.echo(_t("cli.seal.state", capture_id=result.capture_id, state=_label("seal.state", result.state)))
    typer.echo(_t("cli.seal.manifest", digest=result.manifest_sha256))
    typer.echo(_t("cli.seal.signer", fingerprint=result.fingerprint))
    if result.dev_tsa_warning:
        _warn(_t("cli.dev_tsa.warning"))
    for item in result.timestamps:
        if item.granted:
            typer.echo(_t("cli.seal.ts_granted", n=item.number, tsa=item.tsa_name, gen_time=item.gen_time,
                          url=item.url))
        else:
            typer.echo(_t("cli.seal.ts_failed", n=item.number, url=item.url, error=item.error))
    if not result.timestamps:
        typer.echo(_t("cli.seal.no_tsa"))


@_command(app, "seal")
def seal(
    target: str = typer.Argument(..., help="Capture folder or capture id."),
    timeout: float = typer.Option(10.0, "--timeout", min=0.1, help="Seconds to wait for each TSA."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Seal an unsealed capture: hash, sign, timestamp.  A failing TSA leaves it timestamp-pending."""
    from evidence_capture.manifests.keys import StationKey
    from evidence_capture.manifests.seal import TsaConfig, seal_capture
    from evidence_capture.verify.target import resolve_capture

    settings = _settings()
    folder = resolve_capture(target, settings)
    key = StationKey.load(settings.keys_dir, _passphrase(confirm=False))
    tsa = TsaConfig.from_settings(settings, timeout=timeout)
    progress, advance = _bytes_progress(_folder_bytes(folder), "cli.progress.hashing")
    with progress:
        result = seal_capture(folder, key=key, tsa=tsa, on_file=advance)
    _render_seal(result, json_out)


def _timestamp_pending(timeout: float, json_out: bool) -> None:
    from evidence_capture.manifests.seal import PENDING
    from evidence_capture.workflow import Station, retry_pending_timestamps

    station = Station.open(_settings(), _unlock, tsa_timeout=timeout)
    if not station.tsa.urls:
        raise ConfigError(_t("cli.no_tsa"), hint=_t("cli.no_tsa.hint"))
    results = retry_pending_timestamps(station)
    if json_out:
        _emit_json([result.as_record() for result in results])
    elif not results:
        typer.echo(_t("cli.seal.none_pending"))
    for result in [] if json_out else results:
        _render_seal(result, False)
    if any(result.state == PENDING for result in results):
        raise typer.Exit(EXIT_OPERATIONAL)


_PENDING_HELP = "Retry every timestamp-pending capture against the configured TSAs."
_TIMEOUT_HELP = "Seconds to wait for each TSA."


@timestamp_app.callback(invoke_without_command=True)
def _timestamp_root(
    ctx: typer.Context,
    pending: bool = typer.Option(False, "--pending", help=_PENDING_HELP + " Exit 3 if any stays pending."),
    timeout: float = typer.Option(10.0, "--timeout", min=0.1, help=_TIMEOUT_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print JSON (with --pending)."),
) -> None:
    """RFC 3161 timestamps: retry pending captures (--pending), verify tokens."""
    if ctx.invoked_subcommand is not None:
        return
    if not pending:
        typer.echo(ctx.get_help(), err=True)
        raise typer.Exit(2)
    try:
        _timestamp_pending(timeout, json_out)
    except EvidenceError as exc:
        _fail_with(exc)


@_command(timestamp_app, "pending")
def timestamp_pending(
    timeout: float = typer.Option(10.0, "--timeout", min=0.1, help=_TIMEOUT_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Retry every timestamp-pending capture against the configured TSAs (same as --pending)."""
    _timestamp_pending(timeout, json_out)

def _render_report(report) -> None:  # type: ignore[no-untyped-def]
    width = max(len(check.name) for check in report.checks)
    for check in report.checks:
        status = _pad(_t(f"cli.status.{check.status.value}"), 11)
        typer.echo(f"{status} {check.name.ljust(width)}  {check.reason}")
    counts = report.summary()
    verdict = _t("cli.verify.verified" if report.ok() else "cli.verify.not_verified")
    if report.signer_untrusted():
        verdict += _t("cli.verify.signer_untrusted")
    typer.echo(_t("cli.verify.counts", verdict=verdict, passed=counts["pass"], failed=counts["fail"],
                  unchecked=counts["not-checked"]) + (_t("cli.verify.strict") if report.strict else ""))


@_command(app, "verify")
def verify(
    target: str = typer.Argument(..., help="Capture folder or capture id."),
    json_out: bool = typer.Option(False, "--json", help="Print JSON."),
    trust_key: list[Path] = typer.Option([], "--trust-key", help="Pinned signer public key PEM (repeatable)."),
    strict: bool = typer.Option(False, "--strict", help="Count not-checked as failure."),
    tsa_ca: Optional[Path] = typer.Option(None, "--tsa-ca", help="PEM bundle of trusted TSA roots "
                                                                  "(default: EVIDENCE_TSA_CA)."),
    tolerance: float = typer.Option(300.0, "--tolerance", min=0.0, help="Allowed clock difference, seconds."),
) -> None:
    """Verify a capture offline: every check is pass, fail or not-checked.  Exit 0 all pass, 1 any fail."""
    from evidence_capture.timestamping.verify import load_tsa_roots
    from evidence_capture.verify.target import resolve_capture, trusted_keys, verify_target

    settings = _settings()
    ca = tsa_ca or settings.tsa_ca
    roots = load_tsa_roots(ca) if ca else ()
    keys = trusted_keys(settings, trust_key)
    try:
        size = _folder_bytes(resolve_capture(target, settings))
    except EvidenceError:
        size = 0  # not a capture folder: verify_target says what it is
    progress, advance = _bytes_progress(size, "cli.progress.verifying")
    with progress:
        report = verify_target(target, settings=settings, trusted=keys, tsa_roots=roots, strict=strict,
                               tolerance=tolerance, on_file=advance)
    if json_out:
        _emit_json(report.as_record())
    else:
        _render_report(report)
    raise typer.Exit(0 if report.ok() else EXIT_VERIFY_FAILED)


# --- cases, custody, export, import ----------------------------------------------

case_app = typer.Typer(help="Cases: open, list and show.", no_args_is_help=True,
                       rich_markup_mode=None, context_settings={"help_option_names": ["-h", "--help"]})
custody_app = typer.Typer(help="The chain-of-custody log: read, verify, annotate.", no_args_is_help=True,
                          rich_markup_mode=None, context_settings={"help_option_names": ["-h", "--help"]})
app.add_typer(case_app, name="case")
app.add_typer(custody_app, name="custody")
_JSON = typer.Option(False, "--json", help="Print JSON.")


def _open_store(*, signed: bool):  # type: ignore[no-untyped-def]
    """The store; ``signed`` unlocks the station key (EVIDENCE_KEY_PASSPHRASE) to write custody events."""
    from evidence_capture.storage import StationSigner, Store

    settings = _settings()
    if not signed:
        return Store(settings)
    from evidence_capture.errors import NotFoundError
    from evidence_capture.manifests.keys import PRIVATE_NAME, StationKey

    if not (settings.keys_dir / PRIVATE_NAME).is_file():
        raise NotFoundError(_t("cli.no_station_key"), hint=_t("cli.no_station_key.hint"))
    key = StationKey.load(settings.keys_dir, _passphrase(confirm=False))
    return Store(settings, signer=StationSigner.from_station_key(key))


def _capture_line(capture: Any) -> str:
    state = _label("store.status", capture.status) + (
        f" ({_label('state', capture.capture_state)})" if capture.capture_state else "")
    reason = _t("cli.capture.reason", reason=capture.failure_reason) if capture.failure_reason else ""
    return _t("cli.capture.line", capture_id=capture.capture_id, state=_pad(state, 22),
              timestamps=_pad(_label("store.timestamps", capture.timestamp_state), 8),
              origin=_pad(_label("store.origin", capture.origin), 8), url=capture.url, reason=reason)


@_command(case_app, "open")
def case_open(
    case_id: str = typer.Argument(..., help="The case number."),
    title: str = typer.Option(..., "--title", help="Short title of the case."),
    subject: str = typer.Option("", "--subject", help="The shop or operator under investigation."),
    purpose: str = typer.Option("", "--purpose", help="Why evidence is collected."),
    json_out: bool = _JSON,
) -> None:
    """Open a new case (recorded in the custody log)."""
    from evidence_capture.models import CaseInfo

    case = _open_store(signed=True).open_case(CaseInfo(case_id, title, subject, purpose))
    if json_out:
        _emit_json(case.as_record())
    else:
        typer.echo(_t("cli.case.opened", case_id=case.case_id, title=case.title))


@_command(case_app, "list")
def case_list(json_out: bool = _JSON) -> None:
    """List cases with their number of captures."""
    cases = _open_store(signed=False).list_cases()
    if json_out:
        _emit_json([case.as_record() for case in cases])
        return
    if not cases:
        typer.echo(_t("cli.case.none"))
    for case in cases:
        typer.echo(_t("cli.case.line", case_id=case.case_id, title=case.title, subject=case.subject,
                      n=len(case.captures)))


@_command(case_app, "show")
def case_show(case_id: str = typer.Argument(..., help="The case number."), json_out: bool = _JSON) -> None:
    """Show a case, its captures and their states."""
    from evidence_capture.timeutil import iso_beijing

    case = _open_store(signed=False).get_case(case_id)
    if json_out:
        _emit_json(case.as_record())
        return
    typer.echo(_t("cli.case.header", case_id=case.case_id, title=case.title))
    typer.echo(_t("cli.case.subject", subject=case.subject or "-", purpose=case.purpose or "-"))
    typer.echo(_t("cli.case.opened_at", time=iso_beijing(case.opened_at)))
    typer.echo(_t("cli.case.captures", n=len(case.captures)))
    for capture in case.captures:
        typer.echo(_capture_line(capture))


def _event_line(event: dict[str, Any]) -> str:
    from evidence_capture.timeutil import iso_beijing, parse_iso

    obj = event["object"]
    digest = f" {obj['digest'][:23]}…" if obj.get("digest") else ""
    details = event["details"]
    extra = details.get("text") or details.get("action") or details.get("package") or ""
    actor = _t("cli.custody.by", name=event["actor"]["name"], cert_no=event["actor"]["cert_no"])
    return (f"{event['seq']:>6}  {iso_beijing(parse_iso(event['time']))}  {event['type']:<11} "
            f"{obj['kind']} {obj['id']}{digest}  {actor} {extra}".rstrip())


@_command(custody_app, "log")
def custody_log(
    target: Optional[str] = typer.Argument(None, help="Case id or capture id (default: the whole log)."),
    origin: bool = typer.Option(False, "--origin", help="Also print the originating stations' "
                                "history that came in with imported packages."),
    json_out: bool = _JSON,
) -> None:
    """Print the custody events of a case or capture (times in Beijing time)."""
    store = _open_store(signed=False)
    events = store.custody_log(target)
    history = store.imported_history(target) if origin else []
    if json_out:
        _emit_json({"events": events, "imported_history": history} if origin else events)
        return
    if not events:
        typer.echo(_t("cli.custody.none_for", target=target) if target else _t("cli.custody.none"))
    for event in events:
        typer.echo(_event_line(event))
    for item in history:
        typer.echo(_t("cli.custody.history", digest=item["package_sha256"], source=item["source"]))
        for event in item["events"]:
            typer.echo("  " + _event_line(event))


@_command(custody_app, "verify")
def custody_verify(
    trust_key: list[Path] = typer.Option([], "--trust-key", help="Extra pinned station public key PEM."),
    json_out: bool = _JSON,
) -> None:
    """Walk the whole chain: first broken link, gaps, edits and deletions.  Exit 1 if any."""
    from evidence_capture.storage.chain import key_fingerprint
    from evidence_capture.verify.target import trusted_keys

    store = _open_store(signed=False)
    pinned = {key_fingerprint(key): key for key in trusted_keys(store.settings, trust_key)}
    if not pinned:
        _warn(_t("cli.custody.unpinned"))
    report = store.verify_custody(pinned)
    ok = report.ok and not report.signatures_unverified
    if json_out:
        _emit_json(report.as_record())
    else:
        for problem in report.problems:
            typer.echo(_t("cli.custody.problem", seq=problem.seq, kind=problem.kind, message=problem.message))
        for note in report.notes:
            _warn(note)
        if report.signatures_unverified:
            typer.echo(_t("cli.custody.unverified", n=report.signatures_unverified))
        verdict = _t("cli.custody.ok") if ok else _t("cli.custody.not_verified") + (
            _t("cli.custody.broken", seq=report.first_broken.seq) if report.first_broken else "")
        typer.echo(_t("cli.custody.summary", verdict=verdict, events=report.events,
                      signatures=report.signatures_verified))
    raise typer.Exit(0 if ok else EXIT_VERIFY_FAILED)


@_command(custody_app, "note")
def custody_note(
    target: str = typer.Argument(..., help="Case id or capture id."),
    text: str = typer.Option(..., "--text", help="The note (a correction is a new note, never an edit)."),
    json_out: bool = _JSON,
) -> None:
    """Append a signed note to the custody log."""
    event = _open_store(signed=True).note(target, text)
    if json_out:
        _emit_json(event)
    else:
        typer.echo(_event_line(event))


@_command(app, "export")
def export(
    target: str = typer.Argument(..., help="Capture id or case id."),
    output: Path = typer.Option(..., "-o", "--output", help="The package to write (FILE.zip); never overwritten."),
    report: list[Path] = typer.Option([], "--report", help="An extraction-record PDF to include (repeatable); "
                                      "it must be recorded by `evidence report` for this target."),
    json_out: bool = _JSON,
) -> None:
    """Export captures as a zipped BagIt package with custody log and README (recorded in the log)."""
    from evidence_capture.packages.export import export_package

    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(_t("cli.progress.exporting"), total=None)
        result = export_package(_open_store(signed=True), target, output, reports=report,
                                on_capture=lambda done, total: progress.update(task, completed=done,
                                                                               total=total))
    if json_out:
        _emit_json(result.as_record())
        return
    typer.echo(_t("cli.export.wrote", path=result.path, n=len(result.captures), digest=result.sha256))
    typer.echo(_t("cli.export.recorded", seq=result.event_seq, receipt=result.receipt))
    for entry in result.reports:
        typer.echo(_t("cli.export.report", path=entry["path"], digest=entry["sha256"],
                      seq=entry["reported_seq"]))
    for capture_id in result.skipped:
        _warn(_t("cli.export.skipped", capture_id=capture_id))


@_command(app, "import")
def import_(
    package: Path = typer.Argument(..., help="The package (FILE.zip)."),
    case: Optional[str] = typer.Option(None, "--case", help="Put the captures in this case."),
    trust_key: list[Path] = typer.Option([], "--trust-key", help="Pinned exporting-station public key PEM."),
    accept_untrusted_key: bool = typer.Option(False, "--accept-untrusted-key",
                                              help="Import although the signer is not pinned (recorded)."),
    tsa_ca: Optional[Path] = typer.Option(None, "--tsa-ca", help="Trusted TSA roots (default: EVIDENCE_TSA_CA)."),
    json_out: bool = _JSON,
) -> None:
    """Verify a package, then import it all or nothing (exit 2 hostile input, 1 failed verification)."""
    from evidence_capture.timestamping.verify import load_tsa_roots
    from evidence_capture.packages.importer import import_package
    from evidence_capture.verify.target import trusted_keys

    store = _open_store(signed=True)
    ca = tsa_ca or store.settings.tsa_ca
    result = import_package(store, package, case=case, trusted_keys=trusted_keys(store.settings, trust_key),
                            tsa_roots=load_tsa_roots(ca) if ca else (), accept_untrusted_key=accept_untrusted_key)
    if json_out:
        _emit_json(result.as_record())
    elif result.already_imported:
        typer.echo(_t("cli.import.already", digest=result.package_sha256))
    else:
        typer.echo(_t("cli.import.done", n=len(result.captures), case_id=result.case_id or "-"))
        if not result.key_trusted:
            _warn(_t("cli.import.untrusted"))


# --- report ---------------------------------------------------------------------


@_command(app, "report")
def report_command(
    target: str = typer.Argument(..., help="Capture id or folder, case id, or exported package (.zip)."),
    output: str = typer.Option(..., "--output", "-o", help="The PDF file to write."),
    lang: str = typer.Option(None, "--lang", help="Language of the record: zh or en "
                             "(default: EVIDENCE_LANG, then the locale)."),
    trust_key: list[Path] = typer.Option([], "--trust-key", help="Pinned signer public key PEM (repeatable)."),
    tsa_ca: Optional[Path] = typer.Option(None, "--tsa-ca", help="PEM bundle of trusted TSA roots "
                                                                  "(default: EVIDENCE_TSA_CA)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Print the extraction record (电子数据提取笔录) as an A4 PDF.

    Every capture is verified at printing time and the record shows the
    result.  For a capture or case in this store, the PDF's SHA-256 is
    recorded as a `reported` custody event.
    """
    from rich.console import Console

    from evidence_capture.i18n import check_lang
    from evidence_capture.timestamping.verify import load_tsa_roots
    from evidence_capture.report import build_report, render_pdf
    from evidence_capture.report.targets import Trust, open_report_target
    from evidence_capture.verify.target import trusted_keys

    settings = _settings()
    lang = check_lang(lang) if lang else settings.lang
    ca = tsa_ca or settings.tsa_ca
    trust = Trust(trusted_keys(settings, trust_key), load_tsa_roots(ca) if ca else ())
    with open_report_target(target, settings=settings, trust=trust) as found:
        data = build_report(list(found.folders), found.case, list(found.summaries), lang)
        with Console(stderr=True).status(_t("cli.report.rendering")):
            result = render_pdf(data, Path(output), settings=settings)
    event = _record_report(found, target, result, data.record_no)
    if as_json:
        _emit_json({"path": str(result.path.resolve()), "sha256": f"sha256:{result.sha256}",
                    "size": result.size, "pages": result.pages,
                    "screenshot_pages": result.screenshot_pages, "lang": lang,
                    "record_no": data.record_no, "custody_seq": event and event["seq"],
                    "captures": [capture.capture_id for capture in data.captures]})
        return
    typer.echo(_t("cli.report.written", path=result.path))
    typer.echo(_t("cli.report.sha256", digest=f"sha256:{result.sha256}"))


def _record_report(found: Any, target: str, result: Any, record_no: str) -> dict[str, Any] | None:
    """Custody event for a record printed from this store (packages are not in it)."""
    if found.kind == "package":
        return None
    object_id = found.case_id or found.folders[0].name
    if found.kind == "capture":
        store = _open_store(signed=False)
        stored = store.settings.capture_dir(object_id).resolve()
        if not store.has_capture(object_id) or found.folders[0].resolve() != stored:
            return None  # a loose folder (even one named like a capture): no chain to add to
    return _open_store(signed=True).record_report(found.kind, object_id, case_id=found.case_id, sha256=result.sha256,
                               details={"record_no": record_no, "path": str(result.path.resolve()),
                                        "pages": result.pages})


def main() -> None:
    app(prog_name="evidence")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
