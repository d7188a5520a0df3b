"""Database engine and schema.

The URL comes from ``Settings.db_url`` (``EVIDENCE_DB``); the default is a
SQLite file in ``EVIDENCE_HOME``.  SQLite gets WAL mode, foreign keys and a
full fsync on commit through connect-event pragmas.  The append-only rule
for custody tables is enforced by the database itself: triggers on SQLite,
a trigger function on PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from evidence_capture.errors import StorageError
from evidence_capture.storage.models import APPEND_ONLY_TABLES, Base

APPEND_ONLY_MESSAGE = "custody records are append-only"


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(db_url: str) -> Engine:
    """An engine for ``db_url``; creates the SQLite file's folder if needed."""
    try:
        url = make_url(db_url)
    except SQLAlchemyError as exc:
        raise StorageError(f"invalid database URL {db_url!r}") from exc
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url)
    except (SQLAlchemyError, ImportError) as exc:
        raise StorageError(f"cannot open database {url!r}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_triggers(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
        for verb in ("UPDATE", "DELETE")
    ]


def _postgresql_triggers(table: str) -> list[str]:
    return [
        "CREATE OR REPLACE FUNCTION evidence_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$",
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
        f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION evidence_append_only()",
    ]


def append_only_ddl(dialect: str) -> list[str]:
    """The DDL that makes the custody tables append-only on ``dialect``."""
    builders = {"sqlite": _sqlite_triggers, "postgresql": _postgresql_triggers}
    if dialect not in builders:
        raise StorageError(f"no append-only triggers for database {dialect!r}")
    return [stmt for table in APPEND_ONLY_TABLES for stmt in builders[dialect](table)]


def create_schema(engine: Engine) -> None:
    """Create the tables and the append-only triggers (idempotent)."""
    try:
        Base.metadata.create_all(engine)
        with engine.begin() as conn:
            for statement in append_only_ddl(engine.dialect.name):
                conn.execute(text(statement))
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot create the database schema: {exc}") from exc
