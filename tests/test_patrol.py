"""`evidence patrol`: lists, parallel captures in a shared browser, resume, retry, SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime

import pytest

from evidence_capture.config import load_settings
from evidence_capture.errors import EvidenceError, InputError, InvalidURLError
from evidence_capture.patrol.listfile import read_list
from evidence_capture.sample_shop import ShopServer
from evidence_capture.storage import Store
from evidence_capture.verify.runner import verify_capture
from tests.fixtures_patrol import OFFICER_ARGS, cli, last_job, status_json, write_list
from tests.fixtures_shop import require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.tsa]


# --- lists -------------------------------------------------------------------


def test_text_and_bom_csv_lists(tmp_path):
    text = write_list(tmp_path / "a.txt", ["https://shop.example/1", "  https://shop.example/2 "])
    assert [i.url for i in read_list(text)] == ["https://shop.example/1", "https://shop.example/2"]
    csv_list = write_list(tmp_path / "b.csv", ["https://shop.example/1"], csv_case="沪市监〔2026〕7号")
    assert csv_list.read_bytes().startswith(b"\xef\xbb\xbf")
    (item,) = read_list(csv_list)
    assert (item.url, item.case_id, item.subject, item.note) == (
        "https://shop.example/1", "沪市监〔2026〕7号", "示例旗舰店", "第1条")
    quoted = tmp_path / "c.csv"
    quoted.write_text('"URL","Note"\n"https://shop.example/3","a, b"\n', encoding="utf-8")
    assert [(i.url, i.note, i.case_id) for i in read_list(quoted)] == [
        ("https://shop.example/3", "a, b", None)]


@pytest.mark.parametrize("content, error, words", [
    ("https://ok.example/\nftp://bad.example/\n", InvalidURLError, "line 2"),
    ("url,shop\nhttps://ok.example/,x\n", InputError, "unknown column"),
    ("url,case\nhttps://ok.example/,../../etc\n", InputError, "invalid case id"),
    ("# nothing here\n\n", InputError, "holds no URL"),
])
def test_attack_malformed_lists_are_refused_before_any_capture(tmp_path, content, error, words):
    path = tmp_path / "list.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(error, match=words):
        read_list(path)


def test_a_bad_list_is_a_usage_error_with_no_traceback(tmp_path, station_key):
    path = tmp_path / "list.txt"
    path.write_bytes(b"\xff\xfe not utf-8")
    result = cli("patrol", str(path))
    assert result.exit_code == 2 and "not UTF-8" in result.output
    assert cli("patrol").exit_code == 2
    assert cli("patrol", "--retry-failed", str(path)).exit_code == 2
    assert cli("patrol", "status", "P-NOPE").exit_code == 2


# --- local patrols -------------------------------------------------------------


def _settings_and_shop():
    settings = load_settings()
    require_chromium(settings)
    return settings


def test_two_workers_share_a_browser_and_every_context_starts_empty(tmp_path, station_key,
                                                                       tsa_config):
    settings = _settings_and_shop()
    with ShopServer() as shop:
        urls = [shop.url("storage"), shop.url("product"), shop.url("storage") + "?again=1"]
        listing = write_list(tmp_path / "campaign.csv", urls, csv_case="PATROL-1")
        result = cli("patrol", str(listing), "--workers", "2", "--allow-private", *OFFICER_ARGS,
                     "--json")
    assert result.exit_code == 0, result.output
    job = json.loads(result.stdout)
    assert job["state"] == "done" and job["counts"] == {"queued": 0, "running": 0, "done": 3,
                                                        "failed": 0}
    sharing = []
    for item in job["items"]:
        assert item["attempts"] == 1 and item["capture_state"] == "COMPLETE"
        folder = settings.capture_dir(item["capture_id"])
        assert verify_capture(folder, trusted_keys=[station_key.public_key]).ok()
        provenance = json.loads((folder / "provenance.json").read_text())
        environment = json.loads((folder / "environment.json").read_text())
        assert provenance["browser_sharing"]["mode"] == "shared-process"
        assert provenance["case"]["case_id"] == "PATROL-1"
        assert environment["fresh_profile"] is True
        sharing.append(provenance["browser_sharing"]["capture_in_process"])
    assert max(sharing) >= 2  # a later context in a process where storage.html set a cookie
    case = json.loads(cli("case", "show", "PATROL-1", "--json").output)
    assert {c["signer_fingerprint"] for c in case["captures"]} == {station_key.fingerprint}
    notes = [e["details"] for e in Store(settings).custody_log() if e["type"] == "note"]
    assert [n["note"] for n in notes if n.get("action") == "patrol-item-done"].count("第2条") == 1
    assert cli("custody", "verify").exit_code == 0


def test_per_host_limit_and_delay_space_the_starts(tmp_path, station_key, tsa_config):
    settings = _settings_and_shop()
    with ShopServer() as shop:
        listing = write_list(tmp_path / "list.txt", [shop.url("product"), shop.url("index")])
        result = cli("patrol", str(listing), "--workers", "2", "--per-host", "1", "--delay", "2",
                     "--browser", "process-per-capture", "--allow-private", *OFFICER_ARGS, "--json")
    assert result.exit_code == 0, result.output
    starts, ends = [], []
    for item in json.loads(result.stdout)["items"]:
        provenance = json.loads((settings.capture_dir(item["capture_id"]) / "provenance.json")
                                .read_text())
        assert provenance["browser_sharing"] == {"mode": "process-per-capture"}
        starts.append(datetime.fromisoformat(provenance["started_at"].replace("Z", "+00:00")))
        ends.append(datetime.fromisoformat(provenance["ended_at"].replace("Z", "+00:00")))
    first, second = sorted(range(2), key=lambda n: starts[n])
    assert starts[second] >= ends[first]  # one at a time on the host
    # The gate spaces the starts 2 s apart; the recorded start follows the store's
    # begin-capture write, whose fsync varies by a few milliseconds (seen: 1.9995 s).
    assert (starts[second] - starts[first]).total_seconds() >= 2.0 - 0.05


def test_failed_rows_are_retried_only_when_asked(tmp_path, station_key, tsa_config):
    _settings_and_shop()
    with ShopServer() as shop:
        refused = "http://127.0.0.1:9/closed"
        listing = write_list(tmp_path / "list.txt", [shop.url("product"), refused])
        first = cli("patrol", str(listing), "--workers", "2", "--allow-private", *OFFICER_ARGS)
        assert first.exit_code == 3 and "failed 1" in first.output
        job_id = last_job()["job_id"]
        again = cli("patrol", "--resume", job_id)
        assert again.exit_code == 3
        assert [i["attempts"] for i in status_json(job_id)["items"]] == [1, 1]
        retried = cli("patrol", "--resume", job_id, "--retry-failed", "--json")
    assert retried.exit_code == 3
    items = json.loads(retried.stdout)["items"]
    assert [(i["state"], i["attempts"]) for i in items] == [("done", 1), ("failed", 2)]
    assert items[1]["error"]


def _patrol_process(listing, env) -> subprocess.Popen:
    command = [sys.executable, "-m", "evidence_capture", "patrol", str(listing), "--workers", "2",
               "--allow-private", *OFFICER_ARGS, "--timeout", "60"]
    return subprocess.Popen(command, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_for_first_done(process: subprocess.Popen, limit: float = 240.0) -> dict:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        assert process.poll() is None, "the patrol ended before the kill point"
        try:
            job = last_job()
        except (IndexError, EvidenceError):  # the job may not be written yet
            job = None
        if job and job["counts"]["done"] >= 1 and job["counts"]["queued"] >= 1:
            return job
        time.sleep(0.2)
    raise AssertionError("the kill point was never reached")


def test_sigkill_mid_patrol_then_resume_captures_each_url_once(tmp_path, station_key, tsa_config):
    settings = _settings_and_shop()
    with ShopServer() as shop:
        urls = [shop.url(page) for page in ("product", "index", "shop", "lazy", "alert")]
        listing = write_list(tmp_path / "list.txt", urls)
        process = _patrol_process(listing, dict(os.environ))
        try:
            _wait_for_first_done(process)
        finally:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        killed = last_job()
        assert killed["state"] == "running" and killed["counts"]["done"] >= 1
        store = Store(settings)
        assert store.verify_custody().ok  # consistent right after the kill
        done_before = {i["position"]: i["capture_id"] for i in killed["items"] if i["state"] == "done"}
        resumed = cli("patrol", "--resume", killed["job_id"], "--json")
    assert resumed.exit_code == 0, resumed.output
    job = json.loads(resumed.stdout)
    assert job["state"] == "done" and job["counts"]["done"] == len(urls)
    for item in job["items"]:
        if item["position"] in done_before:  # not captured twice
            assert (item["capture_id"], item["attempts"]) == (done_before[item["position"]], 1)
        assert store.get_capture(item["capture_id"]).status == "complete"
    statuses = _statuses_by_url(store)
    assert all(states.count("complete") == 1 for states in statuses.values()), statuses
    report = store.verify_custody()
    assert report.ok and report.signatures_unverified == 0


def _statuses_by_url(store: Store) -> dict[str, list[str]]:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from evidence_capture.storage.models import CaptureRow

    with Session(store.engine) as session:
        rows = session.execute(select(CaptureRow.url, CaptureRow.status)).all()
    found: dict[str, list[str]] = {}
    for url, status in rows:
        found.setdefault(url, []).append(status)
    return found
