"""Shared helpers of the benchmarks: load average, medians, process-tree memory, output."""

from __future__ import annotations

import json
import os
import statistics
import threading
import time
from pathlib import Path
from typing import Any, Iterable


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def report(result: dict[str, Any], as_json: bool) -> None:
    print(json.dumps(result, indent=2, ensure_ascii=False) if as_json else "\n".join(
        f"{name}: {value}" for name, value in result.items()))


def _children(pid: int) -> list[int]:
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        found: list[int] = []
        for task in tasks:
            text = (task / "children").read_text()
            found += [int(p) for p in text.split()]
        return found
    except OSError:
        return []


def tree_pss_kib(root: int) -> int:
    """PSS of ``root`` and all its descendants, from /proc/*/smaps_rollup, in KiB."""
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
        except OSError:
            continue
        todo += _children(pid)
    return total


class PeakPss:
    """Samples the PSS of a process tree every ``interval`` s in a thread; ``.peak`` in KiB."""

    def __init__(self, root: int, interval: float = 0.05) -> None:
        self.root, self.interval, self.peak = root, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_pss_kib(self.root))
            time.sleep(self.interval)

    def __enter__(self) -> "PeakPss":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
