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


def _render_capture(outcome: Any) -> None:
    result, sealed = outcome.capture, outcome.seal
    typer.echo(f"{result.state.value:8} {result.capture_id}  {result.requested_url}")
    typer.echo(f"         folder:   {result.folder}")
    typer.echo(f"         manifest: sha256:{sealed.manifest_sha256}  ({sealed.state})")
    for step in result.failed_steps:
        typer.echo(f"         {step.name}: {step.outcome} - {step.detail}")
    for item in sealed.timestamps:
        status = f"granted {item.gen_time}" if item.granted else f"FAILED: {item.error}"
        typer.echo(f"         timestamp {item.number}: {status} ({item.url})")
    for warning in result.warnings:
        typer.echo(f"         warning: {warning}")


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
        _warn(f"{len(officers)} officer(s) given; the regulations require two (--officer NAME:CERT_NO)")
    options = DEFAULTS.with_changes(device=device, total_timeout=timeout,
                                    allow_private=allow_private)
    check_device(device)
    station = Station.open(settings, _unlock, tsa_timeout=tsa_timeout)
    for capture_id in station.recovered:
        _warn(f"capture {capture_id} was interrupted earlier; it is now recorded as incomplete")
    case_info = station.case_info(case)
    outcomes = []
    with _capture_progress() as progress:
        for url in checked:
            task = progress.add_task(url[:60], total=len(STEPS), step="")
            outcomes.append(capture_and_seal(
                station, url, options, case=case_info, officers=officers,
                on_step=lambda o, t=task: progress.update(t, advance=1, step=o.name)))
            progress.update(task, step="sealed")
    _report_captures(outcomes, as_json)


def _report_captures(outcomes: list[Any], as_json: bool) -> None:
    if as_json:
        _emit_json([outcome.as_record() for outcome in outcomes])
    else:
        for outcome in outcomes:
            _render_capture(outcome)
    for outcome in outcomes:
        if outcome.seal.dev_tsa_warning:
            _warn(outcome.seal.dev_tsa_warning)
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
    _warn(DEV_TSA_LABEL)
    info = {"label": DEV_TSA_LABEL, "url": tsa.url, "ca_pem": str(tsa.ca_pem_path), "tsa_name": tsa.tsa_name}
    if json_out:
        _emit_json(info)
    else:
        typer.echo(f"{DEV_TSA_LABEL}\n  url:      {tsa.url}\n  root CA:  {tsa.ca_pem_path}\n"
                   f"  tsa name: {tsa.tsa_name}\n"
                   f"  use:      EVIDENCE_TSA_URL={tsa.url} EVIDENCE_TSA_CA={tsa.ca_pem_path}\n"
                   "Press Ctrl-C to stop.")
    sys.stdout.flush()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        tsa.close()


def _ts_open_error(path: Path, what: str, exc: OSError) -> EvidenceError:
    from evidence_capture.errors import NotFoundError

    if isinstance(exc, FileNotFoundError):
        return NotFoundError(f"{what} {path} does not exist")
    return InputError(f"cannot read {what} {path}: {exc.strerror}")


def _ts_expected_digest(file: Optional[Path], digest: Optional[str]) -> bytes:
    import hashlib

    if (file is None) == (digest is None):
        raise InputError("give exactly one of --file and --digest")
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
        raise InputError(f"--digest must be 64 hex digits of SHA-256, not {digest!r}")
    return value


def _ts_render_token(states: dict[str, str], info: Any, failure: Any) -> None:
    from evidence_capture.timeutil import iso_beijing, iso_utc

    typer.echo(f"timestamp token: {'FAIL' if failure else 'PASS'}")
    for check, state in states.items():
        typer.echo(f"  {state:<11} {check}")
    if failure is not None:
        typer.echo(f"failed: {failure.diagnostics()}")
        return
    typer.echo(f"  tsa:       {info.tsa_name}\n"
               f"  genTime:   {iso_utc(info.gen_time)} (Beijing {iso_beijing(info.gen_time)})\n"
               f"  policy:    {info.policy_oid}\n  serial:    {info.serial}\n"
               f"  imprint:   {info.message_imprint}\n"
               f"  nonce:     {info.nonce if info.nonce is not None else 'none in token'}\n"
               f"  signer:    {info.signer_fingerprint} ({info.signature_algorithm})")


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
    from evidence_capture.timestamping.devtsa import DEV_TSA_LABEL, is_dev_tsa_name
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
        _warn(f"this token is from a {DEV_TSA_LABEL}")
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
        return typer.prompt("Station key passphrase", hide_input=True,
                            confirmation_prompt=confirm, err=True)
    except typer.Abort as exc:
        raise ConfigError("no passphrase for the station key",
                          hint="set EVIDENCE_KEY_PASSPHRASE or run the command in a terminal") from exc


def _bytes_progress(total: int, label: str):  # type: ignore[no-untyped-def]
    """A rich progress bar on stderr over ``total`` bytes; returns (progress, advance)."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

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
    typer.echo(f"fingerprint: {key.fingerprint}")
    typer.echo(f"private key: {key.path} (encrypted, mode 0600)")


@_command(keys_app, "export-public")
def keys_export_public(
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write the PEM here instead of stdout."),
) -> None:
    """Write the station public key as PEM, for reviewers to pin with --trust-key."""
    from evidence_capture.errors import NotFoundError
    from evidence_capture.manifests.keys import public_pem, station_public_key

    key = station_public_key(_settings().keys_dir)
    if key is None:
        raise NotFoundError("no station key yet", hint="run `evidence keys init`")
    if output is None:
        typer.echo(public_pem(key).decode(), nl=False)
    else:
        output.write_bytes(public_pem(key))


def _render_seal(result, json_out: bool) -> None:  # type: ignore[no-untyped-def]
    if json_out:
        _emit_json(result.as_record())
        return
    typer.echo(f"{result.capture_id}: {result.state}")
    typer.echo(f"  manifest sha256:{result.manifest_sha256}")
    typer.echo(f"  signer   {result.fingerprint}")
    if result.dev_tsa_warning:
        _warn(result.dev_tsa_warning)
    for item in result.timestamps:
        if item.granted:
            typer.echo(f"  timestamp {item.number}: granted by {item.tsa_name} at {item.gen_time} ({item.url})")
        else:
            typer.echo(f"  timestamp {item.number}: FAILED at {item.url}: {item.error}")
    if not result.timestamps:
        typer.echo("  no TSA configured (EVIDENCE_TSA_URL): the capture stays timestamp-pending")


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
    progress, advance = _bytes_progress(_folder_bytes(folder), "hashing")
    with progress:
        result = seal_capture(folder, key=key, tsa=tsa, on_file=advance)
    _render_seal(result, json_out)


def _timestamp_pending(timeout: float, json_out: bool) -> None:
    from evidence_capture.manifests.seal import PENDING
    from evidence_capture.workflow import Station, retry_pending_timestamps

    station = Station.open(_settings(), _unlock, tsa_timeout=timeout)
    if not station.tsa.urls:
        raise ConfigError("no TSA configured", hint="set EVIDENCE_TSA_URL")
    results = retry_pending_timestamps(station)
    if json_out:
        _emit_json([result.as_record() for result in results])
    elif not results:
        typer.echo("no timestamp-pending captures")
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
        _fail(exc.diagnostics(), exc.exit_code)


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
        typer.echo(f"{check.status.value.upper():<11} {check.name.ljust(width)}  {check.reason}")
    counts = report.summary()
    verdict = "VERIFIED" if report.ok() else "NOT VERIFIED"
    if report.signer_untrusted():
        verdict += " (the signer key is not trusted: pin it with --trust-key)"
    typer.echo(f"{verdict}: {counts['pass']} pass, {counts['fail']} fail, {counts['not-checked']} not checked"
               + (" (strict: not-checked counts as failure)" if report.strict else ""))


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
    progress, advance = _bytes_progress(size, "verifying")
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
        raise NotFoundError("no station key yet", hint="run `evidence keys init`")
    key = StationKey.load(settings.keys_dir, _passphrase(confirm=False))
    return Store(settings, signer=StationSigner.from_station_key(key))


def _capture_line(capture: Any) -> str:
    state = capture.status + (f" ({capture.capture_state})" if capture.capture_state else "")
    reason = f"  reason: {capture.failure_reason}" if capture.failure_reason else ""
    return (f"  {capture.capture_id}  {state:<22} timestamps: {capture.timestamp_state:<8} "
            f"{capture.origin:<8} {capture.url}{reason}")


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
        typer.echo(f"opened case {case.case_id}: {case.title}")


@_command(case_app, "list")
def case_list(json_out: bool = _JSON) -> None:
    """List cases with their number of captures."""
    cases = _open_store(signed=False).list_cases()
    if json_out:
        _emit_json([case.as_record() for case in cases])
        return
    if not cases:
        typer.echo("no cases yet (evidence case open CASE_ID --title ...)")
    for case in cases:
        typer.echo(f"{case.case_id}  {case.title}  [{case.subject}]  {len(case.captures)} capture(s)")


@_command(case_app, "show")
def case_show(case_id: str = typer.Argument(..., help="The case number."), json_out: bool = _JSON) -> None:
    """Show a case, its captures and their states."""
    from evidence_capture.timeutil import iso_beijing

    case = _open_store(signed=False).get_case(case_id)
    if json_out:
        _emit_json(case.as_record())
        return
    typer.echo(f"case {case.case_id}: {case.title}")
    typer.echo(f"  subject: {case.subject or '-'}   purpose: {case.purpose or '-'}")
    typer.echo(f"  opened:  {iso_beijing(case.opened_at)} (Beijing)")
    typer.echo(f"captures ({len(case.captures)}):")
    for capture in case.captures:
        typer.echo(_capture_line(capture))


def _event_line(event: dict[str, Any]) -> str:
    from evidence_capture.timeutil import iso_beijing, parse_iso

    obj = event["object"]
    digest = f" {obj['digest'][:23]}…" if obj.get("digest") else ""
    details = event["details"]
    extra = details.get("text") or details.get("action") or details.get("package") or ""
    return (f"{event['seq']:>6}  {iso_beijing(parse_iso(event['time']))}  {event['type']:<11} "
            f"{obj['kind']} {obj['id']}{digest}  by {event['actor']['name']} "
            f"({event['actor']['cert_no']}) {extra}".rstrip())


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
        typer.echo("no custody events" + (f" for {target}" if target else ""))
    for event in events:
        typer.echo(_event_line(event))
    for item in history:
        typer.echo(f"history carried in by package sha256:{item['package_sha256']} "
                   f"({item['source']}):")
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
        _warn("no pinned station key (keys/station.pub.pem or --trust-key): using the keys in the database")
    report = store.verify_custody(pinned)
    ok = report.ok and not report.signatures_unverified
    if json_out:
        _emit_json(report.as_record())
    else:
        for problem in report.problems:
            typer.echo(f"FAIL  seq {problem.seq}: {problem.kind}: {problem.message}")
        for note in report.notes:
            _warn(note)
        if report.signatures_unverified:
            typer.echo(f"FAIL  {report.signatures_unverified} event(s) signed by keys that are not pinned")
        verdict = "custody chain OK" if ok else "custody chain NOT VERIFIED" + (
            f": BROKEN at seq {report.first_broken.seq}" if report.first_broken else "")
        typer.echo(f"{verdict}: {report.events} events, {report.signatures_verified} signatures verified")
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
    json_out: bool = _JSON,
) -> None:
    """Export captures as a zipped BagIt package with custody log and README (recorded in the log)."""
    from evidence_capture.packages.export import export_package

    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("exporting captures", total=None)
        result = export_package(_open_store(signed=True), target, output,
                                on_capture=lambda done, total: progress.update(task, completed=done,
                                                                               total=total))
    if json_out:
        _emit_json(result.as_record())
        return
    typer.echo(f"wrote {result.path}: {len(result.captures)} capture(s), sha256:{result.sha256}")
    typer.echo(f"export recorded as custody event {result.event_seq}; receipt: {result.receipt}")
    for capture_id in result.skipped:
        _warn(f"not exported (not complete): {capture_id}")


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
        typer.echo(f"already imported (package sha256:{result.package_sha256}): nothing to do")
    else:
        typer.echo(f"imported {len(result.captures)} capture(s) into case {result.case_id or '-'}")
        if not result.key_trusted:
            _warn("the exporting station's key was NOT pinned (--accept-untrusted-key); recorded in custody")


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

    from evidence_capture.i18n import check_lang, translator
    from evidence_capture.timestamping.verify import load_tsa_roots
    from evidence_capture.report import build_report, render_pdf
    from evidence_capture.report.targets import Trust, open_report_target
    from evidence_capture.verify.target import trusted_keys

    settings = _settings()
    lang = check_lang(lang) if lang else settings.lang
    t = translator(settings.lang)
    ca = tsa_ca or settings.tsa_ca
    trust = Trust(trusted_keys(settings, trust_key), load_tsa_roots(ca) if ca else ())
    with open_report_target(target, settings=settings, trust=trust) as found:
        data = build_report(list(found.folders), found.case, list(found.summaries), lang)
        with Console(stderr=True).status(t("cli.report.rendering")):
            result = render_pdf(data, Path(output), settings=settings)
    event = _record_report(found, target, result, data.record_no)
    if as_json:
        _emit_json({"path": str(result.path.resolve()), "sha256": f"sha256:{result.sha256}",
                    "size": result.size, "pages": result.pages,
                    "screenshot_pages": result.screenshot_pages, "lang": lang,
                    "record_no": data.record_no, "custody_seq": event and event["seq"],
                    "captures": [capture.capture_id for capture in data.captures]})
        return
    typer.echo(t("cli.report.written", path=result.path))
    typer.echo(t("cli.report.sha256", digest=f"sha256:{result.sha256}"))


def _record_report(found: Any, target: str, result: Any, record_no: str) -> dict[str, Any] | None:
    """Custody event for a record printed from this store (packages are not in it)."""
    if found.kind == "package":
        return None
    object_id = found.case_id or found.folders[0].name
    if found.kind == "capture" and not _open_store(signed=False).has_capture(object_id):
        return None  # a loose capture folder: there is no custody chain to add to
    return _open_store(signed=True).record_report(found.kind, object_id, case_id=found.case_id, sha256=result.sha256,
                               details={"record_no": record_no, "path": str(result.path.resolve()),
                                        "pages": result.pages})


def main() -> None:
    app(prog_name="evidence")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
