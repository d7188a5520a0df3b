"""`evidence case ...` commands: human and --json output, errors and exit codes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from evidence_capture.cli import app
from tests.fixtures_store import new_capture_id

pytestmark = pytest.mark.usefixtures("db_backend")  # SQLite and PostgreSQL
runner = CliRunner()


def _cli(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_case_open_list_show(station_key):
    opened = _cli("case", "open", "SJ-2026-001", "--title", "销售假冒商品",
                  "--subject", "某某旗舰店", "--purpose", "固定证据", "--json")
    assert opened.exit_code == 0, opened.output
    assert json.loads(opened.output)["subject"] == "某某旗舰店"
    listed = _cli("case", "list")
    assert listed.output == "SJ-2026-001  销售假冒商品  [某某旗舰店]  0 capture(s)\n"
    shown = _cli("case", "show", "SJ-2026-001")
    assert "subject: 某某旗舰店   purpose: 固定证据" in shown.output
    assert "captures (0):" in shown.output
    assert _cli("case", "open", "SJ-2026-001", "--title", "again").exit_code == 2


def test_case_show_lists_capture_states(store, stored_capture, dead_owner):
    from evidence_capture.models import CaseInfo

    store.open_case(CaseInfo("C-3", title="t"))
    done = stored_capture("C-3")
    crashed = new_capture_id()
    store.begin_capture(crashed, url="https://shop.test/2", case_id="C-3", owner=dead_owner)
    store.recover_incomplete()
    shown = json.loads(_cli("case", "show", "C-3", "--json").output)
    states = {c["capture_id"]: (c["status"], c["timestamp_state"]) for c in shown["captures"]}
    assert states == {done: ("complete", "granted"), crashed: ("incomplete", "none")}
    text = _cli("case", "show", "C-3").output
    assert "incomplete" in text and "interrupted before completion" in text


def test_unknown_case_is_exit_2():
    result = _cli("case", "show", "NOPE")
    assert result.exit_code == 2 and "no case 'NOPE'" in result.output


def test_writing_commands_need_the_station_key():
    result = _cli("case", "open", "C-1", "--title", "t")
    assert result.exit_code == 2 and "keys init" in result.output


def test_export_refuses_to_overwrite(exported_case):
    result = _cli("export", "CASE-7", "-o", str(exported_case))
    assert result.exit_code == 2 and "already exists" in result.output


def test_export_to_a_missing_folder_is_a_usage_error(exported_case, tmp_path):
    result = _cli("export", "CASE-7", "-o", str(tmp_path / "nowhere" / "case.zip"))
    assert result.exit_code == 2 and "does not exist" in result.output


@pytest.mark.parametrize("case_id", ["../../x", "a/b", "a\\b", "a..b", ".hidden", "a b", "a\tb",
                                     "x" * 65, ""])
def test_attack_path_traversal_case_id_is_refused(case_id, station_key, evidence_home):
    result = _cli("case", "open", case_id, "--title", "t")
    assert result.exit_code == 2 and "invalid case id" in result.output
    assert _cli("case", "list", "--json").output.strip() == "[]"


@pytest.mark.parametrize("case_id", ["沪市监处〔2026〕12号", "（2026）京市监罚字第1号", "SH-2026_001.A"])
def test_real_case_numbers_are_accepted(case_id, station_key):
    assert _cli("case", "open", case_id, "--title", "t").exit_code == 0
    assert _cli("case", "show", case_id, "--json").exit_code == 0


def test_case_rows_from_any_source_refuse_an_unsafe_id():
    """Imports add case rows without CaseInfo: the row itself refuses an unsafe id."""
    from evidence_capture.errors import InputError
    from evidence_capture.storage.models import CaseRow
    from evidence_capture.timeutil import utcnow

    with pytest.raises(InputError, match="invalid case id"):
        CaseRow(case_id="../../etc", title="t", opened_at=utcnow())


def test_attack_export_of_a_legacy_traversal_case_id(store, stored_capture, tmp_path):
    """A case row written before ids were checked never becomes a path outside the bag."""
    from tests.fixtures_services import raw_sql

    raw_sql(store, "INSERT INTO cases VALUES ('../../x', 't', '', '', '2026-01-01 00:00:00+00:00')")
    stored_capture("../../x")
    result = _cli("export", "../../x", "-o", str(tmp_path / "x.zip"))
    assert result.exit_code == 2 and "invalid case id" in result.output
    assert not (tmp_path / "x.zip").exists()
