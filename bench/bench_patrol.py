"""Patrol throughput, each against its baseline in the same run (issue 11).

1. ``patrol``: N sample-shop pages through ``patrol.runner.run_job`` (the full
   capture: every artifact, sealed, timestamped by a local development TSA,
   stored with custody) at ``--workers`` 1, 2, 4, with a shared Chromium
   process per worker and with a new process per capture; against a bare
   Playwright loop at the same concurrency (threads, one browser each:
   ``new_context`` recording a HAR, ``goto``, full-page screenshot, close).
   Target: patrol ≥ 0.8 × the bare loop's pages per second.
2. ``celery``: the same kind of job through ``patrol --queue`` and one, then
   two ``evidence worker`` processes over loopback (real redis-server and
   PostgreSQL from ``patrol.devservices``).  Target: two ≥ 1.6 × one.
3. ``custody``: ``custody verify`` (library call) over ``--events`` events on
   PostgreSQL and on SQLite.  Target: PostgreSQL ≤ 1.5 × SQLite.

    python bench/bench_patrol.py [--pages 24] [--workers 1,2,4] [--celery-pages 12]
                                 [--events 100000] [--skip patrol,celery,custody]
                                 [--shared-only] [--json]
"""

from __future__ import annotations

import argparse
import os
import queue
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import load_average, report  # noqa: E402
from evidence_capture.config import load_settings  # noqa: E402
from evidence_capture.patrol.devservices import LocalPostgres, LocalRedis  # noqa: E402
from evidence_capture.sample_shop import ShopServer  # noqa: E402
from evidence_capture.timestamping.devtsa import DevTSA  # noqa: E402

PASSPHRASE = "bench passphrase"
OFFICERS = ("张三:SH-001", "李四:SH-002")
PAGES = ("index", "product", "shop", "storage")


def page_urls(shop: ShopServer, n: int) -> list[str]:
    return [f"{shop.url(PAGES[i % len(PAGES)])}?n={i}" for i in range(n)]


def station_env(home: Path, tsa: DevTSA, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVIDENCE_")}
    env.update(EVIDENCE_HOME=str(home), EVIDENCE_TSA_URL=tsa.url, EVIDENCE_TSA_CA=str(tsa.ca_pem_path),
               EVIDENCE_KEY_PASSPHRASE=PASSPHRASE, EVIDENCE_OFFICER=",".join(OFFICERS),
               EVIDENCE_LANG="en", **extra)
    return env


# --- 1. local patrol against a bare Playwright loop --------------------------------------


def bare_loop(urls: list[str], workers: int, chromium: str, out: Path) -> float:
    """Pages per second of goto + full-page screenshot + HAR, ``workers`` threads."""
    from playwright.sync_api import sync_playwright

    todo: queue.Queue[tuple[int, str]] = queue.Queue()
    for item in enumerate(urls):
        todo.put(item)

    def work() -> None:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, headless=True)
            while True:
                try:
                    n, url = todo.get_nowait()
                except queue.Empty:
                    break
                context = browser.new_context(record_har_path=str(out / f"{n}.har"))
                page = context.new_page()
                page.goto(url)
                page.screenshot(path=str(out / f"{n}.png"), full_page=True)
                context.close()
            browser.close()

    return _timed(work, workers, len(urls))


CPU_PER_PAGE: list[float] = []  # CPU s per page (this process + reaped children) of each run


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _timed(target: Any, workers: int, pages: int) -> float:
    threads = [threading.Thread(target=target) for _ in range(workers)]
    started, cpu = time.perf_counter(), _cpu()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    CPU_PER_PAGE.append((_cpu() - cpu) / pages)
    return pages / (time.perf_counter() - started)


def patrol_run(urls: list[str], workers: int, sharing: str, tsa: DevTSA, home: Path) -> float:
    """Pages per second of a full patrol (run_job, as `evidence patrol` runs it)."""
    from evidence_capture.manifests.keys import StationKey
    from evidence_capture.models import Officer
    from evidence_capture.patrol.listfile import PatrolItem
    from evidence_capture.patrol.plan import JobPlan, plan_job
    from evidence_capture.patrol.runner import PatrolOptions, run_job
    from evidence_capture.workflow import Station

    os.environ.update(station_env(home, tsa))
    settings = load_settings()
    StationKey.create(settings.keys_dir, PASSPHRASE)
    station = Station.open(settings, lambda: PASSPHRASE, tsa_timeout=10.0)
    patrol = PatrolOptions(workers=workers, sharing=sharing)
    plan = JobPlan({"device": None, "total_timeout": 60.0, "allow_private": True},
                   tuple(Officer.parse(o) for o in OFFICERS), patrol)
    job_id, _ = plan_job(station.store, [PatrolItem(u) for u in urls], plan, source="bench",
                         mode="local")
    started, cpu = time.perf_counter(), _cpu()
    results = run_job(station, job_id, plan.capture_options(), patrol, officers=plan.officers)
    took = time.perf_counter() - started
    CPU_PER_PAGE.append((_cpu() - cpu) / len(urls))  # Chromium is reaped when a worker ends
    assert len(results) == len(urls) and all(r.state == "done" for r in results), results
    return len(urls) / took


def bench_patrol(args: argparse.Namespace, tsa: DevTSA, shop: ShopServer, temp: Path) -> dict:
    urls, chromium = page_urls(shop, args.pages), load_settings().chromium
    rows = {}
    for workers in args.workers:
        before = load_average()
        bare = bare_loop(urls, workers, chromium, _fresh(temp, f"bare-{workers}"))
        shared = patrol_run(urls, workers, "shared-process", tsa, _fresh(temp, f"shared-{workers}"))
        bare_cpu, shared_cpu = CPU_PER_PAGE[-2:]
        row = {"load_average_before": before,
               "bare_pages_per_s": round(bare, 3), "patrol_shared_pages_per_s": round(shared, 3),
               "bare_cpu_s_per_page": round(bare_cpu, 2), "shared_cpu_s_per_page": round(shared_cpu, 2),
               "shared_vs_bare": round(shared / bare, 3), "target_vs_bare": 0.8,
               "met": shared / bare >= 0.8}
        if not args.shared_only:
            per = patrol_run(urls, workers, "process-per-capture", tsa, _fresh(temp, f"per-{workers}"))
            row.update({"patrol_per_capture_pages_per_s": round(per, 3),
                        "per_capture_vs_bare": round(per / bare, 3),
                        "shared_vs_per_capture": round(shared / per, 3)})
        rows[f"workers={workers}"] = row | {"load_average_after": load_average()}
    return {"pages": len(urls), "results": rows}


def _fresh(temp: Path, name: str) -> Path:
    path = temp / name
    path.mkdir(parents=True)
    return path


# --- 2. Celery: two workers against one ---------------------------------------------------


def celery_run(urls: list[str], n_workers: int, tsa: DevTSA, temp: Path, pg: LocalPostgres,
               redis_url: str) -> float:
    shared = dict(EVIDENCE_DB=pg.new_database(), EVIDENCE_BROKER_URL=redis_url,
                  EVIDENCE_ARTIFACTS=str(temp / "artifacts"))
    evidence = [sys.executable, "-m", "evidence_capture"]
    coordinator = station_env(temp / "coordinator", tsa, **shared)
    subprocess.run([*evidence, "keys", "init"], env=coordinator, check=True, capture_output=True)
    listing = temp / "list.txt"
    listing.write_text("\n".join(urls) + "\n", encoding="utf-8")
    workers = []
    for n in range(n_workers):
        env = station_env(temp / f"worker-{n}", tsa, **shared)
        subprocess.run([*evidence, "keys", "init"], env=env, check=True, capture_output=True)
        workers.append(subprocess.Popen([*evidence, "worker", "--loglevel", "WARNING"], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True))
    try:
        time.sleep(8.0)  # workers connected and idle before the clock starts
        started = time.perf_counter()
        done = subprocess.run([*evidence, "patrol", str(listing), "--queue", "--allow-private",
                               "--json"], env=coordinator, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        job_id = __import__("json").loads(done.stdout)["job_id"]
        _wait_job(evidence, coordinator, job_id)
        return len(urls) / (time.perf_counter() - started)
    finally:
        for worker in workers:
            os.killpg(worker.pid, 15)
            worker.wait()


def _wait_job(evidence: list[str], env: dict[str, str], job_id: str) -> None:
    import json

    while True:
        done = subprocess.run([*evidence, "patrol", "status", job_id, "--json"], env=env,
                              capture_output=True, text=True)
        status = json.loads(done.stdout)
        if status["state"] == "done":
            assert status["counts"]["failed"] == 0, [i for i in status["items"] if i["error"]]
            return
        time.sleep(2.0)  # each poll is a whole CLI process: polling faster eats the cores being measured


def bench_celery(args: argparse.Namespace, tsa: DevTSA, shop: ShopServer, temp: Path) -> dict:
    urls = page_urls(shop, args.celery_pages)
    with LocalPostgres() as pg, LocalRedis() as redis:
        one = celery_run(urls, 1, tsa, _fresh(temp, "celery-1"), pg, redis.url)
        two = celery_run(urls, 2, tsa, _fresh(temp, "celery-2"), pg, redis.url)
    return {"pages": len(urls), "one_worker_pages_per_s": round(one, 3),
            "two_workers_pages_per_s": round(two, 3), "two_vs_one": round(two / one, 3),
            "target": 1.6, "met": two / one >= 1.6}


# --- 3. custody verify on PostgreSQL against SQLite ---------------------------------------


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def copy_chain(source: Any, home: Path, url: str) -> Any:
    """The same signed chain in another database: every table's rows copied as they are
    (no re-signing: building 100,000 events once is slow enough), and the head file."""
    from sqlalchemy import select

    from evidence_capture.storage import Store
    from evidence_capture.storage.models import Base

    os.environ["EVIDENCE_HOME"], os.environ["EVIDENCE_DB"] = str(home), url
    shutil.copytree(source.settings.keys_dir, load_settings().keys_dir, dirs_exist_ok=True)
    target = Store(load_settings())
    with source.engine.connect() as src, target.engine.begin() as dst:
        for table in Base.metadata.sorted_tables:
            rows = [dict(row) for row in src.execute(select(table)).mappings()]
            if rows:
                dst.execute(table.insert(), rows)
    shutil.copy2(source.custody.head_path, target.custody.head_path)
    os.environ.pop("EVIDENCE_DB")
    return target


def verify_alternating(stores: dict[str, Any], rounds: int, events: int) -> dict:
    """``verify_custody`` on each store in turn, ``rounds`` times (load hits both alike).

    Wall time is the figure (PostgreSQL's own work is in its server process); the client's
    CPU time is shown beside it.  ``vouched`` > 0 proves the fast path answered (the full
    walk vouches for nothing)."""
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in stores}
    vouched = {}
    for _ in range(rounds):
        for name, store in stores.items():
            started, cpu = time.perf_counter(), _cpu()
            report = store.verify_custody()
            runs[name].append((time.perf_counter() - started, _cpu() - cpu))
            assert report.ok and report.events == events
            vouched[name] = report.signatures_vouched
    times = {name: round(min(w for w, _ in r), 3) for name, r in runs.items()}
    ratio = times["postgresql"] / times["sqlite"]
    return {"events": events, "best_of": rounds, "verify_s": times,
            "client_cpu_s": {name: round(min(c for _, c in r), 3) for name, r in runs.items()},
            "signatures_vouched": vouched, "postgresql_vs_sqlite": round(ratio, 3),
            "target": 1.5, "met": ratio <= 1.5}


def bench_custody(args: argparse.Namespace, temp: Path) -> dict:
    from bench.bench_custody import build_chain

    os.environ.pop("EVIDENCE_DB", None)
    sqlite = build_chain(_fresh(temp, "custody-sqlite"), args.events)
    with LocalPostgres() as pg:
        stores = {"sqlite": sqlite,
                  "postgresql": copy_chain(sqlite, _fresh(temp, "custody-postgresql"), pg.new_database())}
        try:
            return verify_alternating(stores, args.rounds, args.events)
        finally:
            for store in stores.values():
                store.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=24)
    parser.add_argument("--workers", type=lambda s: [int(x) for x in s.split(",")], default=[1, 2, 4])
    parser.add_argument("--celery-pages", type=int, default=12)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip", default="")
    parser.add_argument("--shared-only", action="store_true",
                        help="patrol: leave out the process-per-capture comparison")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    result: dict[str, Any] = {"load_average_before": load_average(), "cores": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="evidence-bench-patrol-") as name, \
            ShopServer() as shop, DevTSA(Path(name) / "tsa") as tsa:
        temp = Path(name)
        if "patrol" not in skip:
            result["patrol"] = bench_patrol(args, tsa, shop, temp)
        if "celery" not in skip:
            result["celery"] = bench_celery(args, tsa, shop, temp)
        if "custody" not in skip:
            result["custody"] = bench_custody(args, temp)
    result["load_average_after"] = load_average()
    report(result, args.json)


if __name__ == "__main__":
    main()
