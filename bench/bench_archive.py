"""A1: what the web archive costs per capture, against the same capture without it.

    python bench/bench_archive.py [--rounds 3] [--pages promo,gallery,tall] [--json]

In one process, captures of each sample-shop page alternate between the
normal pipeline ("wacz") and the same pipeline with the archive hooks taken
out ("none": no CDP traffic recorder, no ``traffic`` step, no ``archive``
step).  Reported per page: median whole-capture time of each, the difference,
the time of the two archive steps inside the "wacz" runs, and the size of
archive.wacz against the rest of the capture folder.  Video is off in both,
so the figures are not swamped by the encoder.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import load_average, median  # noqa: E402
from evidence_capture.archive import capture as archive  # noqa: E402
from evidence_capture.capture import engine, finalize, new_capture_id, run_capture  # noqa: E402
from evidence_capture.config import load_settings  # noqa: E402
from evidence_capture.defaults import DEFAULTS  # noqa: E402
from evidence_capture.sample_shop import ShopServer  # noqa: E402

OPTIONS = DEFAULTS.with_changes(allow_private=True, record_video=False)
WITH = (engine.STEPS, finalize.archive, archive.start)
WITHOUT = (tuple(s for s in engine.STEPS if s.name != "traffic"),
           lambda *args, **kwargs: None, lambda session: None)


def _set(hooks: tuple[Any, Any, Any]) -> None:
    engine.STEPS, finalize.archive, archive.start = hooks


def _one(url: str, home: Path, hooks: tuple[Any, Any, Any]) -> dict[str, float]:
    _set(hooks)
    settings = load_settings({"EVIDENCE_HOME": str(home), "EVIDENCE_LANG": "en"})
    capture_id = new_capture_id()
    steps: dict[str, float] = {}
    clock = time.monotonic()
    result = run_capture(url, OPTIONS, settings=settings, folder=settings.capture_dir(capture_id),
                         case=None, officers=(), capture_id=capture_id,
                         on_step=lambda o: steps.__setitem__(o.name, (o.ended_at - o.started_at).total_seconds()))
    took = time.monotonic() - clock
    wacz = result.folder / "archive.wacz"
    folder = sum(p.stat().st_size for p in result.folder.rglob("*") if p.is_file())
    return {"seconds": took, "wacz_bytes": wacz.stat().st_size if wacz.exists() else 0,
            "folder_bytes": folder, "traffic_s": steps.get("traffic", 0.0),
            "archive_s": steps.get("archive", 0.0), "state": result.state.value}


def bench(pages: list[str], rounds: int) -> dict[str, Any]:
    rows: dict[str, Any] = {}
    with ShopServer() as shop, tempfile.TemporaryDirectory() as tmp:
        for page in pages:
            runs: dict[str, list[dict[str, float]]] = {"wacz": [], "none": []}
            _one(shop.url(page), Path(tmp), WITH)  # warm-up
            for _ in range(rounds):
                for name, hooks in (("wacz", WITH), ("none", WITHOUT)):
                    runs[name].append(_one(shop.url(page), Path(tmp), hooks))
            _set(WITH)
            wacz, none = runs["wacz"], runs["none"]
            rows[page] = {
                "with_s": median([r["seconds"] for r in wacz]),
                "without_s": median([r["seconds"] for r in none]),
                "traffic_step_s": median([r["traffic_s"] for r in wacz]),
                "archive_step_s": median([r["archive_s"] for r in wacz]),
                "wacz_bytes": median([r["wacz_bytes"] for r in wacz]),
                "folder_without_bytes": median([r["folder_bytes"] for r in none]),
                "states": sorted({r["state"] for r in wacz + none}),
            }
            rows[page]["overhead_s"] = rows[page]["with_s"] - rows[page]["without_s"]
            rows[page]["size_ratio"] = rows[page]["wacz_bytes"] / rows[page]["folder_without_bytes"]
    return {"rounds": rounds, "load_average": load_average(), "pages": rows}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pages", default="promo,gallery,tall")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = bench(args.pages.split(","), args.rounds)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"A1 web archive overhead, {result['rounds']} alternating rounds, load {result['load_average']}")
    print("page      with    without  diff    traffic  archive  wacz KiB  folder KiB  ratio")
    for page, r in result["pages"].items():
        print(f"{page:<9} {r['with_s']:6.2f}s {r['without_s']:6.2f}s {r['overhead_s']:+6.2f}s "
              f"{r['traffic_step_s']:6.2f}s {r['archive_step_s']:6.2f}s {r['wacz_bytes'] / 1024:9.0f} "
              f"{r['folder_without_bytes'] / 1024:10.0f}  {r['size_ratio']:.2f}")


if __name__ == "__main__":
    main()
