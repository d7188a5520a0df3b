"""Extraction-record PDFs carried in a package, as ``data/reports/<name>.pdf``.

At export a PDF is accepted only if this store's custody chain holds a
``reported`` event for the exported target with exactly its SHA-256: an
unrecorded or altered PDF is never shipped as the record.  Offline, every
listed PDF is checked against the hash in ``package.json`` and against a
``reported`` event in the package's own ``custody.jsonl``, whose event hash
and station signature are recomputed here (a PDF never vouches for itself).
Files under ``data/reports/`` that the index does not list are flagged.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from evidence_capture.errors import InputError, Msg, PackageError
from evidence_capture.storage.artifacts import file_digests, walk_files
from evidence_capture.storage.chain import event_hash_of, hash_bytes
from evidence_capture.verify.checks import CheckResult

REPORTS_DIR = "reports"
_NAME = re.compile(r"^\w[\w.\-]{0,95}\.pdf$")  # \w includes CJK; no path separators
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class ReportFile:
    """One PDF chosen for export, with the ``reported`` event that records it."""

    source: Path
    name: str
    sha256: str
    size: int
    event: Mapping[str, Any]

    def as_index(self) -> dict[str, Any]:
        details = self.event.get("details") or {}
        return {"name": self.name, "path": f"{REPORTS_DIR}/{self.name}", "sha256": self.sha256,
                "size": self.size, "reported_seq": self.event["seq"],
                "object": dict(self.event["object"]), "record_no": details.get("record_no")}


def _export_name(path: Path, seq: int) -> str:
    name = path.stem + ".pdf"
    return name if _NAME.match(name) else f"record-{seq}.pdf"


def _select_one(records: Sequence[Mapping[str, Any]], path: Path, owners: set[str]) -> ReportFile:
    if not path.is_file():
        raise InputError(Msg("package.report.missing", path=path))
    with path.open("rb") as handle:
        if handle.read(5) != b"%PDF-":
            raise InputError(Msg("package.report.not_pdf", path=path))
    digests = file_digests(path)
    tag = "sha256:" + digests.sha256
    events = [r for r in records if r.get("type") == "reported" and r["object"]["digest"] == tag]
    mine = [e for e in events if e["object"]["id"] in owners]
    if not mine:
        where = Msg("package.report.other_target", target=events[-1]["object"]["id"]) if events \
            else Msg("package.report.unrecorded")
        raise InputError(Msg("package.report.refused", name=path.name, digest=tag, where=where),
                         hint=Msg("package.report.refused.hint"))
    event = mine[-1]
    return ReportFile(path, _export_name(path, event["seq"]), digests.sha256, digests.size, event)


def select_reports(records: Sequence[Mapping[str, Any]], paths: Iterable[Path],
                   owners: set[str]) -> tuple[ReportFile, ...]:
    """Match each PDF to a ``reported`` event about one of ``owners`` (target ids)."""
    chosen: list[ReportFile] = []
    for path in paths:
        report = _select_one(records, Path(path), owners)
        if any(c.name == report.name or c.sha256 == report.sha256 for c in chosen):
            raise InputError(Msg("package.report.twice", name=report.name))
        chosen.append(report)
    return tuple(chosen)


def read_entries(index: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The ``reports`` list of package.json, validated (hostile input: PackageError)."""
    entries = index.get("reports", [])
    if not isinstance(entries, list):
        raise PackageError(Msg("package.reports.not_list"))
    names = set()
    for entry in entries:
        ok = isinstance(entry, dict) and isinstance(entry.get("name"), str) and isinstance(
            entry.get("sha256"), str) and _NAME.match(entry["name"]) and _HEX64.match(entry["sha256"])
        if not ok:
            raise PackageError(Msg("package.reports.bad_entry", entry=f"{entry!r:.120}"))
        if entry["name"] in names:
            raise PackageError(Msg("package.reports.twice", name=entry["name"]))
        names.add(entry["name"])
    return entries


def _event_check(name: str, event: Mapping[str, Any], trusted: Mapping[str, Ed25519PublicKey],
                 shipped: Mapping[str, Ed25519PublicKey]) -> CheckResult:
    seq = event["seq"]
    if event_hash_of(event) != event["event_hash"]:
        return CheckResult.failed(name, Msg("package.report.event_altered", seq=seq))
    key = trusted.get(event["signer"]) or shipped.get(event["signer"])
    if key is None:
        return CheckResult.not_checked(name, Msg("package.report.key_not_shipped", seq=seq))
    try:
        key.verify(bytes.fromhex(event["signature"]), hash_bytes(event["event_hash"]))
    except (InvalidSignature, TypeError, ValueError):
        return CheckResult.failed(name, Msg("package.report.bad_signature", seq=seq))
    about = {"seq": seq, "kind": event["object"]["kind"], "id": event["object"]["id"]}
    if event["signer"] not in trusted:
        return CheckResult.not_checked(name, Msg("package.report.not_pinned", **about))
    return CheckResult.passed(name, Msg("package.report.ok", **about))


def _report_check(folder: Path, entry: Mapping[str, Any], records: Sequence[Mapping[str, Any]],
                  owners: set[str], trusted: Mapping[str, Ed25519PublicKey],
                  shipped: Mapping[str, Ed25519PublicKey]) -> CheckResult:
    name = f"report[{entry['name']}]"
    path = folder / entry["name"]
    if not path.is_file():
        return CheckResult.failed(name, Msg("package.report.absent"))
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if actual != entry["sha256"]:
        return CheckResult.failed(name, Msg("package.report.differs", actual=actual, listed=entry["sha256"]))
    events = [r for r in records if not r.get("redacted") and r.get("type") == "reported"
              and (r.get("object") or {}).get("digest") == "sha256:" + actual
              and r["object"].get("id") in owners]
    if not events:
        return CheckResult.failed(name, Msg("package.report.no_event", actual=actual))
    return _event_check(name, events[-1], trusted, shipped)


def report_checks(data: Path, index: Mapping[str, Any], records: Sequence[Mapping[str, Any]], *,
                  trusted: Mapping[str, Ed25519PublicKey],
                  shipped: Mapping[str, Ed25519PublicKey]) -> list[CheckResult]:
    """``index.reports`` (listed = present) and one ``report[<name>]`` check per PDF."""
    entries = read_entries(index)
    folder = data / REPORTS_DIR
    present = sorted(p.relative_to(folder).as_posix() for p in walk_files(folder)) \
        if folder.is_dir() else []
    if not entries and not present:
        return []
    listed = [entry["name"] for entry in entries]
    unlisted = sorted(set(present) - set(listed))
    checks = [CheckResult.failed("index.reports", Msg("package.reports.unlisted", files=", ".join(unlisted)))
              if unlisted else CheckResult.passed("index.reports", Msg("package.reports.ok", n=len(present)))]
    owners = {str(e.get("capture_id")) for e in index["captures"]}
    owners |= {str(v) for v in ((index.get("case") or {}).get("case_id"), index.get("target")) if v}
    checks += [_report_check(folder, entry, records, owners, trusted, shipped) for entry in entries]
    return checks
