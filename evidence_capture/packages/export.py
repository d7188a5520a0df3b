"""Export captures (one, or all of a case) as a zipped BagIt bag.

The bag carries each capture folder as sealed, the TSA certificates from its
tokens, the station public key, the custody events with enough chain context
to verify them (``custody.jsonl``), any extraction-record PDFs asked for
(``data/reports/``, each matched to a ``reported`` event; see ``reports``), the
index ``package.json`` signed by the station key (``package.sig``; see
``signed_index``) and a README.  The export is then recorded
as an ``exported`` custody event holding the SHA-256 of the zip, also written
next to the zip as ``<zip>.export-event.json`` (the export receipt).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import bagit

from evidence_capture import TOOL_NAME, __version__
from evidence_capture.errors import InputError, Msg, NotFoundError, StorageError
from evidence_capture.models import check_case_id
from evidence_capture.packages import layout, origin
from evidence_capture.packages.reports import REPORTS_DIR, ReportFile, select_reports
from evidence_capture.packages.readme import README
from evidence_capture.packages.coverage import covered_files
from evidence_capture.packages.signed_index import SIGNATURE, write_signed_index
from evidence_capture.storage import CaptureSummary, NewEvent, Store
from evidence_capture.storage.artifacts import (
    atomic_write_bytes, commit_temp_file, file_digests, walk_files,
)
from evidence_capture.storage.chain import SCHEMA as CUSTODY_SCHEMA
from evidence_capture.storage.chain import record_to_json
from evidence_capture.storage.store import status_text


OnCapture = Callable[[int, int], None] | None


@dataclass(frozen=True)
class ExportResult:
    path: Path
    sha256: str
    captures: tuple[str, ...]
    skipped: tuple[str, ...]
    event_seq: int
    receipt: Path
    reports: tuple[dict[str, Any], ...] = ()
    checkpoint: dict[str, Any] | None = None  # the custody checkpoint taken after the export

    def as_record(self) -> dict[str, Any]:
        return {"package": str(self.path), "sha256": self.sha256,
                "captures": list(self.captures), "skipped": list(self.skipped),
                "export_event_seq": self.event_seq, "receipt": str(self.receipt),
                "reports": list(self.reports), "checkpoint": self.checkpoint}


def _select(store: Store, target: str) -> tuple[str | None, list[CaptureSummary], list[str]]:
    try:
        case = store.get_case(target)
    except NotFoundError:
        capture = store.get_capture(target)
        if capture.status != "complete":
            raise InputError(Msg("package.export.not_complete", capture_id=target,
                                 status=status_text(capture.status))) from None
        return capture.case_id, [capture], []
    chosen = [c for c in case.captures if c.status == "complete"]
    skipped = [c.capture_id for c in case.captures if c.status != "complete"]
    if not chosen:
        raise InputError(Msg("package.export.none_complete", case_id=target))
    return case.case_id, chosen, skipped


def _owner_ids(target: str, case_id: str | None, captures: Sequence[CaptureSummary]) -> set[str]:
    """The objects whose events the package carries in full (the others are redacted)."""
    return {c.capture_id for c in captures} | ({case_id} if case_id == target else set())


def _custody_lines(records: list[dict[str, Any]], ids: set[str]) -> list[dict[str, Any]]:
    """Events about the exported captures/case, plus redacted links in between."""

    def relevant(rec: dict[str, Any]) -> bool:
        listed = rec["details"].get("captures") if isinstance(rec["details"], dict) else None
        return rec["object"]["id"] in ids or bool(ids.intersection(listed or ()))

    first = next(i for i, rec in enumerate(records) if relevant(rec))
    return [rec if relevant(rec) else layout.redact(rec) for rec in records[first:]]


def _write_payload(store: Store, data: Path, target: str, case_id: str | None,
                   captures: list[CaptureSummary], reports: Sequence[ReportFile],
                   on_capture: OnCapture) -> dict[str, Any]:
    station = store.custody.signer
    for done, capture in enumerate(captures, 1):
        source = store.settings.capture_dir(capture.capture_id)
        shutil.copytree(source, data / "captures" / capture.capture_id,
                        copy_function=shutil.copyfile)
        layout.write_tsa_chains(source, data / "tsa" / capture.capture_id)
        if on_capture is not None:
            on_capture(done, len(captures))
    if store.settings.tsa_ca is not None and store.settings.tsa_ca.is_file():
        shutil.copyfile(store.settings.tsa_ca, data / "tsa" / "exporting-station-tsa-roots.pem")
    key_file = layout.key_file_name(station.fingerprint)
    (data / "keys").mkdir()
    (data / "keys" / key_file).write_bytes(station.public_pem)
    origin.write_origin_histories(store, [c.capture_id for c in captures], data)
    for report in reports:
        (data / REPORTS_DIR).mkdir(exist_ok=True)
        shutil.copyfile(report.source, data / REPORTS_DIR / report.name)
    lines = _custody_lines(store.custody_log(), _owner_ids(target, case_id, captures))
    (data / "custody.jsonl").write_text("".join(record_to_json(r) + "\n" for r in lines), "utf-8")
    index = layout.package_index(store, target, case_id, captures, lines, key_file)
    index["reports"] = [report.as_index() for report in reports]
    index["redacted"] = [line["seq"] for line in lines if line.get("redacted")]
    index["readme_sha256"] = hashlib.sha256(_readme(target, index).encode("utf-8")).hexdigest()
    index["bag_info"] = _bag_info(target, index)
    index["files"] = covered_files(data, skip={layout.INDEX, SIGNATURE})
    write_signed_index(data, index, station.sign)
    return index


def _zip_folder(folder: Path, out_zip: Path, top: str) -> None:
    tmp = out_zip.with_name(f".{out_zip.name}.partial")
    try:
        with zipfile.ZipFile(tmp, "x", zipfile.ZIP_DEFLATED) as archive:
            for path in walk_files(folder):
                archive.write(path, f"{top}/{path.relative_to(folder).as_posix()}")
    except (OSError, zipfile.BadZipFile) as exc:
        tmp.unlink(missing_ok=True)
        raise StorageError(Msg("storage.file.cannot_write", path=out_zip)) from exc
    commit_temp_file(tmp, out_zip)


def export_package(store: Store, target: str, out_zip: Path, *, reports: Sequence[Path] = (),
                   on_capture: OnCapture = None) -> ExportResult:
    """Write the bag for ``target`` (capture id or case id) to ``out_zip``.

    ``reports`` are extraction-record PDFs; each must carry the SHA-256 of a
    ``reported`` event of this store about the target, or nothing is written.
    """
    if store.custody.signer is None:
        raise StorageError(Msg("package.export.no_key"), hint=Msg("storage.custody.no_key.hint"))
    if out_zip.exists():
        raise InputError(Msg("package.export.exists", path=out_zip))
    if not out_zip.parent.is_dir():
        raise InputError(Msg("package.export.no_folder", path=out_zip))
    case_id, captures, skipped = _select(store, target)
    chosen = select_reports(store.custody_log(), reports, _owner_ids(target, case_id, captures))
    top = f"evidence-{check_case_id(target) if target == case_id else target}"  # a safe name
    with tempfile.TemporaryDirectory(prefix="evidence-export-") as temp:
        bag_dir = Path(temp) / top
        bag_dir.mkdir()
        index = _write_payload(store, bag_dir, target, case_id, captures, chosen, on_capture)
        _make_bag(bag_dir, target, index)
        _zip_folder(bag_dir, out_zip, top)
    digest = file_digests(out_zip).sha256
    record = _record_export(store, out_zip, digest, case_id, captures, index)
    receipt = out_zip.with_name(out_zip.name + ".export-event.json")
    atomic_write_bytes(receipt, (record_to_json(record) + "\n").encode("utf-8"))
    return ExportResult(out_zip, digest, tuple(c.capture_id for c in captures),
                        tuple(skipped), record["seq"], receipt, tuple(index["reports"]),
                        _checkpoint(store, record))


def _checkpoint(store: Store, record: dict[str, Any]) -> dict[str, Any] | None:
    """Every export anchors the chain head, the export event included, when a TSA answers."""
    from evidence_capture.errors import EvidenceError
    from evidence_capture.storage.checkpoint import take_checkpoint
    from evidence_capture.timestamping.verify import load_tsa_roots

    settings = store.settings
    try:
        roots = load_tsa_roots(settings.tsa_ca) if settings.tsa_ca else ()
        return take_checkpoint(settings.home, record, urls=settings.tsa_urls, roots=roots,
                               timeout=30.0).as_record()
    except EvidenceError as exc:
        return {"error": exc.message}  # the export stands; `custody checkpoint` can be re-run


def _bag_info(target: str, index: dict[str, Any]) -> dict[str, str]:
    """Every field of bag-info.txt but Payload-Oxum: fixed in the signed index."""
    return {"Source-Organization": "evidence-capture station " + index["station"]["fingerprint"],
            "External-Description": f"Evidence package for {target}",
            "External-Identifier": target, "Bagging-Date": index["exported_at"][:10],
            "Bag-Software-Agent": f"{TOOL_NAME} {__version__}"}


def _readme(target: str, index: dict[str, Any]) -> str:
    return README.format(
        target=target, exported_at=index["exported_at"], tool=f"{TOOL_NAME} {__version__}",
        fingerprint=index["station"]["fingerprint"], custody_schema=CUSTODY_SCHEMA)


def _make_bag(bag_dir: Path, target: str, index: dict[str, Any]) -> None:
    try:
        bagit.make_bag(str(bag_dir), bag_info=dict(index["bag_info"]),
                       checksums=["sha256", "sha512"])
    except (bagit.BagError, OSError) as exc:
        raise StorageError(Msg("package.export.bag_failed")) from exc
    (bag_dir / "README.txt").write_bytes(_readme(target, index).encode("utf-8"))
    bagit.Bag(str(bag_dir)).save()  # adds README.txt to the tag manifests


def _record_export(store: Store, out_zip: Path, digest: str, case_id: str | None,
                   captures: Iterable[CaptureSummary], index: dict[str, Any]) -> dict[str, Any]:
    details = {"package": out_zip.name, "package_sha256": digest,
               "captures": [c.capture_id for c in captures], "custody": index["custody"],
               "reports": [{"name": r["name"], "sha256": r["sha256"]} for r in index["reports"]]}
    with store.transaction() as session:
        return store.append_event(session, NewEvent(
            "exported", "package", out_zip.name, "sha256:" + digest, case_id, details))
