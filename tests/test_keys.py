from __future__ import annotations

import stat
import subprocess
import shutil

import pytest

from evidence_capture.errors import InputError, NotFoundError, SigningError
from evidence_capture.manifests.keys import (PRIVATE_NAME, StationKey, fingerprint, load_public_pem,
                                             station_public_key, verify_signature)
from tests.conftest import require_or_skip


def test_create_writes_encrypted_key_with_mode_0600(tmp_path) -> None:
    key = StationKey.create(tmp_path / "keys", "s3cret")
    path = tmp_path / "keys" / PRIVATE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"ENCRYPTED PRIVATE KEY" in path.read_bytes()
    assert key.fingerprint.startswith("sha256:") and len(key.fingerprint) == 7 + 64
    assert station_public_key(tmp_path / "keys") is not None
    assert fingerprint(station_public_key(tmp_path / "keys")) == key.fingerprint


def test_load_round_trip_and_wrong_passphrase(tmp_path) -> None:
    key = StationKey.create(tmp_path, "s3cret")
    assert StationKey.load(tmp_path, "s3cret").fingerprint == key.fingerprint
    with pytest.raises(SigningError):
        StationKey.load(tmp_path, "wrong")


def test_create_never_overwrites(tmp_path) -> None:
    StationKey.create(tmp_path, "a")
    with pytest.raises(InputError):
        StationKey.create(tmp_path, "b")


def test_empty_passphrase_refused(tmp_path) -> None:
    with pytest.raises(InputError):
        StationKey.create(tmp_path, "")


def test_load_missing_key(tmp_path) -> None:
    with pytest.raises(NotFoundError):
        StationKey.load(tmp_path, "x")
    assert station_public_key(tmp_path) is None


def test_sign_and_verify(tmp_path) -> None:
    key = StationKey.create(tmp_path, "s3cret")
    signature = key.sign(b"manifest")
    assert len(signature) == 64
    assert verify_signature(load_public_pem(key.public_pem), signature, b"manifest")
    assert not verify_signature(key.public_key, signature, b"manifesT")
    assert not verify_signature(key.public_key, signature[:-1], b"manifest")


def test_load_public_pem_refuses_other_key_types() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    with pytest.raises(InputError):
        load_public_pem(pem)
    with pytest.raises(InputError):
        load_public_pem(b"not a key")


def test_signature_verified_by_openssl(tmp_path) -> None:
    """An independent implementation (OpenSSL) accepts our Ed25519 signature."""
    require_or_skip(shutil.which("openssl") is not None, "openssl CLI not installed")
    key = StationKey.create(tmp_path / "keys", "s3cret")
    data = b'{"capture_id":"x"}'
    (tmp_path / "m.json").write_bytes(data)
    (tmp_path / "m.sig").write_bytes(key.sign(data))
    (tmp_path / "pub.pem").write_bytes(key.public_pem)
    command = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(tmp_path / "pub.pem"),
               "-rawin", "-in", str(tmp_path / "m.json"), "-sigfile", str(tmp_path / "m.sig")]
    ok = subprocess.run(command, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    (tmp_path / "m.json").write_bytes(data + b" ")
    assert subprocess.run(command, capture_output=True).returncode != 0
