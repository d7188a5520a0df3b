"""The ``licence`` step on sample-shop pages: valid, mistyped, none, behind a link, image only."""

from __future__ import annotations

import json
from typing import Any

import pytest
from PIL import Image

pytestmark = pytest.mark.browser


def _licence(shop_capture: Any, page: str) -> dict[str, Any]:
    capture = shop_capture(page, record_video=False)
    step = capture.step("licence")
    assert step.outcome == "ok", step.detail
    return json.loads((capture.folder / "licence.json").read_text(encoding="utf-8"))


def _values(record: dict[str, Any], field: str) -> list[tuple[str, str, str]]:
    return [(f["status"], f["value"], f["where"]) for f in record["findings"] if f["field"] == field]


def test_valid_licence_displayed_and_located(shop_capture: Any) -> None:
    record = _licence(shop_capture, "licence_valid")
    assert record["summary"]["overall"] == "displayed"
    assert set(record["summary"]["fields"].values()) == {"displayed"}
    assert _values(record, "uscc") == [("displayed", "91330106MA2GL7K4PD", "page")]
    assert _values(record, "name") == [("displayed", "杭州示例茶叶贸易有限公司", "page")]
    assert _values(record, "contact") == [("displayed", "0571-88000000", "page")]
    assert _values(record, "icp") == [("displayed", "浙ICP备2026000001号-1", "page")]
    assert _values(record, "psb") == [("displayed", "浙公网安备 33010602000001号", "page")]
    assert [f[0] for f in _values(record, "e_licence")] == ["displayed"]
    uscc = next(f for f in record["findings"] if f["field"] == "uscc")
    assert uscc["dom_path"] == "html > body > footer > p:nth-of-type(2)"
    assert "统一社会信用代码" in uscc["text"]
    assert uscc["box_px"]["inside_screenshot"] and uscc["box_px"]["height"] > 0
    assert record["linked"] is None and record["licence_link"] is None


def test_boxes_are_drawn_on_a_copy(shop_capture: Any) -> None:
    capture = shop_capture("licence_valid", record_video=False)
    record = _licence(shop_capture, "licence_valid")
    image = record["boxes_image"]
    assert image["path"] == "licence-boxes.png" and image["of"] == "screenshot.png"
    box = next(f for f in record["findings"] if f["field"] == "uscc")["box_px"]
    top = image["crop_top"]
    with Image.open(capture.folder / "licence-boxes.png") as boxed, \
            Image.open(capture.folder / "screenshot.png") as original:
        assert boxed.width == original.width and boxed.height <= original.height - top
        edge = (box["x"] + box["width"] // 2, box["y"] - 2)  # on the top side of the box
        assert boxed.convert("RGB").getpixel((edge[0], edge[1] - top)) == (0, 160, 0)
        assert original.convert("RGB").getpixel(edge) != (0, 160, 0)
        # the copy shows the screenshot's own pixels away from the boxes
        assert boxed.convert("RGB").getpixel((5, 5)) == original.convert("RGB").getpixel((5, 5 + top))


def test_mistyped_code_is_invalid_check_digit(shop_capture: Any) -> None:
    record = _licence(shop_capture, "licence_typo")
    assert record["summary"]["overall"] == "invalid"
    [(status, value, _)] = _values(record, "uscc")
    assert (status, value) == ("invalid-check-digit", "91330106MA2GL7K4RD")
    uscc = next(f for f in record["findings"] if f["field"] == "uscc")
    assert uscc["checks"]["expected_check_character"] == "K"
    assert uscc["dom_path"].endswith("tr:nth-of-type(2) > td:nth-of-type(2)")
    assert _values(record, "address") == [("displayed", "浙江省杭州市西湖区示例路 1 号", "page")]
    assert _values(record, "icp") == [("invalid-format", "浙ICP备202600号", "page")]
    assert record["summary"]["fields"]["psb"] == "missing"


def test_no_licence_is_missing(shop_capture: Any) -> None:
    record = _licence(shop_capture, "licence_none")
    assert record["summary"]["overall"] == "missing"
    assert record["findings"] == [] and record["boxes_image"] is None
    assert set(record["summary"]["fields"].values()) == {"missing"}


def test_licence_behind_a_link_is_a_sub_capture(shop_capture: Any) -> None:
    capture = shop_capture("licence_linked", record_video=False)
    record = _licence(shop_capture, "licence_linked")
    assert record["summary"]["overall"] == "displayed"
    assert record["licence_link"]["text"] == "营业执照信息"
    linked = record["linked"]
    assert linked["status"] == 200 and linked["final_url"].endswith("/licence/detail.html")
    assert (capture.folder / linked["screenshot"]).is_file()
    assert record["linked_boxes_image"]["path"] == "licence/linked/screenshot-boxes.png"
    assert (capture.folder / "licence/linked/screenshot-boxes.png").is_file()
    assert _values(record, "uscc") == [("displayed", "91310115MA1K3Y8N2D", "linked")]
    assert _values(record, "icp") == [("displayed", "沪ICP备2026001234号-2", "page")]
    assert [f[2] for f in _values(record, "e_licence")] == ["linked"]
    har = json.loads((capture.folder / "network.har").read_text(encoding="utf-8"))
    assert any(e["request"]["url"].endswith("/licence/detail.html") for e in har["log"]["entries"])


def test_licence_only_as_an_image_is_unreadable(shop_capture: Any) -> None:
    record = _licence(shop_capture, "licence_image")
    assert record["summary"]["overall"] == "unreadable"
    [image] = [f for f in record["findings"] if f["field"] == "licence_image"]
    assert image["status"] == "unreadable" and image["value"].endswith("/img/licence.svg")
    assert image["checks"]["note"] == "a picture: recorded, not read"
    # the picture does hold a code (91330100MA2XXXXXX0): it is never claimed as read
    assert _values(record, "uscc") == []


def test_every_capture_runs_the_licence_step(shop_capture: Any) -> None:
    capture = shop_capture("product")
    assert [s.name for s in capture.result.steps].index("licence") < \
        [s.name for s in capture.result.steps].index("close")
    assert "licence.json" in [a.name for a in capture.result.artifacts]
