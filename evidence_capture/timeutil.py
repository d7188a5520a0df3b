"""Time helpers.  Everything is stored as timezone-aware UTC; people see Beijing time."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime refused: {moment!r}")
    return moment.astimezone(timezone.utc)


def iso_utc(moment: datetime) -> str:
    """RFC 3339 in UTC with a ``Z`` suffix and microseconds, e.g. ``2026-11-29T02:39:27.123456Z``."""
    return require_aware(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_beijing(moment: datetime) -> str:
    return require_aware(moment).astimezone(BEIJING).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return require_aware(moment)
