"""``evidence capture``, ``recapture`` and ``diff``: capture pages, repeat a capture, compare two.

The command functions are registered on the root app by ``cli.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

from evidence_capture.commands.common import (
    _echo, _emit_json, _officers, _open_station, _policy_notes, _settings, _tx, _unlock,
)
from evidence_capture.config import Settings
from evidence_capture.errors import EXIT_INCOMPLETE, EXIT_OPERATIONAL
from evidence_capture.ui import options


def capture_command(
    urls: list[str] = typer.Argument(..., metavar="URL", help="http(s) URLs, captured in order."),
    case: str | None = options.CASE, officer: list[str] = options.OFFICER, device: str | None = options.DEVICE,
    timeout: float = options.CAPTURE_TIMEOUT, allow_private: bool = options.ALLOW_PRIVATE,
    tsa_timeout: float = options.TSA_TIMEOUT,
    single_officer_reason: Optional[str] = options.SINGLE_OFFICER, no_timestamp: Optional[str] = options.NO_TIMESTAMP,
    tls_ca: Optional[str] = options.TLS_CA, record_tls_errors: bool = options.RECORD_TLS_ERRORS,
    place: Optional[str] = options.PLACE, witness: Optional[str] = options.WITNESS,
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Capture web pages in a fresh browser, seal them and record them in the store.

    Each URL gets its own folder EVIDENCE_HOME/captures/<capture_id>/ holding
    the screenshot, source, DOM, MHTML, HAR, video, PDF, TLS chains,
    provenance and environment check; then it is hashed (SHA-256 + SM3),
    signed, timestamped by every TSA in EVIDENCE_TSA_URL and recorded with
    custody events.  Two officers (--officer, or EVIDENCE_OFFICER) and a
    TSA are required unless --single-officer-reason / --no-timestamp say why
    (recorded); otherwise it is refused with exit 2 before the browser
    starts.  A capture ends COMPLETE (exit 0), PARTIAL (the failed steps are
    listed; exit 4) or FAILED (exit 3).  A TSA that fails leaves the capture
    timestamp-pending (exit 4): `evidence timestamp --pending` retries.
    With --tls-ca the browser ignores certificate errors and the engine
    validates the served chain against the bundle; a chain that does not
    validate FAILS the capture unless --record-tls-errors (then PARTIAL).
    The chain is kept under tls/ either way.
    """
    from evidence_capture.capture.policy import capture_options, check_capture_policy
    from evidence_capture.capture.urls import validate_url

    checked = [validate_url(url) for url in urls]
    settings = _settings()
    officers = _officers(officer, settings)
    options = capture_options(device=device, total_timeout=timeout, allow_private=allow_private,
                              single_officer_reason=single_officer_reason, no_timestamp_reason=no_timestamp,
                              tls_ca=tls_ca, record_tls_errors=record_tls_errors,
                              place=place, witness=witness)
    check_capture_policy(settings, officers, options)
    _policy_notes(options)
    browsers, (station, case_info) = _started(settings, options, checked, tsa_timeout, case)
    try:
        outcomes = _capture_with_bars(station, checked, options, case_info, officers, browsers)
    finally:
        if browsers is not None:
            browsers.close()
    _report_captures(outcomes, as_json)


def _started(settings: Settings, options: Any, urls: list[str], tsa_timeout: float,
             case: str | None) -> tuple[Any, tuple[Any, Any]]:
    """The station and case, opened while the first URL's browser starts (capture/warmup.py).

    The passphrase is asked first, here, so that no prompt waits in a helper
    thread.  Several URLs each in a process of their own start nothing early."""
    from evidence_capture.capture.browser import SHARED
    from evidence_capture.capture.warmup import warm_start

    secret = _early_passphrase(settings)

    def station_and_case() -> tuple[Any, Any]:
        station = _open_station(settings, tsa_timeout, lambda: secret)
        return station, station.case_info(case)

    if len(urls) > 1 and options.multi_url_sharing != SHARED:
        return None, station_and_case()
    return warm_start(settings, options, urls[0], station_and_case)


def _early_passphrase(settings: Settings) -> str:
    """The passphrase, asked now if there is a key to unlock (else Station.open says so)."""
    return _unlock() if settings.has_station_key else ""


def _capture_with_bars(station: Any, urls: list[str], options: Any, case_info: Any,
                       officers: Any, browsers: Any) -> list[Any]:
    from evidence_capture.capture.engine import STEPS
    from evidence_capture.ui.progress import CaptureBars
    from evidence_capture.workflow import capture_urls

    with CaptureBars(_tx(), len(STEPS) + 1) as bars:  # + the WACZ, packed after the steps
        return capture_urls(station, urls, options, case=case_info, officers=officers,
                            on_start=bars.started, on_finish=bars.finished, browsers=browsers)


def _report_captures(outcomes: list[Any], as_json: bool) -> None:
    from evidence_capture.ui.sealing import capture_lines, dev_tsa_warning, hint_lines

    if as_json:
        _emit_json([outcome.as_record() for outcome in outcomes])
        _echo(hint_lines(_tx(), outcomes))
    else:
        _echo([line for outcome in outcomes for line in capture_lines(_tx(), outcome)])
    _echo(dev_tsa_warning(_tx(), [outcome.seal for outcome in outcomes]))
    raise typer.Exit(_capture_exit_code(outcomes))


def _capture_exit_code(outcomes: list[Any]) -> int:
    """3 if any capture FAILED, else 4 if any is PARTIAL or timestamp-pending, else 0."""
    from evidence_capture.manifests.seal import PENDING

    if any(outcome.capture.state.value == "FAILED" for outcome in outcomes):
        return EXIT_OPERATIONAL
    incomplete = any(outcome.capture.state.value == "PARTIAL" or outcome.seal.state == PENDING
                     for outcome in outcomes)
    return EXIT_INCOMPLETE if incomplete else 0


def recapture_command(
    capture_id: str = typer.Argument(..., help="The capture to repeat (a capture id in this store)."),
    officer: list[str] = options.OFFICER, tsa_timeout: float = options.TSA_TIMEOUT,
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Capture the same URL again, with the same options and device, into the same case.

    The new capture's manifest names the first one in `previous_capture`
    with that manifest's SHA-256; compare the two with `evidence diff`.
    """
    from evidence_capture.capture.engine import STEPS
    from evidence_capture.diff.recapture import previous_of, recapture
    from evidence_capture.errors import InputError, Msg
    from evidence_capture.ui.diff import recapture_lines
    from evidence_capture.ui.progress import CaptureBars
    from evidence_capture.verify.target import CAPTURE_ID

    if not CAPTURE_ID.fullmatch(capture_id):
        raise InputError(Msg("recapture.not_an_id", value=capture_id), hint=Msg("recapture.not_an_id.hint"))
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


def diff_command(
    first: str = typer.Argument(..., metavar="A", help="The earlier capture (id or folder)."),
    second: str = typer.Argument(..., metavar="B", help="The later capture (id or folder)."),
    officer: list[str] = options.OFFICER, tsa_timeout: float = options.TSA_TIMEOUT,
    trust_key: list[Path] = options.TRUST_KEY, tsa_ca: Optional[Path] = options.TSA_CA,
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
