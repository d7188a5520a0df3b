"""``evidence report``: the CLI over a capture folder and a capture id."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.config import load_settings
from tests.conftest import require_or_skip
from tests.fixtures_report import CAPTURE_ID, make_sealed_capture


@pytest.mark.browser
def test_report_command_by_capture_id_json(evidence_home: Path, tmp_path: Path) -> None:
    require_or_skip(Path(load_settings().chromium).exists(), "Chromium is not installed")
    make_sealed_capture(evidence_home / "captures" / CAPTURE_ID, height=2_000)
    out = tmp_path / "record.pdf"
    result = CliRunner().invoke(app, ["report", CAPTURE_ID, "-o", str(out), "--lang", "en", "--json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["sha256"] == "sha256:" + hashlib.sha256(out.read_bytes()).hexdigest()
    assert report["captures"] == [CAPTURE_ID]
    # 2,000 px: one sheet, its 202 px tail printed on it rather than on a sheet of its own
    assert report["lang"] == "en" and report["screenshot_pages"] == 1
    assert out.read_bytes().startswith(b"%PDF-")


def test_report_command_unknown_target_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", "no-such-capture", "-o", str(tmp_path / "x.pdf")],
                                catch_exceptions=False)
    assert result.exit_code == 2
    assert "no-such-capture" in result.output


def test_report_command_refuses_an_unknown_language(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", str(tmp_path), "-o", str(tmp_path / "x.pdf"),
                                      "--lang", "fr"], catch_exceptions=False)
    assert result.exit_code == 2


def test_attack_report_overwrites_an_exported_package(evidence_home: Path, tmp_path: Path) -> None:
    """`report -o pkg.zip` must never replace an existing file (here: an exported package)."""
    make_sealed_capture(evidence_home / "captures" / CAPTURE_ID, height=600)
    package = tmp_path / "pkg.zip"
    package.write_bytes(b"PK exported package")
    result = CliRunner().invoke(app, ["report", CAPTURE_ID, "-o", str(package)],
                                catch_exceptions=False)
    assert result.exit_code == 2 and "already exists" in result.output
    assert package.read_bytes() == b"PK exported package"


@pytest.mark.parametrize("where", ["folder", "missing-parent"])
def test_report_to_a_folder_or_missing_folder_is_a_usage_error(
        where: str, evidence_home: Path, tmp_path: Path) -> None:
    make_sealed_capture(evidence_home / "captures" / CAPTURE_ID, height=600)
    out = tmp_path if where == "folder" else tmp_path / "nowhere" / "x.pdf"
    result = CliRunner().invoke(app, ["report", CAPTURE_ID, "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 2, result.output


@pytest.mark.browser
def test_attack_report_from_a_lookalike_folder_is_not_recorded_on_the_real_capture(
        store, stored_capture, tmp_path: Path) -> None:
    """A folder elsewhere that is merely *named* like a stored capture gets no custody event."""
    import shutil

    require_or_skip(Path(load_settings().chromium).exists(), "Chromium is not installed")
    capture_id = stored_capture()
    lookalike = tmp_path / "elsewhere" / capture_id
    shutil.copytree(store.settings.capture_dir(capture_id), lookalike)
    before = len(store.custody_log(capture_id))

    def report(target: str, out: str) -> dict:
        result = CliRunner().invoke(app, ["report", target, "-o", str(tmp_path / out), "--json"],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    assert report(str(lookalike), "lookalike.pdf")["custody_seq"] is None
    assert len(store.custody_log(capture_id)) == before
    assert report(capture_id, "real.pdf")["custody_seq"] is not None
    assert store.custody_log(capture_id)[-1]["type"] == "reported"
