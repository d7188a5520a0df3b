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
    """The RFC 8785 text of the event body of one raw row (keys in RFC 8785 order)."""
    (seq, kind, time, actor, cert, host, version, okind, oid, digest, case_id, details,
     prev) = row[:13]
    return (f'{{"actor":{{"cert_no":{_s(cert)},"name":{_s(actor)}}},"case_id":{_s(case_id)},'
            f'"details":{details},"host":{_s(host)},"object":{{"digest":{_s(digest)},'
            f'"id":{_s(oid)},"kind":{_s(okind)}}},"prev_hash":{_s(prev)},"schema":{_SCHEMA},'
            f'"seq":{int(seq)},"time":{_s(time)},"tool":{{"name":{_TOOL},'
            f'"version":{_s(version)}}},"type":{_s(kind)}}}').encode("utf-8")


_SCHEMA, _TOOL = _s(SCHEMA), _s(TOOL_NAME)


def fast_verify(conn: Connection, keys: Mapping[str, Ed25519PublicKey], *,
                head: Mapping[str, Any] | None, must_check: Iterable[int] = ()) -> ChainReport | None:
    """Verify the store's whole chain quickly; ``None`` means "run the full walk"."""
    rows = conn.execute(select(*_COLUMNS).order_by(E.seq)).all()
    if not rows or not _hashes_and_links(rows, head):
        return None
    if any(row[14] not in keys for row in rows):
        return None  # an unknown signer: the full walk counts and reports it
    checks = _signatures_to_check(rows, {int(n) for n in must_check})
    if not all(_signature_ok(rows[index], keys[rows[index][14]]) for index in checks):
        return None
    last = rows[-1]
    return ChainReport(events=len(rows), first_seq=rows[0][0], last_seq=last[0],
                       last_hash=last[13], problems=(), signatures_verified=len(checks),
                       signatures_unverified=0, anchored=True,
                       signatures_vouched=len(rows) - len(checks))


def _hashes_and_links(rows: Sequence[Sequence[Any]], head: Mapping[str, Any] | None) -> bool:
    sha256 = hashlib.sha256
    expected_prev, expected_seq = GENESIS_HASH, 1
    try:
        for row in rows:
            if row[0] != expected_seq or row[12] != expected_prev:
                return False
            if "sha256:" + sha256(canonical_row(row)).hexdigest() != row[13]:
                return False
            expected_prev, expected_seq = row[13], expected_seq + 1
    except (UnicodeEncodeError, TypeError, ValueError):
        return False
    if head is None:
        return False  # the full walk and the store anchors report a missing head
    return int(head["seq"]) == rows[-1][0] and head["event_hash"] == rows[-1][13]


def _signatures_to_check(rows: Sequence[Sequence[Any]], must_check: set[int]) -> list[int]:
    """Indexes of the rows whose signatures are checked one by one."""
    last = len(rows) - 1
    checks = {0, last}
    for index in range(last):
        if rows[index][14] != rows[index + 1][14]:
            checks.add(index)  # the last event signed by this signer before a change
    if must_check:
        checks.update(i for i, row in enumerate(rows) if row[0] in must_check)
    return sorted(checks)


def _signature_ok(row: Sequence[Any], key: Ed25519PublicKey) -> bool:
    try:
        key.verify(bytes.fromhex(row[15]), bytes.fromhex(row[13].split(":", 1)[1]))
    except (InvalidSignature, ValueError, IndexError):
        return False
    return True
