"""The ``Store`` facade: cases, captures, artifacts, timestamps and custody.

Crash safety: ``begin_capture`` commits an ``in_progress`` row before any
file is written; ``complete_capture`` runs only after every file is durable
and its hashes are in the database and match the disk.  ``recover_incomplete``
turns rows a crash left ``in_progress`` (owner process gone) into visible
``incomplete`` ones.
"""

from __future__ import annotations

import getpass
import json
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from evidence_capture.config import Settings
from evidence_capture.errors import InputError, Message, Msg, NotFoundError, StorageError
from evidence_capture.models import CaseInfo, Officer, format_digest
from evidence_capture.storage import artifacts as files
from evidence_capture.storage.capture_events import check_files, completion_events, timestamp_event
from evidence_capture.storage.chain import (
    ChainReport, Problem, StationSigner, key_fingerprint, load_public_key,
)
from evidence_capture.storage.custody import Actor, CustodyLog, NewEvent, head_path_for
from evidence_capture.storage.db import create_schema, make_engine, writer
from evidence_capture.storage.models import (
    ArtifactRow, CaptureOwnerRow, CaptureRow, CaseRow, OfficerRow, StationKeyRow, TimestampRow,
)
from evidence_capture.storage.owner import ProcessOwner
from evidence_capture.storage.views import CaptureSummary, CaseSummary, ArtifactRecord, stored_text
from evidence_capture.timeutil import utcnow

IN_PROGRESS, COMPLETE, FAILED, INCOMPLETE = "in_progress", "complete", "failed", "incomplete"
OWN_KEY_SOURCE = "this station"


def status_text(status: str) -> Message:
    """A capture status for people: its catalog label (``store.status.*``) when there is one."""
    from evidence_capture.i18n import has_key

    return Msg(f"store.status.{status}") if has_key(f"store.status.{status}") else status


def default_actor(settings: Settings) -> Actor:
    if settings.officers:
        officer = Officer.parse(settings.officers[0])
        return Actor(officer.name, officer.cert_no)
    return Actor(getpass.getuser(), "unknown")


class Store:
    def __init__(self, settings: Settings, *, signer: StationSigner | None = None,
                 actor: Actor | None = None) -> None:
        self.settings = settings
        self.engine = make_engine(settings.db_url)
        create_schema(self.engine)
        self.custody = CustodyLog(self.engine, head_path_for(settings.home), signer=signer,
                                  actor=actor or default_actor(settings))
        if signer is not None:
            self.register_key(signer.public_pem, source=OWN_KEY_SOURCE, trusted=True)

    # --- plumbing -------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction; the custody head file follows a successful commit."""
        session = Session(writer(self.engine), expire_on_commit=False)
        try:
            with session.begin():
                yield session
        except IntegrityError as exc:
            raise StorageError(Msg("storage.conflict")) from exc
        except SQLAlchemyError as exc:
            raise StorageError(Msg("storage.db_error", kind=type(exc).__name__)) from exc
        finally:
            head = session.info.pop("custody_head", None)
            session.close()
        if head is not None:
            self.custody.write_head(head)

    def append_event(self, session: Session, new: NewEvent) -> dict[str, Any]:
        return self.custody.append(session, new)

    def register_key(self, public_pem: bytes, *, source: str, trusted: bool) -> str:
        fingerprint = key_fingerprint(load_public_key(public_pem))
        with self.transaction() as session:
            if session.get(StationKeyRow, fingerprint) is None:
                session.add(StationKeyRow(fingerprint=fingerprint, public_pem=public_pem.decode(),
                                          source=source, trusted=trusted, added_at=utcnow()))
        return fingerprint

    def custody_keys(self) -> dict[str, Ed25519PublicKey]:
        """This station's own keys: the only ones that sign this store's chain."""
        with Session(self.engine) as session:
            rows = session.scalars(
                select(StationKeyRow).where(StationKeyRow.source == OWN_KEY_SOURCE)).all()
        return {row.fingerprint: load_public_key(row.public_pem.encode()) for row in rows}

    # --- cases ------------------------------------------------------------------

    def open_case(self, case: CaseInfo) -> CaseSummary:
        if not case.case_id.strip():
            raise InputError(Msg("storage.case.empty_id"))
        with self.transaction() as session:
            if session.get(CaseRow, case.case_id) is not None:
                raise InputError(Msg("storage.case.exists", case_id=case.case_id))
            session.add(CaseRow(case_id=case.case_id, title=case.title, subject=case.subject,
                                purpose=case.purpose, opened_at=utcnow()))
            self.append_event(session, NewEvent(
                "note", "case", case.case_id, case_id=case.case_id,
                details={"action": "case-opened", **case.as_record()}))
        return self.get_case(case.case_id)

    def list_cases(self) -> list[CaseSummary]:
        with Session(self.engine) as session:
            rows = session.scalars(select(CaseRow).order_by(CaseRow.opened_at)).all()
            return [CaseSummary.from_row(row) for row in rows]

    def get_case(self, case_id: str) -> CaseSummary:
        with Session(self.engine) as session:
            row = session.get(CaseRow, case_id)
            if row is None:
                raise NotFoundError(Msg("storage.case.missing", case_id=case_id),
                                    hint=Msg("storage.case.missing.hint"))
            return CaseSummary.from_row(row)

    # --- captures ---------------------------------------------------------------

    def begin_capture(self, capture_id: str, *, url: str, case_id: str | None = None,
                      officers: Sequence[Officer] = (), owner: ProcessOwner | None = None) -> Path:
        """Commit an ``in_progress`` row, owned by this process, first; returns the folder."""
        owner = owner or ProcessOwner.current()
        with self.transaction() as session:
            if case_id is not None and session.get(CaseRow, case_id) is None:
                raise NotFoundError(Msg("storage.case.missing", case_id=case_id), hint=Msg("storage.case.open.hint"))
            row = CaptureRow(capture_id=capture_id, case_id=case_id, url=url, status=IN_PROGRESS,
                             started_at=utcnow(), origin="local")
            row.officers = [_officer_row(session, officer) for officer in officers]
            session.add(row)
            session.flush()  # the owner row refers to it
            session.add(CaptureOwnerRow(capture_id=capture_id, host=owner.host, pid=owner.pid,
                                        started=owner.started))
        return self.settings.capture_dir(capture_id)

    def has_capture(self, capture_id: str) -> bool:
        with Session(self.engine) as session:
            return session.get(CaptureRow, capture_id) is not None

    def get_capture(self, capture_id: str) -> CaptureSummary:
        with Session(self.engine) as session:
            return CaptureSummary.from_row(_capture(session, capture_id))

    def artifacts_of(self, capture_id: str) -> list[ArtifactRecord]:
        with Session(self.engine) as session:
            return [ArtifactRecord.from_row(a) for a in _capture(session, capture_id).artifacts]

    def record_artifacts(self, capture_id: str, records: Sequence[ArtifactRecord]) -> None:
        with self.transaction() as session:
            _capture(session, capture_id, IN_PROGRESS)
            for rec in records:
                session.add(ArtifactRow(capture_id=capture_id, **rec.as_record()))

    def record_seal(self, capture_id: str, *, manifest_sha256: str, capture_state: str,
                    signer_fingerprint: str) -> None:
        with self.transaction() as session:
            row = _capture(session, capture_id, IN_PROGRESS)
            row.manifest_sha256 = manifest_sha256
            row.capture_state = capture_state
            row.signer_fingerprint = signer_fingerprint

    def record_timestamp(self, capture_id: str, position: int, *, tsa_url: str, state: str,
                         tsr_sha256: str | None = None, gen_time: datetime | None = None,
                         serial: str | None = None, policy_oid: str | None = None,
                         error: str | None = None) -> None:
        """Record one TSA slot.  A retry may replace a failed slot; a granted one is final."""
        fields = dict(tsa_url=tsa_url, state=state, tsr_sha256=tsr_sha256, gen_time=gen_time,
                      serial=serial, policy_oid=policy_oid, error=error)
        with self.transaction() as session:
            row = _capture(session, capture_id)
            slot = next((ts for ts in row.timestamps if ts.position == position), None)
            if slot is not None and slot.state == "granted":
                raise InputError(Msg("storage.timestamp.granted", position=position, capture_id=capture_id))
            if slot is None:
                slot = TimestampRow(capture_id=capture_id, position=position)
                session.add(slot)
            for name, value in fields.items():
                setattr(slot, name, value)
            session.flush()
            session.refresh(row)
            row.timestamp_state = _timestamp_state(row.timestamps)
            if row.status == COMPLETE and state == "granted":
                self.append_event(session, timestamp_event(row, slot))

    def complete_capture(self, capture_id: str) -> CaptureSummary:
        """Mark complete, only once every file is durable and matches its recorded hashes."""
        summary = self.get_capture(capture_id)
        if summary.status != IN_PROGRESS:
            raise InputError(Msg("storage.capture.not_in_progress", capture_id=capture_id, status=status_text(summary.status)))
        folder = self.settings.capture_dir(capture_id)
        check_files(folder, summary, self.artifacts_of(capture_id))
        files.make_durable(folder)
        files.make_read_only(folder)
        with self.transaction() as session:
            row = _capture(session, capture_id, IN_PROGRESS)
            row.status, row.completed_at = COMPLETE, utcnow()
            for new in completion_events(row):
                self.append_event(session, new)
        return self.get_capture(capture_id)

    def mark_failed(self, capture_id: str, reason: Message, *, status: str = FAILED,
                    error: str | None = None) -> None:
        """``reason`` for people (a catalog message); ``error``, a third-party error's own
        text, goes only into the custody note, for the technical record."""
        details = {"action": f"capture-{status}", "reason": str(reason)}
        if error:
            details["error"] = error
        with self.transaction() as session:
            row = _capture(session, capture_id, IN_PROGRESS)
            row.status, row.failure_reason, row.completed_at = status, stored_text(reason), utcnow()
            self.append_event(session, NewEvent(
                "note", "capture", capture_id, case_id=row.case_id, details={**details, "url": row.url}))

    def recover_incomplete(self) -> list[str]:
        """Captures a crash left ``in_progress`` become ``incomplete``, with a custody note.

        Only captures whose owning process is provably gone; one still running
        elsewhere is left alone.  A row without an owner predates owner records.
        """
        with Session(self.engine) as session:
            rows = session.execute(
                select(CaptureRow.capture_id, CaptureOwnerRow)
                .outerjoin(CaptureOwnerRow, CaptureOwnerRow.capture_id == CaptureRow.capture_id)
                .where(CaptureRow.status == IN_PROGRESS)).all()
        stale = [capture_id for capture_id, owner in rows if owner is None or ProcessOwner(
            owner.host, owner.pid, owner.started).is_gone()]
        for capture_id in stale:
            self.mark_failed(capture_id, Msg("storage.capture.interrupted"),
                             status=INCOMPLETE)
        return list(stale)

    def orphan_folders(self) -> list[Path]:
        """Folders in the captures directory that no capture row owns (e.g. a crashed import)."""
        root = self.settings.captures_dir
        if not root.is_dir():
            return []
        with Session(self.engine) as session:
            known = set(session.scalars(select(CaptureRow.capture_id)).all())
        return sorted(p for p in root.iterdir() if p.name not in known)

    # --- custody ----------------------------------------------------------------

    def custody_log(self, target: str | None = None) -> list[dict[str, Any]]:
        """The events about ``target`` (all without); an unknown target is NotFoundError."""
        with Session(self.engine) as session:
            events = list(self.custody.records(session, target))
        if target is not None and not events:
            self._target_kind(target)
        return events

    def imported_history(self, target: str | None = None) -> list[dict[str, Any]]:
        """The originating stations' events carried in by imported packages, verbatim.

        Each item: ``{"package_sha256", "source", "imported_at", "events"}``;
        with ``target`` only events about that case or capture are kept
        (redacted links, which carry no content, are left out).
        """
        from evidence_capture.storage.models import ImportedCustodyRow, ImportRow

        with Session(self.engine) as session:
            imports = session.scalars(select(ImportRow).order_by(ImportRow.id)).all()
            result = []
            for imp in imports:
                lines = session.scalars(select(ImportedCustodyRow.event_json).where(
                    ImportedCustodyRow.import_id == imp.id).order_by(ImportedCustodyRow.position)).all()
                events = [e for e in map(json.loads, lines) if not e.get("redacted") and (
                    target is None or target in (e["object"]["id"], e.get("case_id"))
                    or imp.case_id == target)]
                if events:
                    result.append({"package_sha256": imp.package_sha256, "source": imp.source,
                                   "imported_at": imp.imported_at.isoformat(), "events": events})
        return result

    def note(self, target: str, text: str) -> dict[str, Any]:
        if not text.strip():
            raise InputError(Msg("storage.note.empty"))
        kind, case_id = self._target_kind(target)
        with self.transaction() as session:
            return self.append_event(session, NewEvent(
                "note", kind, target, case_id=case_id, details={"text": text}))

    def record_report(self, kind: str, object_id: str, *, case_id: str | None, sha256: str,
                      details: Mapping[str, Any]) -> dict[str, Any]:
        """A printed extraction record, with the PDF's hash, joins the custody chain."""
        with self.transaction() as session:
            return self.append_event(session, NewEvent(
                "reported", kind, object_id, format_digest("sha256", sha256), case_id,
                dict(details)))

    def verify_custody(self, pinned: Mapping[str, Ed25519PublicKey] | None = None, *,
                       every_signature: bool = False, must_check: Sequence[int] = ()) -> ChainReport:
        """Walk the chain.  With ``pinned`` keys only those count; the key table is
        in the same database an attacker could edit, so it is the fallback only.
        ``every_signature`` checks each signature one by one instead of the fast path;
        ``must_check`` (checkpointed seqs) are checked one by one on the fast path too."""
        report = self.custody.verify_chain(dict(pinned) if pinned else self.custody_keys(),
                                           every_signature=every_signature, must_check=must_check)
        if report.events == 0 and self._has_local_records():
            problem = Problem(1, "missing_events", Msg("custody.problem.all_deleted"))
            report = replace(report, problems=(problem, *report.problems))
        return report

    def _has_local_records(self) -> bool:
        with Session(self.engine) as session:
            return (session.scalars(select(CaseRow.case_id).limit(1)).first() is not None
                    or session.scalars(select(CaptureRow.capture_id).where(
                        CaptureRow.origin == "local").limit(1)).first() is not None)

    def _target_kind(self, target: str) -> tuple[str, str | None]:
        with Session(self.engine) as session:
            if session.get(CaseRow, target) is not None:
                return "case", target
            capture = session.get(CaptureRow, target)
            if capture is not None:
                return "capture", capture.case_id
        raise NotFoundError(Msg("storage.target.missing", target=target))


def _capture(session: Session, capture_id: str, status: str | None = None) -> CaptureRow:
    row = session.get(CaptureRow, capture_id)
    if row is None:
        raise NotFoundError(Msg("storage.capture.missing", capture_id=capture_id))
    if status is not None and row.status != status:
        raise InputError(Msg("storage.capture.wrong_status", capture_id=capture_id, status=status_text(row.status),
                               wanted=status_text(status)))
    return row


def _officer_row(session: Session, officer: Officer) -> OfficerRow:
    """The officer's row, added if new; another station adding it at the same time is fine."""
    query = select(OfficerRow).where(OfficerRow.cert_no == officer.cert_no)
    row = session.scalars(query).first()
    if row is not None:
        return row
    try:
        with session.begin_nested():  # a savepoint: a concurrent insert only undoes this
            row = OfficerRow(name=officer.name, cert_no=officer.cert_no)
            session.add(row)
    except IntegrityError:
        row = session.scalars(query).one()
    return row


def _timestamp_state(rows: Sequence[TimestampRow]) -> str:
    granted = sum(1 for row in rows if row.state == "granted")
    if not rows:
        return "none"
    return "granted" if granted == len(rows) else ("partial" if granted else "failed")

