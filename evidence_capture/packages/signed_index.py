"""The package index, signed by the exporting station.

``data/package.json`` is written in RFC 8785 canonical form and
``data/package.sig`` holds the station's detached Ed25519 signature over
exactly those bytes (64 raw bytes, like ``manifest.sig``).  The index fixes
the capture list (ids and manifest hashes), the case and the custody span, so
a package that loses a capture or the end of its chain no longer matches a
statement only the station could make, with or without the export receipt.

``index.signature`` passes only with a key the reviewer trusts (``--trust-key``
or the local station key); a key shipped inside the package proves nothing
(not-checked); anything else fails.  The key must also be the station the
index names and the one that signed the last custody event in the package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from evidence_capture.errors import Msg
from evidence_capture.manifests.canonical import canonical_bytes
from evidence_capture.manifests.keys import verify_signature
from evidence_capture.packages.layout import INDEX
from evidence_capture.verify.checks import CheckResult

SIGNATURE = "package.sig"
CHECK = "index.signature"


def write_signed_index(data: Path, index: Mapping[str, Any], sign: Callable[[bytes], bytes]) -> None:
    """Write ``package.json`` (canonical bytes) and its detached signature ``package.sig``."""
    raw = canonical_bytes(index)
    (data / INDEX).write_bytes(raw)
    (data / SIGNATURE).write_bytes(sign(raw))


def _signer(keys: Mapping[str, Ed25519PublicKey], signature: bytes, raw: bytes) -> str | None:
    return next((fp for fp, key in keys.items() if verify_signature(key, signature, raw)), None)


def _inconsistent(signer: str, index: Mapping[str, Any],
                  records: Sequence[Mapping[str, Any]]) -> Msg | None:
    station = index.get("station")
    claimed = station.get("fingerprint") if isinstance(station, dict) else None
    if signer != claimed:
        return Msg("package.index_sig.other_station", signer=signer, claimed=str(claimed))
    last = records[-1].get("signer") if records else None
    if signer != last:
        return Msg("package.index_sig.other_last", signer=signer, last=str(last))
    return None


def index_signature_check(data: Path, index: Mapping[str, Any],
                          records: Sequence[Mapping[str, Any]], *,
                          trusted: Mapping[str, Ed25519PublicKey],
                          shipped: Mapping[str, Ed25519PublicKey]) -> CheckResult:
    """Who signed ``package.json``: a trusted key (pass), only a shipped key (not-checked), nobody (fail)."""
    path = data / SIGNATURE
    if not path.is_file():
        return CheckResult.failed(CHECK, Msg("package.index_sig.none", file=SIGNATURE))
    raw, signature = (data / INDEX).read_bytes(), path.read_bytes()
    signer = _signer(trusted, signature, raw)
    pinned = signer is not None
    if signer is None:
        signer = _signer({fp: k for fp, k in shipped.items() if fp not in trusted}, signature, raw)
    if signer is None:
        return CheckResult.failed(CHECK, Msg("package.index_sig.bad", file=SIGNATURE))
    problem = _inconsistent(signer, index, records)
    if problem:
        return CheckResult.failed(CHECK, problem)
    if not pinned:
        return CheckResult.not_checked(CHECK, Msg("package.index_sig.not_pinned", signer=signer))
    return CheckResult.passed(CHECK, Msg("package.index_sig.ok", signer=signer))
