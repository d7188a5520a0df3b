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

import bagit
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from evidence_capture.errors import InputError, PackageError
from evidence_capture.manifests.model import Manifest
from evidence_capture.packages import layout
from evidence_capture.packages.custody_checks import custody_checks, load_package_keys
from evidence_capture.packages.report import PackageReport, prefixed
from evidence_capture.packages.reports import report_checks
from evidence_capture.packages.signed_index import index_signature_check
from evidence_capture.packages.safezip import DEFAULT_LIMITS, ZipLimits, unpacked
from evidence_capture.storage.chain import key_fingerprint
from evidence_capture.verify.runner import verify_capture
from evidence_capture.verify.timing import DEFAULT_TOLERANCE_S
from evidence_capture.verify.checks import CheckResult, VerifyReport

_STRONG = {"sha256", "sha512"}


def receipt_path(zip_path: Path) -> Path:
    return zip_path.with_name(zip_path.name + ".export-event.json")


def validate_bag(root: Path) -> CheckResult:
    try:
        bag = bagit.Bag(str(root))
    except bagit.BagError as exc:
        raise PackageError(f"refused: this is not a valid BagIt bag: {exc}") from exc
    if not _STRONG.intersection(bag.algorithms):
        raise PackageError(f"refused: the bag uses only weak checksums {bag.algorithms}")
    try:
        bag.validate(processes=1)
    except bagit.BagValidationError as exc:
        details = "; ".join(str(d) for d in getattr(exc, "details", [])[:5]) or str(exc)
        raise PackageError(f"refused: the bag's checksums fail: {details}") from exc
    except (bagit.BagError, OSError, UnicodeError) as exc:
        raise PackageError(f"refused: the bag cannot be validated: {exc}") from exc
    version = ".".join(map(str, bag.version_info))
    return CheckResult.passed("bag", f"BagIt {version}, {len(bag.payload_entries())} payload "
                              f"files, {', '.join(sorted(bag.algorithms))} checksums valid")


def _manifest_sha256(folder: Path) -> str:
    manifest = layout.read_json(folder / "manifest.json", f"{folder.name}/manifest.json")
    if not isinstance(manifest, dict) or manifest.get("capture_id") != folder.name:
        raise PackageError(f"refused: the manifest of {folder.name} is not a capture manifest")
    try:
        Manifest.from_record(manifest)
    except InputError as exc:
        raise PackageError(f"refused: the manifest of {folder.name} is malformed: {exc.message}") from exc
    return hashlib.sha256((folder / "manifest.json").read_bytes()).hexdigest()


def _verify_capture(folder: Path, trusted_keys: Sequence[Any], tsa_roots: Sequence[Any],
                    strict: bool, tolerance: float) -> list[CheckResult]:
    report = verify_capture(folder, trusted_keys=list(trusted_keys), tsa_roots=tsa_roots,
                            strict=strict, tolerance=tolerance)
    return [prefixed(result, f"capture[{folder.name}].") for result in report.checks]


def capture_checks(data: Path, index: dict[str, Any], trusted_keys: Sequence[Any],
                   tsa_roots: Sequence[Any], strict: bool, tolerance: float) -> list[CheckResult]:
    listed = [str(entry.get("capture_id")) for entry in index["captures"]]
    present = sorted(p.name for p in (data / "captures").iterdir()) if (
        data / "captures").is_dir() else []
    if sorted(listed) == present:
        checks = [CheckResult.passed("index.captures", f"{len(listed)} captures listed and present")]
    else:
        checks = [CheckResult.failed("index.captures", f"listed only: {sorted(set(listed) - set(present))}, "
                                     f"present only: {sorted(set(present) - set(listed))}")]
    for entry in index["captures"]:
        folder = data / "captures" / str(entry.get("capture_id"))
        if not folder.is_dir():
            continue
        digest = _manifest_sha256(folder)
        name = f"capture[{folder.name}].index"
        checks.append(CheckResult.passed(name, "manifest.json matches the package index")
                      if digest == entry.get("manifest_sha256") else CheckResult.failed(
                          name, f"manifest.json is sha256:{digest}, the index says "
                          f"{entry.get('manifest_sha256')}"))
        checks.extend(_verify_capture(folder, trusted_keys, tsa_roots, strict, tolerance))
    return checks


def verify_extracted(root: Path, *, package_name: str, package_sha256: str,
                     trusted_keys: Sequence[Ed25519PublicKey], tsa_roots: Sequence[Any],
                     strict: bool, receipt: Path | None,
                     tolerance: float = DEFAULT_TOLERANCE_S) -> PackageReport:
    checks = [validate_bag(root)]
    data = root / "data"
    index = layout.read_index(data)
    checks += capture_checks(data, index, trusted_keys, tsa_roots, strict, tolerance)
    records = layout.read_custody(data / layout.CUSTODY)
    package_keys = load_package_keys(data / "keys")
    trusted = {key_fingerprint(k): k for k in trusted_keys}
    checks.append(index_signature_check(data, index, records, trusted=trusted, shipped=package_keys))
    checks += custody_checks(records, index, data, trusted_keys=trusted_keys,
                             package_keys=package_keys, package_sha256=package_sha256,
                             receipt=receipt)
    checks += report_checks(data, index, records, shipped=package_keys,  # after custody: well-formed
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
        raise PackageError(f"no such package {zip_path}")
    if receipt is None and receipt_path(zip_path).is_file():
        receipt = receipt_path(zip_path)
    with unpacked(zip_path, limits, parent=temp_parent, receipt=receipt) as package:
        return verify_extracted(
            layout.find_bag_root(package.folder), package_name=zip_path.name,
            package_sha256=package.sha256, trusted_keys=list(trusted_keys),
            tsa_roots=tsa_roots, strict=strict, receipt=package.receipt, tolerance=tolerance)


__all__ = ["verify_package", "verify_extracted"]
