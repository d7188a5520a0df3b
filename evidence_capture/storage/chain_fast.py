"""The fast path of ``custody verify`` over the store's own table.

It proves the same things as the full walk (``chain.verify_records``) on an
intact chain, in a fraction of the time, and hands over to the full walk the
moment anything does not match:

* **Raw rows.**  The columns are read as plain tuples, without building ORM
  objects or record dictionaries.
* **Stored canonical text.**  ``details`` is stored as its RFC 8785 text, and
  every other field of the body is a string, an integer or null with a fixed
  set of keys.  The canonical body is therefore assembled by concatenation in
  the fixed RFC 8785 key order, with the one string escaping that RFC 8785 and
  ``json.dumps(ensure_ascii=False)`` share, and hashed.  If stored ``details``
  text were not canonical, or anything else differs, the hash does not match
  and the full walk (which re-canonicalises) decides.
* **Signatures the chain vouches for.**  An event's hash covers its
  ``prev_hash``, which is the previous event's hash, and so on down to the
  genesis hash.  A valid signature by key K over event *n*'s hash therefore
  authenticates the content of events 1..n, once every hash and link has been
  recomputed and checked.  The signer column is *not* covered by the hash, so
  the signature is checked individually for the last event of every run of
  one signer (so each signer vouches for its own run, and a changed signer
  column is a run boundary that is checked), for the first event, for the
  head, and for every sequence number in ``must_check`` (checkpoints).  Every
  other signature is counted as *vouched*: its content is proven by a later
  signature of the same key; its own bytes are not re-checked.
* **Fall back.**  Any gap, duplicate, edit, broken link, missing or
  mismatched head, bad signature or signer without a key makes this function return ``None``; the caller
  then runs the full walk, which checks every signature and names every
  problem.  The fast path never reports a problem itself.
"""

from __future__ import annotations

import hashlib
from json.encoder import encode_basestring
from typing import Any, Iterable, Mapping, Sequence

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, select

from evidence_capture import TOOL_NAME
from evidence_capture.storage.chain import GENESIS_HASH, SCHEMA, ChainReport
from evidence_capture.storage.models import CustodyEventRow as E

_COLUMNS = (E.seq, E.event_type, E.time_utc, E.actor_name, E.actor_cert, E.host, E.tool_version,
            E.object_kind, E.object_id, E.object_digest, E.case_id, E.details, E.prev_hash,
            E.event_hash, E.signer, E.signature)


def _s(value: str | None) -> str:
    """One JSON string (or null) exactly as RFC 8785 writes it (as ``json.dumps`` with
    ``ensure_ascii=False`` does: the same escapes, lowercase hex, other characters as is)."""
    return "null" if value is None else encode_basestring(value)


def canonical_row(row: Sequence[Any]) -> bytes:
    """The RFC 8785 text of the event body of one raw row (keys in RFC 8785 order).

    Only ``object_digest`` and ``case_id`` may be null; a null anywhere else raises
    ``TypeError`` (the caller hands over to the full walk)."""
    (seq, kind, time, actor, cert, host, version, okind, oid, digest, case_id, details,
     prev) = row[:13]
    e = encode_basestring
    return (f'{{"actor":{{"cert_no":{e(cert)},"name":{e(actor)}}},'
            f'"case_id":{"null" if case_id is None else e(case_id)},"details":{details},'
            f'"host":{e(host)},"object":{{"digest":{"null" if digest is None else e(digest)},'
            f'"id":{e(oid)},"kind":{e(okind)}}},"prev_hash":{e(prev)},"schema":{_SCHEMA},'
            f'"seq":{int(seq)},"time":{e(time)},"tool":{{"name":{_TOOL},'
            f'"version":{e(version)}}},"type":{e(kind)}}}').encode("utf-8")


_SCHEMA, _TOOL = _s(SCHEMA), _s(TOOL_NAME)


_BATCH = 5000


def fast_verify(conn: Connection, keys: Mapping[str, Ed25519PublicKey], *,
                head: Mapping[str, Any] | None, must_check: Iterable[int] = ()) -> ChainReport | None:
    """Verify the store's whole chain quickly; ``None`` means "run the full walk".

    Rows are streamed in batches (a server-side cursor where the database has one), so
    memory stays flat however long the chain is; only the rows whose signatures are checked
    are kept."""
    walk = _Walk(keys, {int(n) for n in must_check})
    result = conn.execution_options(stream_results=True, yield_per=_BATCH).execute(
        select(*_COLUMNS).order_by(E.seq))
    try:
        if not all(walk.feed(rows) for rows in result.partitions()):
            return None
    finally:
        result.close()
    if walk.last is None or not walk.ends_at(head):
        return None
    checks = walk.checks()
    if not all(_signature_ok(row, keys[row[14]]) for row in checks):
        return None
    return ChainReport(events=walk.events, first_seq=1, last_seq=walk.last[0],
                       last_hash=walk.last[13], problems=(), signatures_verified=len(checks),
                       signatures_unverified=0, anchored=True,
                       signatures_vouched=walk.events - len(checks))


class _Walk:
    """Hashes and links of the rows seen so far, and the rows whose signatures are checked:
    the first, the last of every run of one signer, the head, and ``must_check``."""

    def __init__(self, keys: Mapping[str, Any], must_check: set[int]) -> None:
        self.keys, self.must_check = keys, must_check
        self.kept: dict[int, Sequence[Any]] = {}
        self.last: Sequence[Any] | None = None
        self.events = 0

    def feed(self, rows: Sequence[Sequence[Any]]) -> bool:
        sha256, keys, kept, must_check = hashlib.sha256, self.keys, self.kept, self.must_check
        last = self.last
        expected_prev = GENESIS_HASH if last is None else last[13]
        expected_seq = self.events + 1
        try:
            for row in rows:
                if row[0] != expected_seq or row[12] != expected_prev or row[14] not in keys:
                    return False  # a gap, a broken link or an unknown signer: the full walk reports it
                if "sha256:" + sha256(canonical_row(row)).hexdigest() != row[13]:
                    return False
                if last is not None and row[14] != last[14]:
                    kept[last[0]] = last  # the last event of this signer before a change
                if last is None or row[0] in must_check:
                    kept[row[0]] = row
                last, expected_prev, expected_seq = row, row[13], expected_seq + 1
        except (UnicodeEncodeError, TypeError, ValueError):
            return False
        self.last, self.events = last, expected_seq - 1
        return True

    def ends_at(self, head: Mapping[str, Any] | None) -> bool:
        """The head file names the last row (a missing head is reported by the full walk)."""
        assert self.last is not None
        return head is not None and int(head["seq"]) == self.last[0] and \
            head["event_hash"] == self.last[13]

    def checks(self) -> list[Sequence[Any]]:
        assert self.last is not None
        return [row for _, row in sorted({**self.kept, self.last[0]: self.last}.items())]


def _signature_ok(row: Sequence[Any], key: Ed25519PublicKey) -> bool:
    try:
        key.verify(bytes.fromhex(row[15]), bytes.fromhex(row[13].split(":", 1)[1]))
    except (InvalidSignature, ValueError, IndexError):
        return False
    return True
