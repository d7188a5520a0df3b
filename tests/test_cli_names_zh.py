"""Capture steps, custody event types and note actions are shown in the reader's language."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from evidence_capture.capture.engine import STEPS
from evidence_capture.cli import app
from evidence_capture.i18n import keys, message
from evidence_capture.storage.chain import EVENT_TYPES
from evidence_capture.storage.store import FAILED, INCOMPLETE
from evidence_capture.patrol.jobs import ITEM_STATES

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_step_event_type_and_action_has_a_chinese_name() -> None:
    names = [f"step.{step.name}" for step in STEPS] + [f"custody.type.{kind}" for kind in EVENT_TYPES]
    names += [f"custody.action.capture-{status}" for status in (FAILED, INCOMPLETE)]
    names += [f"custody.action.patrol-item-{state}" for state in ITEM_STATES]
    names += ["custody.action.case-opened", "custody.action.patrol-created", "custody.action.change-report"]
    missing = sorted(set(names) - set(keys()))
    assert not missing
    assert all(CJK.search(message(name, "zh")) for name in names)


@pytest.mark.parametrize("lang,line", [
    ("zh", r"^ +1  \S+  备注 +案件 SJ-2026-100  .+ 立案$"),
    ("en", r"^ +1  \S+  note +case SJ-2026-100  .+ case-opened$"),
])
def test_custody_log_names_the_event_and_action_in_the_readers_language(station_key, monkeypatch,
                                                                         lang: str, line: str) -> None:
    monkeypatch.setenv("EVIDENCE_LANG", lang)
    runner = CliRunner()
    assert runner.invoke(app, ["case", "open", "SJ-2026-100", "--title", "t"]).exit_code == 0
    result = runner.invoke(app, ["custody", "log", "SJ-2026-100"], catch_exceptions=False)
    assert result.exit_code == 0 and re.search(line, result.stdout, re.M), result.stdout
