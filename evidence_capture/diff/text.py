"""The visible-text diff: ``innerText`` of both captures, whitespace-normalised, line by line.

The text is ``page-text.txt`` (the ``text`` capture step); a capture made
before that step existed falls back to the text of ``dom.html`` read with
the standard HTML parser (block elements end lines, scripts and styles are
skipped), which is close to, but not exactly, what the browser shows.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

TEXT_NAME = "page-text.txt"
_BLOCKS = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "br", "table", "section",
           "article", "header", "footer", "dt", "dd", "ul", "ol", "form", "title"}
_SKIP = {"script", "style", "noscript", "template", "head"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def visible_text(folder: Path) -> tuple[str, str]:
    """(text, source): ``page-text.txt`` if the capture has it, else the text of ``dom.html``."""
    if (folder / TEXT_NAME).is_file():
        return (folder / TEXT_NAME).read_text(encoding="utf-8", errors="replace"), TEXT_NAME
    if (folder / "dom.html").is_file():
        parser = _Text()
        parser.feed((folder / "dom.html").read_text(encoding="utf-8", errors="replace"))
        return "".join(parser.parts), "dom.html (parsed)"
    return "", "none"


def normalise(text: str) -> list[str]:
    """Lines with runs of whitespace (ideographic space too) collapsed; empty lines dropped."""
    return [line for line in (re.sub(r"\s+", " ", raw).strip() for raw in text.splitlines()) if line]


@dataclass(frozen=True)
class TextDiff:
    removed: tuple[str, ...]
    added: tuple[str, ...]
    hunks: tuple[dict[str, Any], ...]  # {"old": [lines], "new": [lines], "old_line", "new_line"}
    sources: tuple[str, str]

    def as_record(self) -> dict[str, Any]:
        return {"removed": list(self.removed), "added": list(self.added),
                "hunks": [dict(h) for h in self.hunks], "lines_removed": len(self.removed),
                "lines_added": len(self.added), "text_sources": list(self.sources)}


def diff_lines(old: list[str], new: list[str], sources: tuple[str, str] = ("", "")) -> TextDiff:
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    hunks, removed, added = [], [], []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        hunks.append({"op": op, "old_line": a1 + 1, "new_line": b1 + 1,
                      "old": old[a1:a2], "new": new[b1:b2]})
        removed += old[a1:a2]
        added += new[b1:b2]
    return TextDiff(tuple(removed), tuple(added), tuple(hunks), sources)


def text_diff(a: Path, b: Path) -> tuple[TextDiff, list[str], list[str]]:
    """The diff of two capture folders, and both normalised line lists."""
    (old, old_source), (new, new_source) = visible_text(a), visible_text(b)
    old_lines, new_lines = normalise(old), normalise(new)
    return diff_lines(old_lines, new_lines, (old_source, new_source)), old_lines, new_lines
