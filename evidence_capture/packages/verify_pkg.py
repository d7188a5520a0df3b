"""Offline verification of an evidence package, with no store at all.

Order: safe extraction, BagIt completeness and checksums, the package index
(its captures against the folders present), every capture folder through
``verify.verify_capture``, the station's signature over the index
(``signed_index``), the custody chain carried in the package (its span against
the signed index) and, when the export receipt is at hand, the package hash
recorded by the export event, then each extraction-record PDF against its
``reported`` event (``reports``).  Hostile or unreadable input is a
``PackageError`` (exit 2); everything else is a check in the report.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Iterable, Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from evidence_capture import safeio
from evidence_capture.errors import InputError, Msg, PackageError
from evidence_capture.packages.bag_checks import bag_checks
from evidence_capture.packages import layout
from evidence_capture.packages.coverage import package_coverage_check
from evidence_capture.packages.custody_checks import custody_checks, load_package_keys
from evidence_capture.packages.report import PackageReport, prefixed
from evidence_capture.packages.reports import report_checks
from evidence_capture.packages.signed_index import index_signature_check
from evidence_capture.packages.safezip import DEFAULT_LIMITS, ZipLimits, unpacked
from evidence_capture.storage.chain import key_fingerprint
from evidence_capture.verify.runner import MAX_MANIFEST_BYTES, verify_capture
from evidence_capture.verify.timing import DEFAULT_TOLERANCE_S
from evidence_capture.verify.checks import CheckResult, CheckStatus, VerifyReport


def receipt_path(zip_path: Path) -> Path:
    return zip_path.with_name(zip_path.name + ".export-event.json")


def _manifest_check(folder: Path, entry: dict[str, Any]) -> CheckResult:
    name = f"capture[{folder.name}].index"
    try:
        raw = safeio.read_regular(folder / "manifest.json", MAX_MANIFEST_BYTES)
    except (OSError, InputError) as exc:
        return CheckResult.failed(name, Msg("package.manifest.unreadable", reason=layout.reason_of(exc)))
    digest = hashlib.sha256(raw).hexdigest()
    if digest == entry.get("manifest_sha256"):
        return CheckResult.passed(name, Msg("package.manifest.matches"))
    return CheckResult.failed(name, Msg("package.manifest.differs", digest=digest,
                                        recorded=entry.get("manifest_sha256")))


def _verify_capture(folder: Path, trusted_keys: Sequence[Any], tsa_roots: Sequence[Any],
                    strict: bool, tolerance: float) -> list[CheckResult]:
    report = verify_capture(folder, trusted_keys=list(trusted_keys), tsa_roots=tsa_roots,
                            strict=strict, tolerance=tolerance)
    return [prefixed(result, f"capture[{folder.name}].") for result in report.checks]


def is_capture_folder(folder: Path) -> bool:
    """A real folder (not a file or link of the same name) holding a regular manifest.json."""
    return folder.is_dir() and not folder.is_symlink() and safeio.is_regular(folder / "manifest.json")


def capture_checks(data: Path, index: dict[str, Any], trusted_keys: Sequence[Any],
                   tsa_roots: Sequence[Any], strict: bool, tolerance: float) -> list[CheckResult]:
    listed = [str(entry.get("capture_id")) for entry in index["captures"]]
    root = data / "captures"
    present = sorted(p.name for p in root.iterdir()) if root.is_dir() and not root.is_symlink() else []
    if sorted(listed) == present:
        checks = [CheckResult.passed("index.captures", Msg("package.index.captures_ok", n=len(listed)))]
    else:
        checks = [CheckResult.failed("index.captures", Msg(
            "package.index.captures_differ", listed=", ".join(sorted(set(listed) - set(present))) or "-",
            present=", ".join(sorted(set(present) - set(listed))) or "-"))]
    for entry in index["captures"]:
        folder = root / str(entry.get("capture_id"))
        if not is_capture_folder(folder):
            if folder.exists() or folder.is_symlink():
                checks.append(CheckResult.failed(f"capture[{folder.name}]", Msg("package.not_capture_folder")))
            continue
        checks.append(_manifest_check(folder, entry))
        checks.extend(_verify_capture(folder, trusted_keys, tsa_roots, strict, tolerance))
    return checks


def _read_index(root: Path, checks: list[CheckResult]) -> dict[str, Any] | None:
    """The index; when the bag already failed, an unreadable index is one more FAIL row."""
    try:
        return layout.read_index(root / "data")
    except PackageError as exc:
        if not any(c.status is CheckStatus.FAIL for c in checks):
            raise
        checks.append(CheckResult.failed("index", exc.msg or exc.message))
        return None


def _custody_parts(data: Path) -> tuple[list[dict[str, Any]] | None,
                                        dict[str, Ed25519PublicKey] | None, list[CheckResult]]:
    """The custody records and shipped keys, or the FAIL rows that say why they are unusable."""
    failed = []
    try:
        records = layout.read_custody(data / layout.CUSTODY)
    except PackageError as exc:
        records = None
        failed.append(CheckResult.failed("custody.format", exc.msg or exc.message))
    try:
        keys = load_package_keys(data / "keys")
    except PackageError as exc:
        keys = None
        failed.append(CheckResult.failed("keys", exc.msg or exc.message))
    return records, keys, failed


def verify_extracted(root: Path, *, package_name: str, package_sha256: str,
                     trusted_keys: Sequence[Ed25519PublicKey], tsa_roots: Sequence[Any],
                     strict: bool, receipt: Path | None,
                     tolerance: float = DEFAULT_TOLERANCE_S,
                     damaged: Sequence[str] = ()) -> PackageReport:
    """Every check over an extracted bag; ``damaged``: zip entries whose data was unreadable."""
    checks = [CheckResult.failed(f"zip:{name}", Msg("package.zip.damaged")) for name in damaged]
    checks += bag_checks(root)
    data = root / "data"
    index = _read_index(root, checks)
    if index is None:
        return PackageReport(VerifyReport(package_name, "package", tuple(checks), strict),
                             package_sha256, (), {})
    checks += capture_checks(data, index, trusted_keys, tsa_roots, strict, tolerance)
    checks.append(package_coverage_check(root, index))
    records, package_keys, unusable = _custody_parts(data)
    trusted = {key_fingerprint(k): k for k in trusted_keys}
    checks += unusable
    if records is None or package_keys is None:
        checks.append(CheckResult.not_checked("custody", Msg("package.custody.unusable")))
    else:
        checks.append(index_signature_check(data, index, records, trusted=trusted,
                                            shipped=package_keys))
        checks += custody_checks(records, index, data, trusted_keys=trusted_keys,
                                 package_keys=package_keys, package_sha256=package_sha256,
                                 receipt=receipt)
        checks += report_checks(data, index, records, shipped=package_keys,  # after custody
                                trusted=trusted)
    captures = tuple(str(e.get("capture_id")) for e in index["captures"])
    report = VerifyReport(package_name, "package", tuple(checks), strict)
    return PackageReport(report, package_sha256, captures, index)


def verify_package(zip_path: Path, *, trusted_keys: Iterable[Ed25519PublicKey] = (),
                   tsa_roots: Iterable[Any] = (), strict: bool = False,
                   receipt: Path | None = None, limits: ZipLimits = DEFAULT_LIMITS,
                   temp_parent: Path | None = None,
                   tolerance: float = DEFAULT_TOLERANCE_S) -> PackageReport:
    """Verify ``zip_path`` fully offline; see the module docstring."""
    if not zip_path.is_file():
        raise PackageError(Msg("package.missing", path=zip_path))
    if receipt is None and receipt_path(zip_path).is_file():
        receipt = receipt_path(zip_path)
    with unpacked(zip_path, limits, parent=temp_parent, receipt=receipt) as package:
        return verify_extracted(
            layout.find_bag_root(package.folder), package_name=zip_path.name,
            package_sha256=package.sha256, trusted_keys=list(trusted_keys),
            tsa_roots=tsa_roots, strict=strict, receipt=package.receipt, tolerance=tolerance,
            damaged=package.damaged)


__all__ = ["verify_package", "verify_extracted"]
