"""The bilingual PDF extraction record (电子数据提取笔录).

``build_report`` reads capture folders into a frozen ``ReportData``;
``render_pdf`` prints it to A4 with the project's Chromium.
"""

from evidence_capture.report.model import ReportData, build_report
from evidence_capture.report.render import RenderResult, render_pdf

__all__ = ["ReportData", "RenderResult", "build_report", "render_pdf"]
