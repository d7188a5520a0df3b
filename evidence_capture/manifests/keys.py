"""The station's Ed25519 signing key.

The private key is stored as encrypted PKCS#8 PEM (passphrase required) with
file mode 0600 in ``<EVIDENCE_HOME>/keys/``; the public key sits beside it.
A key's fingerprint is ``sha256:<hex of its SubjectPublicKeyInfo DER>``.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from evidence_capture.config import STATION_KEY_NAME
from evidence_capture.errors import InputError, Message, Msg, NotFoundError, SigningError, cause_msg

PRIVATE_NAME = STATION_KEY_NAME
PUBLIC_NAME = "station.pub.pem"
SIGNATURE_SIZE = 64


def fingerprint(public_key: Ed25519PublicKey) -> str:
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return "sha256:" + hashlib.sha256(der).hexdigest()


def public_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_public_pem(data: bytes, *, source: Message = Msg("keys.public_key")) -> Ed25519PublicKey:
    """Parse an Ed25519 public key PEM; anything else is an ``InputError``."""
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise InputError(Msg("keys.not_pem", source=source)) from exc
    if not isinstance(key, Ed25519PublicKey):
        raise InputError(Msg("keys.not_ed25519_public", source=source))
    return key


def verify_signature(public_key: Ed25519PublicKey, signature: bytes, data: bytes) -> bool:
    if len(signature) != SIGNATURE_SIZE:
        return False
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


def station_public_key(keys_dir: Path) -> Ed25519PublicKey | None:
    """The local station's public key, or None when no key was created here."""
    path = Path(keys_dir) / PUBLIC_NAME
    if not path.exists():
        return None
    return load_public_pem(path.read_bytes(), source=str(path))


def write_public_pem(output: Path, public_key: Ed25519PublicKey) -> None:
    """Write the public key as PEM to a new file ``output`` (never replaces one)."""
    if output.is_dir():
        raise InputError(Msg("keys.output_is_dir", path=output))
    try:
        with output.open("xb") as handle:
            handle.write(public_pem(public_key))
    except FileExistsError as exc:
        raise InputError(Msg("keys.output_exists", path=output)) from exc
    except OSError as exc:
        raise InputError(Msg("keys.output_unwritable", path=output,
                             cause=cause_msg(exc) or Msg("cause.os", errno=type(exc).__name__))) from exc


def _write_private(path: Path, data: bytes) -> None:
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise InputError(Msg("keys.exists", path=path), hint=Msg("keys.exists.hint")) from exc
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, 0o600)


@dataclass(frozen=True)
class StationKey:
    """An unlocked station key.  Build it with ``create`` or ``load``."""

    private_key: Ed25519PrivateKey
    path: Path

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    @property
    def public_pem(self) -> bytes:
        return public_pem(self.public_key)

    def sign(self, data: bytes) -> bytes:
        signature = self.private_key.sign(data)
        if not verify_signature(self.public_key, signature, data):  # guard against faults
            raise SigningError(Msg("keys.fresh_signature"))
        return signature

    @classmethod
    def create(cls, keys_dir: Path, passphrase: str) -> "StationKey":
        if not passphrase:
            raise InputError(Msg("keys.empty_passphrase"))
        keys_dir = Path(keys_dir)
        keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        private_key = Ed25519PrivateKey.generate()
        encrypted = private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
        )
        _write_private(keys_dir / PRIVATE_NAME, encrypted)
        (keys_dir / PUBLIC_NAME).write_bytes(public_pem(private_key.public_key()))
        return cls(private_key, keys_dir / PRIVATE_NAME)

    @classmethod
    def load(cls, keys_dir: Path, passphrase: str) -> "StationKey":
        path = Path(keys_dir) / PRIVATE_NAME
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise NotFoundError(Msg("keys.missing", path=path), hint=Msg("keys.missing.hint")) from exc
        try:
            key = serialization.load_pem_private_key(data, password=passphrase.encode("utf-8"))
        except (ValueError, TypeError) as exc:
            raise SigningError(Msg("keys.locked", path=path), hint=Msg("keys.locked.hint")) from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise SigningError(Msg("keys.not_ed25519", path=path))
        return cls(key, path)
