"""One custody chain under concurrent writers: 4 processes, 100+ sealed captures, 2 databases.

Each writer is a separate process with its own station key (a worker host)
that seals synthetic capture folders and records them in the shared store,
plus custody notes, all at once.  Afterwards the chain must have no gap,
no fork, no duplicate seq, and every signature must verify.
"""

from __future__ import annotations

import multiprocessing
import os
from datetime import timedelta
from pathlib import Path

import pytest

from evidence_capture.config import load_settings
from evidence_capture.manifests.keys import PUBLIC_NAME, StationKey
from evidence_capture.manifests.seal import TsaConfig, seal_capture
from evidence_capture.models import CaseInfo, Officer
from evidence_capture.storage import StationSigner, Store
from evidence_capture.storage.chain import key_fingerprint, load_public_key
from evidence_capture.storage.completion import ingest_sealed_folder
from evidence_capture.timeutil import utcnow
from tests.fixtures_capture_folder import write_capture_folder
from tests.fixtures_store import new_capture_id

pytestmark = pytest.mark.usefixtures("db_backend")
WRITERS, CAPTURES_EACH, CASE = 4, 25, "CONC-2026-1"
OFFICERS = (Officer("张三", "SH-001"), Officer("李四", "SH-002"))


def _writer(home: str, db_url: str, keys_dir: str, start, errors) -> None:  # type: ignore[no-untyped-def]
    try:
        settings = load_settings({"EVIDENCE_HOME": home, "EVIDENCE_DB": db_url, "EVIDENCE_LANG": "en"})
        key = StationKey.create(Path(keys_dir), "writer passphrase")
        store = Store(settings, signer=StationSigner.from_station_key(key))
        start.wait()
        for n in range(CAPTURES_EACH):
            capture_id = new_capture_id()
            folder = store.begin_capture(capture_id, url=f"https://shop.test/{n}", case_id=CASE,
                                         officers=OFFICERS)  # all writers add them at once
            ended = utcnow() - timedelta(seconds=1)
            write_capture_folder(folder, started=ended - timedelta(seconds=5), ended=ended,
                                 capture_id=capture_id, url=f"https://shop.test/{n}")
            seal_capture(folder, key=key, tsa=TsaConfig())
            ingest_sealed_folder(store, capture_id)
            store.note(capture_id, f"writer {os.getpid()} capture {n}")
    except BaseException as exc:  # noqa: BLE001 - reported to the test
        errors.put(f"{type(exc).__name__}: {exc}")
        raise


def test_four_concurrent_writers_build_one_chain(store, tmp_path, evidence_home):
    store.open_case(CaseInfo(CASE, title="并发写入 concurrent writers"))
    ctx = multiprocessing.get_context("spawn")
    start, errors = ctx.Event(), ctx.Queue()
    db_url = store.engine.url.render_as_string(hide_password=False)
    writers = [ctx.Process(target=_writer, args=(str(evidence_home), db_url, str(tmp_path / f"keys-{n}"),
                                                 start, errors)) for n in range(WRITERS)]
    for process in writers:
        process.start()
    start.set()
    for process in writers:
        process.join(600)
    assert errors.empty(), errors.get()
    assert [p.exitcode for p in writers] == [0] * WRITERS

    keys = dict(store.custody_keys())  # pinned: the coordinator's key and each writer's
    for n in range(WRITERS):
        public = load_public_key((tmp_path / f"keys-{n}" / PUBLIC_NAME).read_bytes())
        keys[key_fingerprint(public)] = public
    events = store.custody_log()
    seqs = [e["seq"] for e in events]
    expected = 1 + WRITERS * CAPTURES_EACH * 3  # case-opened, then captured + sealed + note each
    assert seqs == list(range(1, expected + 1))  # no gap, no duplicate
    assert all(b["prev_hash"] == a["event_hash"] for a, b in zip(events, events[1:]))  # no fork
    assert len({e["signer"] for e in events}) == WRITERS + 1
    report = store.verify_custody(keys)
    assert report.ok, report.first_broken
    assert report.events == expected and report.signatures_unverified == 0
    case = store.get_case(CASE)
    assert len(case.captures) == WRITERS * CAPTURES_EACH
    assert {c.status for c in case.captures} == {"complete"}
