"""S5: `custody verify` over N events on SQLite, fast path against the full walk.

    python bench/bench_custody.py [--events 100000] [--rounds 3] [--checkpoint] [--json]

The chain is written directly (real RFC 8785 hashes and Ed25519 signatures by
a real station key, bulk-inserted in one transaction, then the head file), so
that building 100,000 events takes seconds instead of the minutes the
one-event-per-command path needs.  Contenders, alternating, in the same run:
``evidence custody verify --json`` as a whole process (the figure S5 is about),
the same with ``--every-signature`` (the full walk, the baseline), and both as
library calls without interpreter start-up.  With ``--checkpoint`` a local development
TSA (OpenSSL) grants a custody checkpoint over the last event and EVIDENCE_TSA_CA names
its root, as on a station after an export: every contender then also verifies the
checkpoint's token and the checkpointed event's own signature.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import load_average, median, report  # noqa: E402
from evidence_capture import TOOL_NAME, __version__  # noqa: E402
from evidence_capture.config import load_settings  # noqa: E402
from evidence_capture.manifests.keys import StationKey  # noqa: E402
from evidence_capture.models import CaseInfo  # noqa: E402
from evidence_capture.storage import StationSigner, Store  # noqa: E402
from evidence_capture.storage.chain import canonical, event_hash_of, hash_bytes  # noqa: E402
from evidence_capture.storage.models import CustodyEventRow  # noqa: E402

PASSPHRASE = "bench passphrase"
TARGET_S = 3.0


def build_chain(home: Path, events: int) -> Store:
    """A store whose custody log holds ``events`` signed, linked events."""
    os.environ["EVIDENCE_HOME"] = str(home)
    key = StationKey.create(load_settings().keys_dir, PASSPHRASE)
    store = Store(load_settings(), signer=StationSigner.from_station_key(key))
    store.open_case(CaseInfo("BENCH", title="custody benchmark"))
    head = store.custody_log()[-1]
    rows, prev = [], head["event_hash"]
    for seq in range(head["seq"] + 1, events + 1):
        body = {**{k: head[k] for k in ("actor", "host", "tool", "case_id")},
                "seq": seq, "type": "note", "time": head["time"],
                "object": {"kind": "case", "id": "BENCH", "digest": None},
                "details": {"text": f"note {seq} 笔录"}, "prev_hash": prev}
        prev = event_hash_of(body)
        rows.append(dict(
            seq=seq, event_type="note", time_utc=body["time"], actor_name=body["actor"]["name"],
            actor_cert=body["actor"]["cert_no"], host=body["host"], tool_version=__version__,
            object_kind="case", object_id="BENCH", object_digest=None, case_id="BENCH",
            details=canonical(body["details"]).decode(), prev_hash=body["prev_hash"],
            event_hash=prev, signer=key.fingerprint, signature=key.sign(hash_bytes(prev)).hex()))
    assert head["tool"]["name"] == TOOL_NAME
    with store.engine.begin() as conn:
        conn.execute(CustodyEventRow.__table__.insert(), rows)
    store.custody.write_head({"seq": events, "event_hash": prev})
    return store


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


CPU: dict[str, list[float]] = {"cli fast": [], "cli every": []}  # children's CPU seconds


def _cli(home: Path, *extra: str) -> float:
    env = {**os.environ, "EVIDENCE_HOME": str(home)}
    started, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run([sys.executable, "-m", "evidence_capture.cli", "custody", "verify",
                           "--json", *extra], env=env, capture_output=True, text=True)
    took = time.perf_counter() - started
    CPU["cli every" if extra else "cli fast"].append(_children_cpu() - cpu)
    record = json.loads(done.stdout)
    assert done.returncode == 0 and record["ok"], done.stderr[-2000:]
    assert record["notes"] == [] or not os.environ.get("EVIDENCE_TSA_CA"), record["notes"]
    return took


def _library(store: Store, every: bool) -> float:
    """What ``custody verify`` runs, without start-up: the chain, then the checkpoint."""
    from evidence_capture.storage.checkpoint import verify_store

    started = time.perf_counter()
    result = verify_store(store, None, every_signature=every)
    took = time.perf_counter() - started
    assert result.ok
    return took


def take_checkpoint(store: Store, tsa_dir: Path) -> Any:
    """A development TSA (left running until the caller closes it) and a checkpoint from it."""
    from evidence_capture.storage.checkpoint import checkpoint_store
    from evidence_capture.timestamping.devtsa import DevTSA

    tsa = DevTSA(tsa_dir).__enter__()
    os.environ.update(EVIDENCE_TSA_URL=tsa.url, EVIDENCE_TSA_CA=str(tsa.ca_pem_path))
    checkpoint_store(Store(load_settings()), timeout=30)
    return tsa


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--checkpoint", action="store_true",
                        help="take a custody checkpoint from a local development TSA first")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    before = load_average()
    with tempfile.TemporaryDirectory(prefix="evidence-bench-custody-") as temp:
        home = Path(temp)
        started = time.perf_counter()
        store = build_chain(home, args.events)
        build_s = time.perf_counter() - started
        tsa = take_checkpoint(store, home / "tsa") if args.checkpoint else None
        if tsa is not None:
            store = Store(load_settings())  # with the TSA root, as the CLI sees it
        times: dict[str, list[float]] = {k: [] for k in ("cli fast", "cli every", "lib fast",
                                                           "lib every")}
        _cli(home)  # warm-up: page cache, bytecode
        CPU["cli fast"].clear()
        for _ in range(args.rounds):
            times["cli fast"].append(_cli(home))
            times["cli every"].append(_cli(home, "--every-signature"))
            times["lib fast"].append(_library(store, False))
            times["lib every"].append(_library(store, True))
        fast = store.verify_custody()
        if tsa is not None:
            tsa.__exit__(None, None, None)
    medians = {k: round(median(v), 3) for k, v in times.items()}
    result = {"events": args.events, "checkpoint": args.checkpoint, "build_s": round(build_s, 1),
              "rounds": args.rounds,
              "median_s": medians,
              "median_cpu_s": {k: round(median(v), 3) for k, v in CPU.items()},
              "signatures_checked": fast.signatures_verified,
              "signatures_vouched": fast.signatures_vouched,
              "S5": {"measure": "evidence custody verify, whole process", "target_s": TARGET_S,
                     "value_s": medians["cli fast"], "met": medians["cli fast"] < TARGET_S,
                     "vs_every_signature": round(medians["cli fast"] / medians["cli every"], 3)},
              "load_average": {"before": before, "after": load_average()}}
    report(result, args.json)


if __name__ == "__main__":
    main()
