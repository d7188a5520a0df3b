"""Wrap mixed Chinese and English text to a terminal width measured in cells.

Click wraps help at spaces and counts characters, so a Chinese paragraph (no spaces, two cells
a character) runs past the edge.  Here a line may break between any two CJK characters or at a
space, never before closing punctuation (，。）…), and a CJK character counts two cells.
"""

from __future__ import annotations

import re
import unicodedata

_CJK = "\u2e80-\u9fff\u3000-\u303f\uff00-\uffef"
_TOKEN = re.compile(rf"[{_CJK}]|[^\s{_CJK}]+|\s+")
_NO_LINE_START = set("，。、；：！？）》」』】,.;:!?)]…")
_NO_LINE_END = set("（《「『【([")


def cells(text: str) -> int:
    """Terminal cells of ``text`` (a wide or full-width character takes two)."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _cut(line: list[str], token: str) -> int:
    """Where to break ``line`` before ``token``: no closing punctuation starts the next line
    (it takes the word before it along) and no opening bracket ends this one."""
    cut = len(line)
    if token[0] in _NO_LINE_START:
        while cut > 1 and line[cut - 1][0] in _NO_LINE_START:
            cut -= 1
        cut -= 1 if cut > 1 else 0
    while cut > 1 and line[cut - 1] in _NO_LINE_END:
        cut -= 1
    return cut


def wrap_line(text: str, width: int, indent: str = "") -> list[str]:
    """One paragraph as lines of at most ``width`` cells (a single long word may exceed it)."""
    lines: list[str] = []
    line: list[str] = []
    for token in _TOKEN.findall(" ".join(text.split())):
        if token == " " or cells(indent + "".join(line) + token) <= width or not line:
            line.append(token)
            continue
        cut = _cut(line, token)
        lines.append(indent + "".join(line[:cut]).strip())
        line = line[cut:] + [token]
        while line[0] == " ":
            line.pop(0)
    if line:
        lines.append(indent + "".join(line).strip())
    return lines


def wrap_paragraphs(text: str, width: int, indent: str = "") -> str:
    """Paragraphs (split at blank lines) wrapped; one that starts with ``\\b`` is kept as it is."""
    out = []
    for paragraph in re.split(r"\n[ \t]*\n", text.strip("\n")):
        if paragraph.startswith("\b"):
            out.append("\n".join(indent + line for line in paragraph.splitlines()[1:]))
        else:
            out.append("\n".join(wrap_line(paragraph, width, indent)))
    return "\n\n".join(out)
