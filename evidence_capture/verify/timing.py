"""Time-consistency checks: TSA genTime vs capture end, HTTP ``Date`` vs capture time.

The HAR is read only after its hashes matched the signed manifest: an
artifact never vouches for itself.  A capture that the signed manifest says
ended FAILED or PARTIAL may have no HTTP answer at all: then the Date check
is not-applicable (never a failure), not not-checked.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Iterator

from evidence_capture import safeio
from evidence_capture.errors import InputError, Msg
from evidence_capture.manifests.model import Manifest
from evidence_capture.timeutil import iso_utc
from evidence_capture.verify.checks import CheckResult, CheckStatus

DEFAULT_TOLERANCE_S = 300.0
HAR_NAME = "network.har"
MAX_HAR_BYTES = 64 << 20


def _seconds(delta: timedelta) -> str:
    return f"{delta.total_seconds():+.1f}s"


def check_gentime(manifest: Manifest, gen_times: list[datetime], tolerance: float) -> CheckResult:
    name = "time.gentime"
    if not gen_times:
        return CheckResult.not_checked(name, Msg("verify.gentime.no_token"))
    ended, allowed = manifest.ended(), timedelta(seconds=tolerance)
    for gen_time in gen_times:  # the first problem is reported
        delta = gen_time - ended
        if delta < -allowed:
            return CheckResult.failed(name, Msg("verify.gentime.before", tolerance=f"{tolerance:g}",
                                                gen_time=iso_utc(gen_time), delta=_seconds(delta)))
        if delta > allowed:
            return CheckResult.failed(name, Msg("verify.gentime.late", tolerance=f"{tolerance:g}",
                                                gen_time=iso_utc(gen_time), delta=_seconds(delta)))
    deltas = ", ".join(_seconds(gen_time - ended) for gen_time in gen_times)
    return CheckResult.passed(name, Msg("verify.gentime.ok", deltas=deltas, tolerance=f"{tolerance:g}"))


def _get(obj: Any, key: str) -> Any:
    """``obj[key]`` when ``obj`` is a JSON object, else None (a HAR may hold anything)."""
    return obj.get(key) if isinstance(obj, dict) else None


def _list(obj: Any) -> list[Any]:
    return obj if isinstance(obj, list) else []


def _headers(entry: Any) -> dict[str, str]:
    headers = _list(_get(_get(entry, "response"), "headers"))
    return {str(item.get("name", "")).lower(): str(item.get("value", "")) for item in headers
            if isinstance(item, dict)}


def http_dates(har: Any) -> Iterator[tuple[str, datetime | None]]:
    """(url, server time) for every response with a Date header; ``Age`` is added back.

    A cache that serves a stored response keeps its original Date and says
    how old it is in ``Age``; Date + Age is the time the response left it.
    """
    for entry in _list(_get(_get(har, "log"), "entries")):
        headers = _headers(entry)
        if "date" not in headers:
            continue
        url = str(_get(_get(entry, "request"), "url") or "?")
        try:
            moment = parsedate_to_datetime(headers["date"])
        except (TypeError, ValueError, IndexError):
            yield url, None
            continue
        if moment.tzinfo is None:
            yield url, None
            continue
        age = headers.get("age", "0").strip()
        try:
            yield url, moment + timedelta(seconds=int(age) if age.isdigit() and len(age) < 10 else 0)
        except OverflowError:
            yield url, None


def check_http_dates(folder: Path, manifest: Manifest, har_status: CheckStatus | None,
                     tolerance: float) -> CheckResult:
    name = "time.http_date"
    if har_status is None:
        return _nothing_to_check(name, manifest, Msg("verify.http_date.no_har", har=HAR_NAME))
    if har_status is not CheckStatus.PASS:
        return CheckResult.not_checked(name, Msg("verify.http_date.har_mismatch", har=HAR_NAME))
    try:
        har = safeio.read_json(folder / HAR_NAME, MAX_HAR_BYTES)
    except (OSError, InputError):
        return CheckResult.failed(name, Msg("verify.http_date.har_unreadable", har=HAR_NAME))
    dates = list(http_dates(har))
    good = [(url, moment) for url, moment in dates if moment is not None]
    if not good:
        return _nothing_to_check(name, manifest, Msg("verify.http_date.none"))
    allowed = timedelta(seconds=tolerance)
    low, high = manifest.started() - allowed, manifest.ended() + allowed
    outside = [(url, moment) for url, moment in good if not low <= moment <= high]
    if outside:
        url, moment = outside[0]
        return CheckResult.failed(name, Msg("verify.http_date.outside", n=len(outside), total=len(good),
                                            tolerance=f"{tolerance:g}", url=url, date=iso_utc(moment)))
    unparsed = len(dates) - len(good)
    if unparsed:
        return CheckResult.passed(name, Msg("verify.http_date.ok_some_unparsed", n=len(good),
                                            tolerance=f"{tolerance:g}", unparsed=unparsed))
    return CheckResult.passed(name, Msg("verify.http_date.ok", n=len(good), tolerance=f"{tolerance:g}"))


def _nothing_to_check(name: str, manifest: Manifest, why: Msg) -> CheckResult:
    """Not-applicable for a FAILED or PARTIAL capture (the signed manifest says so), else not-checked."""
    if manifest.state in ("FAILED", "PARTIAL"):
        return CheckResult.not_applicable(name, Msg("verify.not_applicable", state=manifest.state, why=why))
    return CheckResult.not_checked(name, why)
