"""What ``evidence report TARGET`` prints from: a capture, a case, or an exported package.

Every capture is verified just before the record is printed, with the same
checks as ``evidence verify``; the record shows that result, so a sheet
never claims more than was checked at printing time.  A package is first
verified as a whole (BagIt, captures, custody) and refused if it fails.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from evidence_capture.config import Settings
from evidence_capture.errors import NotFoundError, VerificationError
from evidence_capture.models import CAPTURE_ID
from evidence_capture.verify.target import Trust

__all__ = ["ReportTarget", "Trust", "open_report_target"]


@dataclass(frozen=True)
class ReportTarget:
    kind: str  # "capture" | "case" | "package"
    folders: tuple[Path, ...]
    case: dict[str, Any] | None
    summaries: tuple[list[dict[str, str]], ...]
    case_id: str | None = None
    comparisons: tuple[Path, ...] = ()  # sealed change reports (diffs/<id>/) printed as 对比记录


@contextmanager
def open_report_target(target: str, *, settings: Settings, trust: Trust) -> Iterator[ReportTarget]:
    """Resolve TARGET; a package is extracted to a temporary folder for the duration."""
    path = Path(target).expanduser()
    if path.is_file():
        if path.suffix.lower() != ".zip":
            raise NotFoundError(f"{target} is a file, but not an exported package (.zip)")
        with _package_target(path, trust) as found:
            yield found
        return
    from evidence_capture.diff.report import resolve_diff

    change_report = resolve_diff(target, settings)
    if change_report is not None:
        yield _diff_target(change_report, settings, trust)
        return
    if path.is_dir() or (CAPTURE_ID.fullmatch(target) and settings.capture_dir(target).is_dir()):
        folder = path if path.is_dir() else settings.capture_dir(target)
        yield ReportTarget("capture", (folder,), None, (trust.summary(folder),))
        return
    yield _case_target(target, settings, trust)


def _diff_target(folder: Path, settings: Settings, trust: Trust) -> ReportTarget:
    """A change report: both compared captures, then the 对比记录 section."""
    from evidence_capture.report.comparison import compared_folders

    folders = compared_folders(folder, settings)
    return ReportTarget("diff", folders, None, tuple(trust.summary(f) for f in folders),
                        comparisons=(folder,))


def _case_target(case_id: str, settings: Settings, trust: Trust) -> ReportTarget:
    from evidence_capture.storage import Store

    store = Store(settings)
    case = store.get_case(case_id)  # NotFoundError names the remedy
    folders = tuple(settings.capture_dir(c.capture_id) for c in case.captures
                    if c.status == "complete" and settings.capture_dir(c.capture_id).is_dir())
    if not folders:
        raise NotFoundError(f"case {case_id} has no complete captures to report")
    record = {"case_id": case.case_id, "title": case.title, "subject": case.subject,
              "purpose": case.purpose}
    from evidence_capture.report.comparison import case_change_reports

    return ReportTarget("case", folders, record, tuple(trust.summary(f) for f in folders), case_id,
                        case_change_reports(settings, case_id))


@contextmanager
def _package_target(path: Path, trust: Trust) -> Iterator[ReportTarget]:
    from evidence_capture.packages import layout
    from evidence_capture.packages.safezip import unpacked
    from evidence_capture.packages.verify_pkg import receipt_path, verify_extracted

    receipt = receipt_path(path) if receipt_path(path).is_file() else None
    with unpacked(path, receipt=receipt) as unzipped:  # verified with its receipt when it lies beside
        digest = unzipped.sha256
        root = layout.find_bag_root(unzipped.folder)
        data = root / "data"
        package = verify_extracted(root, package_name=path.name, package_sha256=digest,
                                   trusted_keys=trust.keys, tsa_roots=trust.tsa_roots,
                                   strict=False, receipt=unzipped.receipt, damaged=unzipped.damaged)
        index = package.index
        if not package.report.ok():
            failed = [c.name for c in package.report.checks if c.status.value == "fail"]
            raise VerificationError("package", f"refused: {path.name} does not verify "
                                    f"({', '.join(failed) or 'the signer key is not trusted'})",
                                    hint=f"see `evidence verify {path}`")
        folders = tuple(data / "captures" / str(e["capture_id"]) for e in index["captures"])
        case = index.get("case")
        yield ReportTarget("package", folders, case, tuple(trust.summary(f) for f in folders),
                           case.get("case_id") if case else None)
