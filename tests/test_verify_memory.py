"""Peak memory of `evidence verify` on hostile packages under 6 MB stays below 300 MB.

Measured, not timed: each package is verified in a fresh interpreter, which reports its
own peak resident set size (``VmHWM``).  The packages are a real export whose JSON
files are replaced by crafted JSON at the largest size the zip allows (a 6 MB zip of
highly compressible JSON), re-hashed so that every file is parsed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures_store import rehashed_package

LIMIT_MB = 300
ZIP_BUDGET = 6 * 1024 * 1024
_MEASURE = """
import sys
from pathlib import Path
from evidence_capture.errors import EvidenceError
from evidence_capture.packages.verify_pkg import verify_package
try:
    verify_package(Path(sys.argv[1]))
except EvidenceError:
    pass
# VmHWM is this process's own peak since exec; ru_maxrss is not: Linux carries the forking
# parent's high-water mark across exec, so a large pytest process would be counted.
hwm = [line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM:")]
print(int(hwm[0].split()[1]) // 1024)
"""


def _crafted(kind: str, size: int) -> bytes:
    """Crafted JSON of ``size`` bytes; ``parsed``: just under the value limit, so it is parsed."""
    from evidence_capture.safeio import MAX_JSON_VALUES

    unit = {"lists": b"[],", "strings": b'"aaaaaaaaaaaaaaaaaaaa",', "parsed": b"{},"}[kind]
    count = size // len(unit) if kind != "parsed" else min(size // len(unit), MAX_JSON_VALUES - 10)
    return b"[" + unit * count + b"1]"


def _package(source: Path, target: Path, kind: str) -> Path:
    """Crafted JSON at each file's size cap, plus incompressible padding that keeps the
    whole-archive compression ratio under its limit, so that everything is parsed."""
    from evidence_capture.packages.layout import MAX_CUSTODY_BYTES
    from evidence_capture.verify.runner import MAX_MANIFEST_BYTES

    def craft(data: Path) -> None:
        capture = next((data / "captures").iterdir())
        (capture / "manifest.json").write_bytes(_crafted(kind, MAX_MANIFEST_BYTES - 16))
        (capture / "timestamps" / "1.json").write_bytes(_crafted(kind, (1 << 20) - 16))
        (data / "custody.jsonl").write_bytes(_crafted(kind, MAX_CUSTODY_BYTES - 16) + b"\n")
        (data / "padding.bin").write_bytes(os.urandom(4 << 20))

    return rehashed_package(source, target, craft)


def _peak_mb(package: Path) -> int:
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(package)], capture_output=True,
                          text=True, timeout=600, check=True)
    return int(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("kind", ["lists", "strings", "parsed"])
def test_attack_crafted_json_package_peak_memory(exported_case, tmp_path, kind) -> None:
    package = _package(exported_case, tmp_path / f"{kind}.zip", kind)
    assert package.stat().st_size <= ZIP_BUDGET
    peak = _peak_mb(package)
    print(f"{kind}: {package.stat().st_size} byte zip, peak {peak} MB")
    assert peak < LIMIT_MB, f"peak {peak} MB"
