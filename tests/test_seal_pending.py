"""A TSA that is down, hangs, fails, answers garbage or rejects never loses a capture.

Each failure leaves the capture sealed by its signature, ``timestamp-pending``,
with the failure explained; a later retry against a working TSA completes it.
"""

from __future__ import annotations

import json

import pytest

from evidence_capture.manifests.seal import (PENDING, TIMESTAMPED, TsaConfig, retry_pending, retry_plan,
                                             seal_capture, seal_state)
from evidence_capture.manifests.stamping import FAILED, GRANTED, TimestampOutcome
from evidence_capture.verify.checks import CheckStatus
from evidence_capture.verify.runner import verify_capture
from tests.fixtures_tsa import HANG_TIMEOUT, load_roots

pytestmark = pytest.mark.tsa

FAULTS = ["tsa_refused_url", "tsa_hanging_url", "tsa_http500_url", "tsa_garbage_url", "tsa_rejecting"]


@pytest.fixture
def fault_url(request):
    value = request.getfixturevalue(request.param)
    return value if isinstance(value, str) else value.url


@pytest.mark.parametrize("fault_url", FAULTS, indirect=True)
def test_failing_tsa_leaves_capture_pending_then_retry_completes(capture_folder, station_key, tsa_rsa,
                                                                fault_url) -> None:
    roots = tuple(load_roots(tsa_rsa.ca_pem_path))
    before = {path.name: path.read_bytes() for path in capture_folder.iterdir() if path.is_file()}
    result = seal_capture(capture_folder, key=station_key,
                          tsa=TsaConfig(urls=(fault_url,), roots=roots, timeout=HANG_TIMEOUT))
    assert result.state == PENDING and seal_state(capture_folder) == PENDING
    failure = result.timestamps[0]
    assert failure.state == FAILED and failure.url == fault_url and failure.error
    assert not (capture_folder / "timestamps" / "1.tsr").exists()
    assert all((capture_folder / name).read_bytes() == data for name, data in before.items())

    report = verify_capture(capture_folder, trusted_keys=[station_key.public_key], tsa_roots=roots)
    assert report.ok() and report.get("signature").status is CheckStatus.PASS
    pending = report.get("timestamp:1")
    assert pending.status is CheckStatus.NOT_CHECKED and "pending" in pending.reason

    done = retry_pending(capture_folder, tsa=TsaConfig(urls=(tsa_rsa.url,), roots=roots),
                         signer=station_key.public_key)
    assert done.state == TIMESTAMPED and seal_state(capture_folder) == TIMESTAMPED
    final = verify_capture(capture_folder, trusted_keys=[station_key.public_key], tsa_roots=roots)
    assert final.ok(strict=True), final.as_record()


def test_failure_reasons_are_explained(capture_folder, station_key, tsa_rsa, tsa_rejecting,
                                       tsa_refused_url, tsa_http500_url) -> None:
    roots = tuple(load_roots(tsa_rsa.ca_pem_path))
    urls = (tsa_rsa.url, tsa_refused_url, tsa_http500_url, tsa_rejecting.url)
    result = seal_capture(capture_folder, key=station_key, tsa=TsaConfig(urls=urls, roots=roots))
    states = [item.state for item in result.timestamps]
    assert states == [GRANTED, FAILED, FAILED, FAILED]
    errors = [item.error for item in result.timestamps[1:]]
    assert "refused" in errors[0].lower() or "connect" in errors[0].lower(), errors[0]
    assert "500" in errors[1], errors[1]
    assert "rejected" in errors[2] and "badAlg" in errors[2], errors[2]
    record = json.loads((capture_folder / "timestamps" / "3.json").read_text())
    assert record["state"] == "failed" and record["error"] == errors[1]


def test_retry_refuses_a_tampered_manifest(capture_folder, station_key, tsa_rsa, tsa_refused_url) -> None:
    """A late token must never vouch for bytes the station did not sign."""
    from evidence_capture.errors import VerificationError

    roots = tuple(load_roots(tsa_rsa.ca_pem_path))
    seal_capture(capture_folder, key=station_key, tsa=TsaConfig(urls=(tsa_refused_url,), roots=roots))
    data = (capture_folder / "manifest.json").read_bytes()
    (capture_folder / "manifest.json").write_bytes(data.replace(b"shop.test", b"shop.tesT", 1))
    with pytest.raises(VerificationError):
        retry_pending(capture_folder, tsa=TsaConfig(urls=(tsa_rsa.url,), roots=roots),
                      signer=station_key.public_key)


def _slot(number: int, url: str, state: str) -> TimestampOutcome:
    return TimestampOutcome(number=number, url=url, state=state)


def test_retry_plan() -> None:
    slots = {1: _slot(1, "a", GRANTED), 2: _slot(2, "b", FAILED), 3: _slot(3, "gone", FAILED)}
    assert retry_plan(slots, ("a", "b", "c")) == [(2, "b"), (3, "c")]
    assert retry_plan(slots, ("a", "b", "c", "d")) == [(2, "b"), (3, "c"), (4, "d")]
    assert retry_plan(slots, ("a",)) == []
    assert retry_plan({}, ("a", "b")) == [(1, "a"), (2, "b")]


def test_malformed_tsa_url_leaves_capture_pending(capture_folder, station_key) -> None:
    result = seal_capture(capture_folder, key=station_key, tsa=TsaConfig(urls=("http://[::1",)))
    assert result.state == PENDING and "not a valid URL" in result.timestamps[0].error
