"""Lines for cases, the custody log, exports and imports."""

from __future__ import annotations

from typing import Any

from evidence_capture.ui.text import Text, pad


def capture_line(tx: Text, capture: Any) -> str:
    """A capture of the store: id, state, timestamps, origin, URL and why it failed.

    A stored (complete) capture shows the state of its evidence (完成 / 部分完成 / 失败); one that
    never got that far shows the store's status (进行中 / 失败 / 未完成).
    """
    stored = capture.status == "complete" and capture.capture_state
    state = tx.label("state", capture.capture_state) if stored else tx.label("store.status", capture.status)
    reason = tx.t("cli.capture.reason", reason=capture.failure or capture.failure_reason) if capture.failure_reason else ""
    return tx.t("cli.capture.line", capture_id=capture.capture_id, state=pad(state, 22),
                timestamps=pad(tx.label("store.timestamps", capture.timestamp_state), 8),
                origin=pad(tx.label("store.origin", capture.origin), 8), url=capture.url, reason=reason)


def case_list_lines(tx: Text, cases: list[Any]) -> list[str]:
    lines = [] if cases else [tx.t("cli.case.none")]
    return lines + [tx.t("cli.case.line", case_id=case.case_id, title=case.title, subject=case.subject,
                         n=len(case.captures)) for case in cases]


def case_lines(tx: Text, case: Any) -> list[str]:
    """A case, its captures and their states (the time in Beijing time)."""
    from evidence_capture.timeutil import iso_beijing

    return [tx.t("cli.case.header", case_id=case.case_id, title=case.title),
            tx.t("cli.case.subject", subject=case.subject or "-", purpose=case.purpose or "-"),
            tx.t("cli.case.opened_at", time=iso_beijing(case.opened_at)),
            tx.t("cli.case.captures", n=len(case.captures))] + [
        capture_line(tx, capture) for capture in case.captures]


def event_line(tx: Text, event: dict[str, Any]) -> str:
    """A custody event: seq, Beijing time, type, object, digest, actor and its detail."""
    from evidence_capture.timeutil import iso_beijing, parse_iso

    obj = event["object"]
    digest = f" {obj['digest'][:23]}…" if obj.get("digest") else ""
    details = event["details"]
    action = tx.label("custody.action", details["action"]) if details.get("action") else ""
    extra = details.get("text") or action or details.get("package") or ""
    actor = tx.t("cli.custody.by", name=event["actor"]["name"], cert_no=event["actor"]["cert_no"])
    kind = tx.label("custody.type", event["type"])
    return (f"{event['seq']:>6}  {iso_beijing(parse_iso(event['time']))}  {pad(kind, 11)} "
            f"{tx.label('custody.kind', obj['kind'])} {obj['id']}{digest}  {actor} {extra}".rstrip())


def custody_log_lines(tx: Text, target: str | None, events: list[dict[str, Any]],
                      history: list[dict[str, Any]]) -> list[str]:
    """This store's events, then the originating stations' history of imported packages."""
    lines = [] if events else [tx.t("cli.custody.none_for", target=target) if target
                               else tx.t("cli.custody.none")]
    lines += [event_line(tx, event) for event in events]
    for item in history:
        lines.append(tx.t("cli.custody.history", digest=item["package_sha256"], source=item["source"]))
        lines += ["  " + event_line(tx, event) for event in item["events"]]
    return lines


def custody_verify_lines(tx: Text, report: Any, ok: bool) -> list[str]:
    """Problems, notes (warnings, for stderr), unverified signatures and the verdict."""
    lines = [tx.t("cli.custody.problem", seq=problem.seq, kind=problem.kind, message=problem.message)
             for problem in report.problems]
    lines += [tx.warning(note) for note in report.notes]
    if report.signatures_unverified:
        lines.append(tx.t("cli.custody.unverified", n=report.signatures_unverified))
    verdict = tx.t("cli.custody.ok") if ok else tx.t("cli.custody.not_verified") + (
        tx.t("cli.custody.broken", seq=report.first_broken.seq) if report.first_broken else "")
    lines.append(tx.t("cli.custody.summary", verdict=verdict, events=report.events,
                      signatures=report.signatures_verified))
    if report.signatures_vouched:
        lines.append(tx.t("cli.custody.vouched", n=report.signatures_vouched))
    return lines


def export_lines(tx: Text, result: Any) -> list[str]:
    """The package written, its custody event, the records it holds, the captures skipped."""
    lines = [tx.t("cli.export.wrote", path=result.path, n=len(result.captures), digest=result.sha256),
             tx.t("cli.export.recorded", seq=result.event_seq, receipt=result.receipt)]
    lines += [tx.t("cli.export.report", path=entry["path"], digest=entry["sha256"], seq=entry["reported_seq"])
              for entry in result.reports]
    return lines + [tx.warning(tx.t("cli.export.skipped", capture_id=capture_id))
                    for capture_id in result.skipped]


def import_lines(tx: Text, result: Any) -> list[str]:
    if result.already_imported:
        return [tx.t("cli.import.already", digest=result.package_sha256)]
    lines = [tx.t("cli.import.done", n=len(result.captures), case_id=result.case_id or "-")]
    return lines + ([] if result.key_trusted else [tx.warning(tx.t("cli.import.untrusted"))])
