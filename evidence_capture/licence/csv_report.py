"""The patrol licence report: one CSV row per shop of a patrol job, with a bilingual summary.

Each row reads the sealed ``licence.json`` of the row's capture (nothing is
inspected again).  Columns: the list's own columns, the capture, the overall
verdict, per field its status and the value as displayed, the followed
licence link, and a summary in Chinese and in English.  The file is UTF-8
with a BOM (Excel opens it as such) and is never overwritten.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import Any, Iterable, Mapping

from evidence_capture.errors import InputError, Msg
from evidence_capture.i18n import message
from evidence_capture.licence.finder import DISPLAYED, FIELDS

HEADER = (["position", "url", "subject", "case", "capture_id", "capture_state", "overall"]
          + [f"{name}_{part}" for name in FIELDS for part in ("status", "value")]
          + ["licence_link", "summary_zh", "summary_en"])


def read_licence(folder: Path) -> Mapping[str, Any] | None:
    try:
        return json.loads((folder / "licence.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def summary(record: Mapping[str, Any] | None, lang: str) -> str:
    """``已完整亮照`` / ``亮照不完整：未公示 ICP 备案号；…`` in ``lang``."""
    if record is None:
        return message("licence.csv.no_record", lang)
    fields = record["summary"]["fields"]
    problems = [message("licence.csv.problem", lang, field=message(f"licence.field.{name}", lang),
                        status=message(f"licence.status.{status}", lang))
                for name, status in fields.items() if status != DISPLAYED]
    head = message(f"licence.overall.{record['summary']['overall']}", lang)
    sep = "；" if lang == "zh" else "; "
    return head + (message("licence.csv.because", lang, problems=sep.join(problems)) if problems else "")


def _values(record: Mapping[str, Any] | None) -> dict[str, str]:
    values: dict[str, str] = {}
    for finding in (record or {}).get("findings", []):
        values.setdefault(finding["field"], finding["value"])
    return values


def rows(items: Iterable[Mapping[str, Any]], capture_dir: Any) -> list[list[str]]:
    """One row per patrol item; ``capture_dir(capture_id)`` is the capture's folder."""
    out = []
    for item in items:
        record = read_licence(capture_dir(item["capture_id"])) if item.get("capture_id") else None
        fields = record["summary"]["fields"] if record else {}
        values = _values(record)
        link = ((record or {}).get("linked") or {}).get("final_url") or ""
        out.append([str(item.get("position", "")), item["url"], item.get("subject") or "",
                    item.get("case") or "", item.get("capture_id") or "", item.get("capture_state") or "",
                    record["summary"]["overall"] if record else ""]
                   + [cell for name in FIELDS for cell in (fields.get(name, ""), values.get(name, ""))]
                   + [link, summary(record, "zh"), summary(record, "en")])
    return out


def write_licence_report(out: Path, items: Iterable[Mapping[str, Any]], capture_dir: Any) -> int:
    """Write the CSV (refusing an existing file); returns the number of shops."""
    table = rows(items, capture_dir)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(table)
    try:
        with open(out, "x", encoding="utf-8-sig", newline="") as handle:
            handle.write(buffer.getvalue())
            handle.flush()
            os.fsync(handle.fileno())
    except FileExistsError as exc:
        raise InputError(Msg("licence.csv.exists", path=out)) from exc
    except OSError as exc:
        raise InputError(Msg("licence.csv.unwritable", path=out)) from exc
    return len(table)
