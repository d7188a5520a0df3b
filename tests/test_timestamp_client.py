"""request_timestamp against good and broken TSAs: every failure kind is named."""

from __future__ import annotations

import hashlib

import pytest
import rfc3161ng

from evidence_capture.errors import TimestampError
from evidence_capture.timestamping import request_timestamp
from evidence_capture.timestamping.devtsa import DevTSA
from tests.fixtures_tsa import HANG_TIMEOUT

pytestmark = pytest.mark.tsa

DIGEST = hashlib.sha256(b"manifest").digest()


def test_request_carries_sha256_nonce_and_cert_request(tsa_rsa: DevTSA) -> None:
    exchange = request_timestamp(tsa_rsa.url, DIGEST, timeout=10)
    request = rfc3161ng.decode_timestamp_request(exchange.tsq)
    imprint = request["messageImprint"]
    assert str(imprint["hashAlgorithm"]["algorithm"]) == "2.16.840.1.101.3.4.2.1"
    assert bytes(imprint["hashedMessage"]) == DIGEST
    assert int(request["nonce"]) == exchange.nonce
    assert bool(request["certReq"]) is True
    assert exchange.url == tsa_rsa.url


def test_nonces_differ_between_requests(tsa_ec: DevTSA) -> None:
    first = request_timestamp(tsa_ec.url, DIGEST, timeout=10)
    second = request_timestamp(tsa_ec.url, DIGEST, timeout=10)
    assert first.nonce != second.nonce


@pytest.mark.parametrize(
    ("fixture", "timeout", "expected"),
    [
        ("tsa_refused_url", 5, "connection refused"),
        ("tsa_hanging_url", HANG_TIMEOUT, "timed out"),
        ("tsa_trickling_url", HANG_TIMEOUT, "timed out"),
        ("tsa_http500_url", 5, "HTTP error 500"),
        ("tsa_garbage_url", 5, "garbage"),
        ("tsa_wrong_type_url", 5, "wrong content type 'text/html'"),
    ],
)
def test_tsa_failure_is_named(fixture: str, timeout: float, expected: str, request) -> None:
    url = request.getfixturevalue(fixture)
    with pytest.raises(TimestampError) as caught:
        request_timestamp(url, DIGEST, timeout=timeout)
    assert expected in caught.value.message
    assert url in caught.value.message


def test_tsa_rejection_names_status_and_fail_info(tsa_rejecting: DevTSA) -> None:
    with pytest.raises(TimestampError) as caught:
        request_timestamp(tsa_rejecting.url, DIGEST, timeout=10)
    message = caught.value.message
    assert "rejected" in message
    assert "PKIStatus rejection (2)" in message
    assert "badAlg" in message


def test_wrong_digest_length_is_refused() -> None:
    with pytest.raises(ValueError):
        request_timestamp("http://127.0.0.1:9/", b"short", timeout=1)


def test_non_http_url_is_refused() -> None:
    with pytest.raises(TimestampError, match="http"):
        request_timestamp("file:///etc/passwd", DIGEST, timeout=1)


def test_switchable_tsa_fails_each_way_then_recovers(switchable_tsa) -> None:  # type: ignore[no-untyped-def]
    """The same URL fails in every way, then grants: what a later retry of a pending capture sees."""
    expected = {"down": "connection refused", "hang": "timed out", "http500": "HTTP error 500",
                "garbage": "garbage", "wrong-type": "wrong content type", "reject": "rejected"}
    for fault, text in expected.items():
        switchable_tsa.set(fault)
        with pytest.raises(TimestampError, match=text):
            request_timestamp(switchable_tsa.url, DIGEST, timeout=HANG_TIMEOUT if fault == "hang" else 5)
    switchable_tsa.set("ok")
    exchange = request_timestamp(switchable_tsa.url, DIGEST, timeout=10)
    assert exchange.url == switchable_tsa.url


@pytest.mark.parametrize("url", ["http://[::1", "http://a b/tsa", "http://127.0.0.1:99999999/"])
def test_malformed_tsa_url_is_a_timestamp_error(url: str) -> None:
    """Never a ValueError or InvalidURL: the sealer records a TimestampError and keeps the capture."""
    with pytest.raises(TimestampError, match="TSA"):
        request_timestamp(url, DIGEST, timeout=1)
