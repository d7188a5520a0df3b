"""Safe extraction of an untrusted zip into a temporary area.

Refused, each as ``PackageError`` (exit 2), before or while extracting:
zip slip (``..``, absolute or drive paths, backslashes), symlinks and other
special files, duplicate names, encrypted entries, zip bombs (declared or
actual sizes over a limit, extreme compression ratio, too many entries) and
truncated or corrupt archives.  Bytes are counted while they are written, so
a lying header cannot smuggle more data than it declares.
"""

from __future__ import annotations

import hashlib
import shutil
import stat
import tempfile
import unicodedata
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterator

from evidence_capture.errors import Msg, PackageError

_CHUNK = 1 << 20


@dataclass(frozen=True)
class ZipLimits:
    max_total_bytes: int = 8 << 30
    max_entry_bytes: int = 4 << 30
    max_entries: int = 200_000
    max_ratio: float = 100.0
    ratio_floor_bytes: int = 1 << 20  # small entries may compress well without alarm


DEFAULT_LIMITS = ZipLimits()


def _safe_name(info: zipfile.ZipInfo) -> PurePosixPath:
    name = info.filename
    if "\\" in name or "\x00" in name:
        raise PackageError(Msg("package.zip.bad_char", entry=name.replace("\x00", "\\x00")))
    path = PurePosixPath(name)
    if path.is_absolute() or (path.parts and ":" in path.parts[0]):
        raise PackageError(Msg("package.zip.absolute", entry=name))
    if any(part in ("..", "") for part in path.parts) or not path.parts:
        raise PackageError(Msg("package.zip.escapes", entry=name))
    return path


def _check_type(info: zipfile.ZipInfo) -> None:
    mode = info.external_attr >> 16
    if info.create_system == 3 and mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG,
                                                                        stat.S_IFDIR):
        key = "package.zip.symlink" if stat.S_ISLNK(mode) else "package.zip.special"
        raise PackageError(Msg(key, entry=info.filename))
    if info.flag_bits & 0x1:
        raise PackageError(Msg("package.zip.encrypted", entry=info.filename))


def _check_sizes(info: zipfile.ZipInfo, limits: ZipLimits) -> None:
    if info.file_size > limits.max_entry_bytes:
        raise PackageError(Msg("package.zip.entry_too_big", entry=info.filename, size=info.file_size,
                               limit=limits.max_entry_bytes))
    if info.file_size > limits.ratio_floor_bytes:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio:
            raise PackageError(Msg("package.zip.entry_ratio", entry=info.filename, ratio=f"{ratio:.0f}",
                                   limit=f"{limits.max_ratio:.0f}"))


def plan_entries(archive: zipfile.ZipFile, limits: ZipLimits) -> list[tuple[zipfile.ZipInfo,
                                                                            PurePosixPath]]:
    """Check every entry's name, type and declared size before extracting anything."""
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise PackageError(Msg("package.zip.too_many", n=len(infos), limit=limits.max_entries))
    seen: set[str] = set()
    plan, total = [], 0
    for info in infos:
        path = _safe_name(info)
        key = unicodedata.normalize("NFC", str(path)).casefold()
        if key in seen:
            raise PackageError(Msg("package.zip.duplicate", entry=info.filename))
        seen.add(key)
        _check_type(info)
        _check_sizes(info, limits)
        total += info.file_size
        if total > limits.max_total_bytes:
            raise PackageError(Msg("package.zip.total_too_big", limit=limits.max_total_bytes))
        plan.append((info, path))
    _check_whole_ratio(infos, total, limits)
    return plan


def _check_whole_ratio(infos: list[zipfile.ZipInfo], total: int, limits: ZipLimits) -> None:
    """Many small entries that each compress well are still a bomb when counted together."""
    packed = sum(info.compress_size for info in infos)
    if total > limits.ratio_floor_bytes and total / max(packed, 1) > limits.max_ratio:
        raise PackageError(Msg("package.zip.total_ratio", ratio=f"{total / max(packed, 1):.0f}",
                               limit=f"{limits.max_ratio:.0f}"))


def _copy_counted(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path,
                  budget: int) -> int:
    written = 0
    with archive.open(info) as source, target.open("xb") as sink:
        while chunk := source.read(_CHUNK):
            written += len(chunk)
            if written > info.file_size or written > budget:
                raise PackageError(Msg("package.zip.inflates", entry=info.filename))
            sink.write(chunk)
    return written


def _extract_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path,
                   budget: int) -> int | None:
    """Bytes written, or None when the entry's data is damaged (bad CRC, corrupt stream)."""
    try:
        return _copy_counted(archive, info, target, budget)
    except (zipfile.BadZipFile, zlib.error, EOFError):
        target.unlink(missing_ok=True)
        return None


def extract_safely(zip_path: Path, dest: Path, limits: ZipLimits = DEFAULT_LIMITS) -> tuple[str, ...]:
    """Extract ``zip_path`` into the empty folder ``dest`` or raise ``PackageError``.

    An entry whose data is damaged (CRC or inflate error) is left out and named
    in the result: that is tampering to report, not a zip that cannot be read.
    """
    damaged = []
    try:
        with zipfile.ZipFile(zip_path) as archive:
            plan = plan_entries(archive, limits)
            budget = limits.max_total_bytes
            for info, path in plan:
                target = dest.joinpath(*path.parts)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                written = _extract_entry(archive, info, target, budget)
                if written is None:
                    damaged.append(info.filename)
                else:
                    budget -= written
        return tuple(damaged)
    except PackageError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError,
            NotImplementedError, ValueError) as exc:
        raise PackageError(Msg("package.zip.unreadable", name=zip_path.name)) from exc
    except FileNotFoundError as exc:
        raise PackageError(Msg("package.missing", path=zip_path)) from exc
    except OSError as exc:
        raise PackageError(Msg("package.cannot_read", path=zip_path)) from exc


@dataclass(frozen=True)
class Unpacked:
    """A package as verified: the files, and the SHA-256 of the very bytes they came from."""

    folder: Path
    sha256: str
    receipt: Path | None  # a private copy of the export receipt, read once
    damaged: tuple[str, ...] = ()  # zip entries whose data failed its CRC, left out


def _copy_hashed(source: Path, target: Path) -> str:
    digest = hashlib.sha256()
    try:
        with source.open("rb") as reader, target.open("xb") as sink:
            while chunk := reader.read(_CHUNK):
                digest.update(chunk)
                sink.write(chunk)
    except FileNotFoundError as exc:
        raise PackageError(Msg("package.missing", path=source)) from exc
    except OSError as exc:
        raise PackageError(Msg("package.cannot_read", path=source)) from exc
    return digest.hexdigest()


@contextmanager
def unpacked(zip_path: Path, limits: ZipLimits = DEFAULT_LIMITS, *, parent: Path | None = None,
             receipt: Path | None = None) -> Iterator[Unpacked]:
    """Copy the zip (and receipt) once into a fresh private folder, hashing while copying,
    and extract that copy: the SHA-256 recorded is of the bytes verified, whatever happens
    to ``zip_path`` meanwhile.  Everything is removed afterwards."""
    if parent is not None:
        parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix="evidence-pkg-", dir=parent))
    try:
        copy = temp / "zip" / zip_path.name
        copy.parent.mkdir()
        digest = _copy_hashed(zip_path, copy)
        kept = None
        if receipt is not None:
            kept = temp / "zip" / receipt.name
            _copy_hashed(receipt, kept)
        (temp / "bag").mkdir()
        damaged = extract_safely(copy, temp / "bag", limits)
        copy.unlink()
        yield Unpacked(temp / "bag", digest, kept, damaged)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
