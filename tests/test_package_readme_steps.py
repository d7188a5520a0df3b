"""The package README's hand checks, run exactly as written (placeholders filled in) with
openssl and sha256sum: all pass on a genuine package, and they catch a tampered one."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest

TOP = "evidence-CASE-7"
_COMMAND = re.compile(r"^\s*(openssl (?:pkeyutl|ts) .*|.*&& (sha256sum -c [\w.-]+).*)$")


def _commands(readme: str) -> list[str]:
    """Every openssl pkeyutl / ts command and the sha256sum check, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", "", readme)
    found = []
    for line in joined.splitlines():
        match = _COMMAND.match(line)
        if match:
            found.append((match.group(2) or match.group(1)).strip())
    return found


def _run_steps(bag: Path, key: Path, tsa_ca: Path) -> dict[str, int]:
    capture_id = sorted(p.name for p in (bag / "data" / "captures").iterdir())[0]
    results = {}
    for command in _commands((bag / "README.txt").read_text("utf-8")):
        filled = (command.replace("<id>", capture_id).replace("PINNED-station.pub.pem", str(key))
                  .replace("TRUSTED-TSA-ROOT.pem", str(tsa_ca)))
        done = subprocess.run(filled, shell=True, cwd=bag, capture_output=True, timeout=120)
        results[command] = done.returncode
    return results


@pytest.fixture
def bag(exported_case, tmp_path) -> Path:
    with zipfile.ZipFile(exported_case) as archive:
        archive.extractall(tmp_path / "bag")
    return tmp_path / "bag" / TOP


def test_readme_steps_pass_on_a_genuine_package(bag, public_key_pem, tsa_rsa) -> None:
    results = _run_steps(bag, public_key_pem, tsa_rsa.ca_pem_path)
    assert len(results) == 5, results  # sha256sum, 2 x pkeyutl, ts -verify, ts -reply
    assert all(code == 0 for code in results.values()), results
    assert any("-data data/captures/<id>/manifest.json" in c for c in results)
    assert not any("-queryfile" in c for c in results)  # a .tsq proves nothing about the data


def test_attack_readme_steps_catch_a_tampered_manifest(bag, public_key_pem, tsa_rsa) -> None:
    capture = sorted((bag / "data" / "captures").iterdir())[0]
    manifest = capture / "manifest.json"
    data = bytearray(manifest.read_bytes())
    data[data.index(b'"final_url":"') + 14] ^= 0x01
    manifest.chmod(0o644)
    manifest.write_bytes(bytes(data))
    results = _run_steps(bag, public_key_pem, tsa_rsa.ca_pem_path)
    failed = {command.split()[1] for command, code in results.items() if code != 0}
    # the bag checksum, the manifest signature and the timestamp over the manifest all fail
    assert failed == {"-c", "pkeyutl", "ts"}, results
    assert sum(1 for c, code in results.items() if "ts -verify" in c and code != 0) == 1


def test_attack_readme_timestamp_step_refuses_a_token_over_unrelated_data(
        bag, public_key_pem, tsa_rsa) -> None:
    """The attack the old ``-queryfile`` step missed: a genuine token for other bytes, with its
    own request, dropped into slot 1."""
    from evidence_capture.timestamping import request_timestamp
    import hashlib

    slots = sorted((bag / "data" / "captures").iterdir())[0] / "timestamps"
    exchange = request_timestamp(tsa_rsa.url, hashlib.sha256(b"unrelated").digest(), timeout=30)
    for suffix, blob in (("tsr", exchange.tsr), ("tsq", exchange.tsq)):
        (slots / f"1.{suffix}").chmod(0o644)
        (slots / f"1.{suffix}").write_bytes(blob)
    results = _run_steps(bag, public_key_pem, tsa_rsa.ca_pem_path)
    assert [code for c, code in results.items() if "ts -verify" in c] != [0]
