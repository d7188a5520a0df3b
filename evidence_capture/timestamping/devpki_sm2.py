"""Throwaway SM2 certificates for the development SM2 TSA, made by the openssl command.

OpenSSL 3.0 makes SM2 keys and SM2-with-SM3 certificates (with the GM/T 0009
default user ID); only its ``ts -reply`` cannot sign SM2 tokens, which
``sm2tsa.py`` does.  Every name says DEVELOPMENT.
"""

from __future__ import annotations

import base64
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from pyasn1.codec.der import decoder
from pyasn1_modules import rfc5208, rfc5915

from evidence_capture.errors import ConfigError, Msg

DIST_ID = "distid:1234567812345678"  # GM/T 0009 default user ID, as the verifier assumes
_DAYS = "3650"


@dataclass(frozen=True)
class Sm2Issued:
    """An SM2 certificate with its private key (the scalar; cryptography cannot hold it)."""

    key: int
    cert: x509.Certificate

    @classmethod
    def read(cls, key_path: Path, cert_path: Path) -> "Sm2Issued":
        return cls(private_scalar(key_path.read_bytes()), x509.load_pem_x509_certificate(cert_path.read_bytes()))


def private_scalar(pem: bytes) -> int:
    """The private scalar of a PKCS#8 PEM SM2 key (``openssl genpkey``)."""
    body = b"".join(line for line in pem.splitlines() if line and not line.startswith(b"-----"))
    info, _ = decoder.decode(base64.b64decode(body), asn1Spec=rfc5208.PrivateKeyInfo())
    key, _ = decoder.decode(bytes(info["privateKey"]), asn1Spec=rfc5915.ECPrivateKey())
    return int.from_bytes(bytes(key["privateKey"]), "big")


def _openssl(*args: str) -> None:
    done = subprocess.run(["openssl", *args], capture_output=True, timeout=60, check=False)
    if done.returncode != 0:
        raise ConfigError(Msg("devtsa.sm2_openssl", command=args[0], code=done.returncode))


def _key(path: Path) -> None:
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:SM2", "-out", str(path))
    path.chmod(0o600)


def make_sm2_pki(directory: Path, root_name: str, tsa_name: str) -> tuple[Sm2Issued, Sm2Issued]:
    """root.key/root.pem (self-signed CA) and tsa.key/tsa.pem (critical timeStamping EKU)."""
    d = Path(directory)
    _key(d / "root.key")
    _openssl("req", "-utf8", "-x509", "-new", "-key", str(d / "root.key"), "-sm3", "-sigopt", DIST_ID,
             "-subj", f"/O=evidence-capture DEVELOPMENT/CN={root_name}", "-days", _DAYS,
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
             "-addext", "subjectKeyIdentifier=hash", "-out", str(d / "root.pem"))
    _key(d / "tsa.key")
    extensions = d / "tsa-ext.cnf"
    extensions.write_text("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n"
                          "extendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\n"
                          "authorityKeyIdentifier=keyid\n", encoding="utf-8")
    _openssl("req", "-utf8", "-new", "-key", str(d / "tsa.key"), "-sm3", "-sigopt", DIST_ID,
             "-subj", f"/O=evidence-capture DEVELOPMENT/CN={tsa_name}", "-out", str(d / "tsa.csr"))
    _openssl("x509", "-req", "-in", str(d / "tsa.csr"), "-CA", str(d / "root.pem"), "-CAkey", str(d / "root.key"),
             "-sm3", "-sigopt", DIST_ID, "-vfyopt", DIST_ID, "-CAcreateserial", "-days", _DAYS,
             "-extfile", str(extensions), "-out", str(d / "tsa.pem"))
    return Sm2Issued.read(d / "root.key", d / "root.pem"), Sm2Issued.read(d / "tsa.key", d / "tsa.pem")
