"""CLI: keys init / export-public, seal, verify (exit codes 0, 1, 2; --json; --strict; --trust-key)."""

from __future__ import annotations

import json
import stat

from typer.testing import CliRunner

from evidence_capture.cli import app
from tests.fixtures_seal import PASSPHRASE


def _run(*args: str, **kwargs):
    return CliRunner().invoke(app, list(args), catch_exceptions=False, **kwargs)


def test_keys_init_prints_public_key_and_fingerprint(evidence_home, monkeypatch) -> None:
    monkeypatch.setenv("EVIDENCE_KEY_PASSPHRASE", PASSPHRASE)
    result = _run("keys", "init")
    assert result.exit_code == 0, result.output
    assert "BEGIN PUBLIC KEY" in result.output and "fingerprint: sha256:" in result.output
    key_file = evidence_home / "keys" / "station.key.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert _run("keys", "init").exit_code == 2  # never overwritten


def test_keys_init_prompts_for_passphrase(evidence_home) -> None:
    result = _run("keys", "init", "--json", input="pw1\npw1\n")
    assert result.exit_code == 0
    assert json.loads(result.stdout[result.stdout.index("{"):])["fingerprint"].startswith("sha256:")


def test_keys_export_public(station_key, tmp_path) -> None:
    result = _run("keys", "export-public")
    assert result.exit_code == 0 and result.output.encode() == station_key.public_pem
    assert _run("keys", "export-public", "-o", str(tmp_path / "pub.pem")).exit_code == 0
    assert (tmp_path / "pub.pem").read_bytes() == station_key.public_pem


def test_keys_export_public_without_key_is_input_error(evidence_home) -> None:
    assert _run("keys", "export-public").exit_code == 2


def test_attack_keys_export_public_overwrites_a_file(station_key, tmp_path) -> None:
    """Exporting the public key over an existing file (e.g. a pinned reviewer key) is refused."""
    pinned = tmp_path / "pinned.pub.pem"
    pinned.write_bytes(b"the reviewer's pinned key")
    result = _run("keys", "export-public", "-o", str(pinned))
    assert result.exit_code == 2 and "already exists" in result.output
    assert pinned.read_bytes() == b"the reviewer's pinned key"


def test_keys_export_public_to_a_bad_path_is_a_usage_error(station_key, tmp_path) -> None:
    for bad in (tmp_path, tmp_path / "nowhere" / "pub.pem"):
        assert _run("keys", "export-public", "-o", str(bad)).exit_code == 2


def test_seal_then_verify_by_capture_id(capture_folder, station_key) -> None:
    sealed = _run("seal", capture_folder.name, "--json")
    assert sealed.exit_code == 4, sealed.output
    assert json.loads(sealed.stdout)["state"] == "timestamp-pending"  # no TSA configured
    result = _run("verify", capture_folder.name)
    assert result.exit_code == 0, result.output
    assert "PASS        signature" in result.output and "NOT-CHECKED timestamps" in result.output
    assert _run("verify", capture_folder.name, "--strict").exit_code == 1


def test_verify_json_and_tamper_exit_code(capture_folder, station_key) -> None:
    assert _run("seal", str(capture_folder)).exit_code == 4
    (capture_folder / "page.pdf").write_bytes(b"%PDF-forged")
    result = _run("verify", str(capture_folder), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    failed = {check["name"] for check in report["checks"] if check["status"] == "fail"}
    assert failed == {"artifact:page.pdf"} and report["ok"] is False


def test_verify_on_another_machine_needs_pinned_key(capture_folder, station_key, tmp_path) -> None:
    assert _run("seal", str(capture_folder)).exit_code == 4
    pinned = tmp_path / "station.pub.pem"
    pinned.write_bytes(station_key.public_pem)
    (station_key.path.parent / "station.pub.pem").unlink()  # the reviewer's machine has no station key
    (station_key.path).unlink()
    assert "not trusted" in _run("verify", str(capture_folder)).output
    assert _run("verify", str(capture_folder), "--strict").exit_code == 1
    pinned_run = _run("verify", str(capture_folder), "--trust-key", str(pinned))
    assert pinned_run.exit_code == 0 and "trusted key sha256:" in pinned_run.output


def test_verify_bad_input_exit_2(evidence_home, tmp_path) -> None:
    assert _run("verify", str(tmp_path / "nope")).exit_code == 2
    assert _run("verify", "20260101T000000Z-deadbeef").exit_code == 2
    (tmp_path / "x.zip").write_bytes(b"PK")
    assert _run("verify", str(tmp_path / "x.zip")).exit_code == 2
    (tmp_path / "bad.pem").write_text("nope")
    (tmp_path / "cap").mkdir()
    assert _run("verify", str(tmp_path / "cap"), "--trust-key", str(tmp_path / "bad.pem")).exit_code == 2
    assert _run("verify", str(tmp_path / "cap"), "--tsa-ca", str(tmp_path / "bad.pem")).exit_code == 2


def test_seal_twice_is_refused(capture_folder, station_key) -> None:
    assert _run("seal", str(capture_folder)).exit_code == 4
    assert _run("seal", str(capture_folder)).exit_code == 2


def test_seal_wrong_passphrase_is_operational_error(capture_folder, station_key, monkeypatch) -> None:
    monkeypatch.setenv("EVIDENCE_KEY_PASSPHRASE", "wrong")
    result = _run("seal", str(capture_folder))
    assert result.exit_code == 3 and "cannot unlock" in result.output
    assert not (capture_folder / "manifest.json").exists()


def test_timestamp_without_pending_or_subcommand_is_usage_error(evidence_home) -> None:
    assert _run("timestamp", "--json").exit_code == 2


def test_timestamp_pending_with_nothing_pending(station_key, monkeypatch) -> None:
    monkeypatch.setenv("EVIDENCE_TSA_URL", "http://127.0.0.1:9/tsa")
    result = _run("timestamp", "pending")
    assert result.exit_code == 0 and "no timestamp-pending captures" in result.output


def test_attack_forged_capture_resigned_with_a_shipped_key_is_not_verified(
        capture_folder, other_key) -> None:
    """Edited, re-hashed, re-signed by a key shipped as signer.pub.pem, tokens gone, nothing pinned."""
    from evidence_capture.manifests.seal import TsaConfig, seal_capture

    (capture_folder / "dom.html").write_text("<html>forged price</html>", "utf-8")
    seal_capture(capture_folder, key=other_key, tsa=TsaConfig())
    for strict in ((), ("--strict",)):
        result = _run("verify", str(capture_folder), *strict)
        assert result.exit_code == 1, result.output
        assert "NOT-CHECKED signature" in result.output
        assert "NOT VERIFIED (the signer key is not trusted: pin it with --trust-key)" in result.output
    report = json.loads(_run("verify", str(capture_folder), "--json").stdout)
    assert report["ok"] is False


def test_attack_naive_time_in_resigned_manifest_is_a_parse_failure(capture_folder, station_key) -> None:
    from evidence_capture.manifests.canonical import canonical_bytes, parse_canonical

    assert _run("seal", str(capture_folder)).exit_code == 4
    record = parse_canonical((capture_folder / "manifest.json").read_bytes())
    record["ended_at"] = "2026-11-29T03:16:30"
    (capture_folder / "manifest.json").chmod(0o644)
    (capture_folder / "manifest.json").write_bytes(canonical_bytes(record))
    result = _run("verify", str(capture_folder))
    assert result.exit_code == 1, result.output
    assert "FAIL        manifest.parse" in result.output and "ended_at" in result.output


def test_verify_a_directory_that_is_not_a_capture_is_an_input_error(tmp_path, evidence_home) -> None:
    (tmp_path / "holiday").mkdir()
    (tmp_path / "holiday" / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    result = _run("verify", str(tmp_path / "holiday"))
    assert result.exit_code == 2, result.output
    assert "not a capture folder" in result.output
