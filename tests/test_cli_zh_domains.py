"""With EVIDENCE_LANG=zh, what packages, the store and the custody chain tell an officer is
Chinese: no English sentence (three or more English words in a row outside identifiers,
paths and commands) in errors, hints or check reasons."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.models import CaseInfo
from tests.fixtures_services import drop_append_only, raw_sql
from tests.fixtures_store import rehashed_package

runner = CliRunner()
_WORD = re.compile(r"[A-Za-z]+[,;:.]?")
_IDENTIFIER = re.compile(r"`[^`]*`|\S*[/\\]\S*|\S+\.\S+|\S*_\S*|sha256:\S+|\S*\d\S*|--?\S+")


def english_runs(text: str) -> list[str]:
    """Runs of three or more plain English words; identifiers, paths and `commands` do not count."""
    runs = []
    for line in text.splitlines():
        words = re.sub(r"[^\x00-\x7f]+", " # ", _IDENTIFIER.sub(" # ", line)).split()
        run: list[str] = []
        for word in [*words, "#"]:
            if _WORD.fullmatch(word):
                run.append(word)
                continue
            if len(run) >= 3:
                runs.append(" ".join(run))
            run = []
    return runs


def _zh(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def zh(evidence_home, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("EVIDENCE_LANG", "zh")
    return evidence_home


def test_the_detector_finds_an_english_sentence() -> None:
    assert english_runs("拒绝：entry escapes the package folder") == ["entry escapes the package folder"]
    assert english_runs("请运行 `evidence verify FILE.zip`，custody.signatures：sha256:ab12 ok") == []


def test_attack_zip_slip_refused_in_chinese(zh, store, tmp_path) -> None:
    package = tmp_path / "slip.zip"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("evidence-CASE-7/bagit.txt", b"x")
        archive.writestr("../../escaped.txt", b"pwned")
    result = _zh("import", str(package))
    assert result.exit_code == 2
    assert "zip slip" in result.stderr and "拒绝" in result.stderr
    assert english_runs(result.stderr.replace("zip slip", "")) == [], result.stderr


def test_attack_truncated_zip_refused_in_chinese(zh, store, tmp_path) -> None:
    package = tmp_path / "cut.zip"
    package.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    result = _zh("import", str(package))
    assert result.exit_code == 2 and "不是可读的 zip 文件" in result.stderr
    assert english_runs(result.stderr) == [], result.stderr


def test_tampered_package_check_reasons_in_chinese(zh, exported_case, tmp_path) -> None:
    def edit(data: Path) -> None:
        (data / "planted.txt").write_text("planted")

    forged = rehashed_package(exported_case, tmp_path / "forged.zip", edit)
    result = _zh("verify", str(forged))
    assert result.exit_code == 1, result.output
    assert "未通过" in result.output
    # package-level rows (bag, index, custody, coverage); a capture's own rows come from verify/
    package_rows = "\n".join(line for line in result.output.splitlines() if "capture[" not in line)
    assert "1 个文件不受任何已签名清单或已签名证据包索引保护：data/planted.txt" in package_rows
    assert english_runs(package_rows) == [], english_runs(package_rows)


def test_missing_case_and_capture_in_chinese(zh, store) -> None:
    for args in (("custody", "log", "NOPE"), ("custody", "note", "NOPE", "--text", "x"),
                 ("export", "NOPE", "-o", str(zh / "out.zip"))):
        result = _zh(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "NOPE" in result.stderr and english_runs(result.stderr) == [], result.stderr


def test_attack_edited_custody_row_reported_in_chinese(zh, store) -> None:
    store.open_case(CaseInfo("CASE-1", title="t"))
    for n in range(3):
        store.note("CASE-1", f"note {n}")
    raw_sql(store, drop_append_only(store) + "DELETE FROM custody_events WHERE seq = 2;")
    result = _zh("custody", "verify")
    assert result.exit_code == 1
    assert "缺少第 2..2 号事件" in result.output, result.output
    assert english_runs(result.output) == [], result.output


def test_attack_corrupt_database_file_in_chinese(zh, store) -> None:
    store.open_case(CaseInfo("CASE-1", title="t"))
    database = Path(store.engine.url.database)
    store.engine.dispose()
    database.write_bytes(b"this is not a database " * 200)
    result = _zh("custody", "log")
    assert result.exit_code == 3, result.output
    assert "数据库" in result.stderr and english_runs(result.stderr) == [], result.stderr


def test_failure_reason_of_a_crashed_capture_is_shown_in_chinese(zh, store) -> None:
    from evidence_capture.errors import Msg
    from tests.fixtures_store import new_capture_id

    store.open_case(CaseInfo("CASE-2", title="t"))
    capture_id = new_capture_id()
    store.begin_capture(capture_id, url="http://127.0.0.1/", case_id="CASE-2")
    store.mark_failed(capture_id, Msg("workflow.crashed", kind="RuntimeError"), error="boom: internals")
    assert "unexpected error (RuntimeError)" in store.get_capture(capture_id).failure_reason
    result = _zh("case", "show", "CASE-2")
    assert result.exit_code == 0, result.output
    assert "提取程序意外出错（RuntimeError）" in result.output and "boom" not in result.output
    assert english_runs(result.output) == [], result.output
    note = store.custody_log()[-1]["details"]
    assert note["error"] == "boom: internals" and note["reason"].startswith("the capture stopped")
