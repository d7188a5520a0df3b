from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest

from evidence_capture.errors import InputError, StorageError
from evidence_capture.manifests.canonical import canonical_bytes, parse_canonical
from evidence_capture.manifests.hashing import hash_file
from evidence_capture.manifests.model import (ArtifactEntry, Manifest, build_manifest, check_relative_path,
                                              list_folder)
from tests.fixtures_capture_folder import ARTIFACT_NAMES, FIXED_START, write_capture_folder

GOLDEN = Path(__file__).parent / "golden" / "manifest.json"
SIGNER = {"algorithm": "ed25519", "fingerprint": "sha256:" + "ab" * 32}


def _golden_manifest(tmp_path: Path) -> Manifest:
    folder = write_capture_folder(tmp_path / "capture", started=FIXED_START,
                                  ended=FIXED_START + timedelta(seconds=42),
                                  options={"total_timeout": 120.0, "viewport_width": 1366,
                                           "max_bytes": 2**60, "ratio": 0.25})
    return build_manifest(folder, signer=SIGNER, sealed_at="2026-11-29T02:40:10.000000Z",
                          dev_tsa_warning=None)


def test_manifest_golden_canonical_form(tmp_path) -> None:
    """The canonical bytes of a fixed capture never change without us noticing."""
    data = canonical_bytes(_golden_manifest(tmp_path).as_record())
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_bytes(data)
    assert data == GOLDEN.read_bytes()
    assert b'"max_bytes":"1152921504606846976"' in data


def test_manifest_lists_every_artifact_type(capture_folder) -> None:
    manifest = build_manifest(capture_folder, signer=SIGNER, sealed_at="2026-01-01T00:00:00.000000Z")
    by_path = {entry.path: entry for entry in manifest.artifacts}
    assert sorted(by_path) == sorted(ARTIFACT_NAMES)
    assert by_path["screenshot.png"].media_type == "image/png"
    assert by_path["session.webm"].media_type == "video/webm"
    assert by_path["tls/shop.test.pem"].media_type == "application/x-pem-file"
    digests = hash_file(capture_folder / "network.har")
    assert (by_path["network.har"].sha256, by_path["network.har"].sm3) == (digests.sha256, digests.sm3)
    assert manifest.officers[1] == {"name": "李四", "cert_no": "SH-0002"}
    assert manifest.environment["hosts_sha256"] == "0" * 64


def test_manifest_record_round_trip(capture_folder) -> None:
    manifest = build_manifest(capture_folder, signer=SIGNER, sealed_at="2026-01-01T00:00:00.000000Z")
    data = canonical_bytes(manifest.as_record())
    assert Manifest.from_record(parse_canonical(data)) == manifest


def test_seal_files_are_not_artifacts(capture_folder) -> None:
    (capture_folder / "manifest.json").write_text("{}")
    (capture_folder / "timestamps").mkdir()
    (capture_folder / "timestamps" / "1.tsr").write_bytes(b"x")
    assert "manifest.json" not in list_folder(capture_folder)
    assert not any(path.startswith("timestamps/") for path in list_folder(capture_folder))


def test_symlink_is_refused_when_sealing(capture_folder) -> None:
    (capture_folder / "link.html").symlink_to("/etc/hostname")
    with pytest.raises(StorageError):
        build_manifest(capture_folder, signer=SIGNER, sealed_at="2026-01-01T00:00:00.000000Z")


def test_not_a_capture_folder(tmp_path) -> None:
    with pytest.raises(InputError, match="provenance.json"):
        build_manifest(tmp_path, signer=SIGNER, sealed_at="2026-01-01T00:00:00.000000Z")


@pytest.mark.parametrize("path", ["../etc/passwd", "/etc/passwd", "a//b", "a/./b", "a\\b", ""])
def test_attack_path_traversal_in_manifest_is_refused(path: str) -> None:
    with pytest.raises(InputError):
        check_relative_path(path)
    with pytest.raises(InputError):
        ArtifactEntry.from_record({"path": path, "media_type": "x", "size": 1, "sha256": "0" * 64, "sm3": "0" * 64})


def test_malformed_manifest_records_are_refused(capture_folder) -> None:
    record = build_manifest(capture_folder, signer=SIGNER, sealed_at="2026-01-01T00:00:00.000000Z").as_record()
    for broken in ({**record, "schema": "other/1"}, {**record, "extra": 1}, {**record, "artifacts": 5},
                   {k: v for k, v in record.items() if k != "ended_at"},
                   {**record, "artifacts": record["artifacts"] * 2}):
        with pytest.raises(InputError):
            Manifest.from_record(json.loads(json.dumps(broken)))


@pytest.mark.parametrize("field", ["started_at", "ended_at", "sealed_at"])
@pytest.mark.parametrize("value", ["2026-11-29T03:16:30", "2026-11-29T11:16:30+08:00",
                                   "yesterday", "", 1764386190])
def test_attack_naive_or_malformed_time_in_manifest_is_refused(capture_folder, field, value) -> None:
    record = build_manifest(capture_folder, signer=SIGNER,
                            sealed_at="2026-01-01T00:00:00.000000Z").as_record()
    record[field] = value
    with pytest.raises(InputError, match=field):
        Manifest.from_record(record)
