"""``evidence timestamp verify`` and ``evidence tsa serve --help``."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.timestamping import request_timestamp, verify_token
from evidence_capture.timestamping.devtsa import DEV_TSA_LABEL, DevTSA
from tests.fixtures_tsa import load_roots

pytestmark = pytest.mark.tsa

PAYLOAD = b"the manifest bytes\n"


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def token_files(tsa_rsa: DevTSA, tmp_path: Path) -> dict[str, Path | int]:
    data = tmp_path / "manifest.json"
    data.write_bytes(PAYLOAD)
    exchange = request_timestamp(tsa_rsa.url, hashlib.sha256(PAYLOAD).digest(), timeout=10)
    tsr = tmp_path / "1.tsr"
    tsr.write_bytes(exchange.tsr)
    return {"tsr": tsr, "file": data, "ca": tsa_rsa.ca_pem_path, "nonce": exchange.nonce}


def test_verify_passes_with_file(token_files) -> None:  # type: ignore[no-untyped-def]
    result = _run("timestamp", "verify", str(token_files["tsr"]), "--file", str(token_files["file"]),
                  "--ca", str(token_files["ca"]), "--nonce", str(token_files["nonce"]))
    assert result.exit_code == 0, result.output
    assert "timestamp token: PASS" in result.output
    assert "PASS        tsa.chain" in result.output
    assert "PASS        tsa.nonce" in result.output
    assert "DEVELOPMENT TSA" in result.output


def test_verify_json_with_digest_and_no_nonce(token_files) -> None:  # type: ignore[no-untyped-def]
    digest = "sha256:" + hashlib.sha256(PAYLOAD).hexdigest()
    result = _run("timestamp", "verify", str(token_files["tsr"]), "--digest", digest,
                  "--ca", str(token_files["ca"]), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["result"] == "pass"
    assert report["checks"]["tsa.nonce"] == "not-checked"  # no --nonce: never reported as pass
    assert report["checks"]["tsa.ess_cert_id"] == "pass"
    assert report["info"]["message_imprint"] == digest
    assert report["info"]["nonce"] == str(token_files["nonce"])
    assert report["development_tsa"] is True


def test_attack_token_over_other_file_fails_naming_imprint(token_files, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "other.json"
    other.write_bytes(PAYLOAD + b"x")
    result = _run("timestamp", "verify", str(token_files["tsr"]), "--file", str(other),
                  "--ca", str(token_files["ca"]), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["failed_check"] == "tsa.imprint"
    assert report["checks"]["tsa.nonce"] == "not-checked"
    assert report["checks"]["tsa.chain"] == "not-checked"


def test_attack_untrusted_root_fails_naming_chain(token_files, tsa_ec: DevTSA) -> None:  # type: ignore[no-untyped-def]
    result = _run("timestamp", "verify", str(token_files["tsr"]), "--file", str(token_files["file"]),
                  "--ca", str(tsa_ec.ca_pem_path))
    assert result.exit_code == 1
    assert "FAIL        tsa.chain" in result.output
    assert "[tsa.chain]" in result.output


def test_bare_token_from_openssl_is_accepted(token_files, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bare = tmp_path / "token.der"
    subprocess.run(["openssl", "ts", "-reply", "-in", str(token_files["tsr"]), "-token_out",
                    "-out", str(bare)], check=True, capture_output=True)
    result = _run("timestamp", "verify", str(bare), "--file", str(token_files["file"]),
                  "--ca", str(token_files["ca"]))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "exactly one of --file and --digest"),
        (["--digest", "abc"], "ALG:HEX"),
        (["--digest", "sha384:" + "ab" * 32], "ALG:HEX"),
        (["--file", "/nonexistent/file"], "does not exist"),
    ],
)
def test_bad_input_exits_2(token_files, extra: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    result = _run("timestamp", "verify", str(token_files["tsr"]), "--ca", str(token_files["ca"]), *extra)
    assert result.exit_code == 2
    assert message in result.output


def test_bad_ca_bundle_exits_2(token_files, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "ca.pem"
    bad.write_text("not a certificate\n")
    result = _run("timestamp", "verify", str(token_files["tsr"]), "--file", str(token_files["file"]),
                  "--ca", str(bad))
    assert result.exit_code == 2
    assert "not a PEM bundle" in result.output


def test_garbage_token_fails_format(token_files, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    junk = tmp_path / "junk.tsr"
    junk.write_bytes(b"<html>not a token</html>")
    result = _run("timestamp", "verify", str(junk), "--file", str(token_files["file"]),
                  "--ca", str(token_files["ca"]), "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["failed_check"] == "tsa.format"


def test_tsa_serve_help_says_development() -> None:
    result = _run("tsa", "serve", "--help")
    assert result.exit_code == 0
    for option in ("--port", "--key-type", "--dir", "--json"):
        assert option in result.output
    assert "DEVELOPMENT TSA" in result.output
    assert DEV_TSA_LABEL in " ".join(_run("tsa", "--help").output.split())


@pytest.mark.parametrize("key_type", ["ec", "sm2"])
def test_tsa_serve_runs_until_interrupted(key_type: str, tmp_path: Path) -> None:
    """The real command in a subprocess: serves, grants a verifiable token, stops on Ctrl-C."""
    process = subprocess.Popen(
        [sys.executable, "-m", "evidence_capture", "tsa", "serve", "--key-type", key_type, "--json",
         "--dir", str(tmp_path / "dev")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        for line in process.stdout:  # type: ignore[union-attr]
            lines.append(line)
            if line.rstrip() == "}":
                break
        info = json.loads("".join(lines))
        digest = hashlib.sha256(PAYLOAD).digest()
        exchange = request_timestamp(info["url"], digest, timeout=10)
        token = verify_token(exchange.tsr, digest=digest, nonce=exchange.nonce,
                             roots=load_roots(Path(info["ca_pem"])))
        assert "DEVELOPMENT TSA" in token.tsa_name
        assert (token.signature_algorithm == "sm2-with-sm3") == (key_type == "sm2")
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert DEV_TSA_LABEL in stderr


@pytest.mark.parametrize("command", [["capture", "http://127.0.0.1:9/item", "--allow-private"],
                                     ["timestamp", "--pending"]])
def test_malformed_tsa_url_stops_before_any_capture(command, evidence_home, monkeypatch) -> None:
    monkeypatch.setenv("EVIDENCE_TSA_URL", "http://[::1")
    result = CliRunner().invoke(app, command, catch_exceptions=False)
    assert result.exit_code == 2 and "EVIDENCE_TSA_URL" in result.output
    assert not (evidence_home / "captures").exists()


CORPUS = Path(__file__).parent / "fixtures" / "tokens"


def _json(*args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = CliRunner().invoke(app, [*args, "--json"], catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def test_json_on_every_outcome(token_files, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """--json prints one JSON document whether the token passes, fails a check or the input is bad."""
    tsr, ca = str(token_files["tsr"]), str(token_files["ca"])
    code, record = _json("timestamp", "verify", tsr, "--file", str(token_files["file"]), "--ca", ca)
    assert (code, record["result"]) == (0, "pass")
    code, record = _json("timestamp", "verify", tsr, "--digest", "00" * 32, "--ca", ca)
    assert (code, record["result"], record["failed_check"]) == (1, "fail", "tsa.imprint")
    garbage = tmp_path / "garbage.tsr"
    garbage.write_bytes(b"\x30\x03\x02\x01\x00junk")
    code, record = _json("timestamp", "verify", str(garbage), "--digest", "00" * 32, "--ca", ca)
    assert (code, record["failed_check"]) == (1, "tsa.format")
    code, record = _json("timestamp", "verify", tsr, "--digest", "xyz", "--ca", ca)
    assert code == 2 and "ALG:HEX" in record["error"]["message"]
    code, record = _json("timestamp", "verify", tsr, "--digest", "00" * 32)
    assert code == 2 and "EVIDENCE_TSA_CA" in json.dumps(record["error"])
    code, record = _json("timestamp", "verify", str(tmp_path / "missing.tsr"), "--digest", "00" * 32, "--ca", ca)
    assert code == 2 and "error" in record


def test_file_is_hashed_with_the_token_imprint_algorithm() -> None:
    """sigstore's SHA-512 token over `hello`: --file hashes with SHA-512, --digest names it."""
    token, data = CORPUS / "sigstore-tsa" / "sigstage-sha512.tsr", CORPUS / "sigstore-tsa" / "hello"
    ca = str(CORPUS / "sigstore-tsa" / "sigstage-sha512.ca.pem")
    code, record = _json("timestamp", "verify", str(token), "--file", str(data), "--ca", ca)
    assert (code, record["info"]["hash_algorithm"]) == (0, "sha512")
    digest = "sha512:" + hashlib.sha512(b"hello").hexdigest()
    assert _json("timestamp", "verify", str(token), "--digest", digest, "--ca", ca)[0] == 0
    code, record = _json("timestamp", "verify", str(token), "--digest", hashlib.sha256(b"hello").hexdigest(),
                         "--ca", ca)
    assert (code, record["failed_check"]) == (1, "tsa.imprint")


def test_token_without_certificates_needs_untrusted(monkeypatch: pytest.MonkeyPatch) -> None:
    token, data = CORPUS / "sigstore-tsa" / "sigstage-no-embedded-cert.tsr", CORPUS / "sigstore-tsa" / "hello"
    base = ["timestamp", "verify", str(token), "--file", str(data),
            "--ca", str(CORPUS / "sigstore-tsa" / "sigstage-no-embedded-cert.ca.pem")]
    code, record = _json(*base)
    assert (code, record["failed_check"]) == (1, "tsa.signature")
    chain = CORPUS / "sigstore-tsa" / "sigstage-no-embedded-cert.untrusted.pem"
    assert _json(*base, "--untrusted", str(chain))[0] == 0
    monkeypatch.setenv("EVIDENCE_TSA_CHAIN", str(chain))
    assert _json(*base)[0] == 0


def test_help_states_the_eku_policy() -> None:
    result = CliRunner().invoke(app, ["timestamp", "verify", "--help"], env={"COLUMNS": "200"})
    assert "critical" in result.output and "EVIDENCE_TSA_CHAIN" in result.output
