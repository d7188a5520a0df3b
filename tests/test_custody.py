"""Custody chain: signed, hash-chained, append-only; tampering with the database shell
(sqlite3 or psql: every test runs on SQLite and on PostgreSQL) is detected."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.models import CaseInfo
from evidence_capture.storage.chain import GENESIS_HASH, event_hash_of, verify_records
from tests.fixtures_services import drop_append_only, raw_sql

pytestmark = pytest.mark.usefixtures("db_backend")
runner = CliRunner()


def _cli(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def chain(store):
    """A case with four notes: events 1..5."""
    store.open_case(CaseInfo("CASE-1", title="t"))
    for n in range(4):
        store.note("CASE-1", f"note {n}")
    return store


def _tamper(store, sql: str) -> None:
    """Lift the append-only rule and run ``sql`` in the database's own shell."""
    raw_sql(store, drop_append_only(store) + sql)


def _verify_json():  # type: ignore[no-untyped-def]
    result = _cli("custody", "verify", "--json")
    return result.exit_code, json.loads(result.output)


def test_events_are_linked_signed_and_verify(chain):
    events = chain.custody_log()
    assert [e["seq"] for e in events] == [1, 2, 3, 4, 5]
    assert events[0]["prev_hash"] == GENESIS_HASH
    assert all(b["prev_hash"] == a["event_hash"] for a, b in zip(events, events[1:]))
    assert all(event_hash_of(e) == e["event_hash"] for e in events)
    code, report = _verify_json()
    assert code == 0 and report["ok"]
    assert (report["signatures_verified"], report["signatures_vouched"]) == (2, 3)
    every = json.loads(_cli("custody", "verify", "--every-signature", "--json").output)
    assert every["ok"] and (every["signatures_verified"], every["signatures_vouched"]) == (5, 0)


def test_note_and_log_through_the_cli(chain):
    result = _cli("custody", "note", "CASE-1", "--text", "移交给法制科 handed to legal")
    assert result.exit_code == 0 and "note" in result.output
    log = _cli("custody", "log", "CASE-1")
    assert "移交给法制科" in log.output and log.output.count("\n") == 6
    assert _cli("custody", "note", "NOPE", "--text", "x").exit_code == 2
    unknown = _cli("custody", "log", "NOPE")
    assert unknown.exit_code == 2 and "no case or capture 'NOPE'" in unknown.output


def test_attack_edit_custody_row_with_database_shell(chain):
    _tamper(chain, "UPDATE custody_events SET details = '{\"text\":\"forged\"}' WHERE seq = 3;")
    code, report = _verify_json()
    assert code == 1
    assert report["first_broken"]["seq"] == 3 and report["first_broken"]["kind"] == "edited"
    human = _cli("custody", "verify")
    assert "BROKEN at seq 3" in human.output and human.exit_code == 1


def test_attack_edit_and_rehash_custody_row(chain):
    """The attacker recomputes event_hash too; without the station key the signature fails."""
    record = chain.custody_log()[1]
    record["actor"]["name"] = "someone else"
    forged = event_hash_of(record)
    _tamper(chain, f"UPDATE custody_events SET actor_name = 'someone else', "
                   f"event_hash = '{forged}' WHERE seq = 2;")
    code, report = _verify_json()
    kinds = {(p["seq"], p["kind"]) for p in report["problems"]}
    assert code == 1 and (2, "bad_signature") in kinds and (3, "broken_link") in kinds


def test_attack_delete_custody_row_with_database_shell(chain):
    _tamper(chain, "DELETE FROM custody_events WHERE seq = 2;")
    code, report = _verify_json()
    kinds = [(p["seq"], p["kind"]) for p in report["problems"]]
    assert code == 1 and report["first_broken"]["seq"] == 2
    assert (2, "gap") in kinds and (3, "broken_link") in kinds


def test_attack_delete_last_custody_row(chain):
    _tamper(chain, "DELETE FROM custody_events WHERE seq = 5;")
    code, report = _verify_json()
    assert code == 1 and report["first_broken"] == {
        "seq": 5, "kind": "missing_tail",
        "message": "events 5..5 were deleted from the end of the log"}


def test_verifier_reports_duplicates_and_a_foreign_genesis():
    first = {"seq": 1, "prev_hash": "sha256:" + "1" * 64, "event_hash": "sha256:" + "2" * 64,
             "signer": "k", "signature": "", "redacted": True}
    report = verify_records([first, dict(first)], {})
    kinds = [p.kind for p in report.problems]
    assert kinds == ["genesis", "duplicate", "broken_link"]
    assert report.signatures_unverified == 2 and not report.ok


def test_custody_log_of_a_case_includes_its_captures(store, stored_capture):
    store.open_case(CaseInfo("CASE-2", title="t"))
    capture_id = stored_capture("CASE-2")
    log = json.loads(_cli("custody", "log", "CASE-2", "--json").output)
    assert [(e["type"], e["object"]["id"]) for e in log] == [
        ("note", "CASE-2"), ("captured", capture_id), ("sealed", capture_id),
        ("timestamped", capture_id)]


def test_attack_rewrite_whole_chain_with_own_key(chain, other_key):
    """An attacker with the database re-signs every event with their own key and swaps the
    key table and head file; the pinned station key (keys/station.pub.pem) still catches it."""
    from evidence_capture.storage.chain import GENESIS_HASH, hash_bytes

    records, prev = chain.custody_log(), GENESIS_HASH
    with chain.engine.begin() as con:  # raw SQL, outside the store's code
        for statement in drop_append_only(chain).split("; ")[:-1] + ["DELETE FROM station_keys"]:
            con.execute(text(statement))
        for record in records:
            record.update(prev_hash=prev, signer=other_key.fingerprint)
            if record["seq"] == 2:
                record["details"] = {"text": "rewritten history"}
            record["event_hash"] = prev = event_hash_of(record)
            con.execute(text("UPDATE custody_events SET details=:d, prev_hash=:p, event_hash=:h, "
                             "signer=:s, signature=:sig WHERE seq=:seq"), {
                "d": json.dumps(record["details"]), "p": record["prev_hash"], "h": prev,
                "s": other_key.fingerprint, "sig": other_key.sign(hash_bytes(prev)).hex(),
                "seq": record["seq"]})
        con.execute(text("INSERT INTO station_keys VALUES (:f, :pem, 'this station', :t, :at)"), {
            "f": other_key.fingerprint, "pem": other_key.public_pem.decode(), "t": True,
            "at": "2026-01-01T00:00:00+00:00"})
    chain.custody.write_head({"seq": records[-1]["seq"], "event_hash": prev})
    result = _cli("custody", "verify")
    assert result.exit_code == 1 and "5 event(s) signed by keys that are not pinned" in result.output


def test_attack_delete_first_custody_event(chain):
    _tamper(chain, "DELETE FROM custody_events WHERE seq = 1;")
    code, report = _verify_json()
    assert code == 1 and not report["anchored"]
    assert report["first_broken"]["seq"] == 1 and report["first_broken"]["kind"] == "genesis"
    human = _cli("custody", "verify")
    assert human.exit_code == 1 and "deleted from the start of the log" in human.output


def test_attack_delete_tail_and_head_file(chain):
    _tamper(chain, "DELETE FROM custody_events WHERE seq = 5;")
    chain.custody.head_path.unlink()
    code, report = _verify_json()
    assert code == 1 and [p["kind"] for p in report["problems"]] == ["missing_head"]


def test_attack_delete_every_event_and_head_file(chain):
    _tamper(chain, "DELETE FROM custody_events;")
    chain.custody.head_path.unlink()
    code, report = _verify_json()
    assert code == 1 and report["events"] == 0
    assert [p["kind"] for p in report["problems"]] == ["missing_events"]


def test_an_empty_store_verifies(store):
    code, report = _verify_json()
    assert code == 0 and report["events"] == 0 and report["ok"]
