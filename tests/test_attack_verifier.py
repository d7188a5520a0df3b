"""Issue 9: a verifier that cannot be fooled.  Each test is one attack from the review,
run without the receipt and without --strict, as a reviewer with a package alone."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import bagit
import pytest
from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.errors import PackageError
from evidence_capture.manifests.seal import TsaConfig, seal_capture
from evidence_capture.packages.safezip import extract_safely
from evidence_capture.timestamping.verify import load_tsa_roots
from evidence_capture.verify.checks import CheckStatus
from evidence_capture.verify.runner import verify_capture

runner = CliRunner()
TOP = "evidence-CASE-7"


def _failed(report) -> set[str]:
    return {check.name for check in report.with_status(CheckStatus.FAIL)}


def _rebuild(source: Path, target: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    """Unpack a real package, let ``edit`` change the bag, re-hash the bag, zip it again."""
    work = target.with_suffix(".d")
    with zipfile.ZipFile(source) as archive:
        archive.extractall(work)
    for path in work.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    edit(work / TOP)
    if (work / TOP / "bagit.txt").exists():
        bagit.Bag(str(work / TOP)).save(manifests=True)  # the attacker re-hashes the bag
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(work.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(work).as_posix())
    return target


def _verify_json(package: Path, *extra: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["verify", str(package), "--json", *extra], catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def sealed_tsa(capture_folder, station_key, tsa_rsa):
    roots = tuple(load_tsa_roots(tsa_rsa.ca_pem_path))
    seal_capture(capture_folder, key=station_key, tsa=TsaConfig(urls=(tsa_rsa.url,), roots=roots))
    return capture_folder, roots


# --- unsigned facts -----------------------------------------------------------------------


def test_attack_forged_token_facts_in_slot_record(sealed_tsa, station_key) -> None:
    folder, roots = sealed_tsa
    record_path = folder / "timestamps" / "1.json"
    record = json.loads(record_path.read_text("utf-8"))
    record.update(tsa_name="CFCA Time Stamping Authority", gen_time="2026-05-01T00:00:00Z",
                  serial="1", policy_oid="1.2.156.1", dev_tsa=False)
    record_path.write_text(json.dumps(record), "utf-8")
    report = verify_capture(folder, trusted_keys=[station_key.public_key], tsa_roots=roots)
    assert not report.ok()
    reason = report.get("timestamp:1").reason
    assert report.get("timestamp:1").status is CheckStatus.FAIL
    assert "CFCA" in reason and "gen_time" in reason and "dev_tsa" in reason


def test_attack_request_file_swapped(sealed_tsa, station_key) -> None:
    folder, roots = sealed_tsa
    (folder / "timestamps" / "1.tsq").write_bytes(b"0\x00")
    report = verify_capture(folder, trusted_keys=[station_key.public_key], tsa_roots=roots)
    assert _failed(report) == {"artifacts.unlisted"}
    assert "timestamps/1.tsq" in report.get("artifacts.unlisted").reason


def test_attack_shipped_signer_key_replaced(sealed_tsa, station_key, other_key) -> None:
    folder, roots = sealed_tsa
    (folder / "signer.pub.pem").write_bytes(other_key.public_pem)
    report = verify_capture(folder, trusted_keys=[station_key.public_key], tsa_roots=roots)
    assert _failed(report) == {"artifacts.unlisted"}
    assert "signer.pub.pem" in report.get("artifacts.unlisted").reason


# --- special files and resources in a loose folder ----------------------------------------


def test_attack_fifo_as_slot_record(sealed_tsa, station_key) -> None:
    folder, roots = sealed_tsa
    (folder / "timestamps" / "1.json").unlink()
    os.mkfifo(folder / "timestamps" / "1.json")  # a reader that opens it would block forever
    report = verify_capture(folder, trusted_keys=[station_key.public_key], tsa_roots=roots)
    assert report.get("files.regular").status is CheckStatus.FAIL
    assert "timestamps/1.json" in report.get("files.regular").reason


def test_attack_signer_key_pointing_at_dev_zero(sealed_tsa, station_key) -> None:
    folder, roots = sealed_tsa
    (folder / "signer.pub.pem").unlink()
    (folder / "signer.pub.pem").symlink_to("/dev/zero")
    report = verify_capture(folder, trusted_keys=[], tsa_roots=roots)
    assert report.get("files.regular").status is CheckStatus.FAIL
    assert not report.ok()


def test_attack_deeply_nested_manifest(sealed_tsa, station_key) -> None:
    folder, roots = sealed_tsa
    (folder / "manifest.json").write_bytes(b"[" * 200_000 + b"]" * 200_000)
    report = verify_capture(folder, trusted_keys=[station_key.public_key], tsa_roots=roots)
    assert report.get("manifest.parse").status is CheckStatus.FAIL
    assert "deeper" in report.get("manifest.parse").reason


# --- packages: structure, unlisted bytes, verdicts ----------------------------------------


def test_attack_capture_folder_replaced_by_a_file(exported_case, tmp_path, station_key) -> None:
    def flatten(bag: Path) -> None:
        folder = next((bag / "data" / "captures").iterdir())
        for path in sorted(folder.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        folder.rmdir()
        folder.write_bytes(b"not a folder")

    code, record = _verify_json(_rebuild(exported_case, tmp_path / "flat.zip", flatten))
    assert code == 1 and record["result"] == "fail"
    failed = {c["name"] for c in record["checks"] if c["status"] == "fail"}
    assert any(name.startswith("capture[") and name.endswith("]") for name in failed), failed


def test_attack_fetch_txt(exported_case, tmp_path) -> None:
    def add_fetch(bag: Path) -> None:
        (bag / "fetch.txt").write_text("https://example.invalid/x 5 data/x\n", "utf-8")

    result = runner.invoke(app, ["verify", str(_rebuild(exported_case, tmp_path / "f.zip", add_fetch)),
                                 "--json"], catch_exceptions=False)
    assert result.exit_code == 2
    assert json.loads(result.stdout)["result"] == "refused"
    assert "fetch.txt" in result.stdout


def test_attack_flipped_artifact_byte_is_a_verdict(exported_case, tmp_path, caplog) -> None:
    """No re-hash: the bag's own checksums catch it, one FAIL row naming the file, exit 1."""
    work = tmp_path / "w"
    with zipfile.ZipFile(exported_case) as archive:
        archive.extractall(work)
    shot = next(work.rglob("screenshot.png"))
    data = bytearray(shot.read_bytes())
    data[len(data) // 2] ^= 0x01
    shot.chmod(0o644)
    shot.write_bytes(bytes(data))
    package = tmp_path / "flip.zip"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(work.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(work).as_posix())
    code, record = _verify_json(package)
    assert code == 1 and record["result"] == "fail"
    rows = [c for c in record["checks"] if c["status"] == "fail" and c["name"].startswith("bag:")]
    assert [row["name"] for row in rows] == [f"bag:data/captures/{shot.parent.name}/screenshot.png"]
    text = runner.invoke(app, ["verify", str(package)], catch_exceptions=False)
    assert text.exit_code == 1 and "screenshot.png" in text.output
    assert "validation failed" not in text.output + text.stderr  # no bagit log line
    assert not [r for r in caplog.records if r.name == "bagit"]


def test_attack_many_small_compressible_entries(tmp_path) -> None:
    package = tmp_path / "many.zip"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(64):
            archive.writestr(f"{TOP}/data/{number}.bin", bytes(1 << 20))
    dest = tmp_path / "out"
    dest.mkdir()
    with pytest.raises(PackageError, match="in all"):
        extract_safely(package, dest)
    assert list(dest.iterdir()) == []  # refused before a single byte was written


def _edit_custody(bag: Path, change) -> None:  # type: ignore[no-untyped-def]
    path = bag / "data" / "custody.jsonl"
    lines = change([json.loads(line) for line in path.read_text("utf-8").splitlines()])
    path.write_text("".join(json.dumps(r) + "\n" for r in lines), "utf-8")


def _failed_names(package: Path) -> tuple[int, set[str], dict]:
    code, record = _verify_json(package)
    return code, {c["name"] for c in record["checks"] if c["status"] == "fail"}, record


@pytest.mark.parametrize("edit", ["readme", "bag_info", "extra_data", "key", "tsa_chain"])
def test_attack_unlisted_bytes_in_a_rehashed_bag(exported_case, tmp_path, edit) -> None:
    def change(bag: Path) -> None:
        if edit == "readme":
            (bag / "README.txt").write_text("No need to check anything: all is verified.\n")
        elif edit == "bag_info":
            with (bag / "bag-info.txt").open("a") as handle:
                handle.write("Internal-Sender-Description: verified by the bureau\n")
        elif edit == "extra_data":
            (bag / "data" / "note.txt").write_text("planted")
        elif edit == "key":
            key = next((bag / "data" / "keys").glob("*.pem"))
            key.write_bytes(key.read_bytes() + b"\n")
        else:
            chain = next((bag / "data" / "tsa").rglob("*.chain.pem"))
            chain.write_bytes(chain.read_bytes() + b"\n")

    code, failed, record = _failed_names(_rebuild(exported_case, tmp_path / f"{edit}.zip", change))
    assert code == 1 and record["result"] == "fail"
    assert "artifacts.unlisted" in failed, failed


def test_attack_events_of_this_case_turned_into_redacted_stubs(exported_case, tmp_path) -> None:
    from evidence_capture.packages.layout import redact

    def stub(bag: Path) -> None:
        _edit_custody(bag, lambda lines: [redact(r) if r.get("type") == "timestamped" else r
                                          for r in lines])

    code, failed, _ = _failed_names(_rebuild(exported_case, tmp_path / "stub.zip", stub))
    assert code == 1 and "custody.redaction" in failed, failed


def test_attack_token_deleted_while_its_event_remains(exported_case, tmp_path) -> None:
    def drop(bag: Path) -> None:
        slots = next((bag / "data" / "captures").iterdir()) / "timestamps"
        for path in slots.glob("1.*"):
            path.unlink()

    code, failed, _ = _failed_names(_rebuild(exported_case, tmp_path / "drop.zip", drop))
    assert code == 1 and "custody.timestamps" in failed, failed


def test_attack_redacted_stub_carrying_an_imported_link(exported_case, tmp_path) -> None:
    """A stub's content is covered by no hash: an origin link must never be read from one."""
    from evidence_capture.packages.layout import redact

    def smuggle(bag: Path) -> None:
        _edit_custody(bag, lambda lines: [{**redact(lines[0]), "type": "imported",
                                           "details": {"package_sha256": "0" * 64}}, *lines[1:]])
        (bag / "data" / "custody-origin").mkdir()
        (bag / "data" / "custody-origin" / ("0" * 64 + ".jsonl")).write_text("")

    code, failed, _ = _failed_names(_rebuild(exported_case, tmp_path / "smuggle.zip", smuggle))
    assert code == 1 and "custody.format" in failed, failed


def test_attack_object_is_a_string_in_a_custody_event(exported_case, tmp_path) -> None:
    def confuse(bag: Path) -> None:
        _edit_custody(bag, lambda lines: [*lines[:-1], {**lines[-1], "object": "x"}])

    code, failed, _ = _failed_names(_rebuild(exported_case, tmp_path / "object.zip", confuse))
    assert code == 1 and "custody.format" in failed, failed


# --- report prints only verified facts ------------------------------------------------------


def test_attack_report_on_package_with_forged_slot_records(exported_case, tmp_path, public_key_pem,
                                                          tsa_rsa) -> None:
    def forge(bag: Path) -> None:
        for path in (bag / "data" / "captures").rglob("timestamps/*.json"):
            record = json.loads(path.read_text("utf-8"))
            record.update(tsa_name="CFCA", gen_time="2026-05-01T00:00:00Z", dev_tsa=False)
            path.write_text(json.dumps(record), "utf-8")

    package = _rebuild(exported_case, tmp_path / "cfca.zip", forge)
    out = tmp_path / "record.pdf"
    result = runner.invoke(app, ["report", str(package), "-o", str(out), "--trust-key",
                                 str(public_key_pem), "--tsa-ca", str(tsa_rsa.ca_pem_path)],
                           catch_exceptions=False)
    assert result.exit_code == 1 and not out.exists()
    assert "timestamp:1" in result.output


def test_attack_report_ignores_the_receipt_beside_the_package(exported_case, tmp_path, public_key_pem,
                                                             tsa_rsa) -> None:
    """The receipt records the genuine zip's SHA-256: a changed zip beside it must not print."""
    changed = tmp_path / "case.zip"
    with zipfile.ZipFile(exported_case) as source, zipfile.ZipFile(changed, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.comment = b"same files, other bytes"
    receipt = exported_case.with_name(exported_case.name + ".export-event.json")
    (tmp_path / "case.zip.export-event.json").write_bytes(receipt.read_bytes())
    out = tmp_path / "record.pdf"
    result = runner.invoke(app, ["report", str(changed), "-o", str(out), "--trust-key",
                                 str(public_key_pem), "--tsa-ca", str(tsa_rsa.ca_pem_path)],
                           catch_exceptions=False)
    assert result.exit_code == 1 and not out.exists()
    assert "custody.export" in result.output


def test_report_token_facts_come_from_the_token(sealed_tsa) -> None:
    from evidence_capture.report.sources import read_timestamps

    folder, _ = sealed_tsa
    path = folder / "timestamps" / "1.json"
    genuine = json.loads(path.read_text("utf-8"))
    path.write_text(json.dumps({**genuine, "tsa_name": "CFCA", "serial": "1"}), "utf-8")
    row = read_timestamps(folder)[0]
    assert row.tsa_name == genuine["tsa_name"] and row.serial == genuine["serial"]


def test_attack_a_flipped_byte_in_any_file_is_a_verdict_naming_it(exported_case, tmp_path) -> None:
    """Every file of the bag in turn, one bit flipped, nothing re-hashed: exit 1, file named."""
    work = tmp_path / "w"
    with zipfile.ZipFile(exported_case) as archive:
        archive.extractall(work)
    files = [p for p in sorted((work / TOP).rglob("*")) if p.is_file()]
    outcomes = {}
    for number, path in enumerate(files):
        original = path.read_bytes()
        data = bytearray(original)
        data[len(data) // 2] ^= 0x04
        path.chmod(0o644)
        path.write_bytes(bytes(data))
        package = tmp_path / f"flip{number}.zip"
        with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
            for item in sorted(work.rglob("*")):
                if item.is_file():
                    archive.write(item, item.relative_to(work).as_posix())
        path.write_bytes(original)
        result = runner.invoke(app, ["verify", str(package), "--json"], catch_exceptions=False)
        record = json.loads(result.stdout)
        outcomes[path.relative_to(work / TOP).as_posix()] = (result.exit_code, path.name in result.stdout,
                                                            record.get("result"))
        package.unlink()
    wrong = {name: got for name, got in outcomes.items() if got[:2] != (1, True) or got[2] != "fail"}
    assert not wrong, wrong
