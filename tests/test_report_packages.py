"""Extraction-record PDFs in export packages: export, offline verify, import.

The PDF is a real record printed by ``evidence report`` from a stored,
sealed, timestamped capture (real Chromium), so its SHA-256 is in the
store's custody chain as a ``reported`` event.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.config import load_settings
from evidence_capture.manifests.keys import StationKey
from evidence_capture.timestamping.verify import load_tsa_roots
from evidence_capture.models import CaseInfo
from evidence_capture.packages.verify_pkg import verify_package
from evidence_capture.storage import Store
from tests.conftest import require_or_skip
from tests.fixtures_seal import PASSPHRASE
from tests.fixtures_store import fresh_home, rehashed_package

pytestmark = [pytest.mark.browser, pytest.mark.tsa]

CASE_ID = "CASE-9"


def _cli(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def recorded_pdf(store, stored_capture, tmp_path) -> Path:
    """A case with one capture and its extraction record printed (and recorded) via the CLI."""
    require_or_skip(Path(load_settings().chromium).exists(), "Chromium is not installed")
    store.open_case(CaseInfo(CASE_ID, title="价格欺诈", subject="某某专营店"))
    stored_capture(CASE_ID)
    out = tmp_path / "record.pdf"
    printed = _cli("report", CASE_ID, "-o", str(out), "--lang", "en", "--json")
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout)["custody_seq"] == store.custody_log()[-1]["seq"]
    return out


def _export(target: str, out: Path, *pdfs: Path):  # type: ignore[no-untyped-def]
    flags = [arg for pdf in pdfs for arg in ("--report", str(pdf))]
    return _cli("export", target, "-o", str(out), *flags, "--json")


def _statuses(zip_path: Path, station_key, tsa_rsa) -> dict[str, str]:  # type: ignore[no-untyped-def]
    report = verify_package(zip_path, trusted_keys=[station_key.public_key],
                            tsa_roots=load_tsa_roots(tsa_rsa.ca_pem_path), strict=True)
    return {check.name: check.status.value for check in report.checks}


def test_report_pdf_round_trips_through_export_verify_and_import(
        recorded_pdf, station_key, tsa_rsa, public_key_pem, tmp_path, monkeypatch):
    digest = hashlib.sha256(recorded_pdf.read_bytes()).hexdigest()
    package = tmp_path / "case.zip"
    exported = _export(CASE_ID, package, recorded_pdf)
    assert exported.exit_code == 0, exported.output
    listed = json.loads(exported.stdout)["reports"]
    assert [(r["name"], r["path"], r["sha256"]) for r in listed] == [
        ("record.pdf", "reports/record.pdf", digest)]
    with zipfile.ZipFile(package) as archive:
        assert archive.read(f"evidence-{CASE_ID}/data/reports/record.pdf") == recorded_pdf.read_bytes()
        index = json.loads(archive.read(f"evidence-{CASE_ID}/data/package.json"))
        readme = archive.read(f"evidence-{CASE_ID}/README.txt").decode()
    assert index["reports"][0]["sha256"] == digest
    assert index["reports"][0]["object"] == {"kind": "case", "id": CASE_ID, "digest": f"sha256:{digest}"}
    assert "data/reports/" in readme
    statuses = _statuses(package, station_key, tsa_rsa)
    assert statuses["report[record.pdf]"] == "pass" and statuses["index.reports"] == "pass"
    assert set(statuses.values()) == {"pass"}
    verified = _cli("verify", str(package), "--trust-key", str(public_key_pem), "--json")
    assert verified.exit_code == 0, verified.output

    fresh_home(tmp_path, monkeypatch)
    StationKey.create(load_settings().keys_dir, PASSPHRASE)
    imported = _cli("import", str(package), "--trust-key", str(public_key_pem), "--json")
    assert imported.exit_code == 0, imported.output
    kept = load_settings().home / "reports" / CASE_ID / "record.pdf"
    assert kept.read_bytes() == recorded_pdf.read_bytes()
    expected = [{"name": "record.pdf", "sha256": digest, "path": str(kept)}]
    assert json.loads(imported.stdout)["reports"] == expected
    event = Store(load_settings()).custody_log()[-1]
    assert event["type"] == "imported" and event["details"]["reports"] == expected


def test_unverified_report_without_pinned_key_is_not_a_pass(recorded_pdf, tsa_rsa, tmp_path):
    package = tmp_path / "case.zip"
    assert _export(CASE_ID, package, recorded_pdf).exit_code == 0
    report = verify_package(package, tsa_roots=load_tsa_roots(tsa_rsa.ca_pem_path))
    check = next(c for c in report.checks if c.name == "report[record.pdf]")
    assert check.status.value == "not-checked" and "not pinned" in check.reason


def test_attack_report_pdf_altered_after_it_was_recorded(
        recorded_pdf, station_key, tsa_rsa, public_key_pem, tmp_path, monkeypatch):
    package = tmp_path / "case.zip"
    assert _export(CASE_ID, package, recorded_pdf).exit_code == 0
    altered = tmp_path / "altered" / "record.pdf"
    altered.parent.mkdir()
    altered.write_bytes(recorded_pdf.read_bytes().replace(b"/Producer", b"/Producex", 1))
    assert altered.read_bytes() != recorded_pdf.read_bytes()

    refused = _export(CASE_ID, tmp_path / "refused.zip", altered)
    assert refused.exit_code == 2
    assert "no `reported` custody event" in refused.output
    assert not (tmp_path / "refused.zip").exists()

    def swap(data: Path) -> None:  # replace the PDF in the bag and fix package.json to match
        shutil.copyfile(altered, data / "reports" / "record.pdf")
        index = json.loads((data / "package.json").read_text("utf-8"))
        index["reports"][0]["sha256"] = hashlib.sha256(altered.read_bytes()).hexdigest()
        (data / "package.json").write_text(json.dumps(index), "utf-8")

    forged = rehashed_package(package, tmp_path / "forged.zip", swap)
    statuses = _statuses(forged, station_key, tsa_rsa)
    assert statuses["bag"] == "pass" and statuses["report[record.pdf]"] == "fail"
    fresh_home(tmp_path, monkeypatch)
    StationKey.create(load_settings().keys_dir, PASSPHRASE)
    result = _cli("import", str(forged), "--trust-key", str(public_key_pem))
    assert result.exit_code == 1 and "report[record.pdf]" in result.output
    assert not (load_settings().home / "reports").exists()
    assert Store(load_settings()).list_cases() == []


def test_unrecorded_pdf_is_refused_at_export(recorded_pdf, store, stored_capture, tmp_path):
    other = stored_capture(CASE_ID)  # a capture of the same case: the record is the case's
    unrecorded = tmp_path / "unrecorded.pdf"
    unrecorded.write_bytes(b"%PDF-1.4\n% an extraction record nobody printed here\n%%EOF\n")
    before = len(store.custody_log())
    for target, pdf in ((CASE_ID, unrecorded), (other, recorded_pdf)):
        result = _export(target, tmp_path / "out.zip", pdf)
        assert result.exit_code == 2, result.output
        assert not (tmp_path / "out.zip").exists()
    assert "recorded for CASE-9, not for this export" in result.output
    assert len(store.custody_log()) == before  # no export event either


def test_unlisted_file_in_data_reports_is_flagged(recorded_pdf, station_key, tsa_rsa, tmp_path):
    package = tmp_path / "case.zip"
    assert _export(CASE_ID, package).exit_code == 0

    def slip_in(data: Path) -> None:
        (data / "reports").mkdir()
        shutil.copyfile(recorded_pdf, data / "reports" / "record.pdf")

    forged = rehashed_package(package, tmp_path / "unlisted.zip", slip_in)
    statuses = _statuses(forged, station_key, tsa_rsa)
    assert statuses["bag"] == "pass"
    assert statuses["index.reports"] == "fail"
    assert not any(name.startswith("report[") for name in statuses)
