"""Keys and timestamps: ``evidence tsa``, ``timestamp``, ``keys`` and ``seal``.

The groups are added to the root app by ``cli.py``, which also registers ``seal``.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from evidence_capture.commands.common import (
    _JSON_MODE, _command, _echo, _emit_json, _fail_with, _group, _passphrase, _settings, _t, _tx,
    _unlock, _warn,
)
from evidence_capture.errors import EXIT_INCOMPLETE, ConfigError, EvidenceError, Msg
from evidence_capture.ui import options


tsa_app = _group("Development timestamp authority (DEVELOPMENT TSA — not trusted for real cases).")
timestamp_app = _group("RFC 3161 timestamps: verify tokens.")


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
