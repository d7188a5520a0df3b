"""CLI: `evidence seal` with a failing TSA, then `evidence timestamp --pending` completes the capture."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.manifests.seal import find_pending

pytestmark = pytest.mark.tsa


def test_cli_timestamp_pending_completes(capture_folder, station_key, tsa_rsa, tsa_http500_url,
                                         monkeypatch) -> None:
    monkeypatch.setenv("EVIDENCE_TSA_URL", tsa_http500_url)
    monkeypatch.setenv("EVIDENCE_TSA_CA", str(tsa_rsa.ca_pem_path))
    runner = CliRunner()
    sealed = runner.invoke(app, ["seal", capture_folder.name], catch_exceptions=False)
    assert sealed.exit_code == 4 and "FAILED" in sealed.output and "timestamp-pending" in sealed.output
    assert find_pending(capture_folder.parent) == [capture_folder]
    still = runner.invoke(app, ["timestamp", "--pending"], catch_exceptions=False)
    assert still.exit_code == 4 and "500" in still.output
    monkeypatch.setenv("EVIDENCE_TSA_URL", tsa_rsa.url)
    retried = runner.invoke(app, ["timestamp", "--pending", "--json"], catch_exceptions=False)
    assert retried.exit_code == 0, retried.output
    assert json.loads(retried.stdout)[0]["state"] == "timestamped"
    verified = runner.invoke(app, ["verify", capture_folder.name, "--strict"], catch_exceptions=False)
    assert verified.exit_code == 0, verified.output
