"""archive.wacz of a real capture, checked by tools we did not write.

warcio (``warcio check``, ``warcio index``), py-wacz (``wacz validate``, in
its own venv: ``make wacz-venv``) and a fixity reader written from the WACZ
spec (``tests/wacz_spec.py``).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import require_or_skip
from tests.wacz_spec import fixity_problems

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
WACZ_VALIDATE = ROOT / ".venv-wacz" / "bin" / "wacz"
WARCIO = Path(sys.executable).with_name("warcio")


@pytest.fixture(scope="module")
def item(shop_capture):
    return shop_capture("promo", settle_dwell_ms=1500)


def _records(wacz: Path) -> list[tuple[dict[str, str], bytes, object]]:
    with zipfile.ZipFile(wacz) as zf:
        warc = zf.read("archive/data.warc.gz")
    rows = []
    for record in ArchiveIterator(io.BytesIO(warc)):
        head = dict(record.rec_headers.headers)
        rows.append((head, record.content_stream().read(), record.http_headers))
    return rows


def _extract_warc(wacz: Path, tmp_path: Path) -> Path:
    out = tmp_path / "data.warc.gz"
    with zipfile.ZipFile(wacz) as zf:
        out.write_bytes(zf.read("archive/data.warc.gz"))
    return out


def test_main_document_body_is_byte_identical_to_response_html(item) -> None:
    url = item.provenance()["final_url"]
    responses = [(h, body) for h, body, _ in _records(item.folder / "archive.wacz")
                 if h["WARC-Type"] == "response" and h["WARC-Target-URI"] == url]
    assert len(responses) == 1
    assert responses[0][1] == (item.folder / "response.html").read_bytes()


def test_response_records_carry_connected_ip_response_time_and_exact_headers(item) -> None:
    prov = item.provenance()
    connected = {row["url"]: row["ip"] for row in prov["servers"]}
    started = datetime.fromisoformat(prov["started_at"].replace("Z", "+00:00"))
    ended = datetime.fromisoformat(prov["ended_at"].replace("Z", "+00:00"))
    records = _records(item.folder / "archive.wacz")
    requests = {h["WARC-Concurrent-To"]: h for h, _, _ in records if h["WARC-Type"] == "request"}
    responses = [(h, http) for h, _, http in records if h["WARC-Type"] == "response"]
    urls = {h["WARC-Target-URI"] for h, _ in responses}
    assert item.shop.url("/api/price.json") in urls  # the late price came in its own request
    assert item.shop.url("/img/product-2.svg") in urls  # so did the lazy image
    for head, http in responses:
        assert head["WARC-IP-Address"] == connected[head["WARC-Target-URI"]] == "127.0.0.1"
        answered = datetime.fromisoformat(head["WARC-Date"].replace("Z", "+00:00"))
        asked = datetime.fromisoformat(requests[head["WARC-Record-ID"]]["WARC-Date"].replace("Z", "+00:00"))
        assert started <= asked <= answered <= ended
        # The stdlib server's own header block, as sent: its Server and Date headers, HTTP/1.0.
        assert http.protocol == "HTTP/1.0" and http.get_header("Server").startswith("SimpleHTTP/")


def test_redirect_hops_are_separate_response_records(shop_capture) -> None:
    capture = shop_capture("redirect")
    hops = [(h["WARC-Target-URI"], http.get_statuscode())
            for h, _, http in _records(capture.folder / "archive.wacz") if h["WARC-Type"] == "response"]
    expected = [(capture.shop.url(f"/redirect/{n}"), code) for n, code in ((1, "302"), (2, "301"), (3, "307"))]
    assert hops[:4] == expected + [(capture.shop.url("product"), "200")]


def test_capture_files_are_resource_records_and_provenance_is_the_final_one(item) -> None:
    resources = {h["WARC-Target-URI"].rsplit(":", 1)[-1]: body
                 for h, body, _ in _records(item.folder / "archive.wacz") if h["WARC-Type"] == "resource"}
    assert set(resources) == {"screenshot.png", "page.pdf", "provenance.json", "environment.json"}
    for name, body in resources.items():
        assert body == (item.folder / name).read_bytes(), name


def test_warcio_check_and_index_accept_the_warc(item, tmp_path) -> None:
    warc = _extract_warc(item.folder / "archive.wacz", tmp_path)
    checked = subprocess.run([str(WARCIO), "check", "-v", str(warc)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "digest pass" in checked.stdout and "fail" not in checked.stdout
    indexed = subprocess.run([str(WARCIO), "index", "-f", "warc-type,warc-target-uri,offset,length",
                              str(warc)], capture_output=True, text=True, check=True)
    theirs = {(row["warc-target-uri"], row["offset"], row["length"])
              for row in map(json.loads, indexed.stdout.splitlines())
              if row["warc-type"] in ("response", "resource")}
    with zipfile.ZipFile(item.folder / "archive.wacz") as zf:
        lines = zf.read("indexes/index.cdx").decode().splitlines()
    ours = {(row["url"], row["offset"], row["length"])
            for row in (json.loads(line.split(" ", 2)[2]) for line in lines)}
    assert ours == theirs
    assert lines == sorted(lines)


def test_py_wacz_validates_the_wacz(item) -> None:
    require_or_skip(WACZ_VALIDATE.exists(), "py-wacz venv missing: run `make wacz-venv`")
    result = subprocess.run([str(WACZ_VALIDATE), "validate", "-f", str(item.folder / "archive.wacz")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation succeeded" in result.stdout


def test_fixity_of_the_datapackage_per_the_spec(item) -> None:
    assert fixity_problems(item.folder / "archive.wacz") == []
    with zipfile.ZipFile(item.folder / "archive.wacz") as zf:
        package = json.loads(zf.read("datapackage.json"))
    assert package["mainPageUrl"] == item.provenance()["final_url"]


def test_attack_a_changed_warc_byte_fails_the_fixity_check(item, tmp_path) -> None:
    forged = tmp_path / "forged.wacz"
    with zipfile.ZipFile(item.folder / "archive.wacz") as src, zipfile.ZipFile(forged, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "archive/data.warc.gz":
                data = data[:-1] + bytes([data[-1] ^ 1])
            dst.writestr(info, data)
    problems = fixity_problems(forged)
    assert len(problems) == 1 and problems[0].startswith("archive/data.warc.gz: hash")
    if WACZ_VALIDATE.exists():
        result = subprocess.run([str(WACZ_VALIDATE), "validate", "-f", str(forged)],
                                capture_output=True, text=True)
        assert "Validation succeeded" not in result.stdout
