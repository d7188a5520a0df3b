"""The exporting station's signature over package.json (data/package.sig).

The attacker here holds only the zip (no export receipt): every forgery must
fail offline verification, strict or not, and be refused by import.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from evidence_capture.config import load_settings
from evidence_capture.manifests.canonical import canonical_bytes, parse_canonical
from evidence_capture.packages import layout
from evidence_capture.packages.verify_pkg import receipt_path, verify_package
from evidence_capture.storage import Store
from evidence_capture.storage.chain import key_fingerprint, record_to_json
from evidence_capture.timestamping.verify import load_tsa_roots
from tests.conftest import require_or_skip
from tests.fixtures_store import rehashed_package
from tests.test_package_forgery import _attacker_key
from tests.test_packages import _cli, _second_station


def _redact_capture(data: Path, capture_id: str) -> None:
    """Turn every custody event about ``capture_id`` into a hash-only link (the chain still verifies)."""
    records = layout.read_custody(data / layout.CUSTODY)

    def about(rec: dict[str, Any]) -> bool:
        listed = (rec.get("details") or {}).get("captures") or ()
        return not rec.get("redacted") and (rec["object"]["id"] == capture_id or capture_id in listed)

    lines = [layout.redact(rec) if about(rec) else rec for rec in records]
    (data / layout.CUSTODY).write_text("".join(record_to_json(r) + "\n" for r in lines), "utf-8")


def _drop_capture(data: Path, *, edit_index: bool = True) -> dict[str, Any]:
    index = json.loads((data / layout.INDEX).read_bytes())
    dropped = index["captures"].pop()["capture_id"]
    if edit_index:
        (data / layout.INDEX).write_bytes(canonical_bytes(index))
    shutil.rmtree(data / "captures" / dropped)
    shutil.rmtree(data / "tsa" / dropped, ignore_errors=True)
    _redact_capture(data, dropped)
    return index


def _statuses(package: Path, station_key, tsa_rsa, *, strict: bool = False) -> dict[str, Any]:
    report = verify_package(package, trusted_keys=[station_key.public_key], strict=strict,
                            tsa_roots=load_tsa_roots(tsa_rsa.ca_pem_path))
    assert not receipt_path(package).exists()  # the attacker has only the zip
    return {"ok": report.ok(), **{c.name: c for c in report.checks}}


def _import_refused(package: Path, tmp_path, monkeypatch, *args: str) -> str:
    _second_station(tmp_path, monkeypatch)
    result = _cli("import", str(package), *args)
    assert result.exit_code == 1, result.output
    settings = load_settings()
    store = Store(settings)
    assert store.list_cases() == []
    assert [e for e in store.custody_log() if e["type"] == "imported"] == []
    captures = settings.captures_dir
    assert not captures.exists() or [p for p in captures.iterdir()] == []
    return result.output


def test_package_index_is_canonical_and_signed_by_the_station(exported_case, station_key, tsa_rsa):
    with zipfile.ZipFile(exported_case) as archive:
        raw = archive.read("evidence-CASE-7/data/package.json")
        signature = archive.read("evidence-CASE-7/data/package.sig")
    index = parse_canonical(raw)  # raises unless RFC 8785 canonical
    station_key.public_key.verify(signature, raw)
    assert index["case"]["case_id"] == "CASE-7" and len(index["captures"]) == 2
    assert all(c["manifest_sha256"] for c in index["captures"])
    assert {"first_seq", "last_seq", "last_hash"} <= set(index["custody"])
    report = verify_package(exported_case, trusted_keys=[station_key.public_key], strict=True,
                            tsa_roots=load_tsa_roots(tsa_rsa.ca_pem_path))
    check = report.report.get("index.signature")
    assert check.status.value == "pass" and station_key.fingerprint in check.reason
    assert report.ok()


def test_index_signature_with_only_the_shipped_key_is_not_checked(exported_case, tsa_rsa):
    report = verify_package(exported_case, tsa_roots=load_tsa_roots(tsa_rsa.ca_pem_path))
    check = report.report.get("index.signature")
    assert check.status.value == "not-checked" and "shipped" in check.reason
    assert not report.ok() and report.report.signer_untrusted()


def test_attack_capture_removed_from_a_package_without_its_receipt(
        exported_case, station_key, public_key_pem, tsa_rsa, tmp_path, monkeypatch):
    forged = rehashed_package(exported_case, tmp_path / "forged.zip", _drop_capture)
    for strict in (False, True):
        statuses = _statuses(forged, station_key, tsa_rsa, strict=strict)
        assert statuses["bag"].status.value == "pass"
        assert statuses["custody.chain"].status.value == "pass"  # the redacted links still link
        assert statuses["custody.export"].status.value == "not-checked"  # no receipt
        assert statuses["index.signature"].status.value == "fail"
        assert not statuses["ok"]
    cli = _cli("verify", str(forged), "--trust-key", str(public_key_pem), "--tsa-ca",
               str(tsa_rsa.ca_pem_path))
    assert cli.exit_code == 1
    assert "index.signature" in _import_refused(forged, tmp_path, monkeypatch,
                                                "--trust-key", str(public_key_pem))


def test_attack_capture_removed_under_the_genuine_signed_index(exported_case, station_key, tsa_rsa,
                                                               tmp_path):
    forged = rehashed_package(exported_case, tmp_path / "forged.zip",
                              lambda data: _drop_capture(data, edit_index=False))
    statuses = _statuses(forged, station_key, tsa_rsa)
    assert statuses["index.signature"].status.value == "pass"
    assert statuses["index.captures"].status.value == "fail"
    assert "listed only" in statuses["index.captures"].reason
    assert not statuses["ok"]


def test_attack_custody_chain_shortened_under_the_signed_index(exported_case, station_key, tsa_rsa,
                                                               tmp_path):
    for end, words in ((slice(1, None), "does not start"), (slice(None, -1), "does not end")):
        def cut(data: Path, end: slice = end) -> None:
            lines = (data / layout.CUSTODY).read_text("utf-8").splitlines(keepends=True)
            (data / layout.CUSTODY).write_text("".join(lines[end]), "utf-8")

        forged = rehashed_package(exported_case, tmp_path / f"cut-{words[-5:]}.zip", cut)
        statuses = _statuses(forged, station_key, tsa_rsa)
        assert statuses["index.signature"].status.value == "pass"
        assert statuses["custody.coverage"].status.value == "fail"
        assert words in statuses["custody.coverage"].reason
        assert not statuses["ok"]


def test_attack_package_index_signed_by_a_shipped_key(
        exported_case, station_key, public_key_pem, tsa_rsa, tmp_path, monkeypatch):
    held: dict[str, Ed25519PrivateKey] = {}

    def resign(data: Path) -> None:
        index = _drop_capture(data, edit_index=False)
        key = held["key"] = _attacker_key(data)
        index["station"]["fingerprint"] = key_fingerprint(key.public_key())
        raw = canonical_bytes(index)
        (data / layout.INDEX).write_bytes(raw)
        (data / "package.sig").write_bytes(key.sign(raw))

    forged = rehashed_package(exported_case, tmp_path / "forged.zip", resign)
    for strict in (False, True):
        statuses = _statuses(forged, station_key, tsa_rsa, strict=strict)
        assert statuses["index.captures"].status.value == "pass"  # consistent with the forged index
        assert statuses["index.signature"].status.value in ("not-checked", "fail")
        assert not statuses["ok"]
    attacker = key_fingerprint(held["key"].public_key())
    reason = statuses["index.signature"].reason
    assert attacker in reason and "last custody event" in reason
    assert "index.signature" in _import_refused(forged, tmp_path, monkeypatch,
                                                "--trust-key", str(public_key_pem))
    refused = _cli("import", str(forged), "--accept-untrusted-key")
    assert refused.exit_code == 1 and "index.signature" in refused.output
    assert Store(load_settings()).list_cases() == []


def test_attack_flipped_byte_in_package_sig(exported_case, station_key, public_key_pem, tsa_rsa,
                                            tmp_path, monkeypatch):
    def flip(data: Path) -> None:
        signature = bytearray((data / "package.sig").read_bytes())
        signature[17] ^= 0x01
        (data / "package.sig").write_bytes(bytes(signature))

    forged = rehashed_package(exported_case, tmp_path / "flipped.zip", flip)
    statuses = _statuses(forged, station_key, tsa_rsa)
    assert statuses["index.signature"].status.value == "fail"
    assert "does not verify" in statuses["index.signature"].reason and not statuses["ok"]
    assert "index.signature" in _import_refused(forged, tmp_path, monkeypatch,
                                                "--trust-key", str(public_key_pem))


def test_attack_package_sig_removed(exported_case, station_key, tsa_rsa, tmp_path):
    forged = rehashed_package(exported_case, tmp_path / "unsigned.zip",
                              lambda data: (data / "package.sig").unlink())
    check = _statuses(forged, station_key, tsa_rsa)["index.signature"]
    assert check.status.value == "fail" and "no data/package.sig" in check.reason


def test_openssl_verifies_package_sig_with_the_exported_station_key(exported_case, tmp_path):
    require_or_skip(shutil.which("openssl") is not None, "openssl is not installed")
    pinned = tmp_path / "station.pub.pem"
    assert _cli("keys", "export-public", "-o", str(pinned)).exit_code == 0
    with zipfile.ZipFile(exported_case) as archive:
        archive.extractall(tmp_path / "unzipped")
    data = tmp_path / "unzipped" / "evidence-CASE-7" / "data"
    readme = (data.parent / "README.txt").read_text("utf-8")
    assert "-in data/package.json -sigfile data/package.sig" in readme
    done = subprocess.run(
        ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(pinned), "-rawin",
         "-in", str(data / "package.json"), "-sigfile", str(data / "package.sig")],
        capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "Signature Verified Successfully" in done.stdout
    (data / "package.json").write_bytes((data / "package.json").read_bytes().replace(
        b'"CASE-7"', b'"CASE-8"'))
    tampered = subprocess.run(
        ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(pinned), "-rawin",
         "-in", str(data / "package.json"), "-sigfile", str(data / "package.sig")],
        capture_output=True, text=True, check=False)
    assert tampered.returncode != 0
