"""``seal_capture``: hash, sign and timestamp a capture folder.

Order: hash every artifact, build the manifest, write its RFC 8785 bytes,
the detached Ed25519 signature and the signer's public key, then ask every
configured TSA for a token over SHA-256(manifest.json).  A TSA that fails
never loses the capture: it stays sealed by its signature, in state
``timestamp-pending``, until ``retry_pending`` obtains the missing tokens.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from evidence_capture.config import Settings
from evidence_capture.errors import ConfigError, InputError, Msg, NotFoundError, VerificationError
from evidence_capture.manifests.canonical import canonical_bytes
from evidence_capture.manifests.keys import StationKey, fingerprint, verify_signature
from evidence_capture.manifests.model import build_manifest
from evidence_capture.manifests.stamping import (FAILED, GRANTED, TimestampOutcome, read_slots, stamp_slot,
                                                 write_atomic)
from evidence_capture.timestamping.bundles import load_tsa_roots
from evidence_capture.timeutil import iso_utc, utcnow

TIMESTAMPED = "timestamped"
PENDING = "timestamp-pending"
UNSEALED = "unsealed"
DEFAULT_TSA_TIMEOUT = 10.0


DEV_MARKER = "DEVELOPMENT"
DEV_WARNING = ("timestamps come from a DEVELOPMENT TSA (evidence tsa serve): "
               "not trusted for real cases")


def is_dev_root(cert: x509.Certificate) -> bool:
    """The development TSA's generated CAs carry DEVELOPMENT in their subject."""
    return DEV_MARKER in cert.subject.rfc4514_string()


@dataclass(frozen=True)
class TsaConfig:
    """Which TSAs to ask, which roots their tokens must chain to, and how long to wait."""

    urls: tuple[str, ...] = ()
    roots: tuple[x509.Certificate, ...] = ()
    timeout: float = DEFAULT_TSA_TIMEOUT
    chain: tuple[x509.Certificate, ...] = ()  # EVIDENCE_TSA_CHAIN: for TSAs that send no certificates

    @classmethod
    def from_settings(cls, settings: Settings, *, timeout: float = DEFAULT_TSA_TIMEOUT) -> "TsaConfig":
        roots = tuple(load_tsa_roots(settings.tsa_ca)) if settings.tsa_ca else ()
        chain = tuple(load_tsa_roots(settings.tsa_chain)) if settings.tsa_chain else ()
        return cls(urls=settings.tsa_urls, roots=roots, timeout=timeout, chain=chain)

    @property
    def dev_warning(self) -> str | None:
        """Set when a TSA is asked and a root is the development TSA's CA: never trusted for real cases."""
        return DEV_WARNING if self.urls and any(is_dev_root(root) for root in self.roots) else None


@dataclass(frozen=True)
class SealResult:
    folder: Path
    capture_id: str
    manifest_sha256: str
    fingerprint: str
    timestamps: tuple[TimestampOutcome, ...]
    dev_tsa_warning: str | None = None

    @property
    def state(self) -> str:
        return slots_state(self.timestamps)

    def as_record(self) -> dict[str, Any]:
        return {"folder": str(self.folder), "capture_id": self.capture_id, "state": self.state,
                "manifest_sha256": "sha256:" + self.manifest_sha256, "signer": self.fingerprint,
                "dev_tsa_warning": self.dev_tsa_warning,
                "timestamps": [{"n": item.number, **item.as_record()} for item in self.timestamps]}


def slots_state(slots: tuple[TimestampOutcome, ...]) -> str:
    """Timestamped only when at least one token was granted and no attempt is outstanding."""
    if slots and all(item.state == GRANTED for item in slots):
        return TIMESTAMPED
    return PENDING


def seal_state(folder: Path) -> str:
    if not (Path(folder) / "manifest.json").is_file():
        return UNSEALED
    return slots_state(tuple(read_slots(folder).values()))


def _stamp(folder: Path, plan: list[tuple[int, str]], manifest: bytes, tsa: TsaConfig) -> None:
    dev = tsa.dev_warning is not None
    for number, url in plan:
        stamp_slot(folder, number, url, manifest, roots=tsa.roots, timeout=tsa.timeout, dev_tsa=dev,
                   untrusted=tsa.chain)


def _result(folder: Path, manifest: bytes, fingerprint: str, capture_id: str, dev: str | None) -> SealResult:
    slots = read_slots(folder)
    return SealResult(folder, capture_id, hashlib.sha256(manifest).hexdigest(), fingerprint,
                      tuple(slots[n] for n in sorted(slots)), dev)


def seal_capture(folder: Path, *, key: StationKey, tsa: TsaConfig,
                 on_file: Callable[[str, int], None] | None = None) -> SealResult:
    """Seal an unsealed capture folder.  TSA failures are recorded, never raised."""
    folder = Path(folder)
    if (folder / "manifest.json").exists():
        raise InputError(Msg("seal.already", folder=folder), hint=Msg("seal.already.hint"))
    manifest = build_manifest(folder, signer={"algorithm": "ed25519", "fingerprint": key.fingerprint},
                              sealed_at=iso_utc(utcnow()), dev_tsa_warning=tsa.dev_warning, on_file=on_file)
    data = canonical_bytes(manifest.as_record())
    write_atomic(folder / "signer.pub.pem", key.public_pem)
    write_atomic(folder / "manifest.sig", key.sign(data))
    write_atomic(folder / "manifest.json", data)  # written last: its presence means "sealed"
    _stamp(folder, list(enumerate(tsa.urls, start=1)), data, tsa)
    return _result(folder, data, key.fingerprint, manifest.capture_id, tsa.dev_warning)


def retry_plan(slots: dict[int, TimestampOutcome], urls: tuple[str, ...]) -> list[tuple[int, str]]:
    """Which slot numbers to (re)try at which configured URLs.

    Every configured TSA that has not granted a token yet is tried once:
    first in the failed slots (a failed slot keeps its own TSA when that one
    is still configured), then in new slots after the last one.
    """
    granted = {item.url for item in slots.values() if item.state == GRANTED}
    candidates = [url for url in dict.fromkeys(urls) if url not in granted]
    failed = sorted(n for n, item in slots.items() if item.state == FAILED)
    plan: list[tuple[int, str]] = []
    for number in failed:
        own = slots[number].url
        url = own if own in candidates else (candidates[0] if candidates else None)
        if url is None:
            break
        candidates.remove(url)
        plan.append((number, url))
    following = max(slots, default=0) + 1
    plan += [(following + index, url) for index, url in enumerate(candidates)]
    return plan


def retry_pending(folder: Path, *, tsa: TsaConfig, signer: Ed25519PublicKey) -> SealResult:
    """Obtain the tokens a sealed capture is still missing.

    The manifest is timestamped late only if its signature still verifies
    with the station's key: a late token must never vouch for altered bytes.
    """
    folder = Path(folder)
    if not tsa.urls:
        raise ConfigError(Msg("seal.no_tsa"), hint=Msg("seal.no_tsa.hint"))
    try:
        data = (folder / "manifest.json").read_bytes()
        signature = (folder / "manifest.sig").read_bytes()
    except FileNotFoundError as exc:
        raise InputError(Msg("seal.not_sealed", folder=folder)) from exc
    if not verify_signature(signer, signature, data):
        raise VerificationError("signature", Msg("seal.signature_bad", folder=folder))
    _stamp(folder, retry_plan(read_slots(folder), tsa.urls), data, tsa)
    capture_id = str(json.loads(data).get("capture_id") or folder.name)
    return _result(folder, data, fingerprint(signer), capture_id, tsa.dev_warning)


def find_pending(captures_dir: Path) -> list[Path]:
    """Sealed capture folders below ``captures_dir`` that still lack a token."""
    if not Path(captures_dir).is_dir():
        return []
    return [path for path in sorted(Path(captures_dir).iterdir())
            if path.is_dir() and seal_state(path) == PENDING]
