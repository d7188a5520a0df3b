"""zh / en messages of the extraction record's capture sections (report/)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "report.servers.requests": ("{n} 个请求", "{n} request(s)"),
    "report.servers.no_connection": (
        "未连接服务器（请求被拦截、失败、取自缓存或中止）", "no server connection (request blocked, "
        "failed, served from cache or aborted)"),
    "report.servers.more": ("等，共 {n} 个；完整列表见 network.har", "and more, {n} in all; the full "
                            "list is in network.har"),
    "report.shot.columns": ("第 {col}/{cols} 列", "column {col} of {cols}"),
}
