"""Certificate chains of the HTTPS hosts, as the browser received them.

The chain comes from CDP ``Network.getCertificate`` for each HTTPS origin the
page loaded from, and is written as ``tls/<host>.pem`` (``<host>_<port>.pem``
for a non-default port).  Nothing here judges the chain; it is a record.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

_UNSAFE = re.compile(r"[^A-Za-z0-9.\-_]")


def https_origins(urls: list[str]) -> list[str]:
    origins = [f"https://{urlsplit(u).netloc}" for u in urls if urlsplit(u).scheme == "https"]
    return list(dict.fromkeys(origins))


def pem_name(origin: str) -> str:
    parts = urlsplit(origin)
    host = _UNSAFE.sub("_", (parts.hostname or "unknown").strip("[]"))
    return f"{host}_{parts.port}.pem" if parts.port and parts.port != 443 else f"{host}.pem"


def chain_to_pem(table_names: list[str]) -> bytes:
    """CDP gives base64 DER certificates, leaf first; return them as one PEM bundle."""
    pem = b""
    for item in table_names:
        cert = x509.load_der_x509_certificate(base64.b64decode(item))
        pem += cert.public_bytes(Encoding.PEM)
    return pem


def save_chains(cdp: Any, origins: list[str], folder: Path) -> tuple[list[str], list[str]]:
    """Write one PEM per origin; returns (written names, problems)."""
    written: list[str] = []
    problems: list[str] = []
    for origin in origins:
        try:
            names = cdp.send("Network.getCertificate", {"origin": origin}).get("tableNames", [])
        except Exception as exc:  # noqa: BLE001 - a CDP error is recorded, not raised
            problems.append(f"{origin}: {exc}")
            continue
        if not names:
            problems.append(f"{origin}: the browser holds no certificate for this origin")
            continue
        target = folder / "tls" / pem_name(origin)
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(chain_to_pem(names))
        written.append(target.relative_to(folder).as_posix())
    return written, problems
