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
from evidence_capture.errors import EXIT_OPERATIONAL, EvidenceError, InputError

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



# --- cases, custody, export, import ----------------------------------------------


# --- report ---------------------------------------------------------------------


def main() -> None:
    app(prog_name="evidence")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
