"""The ``text`` capture step: the page's visible text (``innerText``), as the browser lays it out.

``page-text.txt`` is what a person reads on the page, one rendered line per
line; ``evidence diff`` compares it between two captures.
"""

from __future__ import annotations

from typing import Any

from evidence_capture.errors import Msg

TEXT_NAME = "page-text.txt"


def page_text(s: Any, budget: float) -> Msg:
    text = s.page.evaluate("(document.body || document.documentElement).innerText || ''")
    (s.folder / TEXT_NAME).write_text(text, encoding="utf-8")
    return Msg("capture.text.ok", chars=len(text), lines=text.count(chr(10)) + 1)
