"""The record's 对比记录 (comparison) section and each capture's 亮照 (licence) findings.

``read_comparison`` reads a sealed change report folder (``diffs/<id>/``):
what it compared, the verdict, amounts, changed lines and the visual
excerpt, whose bytes are checked against the report's sealed manifest
before they are printed.  ``read_licence`` reads a capture's
``licence.json``; the record only shows what the sealed file says.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from evidence_capture.errors import Msg, VerificationError
from evidence_capture.report.sources import TimestampRow, read_json, read_timestamps

MAX_LINES = 80  # changed lines printed; the sealed diff.json holds them all


@dataclass(frozen=True)
class ComparisonSection:
    folder: Path
    diff_id: str
    manifest_sha256: str
    record: Mapping[str, Any]  # diff.json as sealed
    timestamps: tuple[TimestampRow, ...]
    verification: tuple[Mapping[str, str], ...] | None
    excerpt: Path | None  # visual/changes.png, checked against the sealed manifest

    @property
    def verdict(self) -> str:
        """pass / fail / not-checked, as for a capture."""
        if not self.verification:
            return "not-checked"
        statuses = {check["status"] for check in self.verification} - {"not-applicable"}
        return "fail" if "fail" in statuses else ("pass" if statuses == {"pass"} else "not-checked")

    @property
    def changed_lines(self) -> list[tuple[str, str]]:
        text = self.record.get("text") or {}
        lines = [("-", line) for line in text.get("removed", [])] + [("+", line) for line in text.get("added", [])]
        return lines[:MAX_LINES]

    @property
    def more_lines(self) -> int:
        text = self.record.get("text") or {}
        return max(len(text.get("removed", [])) + len(text.get("added", [])) - MAX_LINES, 0)


def _sealed_excerpt(folder: Path, manifest: Mapping[str, Any], relative: str | None) -> Path | None:
    if not relative:
        return None
    listed = {a.get("path"): a.get("sha256") for a in manifest.get("artifacts") or []}
    path = folder / relative
    if listed.get(relative) is None or not path.is_file() or \
            hashlib.sha256(path.read_bytes()).hexdigest() != listed[relative]:
        raise VerificationError("artifacts", Msg("report.cmp.excerpt_mismatch", path=relative, diff_id=folder.name))
    return path


def read_comparison(folder: Path, verification: Iterable[Mapping[str, Any]] | None = None) -> ComparisonSection:
    """One sealed change report as a record section."""
    manifest_bytes = (folder / "manifest.json").read_bytes()
    manifest = read_json(folder / "manifest.json", required=True)
    record = read_json(folder / "diff.json", required=True)
    visual = record.get("visual") or {}
    return ComparisonSection(
        folder=folder, diff_id=str(record.get("diff_id") or folder.name),
        manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(), record=record,
        timestamps=read_timestamps(folder),
        verification=None if verification is None else tuple(
            {"name": str(c.get("name")), "status": str(c.get("status")), "reason": str(c.get("reason")),
             "msg": {"key": c["key"], "params": c.get("params") or {}} if c.get("key") else None}
            for c in verification),
        excerpt=_sealed_excerpt(folder, manifest, visual.get("excerpt")))


def read_licence(folder: Path) -> Mapping[str, Any] | None:
    """The capture's licence.json (None for captures made before the licence step)."""
    record = read_json(Path(folder) / "licence.json")
    return record or None


def read_previous(folder: Path) -> Mapping[str, Any] | None:
    """The capture this one repeats (manifest ``previous_capture``), if any."""
    return read_json(Path(folder) / "manifest.json").get("previous_capture")


def comparison_sections(folders: Iterable[Path], *, settings: Any, trust: Any) -> tuple[ComparisonSection, ...]:
    """Each change report verified now (as ``evidence verify`` does), as a record section."""
    from evidence_capture.diff.verify import verify_change_report

    sections = []
    for folder in folders:
        report = verify_change_report(folder, settings=settings, trusted_keys=trust.keys, tsa_roots=trust.tsa_roots)
        sections.append(read_comparison(folder, [check.as_record() for check in report.checks]))
    return tuple(sections)


def case_change_reports(settings: Any, case_id: str) -> tuple[Path, ...]:
    """The sealed change reports whose later capture belongs to ``case_id``, oldest first."""
    from evidence_capture.diff.report import DIFF_ID, diffs_dir

    root = diffs_dir(settings)
    if not root.is_dir():
        return ()
    found = []
    for folder in sorted(p for p in root.iterdir() if DIFF_ID.fullmatch(p.name) and (p / "manifest.json").is_file()):
        case = (read_json(folder / "diff.json").get("b") or {}).get("case") or {}
        if case.get("case_id") == case_id:
            found.append(folder)
    return tuple(found)


def compared_folders(folder: Path, settings: Any) -> tuple[Path, Path]:
    """The two capture folders a change report compared (both must be in this store)."""
    from evidence_capture.errors import NotFoundError
    from evidence_capture.verify.target import CAPTURE_ID

    record = read_json(folder / "diff.json", required=True)
    folders = []
    for side in ("a", "b"):
        capture_id = str((record.get(side) or {}).get("capture_id", ""))
        if not CAPTURE_ID.fullmatch(capture_id) or not settings.capture_dir(capture_id).is_dir():
            raise NotFoundError(Msg("report.cmp.capture_missing", capture_id=capture_id, diff_id=folder.name))
        folders.append(settings.capture_dir(capture_id))
    return folders[0], folders[1]
