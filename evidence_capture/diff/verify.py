"""``verify_change_report``: a change report is verified like a capture, plus its own checks.

The folder checks are those of ``verify_capture`` (manifest, signature by a
trusted key, every artifact's SHA-256 and SM3, unlisted files, timestamp
tokens, times).  Then ``diff.record``: ``diff.json`` is a change report
whose id is the manifest's; and ``diff.capture[a]`` / ``diff.capture[b]``:
a compared capture held in this store still has the manifest hash the
report names (not-checked when the capture is not here, e.g. on another
station).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Sequence

from evidence_capture.config import Settings
from evidence_capture.diff.compare import SCHEMA
from evidence_capture.diff.report import REPORT_NAME
from evidence_capture.verify.checks import CheckResult, Msg, VerifyReport
from evidence_capture.verify.runner import verify_capture
from evidence_capture.verify.timing import DEFAULT_TOLERANCE_S

_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


def _record(folder: Path) -> tuple[CheckResult, dict[str, Any] | None]:
    name = "diff.record"
    try:
        record = json.loads((folder / REPORT_NAME).read_text(encoding="utf-8"))
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return CheckResult.failed(name, Msg("diff.check.unreadable")), None
    if not isinstance(record, dict) or record.get("schema") != SCHEMA:
        return CheckResult.failed(name, Msg("diff.check.schema", schema=SCHEMA)), None
    if record.get("diff_id") != manifest.get("capture_id"):
        return CheckResult.failed(name, Msg("diff.check.other_id")), None
    sides = [record.get(side) or {} for side in ("a", "b")]
    if not all(_DIGEST.fullmatch(str(side.get("manifest_sha256", ""))) for side in sides):
        return CheckResult.failed(name, Msg("diff.check.no_hashes")), None
    verdict = (record.get("verdict") or {}).get("result")
    return CheckResult.passed(name, Msg("diff.check.ok", diff_id=record["diff_id"], verdict=verdict)), record


def _capture_check(side: str, named: dict[str, Any], settings: Settings | None) -> CheckResult:
    name = f"diff.capture[{side}]"
    capture_id = str(named.get("capture_id", ""))
    manifest = settings.capture_dir(capture_id) / "manifest.json" if settings and capture_id else None
    if manifest is None or "/" in capture_id or not manifest.is_file():
        return CheckResult.not_checked(name, Msg("diff.check.capture_absent", capture_id=capture_id))
    actual = "sha256:" + hashlib.sha256(manifest.read_bytes()).hexdigest()
    if actual != named.get("manifest_sha256"):
        return CheckResult.failed(name, Msg("diff.check.capture_changed", capture_id=capture_id, actual=actual,
                                            named=named.get("manifest_sha256")))
    return CheckResult.passed(name, Msg("diff.check.capture_ok", capture_id=capture_id, actual=actual))


def _http_dates(check: CheckResult) -> CheckResult:
    """A change report holds no HTTP responses: their Date headers are the captures' concern."""
    if check.name == "time.http_date":
        return CheckResult.not_applicable(check.name, Msg("diff.check.no_http"))
    return check


def verify_change_report(folder: Path, *, settings: Settings | None, trusted_keys: Sequence[Any] = (),
                         tsa_roots: Sequence[Any] = (), strict: bool = False,
                         tolerance: float = DEFAULT_TOLERANCE_S, on_file: Any = None) -> VerifyReport:
    base = verify_capture(folder, trusted_keys=trusted_keys, tsa_roots=tsa_roots, strict=strict,
                          tolerance=tolerance, on_file=on_file)
    check, record = _record(folder)
    checks = [_http_dates(c) for c in base.checks] + [check]
    if record is not None:
        checks += [_capture_check(side, record[side], settings) for side in ("a", "b")]
    return VerifyReport(str(folder), "diff", tuple(checks), strict)
