"""The record prints a change report as its 对比记录 section, and each capture's 亮照 findings (zh and en)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.test_diff_cli import CASE, OFFICERS, changing_shop, first_capture, json_of, recapture, run  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.tsa]


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_record_of_a_change_report_and_of_its_case(changing_shop, first_capture, tmp_path,  # noqa: F811
                                                    monkeypatch) -> None:
    changing_shop.catalogue.set_price("tea", "1,088.00")
    second = recapture(first_capture)
    report = json_of("diff", first_capture["capture_id"], second["capture_id"], *OFFICERS)

    monkeypatch.setenv("EVIDENCE_LANG", "zh")
    printed = json_of("report", report["diff_id"], "-o", str(tmp_path / "diff-zh.pdf"))
    text = pdf_text(tmp_path / "diff-zh.pdf")
    assert "对比记录" in text and report["diff_id"] in text and "已变化" in text
    assert "¥ 1,288.00 → ¥ 1,088.00" in text
    flat = "".join(text.split())
    assert report["a"]["manifest_sha256"][7:40] in flat and report["b"]["manifest_sha256"][7:40] in flat
    assert "亮照检查" in text and "前次提取" in text
    assert "对比记录不含 HTTP 响应" in text  # the not-applicable check's reason, in the reader's language
    assert "holds no HTTP responses" not in text
    assert printed["custody_seq"] is not None
    events = json_of("custody", "log", report["diff_id"])
    assert events[-1]["type"] == "reported" and events[-1]["object"]["kind"] == "diff"

    monkeypatch.setenv("EVIDENCE_LANG", "en")
    assert run("report", CASE, "-o", str(tmp_path / "case-en.pdf")).exit_code == 0
    text = pdf_text(tmp_path / "case-en.pdf")
    assert "Comparison record" in text and "changed" in text and report["diff_id"] in text
    assert "Licence display" in text and "no licence displayed" in text


def test_attack_swapped_visual_excerpt_is_not_printed(changing_shop, first_capture, tmp_path) -> None:  # noqa: F811
    changing_shop.catalogue.set_price("tea", "99.00")
    second = recapture(first_capture)
    report = json_of("diff", first_capture["capture_id"], second["capture_id"], *OFFICERS)
    excerpt = Path(report["folder"]) / report["visual"]["excerpt"]
    excerpt.parent.chmod(0o755)
    excerpt.chmod(0o644)
    excerpt.write_bytes((Path(report["folder"]) / report["visual"]["outlined_b"]).read_bytes())
    result = run("report", report["diff_id"], "-o", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1, result.output
    assert not (tmp_path / "x.pdf").exists()
