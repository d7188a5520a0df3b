"""Text patterns for the licence information a shop must display (亮照亮证).

Labels are matched at the start of a text block ("企业名称：…") or as a
block of their own whose value is the next block (table cells, dt/dd).
ICP 备案号 and 公安备案号 are matched loosely first, then checked strictly,
so that a mistyped number is reported as ``invalid-format``, not missed.
"""

from __future__ import annotations

import re

PROVINCE_ABBR = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
COLON = r"\s*[：:]\s*"

LABELS = {
    "name": ("企业名称", "公司名称", "经营者名称", "主体名称", "名称"),
    "address": ("住所", "经营地址", "注册地址", "企业地址", "联系地址", "经营场所", "地址"),
    "contact": ("联系电话", "客服电话", "联系方式", "电子邮箱", "客服邮箱", "邮箱", "电话"),
    "uscc": ("统一社会信用代码", "信用代码", "社会信用代码"),
}

ICP_LOOSE = re.compile(r"[" + PROVINCE_ABBR + r"]?\s*ICP\s*[备证][^\s，,。；;|]{0,16}")
ICP_STRICT = re.compile(r"[" + PROVINCE_ABBR + r"]ICP备(?:\d{8}|\d{10})号(?:-\d{1,4})?"
                        r"|[" + PROVINCE_ABBR + r"]ICP证\d{6}号")
PSB_LOOSE = re.compile(r"[" + PROVINCE_ABBR + r"]?\s*公网安备[\s\d号]{0,24}")
PSB_STRICT = re.compile(r"[" + PROVINCE_ABBR + r"]公网安备\s?(\d{14})\s?号")
PHONE = re.compile(r"(?<!\d)(?:0\d{2,3}-?\d{7,8}|1[3-9]\d{9}|400-?\d{3}-?\d{4})(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
LICENCE_LINK = re.compile(r"营业执照|证照信息|资质证照|企业资质|工商信息|亮照|执照信息")
LICENCE_IMAGE = re.compile(r"营业执照|执照|证照|licen[cs]e", re.IGNORECASE)
E_LICENCE_TEXT = "电子营业执照"
E_LICENCE_HOST = "zzlz.gsxt.gov.cn"  # the SAMR 电子营业执照亮照 service


def labelled_value(text: str, field: str) -> str | None:
    """``"企业名称：X"`` -> X for ``field``; None when the block does not start with its label."""
    for label in LABELS[field]:
        match = re.match(re.escape(label) + COLON + r"(.+)", text)
        if match:
            return cut_at_next_label(match.group(1))
    return None


def is_bare_label(text: str, field: str) -> bool:
    """The block is only the label (its value is in the next block)."""
    stripped = re.sub(COLON + "$", "", text.strip())
    return stripped in LABELS[field]


def cut_at_next_label(value: str) -> str:
    """``"0571-88000000　客服邮箱：x"`` -> ``"0571-88000000"``: a value ends where another label starts."""
    labels = [label for group in LABELS.values() for label in group]
    pattern = r"[\s　]+(?:" + "|".join(map(re.escape, labels)) + ")" + COLON
    return re.split(pattern, value, maxsplit=1)[0].strip()


def contact_value(value: str) -> str | None:
    """The first phone number or e-mail address in a contact field."""
    match = PHONE.search(value) or EMAIL.search(value)
    return match.group() if match else None


def psb_division_ok(number: str) -> bool:
    from evidence_capture.licence.uscc import PROVINCES

    return number[:2] in PROVINCES
