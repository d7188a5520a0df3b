"""Every catalog key the code uses exists in zh and en, the zh text is Chinese, and both
languages take the same parameters (a missing placeholder would raise, an extra one drop a value)."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from evidence_capture.i18n import _CATALOG

PACKAGE = Path(__file__).parent.parent / "evidence_capture"
_KEY = re.compile(r'\bMsg\(\s*"([a-z0-9_.\-]+)"')
# CJK ideographs, and the full-width punctuation that a pure separator entry ("{a}；{b}") uses
_CHINESE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")


def _used_keys() -> dict[str, str]:
    used = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for key in _KEY.findall(path.read_text(encoding="utf-8")):
            used.setdefault(key, str(path.relative_to(PACKAGE)))
    return used


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_msg_key_in_the_code_has_both_languages() -> None:
    used = _used_keys()
    missing = sorted(f"{key} ({where})" for key, where in used.items() if key not in _CATALOG)
    assert len(used) > 200 and not missing, missing
    empty = sorted(key for key in used if not all(_CATALOG[key]))
    assert not empty, empty


@pytest.mark.parametrize("key", sorted(_used_keys()))
def test_zh_text_is_chinese_with_the_same_placeholders(key: str) -> None:
    zh, en = _CATALOG[key]
    bare = re.sub(r"\{[^{}]*\}", "", zh)  # a pure pass-through ("{detail}") has nothing to translate
    assert _CHINESE.search(zh) or not re.search(r"[A-Za-z]", bare), (key, zh)
    assert _fields(zh) == _fields(en), (key, zh, en)


def test_every_catalog_entry_has_matching_placeholders() -> None:
    wrong = sorted(key for key, (zh, en) in _CATALOG.items() if _fields(zh) != _fields(en))
    assert not wrong, wrong
