"""Reading a patrol list: one URL a line, or a CSV with ``url,case,subject,note``.

Spreadsheet tools export UTF-8 with a byte-order mark; both forms accept it.
A text list may hold blank lines and ``#`` comments.  A file is a CSV when
its first line names a ``url`` column.  Every URL is checked before anything
is captured, and a bad line is named by its line number.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidence_capture.capture.urls import validate_url
from evidence_capture.errors import InputError, InvalidURLError, Msg
from evidence_capture.models import check_case_id

CSV_COLUMNS = ("url", "case", "subject", "note")
MAX_ITEMS = 1_000_000


@dataclass(frozen=True)
class PatrolItem:
    url: str
    case_id: str | None = None
    subject: str = ""
    note: str = ""

    def as_record(self) -> dict[str, Any]:
        return {"url": self.url, "case": self.case_id, "subject": self.subject, "note": self.note}


def read_list(path: Path) -> list[PatrolItem]:
    """The items of ``path``; InputError for an unreadable, empty or malformed list."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(Msg("patrol.list.unreadable", path=path)) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(Msg("patrol.list.not_utf8", path=path),
                         hint=Msg("patrol.list.not_utf8.hint")) from exc
    first = text.lstrip().split("\n", 1)[0]
    items = _read_csv(text) if _is_csv_header(first) else _read_lines(text)
    if not items:
        raise InputError(Msg("patrol.list.empty", path=path))
    if len(items) > MAX_ITEMS:
        raise InputError(Msg("patrol.list.too_long", path=path, n=MAX_ITEMS))
    return items


def _is_csv_header(line: str) -> bool:
    cells = [cell.strip().strip('"').lower() for cell in line.split(",")]
    return "url" in cells


def _read_lines(text: str) -> list[PatrolItem]:
    items = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            items.append(PatrolItem(_url(line, number)))
    return items


def _read_csv(text: str) -> list[PatrolItem]:
    reader = csv.DictReader(io.StringIO(text.lstrip()))
    fields = [(name or "").strip().lower() for name in reader.fieldnames or ()]
    unknown = sorted(set(fields) - set(CSV_COLUMNS) - {""})
    if unknown:
        raise InputError(Msg("patrol.list.columns", columns=", ".join(unknown)),
                         hint=Msg("patrol.list.columns.hint", columns=", ".join(CSV_COLUMNS)))
    reader.fieldnames = fields
    items = []
    for row in reader:
        number = reader.line_num
        values = {key: (value or "").strip() for key, value in row.items() if key}
        if not any(values.values()):
            continue
        case = values.get("case") or None
        if case is not None:
            try:
                check_case_id(case)
            except (InputError, ValueError) as exc:
                raise InputError(Msg("patrol.list.case", line=number, case_id=case)) from exc
        items.append(PatrolItem(_url(values.get("url", ""), number), case,
                                values.get("subject", ""), values.get("note", "")))
    return items


def _url(text: str, number: int) -> str:
    try:
        return validate_url(text)
    except InvalidURLError as exc:
        raise InvalidURLError(Msg("patrol.list.url", line=number, error=exc.msg or exc.message),
                              hint=exc.hint_msg or exc.hint) from exc
