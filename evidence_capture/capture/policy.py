"""Capture policy, checked before any browser starts: the options of one
capture command and the rules a capture must satisfy (two officers and a TSA,
unless a recorded reason says otherwise).

Kept apart from the workflow so that ``evidence capture`` can refuse a bad
command, and start the browser, before it imports the store and the sealing
code (capture/warmup.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

from evidence_capture.config import Settings
from evidence_capture.defaults import CaptureOptions
from evidence_capture.errors import ConfigError, InputError, Msg
from evidence_capture.models import Officer


def capture_options(*, device: str | None, total_timeout: float, allow_private: bool,
                    single_officer_reason: str | None = None,
                    no_timestamp_reason: str | None = None, tls_ca: str | None = None,
                    record_tls_errors: bool = False, place: str | None = None,
                    witness: str | None = None) -> CaptureOptions:
    """The defaults with these changes; an unknown device name or an unreadable
    ``--tls-ca`` bundle is refused before any capture."""
    from evidence_capture.capture.browser import check_device
    from evidence_capture.capture.tls_check import load_bundle
    from evidence_capture.defaults import DEFAULTS

    if tls_ca is not None:
        load_bundle(tls_ca)
        tls_ca = str(Path(tls_ca).resolve())
    options = DEFAULTS.with_changes(device=device, total_timeout=total_timeout, allow_private=allow_private,
                                    single_officer_reason=_reason(single_officer_reason, "--single-officer-reason"),
                                    no_timestamp_reason=_reason(no_timestamp_reason, "--no-timestamp"),
                                    tls_ca=tls_ca, record_tls_errors=record_tls_errors,
                                    place=_reason(place, "--place"), witness=parse_witness(witness))
    check_device(device)
    return options


def _reason(text: str | None, option: str) -> str | None:
    if text is None:
        return None
    if not text.strip():
        raise InputError(Msg("capture.policy.empty_reason", option=option))
    return " ".join(text.split())


def parse_witness(text: str | None) -> dict[str, str] | None:
    """``--witness NAME:ID`` as ``{"name", "id_no"}``; refused (exit 2) unless it is NAME:ID."""
    if text is None:
        return None
    name, sep, id_no = text.rpartition(":")
    name, id_no = " ".join(name.split()), id_no.strip()
    if not sep or not name or not _WITNESS_ID.fullmatch(id_no):
        raise InputError(Msg("capture.witness.invalid", value=text), hint=Msg("capture.witness.hint"))
    return {"name": name, "id_no": id_no}


_WITNESS_ID = re.compile(r"[A-Za-z0-9\-_/]{2,64}")


def check_capture_policy(settings: Settings, officers: Sequence[Officer], options: CaptureOptions) -> None:
    """Safe by default: two officers and at least one TSA, unless a recorded reason says otherwise.

    Raised before any browser starts (``InputError`` / ``ConfigError``, exit 2).
    """
    if len(officers) < 2 and not options.single_officer_reason:
        raise InputError(Msg("capture.policy.two_officers", n=len(officers)),
                         hint=Msg("capture.policy.two_officers.hint"))
    if not settings.tsa_urls and not options.no_timestamp_reason:
        raise ConfigError(Msg("capture.policy.no_tsa"), hint=Msg("capture.policy.no_tsa.hint"))
