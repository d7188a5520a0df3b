"""Fixtures for the store and packages: a station key and synthetic sealed captures.

The capture folders follow docs/ARCHITECTURE.md exactly (artifacts, RFC 8785
manifest.json, raw Ed25519 manifest.sig, signer.pub.pem), built with the
real primitives, so ``verify_capture`` checks them like any other capture.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from evidence_capture.config import load_settings
from evidence_capture.storage import StationSigner, Store
from evidence_capture.storage.completion import ingest_sealed_folder
from evidence_capture.timeutil import iso_utc, utcnow

ARTIFACTS = {
    "screenshot.png": ("image/png", b"\x89PNG\r\n\x1a\n" + b"pixels" * 50),
    "response.html": ("text/html", "<html><body>店铺 shop</body></html>".encode()),
    "provenance.json": ("application/json", b'{"schema": "evidence-capture/provenance/1"}'),
}


def _digests(data: bytes) -> dict[str, object]:
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "sm3": hashlib.new("sm3", data).hexdigest()}


def write_sealed_capture(folder: Path, capture_id: str, signer: StationSigner,
                         key: Ed25519PrivateKey, *, case: dict | None = None) -> bytes:
    """Write a sealed capture folder; returns the manifest bytes."""
    folder.mkdir(parents=True)
    entries = []
    for name, (media_type, data) in ARTIFACTS.items():
        (folder / name).write_bytes(data)
        entries.append({"path": name, "media_type": media_type, **_digests(data)})
    now = iso_utc(utcnow())
    manifest = {
        "schema": "evidence-capture/manifest/1", "capture_id": capture_id, "case": case,
        "officers": [{"name": "张三", "cert_no": "A-1"}, {"name": "李四", "cert_no": "B-2"}],
        "requested_url": "http://127.0.0.1/shop", "final_url": "http://127.0.0.1/shop",
        "started_at": now, "ended_at": now, "state": "COMPLETE", "warnings": [],
        "artifacts": entries, "provenance": {}, "environment": {},
        "signer": {"algorithm": "ed25519", "fingerprint": signer.fingerprint},
        "sealed_at": now, "dev_tsa_warning": None,
    }
    raw = rfc8785.dumps(manifest)
    (folder / "manifest.json").write_bytes(raw)
    (folder / "manifest.sig").write_bytes(key.sign(raw))
    (folder / "signer.pub.pem").write_bytes(signer.public_pem)
    return raw


def new_capture_id() -> str:
    return utcnow().strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(4)


@pytest.fixture
def station_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def station_signer(station_private_key) -> StationSigner:
    return StationSigner.from_private_key(station_private_key)


@pytest.fixture
def store(station_signer) -> Store:
    return Store(load_settings(), signer=station_signer)


@pytest.fixture
def stored_capture(store, station_signer, station_private_key):
    """A factory: a complete, sealed capture in ``store`` (optionally in a case)."""

    def make(case_id: str | None = None) -> str:
        capture_id = new_capture_id()
        folder = store.begin_capture(capture_id, url="http://127.0.0.1/shop", case_id=case_id)
        write_sealed_capture(folder, capture_id, station_signer, station_private_key,
                             case={"case_id": case_id} if case_id else None)
        ingest_sealed_folder(store, capture_id)
        return capture_id

    return make
