"""Forged packages that re-hash the bag and bring their own keys: none may pass or be trusted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from evidence_capture.config import load_settings
from evidence_capture.timestamping.verify import load_tsa_roots
from evidence_capture.packages.verify_pkg import receipt_path, verify_package
from evidence_capture.storage import Store
from evidence_capture.storage.artifacts import file_digests
from evidence_capture.storage.chain import event_hash_of, hash_bytes, key_fingerprint, record_to_json
from evidence_capture.storage.models import StationKeyRow
from tests.fixtures_store import rehashed_package as _rehashed
from tests.test_packages import _cli, _second_station


def _attacker_key(data: Path) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    (data / "keys" / "station-attacker.pub.pem").write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return key


def _drop_a_capture(source: Path, target: Path) -> tuple[Path, Ed25519PrivateKey, list[str]]:
    held: dict[str, object] = {}

    def edit(data: Path) -> None:
        index = json.loads((data / "package.json").read_text("utf-8"))
        dropped = index["captures"].pop()["capture_id"]
        (data / "package.json").write_text(json.dumps(index), "utf-8")
        shutil.rmtree(data / "captures" / dropped)
        shutil.rmtree(data / "tsa" / dropped, ignore_errors=True)
        held["key"], held["kept"] = _attacker_key(data), [c["capture_id"] for c in index["captures"]]

    return _rehashed(source, target, edit), held["key"], held["kept"]  # type: ignore[return-value]


def _forge_receipt(genuine: Path, forged: Path, key: Ed25519PrivateKey, captures: list[str]) -> None:
    event = json.loads(receipt_path(genuine).read_text("utf-8"))
    digest = file_digests(forged).sha256
    body = {k: v for k, v in event.items() if k not in ("event_hash", "signer", "signature")}
    body["details"] = {**body["details"], "package_sha256": digest, "captures": captures}
    body["object"] = {**body["object"], "digest": "sha256:" + digest}
    event_hash = event_hash_of(body)
    receipt_path(forged).write_text(record_to_json({
        **body, "event_hash": event_hash, "signer": key_fingerprint(key.public_key()),
        "signature": key.sign(hash_bytes(event_hash)).hex()}) + "\n", "utf-8")


def test_attack_capture_removed_and_receipt_signed_by_a_shipped_key(
        exported_case, station_key, public_key_pem, tsa_rsa, tmp_path, monkeypatch):
    forged, key, kept = _drop_a_capture(exported_case, tmp_path / "forged.zip")
    _forge_receipt(exported_case, forged, key, kept)
    report = verify_package(forged, trusted_keys=[station_key.public_key],
                            tsa_roots=load_tsa_roots(tsa_rsa.ca_pem_path), strict=True)
    statuses = {c.name: c for c in report.checks}
    assert statuses["custody.export"].status.value == "fail"
    assert "not by the station" in statuses["custody.export"].reason
    assert statuses["custody.coverage"].status.value == "fail"
    assert "not in the package" in statuses["custody.coverage"].reason
    assert not report.ok()
    _second_station(tmp_path, monkeypatch)
    result = _cli("import", str(forged), "--trust-key", str(public_key_pem))
    assert result.exit_code == 1 and "custody.export" in result.output
    assert Store(load_settings()).list_cases() == []


def test_attack_receipt_resigned_by_the_station_key_but_listing_fewer_captures(
        exported_case, station_key, tsa_rsa, tmp_path):
    """Even a receipt in the station's name must list exactly the package's captures."""
    receipt = receipt_path(exported_case)
    event = json.loads(receipt.read_text("utf-8"))
    body = {k: v for k, v in event.items() if k not in ("event_hash", "signer", "signature")}
    body["details"] = {**body["details"], "captures": body["details"]["captures"][:1]}
    event_hash = event_hash_of(body)
    receipt.write_text(record_to_json({**body, "event_hash": event_hash, "signer": event["signer"],
                                       "signature": station_key.sign(hash_bytes(event_hash)).hex()}))
    report = verify_package(exported_case, trusted_keys=[station_key.public_key],
                            tsa_roots=load_tsa_roots(tsa_rsa.ca_pem_path), strict=True)
    export = report.report.get("custody.export")
    assert export.status.value == "fail" and "lists captures" in export.reason


def test_attack_shipped_extra_key_is_never_stored_as_trusted(
        exported_case, station_key, public_key_pem, tmp_path, monkeypatch):
    held: dict[str, str] = {}

    def add_key(data: Path) -> None:
        held["fp"] = key_fingerprint(_attacker_key(data).public_key())

    extra = _rehashed(exported_case, tmp_path / "extra-key.zip", add_key)
    _second_station(tmp_path, monkeypatch)
    result = _cli("import", str(extra), "--trust-key", str(public_key_pem))
    assert result.exit_code == 1  # a key the signed index does not list: nothing is imported
    assert "artifacts.unlisted" in result.output and "keys/" in result.output
    with Store(load_settings()).transaction() as session:
        rows = {r.fingerprint: r.trusted for r in session.scalars(select(StationKeyRow))
                if r.source.startswith("imported")}
    assert held["fp"] not in rows and rows == {}


def test_attack_unpinned_station_key_accepted_at_import_is_stored_untrusted(
        exported_case, station_key, tmp_path, monkeypatch):
    _second_station(tmp_path, monkeypatch)
    assert _cli("import", str(exported_case), "--accept-untrusted-key").exit_code == 0
    with Store(load_settings()).transaction() as session:
        row = session.get(StationKeyRow, key_fingerprint(station_key.public_key))
        assert row is not None and row.trusted is False


def test_attack_package_swapped_between_hashing_and_extraction(
        exported_case, station_key, tsa_rsa, tmp_path, monkeypatch):
    """The file is replaced by a forged one just before it is unzipped: the copy already read wins."""
    from evidence_capture.packages import safezip

    forged, key, kept = _drop_a_capture(exported_case, tmp_path / "forged.zip")
    genuine_bytes, genuine_sha = exported_case.read_bytes(), file_digests(exported_case).sha256
    real_extract = safezip.extract_safely

    def swap_then_extract(zip_path, dest, limits=safezip.DEFAULT_LIMITS):  # type: ignore[no-untyped-def]
        exported_case.write_bytes(forged.read_bytes())  # the attacker's swap
        return real_extract(zip_path, dest, limits)

    monkeypatch.setattr(safezip, "extract_safely", swap_then_extract)
    report = verify_package(exported_case, trusted_keys=[station_key.public_key],
                            tsa_roots=load_tsa_roots(tsa_rsa.ca_pem_path), strict=True)
    assert exported_case.read_bytes() != genuine_bytes  # the swap did happen
    assert report.sha256 == genuine_sha and len(report.captures) == 2
    assert [c.name for c in report.checks if c.status.value != "pass"] == []


def test_attack_report_on_a_package_that_fails_verification_exits_1(exported_case, tmp_path):
    forged, _key, _kept = _drop_a_capture(exported_case, tmp_path / "forged.zip")
    out = tmp_path / "record.pdf"
    result = _cli("report", str(forged), "-o", str(out))
    assert result.exit_code == 1, result.output
    assert "does not verify" in result.output and "custody.coverage" in result.output
    assert not out.exists()
