"""The custody log in the database: append, query and verify the chain.

Appends happen inside the caller's transaction, so a state change and its
custody event commit together.  The first append of a transaction takes the
chain lock (``db.lock_chain``) before it reads the tail, so concurrent
writers (threads, processes, hosts on one PostgreSQL) still make one chain:
no gap, no fork, no duplicate ``seq``.  After each commit the store writes a small
*chain head* file next to the database (``custody-head.json``: last seq and
hash); deleting events from the end of the table is then detected too.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Engine, func, or_, select
from sqlalchemy.orm import Session

from evidence_capture import TOOL_NAME, __version__
from evidence_capture.errors import InputError, Msg, SigningError, StorageError
from evidence_capture.storage.artifacts import atomic_write_bytes
from evidence_capture.storage.chain import (
    EVENT_TYPES, GENESIS_HASH, ChainReport, Problem, StationSigner, canonical, event_hash_of,
    hash_bytes, verify_records,
)
from evidence_capture.storage.chain_fast import fast_verify
from evidence_capture.storage.db import lock_chain
from evidence_capture.storage.models import CaptureRow, CustodyEventRow
from evidence_capture.timeutil import iso_utc, utcnow


@dataclass(frozen=True)
class Actor:
    name: str
    cert_no: str

    def as_record(self) -> dict[str, str]:
        return {"name": self.name, "cert_no": self.cert_no}


@dataclass(frozen=True)
class NewEvent:
    type: str
    object_kind: str  # case | capture | package | store
    object_id: str
    object_digest: str | None = None
    case_id: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    actor: Actor | None = None  # who acted, when not the station's default actor (the first officer)

    def __post_init__(self) -> None:
        if self.type not in EVENT_TYPES:
            raise InputError(Msg("storage.event_type", type=self.type))


def _details(text: Any) -> Any:
    """The stored details; text edited into something that is not JSON stays text (its hash
    then fails: an edit, reported, not a crash)."""
    try:
        return json.loads(text)
    except (TypeError, ValueError, RecursionError):
        return text


def row_to_record(row: CustodyEventRow) -> dict[str, Any]:
    return {
        "seq": row.seq, "type": row.event_type, "time": row.time_utc,
        "actor": {"name": row.actor_name, "cert_no": row.actor_cert}, "host": row.host,
        "tool": {"name": TOOL_NAME, "version": row.tool_version},
        "object": {"kind": row.object_kind, "id": row.object_id, "digest": row.object_digest},
        "case_id": row.case_id, "details": _details(row.details),
        "prev_hash": row.prev_hash, "event_hash": row.event_hash,
        "signer": row.signer, "signature": row.signature,
    }


def _record_to_row(record: Mapping[str, Any]) -> CustodyEventRow:
    return CustodyEventRow(
        seq=record["seq"], event_type=record["type"], time_utc=record["time"],
        actor_name=record["actor"]["name"], actor_cert=record["actor"]["cert_no"],
        host=record["host"], tool_version=record["tool"]["version"],
        object_kind=record["object"]["kind"], object_id=record["object"]["id"],
        object_digest=record["object"]["digest"], case_id=record["case_id"],
        details=canonical(record["details"]).decode("utf-8"),
        prev_hash=record["prev_hash"], event_hash=record["event_hash"],
        signer=record["signer"], signature=record["signature"],
    )


class CustodyLog:
    def __init__(self, engine: Engine, head_path: Path, *, signer: StationSigner | None,
                 actor: Actor) -> None:
        self.engine = engine
        self.head_path = head_path
        self.signer = signer
        self.actor = actor
        self.host = socket.gethostname()

    def append(self, session: Session, new: NewEvent) -> dict[str, Any]:
        """Add one signed event to the chain inside ``session``'s transaction."""
        if self.signer is None:
            raise SigningError(Msg("storage.custody.no_key"), hint=Msg("storage.custody.no_key.hint"))
        if "custody_head" not in session.info:
            lock_chain(session)  # first append of this transaction: wait for other writers
        seq, prev_hash = self._tail(session)
        body = {
            "seq": seq + 1, "type": new.type,
            "time": iso_utc(utcnow()), "actor": (new.actor or self.actor).as_record(),
            "host": self.host,
            "tool": {"name": TOOL_NAME, "version": __version__},
            "object": {"kind": new.object_kind, "id": new.object_id,
                       "digest": new.object_digest},
            "case_id": new.case_id, "details": json.loads(canonical(dict(new.details))),
            "prev_hash": prev_hash,
        }
        digest = event_hash_of(body)
        record = {**body, "event_hash": digest, "signer": self.signer.fingerprint,
                  "signature": self.signer.sign(hash_bytes(digest)).hex()}
        session.add(_record_to_row(record))
        session.flush()
        session.info["custody_head"] = {"seq": record["seq"], "event_hash": digest}
        return record

    @staticmethod
    def _tail(session: Session) -> tuple[int, str]:
        """The last (seq, event_hash): from this transaction's own appends, else the table."""
        head = session.info.get("custody_head")
        if head is not None:
            return head["seq"], head["event_hash"]
        last = session.scalars(
            select(CustodyEventRow).order_by(CustodyEventRow.seq.desc()).limit(1)).first()
        return (0, GENESIS_HASH) if last is None else (last.seq, last.event_hash)

    def write_head(self, head: Mapping[str, Any]) -> None:
        """Move the head file forward (never back: concurrent writers finish in any order)."""
        self.head_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.head_path.with_name(self.head_path.name + ".lock"), "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            current = self.read_head()
            if current is not None and int(current.get("seq", 0)) >= int(head["seq"]):
                return
            atomic_write_bytes(self.head_path, json.dumps(dict(head)).encode(), replace=True)

    def read_head(self) -> dict[str, Any] | None:
        try:
            return json.loads(self.head_path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise StorageError(Msg("storage.custody.head_unreadable", path=self.head_path)) from exc

    def records(self, session: Session, target: str | None = None,
                *, since: int = 1) -> Iterator[dict[str, Any]]:
        query = select(CustodyEventRow).where(CustodyEventRow.seq >= since)
        if target is not None:
            captures = select(CaptureRow.capture_id).where(CaptureRow.case_id == target)
            query = query.where(or_(
                CustodyEventRow.object_id == target, CustodyEventRow.case_id == target,
                CustodyEventRow.object_id.in_(captures),
            ))
        rows = session.execute(query.order_by(CustodyEventRow.seq).execution_options(
            yield_per=2000))
        for row in rows.scalars():
            yield row_to_record(row)

    def last_event(self) -> tuple[int, str] | None:
        """The table's last (seq, event_hash), None when the log is empty."""
        with Session(self.engine) as session:
            seq, event_hash = self._tail(session)
        return (seq, event_hash) if seq else None

    def event_hash_at(self, seq: int) -> tuple[str | None, int]:
        """The stored hash of event ``seq`` (None if there is none) and the last seq (0 if empty)."""
        with self.engine.connect() as conn:
            found = conn.execute(select(CustodyEventRow.event_hash).where(
                CustodyEventRow.seq == seq)).scalar_one_or_none()
            last = conn.execute(select(func.max(CustodyEventRow.seq))).scalar()
        return found, int(last or 0)

    def verify_chain(self, keys: Mapping[str, Ed25519PublicKey], *, every_signature: bool = False,
                     must_check: Iterable[int] = ()) -> ChainReport:
        """Walk the whole chain; report the first broken link, gaps, edits and deletions.

        The fast path (``chain_fast``) answers for an intact chain, checking the signatures
        of ``must_check`` (checkpointed events) too; anything it cannot vouch for, and
        ``every_signature``, runs the full walk.
        """
        head = self.read_head()
        if not every_signature:
            with self.engine.connect() as conn:
                report = fast_verify(conn, keys, head=head, must_check=must_check)
            if report is not None:
                return report
        with Session(self.engine) as session:
            report = verify_records(self.records(session), keys, head=head)
        return with_store_anchors(report, head_missing=head is None)


def with_store_anchors(report: ChainReport, *, head_missing: bool) -> ChainReport:
    """The store's own chain must start at seq 1 and have its head file.

    (A package's chain excerpt may legitimately start later; it has its own
    anchoring rules, so ``verify_records`` itself does not demand this.)
    """
    extra = []
    if not report.anchored:
        extra.append(Problem(1, "genesis", Msg("custody.problem.head_deleted", last=(report.first_seq or 1) - 1)))
    if head_missing and report.events:
        extra.append(Problem(report.last_seq or 0, "missing_head", Msg("custody.problem.no_head_file")))
    if not extra:
        return report
    problems = tuple(sorted((*report.problems, *extra), key=lambda p: p.seq))
    return replace(report, problems=problems)


def head_path_for(home: Path) -> Path:
    return Path(os.fspath(home)) / "custody-head.json"
