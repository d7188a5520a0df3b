"""Throwaway PostgreSQL and Redis servers for tests, the demo and the benchmarks.

Debian's ``postgresql`` (``initdb``/``pg_ctl``) and ``redis-server``, each in
a temporary directory on a free loopback port; never a system service.  A
real deployment points ``EVIDENCE_DB`` / ``EVIDENCE_BROKER_URL`` at its own.
PostgreSQL refuses to run as root, so as root the cluster belongs to the
``postgres`` user that the Debian package creates.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from evidence_capture.errors import Msg, StorageError

PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise StorageError(Msg("patrol.dev.command_failed", command=Path(cmd[0]).name))


class LocalPostgres:
    """``with LocalPostgres() as pg: pg.new_database()`` -> a ``postgresql+psycopg://`` URL."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="evidence-pg-"))
        self.port = 0

    def __enter__(self) -> "LocalPostgres":
        if not (PG_BIN / "initdb").is_file():
            raise StorageError(Msg("patrol.dev.no_postgres", path=PG_BIN / "initdb"),
                               hint=Msg("patrol.dev.install", package="postgresql"))
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        data = self.dir / "data"
        _run(_as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-U", "evidence",
                           "--auth=trust", "-E", "UTF8", "--no-sync"]))
        self.port = free_port()
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c max_connections=200")
        _run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(self.dir / "log"),
                           "-o", options, "-w", "-t", "120", "start"]))
        return self

    def __exit__(self, *exc: object) -> None:
        subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.dir / "data"),
                                     "-m", "immediate", "-w", "stop"]),
                       capture_output=True, check=False)
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://evidence@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database; returns its SQLAlchemy URL."""
        import psycopg

        name = "t_" + secrets.token_hex(6)
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=evidence dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)


class LocalRedis:
    """``with LocalRedis() as redis: redis.url`` -> ``redis://127.0.0.1:<port>/0``."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="evidence-redis-"))
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0

    def __enter__(self) -> "LocalRedis":
        binary = shutil.which("redis-server")
        if binary is None:
            raise StorageError(Msg("patrol.dev.no_redis"), hint=Msg("patrol.dev.install", package="redis-server"))
        self.port = free_port()
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait()
        return self

    def _wait(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.1)
        raise StorageError(Msg("patrol.dev.redis_down", port=self.port))

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"
