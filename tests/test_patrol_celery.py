"""A patrol through Celery: two worker stations, a Redis broker, PostgreSQL as the shared store.

Each worker is its own station (own EVIDENCE_HOME and signing key) sharing
EVIDENCE_DB, EVIDENCE_BROKER_URL and EVIDENCE_ARTIFACTS with the coordinator
that enqueues the job.  Real redis-server and PostgreSQL, started by fixtures.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evidence_capture.config import load_settings
from evidence_capture.manifests.keys import PUBLIC_NAME
from evidence_capture.sample_shop import ShopServer
from evidence_capture.storage.chain import key_fingerprint, load_public_key
from evidence_capture.timestamping.verify import load_tsa_roots
from evidence_capture.verify.runner import verify_capture
from tests.fixtures_patrol import OFFICER_ARGS, cli, status_json, write_list
from tests.fixtures_seal import PASSPHRASE
from tests.fixtures_shop import require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.tsa, pytest.mark.slow]
URLS = 20


def _start_worker(home: Path, log: Path) -> subprocess.Popen:
    env = {**os.environ, "EVIDENCE_HOME": str(home), "EVIDENCE_KEY_PASSPHRASE": PASSPHRASE}
    evidence = [sys.executable, "-m", "evidence_capture"]
    subprocess.run([*evidence, "keys", "init"], env=env, check=True, capture_output=True)
    with log.open("wb") as out:
        return subprocess.Popen([*evidence, "worker", "--concurrency", "1"], env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_done(job_id: str, workers: list[subprocess.Popen], limit: float = 1200.0) -> dict:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        assert all(w.poll() is None for w in workers), "a worker died"
        status = status_json(job_id)
        if status["state"] == "done":
            return status
        time.sleep(1.0)
    raise AssertionError(f"the queued patrol did not finish: {status_json(job_id)['counts']}")


def test_two_celery_workers_patrol_into_postgresql(tmp_path, monkeypatch, pg_url, redis_server,
                                                   station_key, tsa_config):
    require_chromium(load_settings())
    monkeypatch.setenv("EVIDENCE_BROKER_URL", redis_server.url)
    monkeypatch.setenv("EVIDENCE_ARTIFACTS", str(tmp_path / "artifacts"))
    homes = [tmp_path / f"worker-{n}" for n in (1, 2)]
    workers = [_start_worker(home, tmp_path / f"worker-{n}.log") for n, home in enumerate(homes, 1)]
    try:
        with ShopServer() as shop:
            urls = [f"{shop.url('product' if n % 2 else 'index')}?n={n}" for n in range(URLS)]
            listing = write_list(tmp_path / "campaign.csv", urls, csv_case="QUEUE-1")
            queued = cli("patrol", str(listing), "--queue", "--allow-private", *OFFICER_ARGS, "--json")
            assert queued.exit_code == 0, queued.output
            job_id = json.loads(queued.stdout)["job_id"]
            status = _wait_done(job_id, workers)
    finally:
        for worker in workers:
            _stop(worker)
    _check_patrol(status, homes, tsa_config.roots)


def _check_patrol(status: dict, homes: list[Path], tsa_roots) -> None:  # type: ignore[no-untyped-def]
    assert status["counts"] == {"queued": 0, "running": 0, "done": URLS, "failed": 0}
    keys = {}
    for home in homes:
        public = load_public_key((home / "keys" / PUBLIC_NAME).read_bytes())
        keys[key_fingerprint(public)] = public
    settings = load_settings()
    for item in status["items"]:
        assert item["station"] in keys and item["attempts"] == 1
        folder = settings.capture_dir(item["capture_id"])
        assert str(folder).startswith(os.environ["EVIDENCE_ARTIFACTS"])
        report = verify_capture(folder, trusted_keys=list(keys.values()), tsa_roots=tsa_roots)
        assert report.ok(), (item, [c.as_record() for c in report.checks if c.status != "pass"])
    case = json.loads(cli("case", "show", "QUEUE-1", "--json").output)
    stations = {item["capture_id"]: item["station"] for item in status["items"]}
    assert {c["capture_id"]: c["signer_fingerprint"] for c in case["captures"]} == stations
    trust = [arg for home in homes for arg in ("--trust-key", str(home / "keys" / PUBLIC_NAME))]
    verified = cli("custody", "verify", *trust, "--json")
    assert verified.exit_code == 0, verified.output
    assert json.loads(verified.stdout)["signatures_unverified"] == 0
