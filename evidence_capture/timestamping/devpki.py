"""Throwaway certificates for the development TSA and the test fixtures.

Nothing here is fit for real cases: the keys are unencrypted files and every
name says "DEVELOPMENT".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from evidence_capture.timeutil import utcnow

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
KEY_TYPES = ("rsa", "ec")


def new_key(key_type: str) -> PrivateKey:
    if key_type == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if key_type == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    raise ValueError(f"key type must be one of {KEY_TYPES}, not {key_type!r}")


def dev_name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "evidence-capture DEVELOPMENT"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


@dataclass(frozen=True)
class Issued:
    """A certificate with its private key."""

    key: PrivateKey
    cert: x509.Certificate

    def write(self, key_path: Path, cert_path: Path) -> None:
        key_pem = self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        key_path.write_bytes(key_pem)
        key_path.chmod(0o600)
        cert_path.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))

    @classmethod
    def read(cls, key_path: Path, cert_path: Path) -> "Issued":
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        assert isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey))
        return cls(key, x509.load_pem_x509_certificate(cert_path.read_bytes()))


def _builder(subject: x509.Name, issuer: x509.Name, key: PrivateKey,
             not_before: datetime, not_after: datetime) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )


def make_ca(common_name: str, key_type: str, *, issuer: Issued | None = None,
            not_after: datetime | None = None) -> Issued:
    """A self-signed root, or an intermediate CA when ``issuer`` is given."""
    key = new_key(key_type)
    now = utcnow()
    signer = issuer.key if issuer else key
    builder = _builder(dev_name(common_name), issuer.cert.subject if issuer else dev_name(common_name),
                       key, now - timedelta(days=1), not_after or now + timedelta(days=3650))
    builder = builder.add_extension(
        x509.BasicConstraints(ca=True, path_length=None), critical=True
    ).add_extension(
        x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
    )
    return Issued(key, builder.sign(signer, hashes.SHA256()))


def make_tsa_cert(common_name: str, key_type: str, issuer: Issued, *,
                  eku: str = "critical", not_before: datetime | None = None,
                  not_after: datetime | None = None) -> Issued:
    """A TSA signing certificate.  ``eku`` is "critical" (correct), "noncritical" or "none"."""
    if eku not in ("critical", "noncritical", "none"):
        raise ValueError(f"eku must be critical, noncritical or none, not {eku!r}")
    key = new_key(key_type)
    now = utcnow()
    builder = _builder(dev_name(common_name), issuer.cert.subject, key,
                       not_before or now - timedelta(days=1), not_after or now + timedelta(days=3650))
    builder = builder.add_extension(
        x509.BasicConstraints(ca=False, path_length=None), critical=True
    ).add_extension(
        x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
    ).add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
    )
    if eku != "none":
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=eku == "critical"
        )
    return Issued(key, builder.sign(issuer.key, hashes.SHA256()))
