"""Custody checkpoints: an RFC 3161 token over the chain head, kept outside the store.

``custody-head.json`` sits next to the database: whoever can rewrite the
database can rewrite it too, so deleting the last events and the head file
together goes unseen.  A checkpoint fixes the head with a TSA's signature:

    message = RFC 8785 {"schema": "evidence-capture/custody-checkpoint/1",
                        "seq": <n>, "event_hash": "sha256:<hex>"}
    token   = RFC 3161 over SHA-256(message)

Files: ``EVIDENCE_HOME/checkpoints/<seq>.json`` (the message fields plus
``tsa_url`` and ``taken_at``) and ``<seq>.tsr``.  ``evidence custody
checkpoint`` takes one; every export takes one after its ``exported`` event.
``custody verify`` checks the chain against the latest checkpoint (or one the
reviewer holds, ``--checkpoint FILE``): the event at that seq must exist with
that hash, and the token must verify.  Truncation behind a checkpoint is then
detected by anyone holding it.  What stays undetectable: events appended
after the latest checkpoint can be deleted together with the head file (take
checkpoints often, and keep copies elsewhere), and deleting the checkpoint
files themselves is only noticed by someone who holds a copy.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Mapping, Sequence

from evidence_capture import safeio
from evidence_capture.errors import EvidenceError, InputError, Msg, TimestampError, joined
from evidence_capture.storage.artifacts import atomic_write_bytes
from evidence_capture.storage.chain import ChainReport, Problem, canonical
from evidence_capture.timeutil import iso_utc, utcnow

SCHEMA = "evidence-capture/custody-checkpoint/1"
DIR = "checkpoints"


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    event_hash: str
    tsa_url: str
    taken_at: str
    tsr: bytes
    path: Path

    def message(self) -> bytes:
        return canonical({"schema": SCHEMA, "seq": self.seq, "event_hash": self.event_hash})

    def as_record(self) -> dict[str, Any]:
        return {"seq": self.seq, "event_hash": self.event_hash, "tsa_url": self.tsa_url,
                "taken_at": self.taken_at, "path": str(self.path)}


def take_checkpoint(home: Path, head: Mapping[str, Any], *, urls: Sequence[str],
                    roots: Sequence[Any], timeout: float) -> Checkpoint:
    """Ask each TSA in turn for a token over the head; the first verified one is kept."""
    from evidence_capture.timestamping import request_timestamp, verify_token

    if not urls:
        raise InputError(Msg("storage.checkpoint.no_tsa"), hint=Msg("storage.checkpoint.no_tsa.hint"))
    seq, event_hash = int(head["seq"]), str(head["event_hash"])
    message = canonical({"schema": SCHEMA, "seq": seq, "event_hash": event_hash})
    digest = hashlib.sha256(message).digest()
    errors = []
    for url in urls:
        try:
            exchange = request_timestamp(url, digest, timeout=timeout)
            verify_token(exchange.tsr, digest=digest, nonce=exchange.nonce, roots=list(roots))
        except EvidenceError as exc:
            errors.append(Msg("storage.checkpoint.tsa_failed", url=url, reason=exc.msg or exc.message))
            continue
        folder = Path(home) / DIR
        folder.mkdir(parents=True, exist_ok=True)
        record = {"schema": SCHEMA, "seq": seq, "event_hash": event_hash, "tsa_url": url,
                  "taken_at": iso_utc(utcnow())}
        atomic_write_bytes(folder / f"{seq}.tsr", exchange.tsr, replace=True)
        atomic_write_bytes(folder / f"{seq}.json", canonical(record), replace=True)
        return Checkpoint(seq, event_hash, url, record["taken_at"], exchange.tsr, folder / f"{seq}.json")
    raise TimestampError(Msg("storage.checkpoint.no_token", errors=joined(errors)))


def load_checkpoint(path: Path) -> Checkpoint:
    """A checkpoint file and the ``.tsr`` beside it; anything malformed is an ``InputError``."""
    try:
        record = safeio.read_json(path, safeio.MAX_RECORD_BYTES)
        tsr = safeio.read_regular(path.with_suffix(".tsr"), 1 << 20)
    except FileNotFoundError as exc:
        raise InputError(Msg("storage.checkpoint.missing", path=path)) from exc
    if not isinstance(record, dict) or record.get("schema") != SCHEMA or not isinstance(
            record.get("seq"), int) or not isinstance(record.get("event_hash"), str):
        raise InputError(Msg("storage.checkpoint.not_checkpoint", path=path))
    return Checkpoint(record["seq"], record["event_hash"], str(record.get("tsa_url")),
                      str(record.get("taken_at")), tsr, path)


def latest_checkpoint(home: Path) -> Checkpoint | None:
    folder = Path(home) / DIR
    numbers = sorted(int(p.stem) for p in folder.glob("*.json") if p.stem.isdigit()) if folder.is_dir() else []
    return load_checkpoint(folder / f"{numbers[-1]}.json") if numbers else None


def checkpoint_problem(checkpoint: Checkpoint, found: tuple[str | None, int],
                       roots: Sequence[Any]) -> Problem | None:
    """Why the chain does not hold what the checkpoint's token fixes, else None.

    ``found`` is the stored hash of event ``checkpoint.seq`` (None if absent) and the
    chain's last seq (``CustodyLog.event_hash_at``)."""
    from evidence_capture.errors import VerificationError
    from evidence_capture.timestamping import verify_token

    if roots:
        try:
            verify_token(checkpoint.tsr, digest=hashlib.sha256(checkpoint.message()).digest(),
                         nonce=None, roots=list(roots))
        except (VerificationError, EvidenceError) as exc:
            return Problem(checkpoint.seq, "checkpoint", Msg("storage.checkpoint.bad_token",
                                                             check=getattr(exc, "check", "") or "-",
                                                             reason=exc.msg or exc.message))
    event_hash, last = found
    if event_hash is None:
        return Problem(last + 1, "missing_tail", Msg("storage.checkpoint.deleted", first=last + 1,
                                                     last=checkpoint.seq, taken_at=checkpoint.taken_at))
    if event_hash != checkpoint.event_hash:
        return Problem(checkpoint.seq, "checkpoint", Msg("storage.checkpoint.differs", seq=checkpoint.seq))
    return None


def with_checkpoint(report: ChainReport, checkpoint: Checkpoint | None,
                    found: tuple[str | None, int], roots: Sequence[Any]) -> ChainReport:
    """``report`` plus the checkpoint's verdict (a problem, or a note when no roots are given)."""
    if checkpoint is None:
        return replace(report, notes=(*report.notes, Msg("storage.checkpoint.none_yet")))
    problem = checkpoint_problem(checkpoint, found, roots)
    notes = report.notes if roots else (*report.notes, Msg("storage.checkpoint.no_roots"))
    problems = report.problems if problem is None else (*report.problems, problem)
    return replace(report, problems=tuple(sorted(problems, key=lambda p: p.seq)), notes=notes)


def _roots(settings: Any) -> Sequence[Any]:
    if not settings.tsa_ca:
        return ()
    from evidence_capture.timestamping.bundles import load_tsa_roots

    return load_tsa_roots(settings.tsa_ca)


def checkpoint_store(store: Any, *, timeout: float) -> Checkpoint:
    """``evidence custody checkpoint``: a token over the store's last event, from the TSAs configured."""
    last = store.custody.last_event()
    if last is None:
        raise InputError(Msg("cli.checkpoint.empty"))
    head = {"seq": last[0], "event_hash": last[1]}
    settings = store.settings
    return take_checkpoint(settings.home, head, urls=settings.tsa_urls,
                           roots=_roots(settings), timeout=timeout)


def verify_store(store: Any, path: Path | None, *, pinned: Mapping[str, Any] | None = None,
                 every_signature: bool = False) -> ChainReport:
    """``custody verify``: the store's chain, checked against ``path`` or the latest checkpoint
    in EVIDENCE_HOME.  The checkpointed event's signature is checked one by one on the fast
    path too, and only that event is read again (not the whole log)."""
    checkpoint = load_checkpoint(path) if path is not None else latest_checkpoint(store.settings.home)
    must_check = () if checkpoint is None else (checkpoint.seq,)
    report = store.verify_custody(pinned, every_signature=every_signature, must_check=must_check)
    if checkpoint is None:
        return with_checkpoint(report, None, (None, 0), ())
    return with_checkpoint(report, checkpoint, store.custody.event_hash_at(checkpoint.seq),
                           _roots(store.settings))
