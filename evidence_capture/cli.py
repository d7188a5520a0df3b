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
from contextvars import ContextVar
from enum import Enum
from pathlib import Path
from typing import Any, Callable, Optional, TypeVar

import typer

from evidence_capture import __version__
from evidence_capture.config import Settings, env_help, load_settings
from evidence_capture.defaults import DEFAULTS
from evidence_capture.errors import (
    EXIT_OPERATIONAL, EXIT_VERIFY_FAILED, ConfigError, EvidenceError,
)
from evidence_capture.i18n import LANGS
from evidence_capture.ui.text import Err, Text

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


def _resolve_lang() -> str:
    """Settings.lang; if the settings themselves are broken, EVIDENCE_LANG or English."""
    try:
        return load_settings().lang
    except EvidenceError:
        value = os.environ.get("EVIDENCE_LANG", "")
        return value if value in LANGS else "en"


def _tx() -> Text:
    """The message catalog in the command's language."""
    return Text(_LANG.get() or _resolve_lang())


def _t(key: str, **values: Any) -> str:
    return _tx().t(key, **values)


def _echo(lines: list[str]) -> None:
    """Print lines in order: warnings (``Err``) on stderr, the rest on stdout."""
    for line in lines:
        typer.echo(line, err=isinstance(line, Err))


def _fail_with(exc: EvidenceError) -> None:
    _fail(_tx().diagnostics(exc), exc.exit_code)


def _fail(text: str, code: int) -> None:
    typer.echo(_tx().labelled("cli.error", text), err=True)
    raise typer.Exit(code)


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


_JSON = typer.Option(False, "--json", help="Print JSON.")
_TSA_WAIT = typer.Option(10.0, "--timeout", min=0.1, help="Seconds to wait for each TSA.")
_TRUST_KEY = typer.Option([], "--trust-key", help="Pinned signer public key PEM (repeatable).")
_TSA_CA = typer.Option(None, "--tsa-ca", help="PEM bundle of trusted TSA roots (default: EVIDENCE_TSA_CA).")


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Show the version."
    ),
) -> None:
    """Capture, seal, keep, export and verify web-page evidence."""


# --- capture ------------------------------------------------------------------

_CASE = typer.Option(None, "--case", metavar="CASE_ID",
                     help="Case number (open it first with `evidence case open`).")
_OFFICER = typer.Option(
    [], "--officer", metavar="NAME:CERT_NO",
    help="Officer and enforcement-certificate number; repeat for each (two are required).")
_DEVICE = typer.Option(
    DEFAULTS.device, "--device", metavar="NAME",
    help="Playwright device descriptor, e.g. 'iPhone 13' (default: desktop "
    f"{DEFAULTS.viewport_width}x{DEFAULTS.viewport_height}).")
_CAPTURE_TIMEOUT = typer.Option(DEFAULTS.total_timeout, "--timeout", metavar="SECONDS",
                                min=1.0, help="Total budget per capture.")
_ALLOW_PRIVATE = typer.Option(
    DEFAULTS.allow_private, "--allow-private",
    help="Allow loopback, link-local and private addresses (recorded in the capture).")
_TSA_TIMEOUT = typer.Option(10.0, "--tsa-timeout", metavar="SECONDS", min=0.1,
                            help="Seconds to wait for each TSA.")


def _officers(values: list[str], settings: Settings) -> tuple[Any, ...]:
    """--officer, else the configured officers; warns when fewer than two."""
    from evidence_capture.models import Officer

    officers = tuple(Officer.parse(text) for text in (values or list(settings.officers)))
    if len(officers) < 2:
        _warn(_t("cli.capture.few_officers", n=len(officers)))
    return officers


def _open_station(settings: Settings, tsa_timeout: float):  # type: ignore[no-untyped-def]
    """The unlocked station; names the captures a crash left incomplete."""
    from evidence_capture.workflow import Station

    station = Station.open(settings, _unlock, tsa_timeout=tsa_timeout)
    for capture_id in station.recovered:
        _warn(_t("cli.capture.recovered", capture_id=capture_id))
    return station


@_command(app, "capture")
def capture_command(
    urls: list[str] = typer.Argument(..., metavar="URL", help="http(s) URLs, captured in order."),
    case: str | None = _CASE, officer: list[str] = _OFFICER, device: str | None = _DEVICE,
    timeout: float = _CAPTURE_TIMEOUT, allow_private: bool = _ALLOW_PRIVATE,
    tsa_timeout: float = _TSA_TIMEOUT,
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
    from evidence_capture.capture.engine import STEPS
    from evidence_capture.ui.progress import CaptureBars
    from evidence_capture.workflow import capture_options, capture_urls

    checked = [validate_url(url) for url in urls]
    settings = _settings()
    officers = _officers(officer, settings)
    options = capture_options(device=device, total_timeout=timeout, allow_private=allow_private)
    station = _open_station(settings, tsa_timeout)
    case_info = station.case_info(case)
    with CaptureBars(_tx(), len(STEPS)) as bars:
        outcomes = capture_urls(station, checked, options, case=case_info, officers=officers,
                                on_start=bars.started, on_finish=bars.finished)
    _report_captures(outcomes, as_json)


def _report_captures(outcomes: list[Any], as_json: bool) -> None:
    from evidence_capture.ui.sealing import capture_lines, dev_tsa_warning

    if as_json:
        _emit_json([outcome.as_record() for outcome in outcomes])
    else:
        _echo([line for outcome in outcomes for line in capture_lines(_tx(), outcome)])
    _echo(dev_tsa_warning(_tx(), [outcome.seal for outcome in outcomes]))
    if any(outcome.capture.state.value == "FAILED" for outcome in outcomes):
        raise typer.Exit(EXIT_OPERATIONAL)


# --- re-capture and change reports -------------------------------------------


@_command(app, "recapture")
def recapture_command(
    capture_id: str = typer.Argument(..., help="The capture to repeat (a capture id in this store)."),
    officer: list[str] = _OFFICER, tsa_timeout: float = _TSA_TIMEOUT,
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Capture the same URL again, with the same options and device, into the same case.

    The new capture's manifest names the first one in `previous_capture`
    with that manifest's SHA-256; compare the two with `evidence diff`.
    """
    from evidence_capture.capture.engine import STEPS
    from evidence_capture.diff.recapture import previous_of, recapture
    from evidence_capture.errors import InputError
    from evidence_capture.ui.diff import recapture_lines
    from evidence_capture.ui.progress import CaptureBars
    from evidence_capture.verify.target import CAPTURE_ID

    if not CAPTURE_ID.fullmatch(capture_id):
        raise InputError(f"{capture_id!r} is not a capture id", hint="see `evidence case show CASE_ID`")
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
    officer: list[str] = _OFFICER, tsa_timeout: float = _TSA_TIMEOUT,
    trust_key: list[Path] = _TRUST_KEY, tsa_ca: Optional[Path] = _TSA_CA,
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
    from evidence_capture.timestamping.standalone import check_token_file
    from evidence_capture.ui.sealing import token_lines, token_warnings

    check = check_token_file(tsr, file=file, digest=digest, ca=ca, nonce=nonce, t=_t)
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
        return typer.prompt(_t("cli.passphrase"), hide_input=True,
                            confirmation_prompt=confirm, err=True)
    except typer.Abort as exc:
        raise ConfigError(_t("cli.no_passphrase"), hint=_t("cli.no_passphrase.hint")) from exc


@_command(keys_app, "init")
def keys_init(json_out: bool = _JSON) -> None:
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
        raise NotFoundError(_t("cli.no_station_key"), hint=_t("cli.no_station_key.hint"))
    if output is None:
        typer.echo(public_pem(key).decode(), nl=False)
    else:
        write_public_pem(output, key)


@_command(app, "seal")
def seal(
    target: str = typer.Argument(..., help="Capture folder or capture id."),
    timeout: float = _TSA_WAIT,
    json_out: bool = _JSON,
) -> None:
    """Seal an unsealed capture: hash, sign, timestamp.  A failing TSA leaves it timestamp-pending."""
    from evidence_capture.manifests.keys import StationKey
    from evidence_capture.manifests.seal import TsaConfig, seal_capture
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


def _timestamp_pending(timeout: float, json_out: bool) -> None:
    from evidence_capture.manifests.seal import PENDING
    from evidence_capture.ui.sealing import seal_lines
    from evidence_capture.workflow import Station, retry_pending_timestamps

    station = Station.open(_settings(), _unlock, tsa_timeout=timeout)
    if not station.tsa.urls:
        raise ConfigError(_t("cli.no_tsa"), hint=_t("cli.no_tsa.hint"))
    results = retry_pending_timestamps(station)
    if json_out:
        _emit_json([result.as_record() for result in results])
    else:
        _echo([line for result in results for line in seal_lines(_tx(), result)]
              or [_t("cli.seal.none_pending")])
    if any(result.state == PENDING for result in results):
        raise typer.Exit(EXIT_OPERATIONAL)


_PENDING_HELP = "Retry every timestamp-pending capture against the configured TSAs."


@timestamp_app.callback(invoke_without_command=True)
def _timestamp_root(
    ctx: typer.Context,
    pending: bool = typer.Option(False, "--pending", help=_PENDING_HELP + " Exit 3 if any stays pending."),
    timeout: float = _TSA_WAIT,
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
    timeout: float = _TSA_WAIT,
    json_out: bool = _JSON,
) -> None:
    """Retry every timestamp-pending capture against the configured TSAs (same as --pending)."""
    _timestamp_pending(timeout, json_out)


@_command(app, "verify")
def verify(
    target: str = typer.Argument(..., help="Capture folder or id, change-report id (diff-…), or package (.zip)."),
    json_out: bool = _JSON,
    trust_key: list[Path] = _TRUST_KEY,
    strict: bool = typer.Option(False, "--strict", help="Count not-checked as failure."),
    tsa_ca: Optional[Path] = _TSA_CA,
    tolerance: float = typer.Option(300.0, "--tolerance", min=0.0, help="Allowed clock difference, seconds."),
) -> None:
    """Verify a capture, change report or package offline: every check is pass, fail or not-checked.

    Exit 0 all pass, 1 any fail."""
    from evidence_capture.diff.report import resolve_diff
    from evidence_capture.diff.verify import verify_change_report
    from evidence_capture.ui.progress import bytes_progress
    from evidence_capture.ui.sealing import verify_lines
    from evidence_capture.verify.target import (folder_bytes, target_size, trusted_keys, tsa_roots_for,
                                                verify_target)

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
        raise NotFoundError(_t("cli.no_station_key"), hint=_t("cli.no_station_key.hint"))
    key = StationKey.load(settings.keys_dir, _passphrase(confirm=False))
    return Store(settings, signer=StationSigner.from_station_key(key))


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
    from evidence_capture.ui.store import case_list_lines

    cases = _open_store(signed=False).list_cases()
    if json_out:
        _emit_json([case.as_record() for case in cases])
    else:
        _echo(case_list_lines(_tx(), cases))


@_command(case_app, "show")
def case_show(case_id: str = typer.Argument(..., help="The case number."), json_out: bool = _JSON) -> None:
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
    json_out: bool = _JSON,
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
    json_out: bool = _JSON,
) -> None:
    """Walk the whole chain: first broken link, gaps, edits and deletions.  Exit 1 if any."""
    from evidence_capture.ui.store import custody_verify_lines
    from evidence_capture.verify.target import pinned_keys

    store = _open_store(signed=False)
    pinned = pinned_keys(store.settings, trust_key)
    if not pinned:
        _warn(_t("cli.custody.unpinned"))
    report = store.verify_custody(pinned)
    ok = report.ok and not report.signatures_unverified
    if json_out:
        _emit_json(report.as_record())
    else:
        _echo(custody_verify_lines(_tx(), report, ok))
    raise typer.Exit(0 if ok else EXIT_VERIFY_FAILED)


@_command(custody_app, "note")
def custody_note(
    target: str = typer.Argument(..., help="Case id or capture id."),
    text: str = typer.Option(..., "--text", help="The note (a correction is a new note, never an edit)."),
    json_out: bool = _JSON,
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
    json_out: bool = _JSON,
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
    json_out: bool = _JSON,
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
    trust_key: list[Path] = _TRUST_KEY, tsa_ca: Optional[Path] = _TSA_CA,
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
    app(prog_name="evidence")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
