"""The ``licence`` capture step: 亮照 inspection of the loaded page and one link below.

It reads the visible text, links and images of the page (``collect.js``),
finds the licence information (``finder``), and when the page has a
营业执照 / 证照信息 link it follows that one link in the same browser as a
sub-capture (``licence/linked/screenshot.png`` and ``dom.html``).  It writes
``licence.json`` and copies of the screenshots with each finding boxed.
The step runs after every other page step, so the main artifacts are taken
before the browser leaves the page.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from evidence_capture.capture import failures
from evidence_capture.capture.screenshot import take_screenshot
from evidence_capture.errors import Msg
from evidence_capture.licence.boxes import draw_boxes
from evidence_capture.licence.finder import (COLLECT_JS, DISPLAYED, Finding, find_on_page, licence_link,
                                             summarise)
from evidence_capture.timeutil import iso_utc, utcnow

SCHEMA = "evidence-capture/licence/1"
LINKED_DIR = "licence/linked"
LIMITS = ("licence pictures are recorded as images and never read (no OCR)",
          "only one link level below the page is followed (the first 营业执照/证照信息 link)",
          "text inside iframes, canvas and closed shadow roots is not seen")


def licence(s: Any, budget: float) -> Msg:
    """Step entry point (``Session``, budget in seconds); raises only if the page cannot be read."""
    deadline = time.monotonic() + budget
    page = s.page.evaluate(COLLECT_JS)
    findings = find_on_page(page, "page")
    link = licence_link(page)
    linked = _follow(s, link, deadline) if link else None
    if linked and linked.get("page"):
        findings += find_on_page(linked.pop("page"), "linked")
    record = _record(s, page["url"], findings, link, linked)
    (s.folder / "licence.json").write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n",
                                           encoding="utf-8")
    fields = record["summary"]["fields"]
    return Msg("capture.licence.ok", overall=Msg(f"licence.overall.{record['summary']['overall']}"),
               shown=sum(v == DISPLAYED for v in fields.values()), total=len(fields))


def _follow(s: Any, link: dict[str, Any], deadline: float) -> dict[str, Any]:
    """Open the licence link in the capture's own page: one level, through the address guard."""
    from playwright.sync_api import Error as PlaywrightError

    url = link["href"]
    result: dict[str, Any] = {"url": url, "link_text": link["text"], "link_dom_path": link["path"],
                              "status": None, "final_url": None, "error": None,
                              "error_msg": None}
    refusal = s.guard.refusal(url)
    if refusal:
        reason = Msg("capture.licence.not_followed", reason=refusal)
        return {**result, "error": str(reason), "error_msg": reason.as_record()}
    folder = s.folder / LINKED_DIR
    try:
        left = max(deadline - time.monotonic(), 1.0) * 1000
        response = s.page.goto(url, wait_until="load", timeout=left)
        result.update(status=response.status if response else None, final_url=s.page.url)
        folder.mkdir(parents=True, exist_ok=True)
        o = s.options
        take_screenshot(s.page, folder / "screenshot.png", tile_height=o.screenshot_tile_height,
                        max_height=o.max_screenshot_height,
                        timeout_ms=max(deadline - time.monotonic(), 1.0) * 1000)
        (folder / "dom.html").write_text(s.page.content(), encoding="utf-8")
        result.update(screenshot=f"{LINKED_DIR}/screenshot.png", dom=f"{LINKED_DIR}/dom.html",
                      page=s.page.evaluate(COLLECT_JS))
    except (PlaywrightError, OSError, ValueError) as exc:
        result["error"] = failures.raw(exc)  # the technical record; error_msg says what it means
        result["error_msg"] = failures.describe(exc).as_record()
    return result


def _boxed(s: Any, findings: list[Finding], where: str, shot: str, css_width: float,
           out: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The boxed copy (``{"path", "crop_top"}``, None without findings) and each finding's box."""
    chosen = [f for f in findings if f.where == where]
    if not chosen or not (s.folder / shot).is_file() or not css_width:
        return None, [{} for _ in chosen]
    top, boxes = draw_boxes(s.folder / shot, css_width, chosen, s.folder / out)
    image = {"path": out, "of": shot, "crop_top": top} if (s.folder / out).is_file() else None
    return image, boxes


def _record(s: Any, url: str, findings: list[Finding], link: dict[str, Any] | None,
            linked: dict[str, Any] | None) -> dict[str, Any]:
    main_width = (s.facts.get("screenshot") or {}).get("css_width") or 0
    main_image, main_boxes = _boxed(s, findings, "page", "screenshot.png", main_width, "licence-boxes.png")
    sub_image, sub_boxes = None, []
    if linked and linked.get("screenshot"):
        width = s.page.evaluate("document.documentElement.scrollWidth")
        sub_image, sub_boxes = _boxed(s, findings, "linked", linked["screenshot"], width,
                                      f"{LINKED_DIR}/screenshot-boxes.png")
    placed = iter(main_boxes + sub_boxes)
    ordered = [f for f in findings if f.where == "page"] + [f for f in findings if f.where == "linked"]
    return {"schema": SCHEMA, "page_url": url, "inspected_at": iso_utc(utcnow()),
            "summary": summarise(findings),
            "findings": [{**f.as_record(), "box_px": next(placed)} for f in ordered],
            "licence_link": link and {k: link[k] for k in ("text", "href", "path")},
            "linked": linked, "boxes_image": main_image, "linked_boxes_image": sub_image,
            "limits": list(LIMITS)}
