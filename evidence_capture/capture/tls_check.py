"""The engine's own check of a served certificate chain (``--tls-ca`` / ``--record-tls-errors``).

Chromium takes no CA file.  With either option the capture's browser context
ignores certificate errors, and this module validates the chain the browser
received (CDP ``Network.getCertificate``, saved under ``tls/``) with
``cryptography``'s verifier: a path from the leaf to an anchor in the given
PEM bundle (or the system bundle when only ``--record-tls-errors`` is given),
every certificate valid now, the hostname (or IP) in the leaf's SAN.  It does
not check revocation or Certificate Transparency.  When Chromium itself
refused a certificate, ``fetch_served_chain`` reads the chain over a TLS
handshake of our own, so that ``tls/`` keeps it.
"""

from __future__ import annotations

import hashlib
import ipaddress
import socket
import ssl
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.x509 import verification

from evidence_capture.errors import InputError, Msg

SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


def load_bundle(path: str) -> list[x509.Certificate]:
    """The certificates of a PEM bundle; refused (exit 2) when unreadable or empty."""
    try:
        certs = x509.load_pem_x509_certificates(Path(path).read_bytes())
    except OSError as exc:
        raise InputError(Msg("tls.ca.unreadable", path=path, error=exc.strerror or str(exc))) from exc
    except ValueError as exc:
        raise InputError(Msg("tls.ca.not_pem", path=path)) from exc
    return certs


def bundle_record(path: str | None) -> dict[str, Any]:
    """What the chain was checked against, for provenance."""
    source = path or SYSTEM_BUNDLE
    data = Path(source).read_bytes()
    return {"bundle": source, "given": path is not None,
            "sha256": "sha256:" + hashlib.sha256(data).hexdigest(),
            "anchors": len(pems(data))}


def validate(chain: list[x509.Certificate], anchors: list[x509.Certificate], host: str,
             now: datetime) -> str | None:
    """None when the chain validates for ``host`` at ``now``; else the verifier's error."""
    if not chain:
        return "no certificate was served"
    try:
        subject: verification.Subject = verification.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        subject = verification.DNSName(host)
    verifier = (verification.PolicyBuilder().store(verification.Store(anchors)).time(now)
                .build_server_verifier(subject))
    try:
        verifier.verify(chain[0], chain[1:])
    except verification.VerificationError as exc:
        return str(exc)
    return None


def pems(data: bytes) -> list[x509.Certificate]:
    with warnings.catch_warnings():  # old roots in the system bundle have odd serials
        warnings.simplefilter("ignore")
        return x509.load_pem_x509_certificates(data)


def check(pem: bytes, ca_path: str | None, host: str, now: datetime) -> dict[str, Any]:
    """The validation record of one saved chain (``tls/<host>.pem``)."""
    chain = pems(pem) if pem else []
    anchors = pems(Path(ca_path or SYSTEM_BUNDLE).read_bytes())
    error = validate(chain, anchors, host, now)
    return {"host": host, "valid": error is None, "error": error,
            "chain": [c.subject.rfc4514_string() for c in chain],
            "method": "cryptography x509.verification (path to an anchor, validity now, "
                      "hostname); no revocation or CT check",
            "against": bundle_record(ca_path)}


def fetch_served_chain(host: str, address: str, port: int, timeout: float) -> bytes:
    """The chain the server sends, leaf first, as PEM, without judging it."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    sni = None if _is_ip(host) else host
    with socket.create_connection((address, port), timeout=timeout) as raw:
        with context.wrap_socket(raw, server_hostname=sni) as tls:
            # Python 3.13 makes this public (get_unverified_chain); 3.11 has it on _sslobj.
            chain = getattr(tls, "get_unverified_chain", None) or tls._sslobj.get_unverified_chain
            ders = [c if isinstance(c, bytes) else c.public_bytes(ssl._ssl.ENCODING_DER)
                    for c in chain()]
    return b"".join(ssl.DER_cert_to_PEM_cert(d).encode("ascii") for d in ders)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
