"""SHA-256 and SM3 of a file in one streaming read pass.

SM3 (GB/T 32905) is China's national hash standard; ``hashlib`` provides it
through OpenSSL.  Both digests are fed from the same buffer, so each byte is
read from disk exactly once.  Large files feed the two digests from two
threads (``hashlib`` releases the GIL on large updates), so the pass costs
about as much as the slower of the two digests, not their sum.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from evidence_capture.errors import StorageError

CHUNK_SIZE = 4 * 1024 * 1024
_PARALLEL_MIN = 8 * 1024 * 1024  # below this, threads cost more than they save
_HEX_LEN = {"sha256": 64, "sm3": 64}


@dataclass(frozen=True)
class FileDigests:
    """Size in bytes and lowercase hex digests of one file."""

    size: int
    sha256: str
    sm3: str

    def __post_init__(self) -> None:
        if self.size < 0:
            raise ValueError("size must not be negative")
        for name, length in _HEX_LEN.items():
            value = getattr(self, name)
            if len(value) != length or value.strip("0123456789abcdef"):
                raise ValueError(f"{name} must be {length} lowercase hex digits")


def hash_bytes(data: bytes) -> FileDigests:
    return FileDigests(len(data), hashlib.sha256(data).hexdigest(), hashlib.new("sm3", data).hexdigest())


def _serial(handle, sha256, sm3) -> int:  # type: ignore[no-untyped-def]
    size = 0
    while chunk := handle.read(CHUNK_SIZE):
        sha256.update(chunk)
        sm3.update(chunk)
        size += len(chunk)
    return size


def _parallel(handle, sha256, sm3) -> int:  # type: ignore[no-untyped-def]
    """Double-buffered: read chunk k+1 while chunk k is hashed by both digests."""
    size = 0
    with ThreadPoolExecutor(max_workers=1) as pool:
        chunk = handle.read(CHUNK_SIZE)
        while chunk:
            pending = pool.submit(sm3.update, chunk)
            sha256.update(chunk)
            size += len(chunk)
            following = handle.read(CHUNK_SIZE)
            pending.result()
            chunk = following
    return size


def hash_file(path: Path) -> FileDigests:
    """Hash ``path`` in one streaming pass; raises ``StorageError`` if unreadable."""
    sha256, sm3 = hashlib.sha256(), hashlib.new("sm3")
    try:
        with Path(path).open("rb", buffering=0) as handle:
            big = Path(path).stat().st_size >= _PARALLEL_MIN
            size = (_parallel if big else _serial)(handle, sha256, sm3)
    except OSError as exc:
        raise StorageError(f"cannot read {path}") from exc
    return FileDigests(size, sha256.hexdigest(), sm3.hexdigest())
