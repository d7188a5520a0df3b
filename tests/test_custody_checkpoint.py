"""Custody checkpoints: an RFC 3161 token over the chain head, so truncation behind it is seen."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.models import CaseInfo
from tests.fixtures_services import drop_append_only, raw_sql

runner = CliRunner()


def _cli(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def _chain(store) -> None:  # type: ignore[no-untyped-def]
    store.open_case(CaseInfo("CASE-1", title="t"))
    for n in range(3):
        store.note("CASE-1", f"note {n}")


def test_checkpoint_then_verify(store, tsa_config, evidence_home) -> None:
    _chain(store)
    taken = _cli("custody", "checkpoint", "--json")
    assert taken.exit_code == 0, taken.output
    record = json.loads(taken.stdout)["checkpoint"]
    assert record["seq"] == 4 and (evidence_home / "checkpoints" / "4.tsr").is_file()
    result = _cli("custody", "verify", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ok"] is True


def test_attack_truncated_log_and_rewritten_head_behind_a_checkpoint(store, tsa_config, evidence_home,
                                                                      tmp_path) -> None:
    _chain(store)
    assert _cli("custody", "checkpoint").exit_code == 0
    held = tmp_path / "held"
    shutil.copytree(evidence_home / "checkpoints", held)  # the reviewer's copy
    last = store.custody_log()[-2]
    raw_sql(store, drop_append_only(store) + "DELETE FROM custody_events WHERE seq = 4;")
    (evidence_home / "custody-head.json").write_text(json.dumps(
        {"seq": last["seq"], "event_hash": last["event_hash"]}))
    result = _cli("custody", "verify", "--json")
    assert result.exit_code == 1
    assert any(p["kind"] == "missing_tail" for p in json.loads(result.stdout)["problems"])
    shutil.rmtree(evidence_home / "checkpoints")  # the attacker deletes the station's copy too
    held_result = _cli("custody", "verify", "--checkpoint", str(held / "4.json"), "--json")
    assert held_result.exit_code == 1 and "missing_tail" in held_result.stdout


def test_attack_forged_checkpoint_token(store, tsa_config, evidence_home) -> None:
    _chain(store)
    assert _cli("custody", "checkpoint").exit_code == 0
    path = evidence_home / "checkpoints" / "4.json"
    record = json.loads(path.read_text())
    record["event_hash"] = "sha256:" + "1" * 64
    path.write_text(json.dumps(record))
    result = _cli("custody", "verify", "--json")
    assert result.exit_code == 1 and "checkpoint" in result.stdout


def test_every_export_takes_a_checkpoint(store, stored_capture, tsa_config, tmp_path) -> None:
    from evidence_capture.config import load_settings
    from evidence_capture.packages.export import export_package
    from evidence_capture.storage import Store

    capture_id = stored_capture()
    configured = Store(load_settings(), signer=store.custody.signer)  # sees EVIDENCE_TSA_URL
    result = export_package(configured, capture_id, tmp_path / "one.zip")
    assert result.checkpoint is not None and result.checkpoint.get("seq") == result.event_seq
    assert _cli("custody", "verify").exit_code == 0


def _checkpoint_at_4_then_two_more(store) -> None:  # type: ignore[no-untyped-def]
    _chain(store)
    assert _cli("custody", "checkpoint").exit_code == 0  # fixes event 4
    store.note("CASE-1", "after the checkpoint")
    store.note("CASE-1", "again")  # the head is event 6: event 4 is inside one signer's run


def test_attack_garbled_signature_of_the_checkpointed_event(store, tsa_config, evidence_home) -> None:
    """The fast path vouches for inner signatures through the head's, but a checkpointed
    event's own signature is checked one by one (``must_check``)."""
    _checkpoint_at_4_then_two_more(store)
    assert _cli("custody", "verify").exit_code == 0
    raw_sql(store, drop_append_only(store) + "UPDATE custody_events SET signature = '"
            + "11" * 64 + "' WHERE seq = 4;")
    result = _cli("custody", "verify", "--json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert [(p["seq"], p["kind"]) for p in problems] == [(4, "bad_signature")]


@pytest.mark.parametrize("seq", [4, 2], ids=["checkpointed", "not-checkpointed"])
def test_attack_edited_event_with_a_checkpoint(store, tsa_config, evidence_home, seq: int) -> None:
    """An edited event is found whether or not it is the checkpointed one."""
    _checkpoint_at_4_then_two_more(store)
    raw_sql(store, drop_append_only(store) + "UPDATE custody_events SET details = "
            f"'{{\"text\":\"forged\"}}' WHERE seq = {seq};")
    result = _cli("custody", "verify", "--json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert problems and problems[0]["seq"] == seq
