"""`make demo`: the whole pipeline on the bundled sample shop, with development TSAs.

Station A (an officer's laptop) opens a case, captures two pages of the
sample shop, seals them with timestamps from three development TSAs (RSA,
ECDSA and SM2-with-SM3), verifies them and exports the case.  Station B (the bureau case
file) imports the package into a fresh store, verifies it offline and prints
the custody log.  In between, the shop changes a price after the first
capture: station A re-captures that page and prints the sealed change report
(对比记录).  Last, the bilingual extraction record is written (it shows the
comparison and each page's 亮照 licence inspection).

Every step runs the real `evidence` command line, exactly as an officer would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import ExitStack
from datetime import datetime, timezone
from pathlib import Path

from evidence_capture.sample_shop import ShopServer
from evidence_capture.timestamping.devtsa import DevTSA

ROOT = Path(__file__).resolve().parent.parent
CASE_ID = "SCJG-2026-0001"
OFFICERS = ["张伟:SH-31010001", "李娜:SH-31010002"]
PASSPHRASE = "demo passphrase - not for real cases"


def banner(text: str) -> None:
    print(f"\n=== {text} ===", flush=True)


def evidence(env: dict[str, str], *args: str, want_json: bool = False) -> object:
    command = [sys.executable, "-m", "evidence_capture", *args]
    print("$ evidence " + " ".join(args), flush=True)
    result = subprocess.run(command, env=env, text=True, capture_output=want_json)
    if result.returncode != 0:
        if want_json:
            sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"demo: `evidence {args[0]}` failed with exit code {result.returncode}")
    if want_json:
        sys.stderr.write(result.stderr)
        return json.loads(result.stdout)
    return None


def station_env(home: Path, tsas: list[DevTSA], ca_bundle: Path, officer: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVIDENCE_")}
    env.update(
        EVIDENCE_HOME=str(home),
        EVIDENCE_TSA_URL=",".join(tsa.url for tsa in tsas),
        EVIDENCE_TSA_CA=str(ca_bundle),
        EVIDENCE_KEY_PASSPHRASE=PASSPHRASE,
        EVIDENCE_OFFICER=officer,
        EVIDENCE_LANG=env.get("EVIDENCE_LANG", "zh"),
    )
    return env


def main() -> None:
    run_dir = ROOT / "demo-output" / datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    run_dir.mkdir(parents=True)
    with ExitStack() as stack:
        shop = stack.enter_context(ShopServer())
        tsas = [
            stack.enter_context(DevTSA(ROOT / "demo-output" / "dev-tsa-rsa", key_type="rsa")),
            stack.enter_context(DevTSA(ROOT / "demo-output" / "dev-tsa-ec", key_type="ec")),
            stack.enter_context(DevTSA(ROOT / "demo-output" / "dev-tsa-sm2", key_type="sm2")),
        ]
        ca_bundle = run_dir / "dev-tsa-roots.pem"
        ca_bundle.write_bytes(b"".join(Path(t.ca_pem_path).read_bytes() for t in tsas))
        officer_a = station_env(run_dir / "station-a", tsas, ca_bundle, OFFICERS[0])
        bureau_b = station_env(run_dir / "station-b", tsas, ca_bundle, "王芳:SH-31019001")
        run_pipeline(shop, officer_a, bureau_b, run_dir)


def check_web_archives(folders) -> None:  # type: ignore[no-untyped-def]
    """Every capture's archive.wacz must pass py-wacz (`make wacz-venv`) and `warcio check`."""
    import tempfile
    import zipfile

    banner("Station A: web archives (archive.wacz) checked by py-wacz and warcio")
    for folder in folders:
        wacz = folder / "archive.wacz"
        with tempfile.TemporaryDirectory() as tmp:
            warc = Path(tmp) / "data.warc.gz"
            with zipfile.ZipFile(wacz) as archive:
                warc.write_bytes(archive.read("archive/data.warc.gz"))
            for command in ([str(ROOT / ".venv-wacz" / "bin" / "wacz"), "validate", "-f", str(wacz)],
                            [str(Path(sys.executable).with_name("warcio")), "check", str(warc)]):
                result = subprocess.run(command, capture_output=True, text=True)
                if result.returncode != 0:
                    sys.stderr.write(result.stdout + result.stderr)
                    raise SystemExit(f"demo: {Path(command[0]).name} rejected {wacz}")
        print(f"  {folder.name}/archive.wacz  {wacz.stat().st_size} bytes  valid (py-wacz, warcio)")
    print("  replay one offline: evidence replay <capture id>")


def run_pipeline(shop, env_a: dict[str, str], env_b: dict[str, str], run_dir: Path) -> None:
    banner("Station A: signing key and case")
    evidence(env_a, "keys", "init")
    station_key = run_dir / "station-a.pub.pem"
    evidence(env_a, "keys", "export-public", "-o", str(station_key))
    evidence(env_a, "case", "open", CASE_ID, "--title", "网店价格违法嫌疑核查",
             "--subject", "示例旗舰店", "--purpose", "固定网页证据")

    banner("Station A: capture three pages of the sample shop")
    officer_args = [arg for officer in OFFICERS for arg in ("--officer", officer)]
    captures = evidence(env_a, "capture", shop.url("shop"), shop.url("product"), shop.url("catalogue_item"),
                        "--case", CASE_ID, *officer_args, "--allow-private", "--json",
                        want_json=True)
    for capture in captures:  # type: ignore[union-attr]
        print(f"  {capture['capture_id']}  {capture['state']}  {capture['folder']}")

    check_web_archives(Path(c["folder"]) for c in captures)  # type: ignore[union-attr]

    banner("Station A: verify")
    for capture in captures:  # type: ignore[union-attr]
        evidence(env_a, "verify", capture["capture_id"])
    change_report(shop, env_a, captures[-1]["capture_id"], officer_args)  # type: ignore[index]

    banner("Station A: export the case")
    package = run_dir / f"{CASE_ID}.zip"
    evidence(env_a, "export", CASE_ID, "-o", str(package))

    banner("Station B: import into a fresh case file, verify offline, custody log")
    evidence(env_b, "keys", "init")
    evidence(env_b, "import", str(package), "--trust-key", str(station_key))
    evidence(env_b, "verify", str(package), "--trust-key", str(station_key))
    evidence(env_b, "custody", "log", CASE_ID, "--origin")
    evidence(env_b, "custody", "verify")

    banner("Extraction record (电子数据提取笔录)")
    record = run_dir / f"{CASE_ID}-record.pdf"
    evidence(env_a, "report", CASE_ID, "-o", str(record))
    run_patrol(shop, env_a, run_dir)
    print(f"\nDemo finished.  Everything is in {run_dir}\nExtraction record: {record}")


def change_report(shop, env: dict[str, str], capture_id: str, officer_args: list[str]) -> None:
    """The shop lowers a price after the first capture: re-capture, then the sealed change report."""
    banner("The shop changes its price: re-capture and sealed change report (对比记录)")
    shop.catalogue.set_price("tea", "1,088.00")
    print("  sample shop: /catalogue/tea.html now ¥ 1,088.00 (was ¥ 1,288.00)")
    [again] = evidence(env, "recapture", capture_id, *officer_args, "--json", want_json=True)  # type: ignore[misc]
    print(f"  {again['capture_id']}  {again['state']}  previous: {capture_id}")
    evidence(env, "diff", capture_id, again["capture_id"], *officer_args)
    diff_id = sorted(path.name for path in (Path(env["EVIDENCE_HOME"]) / "diffs").iterdir())[-1]
    evidence(env, "verify", diff_id)


def run_patrol(shop, env: dict[str, str], run_dir: Path) -> None:
    """A small local patrol: a spreadsheet-style CSV list of 3 URLs, 2 workers."""
    banner("Station A: patrol of 3 URLs with 2 workers (evidence patrol)")
    listing = run_dir / "patrol.csv"
    rows = [f"{shop.url(page)},{CASE_ID},示例旗舰店,巡查第{n}项"
            for n, page in enumerate(("shop", "product", "index"), start=1)]
    listing.write_text("\ufeffurl,case,subject,note\r\n" + "\r\n".join(rows) + "\r\n",
                       encoding="utf-8")
    officer_args = [arg for officer in OFFICERS for arg in ("--officer", officer)]
    licences = run_dir / "licence-report.csv"
    job = evidence(env, "patrol", str(listing), "--workers", "2", "--allow-private",
                   *officer_args, "--licence-report", str(licences), "--json", want_json=True)
    for item in job["items"]:  # type: ignore[index]
        print(f"  #{item['position']}  {item['state']}  {item['capture_id']}  {item['url']}")
    evidence(env, "patrol", "status", job["job_id"])  # type: ignore[index]
    print(f"  亮照 licence report (one row per shop): {licences}")
    evidence(env, "custody", "verify")


if __name__ == "__main__":
    main()
