"""Readers for the files of a capture folder, as the report needs them.

Each reader turns one file (or one group of files) into plain frozen rows.
Missing optional files give empty results; files that exist but cannot be
parsed raise ``ReportError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Mapping

from cryptography import x509

from evidence_capture import safeio
from evidence_capture.capture.browser import BROWSER_PROXY
from evidence_capture.errors import InputError, ReportError
from evidence_capture.manifests.stamping import slot_number
from evidence_capture.timeutil import parse_iso


@dataclass(frozen=True)
class TlsCert:
    host: str
    subject: str
    issuer: str
    not_before: datetime
    not_after: datetime


@dataclass(frozen=True)
class TimestampRow:
    index: int
    url: str
    state: str  # granted | failed
    tsa_name: str | None
    serial: str | None
    policy_oid: str | None
    gen_time: datetime | None
    error: str | None
    error_i18n: Mapping[str, Any] | None = None  # the error as a catalog record (key, params)


@dataclass(frozen=True)
class EnvRow:
    check: str  # a message key (report.env.*) or a free check name
    value: str
    status: str  # ok | warn | not-checked
    note: str | None = None  # a message key shown after the value


def read_json(path: Path, *, required: bool = False) -> dict[str, Any]:
    """The JSON object in ``path``; ``{}`` if it is absent and not required."""
    try:
        data = safeio.read_json(path, 64 << 20)
    except FileNotFoundError:
        if required:
            raise
        return {}
    except (OSError, ValueError, InputError) as exc:
        raise ReportError(f"cannot read {path.name} in {path.parent}") from exc
    if not isinstance(data, dict):
        raise ReportError(f"{path} does not hold a JSON object")
    return data


def optional_time(text: object) -> datetime | None:
    if not text:
        return None
    try:
        return parse_iso(str(text))
    except ValueError as exc:
        raise ReportError(f"not an ISO 8601 time with a zone: {text!r}") from exc


def read_tls(folder: Path) -> tuple[TlsCert, ...]:
    """The leaf certificate of every ``tls/<host>.pem``."""
    rows = []
    for pem in sorted((folder / "tls").glob("*.pem")):
        try:
            leaf = x509.load_pem_x509_certificates(pem.read_bytes())[0]
        except (ValueError, IndexError) as exc:
            raise ReportError(f"cannot parse the certificate chain {pem.name}") from exc
        rows.append(TlsCert(host=pem.stem, subject=leaf.subject.rfc4514_string(),
                            issuer=leaf.issuer.rfc4514_string(),
                            not_before=leaf.not_valid_before_utc, not_after=leaf.not_valid_after_utc))
    return tuple(rows)


def _token_fields(tsr: Path) -> dict[str, Any]:
    """TSA name, genTime, serial and policy, read from the reply itself (never the record).

    Parsed with the verifier's own BER-tolerant reader, so tokens of real TSAs
    (indefinite lengths, unsorted sets) print like the ones our verifier accepts.
    """
    from evidence_capture.timestamping.tokens import ParseError, parse_response, parse_token

    try:
        status = parse_response(safeio.read_regular(tsr, 1 << 20))
        if status.token is None:
            raise ParseError("the reply carries no token")
        token = parse_token(status.token)
    except (OSError, ValueError, InputError) as exc:
        raise ReportError(f"cannot parse the timestamp reply {tsr.name}") from exc
    return {"tsa_name": token.tst.tsa_name, "serial": str(token.tst.serial),
            "policy_oid": token.tst.policy_oid, "gen_time": token.gen_time.isoformat()}


def read_timestamps(folder: Path) -> tuple[TimestampRow, ...]:
    """``timestamps/<n>.json`` in TSA order; the TSA fields come from each ``<n>.tsr`` itself."""
    metas = [p for p in (folder / "timestamps").glob("*.json") if slot_number(p, "json")]
    rows = []
    for meta_path in sorted(metas, key=lambda p: slot_number(p, "json") or 0):
        meta = read_json(meta_path, required=True)
        tsr = meta_path.with_suffix(".tsr")
        if tsr.exists():  # the token's own facts; timestamps/<n>.json is only an unsigned cache
            meta = {**meta, **_token_fields(tsr)}
        else:
            meta = {**meta, "tsa_name": None, "serial": None, "policy_oid": None, "gen_time": None}
        serial = meta.get("serial")
        rows.append(TimestampRow(
            index=int(meta_path.stem), url=str(meta.get("url") or ""),
            state=str(meta.get("state") or "failed"), tsa_name=meta.get("tsa_name"),
            serial=None if serial is None else str(serial), policy_oid=meta.get("policy_oid"),
            gen_time=optional_time(meta.get("gen_time")), error=meta.get("error"),
            error_i18n=meta.get("error_i18n") if isinstance(meta.get("error_i18n"), dict) else None))
    return tuple(rows)


def _finding(env: dict[str, Any], word: str) -> dict[str, Any] | None:
    for finding in env.get("findings") or []:
        if word in str(finding.get("check", "")).lower():
            return finding
    return None


def _status(env: dict[str, Any], word: str, fallback: str) -> str:
    finding = _finding(env, word)
    return "warn" if finding and finding.get("status") == "warn" else (
        "ok" if finding else fallback)


def _proxy_row(env: dict[str, Any]) -> EnvRow:
    proxy = env.get("proxy") or {}
    variables = proxy.get("env") or {}
    browser = str(proxy.get("browser") or "")
    parts = [f"{name}={value}" for name, value in sorted(variables.items())]
    if browser and browser != BROWSER_PROXY:
        parts.append(f"browser: {browser}")
    clean = not variables and (browser == BROWSER_PROXY or browser.lower() in ("", "direct", "none"))
    note = "report.env.browser_no_proxy" if browser == BROWSER_PROXY else (None if parts else "report.env.no_proxy")
    return EnvRow("report.env.proxy", "; ".join(parts), _status(env, "proxy", "ok" if clean else "warn"),
                  note)


def _hosts_row(env: dict[str, Any]) -> EnvRow:
    hosts = env.get("hosts_file") or {}
    entries = list(hosts.get("non_default_entries") or [])
    value = f"{hosts.get('path', '')} sha256:{hosts.get('sha256', '')}".strip()
    if entries:
        value += "; " + "; ".join(map(str, entries))
    fallback = "not-checked" if not hosts else ("warn" if entries else "ok")
    note = None if entries or not hosts else "report.env.no_extra_hosts"
    return EnvRow("report.env.hosts", value, _status(env, "hosts", fallback), note)


def _clock_row(env: dict[str, Any]) -> EnvRow:
    clock = env.get("clock") or {}
    offset = clock.get("offset_s")
    value = f"UTC {clock.get('utc', '')}" + ("" if offset is None else f"; offset {offset} s")
    fallback = "not-checked" if offset is None else ("ok" if abs(float(offset)) <= 2 else "warn")
    note = "report.env.no_reference" if offset is None else None
    return EnvRow("report.env.clock", value, _status(env, "clock", fallback), note)


def environment_rows(env: dict[str, Any],
                     detail: Callable[[Mapping[str, Any]], str] = lambda f: str(f.get("detail") or "")
                     ) -> tuple[EnvRow, ...]:
    """The clean-environment check as rows: proxy, hosts, DNS, clock, fresh profile, others
    (``detail`` gives another finding's text, e.g. in the reader's language)."""
    fresh = env.get("fresh_profile")
    rows = [
        _proxy_row(env),
        _hosts_row(env),
        EnvRow("report.env.dns", ", ".join(map(str, env.get("dns_resolvers") or [])),
               _status(env, "dns", "not-checked")),
        _clock_row(env),
        EnvRow("report.env.profile", "",
               _status(env, "profile", "not-checked" if fresh is None else ("ok" if fresh else "warn")),
               None if fresh is None else ("report.yes" if fresh else "report.no")),
    ]
    known = ("proxy", "hosts", "dns", "clock", "profile")  # rows of their own above
    for finding in env.get("findings") or []:
        name = str(finding.get("check", ""))
        if not any(word in name.lower() for word in known):
            status = "warn" if finding.get("status") == "warn" else "ok"
            label = _FINDING_LABELS.get(name, name)
            rows.append(EnvRow(label, detail(finding), status))
    return tuple(rows)


# Other environment findings, by their check name: the label the record prints.
_FINDING_LABELS = {"fonts": "report.env.fonts", "tls": "report.env.tls"}
