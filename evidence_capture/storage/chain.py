"""Custody chain primitives: event hashing, signing and the chain verifier.

``event_hash`` is SHA-256 over the RFC 8785 canonical JSON of the event body
(every field except ``event_hash`` and ``signature``; the body includes
``prev_hash``).  The station key signs the 32 raw bytes of that hash.  The
same verifier walks the store's table and a package's ``custody.jsonl``; a
package may carry *redacted* links (events about other cases) that keep
only seq, prev_hash, event_hash and the signature, so the chain still links.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from evidence_capture.errors import Message, Msg

EVENT_TYPES = (
    "captured", "sealed", "timestamped", "exported", "imported",
    "verified", "transferred", "note", "reported",
)
GENESIS_HASH = "sha256:" + "0" * 64
SCHEMA = "evidence-capture/custody-event/1"
_BODY_FIELDS = (
    "seq", "type", "time", "actor", "host", "tool", "object", "case_id", "details", "prev_hash",
)


def canonical(obj: Any) -> bytes:
    return rfc8785.dumps(obj)


def sha256_tag(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def key_fingerprint(public_key: Ed25519PublicKey) -> str:
    """``sha256:<hex>`` of the SubjectPublicKeyInfo DER, as in the manifest."""
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return sha256_tag(der)


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def event_hash_of(body: Mapping[str, Any]) -> str:
    return sha256_tag(canonical({"schema": SCHEMA, **{k: body[k] for k in _BODY_FIELDS}}))


def hash_bytes(tagged: str) -> bytes:
    return bytes.fromhex(tagged.split(":", 1)[1])


@dataclass(frozen=True)
class Problem:
    seq: int
    kind: str  # gap | duplicate | edited | broken_link | bad_signature | genesis | missing_tail
    #        | missing_head | missing_events
    message: Message  # a catalog ``Msg``; ``as_record`` keeps its English text

    def as_record(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind, "message": str(self.message)}


@dataclass(frozen=True)
class ChainReport:
    events: int
    first_seq: int | None
    last_seq: int | None
    last_hash: str | None
    problems: tuple[Problem, ...]
    signatures_verified: int
    signatures_unverified: int
    anchored: bool  # the chain starts at seq 1 with the genesis hash
    notes: tuple[Message, ...] = ()
    # signatures not re-checked one by one because a later, checked signature of the
    # same key covers their content through the hash chain (storage/chain_fast.py)
    signatures_vouched: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_broken(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    def as_record(self) -> dict[str, Any]:
        return {
            "ok": self.ok, "events": self.events, "first_seq": self.first_seq,
            "last_seq": self.last_seq, "last_hash": self.last_hash, "anchored": self.anchored,
            "signatures_verified": self.signatures_verified,
            "signatures_unverified": self.signatures_unverified,
            "signatures_vouched": self.signatures_vouched,
            "first_broken": None if self.ok else self.problems[0].as_record(),
            "problems": [p.as_record() for p in self.problems], "notes": [str(n) for n in self.notes],
        }


@dataclass
class _Walk:
    keys: Mapping[str, Ed25519PublicKey]
    head: Mapping[str, Any] | None = None
    problems: list[Problem] = field(default_factory=list)
    count: int = 0
    first: int | None = None
    prev: dict[str, Any] | None = None
    verified: int = 0
    unverified: int = 0

    def step(self, record: Mapping[str, Any]) -> None:
        try:
            self._step(record)
        except (KeyError, IndexError, TypeError, ValueError, AttributeError, RecursionError):
            seq = record.get("seq") if isinstance(record, Mapping) else None
            seq = seq if isinstance(seq, int) and not isinstance(seq, bool) else (self.first or 0) + self.count
            self._add(seq, "edited", Msg("custody.problem.malformed", seq=seq))
            self.prev = dict(record) if isinstance(record, Mapping) and _linkable(record) else self.prev

    def _step(self, record: Mapping[str, Any]) -> None:
        seq = int(record["seq"])
        self.count += 1
        if self.prev is None:
            self.first = seq
            if seq == 1 and record["prev_hash"] != GENESIS_HASH:
                self._add(seq, "genesis", Msg("custody.problem.genesis"))
        else:
            self._link(self.prev, record)
        if not record.get("redacted"):
            actual = event_hash_of(record)
            if actual != record["event_hash"]:
                self._add(seq, "edited", Msg("custody.problem.altered", seq=seq, actual=actual,
                                             recorded=record["event_hash"]))
        if self.head is not None and seq == int(self.head["seq"]):
            if record["event_hash"] != self.head["event_hash"]:
                self._add(seq, "edited", Msg("custody.problem.head", seq=seq))
        self._signature(record)
        self.prev = dict(record)

    def _link(self, prev: Mapping[str, Any], record: Mapping[str, Any]) -> None:
        seq, before = int(record["seq"]), int(prev["seq"])
        if seq == before:
            self._add(seq, "duplicate", Msg("custody.problem.duplicate", seq=seq))
        elif seq != before + 1:
            self._add(before + 1, "gap", Msg("custody.problem.gap", first=before + 1, last=seq - 1))
        if record["prev_hash"] != prev["event_hash"]:
            self._add(seq, "broken_link", Msg("custody.problem.link", seq=seq, before=before,
                                              prev_hash=record["prev_hash"], expected=prev["event_hash"]))

    def _signature(self, record: Mapping[str, Any]) -> None:
        key = self.keys.get(record["signer"])
        if key is None:
            self.unverified += 1
            return
        try:
            key.verify(bytes.fromhex(record["signature"]), hash_bytes(record["event_hash"]))
            self.verified += 1
        except (InvalidSignature, ValueError):
            self._add(int(record["seq"]), "bad_signature",
                      Msg("custody.problem.signature", seq=record["seq"]))

    def _add(self, seq: int, kind: str, message: Message) -> None:
        self.problems.append(Problem(seq, kind, message))


def _linkable(record: Mapping[str, Any]) -> bool:
    return isinstance(record.get("seq"), int) and isinstance(record.get("event_hash"), str)


def verify_records(
    records: Iterable[Mapping[str, Any]],
    keys: Mapping[str, Ed25519PublicKey],
    *,
    head: Mapping[str, Any] | None = None,
) -> ChainReport:
    """Walk ``records`` in seq order; ``head`` is the last link known from elsewhere."""
    walk = _Walk(keys, head)
    for record in records:
        walk.step(record)
    last = walk.prev
    if head is not None:
        _check_head(walk, head)
    problems = tuple(sorted(walk.problems, key=lambda p: p.seq))
    return ChainReport(
        events=walk.count, first_seq=walk.first,
        last_seq=None if last is None else int(last["seq"]),
        last_hash=None if last is None else last["event_hash"],
        problems=problems, signatures_verified=walk.verified,
        signatures_unverified=walk.unverified, anchored=walk.first in (None, 1),
    )


def _check_head(walk: _Walk, head: Mapping[str, Any]) -> None:
    last_seq = 0 if walk.prev is None else int(walk.prev["seq"])
    if int(head["seq"]) > last_seq:
        walk._add(last_seq + 1, "missing_tail",
                  Msg("custody.problem.tail", first=last_seq + 1, last=head["seq"]))


def record_to_json(record: Mapping[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class StationSigner:
    """The station key as the custody log uses it: fingerprint, public PEM, sign()."""

    fingerprint: str
    public_pem: bytes
    sign: Callable[[bytes], bytes]

    @classmethod
    def from_private_key(cls, key: Ed25519PrivateKey) -> "StationSigner":
        public = key.public_key()
        pem = public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return cls(fingerprint=key_fingerprint(public), public_pem=pem, sign=key.sign)

    @classmethod
    def from_station_key(cls, station_key: Any) -> "StationSigner":
        """Adapt ``manifests.StationKey`` (``.sign``, ``.fingerprint``, public PEM)."""
        pem = getattr(station_key, "public_pem", None)
        pem = pem() if callable(pem) else pem
        return cls(station_key.fingerprint, pem, station_key.sign)
