"""What ``evidence verify TARGET`` verifies: one function dispatches on the kind of target.

A target is a capture folder or a capture id (resolved in EVIDENCE_HOME);
``packages.target.verify_target`` adds exported packages (``.zip``) on top:
capture verification never imports package verification.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from evidence_capture.config import Settings
from evidence_capture.errors import EvidenceError, InputError, Msg, NotFoundError
from evidence_capture.models import CAPTURE_ID
from evidence_capture.manifests.keys import load_public_pem, station_public_key

if TYPE_CHECKING:  # the CLI's custody commands use trusted_keys only: no X.509, no verifier
    from cryptography import x509

CAPTURE_FILES = ("manifest.json", "manifest.sig", "signer.pub.pem", "provenance.json")


def resolve_capture(target: str, settings: Settings) -> Path:
    """A capture folder path, or the folder of a capture id in EVIDENCE_HOME."""
    path = Path(target).expanduser()
    if path.is_dir():
        if not any((path / name).exists() for name in CAPTURE_FILES):
            raise InputError(Msg("verify.target.not_capture", target=target, files=", ".join(CAPTURE_FILES)))
        return path
    if CAPTURE_ID.fullmatch(target) and settings.capture_dir(target).is_dir():
        return settings.capture_dir(target)
    raise NotFoundError(Msg("verify.target.unknown", target=target))


def trusted_keys(settings: Settings, pinned: Sequence[Path]) -> list[Ed25519PublicKey]:
    """Keys pinned by the reviewer (--trust-key), then the local station's own key."""
    keys = []
    for path in pinned:
        try:
            keys.append(load_public_pem(Path(path).read_bytes(), source=str(path)))
        except OSError as exc:
            raise NotFoundError(Msg("verify.target.key_unreadable", path=path)) from exc
    station = station_public_key(settings.keys_dir)
    return keys + ([station] if station is not None else [])


def tsa_roots_for(settings: Settings, tsa_ca: Path | None) -> Sequence[x509.Certificate]:
    """The trusted TSA roots: ``--tsa-ca``, else EVIDENCE_TSA_CA, else none; they carry
    EVIDENCE_TSA_CHAIN along for tokens without certificates (``TrustAnchors``)."""
    from evidence_capture.timestamping.bundles import configured_trust

    return configured_trust(tsa_ca or settings.tsa_ca, settings.tsa_chain)


def pinned_keys(settings: Settings, pinned: Sequence[Path]) -> dict[str, Ed25519PublicKey]:
    """``trusted_keys`` by fingerprint, as the custody chain names its signers."""
    from evidence_capture.storage.chain import key_fingerprint

    return {key_fingerprint(key): key for key in trusted_keys(settings, pinned)}


@dataclass(frozen=True)
class Trust:
    """What a reviewer trusts: pinned signer keys and TSA roots."""

    keys: Sequence[Ed25519PublicKey]
    tsa_roots: Sequence[x509.Certificate]

    @classmethod
    def load(cls, settings: Settings, pinned: Sequence[Path], tsa_ca: Path | None) -> "Trust":
        return cls(trusted_keys(settings, pinned), tsa_roots_for(settings, tsa_ca))

    def summary(self, folder: Path) -> list[dict[str, str]]:
        from evidence_capture.verify.runner import verify_capture

        report = verify_capture(folder, trusted_keys=self.keys, tsa_roots=self.tsa_roots)
        return [check.as_record() for check in report.checks]


def folder_bytes(folder: Path) -> int:
    """The size of every regular file below ``folder`` (for a progress bar)."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


def target_size(target: str, settings: Settings) -> int:
    """Bytes to hash when verifying ``target``; 0 when it is not a capture folder."""
    try:
        return folder_bytes(resolve_capture(target, settings))
    except EvidenceError:
        return 0  # not a capture folder: verify_target says what it is
