"""R1: the size of the extraction record of 17 typical captures (target: <= 60 pages, <= 8 MB).

    python bench/bench_record.py [--home DIR] [--reprint] [--lang zh] [--json]

Captures, into one case, the 13 real-world pages of tests/data/readability
(Mozilla Readability's saved pages, served from loopback) and 4 sample-shop
pages (item, product, the 30,000 px gallery and the 100,000 px tall page),
with `evidence capture` (real Chromium, local development TSA), then prints
the case's record with `evidence report` and reports its pages (poppler's
`pdfinfo`) and size.  ``--home DIR`` keeps the station there; ``--reprint``
prints the record again from the captures already in DIR (no new capture),
to measure a change of the record alone.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import load_average, report  # noqa: E402
from evidence_capture.config import load_settings  # noqa: E402
from evidence_capture.manifests.keys import StationKey  # noqa: E402
from evidence_capture.models import CaseInfo  # noqa: E402
from evidence_capture.sample_shop import ShopServer  # noqa: E402
from evidence_capture.storage import StationSigner, Store  # noqa: E402
from evidence_capture.timestamping.devtsa import DevTSA  # noqa: E402
from tests.realworld import ALL_PAGES, serve_pages  # noqa: E402

PASSPHRASE = "bench passphrase"
CASE = "BENCH-RECORD"
SHOP_PAGES = ("item", "product", "gallery", "tall")


def _env(home: Path, tsa: DevTSA, lang: str) -> dict[str, str]:
    return {**os.environ, "EVIDENCE_HOME": str(home), "EVIDENCE_LANG": lang,
            "EVIDENCE_KEY_PASSPHRASE": PASSPHRASE, "EVIDENCE_TSA_URL": tsa.url,
            "EVIDENCE_TSA_CA": str(tsa.ca_pem_path)}


def _cli(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    run = subprocess.run([sys.executable, "-m", "evidence_capture.cli", *args], env=env,
                         capture_output=True, text=True, timeout=3600)
    return run.returncode, run.stdout, run.stderr


def _open_station(home: Path, env: dict[str, str]) -> None:
    settings = load_settings(env)
    key = StationKey.create(settings.keys_dir, PASSPHRASE)
    Store(settings, signer=StationSigner.from_station_key(key)).open_case(
        CaseInfo(CASE, title="网页取证笔录篇幅测试", subject="本地保存的真实网页与示例网店"))


def capture_all(env: dict[str, str], real_base: str, shop: ShopServer) -> list[dict]:
    urls = [f"{real_base}/{name}/source.html" for name in ALL_PAGES] + [shop.url(p) for p in SHOP_PAGES]
    code, out, err = _cli(["capture", *urls, "--case", CASE, "--allow-private", "--json",
                           "--officer", "张三:11010001", "--officer", "李四:11010002",
                           "--timeout", "120"], env)
    if code not in (0, 4):
        raise SystemExit(f"capture exit {code}: {err.strip()[-600:]}")
    return json.loads(out)


def pdf_pages(pdf: Path) -> int:
    run = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)$", run.stdout, re.MULTILINE).group(1))


def print_record(env: dict[str, str], out: Path) -> dict:
    out.unlink(missing_ok=True)
    started = time.perf_counter()
    code, stdout, err = _cli(["report", CASE, "-o", str(out), "--json"], env)
    if code not in (0, 1, 4) or not out.exists():
        raise SystemExit(f"report exit {code}: {err.strip()[-600:]}")
    info = json.loads(stdout)
    return {"exit": code, "seconds": round(time.perf_counter() - started, 1),
            "pages": pdf_pages(out), "screenshot_pages": info.get("screenshot_pages"),
            "mb": round(out.stat().st_size / 1_000_000, 2), "bytes": out.stat().st_size,
            "pdf": str(out)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None, help="keep the station in DIR")
    parser.add_argument("--reprint", action="store_true", help="print again from DIR's captures")
    parser.add_argument("--lang", default="zh", choices=("zh", "en"))
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.reprint and args.home is None:
        parser.error("--reprint needs --home")
    before = load_average()
    with ExitStack() as stack:
        home = args.home or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-record-")))
        home.mkdir(parents=True, exist_ok=True)
        tsa = stack.enter_context(DevTSA(home / "tsa").serve())
        env = _env(home / "station", tsa, args.lang)
        captures: list[dict] = []
        if not args.reprint:
            _open_station(home / "station", env)
            real_base = stack.enter_context(serve_pages())
            shop = stack.enter_context(ShopServer())
            captures = capture_all(env, real_base, shop)
        record = print_record(env, home / f"record-{args.lang}.pdf")
    if captures:
        record["captures"] = len(captures)
        record["states"] = sorted(c["state"] for c in captures)
    report({"record": record, "targets": {"pages": 60, "mb": 8},
            "load_average": {"before": before, "after": load_average()}}, args.json)


if __name__ == "__main__":
    main()
