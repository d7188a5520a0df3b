"""Store: cases, capture lifecycle, crash recovery, atomic writes, append-only triggers.

Every test runs on SQLite and on a real PostgreSQL server (``db_backend``).
"""

from __future__ import annotations

import json
import os
import stat

import pytest
from sqlalchemy import text

from evidence_capture.errors import InputError, NotFoundError, StorageError
from evidence_capture.models import CaseInfo, Officer
from evidence_capture.storage import ArtifactRecord
from evidence_capture.storage.artifacts import atomic_write_bytes
from evidence_capture.storage.db import append_only_ddl
from tests.fixtures_store import new_capture_id

pytestmark = pytest.mark.usefixtures("db_backend")


def test_database_is_sqlite_in_home_with_wal_and_foreign_keys_or_evidence_db(
        store, evidence_home, db_backend):
    with store.engine.connect() as conn:
        if db_backend == "sqlite":
            assert (evidence_home / "evidence.db").is_file()
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        else:
            assert str(store.engine.url) == os.environ["EVIDENCE_DB"]
            assert not (evidence_home / "evidence.db").exists()
            triggers = conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).scalars()
            assert set(triggers) == {"custody_events_append_only", "imported_custody_append_only"}


def test_open_list_and_show_case(store, stored_capture):
    store.open_case(CaseInfo("CASE-1", title="假冒商品", subject="某某旗舰店"))
    capture_id = stored_capture("CASE-1")
    assert [c.case_id for c in store.list_cases()] == ["CASE-1"]
    case = store.get_case("CASE-1")
    assert case.subject == "某某旗舰店"
    assert [(c.capture_id, c.status) for c in case.captures] == [(capture_id, "complete")]
    with pytest.raises(InputError):
        store.open_case(CaseInfo("CASE-1", title="again"))
    with pytest.raises(NotFoundError):
        store.get_case("CASE-404")


def test_complete_capture_records_hashes_makes_folder_read_only_and_logs(store, stored_capture):
    capture_id = stored_capture()
    summary = store.get_capture(capture_id)
    folder = store.settings.capture_dir(capture_id)
    manifest = json.loads((folder / "manifest.json").read_bytes())
    assert summary.status == "complete"
    assert summary.artifact_count == len(manifest["artifacts"]) >= 10
    assert summary.timestamp_state == "granted"
    mode = (folder / "screenshot.png").stat().st_mode
    assert not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    types = [e["type"] for e in store.custody_log(capture_id)]
    assert types == ["captured", "sealed", "timestamped"]
    assert store.custody_log(capture_id)[0]["object"]["digest"] == (
        "sha256:" + summary.manifest_sha256)


def test_custody_events_name_the_acting_officers_not_the_os_user(store, stored_capture):
    officers = [Officer("张三", "A-1"), Officer("李四", "B-2")]
    capture_id = stored_capture(officers=officers)
    events = store.custody_log(capture_id)
    assert [e["type"] for e in events] == ["captured", "sealed", "timestamped"]
    named = [{"name": o.name, "cert_no": o.cert_no} for o in officers]
    for event in events:
        assert event["actor"] == named[0]
        assert event["details"]["officers"] == named
    assert store.verify_custody().ok


def test_complete_refuses_when_a_file_differs_from_its_recorded_hash(store):
    capture_id = new_capture_id()
    folder = store.begin_capture(capture_id, url="http://127.0.0.1/")
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_bytes(b"{}")
    (folder / "manifest.sig").write_bytes(bytes(64))
    (folder / "a.txt").write_bytes(b"changed")
    store.record_artifacts(capture_id, [ArtifactRecord("a.txt", "text/plain", 7, "0" * 64,
                                                       "0" * 64)])
    import hashlib

    store.record_seal(capture_id, manifest_sha256=hashlib.sha256(b"{}").hexdigest(),
                      capture_state="COMPLETE", signer_fingerprint="sha256:x")
    with pytest.raises(StorageError, match="does not match"):
        store.complete_capture(capture_id)
    assert store.get_capture(capture_id).status == "in_progress"


def test_recover_incomplete_marks_interrupted_captures_visibly(store, dead_owner):
    capture_id = new_capture_id()
    store.begin_capture(capture_id, url="http://127.0.0.1/", owner=dead_owner,
                        officers=[Officer("张三", "A-1"), Officer("李四", "B-2")])
    assert store.recover_incomplete() == [capture_id]
    summary = store.get_capture(capture_id)
    assert summary.status == "incomplete" and "interrupted" in summary.failure_reason
    assert store.recover_incomplete() == []
    assert store.verify_custody().ok


def test_mark_failed_is_final(store):
    capture_id = new_capture_id()
    store.begin_capture(capture_id, url="http://127.0.0.1/")
    store.mark_failed(capture_id, "browser crashed")
    assert store.get_capture(capture_id).status == "failed"
    with pytest.raises(InputError):
        store.complete_capture(capture_id)


def test_atomic_write_never_overwrites(tmp_path):
    target = tmp_path / "x" / "file.bin"
    atomic_write_bytes(target, b"first")
    with pytest.raises(StorageError, match="overwrite"):
        atomic_write_bytes(target, b"second")
    assert target.read_bytes() == b"first"
    assert [p.name for p in target.parent.iterdir()] == ["file.bin"]


@pytest.mark.parametrize("statement", [
    "UPDATE custody_events SET details = '{}'",
    "DELETE FROM custody_events",
])
def test_custody_rows_refuse_update_and_delete_in_the_database(store, stored_capture, statement):
    from sqlalchemy.exc import DatabaseError

    stored_capture()
    with pytest.raises(DatabaseError, match="append-only"):
        with store.engine.begin() as con:  # raw SQL, outside the store's code
            con.execute(text(statement))
    assert len(store.custody_log()) == 3


def test_postgresql_append_only_ddl_is_ready():
    ddl = "\n".join(append_only_ddl("postgresql"))
    assert "BEFORE UPDATE OR DELETE OR TRUNCATE ON custody_events" in ddl
    assert "RAISE EXCEPTION" in ddl


def test_store_honours_evidence_db(tmp_path, monkeypatch, station_signer):
    from evidence_capture.config import load_settings
    from evidence_capture.storage import Store

    monkeypatch.setenv("EVIDENCE_DB", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    Store(load_settings(), signer=station_signer).open_case(CaseInfo("C-9", title="t"))
    assert (tmp_path / "elsewhere.db").is_file()
    assert os.path.getsize(tmp_path / "elsewhere.db") > 0


def test_orphan_folders_are_reported(store, stored_capture):
    stored_capture()
    stray = store.settings.captures_dir / "20260101T000000Z-deadbeef"
    stray.mkdir()
    assert store.orphan_folders() == [stray]


def test_complete_refuses_an_unsigned_capture(store, stored_capture):
    import hashlib

    capture_id = new_capture_id()
    folder = store.begin_capture(capture_id, url="http://127.0.0.1/")
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_bytes(b"{}")
    store.record_seal(capture_id, manifest_sha256=hashlib.sha256(b"{}").hexdigest(),
                      capture_state="COMPLETE", signer_fingerprint="sha256:x")
    with pytest.raises(StorageError, match="not signed"):
        store.complete_capture(capture_id)
    assert store.get_capture(capture_id).status == "in_progress"


_HOLD_A_CAPTURE = """
import sys
from evidence_capture.config import load_settings
from evidence_capture.storage import Store
store = Store(load_settings())
store.begin_capture(sys.argv[1], url="http://127.0.0.1/")
print("ready", flush=True)
sys.stdin.readline()
"""


def test_recovery_leaves_a_capture_still_running_in_another_process_alone(store):
    """A second `evidence capture` must not mark the first one's running capture incomplete."""
    import subprocess
    import sys

    capture_id = new_capture_id()
    running = subprocess.Popen([sys.executable, "-c", _HOLD_A_CAPTURE, capture_id],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert running.stdout.readline().strip() == "ready"
        assert store.recover_incomplete() == []
        assert store.get_capture(capture_id).status == "in_progress"
    finally:
        running.kill()
        running.wait()
    assert store.recover_incomplete() == [capture_id]
    assert store.get_capture(capture_id).status == "incomplete"


def test_recovery_tells_a_reused_pid_and_other_hosts_apart(store):
    import os
    import socket

    from evidence_capture.storage.owner import ProcessOwner

    me = ProcessOwner.current()
    live, reused, remote = new_capture_id(), new_capture_id(), new_capture_id()
    store.begin_capture(live, url="http://127.0.0.1/")
    store.begin_capture(reused, url="http://127.0.0.1/",
                        owner=ProcessOwner(me.host, os.getpid(), "another-boot:1"))
    store.begin_capture(remote, url="http://127.0.0.1/",
                        owner=ProcessOwner(socket.gethostname() + "-other", 1, ""))
    assert store.recover_incomplete() == [reused]
    assert {c: store.get_capture(c).status for c in (live, remote)} == {
        live: "in_progress", remote: "in_progress"}
