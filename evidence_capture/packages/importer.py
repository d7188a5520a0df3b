"""Import a package into the store: verify first, then all or nothing.

Nothing enters the store unless every check passes (strict), including
``index.signature`` (the exporting station's signature over the capture list
and custody span).  The only exceptions: a missing export receipt, and, with
``accept_untrusted_key``, a station key that the importer has not pinned (then
the keys shipped in the package count for every signature, the index's
included); that choice is recorded in the ``imported`` custody event.  The package's own custody history is kept
verbatim (``imported_custody``).  The same package twice is a no-op.

Extraction-record PDFs (verified like everything else, ``report[<name>]``)
go to the case file, ``EVIDENCE_HOME/reports/<case id>/<name>.pdf`` (the
capture id when there is no case), read-only, and are listed with their
SHA-256 in the ``imported`` event.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from evidence_capture.errors import InputError, Msg, StorageError, VerificationError, joined
from evidence_capture.packages import layout
from evidence_capture.packages.custody_checks import load_package_keys
from evidence_capture.packages.import_rows import insert_package_rows
from evidence_capture.packages.report import PackageReport
from evidence_capture.packages.reports import REPORTS_DIR, read_entries
from evidence_capture.packages.safezip import unpacked
from evidence_capture.packages.verify_pkg import receipt_path, verify_extracted
from evidence_capture.storage import Store
from evidence_capture.storage.artifacts import (
    atomic_write_stream, copy_tree_durably, file_digests, make_read_only, remove_tree,
)
from evidence_capture.storage.chain import key_fingerprint
from evidence_capture.storage.models import CaptureRow, ImportRow

_ALWAYS_ALLOWED = frozenset({"custody.export"})


@dataclass(frozen=True)
class ImportResult:
    package_sha256: str
    already_imported: bool
    captures: tuple[str, ...]
    case_id: str | None
    key_trusted: bool
    report: PackageReport | None
    reports: tuple[dict[str, Any], ...] = ()  # {name, sha256, path} of each record kept

    def as_record(self) -> dict[str, Any]:
        return {"package_sha256": self.package_sha256, "already_imported": self.already_imported,
                "captures": list(self.captures), "case_id": self.case_id,
                "key_trusted": self.key_trusted, "reports": list(self.reports),
                "report": None if self.report is None else self.report.as_record()}


def _previous_import(store: Store, digest: str) -> ImportRow | None:
    with store.transaction() as session:
        return session.scalars(select(ImportRow).where(ImportRow.package_sha256 == digest)).first()


def _verify(root: Path, zip_path: Path, digest: str, receipt: Path | None,
            trusted_keys: Sequence[Ed25519PublicKey], tsa_roots: Sequence[Any],
            accept_untrusted_key: bool, damaged: Sequence[str]) -> tuple[PackageReport, bool]:
    kwargs = dict(package_name=zip_path.name, package_sha256=digest, tsa_roots=tsa_roots,
                  strict=True, receipt=receipt, damaged=damaged)
    report = verify_extracted(root, trusted_keys=trusted_keys, **kwargs)
    if not report.blocking(allow_not_checked=_ALWAYS_ALLOWED) or not accept_untrusted_key:
        return report, True
    shipped = list(load_package_keys(root / "data" / "keys").values())
    return verify_extracted(root, trusted_keys=[*trusted_keys, *shipped], **kwargs), False


def _already_imported(store: Store, digest: str, previous: ImportRow) -> ImportResult:
    with store.transaction() as session:
        ids = session.scalars(select(CaptureRow.capture_id).where(
            CaptureRow.import_id == previous.id)).all()
    return ImportResult(digest, True, tuple(ids), previous.case_id, previous.key_trusted, None)


def _refuse_if_failed(report: PackageReport) -> None:
    failures = report.blocking(allow_not_checked=_ALWAYS_ALLOWED)
    if failures:
        # name, status and reason: the officer sees which file or fact blocked the import
        listed = joined([Msg("package.import.blocked_check", name=c.name, status=Msg(f"status.{c.status.value}"),
                             reason=c.msg or c.reason) for c in failures[:6]])
        about_key = any(c.name.endswith("signature") for c in failures)
        raise VerificationError("import", Msg("package.import.refused", n=len(failures), checks=listed),
                                hint=Msg("package.import.pin_key" if about_key else "package.import.see_verify"))


def _check_conflicts(store: Store, capture_ids: Sequence[str]) -> None:
    with store.transaction() as session:
        clash = session.scalars(
            select(CaptureRow.capture_id).where(CaptureRow.capture_id.in_(capture_ids))).all()
    clash += [c for c in capture_ids if store.settings.capture_dir(c).exists() and c not in clash]
    if clash:
        raise InputError(Msg("package.import.clash", captures=", ".join(sorted(clash))))


def _place_captures(store: Store, data: Path, capture_ids: Sequence[str]) -> list[Path]:
    """Copy each capture durably beside its final place, then rename it in."""
    placed: list[Path] = []
    staging = store.settings.captures_dir / f".import-{secrets.token_hex(6)}"
    try:
        for capture_id in capture_ids:
            copy_tree_durably(data / "captures" / capture_id, staging / capture_id)
        for capture_id in capture_ids:
            final = store.settings.capture_dir(capture_id)
            (staging / capture_id).rename(final)
            placed.append(final)
            make_read_only(final)
    except (OSError, StorageError) as exc:
        for folder in placed:
            remove_tree(folder)
        raise StorageError(Msg("package.import.place_captures")) from exc
    finally:
        remove_tree(staging)
    return placed


def _report_folder(store: Store, index: dict[str, Any], case: str | None) -> Path:
    owner = case or (index.get("case") or {}).get("case_id") or str(index["captures"][0]["capture_id"])
    return store.settings.home / REPORTS_DIR / re.sub(r"[\x00-\x1f/\\:]|^\.", "_", str(owner))


def _place_reports(store: Store, data: Path, index: dict[str, Any],
                   case: str | None) -> tuple[list[dict[str, Any]], list[Path]]:
    """Copy each verified PDF into the case's report folder; never overwrite another file."""
    folder, kept, created = _report_folder(store, index, case), [], []
    try:
        for entry in read_entries(index):
            name, digest = entry["name"], entry["sha256"]
            target = folder / name
            if target.exists() and file_digests(target).sha256 != digest:
                target = folder / f"{target.stem}-{digest[:12]}.pdf"
            if not target.exists():
                with (data / REPORTS_DIR / name).open("rb") as handle:
                    atomic_write_stream(target, handle)
                created.append(target)
                target.chmod(0o440)
            kept.append({"name": name, "sha256": digest, "path": str(target)})
    except (OSError, StorageError) as exc:
        _remove(created)
        raise StorageError(Msg("package.import.place_reports")) from exc
    return kept, created


def _remove(paths: Sequence[Path]) -> None:
    for path in paths:
        if path.is_dir():
            remove_tree(path)
        else:
            path.unlink(missing_ok=True)


def import_package(store: Store, zip_path: Path, *, case: str | None = None,
                   trusted_keys: Sequence[Ed25519PublicKey] = (), tsa_roots: Sequence[Any] = (),
                   accept_untrusted_key: bool = False, source: str | None = None) -> ImportResult:
    if not zip_path.is_file():
        raise InputError(Msg("package.missing", path=zip_path))
    receipt = receipt_path(zip_path) if receipt_path(zip_path).is_file() else None
    with unpacked(zip_path, parent=store.settings.home / "tmp", receipt=receipt) as package:
        digest = package.sha256  # of the very bytes verified and imported below
        previous = _previous_import(store, digest)
        if previous is not None:
            return _already_imported(store, digest, previous)
        store.settings.captures_dir.mkdir(parents=True, exist_ok=True)
        root = layout.find_bag_root(package.folder)
        report, trusted = _verify(root, zip_path, digest, package.receipt, trusted_keys,
                                  tsa_roots, accept_untrusted_key, package.damaged)
        _refuse_if_failed(report)
        _check_conflicts(store, report.captures)
        placed = _place_captures(store, root / "data", report.captures)
        created: list[Path] = []  # _place_reports cleans up after itself when it fails
        try:
            reports, created = _place_reports(store, root / "data", report.index, case)
            case_id = insert_package_rows(
                store, root / "data", report, case=case, key_trusted=trusted, reports=reports,
                source=source or str(zip_path), receipt=package.receipt,
                pinned=frozenset(key_fingerprint(k) for k in trusted_keys))
        except BaseException:
            _remove([*placed, *created])
            raise
    return ImportResult(digest, False, report.captures, case_id, trusted, report, tuple(reports))
