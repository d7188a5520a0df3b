"""TSA certificate bundles (``EVIDENCE_TSA_CA``, ``EVIDENCE_TSA_CHAIN``, ``--ca``): PEM files
read with nothing but ``cryptography``, so that checking the configuration at start-up, and
verifying a capture that holds no token, do not import the token verifier (pyasn1's ASN.1
modules)."""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path
from typing import Sequence

from cryptography import x509

from evidence_capture.errors import InputError, Msg, NotFoundError


def load_tsa_roots(path: Path) -> list[x509.Certificate]:
    """The trusted TSA certificates from a PEM bundle (``EVIDENCE_TSA_CA`` or ``--ca``);
    also reads ``--untrusted`` / ``EVIDENCE_TSA_CHAIN`` bundles."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise NotFoundError(Msg("tsa.bundle.missing", path=path)) from exc
    except OSError as exc:
        raise InputError(Msg("tsa.bundle.unreadable", path=path)) from exc
    try:
        return _pem_certificates(data)
    except (ValueError, binascii.Error) as exc:
        raise InputError(Msg("tsa.bundle.not_pem", path=path)) from exc


_PEM_BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]*?)-----END CERTIFICATE-----")


def _pem_certificates(data: bytes) -> list[x509.Certificate]:
    """Every certificate of a PEM bundle; base64 lines of any length (TSAs publish
    bundles with one unwrapped line, which OpenSSL reads and cryptography alone does not)."""
    blocks = _PEM_BLOCK.findall(data)
    if not blocks:
        raise ValueError("no certificate")
    return [x509.load_der_x509_certificate(base64.b64decode(b"".join(block.split()), validate=True))
            for block in blocks]


class TrustAnchors(list):  # type: ignore[type-arg]
    """Trust anchors (``EVIDENCE_TSA_CA``) that also carry the configured untrusted chain
    (``EVIDENCE_TSA_CHAIN``), so every caller handing roots on hands the chain on too."""

    def __init__(self, roots: Sequence[x509.Certificate] = (),
                 untrusted: Sequence[x509.Certificate] = ()) -> None:
        super().__init__(roots)
        self.untrusted = tuple(untrusted)


def configured_trust(ca: Path | None, chain: Path | None) -> TrustAnchors:
    """The anchors in ``ca`` (none without it) with the certificates in ``chain``."""
    return TrustAnchors(load_tsa_roots(ca) if ca else (), load_tsa_roots(chain) if chain else ())
