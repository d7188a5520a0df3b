"""Mutation fuzzer: packages, capture folders and the SQLite store never give a traceback.

Bit flips, truncation and JSON type confusion in every field of every JSON file.  Each
run must end with exit 0, 1 or 2 and a message (never a Python traceback), and write
nothing outside the temp area.  Time-capped for CI (``FUZZ_SECONDS``, default 20 s per
target); ``make fuzz`` runs longer.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import time
import zipfile
from pathlib import Path
from typing import Any, Iterator

import pytest
from typer.testing import CliRunner

from evidence_capture.cli import app

runner = CliRunner()
SECONDS = float(os.environ.get("FUZZ_SECONDS", "10"))
_CONFUSE: tuple[Any, ...] = ("x", 0, -1, 2 ** 70, 1.5, True, None, [], {}, [1, [2]], {"a": {}},
                             "sha256:", "0" * 200, "\x00", "../../x")


def _paths(value: Any, prefix: tuple = ()) -> Iterator[tuple]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:5]):
            yield from _paths(item, (*prefix, index))


def _confused(value: Any, rng: random.Random) -> Any:
    paths = list(_paths(value))
    path = rng.choice(paths)
    if not path:
        return rng.choice(_CONFUSE)
    value = json.loads(json.dumps(value))
    holder = value
    for step in path[:-1]:
        holder = holder[step]
    holder[path[-1]] = rng.choice(_CONFUSE)
    return value


def mutate(data: bytes, rng: random.Random, is_json: bool) -> bytes:
    choice = rng.random()
    if is_json and choice < 0.5:
        try:
            if data.count(b"\n") > 1 and data.strip().startswith(b"{\""):  # JSON lines
                lines = data.splitlines()
                n = rng.randrange(len(lines))
                lines[n] = json.dumps(_confused(json.loads(lines[n]), rng)).encode()
                return b"\n".join(lines) + b"\n"
            return json.dumps(_confused(json.loads(data), rng)).encode()
        except ValueError:
            pass
    if choice < 0.8 and data:
        data = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        return bytes(data)
    return data[: rng.randrange(len(data) + 1)]


def _outcome_ok(result) -> None:  # type: ignore[no-untyped-def]
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        pytest.fail("".join(traceback.format_exception(*result.exc_info)) + text)
    assert result.exit_code in (0, 1, 2), text
    assert "Traceback" not in text
    assert text.strip(), "no message at all"


def _snapshot(*roots: Path) -> set[str]:
    return {str(p) for root in roots for p in root.rglob("*")}


def _fuzz_files(folder: Path, run, rng: random.Random) -> int:  # type: ignore[no-untyped-def]
    files = [p for p in sorted(folder.rglob("*")) if p.is_file()]
    deadline, runs = time.monotonic() + SECONDS, 0
    while time.monotonic() < deadline:
        target = rng.choice(files)
        original = target.read_bytes()
        target.chmod(0o644)
        target.write_bytes(mutate(original, rng, target.suffix in (".json", ".jsonl", ".har")))
        try:
            run()
        finally:
            target.write_bytes(original)
        runs += 1
    return runs


def test_fuzz_packages(exported_case, public_key_pem, tsa_rsa, tmp_path, evidence_home) -> None:
    rng = random.Random(9)
    work = tmp_path / "bag"
    with zipfile.ZipFile(exported_case) as archive:
        archive.extractall(work)
    package = tmp_path / "fuzzed.zip"
    before = _snapshot(evidence_home, exported_case.parent)

    def run() -> None:
        package.unlink(missing_ok=True)
        with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(work.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(work).as_posix())
        for args in (["verify", str(package)], ["verify", str(package), "--json", "--trust-key",
                                                 str(public_key_pem), "--tsa-ca",
                                                 str(tsa_rsa.ca_pem_path)]):
            _outcome_ok(runner.invoke(app, args))

    assert _fuzz_files(work, run, rng) > 0
    assert _snapshot(evidence_home, exported_case.parent) == before


def test_fuzz_capture_folders(store, stored_capture, public_key_pem, tsa_rsa, tmp_path,
                              evidence_home) -> None:
    rng = random.Random(10)
    capture_id = stored_capture()
    folder = tmp_path / "loose" / capture_id
    shutil.copytree(store.settings.capture_dir(capture_id), folder)
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    before = _snapshot(evidence_home)

    def run() -> None:
        _outcome_ok(runner.invoke(app, ["verify", str(folder), "--json", "--trust-key",
                                        str(public_key_pem), "--tsa-ca", str(tsa_rsa.ca_pem_path)]))

    assert _fuzz_files(folder, run, rng) > 0
    assert _snapshot(evidence_home) == before


@pytest.mark.parametrize("column", ["details", "event_hash", "seq", "prev_hash", "signature",
                                    "event_type", "time_utc", "object_id", "signer"])
def test_fuzz_sqlite_store(store, stored_capture, evidence_home, column) -> None:
    from tests.fixtures_services import drop_append_only, raw_sql

    stored_capture()
    if store.engine.url.get_backend_name() != "sqlite":
        pytest.skip("the SQLite store")
    database = store.engine.url.database
    columns = [row[1] for row in sqlite3.connect(database).execute("PRAGMA table_info(custody_events)")]
    if column not in columns:
        pytest.skip(f"no column {column} in this schema")
    rng = random.Random(column)
    deadline = time.monotonic() + SECONDS / 4
    while time.monotonic() < deadline:
        value = rng.choice(["x", "sha256:", "{", "[]", "12a", "", "null", "9" * 40, '{"a":' * 300])
        with sqlite3.connect(database) as conn:
            seq = rng.choice([r[0] for r in conn.execute("SELECT seq FROM custody_events")])
        try:  # an edit the schema itself refuses (a duplicate hash, a NULL) is no attack
            raw_sql(store, drop_append_only(store) +
                    f"UPDATE custody_events SET {column} = '{value}' WHERE seq = {seq};")
        except AssertionError:
            continue
        for args in (["custody", "verify"], ["custody", "verify", "--json"], ["case", "list"]):
            _outcome_ok(runner.invoke(app, args))
