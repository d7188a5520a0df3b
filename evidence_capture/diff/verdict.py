"""The verdict of a change report: ``unchanged``, ``changed`` (with counts) or ``gone``.

``gone``: B answered HTTP 404 or 410, or the product of A (its first
``<h1>``, else its ``<title>``) is no longer on B's page, which instead says
it was taken down (已下架, 商品不存在, …) or shows no amount at all.
``changed``: any visible line, amount or screenshot region differs.
Resource (HAR) differences alone never make a page ``changed``: session
ids, cookies and timestamps change bytes but not what a person sees; they
are counted and listed all the same.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from evidence_capture.errors import Msg

GONE_STATUSES = (404, 410)
TAKEN_DOWN = re.compile(r"已下架|商品不存在|宝贝不存在|商品已删除|该商品已失效|页面不存在|已停售")


class _Heading(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.current: str | None = None
        self.found: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("h1", "title") and tag not in self.found:
            self.current, self.found[tag] = tag, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == self.current:
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.current:
            self.found[self.current] += data


def product_name(folder: Path) -> str:
    """A's product: the text of the first ``<h1>`` of the rendered DOM, else its ``<title>``."""
    dom = folder / "dom.html"
    if not dom.is_file():
        return ""
    parser = _Heading()
    parser.feed(dom.read_text(encoding="utf-8", errors="replace"))
    name = parser.found.get("h1", "").strip() or parser.found.get("title", "").strip()
    return re.sub(r"\s+", " ", name)


def gone_reason(a: dict[str, Any], b: dict[str, Any], product: str, b_lines: list[str],
                b_amounts: int) -> Msg | None:
    """Why B no longer holds A's page, or None."""
    if b.get("http_status") in GONE_STATUSES and a.get("http_status") not in GONE_STATUSES:
        return Msg("diff.gone.http", status=b["http_status"])
    if not product or any(product in line for line in b_lines):
        return None
    taken = next((line for line in b_lines if TAKEN_DOWN.search(line)), None)
    if taken:
        return Msg("diff.gone.taken_down", product=product, says=taken)
    if b_amounts == 0:
        return Msg("diff.gone.vanished", product=product)
    return None


def decide(counts: dict[str, Any], gone: Msg | None) -> dict[str, Any]:
    """``reason`` is the English text; ``reason_msg`` the same as a catalog message record."""
    if gone:
        return {"result": "gone", "reason": str(gone), "reason_msg": gone.as_record(), "counts": counts}
    visible = counts["lines_removed"] + counts["lines_added"] + counts["amounts_changed"] + \
        counts["visual_regions"]
    return {"result": "changed" if visible else "unchanged", "reason": None, "counts": counts}
