"""Bounded reads of untrusted files, and JSON limits checked before anything is parsed.

Shared below ``verify/``, ``packages/``, ``report/`` and ``storage/``: every
file an attacker may have written is read through ``read_regular`` (regular
files only, never through a symbolic link, never blocking on a FIFO or a
device, never more than a stated number of bytes) and every JSON document
through ``loads_bounded`` (size, nesting depth and number of values checked
on the raw bytes first, so a crafted document cannot exhaust the stack or
memory while it is parsed).
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from evidence_capture.errors import InputError, Message, Msg

MAX_KEY_BYTES = 16 * 1024  # a PEM public key (or a small bundle of them)
MAX_RECORD_BYTES = 1024 * 1024  # slot records, receipts, small JSON files
MAX_JSON_DEPTH = 64
MAX_JSON_VALUES = 1_000_000
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_ALL = bytes(range(256))
_NOT_STRUCTURE = bytes(b for b in _ALL if b not in b"[]{}")


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes.

    ``FileNotFoundError`` when it does not exist; ``InputError`` for a symbolic
    link, a FIFO, a device, a directory, a larger file, or a read error.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(Msg("io.symlink", name=path.name)) from exc
        raise InputError(Msg("io.unreadable", name=path.name)) from exc
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(Msg("io.not_regular", name=path.name))
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise InputError(Msg("io.unreadable", name=path.name)) from exc
    if len(data) > limit:
        raise InputError(Msg("io.too_big", name=path.name, limit=limit))
    return data


def is_regular(path: Path) -> bool:
    """A regular file, not reached through a symbolic link (``lstat``)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def check_json_shape(data: bytes, *, max_depth: int = MAX_JSON_DEPTH,
                     max_values: int = MAX_JSON_VALUES) -> None:
    """Refuse nesting deeper than ``max_depth`` or more than ``max_values`` values, unparsed."""
    bare = _STRING.sub(b'""', data)
    if bare.count(b",") + bare.count(b":") > max_values:
        raise InputError(Msg("io.json_values", limit=max_values))
    depth = 0
    for byte in bare.translate(None, _NOT_STRUCTURE):
        depth += 1 if byte in (0x5B, 0x7B) else -1
        if depth > max_depth:
            raise InputError(Msg("io.json_depth", limit=max_depth))


def loads_bounded(data: bytes, what: Message, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """Parse JSON bytes after the shape check; every failure is an ``InputError`` naming ``what``."""
    try:
        check_json_shape(data, max_depth=max_depth)
    except InputError as exc:
        raise InputError(Msg("io.json_refused", what=what, reason=exc.msg or exc.message)) from None
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InputError(Msg("io.json_parse", what=what)) from exc


def read_json(path: Path, limit: int, what: Message | None = None) -> Any:
    """``read_regular`` then ``loads_bounded``; ``FileNotFoundError`` when absent."""
    return loads_bounded(read_regular(path, limit), what or path.name)
