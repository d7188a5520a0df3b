"""Catalog entries (zh / en) for packages: export, offline verification and import (``packages/``)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "package.import.refused": ("导入包未通过校验，未导入任何内容：{n} 项检查未通过：{checks}",
                               "the package did not verify; nothing was imported: {n} check(s) blocked it: "
                               "{checks}"),
    "package.import.pin_key": ("请用 --trust-key 固定导出站点的公钥，或用 `evidence verify` 查看完整报告",
                               "pin the exporting station's key with --trust-key, or see `evidence verify` "
                               "for the full report"),
    "package.import.see_verify": ("用 `evidence verify 导入包.zip` 查看每项检查及其原因",
                                  "see `evidence verify FILE.zip` for every check and its reason"),
    "package.import.clash": ("本站已有这些提取记录：{captures}；未导入任何内容",
                             "capture(s) already in this store: {captures}; nothing was imported"),
}
