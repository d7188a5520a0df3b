"""Benchmark: the full capture against a bare Playwright script, in the same run.

Baseline: launch Chromium, new context recording a HAR with embedded content,
``goto`` the sample product page, full-page screenshot, close.  Full capture:
``run_capture`` on the same page, once with the default options and once with
the deliberate settle waits set to zero (so the engine's own cost shows).
Reports medians, their ratios and the browser's peak memory (PSS summed over
every Chromium process, sampled every 50 ms).

    python bench/bench_capture.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout, not an installed copy

from evidence_capture.capture import browser as chromium
from evidence_capture.capture import new_capture_id, run_capture
from evidence_capture.config import load_settings
from evidence_capture.defaults import DEFAULTS
from evidence_capture.sample_shop import ShopServer


def _descendants(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        try:
            tasks = Path(f"/proc/{current}/task").iterdir()
            children = [int(c) for t in tasks for c in (t / "children").read_text().split()]
        except OSError:
            continue
        found.extend(children)
        stack.extend(children)
    return found


def _browser_pss_kib(root: int) -> int:
    total = 0
    for pid in _descendants(root):
        try:
            if b"chrom" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                continue
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


class PeakMemory:
    """Samples the PSS of this process's Chromium descendants in a thread."""

    def __init__(self) -> None:
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import os

        while not self._stop.wait(0.05):
            self.peak_kib = max(self.peak_kib, _browser_pss_kib(os.getpid()))

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def bare(url: str, settings, workdir: Path) -> float:  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    start = time.perf_counter()
    with sync_playwright() as pw:
        browser = chromium.launch(pw, settings, None)
        context = browser.new_context(record_har_path=str(workdir / "bare.har"),
                                      record_har_content="embed",
                                      viewport={"width": 1366, "height": 768})
        page = context.new_page()
        page.goto(url)
        page.screenshot(path=str(workdir / "bare.png"), full_page=True)
        context.close()
        browser.close()
    return time.perf_counter() - start


def full(url: str, settings, options) -> tuple[float, dict[str, float]]:  # type: ignore[no-untyped-def]
    capture_id = new_capture_id()
    start = time.perf_counter()
    result = run_capture(url, options, settings=settings, folder=settings.capture_dir(capture_id),
                         case=None, officers=(), capture_id=capture_id)
    took = time.perf_counter() - start
    assert result.state.value == "COMPLETE", result.as_record()
    return took, {s.name: s.duration_s for s in result.steps}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, ShopServer() as shop:
        settings = load_settings({"EVIDENCE_HOME": tmp})
        url = shop.url("product")
        default = DEFAULTS.with_changes(allow_private=True)
        no_waits = default.with_changes(settle_dwell_ms=0, scroll_pause_ms=0)
        times: dict[str, list[float]] = {"bare": [], "full": [], "full_no_waits": []}
        peaks: dict[str, int] = {}
        steps: list[dict[str, float]] = []
        bare(url, settings, Path(tmp))  # warm-up: page cache, fonts, driver
        for _ in range(args.runs):  # interleaved, so drift hits all three alike
            for name, run in (("bare", lambda: (bare(url, settings, Path(tmp)), {})),
                              ("full", lambda: full(url, settings, default)),
                              ("full_no_waits", lambda: full(url, settings, no_waits))):
                with PeakMemory() as memory:
                    took, step_times = run()
                times[name].append(took)
                peaks[name] = max(peaks.get(name, 0), memory.peak_kib)
                if name == "full":
                    steps.append(step_times)
        report(times, peaks, steps)


def deliberate_waits(step_times: dict[str, float]) -> float:
    """The deliberate settle waits of one full run: the settle step (network
    quiet + dwell) and the two scroll pauses (see bench/RESULTS.md)."""
    return step_times["settle"] + 2 * DEFAULTS.scroll_pause_ms / 1000


def report(times: dict[str, list[float]], peaks: dict[str, int],
           steps: list[dict[str, float]]) -> None:
    times["full_minus_waits"] = [t - deliberate_waits(s) for t, s in zip(times["full"], steps)]
    peaks["full_minus_waits"] = peaks["full"]
    median = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        print(f"{name:14} median {median[name]:.2f} s  runs {[round(v, 2) for v in values]}  "
              f"peak browser PSS {peaks[name] / 1024:.0f} MiB")
    print(f"ratio full / bare            {median['full'] / median['bare']:.2f}")
    print(f"ratio full_no_waits / bare   {median['full_no_waits'] / median['bare']:.2f}")
    print(f"ratio full, deliberate waits counted out / bare   "
          f"{median['full_minus_waits'] / median['bare']:.2f}")
    names = steps[0].keys()
    print("median step durations (full):",
          {n: round(statistics.median(s[n] for s in steps), 3) for n in names})


if __name__ == "__main__":
    main()
