"""Does this station have a font for every script on the page?

Without a CJK font, Chromium draws Chinese text as rows of empty boxes and
the screenshot and PDF are worthless as evidence.  The page's visible text is
sorted into scripts by Unicode range, and ``fc-list :lang=<tag>`` (the same
fontconfig the browser uses, ``FONTCONFIG_FILE`` included) is asked for each
script found.  A script with no font is a finding that makes the capture
PARTIAL.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter

from evidence_capture.capture.environment import finding
from evidence_capture.errors import Msg

# (script name, fontconfig language tag, code point ranges)
SCRIPTS = (
    ("Han", "zh", ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FFFF))),
    ("Kana", "ja", ((0x3040, 0x30FF), (0x31F0, 0x31FF))),
    ("Hangul", "ko", ((0x1100, 0x11FF), (0xAC00, 0xD7AF))),
    ("Arabic", "ar", ((0x0600, 0x06FF), (0x0750, 0x077F))),
    ("Hebrew", "he", ((0x0590, 0x05FF),)),
    ("Thai", "th", ((0x0E00, 0x0E7F),)),
    ("Devanagari", "hi", ((0x0900, 0x097F),)),
    ("Cyrillic", "ru", ((0x0400, 0x04FF),)),
    ("Greek", "el", ((0x0370, 0x03FF),)),
    ("Latin", "en", ((0x0041, 0x005A), (0x0061, 0x007A), (0x00C0, 0x024F))),
)
MIN_CHARACTERS = 3  # a stray symbol is not a page "in" a script

VISIBLE_TEXT_JS = "document.body ? document.body.innerText : ''"


def scripts_in(text: str) -> dict[str, int]:
    """Characters per script in ``text`` (only scripts with at least ``MIN_CHARACTERS``)."""
    counts: Counter[str] = Counter()
    for char in text:
        code = ord(char)
        if code < 0x41:
            continue
        for name, _tag, ranges in SCRIPTS:
            if any(lo <= code <= hi for lo, hi in ranges):
                counts[name] += 1
                break
    return {name: n for name, n in counts.items() if n >= MIN_CHARACTERS}


def fonts_for(tag: str) -> list[str] | None:
    """Font families fontconfig offers for a language tag; None when fc-list is absent."""
    binary = shutil.which("fc-list")
    if binary is None:
        return None
    try:
        done = subprocess.run([binary, f":lang={tag}", "family"], capture_output=True,
                              text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return sorted({line.split(",")[0].strip() for line in done.stdout.splitlines() if line.strip()})


def font_check(scripts: dict[str, int]) -> dict[str, object]:
    """The ``fonts`` record of environment.json, with its finding."""
    tags = {name: tag for name, tag, _ranges in SCRIPTS}
    rows, missing, unknown = [], [], []
    for name, count in sorted(scripts.items(), key=lambda item: -item[1]):
        families = fonts_for(tags[name])
        rows.append({"script": name, "lang": tags[name], "characters": count,
                     "fonts": None if families is None else families[:8],
                     "font_count": None if families is None else len(families)})
        if families is None:
            unknown.append(name)
        elif not families:
            missing.append(name)
    if missing:
        detail = Msg("capture.fonts.missing", scripts=", ".join(f"{n} (:lang={tags[n]})" for n in missing))
    elif unknown:
        detail = Msg("capture.fonts.unknown", scripts=", ".join(unknown))
    elif rows:
        detail = Msg("capture.fonts.ok", scripts=", ".join(r["script"] for r in rows))
    else:
        detail = Msg("capture.fonts.no_text")
    return {"scripts": rows, "missing": missing,
            "finding": finding("fonts", not (missing or unknown), detail)}
