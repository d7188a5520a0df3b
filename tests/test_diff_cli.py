"""``evidence recapture`` and ``evidence diff``: sealed change reports between two real captures.

The sample shop's catalogue is switched server-side between the two
captures (a new price, a deleted or delisted product, nothing at all).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.config import load_settings
from evidence_capture.sample_shop import ShopServer
from tests.fixtures_shop import require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.tsa]
CASE = "SH-2026-013"
OFFICERS = ["--officer", "张三:SH-001", "--officer", "李四:SH-002"]


@pytest.fixture
def changing_shop() -> Any:
    """A shop of its own: the tests change its catalogue."""
    with ShopServer() as server:
        yield server


def run(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result


def json_of(*args: str) -> Any:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def first_capture(changing_shop, station_key, tsa_config) -> dict[str, Any]:
    require_chromium(load_settings())
    assert run("case", "open", CASE, "--title", "整改复查", "--subject", "龙井茶旗舰店").exit_code == 0
    [record] = json_of("capture", changing_shop.url("catalogue_item"), "--case", CASE, "--allow-private", *OFFICERS)
    return record


def recapture(first: dict[str, Any]) -> dict[str, Any]:
    result = run("recapture", first["capture_id"], *OFFICERS, "--json")
    assert result.exit_code in (0, 4), result.output
    [record] = json.loads(result.stdout)
    return record


def manifest_digest(home: Path, capture_id: str) -> str:
    data = (home / "captures" / capture_id / "manifest.json").read_bytes()
    return "sha256:" + hashlib.sha256(data).hexdigest()


def test_price_change_is_a_sealed_change_report(changing_shop, first_capture, evidence_home) -> None:
    changing_shop.catalogue.set_price("tea", "1,088.00")
    second = recapture(first_capture)
    assert second["state"] == "COMPLETE"
    home = evidence_home
    manifest = json.loads((home / "captures" / second["capture_id"] / "manifest.json").read_text())
    assert manifest["previous_capture"] == {"capture_id": first_capture["capture_id"],
                                            "manifest_sha256": manifest_digest(home, first_capture["capture_id"])}
    assert manifest["case"]["case_id"] == CASE
    assert manifest["provenance"]["options"] == json.loads(
        (home / "captures" / first_capture["capture_id"] / "manifest.json").read_text())["provenance"]["options"]

    report = json_of("diff", first_capture["capture_id"], second["capture_id"], *OFFICERS)
    assert report["verdict"]["result"] == "changed"
    assert report["verdict"]["counts"]["amounts_changed"] == 1
    assert [(a["old"], a["new"]) for a in report["amounts"]] == [("¥ 1,288.00", "¥ 1,088.00")]
    assert report["text"]["removed"] == ["¥ 1,288.00 ¥ 2,588.00"]
    assert report["text"]["added"] == ["¥ 1,088.00 ¥ 2,588.00"]
    assert report["a"]["manifest_sha256"] == manifest_digest(home, first_capture["capture_id"])
    assert report["b"]["manifest_sha256"] == manifest_digest(home, second["capture_id"])
    visual = report["visual"]
    assert visual["regions"] and 0 < visual["changed_area_pct"] < 5
    folder = Path(report["folder"])
    assert (folder / visual["outlined_b"]).is_file() and (folder / "diff.json").is_file()
    assert report["seal"]["state"] == "timestamped"

    verified = run("verify", report["diff_id"])
    assert verified.exit_code == 0, verified.output
    checks = {c["name"]: c["status"] for c in json_of("verify", report["diff_id"])["checks"]}
    assert checks["diff.record"] == checks["diff.capture[a]"] == checks["diff.capture[b]"] == "pass"
    assert checks["artifact:diff.json"] == checks["signature"] == checks["timestamp:1"] == "pass"
    events = json_of("custody", "log", report["diff_id"])
    assert [e["type"] for e in events] == ["sealed", "timestamped"]
    assert events[0]["object"] == {"kind": "diff", "id": report["diff_id"],
                                   "digest": "sha256:" + report["seal"]["manifest_sha256"].removeprefix("sha256:")}
    assert events[0]["details"]["b"]["manifest_sha256"] == report["b"]["manifest_sha256"]


def test_unchanged_page_despite_new_session_and_times(changing_shop, first_capture) -> None:
    second = recapture(first_capture)
    report = json_of("diff", first_capture["capture_id"], second["capture_id"], *OFFICERS)
    assert report["a"]["started_at"] != report["b"]["started_at"]
    assert report["verdict"]["result"] == "unchanged", report["verdict"]
    assert report["text"]["removed"] == report["text"]["added"] == [] and report["amounts"] == []
    assert report["visual"]["regions"] == [] and report["visual"]["changed_area_pct"] == 0
    # the page's bytes did change (a new session id in a <meta>): listed, yet not a change
    changed = [r["url"] for r in report["resources"]["changed"]]
    assert any(url.endswith("/catalogue/tea.html") for url in changed)


def test_deleted_product_is_gone(changing_shop, first_capture) -> None:
    changing_shop.catalogue.delete("tea")
    second = recapture(first_capture)
    assert second["state"] == "PARTIAL"  # the 404 is itself recorded evidence
    report = json_of("diff", first_capture["capture_id"], second["capture_id"], *OFFICERS)
    assert report["verdict"]["result"] == "gone"
    assert report["verdict"]["reason"] == "HTTP 404"
    assert report["b"]["http_status"] == 404


def test_delisted_product_is_gone(changing_shop, first_capture) -> None:
    changing_shop.catalogue.delist("tea")
    second = recapture(first_capture)
    report = json_of("diff", first_capture["capture_id"], second["capture_id"], *OFFICERS)
    assert report["verdict"]["result"] == "gone"
    assert "已下架" in report["verdict"]["reason"] and report["b"]["http_status"] == 200


def test_attack_tampered_capture_is_refused(changing_shop, first_capture, evidence_home) -> None:
    changing_shop.catalogue.set_price("tea", "88.00")
    second = recapture(first_capture)
    text = evidence_home / "captures" / second["capture_id"] / "page-text.txt"
    text.chmod(0o644)
    text.write_text(text.read_text(encoding="utf-8").replace("88.00", "1,288.00"), encoding="utf-8")
    result = run("diff", first_capture["capture_id"], second["capture_id"], *OFFICERS)
    assert result.exit_code == 1, result.output
    assert "does not verify" in result.stderr and "artifact:page-text.txt" in result.stderr
    assert not any((evidence_home / "diffs").glob("diff-*"))  # nothing half-made is left


def test_attack_edited_change_report_fails_verification(changing_shop, first_capture) -> None:
    second = recapture(first_capture)
    report = json_of("diff", first_capture["capture_id"], second["capture_id"], *OFFICERS)
    path = Path(report["folder"]) / "diff.json"
    path.parent.chmod(0o755)
    path.chmod(0o644)
    path.write_text(path.read_text(encoding="utf-8").replace('"unchanged"', '"changed"'), encoding="utf-8")
    result = run("verify", report["diff_id"], "--json")
    assert result.exit_code == 1
    checks = {c["name"]: c["status"] for c in json.loads(result.stdout)["checks"]}
    assert checks["artifact:diff.json"] == "fail"


def test_recapture_of_an_unknown_id_is_an_input_error(station_key) -> None:
    assert run("recapture", "not-an-id").exit_code == 2
    assert run("recapture", "20260101T000000Z-00000000").exit_code == 2
