"""``evidence report``: verify, print the extraction record, record it in the custody chain.

A record printed from this store (a capture or a case) joins the custody
chain as a ``reported`` event holding the PDF's SHA-256; a record printed
from an exported package or a loose folder has no chain to join.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from evidence_capture.config import Settings
from evidence_capture.report.comparison import comparison_sections
from evidence_capture.report.model import ReportData, build_report
from evidence_capture.report.render import RenderResult, render_pdf
from evidence_capture.report.targets import ReportTarget, Trust, open_report_target

OpenStore = Callable[..., Any]  # open_store(signed=bool) -> Store


@dataclass(frozen=True)
class PrintedRecord:
    """The PDF written, what it holds, and its custody event (None outside this store)."""

    result: RenderResult
    data: ReportData
    lang: str
    event: dict[str, Any] | None

    def as_record(self) -> dict[str, Any]:
        result = self.result
        return {"path": str(result.path.resolve()), "sha256": f"sha256:{result.sha256}",
                "size": result.size, "pages": result.pages,
                "screenshot_pages": result.screenshot_pages, "lang": self.lang,
                "record_no": self.data.record_no, "custody_seq": self.event and self.event["seq"],
                "captures": [capture.capture_id for capture in self.data.captures]}


def print_record(target: str, output: Path, *, settings: Settings, trust: Trust, lang: str,
                 open_store: OpenStore,
                 rendering: Callable[[], AbstractContextManager[Any]] = nullcontext) -> PrintedRecord:
    """Verify and print TARGET's record to ``output``; ``rendering()`` wraps the PDF step."""
    with open_report_target(target, settings=settings, trust=trust) as found:
        comparisons = comparison_sections(found.comparisons, settings=settings, trust=trust)
        data = build_report(list(found.folders), found.case, list(found.summaries), lang, comparisons=comparisons)
        with rendering():
            result = render_pdf(data, output, settings=settings)
    return PrintedRecord(result, data, lang, record_printed(found, result, data.record_no, open_store))


def record_printed(found: ReportTarget, result: RenderResult, record_no: str,
                   open_store: OpenStore) -> dict[str, Any] | None:
    """Custody event for a record printed from this store (packages are not in it)."""
    if found.kind == "package":
        return None
    object_id = found.case_id or found.folders[0].name
    if found.kind == "diff":
        object_id = found.comparisons[0].name  # a change report: the event is about the report
    if found.kind == "capture":
        store = open_store(signed=False)
        stored = store.settings.capture_dir(object_id).resolve()
        if not store.has_capture(object_id) or found.folders[0].resolve() != stored:
            return None  # a loose folder (even one named like a capture): no chain to add to
    return open_store(signed=True).record_report(
        found.kind, object_id, case_id=found.case_id, sha256=result.sha256,
        details={"record_no": record_no, "path": str(result.path.resolve()), "pages": result.pages})
