"""Real PostgreSQL and Redis servers, started by the tests themselves.

``postgres_server`` / ``redis_server`` are session-wide throwaway servers
(``initdb``/``pg_ctl`` and ``redis-server`` in temp dirs on free ports, see
``evidence_capture.patrol.devservices``).  ``db_backend`` runs a test once on
SQLite and once on PostgreSQL (a fresh database each time, as ``EVIDENCE_DB``);
the storage test modules apply it to every test with
``pytestmark = pytest.mark.usefixtures("db_backend")``.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from evidence_capture.patrol.devservices import PG_BIN, LocalPostgres, LocalRedis
from tests.conftest import require_or_skip


@pytest.fixture(scope="session")
def postgres_server():
    require_or_skip((PG_BIN / "initdb").is_file(), "PostgreSQL (initdb) is not installed")
    with LocalPostgres() as server:
        yield server


@pytest.fixture(scope="session")
def redis_server():
    require_or_skip(shutil.which("redis-server") is not None, "redis-server is not installed")
    with LocalRedis() as server:
        yield server


@pytest.fixture
def pg_url(postgres_server, evidence_home, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh PostgreSQL database, set as EVIDENCE_DB."""
    url = postgres_server.new_database()
    monkeypatch.setenv("EVIDENCE_DB", url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_backend(request, evidence_home) -> str:
    """The backend of this run of the test; on PostgreSQL EVIDENCE_DB names a fresh database."""
    if request.param == "postgresql":
        request.getfixturevalue("pg_url")
    return request.param


def raw_sql(store, sql: str) -> None:
    """Run ``sql`` with the database's own shell, outside the application (an attacker)."""
    url = store.engine.url
    if url.get_backend_name() == "sqlite":
        require_or_skip(shutil.which("sqlite3") is not None, "the sqlite3 shell is not installed")
        cmd = ["sqlite3", url.database, sql]
    else:
        cmd = [str(PG_BIN / "psql"), "-v", "ON_ERROR_STOP=1", "-h", url.host, "-p", str(url.port),
               "-U", url.username, "-d", url.database, "-c", sql]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def drop_append_only(store, table: str = "custody_events") -> str:
    """The SQL an attacker with database access runs to lift the append-only rule."""
    if store.engine.dialect.name == "sqlite":
        return f"DROP TRIGGER {table}_no_update; DROP TRIGGER {table}_no_delete; "
    return f"DROP TRIGGER {table}_append_only ON {table}; "
