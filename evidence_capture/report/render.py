"""Render ``ReportData`` to an A4 PDF with the project's Chromium.

The Jinja2 template under ``templates/`` is rendered to an HTML file next to
the screenshot pieces in a temporary folder; Chromium prints it with
``page.pdf`` (installed Noto CJK fonts), with a page header and a
"第 N 页 共 M 页" / "page N of M" footer.  The PDF is written atomically.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import jinja2
from markupsafe import Markup

from evidence_capture.config import Settings
from evidence_capture.errors import BrowserError, InputError, ReportError, VerificationError
from evidence_capture.i18n import message
from evidence_capture.report.comparison import read_licence, read_previous
from evidence_capture.report.model import CaptureSection, ReportData, localized
from evidence_capture.report.screenshot import JPEG_QUALITY, Piece, attachment
from evidence_capture.timeutil import BEIJING, require_aware

CHROMIUM_FLAGS = ("--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run")
# A4 with room for the header and footer; the screenshot image area is what
# is left of the printable height after the stamp (see record.html.j2).
MARGINS_MM = {"top": 20, "bottom": 16, "left": 15, "right": 15}
CONTENT_WIDTH_MM = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]
SHOT_AREA_MM = 297 - MARGINS_MM["top"] - MARGINS_MM["bottom"] - 32  # 32 mm for the stamp
SHOT_ASPECT = SHOT_AREA_MM / CONTENT_WIDTH_MM
OVERVIEW_ASPECT = (SHOT_AREA_MM - 4) / CONTENT_WIDTH_MM  # 4 mm between a page's top and its overview

_TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class ShotPage:
    """One sheet of the screenshot attachment: one piece, or a page's top above its overview."""

    capture: CaptureSection
    pieces: tuple[Piece, ...]
    index: int  # 1-based, among the capture's sheets
    total: int

    @property
    def first(self) -> Piece:
        return self.pieces[0]


@dataclass(frozen=True)
class RenderResult:
    path: Path
    sha256: str
    size: int
    pages: int | None
    screenshot_pages: int


def format_time(moment: datetime | None, lang: str) -> str:
    """Beijing time with UTC alongside, e.g. ``2026-11-29 10:39:27 北京时间 (UTC 2026-11-29 02:39:27Z)``."""
    if moment is None:
        return message("report.not_recorded", lang)
    moment = require_aware(moment)
    fraction = f".{moment.microsecond // 1000:03d}" if moment.microsecond else ""
    local = moment.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S") + fraction
    utc = moment.strftime("%Y-%m-%d %H:%M:%S") + fraction
    return f"{local} {message('report.beijing', lang)} (UTC {utc}Z)"


def format_clock(moment: datetime | None) -> str:
    """A compact time of day: ``10:39:27.123 (02:39:27.123Z)``, Beijing then UTC."""
    if moment is None:
        return ""
    moment = require_aware(moment)
    fraction = f".{moment.microsecond // 1000:03d}"
    return (moment.astimezone(BEIJING).strftime("%H:%M:%S") + fraction
            + " (" + moment.strftime("%H:%M:%S") + fraction + "Z)")


def _environment(lang: str) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(_TEMPLATES), extensions=["jinja2.ext.do"],
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.globals["t"] = lambda key, **values: message(key, lang, **values)
    env.filters["when"] = lambda moment: format_time(moment, lang)
    env.filters["clock"] = format_clock
    env.filters["beijing_clock"] = lambda moment: format_clock(moment).split(" (")[0]
    env.globals["en"] = lambda key, **values: message(key, "en", **values)
    env.filters["msg"] = lambda record, text: localized({"text": text, "msg": record}, lang, "text", "msg")
    env.globals.update(licence_of=read_licence, previous_of=read_previous)
    zh = lang == "zh"
    env.globals.update(colon="：" if zh else ": ", lp="（" if zh else " (", rp="）" if zh else ")")
    return env


def _page_numbers(lang: str) -> Markup:
    return Markup(message("report.page_of", lang, n='<span class="pageNumber"></span>',
                          m='<span class="totalPages"></span>'))


def render_html(data: ReportData, shot_pages: list[ShotPage]) -> tuple[str, str, str]:
    """The body, header and footer HTML."""
    env = _environment(data.lang)
    context = {"r": data, "shots": shot_pages, "page_numbers": _page_numbers(data.lang),
               "jpeg_quality": JPEG_QUALITY}
    return (env.get_template("record.html.j2").render(**context),
            env.get_template("header.html.j2").render(**context),
            env.get_template("footer.html.j2").render(**context))


def _slice_all(data: ReportData, work: Path) -> list[ShotPage]:
    pages = []
    for number, capture in enumerate(data.captures, start=1):
        shot = capture.screenshot
        if shot is None:
            continue
        if not (capture.folder / shot.path).is_file():
            raise VerificationError("artifacts", f"{shot.path} is sealed in {capture.capture_id} "
                                    "but missing from its folder")
        sheets = attachment(capture.folder / shot.path, work / "shots", aspect=SHOT_ASPECT,
                            overview_aspect=OVERVIEW_ASPECT, expected_sha256=shot.sha256,
                            prefix=f"c{number:02d}")
        pages += [ShotPage(capture, pieces, index, len(sheets))
                  for index, pieces in enumerate(sheets, start=1)]
    return pages


def _print_pdf(html_path: Path, header: str, footer: str, target: Path, settings: Settings) -> None:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=settings.chromium,
                                             args=list(CHROMIUM_FLAGS))
            try:
                page = browser.new_page()
                page.goto(html_path.as_uri(), wait_until="load")
                page.pdf(path=str(target), format="A4", print_background=True,
                         display_header_footer=True, header_template=header,
                         footer_template=footer, prefer_css_page_size=False,
                         margin={side: f"{mm}mm" for side, mm in MARGINS_MM.items()})
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise BrowserError(f"Chromium could not print the record ({settings.chromium})",
                           hint="set EVIDENCE_CHROMIUM to a working Chromium") from exc


def count_pages(pdf: bytes) -> int | None:
    """The page count from the root page tree of a Chromium (Skia) PDF."""
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf)]
    return max(counts) if counts else None


def render_pdf(data: ReportData, out: Path, *, settings: Settings) -> RenderResult:
    """Render the record to ``out`` (written atomically; an existing file is never replaced)."""
    out = Path(out)
    _check_target(out)
    with tempfile.TemporaryDirectory(prefix="evidence-report-") as tmp:
        work = Path(tmp)
        shot_pages = _slice_all(data, work)
        body, header, footer = render_html(data, shot_pages)
        html_path = work / "record.html"
        html_path.write_text(body, encoding="utf-8")
        partial = out.with_name(f".{out.name}.partial")
        try:
            _print_pdf(html_path, header, footer, partial, settings)
            pdf = partial.read_bytes()
            _publish(partial, out)
        finally:
            partial.unlink(missing_ok=True)
    return RenderResult(path=out, sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf),
                        pages=count_pages(pdf), screenshot_pages=len(shot_pages))


def _check_target(out: Path) -> None:
    """A new file in an existing folder: never a folder, never an existing file."""
    if out.is_dir():
        raise InputError(f"{out} is a folder; give the PDF file to write")
    if os.path.lexists(out):
        raise InputError(f"{out} already exists; choose another file name")
    if not out.parent.is_dir():
        raise InputError(f"the folder of {out} does not exist")


def _publish(partial: Path, out: Path) -> None:
    """Move the finished PDF in, refusing to overwrite (link, unlike rename, refuses)."""
    try:
        os.link(partial, out)
    except FileExistsError as exc:
        raise InputError(f"{out} already exists; choose another file name") from exc
    except OSError as exc:
        raise ReportError(f"cannot write {out}: {exc.strerror or exc}") from exc
