"""Which process owns an ``in_progress`` capture, and whether it is provably gone.

``begin_capture`` records the host, the pid and the process start time
(boot id + start tick on Linux, so a reused pid is told apart).  Recovery
turns an ``in_progress`` row into ``incomplete`` only when its owner is
provably gone: same host and the pid is not running, is a zombie, or is a
different process that started at another time.  A capture still running in
another process, or on another host sharing the database, is left alone.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

_PROC = Path("/proc")


@dataclass(frozen=True)
class ProcessOwner:
    host: str
    pid: int
    started: str  # "<boot id>:<start tick>", or "" where /proc is not available

    @classmethod
    def current(cls) -> "ProcessOwner":
        pid = os.getpid()
        return cls(socket.gethostname(), pid, process_start(pid) or "")

    def is_gone(self) -> bool:
        """True only when the owner provably no longer runs."""
        if self.host != socket.gethostname():
            return False
        if self.pid <= 0:
            return True
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass  # exists, owned by another user
        if _is_zombie(self.pid):
            return True
        now = process_start(self.pid)
        return bool(self.started and now and now != self.started)


def process_start(pid: int) -> str | None:
    """``<boot id>:<start tick>`` of ``pid`` (Linux), else None."""
    fields = _stat_fields(pid)
    if fields is None or len(fields) < 20:
        return None
    try:
        boot = (_PROC / "sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        boot = ""
    return f"{boot}:{fields[19]}"  # field 22 of stat: starttime in clock ticks after boot


def _is_zombie(pid: int) -> bool:
    fields = _stat_fields(pid)
    return bool(fields) and fields[0] in ("Z", "X")


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name (from the state on)."""
    try:
        text = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return text[text.rfind(")") + 2:].split()
