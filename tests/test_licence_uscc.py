"""统一社会信用代码 checks (GB 32100-2015) against codes companies publish, and the text patterns."""

from __future__ import annotations

import pytest

from evidence_capture.licence import patterns
from evidence_capture.licence.uscc import check_character, check_uscc, find_candidates

# Codes as published on the companies' own sites and in their business-licence displays.
PUBLISHED = {
    "91330100799655058B": "阿里巴巴（中国）有限公司",
    "9144030071526726XG": "腾讯科技（深圳）有限公司",
    "91440300708461136T": "深圳市腾讯计算机系统有限公司",
    "914403001922038216": "华为技术有限公司",
    "91110302562134916R": "北京京东世纪贸易有限公司",
    "91110108551385082Q": "小米科技有限责任公司",
    "91110000710925462X": "中国石油天然气股份有限公司",
    "91110000802100433B": "百度在线网络技术（北京）有限公司",
}


@pytest.mark.parametrize("code", sorted(PUBLISHED))
def test_published_codes_are_valid(code: str) -> None:
    check = check_uscc(code)
    assert check.valid, (PUBLISHED[code], check.problems)
    assert check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code", sorted(PUBLISHED))
def test_attack_one_mistyped_character_is_caught(code: str) -> None:
    """Changing any one of the first 17 characters changes the check character."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    for position in range(17):
        replacement = alphabet[(alphabet.index(code[position]) + 1) % 31]
        typo = code[:position] + replacement + code[position + 1:]
        assert "check-digit" in check_uscc(typo).problems, typo


def test_check_digit_problem_names_the_expected_character() -> None:
    record = check_uscc("91330100799655058C").as_record()
    assert record["problems"] == ["check-digit"]
    assert record["expected_check_character"] == "B"


def test_letters_outside_the_alphabet_and_bad_shapes() -> None:
    assert check_uscc("91330100799655058I").problems == ("charset",)  # I is never used
    assert check_uscc("9133010079965505").problems == ("charset",)    # too short
    code = "X1330100799655058B"  # not a registration-authority code
    assert "authority" in check_uscc(code).problems
    bad_division = "919901007996550580"
    assert "division" in check_uscc(bad_division[:17] + check_character(bad_division[:17])).problems


def test_candidates_in_running_text() -> None:
    text = "统一社会信用代码：91330100799655058B，订单号 123456789012345678901"
    assert find_candidates(text) == [(9, "91330100799655058B")]


@pytest.mark.parametrize("text, strict", [
    ("浙ICP备2026000001号-1", True), ("京ICP备11041704号", True), ("京ICP证030173号", True),
    ("浙ICP备202600号", False), ("ICP备2026000001号", False),
])
def test_icp_format(text: str, strict: bool) -> None:
    assert patterns.ICP_LOOSE.search(text)
    assert bool(patterns.ICP_STRICT.fullmatch(text)) is strict


def test_labels_and_values() -> None:
    assert patterns.labelled_value("企业名称：杭州示例茶叶贸易有限公司", "name") == "杭州示例茶叶贸易有限公司"
    assert patterns.labelled_value("联系电话：0571-88000000 客服邮箱：a@b.cn", "contact") == "0571-88000000"
    assert patterns.labelled_value("发货地：浙江杭州", "address") is None
    assert patterns.is_bare_label("统一社会信用代码", "uscc")
    assert patterns.contact_value("客服 13812345678") == "13812345678"
