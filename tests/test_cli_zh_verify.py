"""EVIDENCE_LANG=zh: ``evidence verify`` and ``evidence timestamp verify`` speak Chinese only.

Every check reason, error, hint and warning a reader sees is a catalog message:
no English sentence (three or more ASCII words in a row, once URLs, paths, hex,
OIDs, base64, distinguished names and known identifiers are taken out) and no
exception text.  ``--json`` keeps each reason's catalog ``key`` and ``params``.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.errors import Msg
from evidence_capture.i18n import has_key
from evidence_capture.manifests.seal import TsaConfig, seal_capture
from tests.fixtures_tsa import load_roots

pytestmark = pytest.mark.tsa

CORPUS = Path(__file__).parent / "fixtures" / "tokens"

# What may stand in Chinese text as it is: identifiers, never sentences.
_IDENTIFIERS = [
    r"https?://\S+",  # URLs
    r"(?:~|\.{1,2})?/[\w./+-]+",  # paths
    r"\b(?:sha256|sha384|sha512|sm3):[0-9a-f]+",  # digests
    r"\b[0-9a-fA-F]{8,}\b",  # hex (fingerprints, serials)
    r"\b\d+(?:\.\d+){2,}\b",  # OIDs
    r"[A-Za-z0-9+/]{24,}={0,2}",  # base64
    r"\bRFC \d+\b", r"\bSHA-\d+\b", r"\bDEVELOPMENT TSA\b",
    r"`evidence [^`]*`", r"\bevidence (?:tsa serve|keys init)\b", r"--[a-z-]+", r"\bEVIDENCE_[A-Z_]+\b",
]
# Parameters that hold names from certificates and the like: identifiers, removed from the text.
_NAME_PARAMS = ("tsa", "tsa_name", "cert", "issuer", "subject", "signer", "claimed", "path", "folder", "target", "url")
_ENGLISH = re.compile(r"\b[A-Za-z]+(?:[ ]+[A-Za-z]+){2,}\b")


def english_sentences(text: str, names: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """Runs of three or more ASCII words left once identifiers (and ``names``) are removed."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    for pattern in _IDENTIFIERS:
        text = re.sub(pattern, " ", text)
    return _ENGLISH.findall(text)


def _zh(monkeypatch: pytest.MonkeyPatch, *args: str, lang: str = "zh"):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("EVIDENCE_LANG", lang)
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def _assert_english_has_sentences(monkeypatch: pytest.MonkeyPatch, *args: str) -> None:
    """The same command in English does say sentences: the detector is not blind."""
    assert english_sentences(_zh(monkeypatch, *args, lang="en").output)


def test_english_sentence_detector() -> None:
    assert english_sentences("the signature does not verify") == ["the signature does not verify"]
    name = "CN=Evidence Capture DEVELOPMENT TSA (rsa),O=Dev"
    assert english_sentences(f"由 {name} 签发", {name}) == []
    assert english_sentences(f"{name} is not trusted", {name}) == ["is not trusted"]
    assert english_sentences("通过 artifact:page.pdf 1234 字节；SHA-256 和 SM3 均相符") == []



def _names(record: Any) -> set[str]:
    """Every identifier parameter (``_NAME_PARAMS``) anywhere in a ``--json`` record."""
    found: set[str] = set()
    if isinstance(record, dict):
        for name, value in record.items():
            if name in _NAME_PARAMS and isinstance(value, str):
                found.add(value)
            found |= _names(value)
    elif isinstance(record, list):
        for item in record:
            found |= _names(item)
    return found


def _assert_chinese(text: str, names: set[str]) -> None:
    assert text.strip()
    assert english_sentences(text, names) == [], text
    assert "Traceback" not in text and "Error:" not in text


def _assert_catalog_reasons(report: dict[str, Any]) -> None:
    """Each check record keeps its catalog key and parameters next to the English reason."""
    for check in report["checks"]:
        assert has_key(check["key"]), check
        message = Msg.from_record(check)
        assert message.render("en") == check["reason"]
        assert english_sentences(message.render("zh"), _names(check)) == [], check


@pytest.fixture
def sealed_folder(capture_folder, station_key, tsa_rsa):  # type: ignore[no-untyped-def]
    roots = tuple(load_roots(tsa_rsa.ca_pem_path))
    result = seal_capture(capture_folder, key=station_key, tsa=TsaConfig(urls=(tsa_rsa.url,), roots=roots))
    assert result.state == "timestamped", result.as_record()
    return capture_folder


def _verify_zh(monkeypatch, folder: Path, ca: Path, *extra: str) -> tuple[int, str, dict[str, Any]]:  # type: ignore[no-untyped-def]
    args = ("verify", str(folder), "--tsa-ca", str(ca), *extra)
    text = _zh(monkeypatch, *args)
    record = _zh(monkeypatch, *args, "--json")
    assert text.exit_code == record.exit_code
    report = json.loads(record.stdout)
    _assert_catalog_reasons(report)
    _assert_chinese(text.output, _names(report))
    _assert_english_has_sentences(monkeypatch, *args)
    return text.exit_code, text.output, report


def _failed(report: dict[str, Any]) -> set[str]:
    return {check["name"] for check in report["checks"] if check["status"] == "fail"}


def test_verify_good_capture_in_chinese(sealed_folder, tsa_rsa, monkeypatch) -> None:
    code, text, report = _verify_zh(monkeypatch, sealed_folder, tsa_rsa.ca_pem_path)
    assert code == 0 and report["ok"] is True
    assert "校验通过" in text and "可信密钥" in text and "开发用时间戳服务" in text


def test_attack_changed_artifact_byte_reported_in_chinese(sealed_folder, tsa_rsa, monkeypatch) -> None:
    page = sealed_folder / "page.pdf"
    data = bytearray(page.read_bytes())
    data[-1] ^= 0x01
    page.write_bytes(bytes(data))
    code, text, report = _verify_zh(monkeypatch, sealed_folder, tsa_rsa.ca_pem_path)
    assert code == 1 and _failed(report) == {"artifact:page.pdf"}
    assert "SHA-256和SM3与清单不符" in text and "校验未通过" in text
    assert report["checks"][[c["name"] for c in report["checks"]].index("artifact:page.pdf")]["key"] \
        == "verify.artifact.differ"


def test_attack_broken_manifest_signature_reported_in_chinese(sealed_folder, tsa_rsa, monkeypatch) -> None:
    signature = sealed_folder / "manifest.sig"
    data = bytearray(signature.read_bytes())
    data[0] ^= 0x01
    signature.write_bytes(bytes(data))
    code, text, report = _verify_zh(monkeypatch, sealed_folder, tsa_rsa.ca_pem_path)
    assert code == 1 and "signature" in _failed(report)
    assert "签名与 manifest.json 不符" in text


def test_attack_wrong_key_pinned_reported_in_chinese(sealed_folder, tsa_rsa, other_key, evidence_home,
                                                     tmp_path, monkeypatch) -> None:
    for path in (evidence_home / "keys").iterdir():  # another machine: no local station key
        path.unlink()
    pinned = tmp_path / "other.pub.pem"
    pinned.write_bytes(other_key.public_pem)
    code, text, report = _verify_zh(monkeypatch, sealed_folder, tsa_rsa.ca_pem_path, "--trust-key", str(pinned))
    assert code == 1 and _failed(report) == {"signature"}
    assert "未被信任" in text


def test_attack_tampered_token_reported_in_chinese(sealed_folder, tsa_rsa, monkeypatch) -> None:
    token = sealed_folder / "timestamps" / "1.tsr"
    data = bytearray(token.read_bytes())
    data[len(data) // 2] ^= 0xFF
    token.write_bytes(bytes(data))
    code, text, report = _verify_zh(monkeypatch, sealed_folder, tsa_rsa.ca_pem_path)
    assert code == 1 and "timestamp:1" in _failed(report)


def _vector(name: str) -> dict[str, Any]:
    vectors = json.loads((CORPUS / "vectors.json").read_text("utf-8"))
    return next(v for v in vectors if v["id"] == name)


def _token_zh(monkeypatch, token: Path, *args: str) -> tuple[int, str, dict[str, Any]]:  # type: ignore[no-untyped-def]
    text = _zh(monkeypatch, "timestamp", "verify", str(token), *args)
    record = _zh(monkeypatch, "timestamp", "verify", str(token), *args, "--json")
    assert text.exit_code == record.exit_code
    report = json.loads(record.stdout)
    _assert_chinese(text.output, _names(report))
    _assert_english_has_sentences(monkeypatch, "timestamp", "verify", str(token), *args)
    return text.exit_code, text.output, report


def _refused(report: dict[str, Any], check: str) -> None:
    assert report["result"] == "fail" and report["failed_check"] == check
    assert has_key(report["key"]) and Msg.from_record(report).render("en") == report["message"]


REFUSALS = [
    # (vector, how the data is changed, which check refuses it)
    ("belgium-fedict/token", "own", "tsa.algorithm"),  # SHA-1 signer digest
    ("sigstore-tsa/sigstage-sha256", "other-data", "tsa.imprint"),
    ("sigstore-tsa/sigstage-sha256", "other-root", "tsa.chain"),  # a root that is not configured
    ("sigstore-tsa/sigstage-invalid-signature", "own", "tsa.signature"),
    ("eurocert/tst-two-refs", "own", "tsa.ess_cert_id"),
]


@pytest.mark.parametrize(("name", "how", "check"), REFUSALS, ids=[f"{n}-{h}" for n, h, _ in REFUSALS])
def test_attack_corpus_token_refused_in_chinese(name: str, how: str, check: str, tmp_path: Path,
                                                 monkeypatch) -> None:
    vector = _vector(name)
    ca = CORPUS / ("nowina-good-tsa/token.ca.pem" if how == "other-root" else vector["ca"])
    if "data" in vector:
        data = CORPUS / vector["data"]
        if how == "other-data":
            data = tmp_path / "other"
            data.write_bytes(b"other data\n")
        target = ["--file", str(data)]
    else:
        target = ["--digest", vector["digest"]]
    extra = ["--untrusted", str(CORPUS / vector["untrusted"])] if vector["untrusted"] else []
    code, text, report = _token_zh(monkeypatch, CORPUS / vector["token"], *target, "--ca", str(ca), *extra)
    assert code == 1
    _refused(report, check)
    assert check in text


def test_attack_garbage_token_refused_in_chinese(tmp_path: Path, monkeypatch) -> None:
    garbage = tmp_path / "garbage.tsr"
    garbage.write_bytes(b"\x30\x03\x02\x01\x00junk")
    code, text, report = _token_zh(monkeypatch, garbage, "--digest", "00" * 32,
                                   "--ca", str(CORPUS / "nowina-good-tsa" / "token.ca.pem"))
    assert code == 1
    _refused(report, "tsa.format")


def test_verify_errors_and_hints_in_chinese(evidence_home, tmp_path: Path, monkeypatch) -> None:
    missing = _zh(monkeypatch, "verify", str(tmp_path / "nowhere"))
    assert missing.exit_code == 2
    _assert_chinese(missing.output, {str(tmp_path / "nowhere")})
    bad_ca = tmp_path / "bad.pem"
    bad_ca.write_text("not a certificate")
    token = CORPUS / "belgium-fedict" / "token.der"
    result = _zh(monkeypatch, "timestamp", "verify", str(token), "--digest", "00" * 32, "--ca", str(bad_ca))
    assert result.exit_code == 2
    _assert_chinese(result.output, {str(bad_ca)})
    assert "PEM" in result.output


def test_pending_capture_says_why_in_chinese(capture_folder, station_key, tsa_rsa, tsa_refused_url,
                                             monkeypatch) -> None:
    """A TSA that was down: the slot record keeps the failure as a catalog message."""
    roots = tuple(load_roots(tsa_rsa.ca_pem_path))
    result = seal_capture(capture_folder, key=station_key,
                          tsa=TsaConfig(urls=(tsa_refused_url,), roots=roots, timeout=5))
    assert result.state == "timestamp-pending"
    assert result.timestamps[0].error_i18n["params"]["message"]["key"] == "tsa.client.refused"
    code, text, report = _verify_zh(monkeypatch, capture_folder, tsa_rsa.ca_pem_path)
    assert code == 0 and "时间戳待补" in text and "连接被拒绝" in text
