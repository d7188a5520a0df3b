"""The store: ``evidence case``, ``custody``, ``export`` and ``import``.

The groups are added to the root app by ``cli.py``, which also registers ``export`` and ``import``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from evidence_capture.commands.common import _command, _echo, _emit_json, _group, _open_store, _t, _tx, _warn
from evidence_capture.errors import EXIT_VERIFY_FAILED
from evidence_capture.ui import options


case_app = _group("Cases: open, list and show.")
custody_app = _group("The chain-of-custody log: read, verify, annotate.")


@_command(case_app, "open")
def case_open(
    case_id: str = typer.Argument(..., help="The case number."),
    title: str = typer.Option(..., "--title", help="Short title of the case."),
    subject: str = typer.Option("", "--subject", help="The shop or operator under investigation."),
    purpose: str = typer.Option("", "--purpose", help="Why evidence is collected."),
    json_out: bool = options.JSON,
) -> None:
    """Open a new case (recorded in the custody log)."""
    from evidence_capture.models import CaseInfo

    case = _open_store(signed=True).open_case(CaseInfo(case_id, title, subject, purpose))
    if json_out:
        _emit_json(case.as_record())
    else:
        typer.echo(_t("cli.case.opened", case_id=case.case_id, title=case.title))


@_command(case_app, "list")
def case_list(json_out: bool = options.JSON) -> None:
    """List cases with their number of captures."""
    from evidence_capture.ui.store import case_list_lines

    cases = _open_store(signed=False).list_cases()
    if json_out:
        _emit_json([case.as_record() for case in cases])
    else:
        _echo(case_list_lines(_tx(), cases))


@_command(case_app, "show")
def case_show(case_id: str = typer.Argument(..., help="The case number."), json_out: bool = options.JSON) -> None:
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
    json_out: bool = options.JSON,
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
    every_signature: bool = typer.Option(
        False, "--every-signature",
        help="Check every event's signature one by one, not only those the chain does not vouch for."),
    checkpoint: Optional[Path] = typer.Option(
        None, "--checkpoint", help="A checkpoint file held elsewhere (default: the latest in EVIDENCE_HOME)."),
    json_out: bool = options.JSON,
) -> None:
    """Walk the whole chain: first broken link, gaps, edits and deletions.  Exit 1 if any."""
    from evidence_capture.storage.checkpoint import verify_store
    from evidence_capture.ui.store import custody_verify_lines
    from evidence_capture.verify.target import pinned_keys

    store = _open_store(signed=False)
    pinned = pinned_keys(store.settings, trust_key)
    if not pinned:
        _warn(_t("cli.custody.unpinned"))
    report = verify_store(store, checkpoint, pinned=pinned, every_signature=every_signature)
    ok = report.ok and not report.signatures_unverified
    if json_out:
        _emit_json(report.as_record())
    else:
        _echo(custody_verify_lines(_tx(), report, ok))
    raise typer.Exit(0 if ok else EXIT_VERIFY_FAILED)


@_command(custody_app, "checkpoint")
def custody_checkpoint(
    timeout: float = typer.Option(30.0, "--timeout", min=1.0, help="Seconds to wait for each TSA."),
    json_out: bool = options.JSON,
) -> None:
    """Anchor the chain head outside the store: an RFC 3161 token over the last event."""
    from evidence_capture.storage.checkpoint import checkpoint_store

    taken = checkpoint_store(_open_store(signed=False), timeout=timeout)
    if json_out:
        _emit_json({"result": "pass", "checkpoint": taken.as_record()})
    else:
        _echo([_t("cli.checkpoint.taken", seq=taken.seq, event_hash=taken.event_hash,
                  tsa=taken.tsa_url, path=taken.path), _t("cli.checkpoint.copy")])


@_command(custody_app, "note")
def custody_note(
    target: str = typer.Argument(..., help="Case id or capture id."),
    text: str = typer.Option(..., "--text", help="The note (a correction is a new note, never an edit)."),
    json_out: bool = options.JSON,
) -> None:
    """Append a signed note to the custody log."""
    from evidence_capture.ui.store import event_line

    event = _open_store(signed=True).note(target, text)
    if json_out:
        _emit_json(event)
    else:
        typer.echo(event_line(_tx(), event))


def export(
    target: str = typer.Argument(..., help="Capture id or case id."),
    output: Path = typer.Option(..., "-o", "--output", help="The package to write (FILE.zip); never overwritten."),
    report: list[Path] = typer.Option([], "--report", help="An extraction-record PDF to include (repeatable); "
                                      "it must be recorded by `evidence report` for this target."),
    json_out: bool = options.JSON,
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


def import_(
    package: Path = typer.Argument(..., help="The package (FILE.zip)."),
    case: Optional[str] = typer.Option(None, "--case", help="Put the captures in this case."),
    trust_key: list[Path] = typer.Option([], "--trust-key", help="Pinned exporting-station public key PEM."),
    accept_untrusted_key: bool = typer.Option(False, "--accept-untrusted-key",
                                              help="Import although the signer is not pinned (recorded)."),
    tsa_ca: Optional[Path] = typer.Option(None, "--tsa-ca", help="Trusted TSA roots (default: EVIDENCE_TSA_CA)."),
    json_out: bool = options.JSON,
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
