"""A capture of each sample-shop page: the artifacts and the final state."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509

from evidence_capture.models import CaptureState
from evidence_capture.sample_shop.server import STATIC

pytestmark = pytest.mark.browser

ALL_ARTIFACTS = {"screenshot.png", "response.html", "dom.html", "page.mhtml", "network.har",
                 "session.webm", "page.pdf", "provenance.json", "environment.json"}

EXPECTED_STATE = {
    "product": CaptureState.COMPLETE,
    "shop": CaptureState.COMPLETE,
    "lazy": CaptureState.COMPLETE,
    "alert": CaptureState.COMPLETE,
    "popup": CaptureState.COMPLETE,
    "redirect": CaptureState.COMPLETE,
    "hang": CaptureState.PARTIAL,
    "not_found": CaptureState.PARTIAL,
    "server_error": CaptureState.PARTIAL,
}


@pytest.mark.parametrize("page", sorted(EXPECTED_STATE))
def test_page_gives_artifacts_and_state(shop_capture, page: str) -> None:
    cap = shop_capture(page)
    names = {a.name for a in cap.result.artifacts}
    assert ALL_ARTIFACTS <= names, f"missing: {ALL_ARTIFACTS - names}"
    assert all(a.size > 0 for a in cap.result.artifacts)
    assert cap.result.state is EXPECTED_STATE[page]
    assert cap.provenance()["state"] == EXPECTED_STATE[page].value
    assert (cap.folder / "screenshot.png").read_bytes().startswith(b"\x89PNG")
    assert (cap.folder / "page.pdf").read_bytes().startswith(b"%PDF")
    assert (cap.folder / "session.webm").read_bytes()[:4] == b"\x1a\x45\xdf\xa3"  # EBML
    assert b"Content-Type: multipart/related" in (cap.folder / "page.mhtml").read_bytes()


@pytest.mark.parametrize("page", ["product", "shop"])
def test_response_html_is_exactly_the_served_bytes(shop_capture, page: str) -> None:
    cap = shop_capture(page)
    served = (STATIC / Path(cap.shop.url(page).split("/", 3)[3])).read_bytes()
    assert (cap.folder / "response.html").read_bytes() == served


def test_har_has_content_and_server_address_on_every_entry(shop_capture) -> None:
    cap = shop_capture("product")
    entries = cap.har()["log"]["entries"]
    assert cap.har()["log"]["version"] == "1.2"
    urls = {e["request"]["url"].rsplit("/", 1)[-1] for e in entries}
    assert {"product.html", "product-1.svg", "product-2.svg", "product-3.svg", "app.js"} <= urls
    assert all(e["serverIPAddress"] == "127.0.0.1" for e in entries)
    svg = next(e for e in entries if e["request"]["url"].endswith("product-1.svg"))
    assert svg["response"]["content"].get("text")  # embedded, not a reference


def test_provenance_records_method_and_environment(shop_capture) -> None:
    cap = shop_capture("product")
    prov = cap.provenance()
    assert prov["schema"] == "evidence-capture/provenance/1"
    assert prov["chromium_version"] and prov["playwright_version"] and prov["user_agent"]
    assert prov["viewport"] == {"width": 1366, "height": 768} and prov["device"] is None
    assert prov["options"]["allow_private"] is True and prov["private_addresses_allowed"] is True
    assert prov["dns"]["answers"] == ["127.0.0.1"]
    assert prov["started_at"].endswith("Z") and prov["started_at_beijing"].endswith("+08:00")
    assert [s["name"] for s in prov["steps"]][:2] == ["navigate", "settle"]
    assert all(s["outcome"] == "ok" for s in prov["steps"])
    assert prov["servers"] and all(s["ip"] == "127.0.0.1" for s in prov["servers"])
    assert prov["http_dates"][0]["date"].endswith("GMT")
    env = cap.environment()
    assert env["fresh_profile"] is True
    assert env["proxy"]["browser"].startswith("none")
    assert len(env["hosts_file"]["sha256"]) == 64 and env["clock"]["offset_s"] is None


def test_redirect_chain_is_recorded(shop_capture) -> None:
    cap = shop_capture("redirect")
    chain = cap.provenance()["redirect_chain"]
    assert [hop["status"] for hop in chain] == [302, 301, 307, 200]
    assert chain[0]["url"] == cap.shop.url("redirect")
    assert chain[-1]["url"] == cap.shop.url("product") == cap.result.final_url


def test_lazy_images_and_infinite_list_are_loaded(shop_capture) -> None:
    cap = shop_capture("lazy")
    dom = (cap.folder / "dom.html").read_text(encoding="utf-8")
    assert 'id="feed-end"' in dom and "无限列表 第3页" in dom
    requested = {e["request"]["url"].rsplit("/", 1)[-1] for e in cap.har()["log"]["entries"]}
    assert {"product-1.svg", "product-2.svg", "product-3.svg"} <= requested
    assert cap.provenance()["scroll"]["screens"] > 5


def test_content_injected_after_one_second_is_captured(shop_capture) -> None:
    cap = shop_capture("delayed", settle_dwell_ms=1500)
    assert cap.result.state is CaptureState.COMPLETE
    assert '<div id="promo"><p id="injected"' in (cap.folder / "dom.html").read_text(encoding="utf-8")
    assert '<div id="promo">加载中…</div>' in (cap.folder / "response.html").read_text(encoding="utf-8")


def test_dialogs_are_recorded_and_dismissed(shop_capture) -> None:
    cap = shop_capture("alert")
    dialogs = cap.provenance()["dialogs"]
    assert [(d["type"], d["message"]) for d in dialogs] == [
        ("alert", "恭喜您获得优惠券！"), ("confirm", "是否关注店铺？")]
    assert "（已取消）" in (cap.folder / "dom.html").read_text(encoding="utf-8")


def test_popups_and_downloads_are_recorded_not_followed(shop_capture) -> None:
    cap = shop_capture("popup")
    prov = cap.provenance()
    assert [(p["url"], p["action"]) for p in prov["popups"]] == [
        (cap.shop.url("shop"), "closed, not followed")]
    assert [(d["suggested_filename"], d["action"]) for d in prov["downloads"]] == [
        ("价格表.csv", "cancelled, not saved")]
    assert cap.result.final_url == cap.shop.url("popup")
    assert not [a for a in cap.result.artifacts if a.name.endswith(".csv")]


def test_never_finishing_load_keeps_what_was_captured(shop_capture) -> None:
    cap = shop_capture("hang")
    assert cap.step("navigate").outcome == "timeout"
    assert "这个页面永远不会加载完成" in (cap.folder / "dom.html").read_text(encoding="utf-8")
    never = [e for e in cap.har()["log"]["entries"] if "/never/" in e["request"]["url"]]
    assert never, "the stalled request is in the HAR"


@pytest.mark.parametrize(("page", "status"), [("not_found", 404), ("server_error", 500)])
def test_http_error_pages_give_a_clear_outcome(shop_capture, page: str, status: int) -> None:
    cap = shop_capture(page)
    nav = cap.step("navigate")
    assert nav.outcome == "failed" and f"HTTP {status}" in nav.detail
    assert cap.result.http_status == status and cap.provenance()["http_status"] == status


def test_https_host_certificate_chain_is_saved(shop_capture, https_shop) -> None:
    cap = shop_capture("shop", https=True)
    assert cap.result.state is CaptureState.COMPLETE
    pems = list((cap.folder / "tls").glob("*.pem"))
    assert [p.name for p in pems] == [f"127.0.0.1_{https_shop.port}.pem"]
    chain = x509.load_pem_x509_certificates(pems[0].read_bytes())
    ca = x509.load_pem_x509_certificate(https_shop.ca_pem)
    assert chain[0].issuer == ca.subject
    assert any(c == ca for c in chain), "the CA the server sent is part of the chain"
    assert "certificate errors were ignored" in " ".join(map(str, cap.result.warnings))
    main_tls = cap.provenance()["main_tls"]
    assert main_tls["protocol"].startswith("TLS") and main_tls["subjectName"] == "127.0.0.1"


def test_attack_service_worker_cannot_answer_instead_of_the_server(shop_capture) -> None:
    blocked = shop_capture("service_worker")
    dom = (blocked.folder / "dom.html").read_text(encoding="utf-8")
    assert "answered by the service worker" not in dom
    assert blocked.provenance()["options"]["block_service_workers"] is True
    # The same page with service workers allowed shows the attack is real.
    allowed = shop_capture("service_worker", block_service_workers=False)
    assert "answered by the service worker" in (allowed.folder / "dom.html").read_text(encoding="utf-8")


def test_video_decodes_at_the_recorded_scale(shop_capture) -> None:
    """The session video is whole (every frame decodes) and as large as the options say."""
    import re
    import subprocess

    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    from evidence_capture.capture.browser import video_size

    cap = shop_capture("product")
    options = cap.provenance()["options"]
    done = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-hide_banner", "-i",
                           str(cap.folder / "session.webm"), "-f", "null", "-"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
    probe = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i",
                            str(cap.folder / "session.webm")], capture_output=True, text=True)
    size = re.search(r"Video: vp[89].*?, (\d+)x(\d+)[, ]", probe.stderr)
    assert size is not None, probe.stderr
    expected = video_size({"width": options["viewport_width"], "height": options["viewport_height"]},
                          options["video_scale"])
    assert (int(size[1]), int(size[2])) == (expected["width"], expected["height"])
