"""Capture → seal → store: the pipeline behind ``evidence capture``.

Crash safety comes from the order of the steps: the store commits an
``in_progress`` row before the browser writes anything; the capture is
sealed (hashes, signed manifest, timestamps) in its folder; only then are the
hashes recorded and the capture marked complete, after every file is durable
and re-checked against the database.  A process killed anywhere in between
leaves an ``in_progress`` row that ``Station.open`` turns into a visible
``incomplete`` one on the next run (only once its owning process is gone).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Sequence

from evidence_capture.capture import new_capture_id, run_capture
from evidence_capture.capture.browser import SHARED, SharedBrowser
from evidence_capture.capture.policy import check_capture_policy
from evidence_capture.capture.result import CaptureResult
from evidence_capture.config import Settings
from evidence_capture.defaults import CaptureOptions
from evidence_capture.errors import EvidenceError, Msg, NotFoundError, one_line
from evidence_capture.manifests.keys import StationKey
from evidence_capture.manifests.seal import SealResult, TsaConfig, seal_capture
from evidence_capture.models import CaseInfo, Officer
from evidence_capture.storage import StationSigner, Store
from evidence_capture.storage.completion import ingest_sealed_folder
from evidence_capture.storage.views import CaptureSummary

OnStep = Callable[[Any], None]
OnStart = Callable[[str], "OnStep | None"]


@dataclass(frozen=True)
class CaptureOutcome:
    """One URL's journey: what the browser got, how it was sealed, what the store holds."""

    capture: CaptureResult
    seal: SealResult
    stored: CaptureSummary

    def as_record(self) -> dict[str, Any]:
        return {
            **self.capture.as_record(),
            "manifest_sha256": f"sha256:{self.seal.manifest_sha256}",
            "signer": self.seal.fingerprint,
            "seal_state": self.seal.state,
            "timestamps": [t.as_record() for t in self.seal.timestamps],
            "dev_tsa_warning": self.seal.dev_tsa_warning,
            "store_status": self.stored.status,
        }


@dataclass(frozen=True)
class Station:
    """This installation, unlocked: settings, signing key, store and TSAs."""

    settings: Settings
    key: StationKey
    store: Store
    tsa: TsaConfig
    recovered: tuple[str, ...] = ()

    @classmethod
    def open(cls, settings: Settings, passphrase: Callable[[], str], *,
             tsa_timeout: float) -> "Station":
        """Unlock the station key (``passphrase`` is asked only if a key exists)."""
        if not settings.has_station_key:
            raise NotFoundError(Msg("cli.no_station_key"), hint=Msg("cli.no_station_key.hint"))
        key = StationKey.load(settings.keys_dir, passphrase())
        store = Store(settings, signer=StationSigner.from_station_key(key))
        recovered = tuple(store.recover_incomplete())
        return cls(settings, key, store, TsaConfig.from_settings(settings, timeout=tsa_timeout),
                   recovered)

    def case_info(self, case_id: str | None) -> CaseInfo | None:
        """The full case record from the store, so the manifest names the case fully."""
        if case_id is None:
            return None
        case = self.store.get_case(case_id)
        return CaseInfo(case.case_id, title=case.title, subject=case.subject, purpose=case.purpose)


def capture_and_seal(station: Station, url: str, options: CaptureOptions, *,
                     case: CaseInfo | None, officers: Sequence[Officer],
                     on_step: OnStep | None = None, capture_id: str | None = None,
                     browsers: SharedBrowser | None = None,
                     before_seal: Callable[[Path], None] | None = None) -> CaptureOutcome:
    """Capture one URL into its own folder, seal it and record it as complete.

    A page that fails to load still yields a sealed, stored capture in state
    FAILED or PARTIAL: the attempt itself is evidence.  ``before_seal(folder)``
    may add to the capture's records before it is sealed.  An error in sealing
    or storing marks the capture failed in the store and is raised.
    ``browsers`` shares one Chromium process across captures (a patrol);
    without it each capture launches its own.  ``capture_id`` is chosen by
    the caller when it must know it first (a patrol's job row).
    """
    capture_id = capture_id or new_capture_id()
    folder: Path = station.store.begin_capture(
        capture_id, url=url, case_id=case.case_id if case else None, officers=officers)
    try:
        result = run_capture(url, options, settings=station.settings, folder=folder, case=case,
                             officers=tuple(officers), capture_id=capture_id, on_step=on_step,
                             browsers=browsers)
        if before_seal is not None:
            before_seal(folder)
        tsa = replace(station.tsa, urls=()) if options.no_timestamp_reason else station.tsa
        sealed = seal_capture(folder, key=station.key, tsa=tsa)
        stored = ingest_sealed_folder(station.store, capture_id)
    except EvidenceError as exc:
        station.store.mark_failed(capture_id, exc.msg or exc.message)
        raise
    except Exception as exc:
        station.store.mark_failed(capture_id, Msg("workflow.crashed", kind=type(exc).__name__),
                                  error=one_line(exc))
        raise
    return CaptureOutcome(result, sealed, stored)


def capture_urls(station: Station, urls: Sequence[str], options: CaptureOptions, *,
                 case: CaseInfo | None, officers: Sequence[Officer], on_start: OnStart | None = None,
                 on_finish: Callable[[CaptureOutcome], None] | None = None,
                 browsers: SharedBrowser | None = None) -> list[CaptureOutcome]:
    """Capture and seal each URL in order; ``on_start(url)`` may return that URL's ``on_step``.

    Several URLs share one browser process (``options.multi_url_sharing``),
    each in its own new, empty context.  ``browsers`` already started (the
    CLI's ``warm_start``) are used, and left for the caller to close."""
    check_capture_policy(station.settings, officers, options)
    shared = len(urls) > 1 and options.multi_url_sharing == SHARED
    own = SharedBrowser(station.settings) if shared and browsers is None else None
    outcomes = []
    try:
        for url in urls:
            on_step = on_start(url) if on_start else None
            outcomes.append(capture_and_seal(station, url, options, case=case, officers=officers,
                                             on_step=on_step, browsers=browsers or own))
            if on_finish:
                on_finish(outcomes[-1])
    finally:
        if own is not None:
            own.close()
    return outcomes


def retry_pending_timestamps(station: Station) -> list[SealResult]:
    """Ask the TSAs again for every sealed capture that still lacks a token.

    New tokens are added as new files in the capture's ``timestamps/``
    folder (nothing listed in the manifest is touched) and recorded in the
    store, which appends a ``timestamped`` custody event for each.
    """
    from evidence_capture.manifests.seal import find_pending, read_slots, retry_pending
    from evidence_capture.storage.artifacts import writable_folder
    from evidence_capture.storage.completion import record_slots

    results = []
    for folder in find_pending(station.settings.captures_dir):
        before = {n for n, slot in read_slots(folder).items() if slot.granted}
        with writable_folder(folder, "timestamps"):
            result = retry_pending(folder, tsa=station.tsa, signer=station.key.public_key)
        fresh = [t.number for t in result.timestamps if t.granted and t.number not in before]
        if fresh and station.store.has_capture(result.capture_id):
            record_slots(station.store, result.capture_id, fresh)
        results.append(result)
    return results
