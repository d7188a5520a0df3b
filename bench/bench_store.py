"""Benchmarks of the store: export + import of a large case.

    python bench/bench_store.py [--captures 200] [--json]

(`custody verify` over 100,000 events is bench/bench_custody.py.)

Everything is real: SQLite in WAL mode with synchronous=FULL, Ed25519
signatures, RFC 8785 hashing, the OpenSSL development TSA, BagIt with
SHA-256 + SHA-512, and the full strict verification before import.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evidence_capture.config import load_settings  # noqa: E402
from evidence_capture.manifests.keys import StationKey  # noqa: E402
from evidence_capture.manifests.seal import TsaConfig, seal_capture  # noqa: E402
from evidence_capture.timestamping.verify import load_tsa_roots  # noqa: E402
from evidence_capture.models import CaseInfo  # noqa: E402
from evidence_capture.storage import StationSigner, Store  # noqa: E402
from evidence_capture.storage.completion import ingest_sealed_folder  # noqa: E402
from evidence_capture.timeutil import utcnow  # noqa: E402

PASSPHRASE = "bench passphrase"


def _station(home: Path) -> tuple[StationKey, Store]:
    os.environ["EVIDENCE_HOME"] = str(home)
    settings = load_settings()
    key = StationKey.create(settings.keys_dir, PASSPHRASE)
    return key, Store(settings, signer=StationSigner.from_station_key(key))


def _make_captures(store: Store, key: StationKey, tsa: TsaConfig, count: int) -> None:
    from tests.fixtures_capture_folder import write_capture_folder
    from tests.fixtures_store import new_capture_id

    for n in range(count):
        capture_id = new_capture_id()
        url = f"https://shop.test/item/{n}"
        folder = store.begin_capture(capture_id, url=url, case_id="BENCH-CASE")
        ended = utcnow() - timedelta(seconds=2)
        write_capture_folder(folder, started=ended - timedelta(seconds=10), ended=ended,
                             capture_id=capture_id, url=url)
        seal_capture(folder, key=key, tsa=tsa)
        ingest_sealed_folder(store, capture_id)


def bench_packages(root: Path, captures: int) -> dict[str, float]:
    from evidence_capture.packages.export import export_package
    from evidence_capture.packages.importer import import_package
    from evidence_capture.timestamping.devtsa import DevTSA

    with DevTSA(root / "tsa").serve() as dev:
        tsa = TsaConfig(urls=(dev.url,), roots=load_tsa_roots(dev.ca_pem_path))
        key, store = _station(root / "station-a")
        store.open_case(CaseInfo("BENCH-CASE", title="200 captures"))
        started = time.perf_counter()
        _make_captures(store, key, tsa, captures)
        make_s = time.perf_counter() - started
    package = root / "bench-case.zip"
    started = time.perf_counter()
    export_package(store, "BENCH-CASE", package)
    export_s = time.perf_counter() - started
    _, importer = _station(root / "station-b")
    started = time.perf_counter()
    result = import_package(importer, package, trusted_keys=[key.public_key], tsa_roots=tsa.roots)
    import_s = time.perf_counter() - started
    assert len(result.captures) == captures and result.key_trusted
    return {"captures": captures, "create_seal_timestamp_s": round(make_s, 2),
            "export_s": round(export_s, 2), "package_mib": round(package.stat().st_size / 2**20, 2),
            "verify_and_import_s": round(import_s, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--captures", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="evidence-bench-") as temp:
        results = {"machine": f"{platform.machine()} {os.cpu_count()} cpu, "
                              f"Python {platform.python_version()}",
                   "packages": bench_packages(Path(temp), args.captures)}
    print(json.dumps(results, indent=2) if args.json else "\n".join(
        f"{name}: {value}" for name, value in results.items()))


if __name__ == "__main__":
    main()
