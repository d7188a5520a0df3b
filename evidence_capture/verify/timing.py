"""Time-consistency checks: TSA genTime vs capture end, HTTP ``Date`` vs capture time.

The HAR is read only after its hashes matched the signed manifest: an
artifact never vouches for itself.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Iterator

from evidence_capture import safeio
from evidence_capture.errors import InputError
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
        return CheckResult.not_checked(name, "no verified timestamp token")
    ended, allowed = manifest.ended(), timedelta(seconds=tolerance)
    problems = []
    for gen_time in gen_times:
        delta = gen_time - ended
        if delta < -allowed:
            problems.append(f"genTime {iso_utc(gen_time)} is {_seconds(delta)} before the capture ended")
        elif delta > allowed:
            problems.append(f"genTime {iso_utc(gen_time)} is {_seconds(delta)} after the capture ended "
                            f"(token obtained late: it proves existence only from then)")
    if problems:
        return CheckResult.failed(name, f"tolerance {tolerance:g}s: " + "; ".join(problems))
    deltas = ", ".join(_seconds(gen_time - ended) for gen_time in gen_times)
    return CheckResult.passed(name, f"genTime {deltas} after capture end, within {tolerance:g}s")


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
        return CheckResult.not_checked(name, f"no {HAR_NAME} in the manifest")
    if har_status is not CheckStatus.PASS:
        return CheckResult.not_checked(name, f"{HAR_NAME} did not match the manifest; its dates prove nothing")
    try:
        har = safeio.read_json(folder / HAR_NAME, MAX_HAR_BYTES)
    except (OSError, InputError):
        return CheckResult.failed(name, f"{HAR_NAME} is not readable JSON")
    dates = list(http_dates(har))
    good = [(url, moment) for url, moment in dates if moment is not None]
    if not good:
        return CheckResult.not_checked(name, "no parseable HTTP Date header in the HAR")
    allowed = timedelta(seconds=tolerance)
    low, high = manifest.started() - allowed, manifest.ended() + allowed
    outside = [(url, moment) for url, moment in good if not low <= moment <= high]
    if outside:
        url, moment = outside[0]
        return CheckResult.failed(name, f"{len(outside)} of {len(good)} Date header(s) outside capture time "
                                        f"±{tolerance:g}s, e.g. {url}: {iso_utc(moment)}")
    unparsed = len(dates) - len(good)
    extra = f"; {unparsed} unparseable" if unparsed else ""
    return CheckResult.passed(name, f"{len(good)} Date header(s) within capture time ±{tolerance:g}s{extra}")
