"""The patrol job table in the store: one row per URL, claimed and finished in transactions.

States: ``queued`` → ``running`` (claimed, ``attempts`` + 1, a capture id
chosen) → ``done`` | ``failed``.  A claim is a write transaction, so two
workers never claim the same row (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL:
``FOR UPDATE SKIP LOCKED``).  A row is ``done`` only in the same transaction
that appends its ``patrol-item`` custody note, after its capture is complete
in the store; so a crash anywhere leaves either a finished row, or a
``running`` row that ``reclaim`` settles: done if its capture did complete,
else queued again.  Nothing is captured twice.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from evidence_capture.capture import new_capture_id
from evidence_capture.errors import Message, Msg, NotFoundError
from evidence_capture.patrol.listfile import PatrolItem
from evidence_capture.storage import NewEvent, Store
from evidence_capture.storage.models import CaptureRow, PatrolItemRow, PatrolJobRow
from evidence_capture.storage.owner import ProcessOwner
from evidence_capture.storage.views import stored_message, stored_text
from evidence_capture.timeutil import iso_utc, utcnow

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
ITEM_STATES = (QUEUED, RUNNING, DONE, FAILED)


@dataclass(frozen=True)
class Claim:
    """A claimed row: what to capture, under which capture id, on which attempt."""

    job_id: str
    position: int
    url: str
    case_id: str | None
    capture_id: str
    attempt: int


@dataclass(frozen=True)
class JobStatus:
    job_id: str
    source: str
    mode: str
    created_at: str
    counts: Mapping[str, int]
    items: tuple[Mapping[str, Any], ...]

    @property
    def state(self) -> str:
        """``queued`` (nothing started), ``running``, or ``done`` (no row left to run)."""
        if not self.counts.get(QUEUED) and not self.counts.get(RUNNING):
            return DONE
        if self.counts.get(QUEUED) == sum(self.counts.values()):
            return QUEUED
        return RUNNING

    def as_record(self) -> dict[str, Any]:
        return {"job_id": self.job_id, "source": self.source, "mode": self.mode,
                "created_at": self.created_at, "state": self.state,
                "counts": {s: self.counts.get(s, 0) for s in ITEM_STATES},
                "total": sum(self.counts.values()), "items": list(self.items)}


def new_job_id() -> str:
    return "P" + utcnow().strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def create_job(store: Store, items: Sequence[PatrolItem], *, source: str, mode: str,
               options: Mapping[str, Any]) -> str:
    """Write the job and one ``queued`` row per item (one transaction); returns the job id."""
    job_id = new_job_id()
    with store.transaction() as session:
        session.add(PatrolJobRow(job_id=job_id, source=source, mode=mode,
                                 options=json.dumps(dict(options), sort_keys=True),
                                 created_at=utcnow()))
        session.flush()
        for position, item in enumerate(items, start=1):
            session.add(PatrolItemRow(job_id=job_id, position=position, url=item.url,
                                      case_id=item.case_id, subject=item.subject,
                                      note=item.note, state=QUEUED, attempts=0))
        store.append_event(session, NewEvent("note", "store", job_id, details={
            "action": "patrol-created", "job": job_id, "source": source, "mode": mode,
            "items": len(items)}))
    return job_id


def job_options(store: Store, job_id: str) -> dict[str, Any]:
    with Session(store.engine) as session:
        return json.loads(_job(session, job_id).options)


def claim(store: Store, job_id: str, *, station: str, position: int | None = None,
          owner: ProcessOwner | None = None) -> Claim | None:
    """Take the next queued row (or row ``position``) of the job; None if there is none."""
    owner = owner or ProcessOwner.current()
    with store.transaction() as session:
        _job(session, job_id)
        query = select(PatrolItemRow).where(PatrolItemRow.job_id == job_id,
                                            PatrolItemRow.state == QUEUED)
        if position is not None:
            query = query.where(PatrolItemRow.position == position)
        query = query.order_by(PatrolItemRow.position).limit(1)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        row = session.scalars(query).first()
        if row is None:
            return None
        row.state, row.attempts, row.capture_id = RUNNING, row.attempts + 1, new_capture_id()
        row.owner_host, row.owner_pid, row.owner_started = owner.host, owner.pid, owner.started
        row.station, row.error, row.updated_at = station, None, utcnow()
        return Claim(job_id, row.position, row.url, row.case_id, row.capture_id, row.attempts)


def finish(store: Store, claim_: Claim, *, capture_state: str | None,
           error: Message | None = None) -> str:
    """Mark the claimed row done (its capture is complete) or failed; returns the new state."""
    state = FAILED if error is not None or capture_state == "FAILED" else DONE
    with store.transaction() as session:
        row = _item(session, claim_.job_id, claim_.position)
        row.state, row.capture_state = state, capture_state
        row.error = None if error is None else stored_text(error)
        row.updated_at = utcnow()
        store.append_event(session, _item_event(row))
    return state


def _item_event(row: PatrolItemRow) -> NewEvent:
    return NewEvent("note", "capture" if row.capture_id else "store",
                    row.capture_id or row.job_id, case_id=row.case_id, details={
                        "action": f"patrol-item-{row.state}", "job": row.job_id,
                        "position": row.position, "attempt": row.attempts, "url": row.url,
                        "subject": row.subject, "note": row.note, "error": _english(row.error)})


def reclaim(store: Store, job_id: str, *, retry_failed: bool = False,
            only_dead_owners: bool = True) -> dict[str, int]:
    """Settle rows a crash left ``running``; with ``retry_failed`` queue failed rows again.

    A running row whose owner still runs (here or on another host) is left
    alone when ``only_dead_owners``.  Returns how many rows went where.
    """
    moved: Counter[str] = Counter()
    with store.transaction() as session:
        _job(session, job_id)
        rows = session.scalars(select(PatrolItemRow).where(
            PatrolItemRow.job_id == job_id, PatrolItemRow.state.in_((RUNNING, FAILED)))).all()
        for row in rows:
            target = _settle(session, row, retry_failed, only_dead_owners)
            if target is not None:
                row.state, row.updated_at = target, utcnow()
                moved[target] += 1
    return dict(moved)


def _settle(session: Session, row: PatrolItemRow, retry_failed: bool,
            only_dead_owners: bool) -> str | None:
    if row.state == FAILED:
        return QUEUED if retry_failed else None
    owner = ProcessOwner(row.owner_host or "", row.owner_pid or 0, row.owner_started or "")
    if only_dead_owners and not owner.is_gone():
        return None
    capture = session.get(CaptureRow, row.capture_id) if row.capture_id else None
    if capture is not None and capture.status == "complete":
        row.capture_state = capture.capture_state
        return FAILED if capture.capture_state == "FAILED" else DONE
    return QUEUED


def job_status(store: Store, job_id: str) -> JobStatus:
    with Session(store.engine) as session:
        job = _job(session, job_id)
        rows = session.scalars(select(PatrolItemRow).where(PatrolItemRow.job_id == job_id)
                               .order_by(PatrolItemRow.position)).all()
        items = tuple(_item_record(row) for row in rows)
    return JobStatus(job.job_id, job.source, job.mode, iso_utc(job.created_at),
                     Counter(row["state"] for row in items), items)


def _item_record(row: PatrolItemRow) -> dict[str, Any]:
    return {"position": row.position, "url": row.url, "case": row.case_id,
            "subject": row.subject, "note": row.note, "state": row.state,
            "attempts": row.attempts, "capture_id": row.capture_id,
            "capture_state": row.capture_state, "error": _english(row.error), "station": row.station,
            "error_msg": _message_record(row.error)}


def _english(stored: str | None) -> str | None:
    message = stored_message(stored)
    return None if message is None else str(message)


def _message_record(stored: str | None) -> dict[str, Any] | None:
    message = stored_message(stored)
    return message.as_record() if isinstance(message, Msg) else None


def queued_positions(store: Store, job_id: str) -> list[int]:
    with Session(store.engine) as session:
        return list(session.scalars(select(PatrolItemRow.position).where(
            PatrolItemRow.job_id == job_id, PatrolItemRow.state == QUEUED)
            .order_by(PatrolItemRow.position)))


def list_jobs(store: Store) -> list[str]:
    with Session(store.engine) as session:
        return list(session.scalars(select(PatrolJobRow.job_id).order_by(PatrolJobRow.created_at)))


def _job(session: Session, job_id: str) -> PatrolJobRow:
    job = session.get(PatrolJobRow, job_id)
    if job is None:
        raise NotFoundError(Msg("patrol.no_job", job_id=job_id))
    return job


def _item(session: Session, job_id: str, position: int) -> PatrolItemRow:
    row = session.scalars(select(PatrolItemRow).where(
        PatrolItemRow.job_id == job_id, PatrolItemRow.position == position)).first()
    if row is None:
        raise NotFoundError(Msg("patrol.no_item", job_id=job_id, position=position))
    return row


def cases_needed(items: Iterable[PatrolItem]) -> dict[str, str]:
    """Case ids named by the list, with the first subject given for each."""
    found: dict[str, str] = {}
    for item in items:
        if item.case_id and item.case_id not in found:
            found[item.case_id] = item.subject
    return found
