"""Real-world pages (Mozilla Readability's corpus, served locally) through the zh CLI.

Two pages in the suite; ``make realworld`` runs all 13 (REALWORLD_ALL=1).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from evidence_capture.config import load_settings
from tests.fixtures_shop import require_chromium
from tests.realworld import ALL_PAGES, english_sentences, run

pytestmark = pytest.mark.browser

SUBSET = ("gmw", "001")  # a Chinese news page and an English blog


def _check(figures) -> None:  # type: ignore[no-untyped-def]
    bad = [r for r in figures.har_reports if not r["valid"]]
    assert not bad, bad
    assert {c["state"] for c in figures.captures} <= {"COMPLETE", "PARTIAL"}
    assert not english_sentences(figures.stderr), english_sentences(figures.stderr)
    assert figures.record.read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_real_pages_capture_valid_hars_and_a_chinese_record(evidence_home, station_key, tsa_config,
                                                          monkeypatch, tmp_path) -> None:
    require_chromium(load_settings())
    monkeypatch.setenv("EVIDENCE_LANG", "zh")
    figures = run(SUBSET, evidence_home, tmp_path / "record.pdf")
    _check(figures)
    assert figures.record_pages < 4 * 2 + 10  # a few pages per capture plus the case pages


@pytest.mark.slow
@pytest.mark.skipif(not os.environ.get("REALWORLD_ALL"), reason="all 13 pages: make realworld")
def test_all_thirteen_real_pages(evidence_home, station_key, tsa_config, monkeypatch,
                                 tmp_path) -> None:
    require_chromium(load_settings())
    monkeypatch.setenv("EVIDENCE_LANG", "zh")
    out = Path(os.environ.get("REALWORLD_OUT") or tmp_path)  # make realworld keeps the record
    out.mkdir(parents=True, exist_ok=True)
    (out / "record.pdf").unlink(missing_ok=True)
    figures = run(ALL_PAGES, evidence_home, out / "record.pdf")
    print(json.dumps(figures.summary(), ensure_ascii=False))
    _check(figures)
    assert figures.record_pages <= 60 and figures.record_bytes <= 8_000_000
