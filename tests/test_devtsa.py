"""The development TSA: files reused, labelled, HTTP contract."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from evidence_capture.errors import ConfigError, TimestampError
from evidence_capture.timestamping.devtsa import DEV_TSA_LABEL, DevTSA, is_dev_tsa_certificate, is_dev_tsa_name

pytestmark = pytest.mark.tsa


def test_files_are_generated_once_and_reused(tmp_path: Path) -> None:
    first = DevTSA(tmp_path / "dev", "ec")
    root = first.ca_pem_path.read_bytes()
    second = DevTSA(tmp_path / "dev", "ec")
    assert second.ca_pem_path.read_bytes() == root
    assert second.tsa_name == first.tsa_name
    assert (tmp_path / "dev" / "tsa.key").stat().st_mode & 0o777 == 0o600
    assert DEV_TSA_LABEL in first.config_path.read_text(encoding="utf-8")


def test_key_type_mismatch_is_refused(tmp_path: Path) -> None:
    DevTSA(tmp_path / "dev", "rsa")
    with pytest.raises(ConfigError, match="holds a rsa development TSA"):
        DevTSA(tmp_path / "dev", "ec")


def test_certificate_has_critical_time_stamping_eku(tsa_ec: DevTSA) -> None:
    cert = x509.load_pem_x509_certificate(tsa_ec.tsa_cert_path.read_bytes())
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert eku.critical and list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    assert is_dev_tsa_name(tsa_ec.tsa_name)
    assert is_dev_tsa_certificate(cert)
    assert all(is_dev_tsa_certificate(root) for root in x509.load_pem_x509_certificates(tsa_ec.ca_pem_path.read_bytes()))
    assert "not trusted for real cases" in tsa_ec.tsa_name


def test_get_shows_the_label(tsa_rsa: DevTSA) -> None:
    with urllib.request.urlopen(tsa_rsa.url, timeout=10) as reply:  # noqa: S310 - loopback
        assert reply.read().decode().strip() == DEV_TSA_LABEL


def test_wrong_content_type_is_refused(tsa_rsa: DevTSA) -> None:
    request = urllib.request.Request(tsa_rsa.url, data=b"x", headers={"Content-Type": "text/plain"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310 - loopback
    assert caught.value.code == 415


def test_url_needs_serving(tmp_path: Path) -> None:
    with pytest.raises(TimestampError, match="not serving"):
        _ = DevTSA(tmp_path / "idle", "rsa").url
