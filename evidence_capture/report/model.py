"""``ReportData``: everything the extraction record shows, read from capture folders.

``build_report`` reads one or more sealed capture folders (the formats of
docs/ARCHITECTURE.md), plus an optional case dict and, per capture, an
optional verification summary (a list of ``{"name", "status", "reason"}``).
The artifact list comes from the sealed ``manifest.json``: the record prints
the values that were sealed, and ``render`` refuses to stamp a screenshot
whose bytes no longer match them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from evidence_capture.errors import Msg, NotFoundError, ReportError
from evidence_capture.i18n import check_lang
from evidence_capture.report import sources
from evidence_capture.report.sources import EnvRow, TimestampRow, TlsCert
from evidence_capture.timeutil import utcnow

STATUSES = ("pass", "fail", "not-checked", "not-applicable")


@dataclass(frozen=True)
class Person:
    name: str
    cert_no: str = ""


@dataclass(frozen=True)
class Artifact:
    path: str
    media_type: str
    size: int
    sha256: str
    sm3: str


@dataclass(frozen=True)
class Step:
    name: str
    started: datetime | None
    duration_s: float | None
    outcome: str
    detail: str


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: str  # pass | fail | not-checked
    reason: str

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ReportError(f"check {self.name!r}: unknown status {self.status!r}")


@dataclass(frozen=True)
class ServerGroup:
    """Requests grouped by the address actually connected to; ``address`` None: no connection."""

    address: str | None  # "ip:port"
    count: int
    urls: tuple[str, ...]  # the first few, in request order, each cut to URL_CHARS

    SAMPLE = 2
    URL_CHARS = 96
    SHOWN = 4  # groups printed; the rest are summed up (every request is in network.har)


def server_groups(rows: Iterable[Mapping[str, Any]]) -> tuple[ServerGroup, ...]:
    """One group per connected ``ip:port`` (most requests first), then the unconnected ones."""
    groups: dict[str | None, list[str]] = {}
    for row in rows:
        ip = row.get("ip")
        address = None if not ip else (f"[{ip}]:{row.get('port')}" if ":" in str(ip)
                                       else f"{ip}:{row.get('port')}")
        groups.setdefault(address, []).append(_text(row.get("url")))
    connected = sorted((k for k in groups if k is not None), key=lambda k: (-len(groups[k]), k))
    order = connected + ([None] if None in groups else [])
    return tuple(ServerGroup(k, len(groups[k]), tuple(_cut(url, ServerGroup.URL_CHARS)
                                                      for url in groups[k][:ServerGroup.SAMPLE]))
                 for k in order)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


@dataclass(frozen=True)
class CaptureSection:
    folder: Path
    capture_id: str
    state: str
    started: datetime | None
    ended: datetime | None
    host: str
    place: str
    single_officer_reason: str
    no_timestamp_reason: str
    os_text: str
    environment: tuple[EnvRow, ...]
    requested_url: str
    final_url: str
    redirects: tuple[tuple[str, str], ...]  # (url, status)
    http_status: str
    dns_answers: tuple[str, ...]
    servers: tuple[ServerGroup, ...]
    tls: tuple[TlsCert, ...]
    tool: str
    playwright: str
    chromium: str
    device: str
    user_agent: str
    steps: tuple[Step, ...]
    warnings: tuple[str, ...]
    artifacts: tuple[Artifact, ...]
    manifest_sha256: str
    signer: str
    sealed_at: datetime | None
    dev_tsa_warning: str | None
    timestamps: tuple[TimestampRow, ...]
    verification: tuple[CheckResult, ...] | None

    @property
    def screenshot(self) -> Artifact | None:
        return next((a for a in self.artifacts if a.path == "screenshot.png"), None)

    @property
    def verdict(self) -> str:
        """fail if any check failed; pass only if every check passed (or was not applicable); else not-checked."""
        if not self.verification:
            return "not-checked"
        statuses = {check.status for check in self.verification} - {"not-applicable"}
        return "fail" if "fail" in statuses else ("pass" if statuses == {"pass"} else "not-checked")


@dataclass(frozen=True)
class ReportData:
    lang: str
    record_no: str
    printed_at: datetime
    case_id: str
    case_title: str
    subject: str
    purpose: str
    officers: tuple[Person, ...]
    witnesses: tuple[Person, ...]
    captures: tuple[CaptureSection, ...]
    comparisons: tuple[Any, ...] = ()  # report.comparison.ComparisonSection: the 对比记录 sections

    def __post_init__(self) -> None:
        check_lang(self.lang)
        if not self.captures:
            raise ReportError("a record needs at least one capture")


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _steps(provenance: Mapping[str, Any], lang: str) -> tuple[Step, ...]:
    return tuple(Step(name=_text(s.get("name")), started=sources.optional_time(s.get("started_at")),
                      duration_s=s.get("duration_s"), outcome=_text(s.get("outcome")),
                      detail=localized(s, lang, "detail", "detail_msg"))
                 for s in provenance.get("steps") or [])


def _warnings(manifest: Mapping[str, Any], provenance: Mapping[str, Any], lang: str) -> tuple[str, ...]:
    """The capture's warnings (sealed in the manifest), in ``lang`` where provenance keeps their
    catalog records (``warning_msgs``, one per warning)."""
    texts = [str(w) for w in manifest.get("warnings") or provenance.get("warnings") or []]
    records = provenance.get("warning_msgs") or []
    if len(records) != len(texts):
        return tuple(texts)
    return tuple(localized({"text": text, "msg": msg}, lang, "text", "msg")
                 for text, msg in zip(texts, records))


def _artifacts(manifest: Mapping[str, Any]) -> tuple[Artifact, ...]:
    return tuple(Artifact(path=_text(a.get("path")), media_type=_text(a.get("media_type")),
                          size=int(a.get("size") or 0), sha256=_text(a.get("sha256")),
                          sm3=_text(a.get("sm3")))
                 for a in manifest.get("artifacts") or [])


def _device(provenance: Mapping[str, Any]) -> str:
    viewport = provenance.get("viewport") or {}
    size = f"{viewport.get('width')}×{viewport.get('height')}" if viewport else ""
    device = _text(provenance.get("device"))
    return f"{device} ({size})" if device and size else (device or size)


def _os_text(environment: Mapping[str, Any]) -> str:
    os_info = environment.get("os") or {}
    if isinstance(os_info, Mapping):
        return " ".join(_text(v) for v in os_info.values() if v)
    return _text(os_info)


def localized(record: Any, lang: str, text_field: str = "reason", msg_field: str | None = None) -> str:
    """A reason, step detail, warning or finding in ``lang``: from its catalog record
    (``key``/``params``, in ``record[msg_field]`` or ``record`` itself) when the catalog knows
    it, else the recorded (English) text."""
    if not isinstance(record, Mapping):
        return _text(record)
    msg = record.get(msg_field) if msg_field else record
    if isinstance(msg, Mapping) and isinstance(msg.get("key"), str):
        try:
            return Msg.from_record(msg).render(lang)
        except (KeyError, IndexError, ValueError, TypeError, AttributeError):
            pass  # a key or parameter this version does not know: the recorded text
    return _text(record.get(text_field))


def _verification(summary: Iterable[Mapping[str, Any]] | None, lang: str) -> tuple[CheckResult, ...] | None:
    if summary is None:
        return None
    return tuple(CheckResult(_text(c.get("name")), _text(c.get("status")), localized(c, lang))
                 for c in summary)


def read_capture(folder: Path, verify_summary: Iterable[Mapping[str, Any]] | None = None,
                 lang: str = "en") -> CaptureSection:
    """One sealed capture folder as a report section."""
    try:
        manifest_bytes = (folder / "manifest.json").read_bytes()
    except FileNotFoundError as exc:
        raise NotFoundError(f"{folder} holds no manifest.json",
                            hint="seal the capture before printing its record") from exc
    manifest = sources.read_json(folder / "manifest.json", required=True)
    prov = sources.read_json(folder / "provenance.json")
    env = sources.read_json(folder / "environment.json")
    tool = prov.get("tool") or {}
    return CaptureSection(
        folder=folder, capture_id=_text(manifest.get("capture_id") or folder.name),
        state=_text(manifest.get("state") or prov.get("state")),
        started=sources.optional_time(manifest.get("started_at") or prov.get("started_at")),
        ended=sources.optional_time(manifest.get("ended_at") or prov.get("ended_at")),
        host=_text(env.get("hostname")), place=_text(manifest.get("place")),
        single_officer_reason=_text(manifest.get("single_officer_reason")),
        no_timestamp_reason=_text(manifest.get("no_timestamp_reason")), os_text=_os_text(env),
        environment=sources.environment_rows(env, lambda f: localized(f, lang, "detail", "detail_msg")),
        requested_url=_text(manifest.get("requested_url") or prov.get("requested_url")),
        final_url=_text(manifest.get("final_url") or prov.get("final_url")),
        redirects=tuple((_text(r.get("url")), _text(r.get("status")))
                        for r in prov.get("redirect_chain") or []),
        http_status=_text(prov.get("http_status")),
        dns_answers=tuple(map(str, (prov.get("dns") or {}).get("answers") or [])),
        servers=server_groups(prov.get("servers") or []),
        tls=sources.read_tls(folder),
        tool=f"{tool.get('name', 'evidence-capture')} {tool.get('version', '')}".strip(),
        playwright=_text(prov.get("playwright_version")), chromium=_text(prov.get("chromium_version")),
        device=_device(prov), user_agent=_text(prov.get("user_agent")),
        steps=_steps(prov, lang), warnings=_warnings(manifest, prov, lang),
        artifacts=_artifacts(manifest),
        manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(),
        signer=_text((manifest.get("signer") or {}).get("fingerprint")),
        sealed_at=sources.optional_time(manifest.get("sealed_at")),
        dev_tsa_warning=manifest.get("dev_tsa_warning"),
        timestamps=sources.read_timestamps(folder),
        verification=_verification(verify_summary, lang),
    )


def _person(value: Any) -> Person | None:
    if not value:
        return None
    if isinstance(value, Mapping):
        return Person(_text(value.get("name")), _text(value.get("cert_no") or value.get("id_no")))
    return Person(_text(value))


def _people(case: Mapping[str, Any], folders: Sequence[Path], field: str) -> tuple[Person, ...]:
    """The case's ``officers`` / ``witness``, else those of the captures' manifests, each once."""
    records = _as_list(case.get(field))
    if not records:
        for folder in folders:
            records += _as_list(sources.read_json(folder / "manifest.json").get(field))
    people = (_person(record) for record in records)
    return tuple(dict.fromkeys(person for person in people if person))


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else ([value] if value else [])


def build_report(folders: Sequence[Path], case: Mapping[str, Any] | None = None,
                 verify_summaries: Sequence[Iterable[Mapping[str, Any]] | None] | None = None,
                 lang: str = "zh", *, record_no: str | None = None,
                 printed_at: datetime | None = None, comparisons: Sequence[Any] = ()) -> ReportData:
    """The record of one or more captures (a case report when there are several)."""
    if not folders:
        raise ReportError("a record needs at least one capture")
    summaries = list(verify_summaries or [])
    if len(summaries) > len(folders):
        raise ReportError("more verification summaries than captures")
    summaries += [None] * (len(folders) - len(summaries))
    captures = tuple(read_capture(Path(f), s, lang) for f, s in zip(folders, summaries))
    case = dict(case or sources.read_json(Path(folders[0]) / "manifest.json").get("case") or {})
    first = captures[0].capture_id
    return ReportData(
        lang=check_lang(lang),
        record_no=record_no or _text(case.get("record_no")) or
        f"ER-{first}" + (f"+{len(captures) - 1}" if len(captures) > 1 else ""),
        printed_at=printed_at or utcnow(),
        case_id=_text(case.get("case_id")), case_title=_text(case.get("title")),
        subject=_text(case.get("subject")), purpose=_text(case.get("purpose")),
        officers=_people(case, [c.folder for c in captures], "officers"),
        witnesses=_people(case, [c.folder for c in captures], "witness"),
        captures=captures,
        comparisons=tuple(comparisons),
    )
