"""Lines for change reports (``evidence diff``) and re-captures."""

from __future__ import annotations

from typing import Any

from evidence_capture.ui.text import Text

_INDENT = "  "
MAX_LINES = 40  # changed text lines printed; the report holds them all


def verdict_text(tx: Text, verdict: dict[str, Any]) -> str:
    counts = verdict["counts"]
    pct = counts["changed_area_pct"] if counts["changed_area_pct"] is not None else "—"
    detail = tx.t("cli.diff.counts", removed=counts["lines_removed"], added=counts["lines_added"],
                  amounts=counts["amounts_changed"], regions=counts["visual_regions"], pct=pct,
                  res_added=counts["resources_added"], res_removed=counts["resources_removed"],
                  res_changed=counts["resources_changed"])
    return tx.t("cli.diff.verdict_counts", verdict=tx.t("diff.verdict." + verdict["result"]), detail=detail)


def diff_lines(tx: Text, report: Any) -> list[str]:
    """The sealed change report: id, both captures, verdict, amounts, changed lines, seal."""
    record, seal = report.record, report.seal
    lines = [tx.t("cli.diff.sealed", diff_id=report.diff_id, state=tx.label("seal.state", seal.state)),
             _INDENT + tx.t("cli.diff.folder", path=report.folder),
             _INDENT + tx.t("cli.diff.manifest", digest="sha256:" + seal.manifest_sha256)]
    for side in ("a", "b"):
        c = record[side]
        lines.append(_INDENT + tx.t("cli.diff.side", side=side.upper(), capture_id=c["capture_id"],
                                    digest=c["manifest_sha256"], url=c["final_url"] or c["requested_url"]))
    lines.append(_INDENT + tx.t("cli.diff.verdict", verdict=verdict_text(tx, record["verdict"])))
    verdict = record["verdict"]
    if verdict["reason"]:
        reason = tx.reason({"reason": verdict["reason"], **verdict["reason_msg"]}) if verdict.get("reason_msg") \
            else verdict["reason"]
        lines.append(_INDENT + tx.t("cli.diff.reason", reason=reason))
    none = tx.t("diff.none")
    lines += [_INDENT + tx.t("cli.diff.amount", old=a["old"] or none, new=a["new"] or none)
              for a in record["amounts"]]
    changed = [f"- {line}" for line in record["text"]["removed"]] + \
        [f"+ {line}" for line in record["text"]["added"]]
    lines += [_INDENT + line for line in changed[:MAX_LINES]]
    if len(changed) > MAX_LINES:
        lines.append(_INDENT + f"… (+{len(changed) - MAX_LINES})")
    if record["visual"] and record["visual"]["outlined_b"]:
        lines.append(_INDENT + tx.t("cli.diff.outlined", path=report.folder / record["visual"]["outlined_b"]))
    if report.custody_seq is not None:
        lines.append(_INDENT + tx.t("cli.diff.custody", seq=report.custody_seq))
    return lines


def recapture_lines(tx: Text, previous: dict[str, str]) -> list[str]:
    return [tx.t("cli.recapture.previous", capture_id=previous["capture_id"],
                 digest=previous["manifest_sha256"])]
