"""Run npm's har-validator (HAR 1.2 schema, pinned in tools/har) over HAR files."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

TOOLS = Path(__file__).resolve().parent.parent / "tools" / "har"


def har_validator_available() -> bool:
    return shutil.which("node") is not None and (TOOLS / "node_modules" / "har-validator").is_dir()


def validate_hars(paths: list[Path]) -> list[dict[str, object]]:
    """One ``{"file", "valid", "errors"}`` per file, as har-validator reports it."""
    from tests.conftest import require_or_skip

    require_or_skip(har_validator_available(), "har-validator not installed: run `make npm-tools`")
    done = subprocess.run(["node", str(TOOLS / "validate.js"), *map(str, paths)],
                          capture_output=True, text=True, timeout=120, check=False)
    results = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert len(results) == len(paths), done.stderr
    return results
