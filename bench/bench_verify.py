"""Benchmark: `evidence verify` on a capture padded to 1 GiB, against plain hashlib passes.

All in one run, over the same bytes, page cache warm for every contender:

1. a plain single-pass hashlib SHA-256 (the floor for any SHA-256 verifier);
2. a plain single pass computing SHA-256 and SM3 together (the target's base);
3. ``evidence verify --json`` as a subprocess (CLI start-up, manifest, signature,
   every artifact's size+SHA-256+SM3, unlisted-file scan, time checks).

Target: (3) within 1.3x of (2).  Usage:
    python bench/bench_verify.py [--size-mib 1024] [--repeat 3] [--workdir /tmp]
The padded capture is generated under --workdir and deleted afterwards.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evidence_capture.manifests.keys import StationKey  # noqa: E402
from evidence_capture.manifests.seal import TsaConfig, seal_capture  # noqa: E402
from evidence_capture.timeutil import utcnow  # noqa: E402
from tests.fixtures_capture_folder import write_capture_folder  # noqa: E402

CHUNK = 1024 * 1024


def _files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def plain_sha256(folder: Path) -> None:
    for path in _files(folder):
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)


def plain_sha256_sm3(folder: Path) -> None:
    for path in _files(folder):
        sha256, sm3 = hashlib.sha256(), hashlib.new("sm3")
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                sha256.update(chunk)
                sm3.update(chunk)


S6_TARGET = 1.15


def make_capture(workdir: Path, size: int) -> tuple[Path, Path]:
    home = workdir / "home"
    ended = utcnow() - timedelta(seconds=1)
    folder = write_capture_folder(home / "captures" / "20260101T000000Z-0be4c400",
                                  started=ended - timedelta(seconds=10), ended=ended)
    current = sum(path.stat().st_size for path in _files(folder))
    block = os.urandom(CHUNK)
    with (folder / "session.webm").open("ab") as handle:  # pad the video, as a long session would
        remaining = size - current
        while remaining > 0:
            handle.write(block[: min(CHUNK, remaining)])
            remaining -= CHUNK
    key = StationKey.create(home / "keys", "bench")
    seal_capture(folder, key=key, tsa=TsaConfig())
    return home, folder


def run_verify(home: Path, folder: Path) -> None:
    env = {**os.environ, "EVIDENCE_HOME": str(home), "NO_COLOR": "1"}
    result = subprocess.run([sys.executable, "-m", "evidence_capture", "verify", str(folder), "--json"],
                            env=env, capture_output=True, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"verify failed ({result.returncode}): {result.stdout[-800:]!r} {result.stderr[-800:]!r}")


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children (robust to other load)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def interleaved(contenders, repeat: int) -> list[tuple[str, list[float], list[float]]]:  # type: ignore[no-untyped-def]
    """Time every contender ``repeat`` times, round-robin, so background load hits all alike.

    Returns (label, wall seconds, CPU seconds) per contender.
    """
    wall: dict[str, list[float]] = {label: [] for label, _ in contenders}
    cpu: dict[str, list[float]] = {label: [] for label, _ in contenders}
    for _ in range(repeat):
        for label, func in contenders:
            start, start_cpu = time.perf_counter(), _cpu()
            func()
            wall[label].append(time.perf_counter() - start)
            cpu[label].append(_cpu() - start_cpu)
    return [(label, wall[label], cpu[label]) for label, _ in contenders]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    workdir = Path(tempfile.mkdtemp(prefix="bench-verify-", dir=args.workdir))
    try:
        home, folder = make_capture(workdir, args.size_mib * CHUNK)
        size = sum(path.stat().st_size for path in _files(folder))
        plain_sha256(folder)  # warm the page cache for everybody
        rows = interleaved([("hashlib SHA-256, one pass", lambda: plain_sha256(folder)),
                            ("hashlib SHA-256 + SM3, one pass", lambda: plain_sha256_sm3(folder)),
                            ("evidence verify --json", lambda: run_verify(home, folder))], args.repeat)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    both_wall, both_cpu = min(rows[1][1]), min(rows[1][2])
    print(f"capture: {size / 2**30:.3f} GiB; {platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, best of {args.repeat} (interleaved); "
          f"load average before/after: {load_before:.1f}/{os.getloadavg()[0]:.1f}")
    print("| contender | best wall s | median wall s | best CPU s | MiB/s (wall) | wall vs SHA-256+SM3 "
          "| CPU vs SHA-256+SM3 |")
    print("|---|---|---|---|---|---|---|")
    for label, wall, cpu in rows:
        print(f"| {label} | {min(wall):.2f} | {statistics.median(wall):.2f} | {min(cpu):.2f} "
              f"| {size / 2**20 / min(wall):.0f} | {min(wall) / both_wall:.2f}x | {min(cpu) / both_cpu:.2f}x |")
    for what, ratio in (("wall", min(rows[2][1]) / both_wall), ("CPU", min(rows[2][2]) / both_cpu)):
        print(f"S6 target (verify <= {S6_TARGET}x one SHA-256+SM3 pass, {what}): "
              f"{'met' if ratio <= S6_TARGET else 'MISSED'} ({ratio:.2f}x)")

if __name__ == "__main__":
    main()
