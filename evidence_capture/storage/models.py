"""SQLAlchemy models of the store.

Portable on purpose: nothing here is SQLite-only, so the same tables run on
PostgreSQL.  Times are stored as timezone-aware UTC (``UTCDateTime``); the
custody event's own time is kept as the exact ISO text that was hashed.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Column,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from evidence_capture.models import check_case_id
from evidence_capture.timeutil import require_aware


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out, whatever the backend keeps."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):  # type: ignore[no-untyped-def]
        return None if value is None else require_aware(value)

    def process_result_value(self, value, dialect):  # type: ignore[no-untyped-def]
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    pass


capture_officers = Table(
    "capture_officers",
    Base.metadata,
    Column("capture_id", ForeignKey("captures.capture_id"), primary_key=True),
    Column("officer_id", ForeignKey("officers.id"), primary_key=True),
)


class CaseRow(Base):
    __tablename__ = "cases"
    case_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    title: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(Text, default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    captures: Mapped[list["CaptureRow"]] = relationship(
        back_populates="case", order_by="CaptureRow.started_at"
    )

    @validates("case_id")
    def _valid_case_id(self, _key: str, value: str) -> str:
        """Every case row, opened here or carried in by a package, has a safe id."""
        return check_case_id(value)


class OfficerRow(Base):
    __tablename__ = "officers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(Text)
    cert_no: Mapped[str] = mapped_column(String(64), unique=True)


class CaptureRow(Base):
    __tablename__ = "captures"
    capture_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.case_id"), index=True)
    url: Mapped[str] = mapped_column(Text, default="")
    # in_progress -> complete | failed | incomplete (a crash found by recovery)
    status: Mapped[str] = mapped_column(String(16), index=True)
    capture_state: Mapped[str | None] = mapped_column(String(16))  # COMPLETE|PARTIAL|FAILED
    manifest_sha256: Mapped[str | None] = mapped_column(String(64))
    signer_fingerprint: Mapped[str | None] = mapped_column(String(80))
    timestamp_state: Mapped[str] = mapped_column(String(16), default="none")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(16), default="local")  # local | imported
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"))
    case: Mapped[CaseRow | None] = relationship(back_populates="captures")
    officers: Mapped[list[OfficerRow]] = relationship(secondary=capture_officers)
    artifacts: Mapped[list["ArtifactRow"]] = relationship(order_by="ArtifactRow.path")
    timestamps: Mapped[list["TimestampRow"]] = relationship(order_by="TimestampRow.position")


class CaptureOwnerRow(Base):
    """The process that runs an ``in_progress`` capture (see ``storage.owner``).

    A table of its own, so databases made before it existed gain it by
    ``create_all``; a capture without a row predates it.
    """

    __tablename__ = "capture_owners"
    capture_id: Mapped[str] = mapped_column(ForeignKey("captures.capture_id"), primary_key=True)
    host: Mapped[str] = mapped_column(Text)
    pid: Mapped[int] = mapped_column(Integer)
    started: Mapped[str] = mapped_column(String(80), default="")


class ArtifactRow(Base):
    __tablename__ = "artifacts"
    __table_args__ = (UniqueConstraint("capture_id", "path"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    capture_id: Mapped[str] = mapped_column(ForeignKey("captures.capture_id"), index=True)
    path: Mapped[str] = mapped_column(Text)
    media_type: Mapped[str] = mapped_column(String(128), default="application/octet-stream")
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    sm3: Mapped[str] = mapped_column(String(64))


class TimestampRow(Base):
    __tablename__ = "timestamps"
    __table_args__ = (UniqueConstraint("capture_id", "position"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    capture_id: Mapped[str] = mapped_column(ForeignKey("captures.capture_id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    tsa_url: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16))  # granted | failed
    gen_time: Mapped[datetime | None] = mapped_column(UTCDateTime)
    serial: Mapped[str | None] = mapped_column(String(80))
    policy_oid: Mapped[str | None] = mapped_column(String(128))
    tsr_sha256: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)


class CustodyEventRow(Base):
    """One link of the hash chain.  Append-only: triggers refuse UPDATE and DELETE."""

    __tablename__ = "custody_events"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    event_type: Mapped[str] = mapped_column(String(16), index=True)
    time_utc: Mapped[str] = mapped_column(String(32))
    actor_name: Mapped[str] = mapped_column(Text)
    actor_cert: Mapped[str] = mapped_column(String(64))
    host: Mapped[str] = mapped_column(Text)
    tool_version: Mapped[str] = mapped_column(String(64))
    object_kind: Mapped[str] = mapped_column(String(16))
    object_id: Mapped[str] = mapped_column(String(128), index=True)
    object_digest: Mapped[str | None] = mapped_column(String(80))
    case_id: Mapped[str | None] = mapped_column(String(128), index=True)
    details: Mapped[str] = mapped_column(Text)  # canonical JSON text
    prev_hash: Mapped[str] = mapped_column(String(80))
    event_hash: Mapped[str] = mapped_column(String(80), unique=True)
    signer: Mapped[str] = mapped_column(String(80))
    signature: Mapped[str] = mapped_column(String(160))  # hex


class StationKeyRow(Base):
    """Public keys that signed custody events we hold (ours, and imported ones)."""

    __tablename__ = "station_keys"
    fingerprint: Mapped[str] = mapped_column(String(80), primary_key=True)
    public_pem: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    trusted: Mapped[bool] = mapped_column(Boolean, default=False)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ImportRow(Base):
    __tablename__ = "imports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    package_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(Text)
    case_id: Mapped[str | None] = mapped_column(String(128))
    key_trusted: Mapped[bool] = mapped_column(Boolean)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ImportedCustodyRow(Base):
    """The original custody history carried in by a package, kept verbatim."""

    __tablename__ = "imported_custody"
    __table_args__ = (UniqueConstraint("import_id", "position"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    event_json: Mapped[str] = mapped_column(Text)


class PatrolJobRow(Base):
    """A patrol: a list of URLs captured locally or by Celery workers (``patrol/``)."""

    __tablename__ = "patrol_jobs"
    job_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[str] = mapped_column(Text, default="")  # the list file's name
    mode: Mapped[str] = mapped_column(String(16), default="local")  # local | queue
    options: Mapped[str] = mapped_column(Text, default="{}")  # JSON: workers, per_host, ...
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PatrolItemRow(Base):
    """One URL of a patrol: queued -> running -> done | failed, with the attempts made."""

    __tablename__ = "patrol_items"
    __table_args__ = (UniqueConstraint("job_id", "position"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("patrol_jobs.job_id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(Text)
    case_id: Mapped[str | None] = mapped_column(String(128))
    subject: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    capture_id: Mapped[str | None] = mapped_column(String(64))  # of the current attempt
    capture_state: Mapped[str | None] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    owner_host: Mapped[str | None] = mapped_column(Text)
    owner_pid: Mapped[int | None] = mapped_column(Integer)
    owner_started: Mapped[str | None] = mapped_column(String(80))
    station: Mapped[str | None] = mapped_column(String(80))  # signer fingerprint of the worker
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


APPEND_ONLY_TABLES = ("custody_events", "imported_custody")
