"""``evidence verify`` and ``evidence replay``: check evidence offline, replay its archive.

The command functions are registered on the root app by ``cli.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from evidence_capture.commands.common import _echo, _emit_json, _settings, _t, _tx
from evidence_capture.errors import EXIT_VERIFY_FAILED
from evidence_capture.ui import options
from evidence_capture.ui.text import Err


def verify(
    target: str = typer.Argument(..., help="Capture folder or id, change-report id (diff-…), or package (.zip)."),
    json_out: bool = options.JSON,
    trust_key: list[Path] = options.TRUST_KEY,
    strict: bool = typer.Option(False, "--strict", help="Count not-checked as failure."),
    tsa_ca: Optional[Path] = options.TSA_CA,
    tolerance: float = typer.Option(300.0, "--tolerance", min=0.0, help="Allowed clock difference, seconds."),
) -> None:
    """Verify a capture, change report or package offline: every check is pass, fail or not-checked.

    Exit 0 all pass, 1 any fail."""
    from evidence_capture.diff.report import resolve_diff
    from evidence_capture.diff.verify import verify_change_report
    from evidence_capture.ui.progress import bytes_progress
    from evidence_capture.ui.sealing import verify_lines
    from evidence_capture.packages.target import verify_target
    from evidence_capture.verify.target import folder_bytes, target_size, trusted_keys, tsa_roots_for

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


def replay(
    target: str = typer.Argument(..., help="Capture id, capture folder or exported package (.zip)."),
    capture: Optional[str] = typer.Option(None, "--capture", help="Which capture of a package."),
    unverified: bool = typer.Option(False, "--unverified",
                                    help="Replay even if verify fails (the page shows a warning banner)."),
    port: int = typer.Option(0, "--port", min=0, max=65535, help="Port on 127.0.0.1 (0: a free one)."),
    json_out: bool = options.JSON,
    trust_key: list[Path] = options.TRUST_KEY,
    tsa_ca: Optional[Path] = options.TSA_CA,
) -> None:
    """Replay a capture's archive.wacz offline with ReplayWeb.page on 127.0.0.1; Ctrl-C stops."""
    import threading

    from evidence_capture.archive.replay import Banner, ReplayServer, find_assets, viewer_page
    from evidence_capture.archive.source import open_source
    from evidence_capture.errors import Msg, VerificationError
    from evidence_capture.verify.target import trusted_keys, tsa_roots_for

    settings = _settings()
    assets = find_assets()
    with open_source(target, settings=settings, trusted=trusted_keys(settings, trust_key),
                     tsa_roots=tsa_roots_for(settings, tsa_ca), capture=capture) as source:
        detail = ", ".join(source.failed_checks())
        if not source.verified and not unverified:
            raise VerificationError("replay", Msg("replay.refused", capture_id=source.capture_id,
                                                  detail=detail), hint=Msg("replay.refused.hint"))
        page = viewer_page(source.url, source.timestamp, Banner(source.verified, source.capture_id, detail))
        with ReplayServer(source.wacz, assets, page, port=port) as server:
            if json_out:
                _emit_json({"url": server.url, "capture_id": source.capture_id, "page": source.url,
                            "verified": source.verified, "failed_checks": source.failed_checks()})
            else:
                lines = [_t("replay.serving", capture_id=source.capture_id), server.url]
                _echo(lines + ([Err(_t("replay.unverified"))] if not source.verified else [])
                      + [_t("replay.stop")])
            sys.stdout.flush()
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                typer.echo(_t("replay.stopped"), err=True)
