"""What `seal_capture` writes: canonical manifest bytes, a raw Ed25519 signature, the public key."""

from __future__ import annotations

import shutil
import subprocess

from evidence_capture.manifests.canonical import canonical_bytes, parse_canonical
from evidence_capture.manifests.seal import PENDING, UNSEALED, TsaConfig, find_pending, seal_capture, seal_state
from tests.conftest import require_or_skip


def test_seal_writes_canonical_manifest_signature_and_key(capture_folder, station_key) -> None:
    assert seal_state(capture_folder) == UNSEALED
    result = seal_capture(capture_folder, key=station_key, tsa=TsaConfig())
    data = (capture_folder / "manifest.json").read_bytes()
    record = parse_canonical(data)
    assert canonical_bytes(record) == data
    assert record["signer"] == {"algorithm": "ed25519", "fingerprint": station_key.fingerprint}
    assert record["dev_tsa_warning"] is None and record["capture_id"] == capture_folder.name
    assert len((capture_folder / "manifest.sig").read_bytes()) == 64
    assert (capture_folder / "signer.pub.pem").read_bytes() == station_key.public_pem
    assert result.state == PENDING and find_pending(capture_folder.parent) == [capture_folder]
    assert not list(capture_folder.glob(".*partial"))


def test_sealed_manifest_signature_verified_by_openssl(capture_folder, station_key) -> None:
    """OpenSSL, an independent Ed25519 implementation, accepts the stored seal files."""
    require_or_skip(shutil.which("openssl") is not None, "openssl CLI not installed")
    seal_capture(capture_folder, key=station_key, tsa=TsaConfig())
    command = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(capture_folder / "signer.pub.pem"),
               "-rawin", "-in", str(capture_folder / "manifest.json"),
               "-sigfile", str(capture_folder / "manifest.sig")]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0 and "Signature Verified Successfully" in done.stdout, done.stderr
