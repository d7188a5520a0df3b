"""`evidence case ...` commands: human and --json output, errors and exit codes."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from evidence_capture.cli import app
from tests.fixtures_store import new_capture_id

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
