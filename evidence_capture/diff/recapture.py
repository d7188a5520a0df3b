"""``recapture``: the same URL again, with the same options and device, into the same case.

The options come from the first capture's ``provenance.json`` (the options
record every capture keeps); the new capture's manifest names the first in
``previous_capture`` with that manifest's SHA-256.  The first capture must
be sealed; its manifest hash is read from its folder.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any, Sequence

from evidence_capture.defaults import DEFAULTS, CaptureOptions, StepBudgets
from evidence_capture.errors import InputError, Msg


def _known(cls: type, record: dict[str, Any]) -> dict[str, Any]:
    """Only the fields ``cls`` has: options recorded by another version keep today's defaults."""
    names = {f.name for f in dataclasses.fields(cls)}
    return {key: value for key, value in record.items() if key in names}


def options_of(folder: Path) -> CaptureOptions:
    """The capture options in effect for the capture in ``folder``."""
    try:
        provenance = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
        recorded = dict(provenance["options"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(Msg("recapture.no_options", capture_id=folder.name)) from exc
    budgets = StepBudgets(**_known(StepBudgets, dict(recorded.pop("budgets", None) or {})))
    try:
        return dataclasses.replace(DEFAULTS, **_known(CaptureOptions, recorded), budgets=budgets)
    except TypeError as exc:
        raise InputError(Msg("recapture.no_options", capture_id=folder.name)) from exc


def previous_of(folder: Path) -> dict[str, str]:
    """``{"capture_id", "manifest_sha256"}`` of a sealed capture."""
    try:
        data = (folder / "manifest.json").read_bytes()
        capture_id = str(json.loads(data)["capture_id"])
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(Msg("recapture.unsealed", capture_id=folder.name),
                         hint=Msg("recapture.unsealed.hint")) from exc
    return {"capture_id": capture_id, "manifest_sha256": "sha256:" + hashlib.sha256(data).hexdigest()}


def link_previous(previous: dict[str, str]):  # type: ignore[no-untyped-def]
    """A ``before_seal`` hook writing the link into the new capture's provenance.json."""
    def link(folder: Path) -> None:
        path = folder / "provenance.json"
        provenance = json.loads(path.read_text(encoding="utf-8"))
        provenance["previous_capture"] = dict(previous)
        path.write_text(json.dumps(provenance, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                        encoding="utf-8")
    return link


def recapture(station: Any, capture_id: str, *, officers: Sequence[Any], on_step: Any = None) -> Any:
    """Capture ``capture_id``'s URL again into its case; returns the ``CaptureOutcome``."""
    from evidence_capture.capture.policy import check_capture_policy
    from evidence_capture.workflow import capture_and_seal

    folder = station.settings.capture_dir(capture_id)
    summary = station.store.get_capture(capture_id)  # NotFoundError for an unknown id
    previous = previous_of(folder)
    options = options_of(folder)
    check_capture_policy(station.settings, officers, options)
    case = station.case_info(summary.case_id)
    return capture_and_seal(station, summary.url, options, case=case, officers=officers,
                            on_step=on_step, before_seal=link_previous(previous))
