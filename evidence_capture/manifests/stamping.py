"""Timestamp slots of a sealed capture: ``timestamps/<n>.tsq|.tsr|.json``.

Slot ``n`` holds one attempt at one TSA.  A granted slot has a request, a
reply whose token passed every check of ``verify_token`` at capture time,
and its JSON record; a failed slot keeps the request (if one was built) and
the reason.  Failures never raise: they are recorded, and the capture stays
``timestamp-pending`` until a later retry succeeds.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidence_capture import safeio
from evidence_capture.errors import EvidenceError, Message, Msg, TimestampError, VerificationError
from evidence_capture.timeutil import iso_utc, utcnow

SLOT_DIR = "timestamps"
GRANTED = "granted"
FAILED = "failed"
SLOT_FILE = re.compile(r"([1-9][0-9]{0,5})\.(tsq|tsr|json)")  # always .fullmatch: ASCII, no newline


def slot_number(path: Path, suffix: str | None = None) -> int | None:
    """The slot number of ``timestamps/<n>.<suffix>``, or None for any other name."""
    found = SLOT_FILE.fullmatch(path.name)
    if found is None or (suffix is not None and found.group(2) != suffix):
        return None
    return int(found.group(1))


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    temporary = path.with_name(f".{path.name}.partial")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


@dataclass(frozen=True)
class TimestampOutcome:
    """What happened at one TSA for one slot."""

    number: int
    url: str
    state: str  # "granted" | "failed"
    nonce: int | None = None
    error: str | None = None  # English, for logs and older readers
    error_i18n: dict[str, Any] | None = None  # the same as a catalog message record (key, params)
    gen_time: str | None = None
    tsa_name: str | None = None
    serial: str | None = None
    policy_oid: str | None = None
    dev_tsa: bool = False
    attempted_at: str = ""

    @property
    def granted(self) -> bool:
        return self.state == GRANTED

    def error_message(self) -> Message:
        """The failure as a catalog message when recorded so, else the English text."""
        if isinstance(self.error_i18n, dict) and isinstance(self.error_i18n.get("key"), str):
            try:
                return Msg.from_record(self.error_i18n)
            except (KeyError, TypeError, AttributeError):
                pass
        return self.error or ""

    def as_record(self) -> dict[str, Any]:
        record = {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "number"}
        if isinstance(self.nonce, int):
            record["nonce"] = str(self.nonce)  # nonces exceed 2^53; keep every reader exact
        return record

    @classmethod
    def from_record(cls, number: int, record: dict[str, Any]) -> "TimestampOutcome":
        """Refuse (ValueError/TypeError) anything but a record this tool writes."""
        if not isinstance(record, dict) or set(record) - set(cls.__dataclass_fields__) - {"number"}:
            raise ValueError("not a timestamp slot record")
        if record.get("state") not in (GRANTED, FAILED) or not isinstance(record.get("url"), str):
            raise ValueError("a timestamp slot record needs a url and a state")
        fields = {name: record.get(name) for name in cls.__dataclass_fields__ if name in record}
        nonce = fields.get("nonce")
        fields["nonce"] = int(nonce) if isinstance(nonce, (int, str)) and str(nonce).isdigit() else None
        return cls(number=number, **{k: v for k, v in fields.items() if k != "number"})


def slot_path(folder: Path, number: int, suffix: str) -> Path:
    return Path(folder) / SLOT_DIR / f"{number}.{suffix}"


def read_slots(folder: Path) -> dict[int, TimestampOutcome]:
    """Every slot record in the folder, by number (unreadable records are skipped)."""
    slots: dict[int, TimestampOutcome] = {}
    for path in sorted((Path(folder) / SLOT_DIR).glob("*.json")):
        number = slot_number(path, "json")
        if number is None or path.is_symlink():
            continue
        try:  # regular files only, bounded: a FIFO or /dev/zero never blocks or fills memory
            record = safeio.read_json(path, safeio.MAX_RECORD_BYTES)
            slots[number] = TimestampOutcome.from_record(number, record)
        except (OSError, EvidenceError, ValueError, TypeError):
            continue
    return slots


def _token_fields(info: Any) -> dict[str, Any]:
    """The TokenInfo facts the requirements ask us to record for every token."""
    return {"gen_time": iso_utc(info.gen_time), "tsa_name": info.tsa_name,
            "serial": str(info.serial), "policy_oid": info.policy_oid}


def failure_msg(exc: EvidenceError) -> Msg:
    """What an error says (its check, message and hint) as one catalog message."""
    message: Message = exc.msg if exc.msg is not None else exc.message
    if isinstance(exc, VerificationError):
        message = Msg("verify.token.check", check=exc.check, reason=message)
    if exc._raw_hint is None:
        return message if isinstance(message, Msg) else Msg("errors.text", text=message)
    return Msg("errors.with_hint", message=message, hint=exc._raw_hint)


def _failed(exc: EvidenceError, **fields: Any) -> "TimestampOutcome":
    return TimestampOutcome(state=FAILED, error=exc.diagnostics(), error_i18n=failure_msg(exc).as_record(),
                            **fields)


def stamp_slot(folder: Path, number: int, url: str, manifest_bytes: bytes, *, roots: tuple,
               timeout: float, dev_tsa: bool, untrusted: tuple = ()) -> TimestampOutcome:
    """Request, verify and store one token; record the failure instead of raising."""
    from evidence_capture.timestamping import request_timestamp, verify_token

    (Path(folder) / SLOT_DIR).mkdir(exist_ok=True)
    digest = hashlib.sha256(manifest_bytes).digest()
    base = {"number": number, "url": url, "dev_tsa": dev_tsa, "attempted_at": iso_utc(utcnow())}
    for suffix in ("tsq", "tsr"):
        slot_path(folder, number, suffix).unlink(missing_ok=True)
    try:
        exchange = request_timestamp(url, digest, timeout=timeout)
    except TimestampError as exc:
        outcome = _failed(exc, **base)
    else:
        write_atomic(slot_path(folder, number, "tsq"), exchange.tsq)
        try:
            info = verify_token(exchange.tsr, digest=digest, nonce=exchange.nonce, roots=list(roots),
                                untrusted=untrusted)
        except EvidenceError as exc:  # VerificationError, or any other refusal of the reply
            outcome = _failed(exc, nonce=exchange.nonce, **base)
        else:
            write_atomic(slot_path(folder, number, "tsr"), exchange.tsr)
            outcome = TimestampOutcome(state=GRANTED, nonce=exchange.nonce, **_token_fields(info), **base)
    record = json.dumps(outcome.as_record(), ensure_ascii=False, indent=2, sort_keys=True)
    write_atomic(slot_path(folder, number, "json"), record.encode("utf-8"))
    return outcome
