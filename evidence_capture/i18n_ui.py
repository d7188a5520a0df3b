"""Catalog entries (zh / en) for fixed names shown to people: capture steps, custody events, prompts."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # capture steps (capture.engine.STEPS), in progress bars and step lines
    "step.navigate": ("打开网页", "navigate"),
    "step.settle": ("等待页面稳定", "settle"),
    "step.scroll": ("滚动加载", "scroll"),
    "step.screenshot": ("截图", "screenshot"),
    "step.dom": ("保存页面结构", "dom"),
    "step.text": ("提取文字", "text"),
    "step.response": ("保存原始网页", "response"),
    "step.mhtml": ("保存 MHTML", "mhtml"),
    "step.pdf": ("打印 PDF", "pdf"),
    "step.certificates": ("保存证书", "certificates"),
    "step.traffic": ("记录网络流量", "traffic"),
    "step.licence": ("核对营业执照信息", "licence"),
    "step.close": ("关闭浏览器", "close"),
    "step.network_log": ("保存网络日志", "network_log"),
    "step.outcome.ok": ("成功", "ok"),
    "step.outcome.failed": ("失败", "failed"),
    "step.outcome.timeout": ("超时", "timeout"),
    "step.outcome.skipped": ("跳过", "skipped"),
    # custody event types (storage.chain.EVENT_TYPES)
    "custody.type.captured": ("提取", "captured"),
    "custody.type.sealed": ("封存", "sealed"),
    "custody.type.timestamped": ("加盖时间戳", "timestamped"),
    "custody.type.exported": ("导出", "exported"),
    "custody.type.imported": ("导入", "imported"),
    "custody.type.verified": ("校验", "verified"),
    "custody.type.transferred": ("移交", "transferred"),
    "custody.type.note": ("备注", "note"),
    "custody.type.reported": ("打印笔录", "reported"),
    "custody.kind.case": ("案件", "case"),
    "custody.kind.capture": ("提取记录", "capture"),
    "custody.kind.package": ("导入包", "package"),
    # prompts
    "cli.passphrase.repeat": ("请再次输入以确认", "Repeat for confirmation"),
}
