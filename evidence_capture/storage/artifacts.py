"""Durable, never-overwriting artifact files.

Every write goes to a temporary file in the same folder, is fsynced, renamed
into place and the folder is fsynced, so a crash leaves either the old state
or the complete new file, never a torn one.  Existing files are never
overwritten (unless a caller explicitly replaces bookkeeping such as the
chain head), and sealed folders are made read-only.
"""

from __future__ import annotations

from contextlib import contextmanager

import io
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator

from evidence_capture.errors import Msg, StorageError
from evidence_capture.manifests.hashing import FileDigests, hash_file

_CHUNK = 1 << 20
_READ_ONLY_FILE = stat.S_IRUSR | stat.S_IRGRP
_READ_ONLY_DIR = stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP


def file_digests(path: Path) -> FileDigests:
    """SHA-256 and SM3 in one streaming pass (``manifests.hash_file``)."""
    return hash_file(path)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _place(tmp: Path, path: Path, replace: bool) -> None:
    if replace:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)  # atomic and refuses to overwrite, unlike rename
    except FileExistsError as exc:
        raise StorageError(Msg("storage.file.exists", path=path)) from exc
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_stream(path: Path, source: BinaryIO, *, replace: bool = False) -> None:
    """Write ``source`` to ``path`` durably: tmp file, fsync, rename, fsync folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not replace and path.exists():
        raise StorageError(Msg("storage.file.exists", path=path))
    fd, name = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            shutil.copyfileobj(source, handle, _CHUNK)
            handle.flush()
            os.fsync(handle.fileno())
        _place(tmp, path, replace)
        fsync_dir(path.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StorageError(Msg("storage.file.cannot_write", path=path)) from exc


def commit_temp_file(tmp: Path, path: Path) -> None:
    """fsync a finished temporary file and move it to ``path`` without overwriting."""
    try:
        with tmp.open("rb") as handle:
            os.fsync(handle.fileno())
        _place(tmp, path, replace=False)
        fsync_dir(path.parent)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StorageError(Msg("storage.file.cannot_write", path=path)) from exc


def atomic_write_bytes(path: Path, data: bytes, *, replace: bool = False) -> None:
    atomic_write_stream(path, io.BytesIO(data), replace=replace)


def walk_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


def make_durable(folder: Path) -> None:
    """fsync every file and folder under ``folder`` (capture written by another module)."""
    try:
        for path in walk_files(folder):
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
        for sub in sorted({p.parent for p in walk_files(folder)} | {folder}, reverse=True):
            fsync_dir(sub)
        fsync_dir(folder.parent)
    except OSError as exc:
        raise StorageError(Msg("storage.file.durable", path=folder)) from exc


def make_read_only(folder: Path) -> None:
    """Sealed: files and folders lose every write bit."""
    try:
        for path in walk_files(folder):
            path.chmod(_READ_ONLY_FILE)
        for sub in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
            sub.chmod(_READ_ONLY_DIR)
        folder.chmod(_READ_ONLY_DIR)
    except OSError as exc:
        raise StorageError(Msg("storage.file.read_only", path=folder)) from exc


@contextmanager
def writable_folder(folder: Path, sub: str) -> Iterator[Path]:
    """Let new files be added to ``folder/sub`` of a sealed capture (e.g. late
    timestamp tokens), then seal it again.  Existing files stay read-only."""
    target = folder / sub
    try:
        folder.chmod(_READ_ONLY_DIR | stat.S_IWUSR)
        target.mkdir(exist_ok=True)
        target.chmod(_READ_ONLY_DIR | stat.S_IWUSR)
    except OSError as exc:
        raise StorageError(Msg("storage.file.reopen", path=target)) from exc
    try:
        yield target
    finally:
        make_read_only(folder)


def copy_tree_durably(source: Path, target: Path) -> None:
    """Copy ``source`` into a new folder ``target`` (must not exist), every file durable."""
    if target.exists():
        raise StorageError(Msg("storage.file.exists", path=target))
    for path in walk_files(source):
        with path.open("rb") as handle:
            atomic_write_stream(target / path.relative_to(source), handle)
    target.mkdir(parents=True, exist_ok=True)
    fsync_dir(target.parent)


def remove_tree(folder: Path) -> None:
    """Undo a partial import: restore write bits, then delete."""
    if not folder.exists():
        return
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir():
            path.chmod(stat.S_IRWXU)
    shutil.rmtree(folder)
