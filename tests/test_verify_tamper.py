"""The tamper matrix for artifacts, manifest and signature: each attack names the check it trips."""

from __future__ import annotations

import json
import shutil

import pytest

from evidence_capture.manifests.canonical import canonical_bytes
from evidence_capture.manifests.seal import TsaConfig, seal_capture
from evidence_capture.verify.checks import CheckStatus
from evidence_capture.verify.runner import verify_capture
from tests.fixtures_capture_folder import ARTIFACT_NAMES


@pytest.fixture
def sealed(capture_folder, station_key):
    """A capture sealed by the station key, without TSAs (tokens are covered in test_verify_tsa)."""
    seal_capture(capture_folder, key=station_key, tsa=TsaConfig())
    return capture_folder


def _verify(folder, key, **kwargs):
    return verify_capture(folder, trusted_keys=[key.public_key], **kwargs)


def _failed(report) -> set[str]:
    return {check.name for check in report.with_status(CheckStatus.FAIL)}


def _flip(path, offset: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    index = len(data) // 2 if offset is None else offset
    data[index] ^= 0x01
    path.write_bytes(bytes(data))


def test_untampered_capture_passes(sealed, station_key) -> None:
    report = _verify(sealed, station_key)
    assert _failed(report) == set()
    assert report.get("signature").status is CheckStatus.PASS
    assert report.get("time.http_date").status is CheckStatus.PASS
    assert report.get("timestamps").status is CheckStatus.NOT_CHECKED  # no TSA: never a pass
    assert report.ok() and not report.ok(strict=True)


@pytest.mark.parametrize("artifact", ARTIFACT_NAMES)
def test_attack_one_byte_flipped_in_artifact(sealed, station_key, artifact: str) -> None:
    _flip(sealed / artifact)
    report = _verify(sealed, station_key)
    assert _failed(report) == {f"artifact:{artifact}"}
    assert "SHA-256 and SM3 differ" in report.get(f"artifact:{artifact}").reason
    assert not report.ok()


def test_attack_har_dates_not_used_after_tamper(sealed, station_key) -> None:
    _flip(sealed / "network.har")
    assert _verify(sealed, station_key).get("time.http_date").status is CheckStatus.NOT_CHECKED


def test_attack_artifact_deleted(sealed, station_key) -> None:
    (sealed / "page.pdf").unlink()
    report = _verify(sealed, station_key)
    assert _failed(report) == {"artifacts.present", "artifact:page.pdf"}


def test_attack_unlisted_file_added(sealed, station_key) -> None:
    (sealed / "tls" / "evil.example.pem").write_text("x")
    report = _verify(sealed, station_key)
    assert _failed(report) == {"artifacts.unlisted"}
    assert "tls/evil.example.pem" in report.get("artifacts.unlisted").reason


def test_attack_unlisted_file_in_timestamps_dir(sealed, station_key) -> None:
    (sealed / "timestamps").mkdir(exist_ok=True)
    (sealed / "timestamps" / "notes.txt").write_text("x")
    assert _failed(_verify(sealed, station_key)) == {"artifacts.unlisted"}


def test_attack_symlink_replaces_artifact(sealed, station_key, tmp_path) -> None:
    copy = tmp_path / "copy.html"
    shutil.copy(sealed / "dom.html", copy)
    (sealed / "dom.html").unlink()
    (sealed / "dom.html").symlink_to(copy)
    assert "artifact:dom.html" in _failed(_verify(sealed, station_key))


def test_attack_one_byte_flipped_in_manifest_json(sealed, station_key) -> None:
    data = (sealed / "manifest.json").read_bytes()
    offset = data.index(b'"requested_url":"https://') + len(b'"requested_url":"https://')
    _flip(sealed / "manifest.json", offset)  # still valid canonical JSON: only the signature can tell
    report = _verify(sealed, station_key)
    assert _failed(report) == {"signature"}


def test_attack_manifest_json_made_unparseable(sealed, station_key) -> None:
    _flip(sealed / "manifest.json", 0)
    report = _verify(sealed, station_key)
    assert _failed(report) == {"manifest.parse", "signature"}


def test_attack_manifest_reserialised_non_canonically(sealed, station_key) -> None:
    import json

    record = json.loads((sealed / "manifest.json").read_bytes())
    (sealed / "manifest.json").write_text(json.dumps(record, indent=1))
    assert {"manifest.parse", "signature"} <= _failed(_verify(sealed, station_key))


@pytest.mark.parametrize("offset", [0, 31, 63])
def test_attack_one_byte_flipped_in_manifest_sig(sealed, station_key, offset: int) -> None:
    _flip(sealed / "manifest.sig", offset)
    assert _failed(_verify(sealed, station_key)) == {"signature"}


def test_attack_manifest_signed_by_another_key(sealed, station_key, other_key) -> None:
    """The attacker edits the manifest, re-signs it and ships their own public key."""
    import json

    record = json.loads((sealed / "manifest.json").read_bytes())
    record["final_url"] = "https://shop.test/innocent"
    record["signer"]["fingerprint"] = other_key.fingerprint
    data = canonical_bytes(record)
    (sealed / "manifest.json").write_bytes(data)
    (sealed / "manifest.sig").write_bytes(other_key.sign(data))
    (sealed / "signer.pub.pem").write_bytes(other_key.public_pem)
    report = _verify(sealed, station_key)
    assert _failed(report) == {"signature"}
    assert "not trusted" in report.get("signature").reason


def test_shipped_key_alone_is_not_trusted(sealed) -> None:
    """Without a pinned or station key, a valid signature is 'not trusted', never a pass."""
    report = verify_capture(sealed, trusted_keys=[])
    signature = report.get("signature")
    assert signature.status is CheckStatus.NOT_CHECKED and "not trusted" in signature.reason
    assert not report.ok(strict=True)


def test_signer_fingerprint_must_match_manifest(sealed, station_key, other_key) -> None:
    import json

    record = json.loads((sealed / "manifest.json").read_bytes())
    record["signer"]["fingerprint"] = other_key.fingerprint
    data = canonical_bytes(record)
    (sealed / "manifest.json").write_bytes(data)
    (sealed / "manifest.sig").write_bytes(station_key.sign(data))
    # signer.pub.pem and the .tsq no longer match the rewritten manifest either
    assert _failed(_verify(sealed, station_key)) == {"signature", "artifacts.unlisted"}


def test_attack_manifest_deleted(sealed, station_key) -> None:
    (sealed / "manifest.json").unlink()
    report = _verify(sealed, station_key)
    assert _failed(report) == {"manifest.parse", "signature"}
    assert report.get("artifacts").status is CheckStatus.NOT_CHECKED


@pytest.mark.parametrize("name,data", [
    ("99.json", b"\x00any bytes at all"),
    ("98.tsq", b"hidden payload"),
    ("1.tsr\n", b"hidden payload"),
    ("\u0663.tsr", b"hidden payload"),  # an Arabic-Indic digit three
    ("7.json", json.dumps({"url": "http://tsa.test/", "state": "failed", "secret": "hidden"}).encode()),
])
def test_attack_hidden_data_in_timestamp_slot_files(sealed, station_key, name, data) -> None:
    (sealed / "timestamps").mkdir(exist_ok=True)
    (sealed / "timestamps" / name).write_bytes(data)
    report = _verify(sealed, station_key)
    assert "artifacts.unlisted" in _failed(report)
    assert not report.ok()


def test_attack_trailing_newline_in_ids_is_refused() -> None:
    from evidence_capture.errors import InputError
    from evidence_capture.models import Officer
    from evidence_capture.verify.target import CAPTURE_ID

    assert CAPTURE_ID.fullmatch("20261129T031626Z-4dc46d84")
    assert not CAPTURE_ID.fullmatch("20261129T031626Z-4dc46d84\n")
    with pytest.raises(InputError):
        Officer("张伟", "SH-31010001\n")
