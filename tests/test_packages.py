"""Export → offline verify → import, through the library and the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.config import load_settings
from evidence_capture.manifests.keys import StationKey
from evidence_capture.timestamping.verify import load_tsa_roots
from evidence_capture.packages.verify_pkg import receipt_path, verify_package
from evidence_capture.storage import Store
from evidence_capture.storage.artifacts import file_digests
from tests.conftest import require_or_skip
from tests.fixtures_seal import PASSPHRASE
from tests.fixtures_store import fresh_home, rehashed_package

runner = CliRunner()


def _cli(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def _second_station(tmp_path, monkeypatch) -> Path:
    home = fresh_home(tmp_path, monkeypatch)
    StationKey.create(load_settings().keys_dir, PASSPHRASE)
    return home


def test_export_writes_a_bag_that_bagit_validates_independently(exported_case, tmp_path):
    bagit_py = shutil.which("bagit.py") or str(Path(sys.executable).with_name("bagit.py"))
    require_or_skip(Path(bagit_py).is_file(), "bagit.py is not installed")
    with zipfile.ZipFile(exported_case) as archive:
        archive.extractall(tmp_path / "unzipped")
    bag = tmp_path / "unzipped" / "evidence-CASE-7"
    done = subprocess.run([sys.executable, bagit_py, "--validate", str(bag)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "is valid" in done.stderr
    assert (bag / "manifest-sha256.txt").is_file() and (bag / "manifest-sha512.txt").is_file()
    readme = (bag / "README.txt").read_text("utf-8")
    assert "openssl pkeyutl -verify" in readme and "openssl ts -verify" in readme
    captures = sorted(p.name for p in (bag / "data" / "captures").iterdir())
    assert len(captures) == 2
    for capture_id in captures:
        assert (bag / "data" / "tsa" / capture_id / "1.chain.pem").is_file()
        assert (bag / "data" / "captures" / capture_id / "timestamps" / "1.tsr").is_file()


def test_readme_openssl_commands_verify_the_manifest_signature(exported_case, tmp_path,
                                                               public_key_pem):
    require_or_skip(shutil.which("openssl") is not None, "openssl is not installed")
    with zipfile.ZipFile(exported_case) as archive:
        archive.extractall(tmp_path / "unzipped")
    capture = next((tmp_path / "unzipped" / "evidence-CASE-7" / "data" / "captures").iterdir())
    done = subprocess.run(
        ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(public_key_pem), "-rawin",
         "-in", str(capture / "manifest.json"), "-sigfile", str(capture / "manifest.sig")],
        capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "Signature Verified Successfully" in done.stdout


def test_export_is_recorded_with_the_package_sha256(store, exported_case):
    event = store.custody_log()[-1]
    digest = file_digests(exported_case).sha256
    assert event["type"] == "exported" and event["object"]["digest"] == f"sha256:{digest}"
    receipt = json.loads(receipt_path(exported_case).read_text("utf-8"))
    assert receipt == event


def test_offline_verify_passes_every_check_strictly(exported_case, station_key, tsa_rsa):
    report = verify_package(exported_case, trusted_keys=[station_key.public_key],
                            tsa_roots=load_tsa_roots(tsa_rsa.ca_pem_path), strict=True)
    failing = [c.as_record() for c in report.checks if c.status.value != "pass"]
    assert failing == []
    names = {c.name for c in report.checks}
    assert {"bag", "index.signature", "custody.chain", "custody.signatures", "custody.coverage",
            "custody.export"} <= names
    assert sum(1 for n in names if n.startswith("capture[") and n.endswith("].signature")) == 2


def test_offline_verify_without_a_pinned_key_is_not_a_pass(exported_case, tsa_rsa):
    report = verify_package(exported_case, tsa_roots=load_tsa_roots(tsa_rsa.ca_pem_path))
    statuses = {c.name: c.status.value for c in report.checks}
    assert statuses["custody.signer-trust"] == "not-checked"
    assert not report.ok(strict=True)


def test_forged_export_receipt_fails_the_export_check(exported_case, station_key, tsa_rsa):
    receipt = receipt_path(exported_case)
    event = json.loads(receipt.read_text("utf-8"))
    event["details"]["package_sha256"] = "0" * 64
    receipt.write_text(json.dumps(event), "utf-8")
    report = verify_package(exported_case, trusted_keys=[station_key.public_key],
                            tsa_roots=load_tsa_roots(tsa_rsa.ca_pem_path), strict=True)
    export_check = next(c for c in report.checks if c.name == "custody.export")
    assert export_check.status.value == "fail" and "altered" in export_check.reason


def test_import_into_a_second_station_keeps_history_and_is_idempotent(
        exported_case, public_key_pem, tmp_path, monkeypatch):
    _second_station(tmp_path, monkeypatch)
    result = _cli("import", str(exported_case), "--trust-key", str(public_key_pem), "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["already_imported"] is False and record["key_trusted"] is True
    assert len(record["captures"]) == 2 and record["case_id"] == "CASE-7"
    shown = json.loads(_cli("case", "show", "CASE-7", "--json").output)
    assert [c["origin"] for c in shown["captures"]] == ["imported", "imported"]
    assert {c["status"] for c in shown["captures"]} == {"complete"}
    log = json.loads(_cli("custody", "log", "--json").output)
    imported = [e for e in log if e["type"] == "imported"]
    assert len(imported) == 1
    assert imported[0]["details"]["package_sha256"] == file_digests(exported_case).sha256
    assert imported[0]["details"]["original_custody"]["events"] >= 6
    again = _cli("import", str(exported_case), "--trust-key", str(public_key_pem))
    assert again.exit_code == 0 and "already imported" in again.output
    assert _cli("custody", "verify").exit_code == 0
    assert len(json.loads(_cli("custody", "log", "--json").output)) == len(log)


def test_import_refuses_an_unpinned_signer_unless_accepted_and_recorded(
        exported_case, tmp_path, monkeypatch):
    home = _second_station(tmp_path, monkeypatch)
    refused = _cli("import", str(exported_case))
    assert refused.exit_code == 1
    assert "nothing was imported" in refused.output
    assert Store(load_settings()).list_cases() == []
    assert not any((home / "captures").glob("2*"))
    accepted = _cli("import", str(exported_case), "--accept-untrusted-key", "--json")
    assert accepted.exit_code == 0, accepted.output
    assert json.loads(accepted.output)["key_trusted"] is False
    event = Store(load_settings()).custody_log()[-1]
    assert event["type"] == "imported" and event["details"]["key_trusted"] is False


def test_import_refuses_captures_already_in_the_store(exported_case, public_key_pem, tmp_path):
    copy = tmp_path / "copy.zip"
    shutil.copyfile(exported_case, copy)
    with zipfile.ZipFile(copy, "a") as archive:
        archive.comment = b"a different package, the same files"
    result = _cli("import", str(copy), "--trust-key", str(public_key_pem))
    assert result.exit_code == 2
    assert "already in this store" in result.output


def test_attack_package_custody_event_edited_and_bag_rehashed(
        exported_case, public_key_pem, station_key, tsa_rsa, tmp_path, monkeypatch):
    def forge(data: Path) -> None:
        lines = (data / "custody.jsonl").read_text("utf-8").splitlines()
        event = json.loads(lines[1])
        event["actor"]["name"] = "forger"
        lines[1] = json.dumps(event, ensure_ascii=False)
        (data / "custody.jsonl").write_text("\n".join(lines) + "\n", "utf-8")

    forged = rehashed_package(exported_case, tmp_path / "forged.zip", forge)
    report = verify_package(forged, trusted_keys=[station_key.public_key],
                            tsa_roots=load_tsa_roots(tsa_rsa.ca_pem_path), strict=True)
    assert {c.name: c.status.value for c in report.checks}["custody.events"] == "fail"
    _second_station(tmp_path, monkeypatch)
    result = _cli("import", str(forged), "--trust-key", str(public_key_pem))
    assert result.exit_code == 1 and "custody.events" in result.output
    assert Store(load_settings()).list_cases() == []


def test_attack_package_custody_event_deleted_and_bag_rehashed(
        exported_case, station_key, tsa_rsa, tmp_path):
    def delete(data: Path) -> None:
        lines = (data / "custody.jsonl").read_text("utf-8").splitlines()
        (data / "custody.jsonl").write_text("\n".join(lines[:2] + lines[3:]) + "\n", "utf-8")

    forged = rehashed_package(exported_case, tmp_path / "deleted.zip", delete)
    report = verify_package(forged, trusted_keys=[station_key.public_key],
                            tsa_roots=load_tsa_roots(tsa_rsa.ca_pem_path), strict=True)
    chain = next(c for c in report.checks if c.name == "custody.chain")
    assert chain.status.value == "fail" and "missing" in chain.reason


def test_reexport_after_import_carries_the_original_history(
        exported_case, public_key_pem, station_key, tsa_rsa, tmp_path, monkeypatch):
    """Officer's laptop → bureau → reviewer: the reviewer still sees captured/sealed events."""
    _second_station(tmp_path, monkeypatch)
    assert _cli("import", str(exported_case), "--trust-key", str(public_key_pem)).exit_code == 0
    bureau_key = StationKey.load(load_settings().keys_dir, PASSPHRASE)
    again = tmp_path / "bureau.zip"
    assert _cli("export", "CASE-7", "-o", str(again)).exit_code == 0
    report = verify_package(again, trusted_keys=[station_key.public_key, bureau_key.public_key],
                            tsa_roots=load_tsa_roots(tsa_rsa.ca_pem_path), strict=True)
    statuses = {c.name: c.status.value for c in report.checks}
    assert [n for n, s in statuses.items() if s != "pass"] == []
    assert any(n.startswith("custody.origin[") for n in statuses)


def test_custody_log_origin_shows_the_originating_stations_history(
        exported_case: Path, evidence_home: Path, tmp_path, monkeypatch) -> None:
    """After import, the bureau's log can show the laptop's captured/sealed events too."""
    trust = str(evidence_home / "keys" / "station.pub.pem")
    _second_station(tmp_path, monkeypatch)
    assert _cli("import", str(exported_case), "--trust-key", trust).exit_code == 0
    plain = json.loads(_cli("custody", "log", "CASE-7", "--json").output)
    assert [e["type"] for e in plain] == ["imported"]
    shown = json.loads(_cli("custody", "log", "CASE-7", "--origin", "--json").output)
    (history,) = shown["imported_history"]
    assert history["package_sha256"] == file_digests(exported_case).sha256
    assert {"captured", "sealed", "timestamped", "exported"} <= {e["type"] for e in history["events"]}
    text = _cli("custody", "log", "CASE-7", "--origin").output
    assert "history carried in by package sha256:" in text and "sealed" in text
