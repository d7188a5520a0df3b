"""Import takes whole cases: a FAILED capture imports with its state, its Date check not-applicable."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.config import load_settings
from evidence_capture.manifests.keys import StationKey
from evidence_capture.models import CaseInfo
from evidence_capture.packages.export import export_package
from tests.fixtures_seal import PASSPHRASE
from tests.fixtures_store import fresh_home


def _run(monkeypatch: pytest.MonkeyPatch, lang: str, *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("EVIDENCE_LANG", lang)
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def mixed_case(store, stored_capture, tmp_path):  # type: ignore[no-untyped-def]
    store.open_case(CaseInfo("CASE-M", title="混合", subject="某店"))
    ids = [stored_capture("CASE-M"), stored_capture("CASE-M", "FAILED"), stored_capture("CASE-M", "PARTIAL")]
    out = tmp_path / "mixed.zip"
    export_package(store, "CASE-M", out)
    return out, ids


@pytest.mark.parametrize("lang,label,state", [("zh", "不适用", "失败"), ("en", "N/A", "FAILED")])
def test_failed_capture_imports_with_its_state(lang, label, state, mixed_case, public_key_pem, tmp_path,
                                               monkeypatch) -> None:
    package, ids = mixed_case
    verified = _run(monkeypatch, lang, "verify", str(package), "--trust-key", str(public_key_pem),
                    "--strict", "--json")
    assert verified.exit_code == 0, verified.output
    checks = {c["name"]: c for c in json.loads(verified.stdout)["checks"]}
    failed_date = checks[f"capture[{ids[1]}].time.http_date"]
    assert failed_date["status"] == "not-applicable" and failed_date["key"] == "verify.not_applicable"
    assert checks[f"capture[{ids[0]}].time.http_date"]["status"] == "pass"
    text = _run(monkeypatch, lang, "verify", str(package), "--trust-key", str(public_key_pem)).stdout
    assert any(line.startswith(label) and f"{ids[1]}].time.http_date" in line for line in text.splitlines())
    fresh_home(tmp_path, monkeypatch)
    StationKey.create(load_settings().keys_dir, PASSPHRASE)
    imported = _run(monkeypatch, lang, "import", str(package), "--trust-key", str(public_key_pem))
    assert imported.exit_code == 0, imported.output
    shown = _run(monkeypatch, lang, "case", "show", "CASE-M").stdout
    line = next(line for line in shown.splitlines() if ids[1] in line)
    assert line.split()[1] == state


def test_refused_import_hint_fits_the_failure(mixed_case, tmp_path, monkeypatch) -> None:
    package, _ = mixed_case
    fresh_home(tmp_path, monkeypatch)
    StationKey.create(load_settings().keys_dir, PASSPHRASE)
    refused = _run(monkeypatch, "zh", "import", str(package), "--json")
    assert refused.exit_code == 1
    error = json.loads(refused.stdout)["error"]
    assert error["key"] == "package.import.refused" and error["hint_key"] == "package.import.pin_key"
    assert "未导入任何内容" in refused.stderr and "--trust-key" in refused.stderr
