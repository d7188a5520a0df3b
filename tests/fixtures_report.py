"""A realistic synthetic sealed-capture folder for the report tests.

It follows the folder layout and JSON schemas of docs/ARCHITECTURE.md: a tall
screenshot with varied content, a real TLS certificate chain (PEM), a real
Ed25519 signature over RFC 8785 canonical manifest bytes, and timestamp
metadata files.  The report must not depend on other helpers' code, so the
folder is written here directly.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import rfc8785
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image, ImageDraw

CAPTURE_ID = "20261129T023927Z-5f3a9c1e"
URL = "https://shop.example.cn/item/8848?spm=a1z10.3-c&from=search"
FINAL_URL = "https://shop.example.cn/item/8848"
STARTED = datetime(2026, 11, 29, 2, 39, 27, 123456, tzinfo=timezone.utc)
ENDED = STARTED + timedelta(seconds=41, microseconds=500000)
GEN_TIME = "2026-11-29T02:40:31Z"
CASE = {
    "case_id": "沪市监案〔2026〕0815号",
    "title": "某网店销售假冒商品案",
    "subject": "示例旗舰店（上海示例贸易有限公司）",
    "purpose": "固定网店商品页面展示的价格与商标信息",
    "witness": {"name": "王五", "id_no": "W-2026-77"},
}
OFFICERS = [{"name": "张三", "cert_no": "SH-31001234"}, {"name": "李四", "cert_no": "SH-31005678"}]


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def tall_screenshot(path: Path, width: int = 1366, height: int = 30_000) -> None:
    """Bands of colour, headings and text lines, so every slice looks different."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    palette = [(230, 57, 70), (241, 250, 238), (168, 218, 220), (69, 123, 157), (29, 53, 87)]
    for index, top in enumerate(range(0, height, 600)):
        colour = palette[index % len(palette)]
        draw.rectangle([0, top, width, top + 120], fill=colour)
        draw.text((40, top + 40), f"SECTION {index}  y={top}px  price CNY {index * 17 + 99}.00",
                  fill=(0, 0, 0) if sum(colour) > 400 else (255, 255, 255))
        for line in range(8):
            y = top + 150 + line * 50
            draw.text((60, y), f"item {index}-{line}: product description text " * 3, fill=(40, 40, 40))
            draw.rectangle([width - 300, y, width - 300 + (index * 37 + line * 23) % 260, y + 20],
                           fill=palette[(index + line) % len(palette)])
    image.save(path, compress_level=1)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Trust CA"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def tls_chain_pem(host: str) -> bytes:
    """A real CA + leaf chain for ``host``, as PEM (leaf first)."""
    ca_key, leaf_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    start = STARTED - timedelta(days=30)
    ca = (x509.CertificateBuilder().subject_name(_name("Example Trust Root R1"))
          .issuer_name(_name("Example Trust Root R1")).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(start)
          .not_valid_after(start + timedelta(days=3650))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    leaf = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
            .issuer_name(ca.subject).public_key(leaf_key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + timedelta(days=90))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    return b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in (leaf, ca))


def _steps() -> list[dict]:
    names = ["environment", "navigate", "settle", "scroll", "screenshot", "dom", "mhtml",
             "pdf", "certificates", "finalize"]
    steps, moment = [], STARTED
    for name in names:
        end = moment + timedelta(seconds=4)
        outcome = "timeout" if name == "mhtml" else "ok"
        detail = "MHTML snapshot exceeded its 20 s budget" if outcome == "timeout" else ""
        steps.append({"name": name, "started_at": _iso(moment), "ended_at": _iso(end),
                      "duration_s": 4.0, "outcome": outcome, "detail": detail})
        moment = end
    return steps


def openssl_token(work: Path, data: Path) -> bytes:
    """A real RFC 3161 reply over ``data`` from ``openssl ts -reply`` (SHA-256, ECDSA TSA)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Fixture TSA")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(STARTED - timedelta(days=1))
            .not_valid_after(STARTED + timedelta(days=365))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(key, hashes.SHA256()))
    work.mkdir(parents=True, exist_ok=True)
    (work / "tsa.key").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                   serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    (work / "tsa.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (work / "serial").write_text("1234\n")
    (work / "tsa.cnf").write_text(
        "[tsa]\ndefault_tsa = t\n[t]\nserial = serial\nsigner_digest = sha256\n"
        "default_policy = 1.2.3.4.1\ndigests = sha256\ness_cert_id_alg = sha256\ntsa_name = yes\n")
    run = {"cwd": work, "check": True, "capture_output": True}
    subprocess.run(["openssl", "ts", "-query", "-data", str(data), "-sha256", "-cert",
                    "-out", "q.tsq"], **run)
    subprocess.run(["openssl", "ts", "-reply", "-config", "tsa.cnf", "-queryfile", "q.tsq",
                    "-inkey", "tsa.key", "-signer", "tsa.crt", "-out", "r.tsr"], **run)
    return (work / "r.tsr").read_bytes()


def provenance() -> dict:
    return {
        "schema": "evidence-capture/provenance/1", "capture_id": CAPTURE_ID, "state": "PARTIAL",
        "requested_url": URL, "final_url": FINAL_URL,
        "redirect_chain": [{"url": URL, "status": 302}, {"url": FINAL_URL, "status": 200}],
        "http_status": 200, "dns": {"host": "shop.example.cn", "answers": ["203.0.113.10", "203.0.113.11"]},
        "servers": [{"url": FINAL_URL, "ip": "203.0.113.10", "port": 443},
                    {"url": "https://img.example.cn/a.jpg", "ip": "198.51.100.7", "port": 443}],
        "started_at": _iso(STARTED), "ended_at": _iso(ENDED),
        "started_at_beijing": "2026-11-29T10:39:27+08:00", "ended_at_beijing": "2026-11-29T10:40:08+08:00",
        "tool": {"name": "evidence-capture", "version": "0.1.0"},
        "playwright_version": "1.65.2", "chromium_version": "156.0.7600.52",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                      "Chrome/156.0.0.0 Safari/537.36",
        "viewport": {"width": 1366, "height": 768}, "device": None, "options": {"total_timeout": 120.0},
        "private_addresses_allowed": False, "case": None, "officers": OFFICERS,
        "dialogs": [], "blocked_requests": [], "popups": [], "downloads": [],
        "http_dates": [{"url": FINAL_URL, "date": "Sun, 29 Nov 2026 02:39:28 GMT"}],
        "steps": _steps(), "warnings": ["mhtml: step timed out after 20 s"],
    }


def environment() -> dict:
    return {
        "os": {"system": "Linux", "release": "6.1.0-28-amd64", "distribution": "Debian GNU/Linux 12"},
        "hostname": "sh-amr-station-07",
        "proxy": {"env": {}, "browser": "direct"},
        "hosts_file": {"path": "/etc/hosts", "sha256": "ab" * 32, "non_default_entries": []},
        "dns_resolvers": ["10.10.0.53", "10.10.0.54"],
        "clock": {"utc": _iso(STARTED), "reference": {"source": "HTTP Date"}, "offset_s": 0.42},
        "fresh_profile": True,
        "findings": [{"check": "proxy", "status": "ok", "detail": "no proxy"},
                     {"check": "clock", "status": "ok", "detail": "offset 0.42 s"}],
    }


def _digests(path: Path) -> dict:
    data = path.read_bytes()
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "sm3": hashlib.new("sm3", data).hexdigest()}


_MEDIA = {".png": "image/png", ".html": "text/html", ".har": "application/json",
          ".pem": "application/x-pem-file", ".json": "application/json"}


def _seal(folder: Path, artifacts: list[str]) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    spki = key.public_key().public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)
    manifest = {
        "schema": "evidence-capture/manifest/1", "capture_id": CAPTURE_ID, "case": None,
        "officers": OFFICERS, "requested_url": URL, "final_url": FINAL_URL,
        "started_at": _iso(STARTED), "ended_at": _iso(ENDED), "state": "PARTIAL",
        "warnings": ["mhtml: step timed out after 20 s"],
        "artifacts": [{"path": name, "media_type": _MEDIA[Path(name).suffix], **_digests(folder / name)}
                      for name in artifacts],
        "provenance": {}, "environment": {},
        "signer": {"algorithm": "ed25519", "fingerprint": "sha256:" + hashlib.sha256(spki).hexdigest()},
        "sealed_at": _iso(ENDED + timedelta(seconds=20)), "dev_tsa_warning": None,
    }
    body = rfc8785.dumps(manifest)
    (folder / "manifest.json").write_bytes(body)
    (folder / "manifest.sig").write_bytes(key.sign(body))
    (folder / "signer.pub.pem").write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    stamps = folder / "timestamps"
    stamps.mkdir()
    (stamps / "1.json").write_text(json.dumps({
        "url": "http://127.0.0.1:8318/tsa", "nonce": 12345678901234567890, "state": "granted",
        "error": None, "tsa_name": "Example National Time Service TSA", "serial": "4660",
        "policy_oid": "1.2.3.4.1", "gen_time": GEN_TIME}))
    (stamps / "2.json").write_text(json.dumps({
        "url": "http://127.0.0.1:8319/tsa", "nonce": 42, "state": "failed",
        "error": "connection refused", "tsa_name": None, "serial": None, "policy_oid": None,
        "gen_time": None}))


def make_sealed_capture(folder: Path, *, height: int = 30_000) -> Path:
    """Write a sealed capture folder; return it."""
    (folder / "tls").mkdir(parents=True)
    tall_screenshot(folder / "screenshot.png", height=height)
    page = f"<html><head><title>示例旗舰店</title></head><body><h1>商品 8848</h1></body></html>"
    (folder / "response.html").write_text(page, encoding="utf-8")
    (folder / "dom.html").write_text(page.replace("</h1>", "</h1><p>¥ 99.00</p>"), encoding="utf-8")
    (folder / "network.har").write_text(json.dumps({"log": {"version": "1.2", "entries": []}}))
    (folder / "tls" / "shop.example.cn.pem").write_bytes(tls_chain_pem("shop.example.cn"))
    (folder / "provenance.json").write_text(json.dumps(provenance(), ensure_ascii=False, indent=1))
    (folder / "environment.json").write_text(json.dumps(environment(), indent=1))
    _seal(folder, ["screenshot.png", "response.html", "dom.html", "network.har",
                   "tls/shop.example.cn.pem", "provenance.json", "environment.json"])
    return folder


@pytest.fixture(scope="module")
def sealed_capture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sealed capture folder with a 1366x30000 screenshot (module scope)."""
    return make_sealed_capture(tmp_path_factory.mktemp("report") / CAPTURE_ID)
