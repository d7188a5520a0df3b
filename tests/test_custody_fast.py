"""The fast path of custody verify: same verdict as the full walk, and it hands over on any doubt."""

from __future__ import annotations

import sqlite3

import pytest
import rfc8785

from evidence_capture.models import CaseInfo
from evidence_capture.storage import StationSigner, Store
from evidence_capture.storage.chain import SCHEMA, hash_bytes
from evidence_capture.storage.chain_fast import canonical_row
from evidence_capture.storage.custody import row_to_record
from evidence_capture.storage.models import CustodyEventRow

TRICKY = ['quote " backslash \\ slash /', "control \x01\x1f tab\t nl\n", "中文 😀 \u2028\u2029 \x7f",
          "x", "\ufeffbom", "é\u0301"]


@pytest.fixture
def chain(store):
    store.open_case(CaseInfo("CASE-F", title="快速 fast"))
    for text in TRICKY:
        store.note("CASE-F", text)
    return store


def _db(store: Store) -> sqlite3.Connection:
    con = sqlite3.connect(store.engine.url.database)
    con.execute("DROP TRIGGER IF EXISTS custody_events_no_update")
    return con


def test_canonical_row_is_the_rfc8785_text_of_the_body(chain):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from evidence_capture.storage.chain_fast import _COLUMNS

    with Session(chain.engine) as session:
        raws = session.execute(select(*_COLUMNS).order_by(CustodyEventRow.seq)).all()
        records = [row_to_record(r) for r in session.scalars(
            select(CustodyEventRow).order_by(CustodyEventRow.seq))]
    assert len(raws) == len(TRICKY) + 1
    for raw, record in zip(raws, records):
        body = {k: v for k, v in record.items() if k not in ("event_hash", "signer", "signature")}
        assert canonical_row(raw) == rfc8785.dumps({"schema": SCHEMA, **body})


def test_fast_path_gives_the_full_walks_verdict(chain):
    fast, full = chain.verify_custody(), chain.verify_custody(every_signature=True)
    assert fast.ok and full.ok
    assert (fast.events, fast.last_seq, fast.last_hash) == (full.events, full.last_seq, full.last_hash)
    assert full.signatures_verified == full.events and full.signatures_vouched == 0
    # the first event and the head are checked, the others are vouched for by the head
    assert fast.signatures_verified == 2
    assert fast.signatures_verified + fast.signatures_vouched == fast.events


def test_every_signer_run_is_checked(chain, other_key, station_key):
    """A second station key (say, after a key change) signs the later events: each run's
    last signature is checked with its own key."""
    second = Store(chain.settings, signer=StationSigner.from_station_key(other_key))
    second.note("CASE-F", "signed by the new key")
    second.note("CASE-F", "again")
    keys = {station_key.fingerprint: station_key.public_key,
            other_key.fingerprint: other_key.public_key}
    report = second.verify_custody(keys)
    assert report.ok and report.events == len(TRICKY) + 3
    assert report.signatures_verified == 3  # first, last of the first run, head
    assert report.signatures_vouched == report.events - 3


def test_attack_bad_head_signature_falls_back_to_the_full_walk(chain):
    con = _db(chain)
    con.execute("UPDATE custody_events SET signature = ? WHERE seq = ?", ("00" * 64, len(TRICKY) + 1))
    con.commit()
    report = chain.verify_custody()
    assert not report.ok and report.first_broken.kind == "bad_signature"
    assert report.signatures_verified == report.events - 1  # every signature was checked


def test_attack_signer_column_changed_mid_chain(chain, other_key, station_key):
    """The signer column is outside the hash: changing it makes a run boundary, which is checked."""
    con = _db(chain)
    con.execute("UPDATE custody_events SET signer = ? WHERE seq = 3", (other_key.fingerprint,))
    con.commit()
    keys = {station_key.fingerprint: station_key.public_key,
            other_key.fingerprint: other_key.public_key}
    report = chain.verify_custody(keys)
    assert not report.ok and [p.seq for p in report.problems] == [3]


def test_attack_non_canonical_details_is_decided_by_the_full_walk(chain):
    """Stored details that mean the same but are not canonical text: the fast hash differs,
    the full walk re-canonicalises and finds the content unchanged."""
    con = _db(chain)
    con.execute("UPDATE custody_events SET details = ? WHERE seq = 2", ('{ "text" : ' + '"' + 'quote \\" backslash \\\\ slash \\/"}',))
    con.commit()
    report = chain.verify_custody()
    assert report.ok and report.signatures_verified == report.events


def test_a_garbled_inner_signature_is_found_by_every_signature(chain):
    """What the fast path does not re-check: an inner signature's own bytes.  The content it
    covers is proven by the head's signature; --every-signature still names the bad bytes."""
    con = _db(chain)
    record_hash = con.execute("SELECT event_hash FROM custody_events WHERE seq = 3").fetchone()[0]
    assert len(hash_bytes(record_hash)) == 32
    con.execute("UPDATE custody_events SET signature = ? WHERE seq = 3", ("11" * 64,))
    con.commit()
    fast = chain.verify_custody()
    assert fast.ok and fast.signatures_vouched == fast.events - 2
    full = chain.verify_custody(every_signature=True)
    assert not full.ok and full.first_broken.seq == 3 and full.first_broken.kind == "bad_signature"
