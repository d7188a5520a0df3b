"""Hostile packages: each is refused with exit 2 (or, for tampering, fails with exit 1), writes nothing outside the temp
area and leaves the store exactly as it was."""

from __future__ import annotations

import json
import stat
import struct
import warnings
import zipfile
from pathlib import Path

import bagit
import pytest
from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.errors import PackageError
from evidence_capture.packages.safezip import ZipLimits, extract_safely

runner = CliRunner()
TOP = "evidence-CASE-7"


@pytest.fixture
def guarded(store, evidence_home, tmp_path):
    """Run ``evidence import`` on a hostile zip; assert exit 2 and an untouched store."""

    def run(package: Path, expect: str, code: int = 2) -> str:
        before = (store.custody_log(), [c.case_id for c in store.list_cases()],
                  sorted(p.name for p in store.settings.captures_dir.glob("*")))
        result = runner.invoke(app, ["import", str(package), "--json"], catch_exceptions=False)
        assert result.exit_code == code, result.output
        assert expect in result.output
        after = (store.custody_log(), [c.case_id for c in store.list_cases()],
                 sorted(p.name for p in store.settings.captures_dir.glob("*")))
        assert after == before
        assert list((evidence_home / "tmp").glob("*")) == []
        assert not (tmp_path / "escaped.txt").exists()
        return result.output

    return run


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def _rebuild(source: Path, target: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    """Unpack a real package, let ``edit`` change the bag folder, zip it again."""
    work = target.with_suffix(".d")
    with zipfile.ZipFile(source) as archive:
        archive.extractall(work)
    edit(work / TOP)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(work.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(work).as_posix())
    return target


def _patch_central_sizes(path: Path, *, compressed: int | None, uncompressed: int) -> None:
    """Rewrite the sizes every central-directory (and local) header declares."""
    data = bytearray(path.read_bytes())
    for signature, comp_at, size_at in ((b"PK\x01\x02", 20, 24), (b"PK\x03\x04", 18, 22)):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            if compressed is not None:
                struct.pack_into("<I", data, at + comp_at, compressed)
            struct.pack_into("<I", data, at + size_at, uncompressed)
            start = at + 4
    path.write_bytes(bytes(data))


def test_attack_zip_slip_dot_dot(guarded, tmp_path):
    package = _zip(tmp_path / "slip.zip", {f"{TOP}/bagit.txt": b"x", "../../escaped.txt": b"pwned"})
    guarded(package, "zip slip")


def test_attack_zip_slip_absolute_path(guarded, tmp_path):
    package = _zip(tmp_path / "abs.zip", {str(tmp_path / "escaped.txt"): b"pwned"})
    guarded(package, "absolute path")


def test_attack_symlink_entry(guarded, tmp_path):
    package = tmp_path / "link.zip"
    info = zipfile.ZipInfo(f"{TOP}/data/link")
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr(f"{TOP}/bagit.txt", b"BagIt-Version: 0.97\n")
        archive.writestr(info, str(tmp_path / "escaped.txt"))
    guarded(package, "symlink")


def test_attack_duplicate_entry_names(guarded, tmp_path):
    package = tmp_path / "dup.zip"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(package, "w") as archive:
            archive.writestr(f"{TOP}/data/package.json", b"{}")
            archive.writestr(f"{TOP}/data/package.json", b'{"evil": true}')
    guarded(package, "duplicate entry")


def test_attack_zip_bomb_declared_size(guarded, tmp_path):
    package = _zip(tmp_path / "declared.zip", {f"{TOP}/data/{n}.bin": b"x" * 100 for n in range(3)})
    _patch_central_sizes(package, compressed=0xFFFFFFF0, uncompressed=0xFFFFFFF0)
    guarded(package, "zip bomb")


def test_attack_zip_bomb_compression_ratio(guarded, tmp_path):
    package = _zip(tmp_path / "ratio.zip", {f"{TOP}/data/zeros.bin": bytes(8 << 20)})
    guarded(package, "zip bomb")


def test_attack_zip_bomb_actual_size_beyond_declared(guarded, tmp_path):
    package = _zip(tmp_path / "actual.zip", {f"{TOP}/data/zeros.bin": bytes(4 << 20)})
    _patch_central_sizes(package, compressed=None, uncompressed=1000)
    guarded(package, "refused")


def test_attack_zip_bomb_actual_size_over_the_limit(tmp_path):
    package = _zip(tmp_path / "big.zip", {f"{TOP}/data/{n}.bin": bytes(600_000) for n in range(3)})
    dest = tmp_path / "dest"
    dest.mkdir()
    limits = ZipLimits(max_total_bytes=1_000_000, max_ratio=10_000)
    with pytest.raises(PackageError, match="zip bomb") as caught:
        extract_safely(package, dest, limits)
    assert caught.value.exit_code == 2


def test_attack_truncated_zip(guarded, exported_case, tmp_path):
    package = tmp_path / "truncated.zip"
    package.write_bytes(exported_case.read_bytes()[: exported_case.stat().st_size // 2])
    guarded(package, "truncated or corrupt")


def test_attack_corrupt_zip(guarded, exported_case, tmp_path):
    data = bytearray(exported_case.read_bytes())
    middle = len(data) // 3
    data[middle:middle + 64] = bytes(64)
    package = tmp_path / "corrupt.zip"
    package.write_bytes(bytes(data))
    guarded(package, "damaged", code=1)  # a damaged entry is tampering: a verdict, not a refusal


def test_attack_bag_with_failing_checksum(guarded, exported_case, tmp_path):
    def swap_screenshot(bag: Path) -> None:
        shot = next((bag / "data" / "captures").glob("*/screenshot.png"))
        shot.chmod(0o644)
        shot.write_bytes(shot.read_bytes() + b"edited")

    output = guarded(_rebuild(exported_case, tmp_path / "edited.zip", swap_screenshot),
                     "differs from the bag manifest", code=1)
    assert "screenshot.png" in output


def test_attack_unparseable_manifest(guarded, exported_case, tmp_path):
    def break_manifest(bag: Path) -> None:
        manifest = next((bag / "data" / "captures").glob("*/manifest.json"))
        manifest.chmod(0o644)
        manifest.write_bytes(b'{"schema": "evidence-capture/manifest/1", "artifacts": [')
        for path in bag.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        bagit.Bag(str(bag)).save(manifests=True)  # the attacker re-hashes the bag

    guarded(_rebuild(exported_case, tmp_path / "badjson.zip", break_manifest),
            "manifest.parse: fail", code=1)


def test_attack_not_a_bag(guarded, tmp_path):
    package = _zip(tmp_path / "plain.zip", {"holiday/photo.jpg": b"\xff\xd8\xff", "notes.txt": b"hi"})
    guarded(package, "not a BagIt package")


def test_attack_capture_id_escaping_the_captures_folder(guarded, exported_case, tmp_path):
    def escape(bag: Path) -> None:
        index_path = bag / "data" / "package.json"
        index_path.chmod(0o644)
        index = json.loads(index_path.read_text("utf-8"))
        index["captures"][0]["capture_id"] = "../../escaped"
        index_path.write_text(json.dumps(index), "utf-8")
        for path in bag.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        bagit.Bag(str(bag)).save(manifests=True)

    guarded(_rebuild(exported_case, tmp_path / "escape.zip", escape), "invalid capture id")


def test_attack_naive_time_in_a_packaged_manifest(guarded, exported_case, tmp_path):
    from evidence_capture.manifests.canonical import canonical_bytes, parse_canonical

    def naive_time(bag: Path) -> None:
        for path in bag.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        manifest = next((bag / "data" / "captures").glob("*/manifest.json"))
        record = parse_canonical(manifest.read_bytes())
        record["ended_at"] = "2026-11-29T03:16:30"
        manifest.write_bytes(canonical_bytes(record))
        bagit.Bag(str(bag)).save(manifests=True)

    output = guarded(_rebuild(exported_case, tmp_path / "naive.zip", naive_time),
                     "manifest.parse: fail", code=1)
    assert "ended_at" in output
