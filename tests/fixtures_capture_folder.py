"""A synthetic but realistic capture folder, as the capture engine writes it.

Every artifact type of docs/ARCHITECTURE.md is present in its real format:
PNG (Pillow), HTML, MHTML, HAR 1.2 with HTTP ``Date`` headers, WebM (EBML
magic), PDF, a TLS certificate chain PEM, provenance.json, environment.json.
``write_capture_folder`` is deterministic for fixed arguments (golden tests).
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest

from evidence_capture.defaults import DEFAULTS
from evidence_capture.timeutil import iso_beijing, iso_utc, utcnow

# A 4x3 red PNG made once with Pillow; fixed bytes keep golden files stable.
FIXED_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAAFElEQVR4nGM8ISfHAANMDEgAhQMAJtoBCkAAOw8AAAAASUVORK5CYII="
)
FIXED_CERT_PEM = b"""-----BEGIN CERTIFICATE-----
MIIBLjCB1aADAgECAgEBMAoGCCqGSM49BAMCMBQxEjAQBgNVBAMMCXNob3AudGVz
dDAeFw0yNjAxMDEwMDAwMDBaFw0yNzAxMDEwMDAwMDBaMBQxEjAQBgNVBAMMCXNo
b3AudGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABD3rmahKeUw8pX6AZH6g
TZGFR71jyrAV/npHQCRxvkNe3te7pmzcyr8gwrjs2NpY+Qv3gxEQA7XlXBNs7g+w
3RGjGDAWMBQGA1UdEQQNMAuCCXNob3AudGVzdDAKBggqhkjOPQQDAgNIADBFAiEA
gQxbSumQYI/yCq6sEZiF6XcG7F37GoeMOhrp6ur6e1cCIByuw09i/UaHYXSbvtm4
/36J7SCl+5nrXsK8eQEZAuXc
-----END CERTIFICATE-----
"""
SHOP_HTML = "<!doctype html><html lang=zh><head><meta charset=utf-8><title>测试商店</title></head>" \
            "<body><h1>特价商品 ¥99</h1></body></html>\n"


def _har(started: datetime, url: str) -> dict:
    entries = []
    for offset, path in ((1, ""), (2, "style.css"), (3, "logo.png")):
        moment = started + timedelta(seconds=offset)
        entries.append({
            "startedDateTime": iso_utc(moment),
            "time": 12.5,
            "request": {"method": "GET", "url": url + path, "httpVersion": "HTTP/1.1", "headers": []},
            "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1",
                         "headers": [{"name": "Date", "value": format_datetime(moment, usegmt=True)},
                                     {"name": "Content-Type", "value": "text/html; charset=utf-8"}],
                         "content": {"size": 90, "mimeType": "text/html"}},
            "serverIPAddress": "127.0.0.1",
        })
    return {"log": {"version": "1.2", "creator": {"name": "evidence-capture", "version": "0.1.0"},
                    "pages": [], "entries": entries}}


def _provenance(capture_id: str, started: datetime, ended: datetime, url: str, options: dict) -> dict:
    return {
        "schema": "evidence-capture/provenance/1", "capture_id": capture_id, "state": "COMPLETE",
        "requested_url": url, "final_url": url, "redirect_chain": [{"url": url, "status": 200}],
        "http_status": 200, "dns": {"host": "shop.test", "answers": ["127.0.0.1"]},
        "servers": [{"url": url, "ip": "127.0.0.1", "port": 8443}],
        "started_at": iso_utc(started), "ended_at": iso_utc(ended),
        "started_at_beijing": iso_beijing(started), "ended_at_beijing": iso_beijing(ended),
        "tool": {"name": "evidence-capture", "version": "0.1.0"},
        "playwright_version": "1.65.2", "chromium_version": "156.0.0.0",
        "user_agent": "Mozilla/5.0 Chrome/156", "viewport": {"width": 1366, "height": 768}, "device": None,
        "options": options, "private_addresses_allowed": True,
        "case": {"case_id": "沪市监2026-001", "title": "网店价格欺诈", "subject": "测试商店", "purpose": "取证"},
        "officers": [{"name": "张三", "cert_no": "SH-0001"}, {"name": "李四", "cert_no": "SH-0002"}],
        "dialogs": [], "blocked_requests": [], "popups": [], "downloads": [],
        "http_dates": [], "steps": [{"name": "navigate", "started_at": iso_utc(started),
                                     "ended_at": iso_utc(ended), "duration_s": 1.25, "outcome": "ok",
                                     "detail": ""}],
        "warnings": [],
    }


def _environment(started: datetime) -> dict:
    return {"os": {"system": "Linux", "release": "6.1"}, "hostname": "station-01",
            "proxy": {"env": {}, "browser": "direct"},
            "hosts_file": {"path": "/etc/hosts", "sha256": "0" * 64, "non_default_entries": []},
            "dns_resolvers": ["127.0.0.53"],
            "clock": {"utc": iso_utc(started), "reference": None, "offset_s": None},
            "fresh_profile": True, "findings": [{"check": "proxy", "status": "ok", "detail": "none"}]}


def write_capture_folder(folder: Path, *, started: datetime, ended: datetime,
                         capture_id: str = "20260101T000000Z-0123abcd",
                         url: str = "https://shop.test/item/1", options: dict | None = None) -> Path:
    """Write every artifact type of a capture into ``folder`` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tls").mkdir(exist_ok=True)
    (folder / "screenshot.png").write_bytes(FIXED_PNG)
    (folder / "response.html").write_text(SHOP_HTML, encoding="utf-8")
    (folder / "dom.html").write_text(SHOP_HTML.replace("¥99", "¥99 <b>限时</b>"), encoding="utf-8")
    (folder / "page.mhtml").write_text(
        "From: <Saved by Blink>\r\nSubject: test\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/related;type="text/html";boundary="----B"\r\n\r\n'
        "------B\r\nContent-Type: text/html\r\nContent-Location: " + url + "\r\n\r\n<html></html>\r\n------B--\r\n",
        encoding="utf-8")
    (folder / "network.har").write_text(json.dumps(_har(started, url), indent=1), encoding="utf-8")
    (folder / "session.webm").write_bytes(b"\x1a\x45\xdf\xa3" + bytes(range(256)) * 8)
    (folder / "page.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    (folder / "tls" / "shop.test.pem").write_bytes(FIXED_CERT_PEM)
    for name, record in (("provenance.json", _provenance(capture_id, started, ended, url, options or DEFAULTS.as_record())),
                         ("environment.json", _environment(started))):
        (folder / name).write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


ARTIFACT_NAMES = ("screenshot.png", "response.html", "dom.html", "page.mhtml", "network.har",
                  "session.webm", "page.pdf", "tls/shop.test.pem", "provenance.json", "environment.json")


@pytest.fixture
def capture_folder(evidence_home) -> Path:
    """An unsealed capture that ended a few seconds ago, inside EVIDENCE_HOME/captures."""
    ended = utcnow() - timedelta(seconds=2)
    started = ended - timedelta(seconds=15)
    capture_id = started.strftime("%Y%m%dT%H%M%SZ") + "-5ea10001"
    return write_capture_folder(evidence_home / "captures" / capture_id, started=started, ended=ended,
                                capture_id=capture_id)


FIXED_START = datetime(2026, 11, 29, 2, 39, 27, 123456, tzinfo=timezone.utc)
