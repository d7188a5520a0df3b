"""Database engine and schema.

The URL comes from ``Settings.db_url`` (``EVIDENCE_DB``); the default is a
SQLite file in ``EVIDENCE_HOME``.  SQLite gets WAL mode, foreign keys and a
full fsync on commit through connect-event pragmas.  Writers are serialized
by the database, never in Python memory alone: a write transaction on SQLite
is ``BEGIN IMMEDIATE`` (see ``writer``), and the custody append takes a
transaction-scoped advisory lock on PostgreSQL (``lock_chain``), so that
concurrent processes and hosts still build one chain.  The append-only rule
for custody tables is enforced by the database itself: triggers on SQLite,
a trigger function on PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from evidence_capture.errors import Msg, StorageError
from evidence_capture.storage.models import APPEND_ONLY_TABLES, Base

APPEND_ONLY_MESSAGE = "custody records are append-only"


WRITE_OPTION = "evidence_write"
CHAIN_LOCK_KEY = 0x45564944  # "EVID": the one advisory lock that orders custody appends


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    dbapi_connection.isolation_level = None  # transactions are begun by _sqlite_begin
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
        raise StorageError(Msg("storage.db.bad_url", url=db_url)) from exc
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url)
    except (SQLAlchemyError, ImportError) as exc:
        raise StorageError(Msg("storage.db.cannot_open", url=url.render_as_string(hide_password=True))) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_begin(conn) -> None:  # type: ignore[no-untyped-def]
    """A writer takes SQLite's write lock at BEGIN, before it reads the chain tail."""
    mode = "IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "DEFERRED"
    conn.exec_driver_sql(f"BEGIN {mode}")


def writer(engine: Engine) -> Engine:
    """The same engine, for write transactions (``BEGIN IMMEDIATE`` on SQLite)."""
    return engine.execution_options(**{WRITE_OPTION: True})


def lock_chain(session: Session) -> None:
    """Hold the custody chain's lock until this transaction ends.

    PostgreSQL: ``pg_advisory_xact_lock``; every appender, on any host, waits
    here before it reads the tail.  SQLite: the transaction already holds the
    database's write lock (``BEGIN IMMEDIATE``), which serializes all writers.
    """
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
    elif not conn.get_execution_options().get(WRITE_OPTION):
        raise StorageError(Msg("storage.db.not_write_tx"), hint=Msg("storage.db.not_write_tx.hint"))


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
        raise StorageError(Msg("storage.db.no_triggers", dialect=dialect))
    return [stmt for table in APPEND_ONLY_TABLES for stmt in builders[dialect](table)]


SCHEMA_LOCK_KEY = 0x45564945  # serializes schema creation by stations starting together


def create_schema(engine: Engine) -> None:
    """Create the tables and the append-only triggers (idempotent, safe to run concurrently).

    On PostgreSQL, stations starting at the same time take turns (advisory
    lock), and the triggers are only (re)created when missing, so a reader
    opening the store never rewrites DDL under running writers.
    """
    try:
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
            Base.metadata.create_all(conn)
            if engine.dialect.name != "postgresql" or not _pg_triggers_present(conn):
                for statement in append_only_ddl(engine.dialect.name):
                    conn.execute(text(statement))
    except SQLAlchemyError as exc:
        raise StorageError(Msg("storage.db.schema", kind=type(exc).__name__)) from exc


def _pg_triggers_present(conn) -> bool:  # type: ignore[no-untyped-def]
    names = set(conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).scalars())
    return all(f"{table}_append_only" in names for table in APPEND_ONLY_TABLES)
