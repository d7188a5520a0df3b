"""zh / en messages of the extraction record's capture sections (report/)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "report.servers.requests": ("{n} 个请求", "{n} request(s)"),
    "report.servers.no_connection": (
        "未连接服务器（请求被拦截、失败、取自缓存或中止）", "no server connection (request blocked, "
        "failed, served from cache or aborted)"),
    "report.servers.more": ("等，共 {n} 个；完整列表见 network.har", "and more, {n} in all; the full "
                            "list is in network.har"),
    "report.servers.rest": ("其余 {n} 个地址共 {requests} 个请求，见 network.har",
                            "{n} more address(es), {requests} request(s) in all: see network.har"),
    "report.shot.columns": ("第 {col}/{cols} 列", "column {col} of {cols}"),
    # --- place, witness and the recorded exceptions to the safe defaults --------------
    "capture.witness.invalid": ("见证人「{value}」应写作 姓名:证件号码",
                                "witness '{value}' must be written as NAME:ID"),
    "capture.witness.hint": (
        "例如 --witness 王五:310101199001011234；证件号码为 2 至 64 个字母、数字或 - _ /",
        "e.g. --witness 'Wang Wu:310101199001011234'; the ID is 2 to 64 letters, digits, "
        "'-', '_' or '/'"),
    "report.place": ("提取地点", "Place"),
    "report.place.host": ("未记录地点，提取设备主机名：{host}",
                          "no place recorded; capture host name: {host}"),
    "report.id_no": ("身份证件号码", "ID number"),
    "report.single_officer_reason": ("单人提取理由", "Reason for a single-officer capture"),
    "report.no_timestamp_reason": ("未加盖时间戳理由", "Reason for no timestamp"),
    "report.sign.party": ("当事人签名", "Party's signature"),
    "report.same_method": ("提取工具、浏览器、设备与 User-Agent 同提取记录 {n}",
                           "tool, browser, device and user agent as in capture {n}"),
    "report.env.browser_no_proxy": ("浏览器不使用代理（以 --no-proxy-server 启动）",
                                    "the browser uses no proxy (launched with --no-proxy-server)"),
    "report.step_started": ("开始（北京时间）", "Started (Beijing)"),
    "report.artifacts_match": ("{n} 个文件的大小、SHA-256 与 SM3 均与清单一致",
                               "size, SHA-256 and SM3 match the manifest for {n} file(s)"),
    # --- the screenshot attachment ---------------------------------------------------------
    "report.shot.range": ("截取范围", "Area"),
    "report.shot.rows": ("第 {top}–{bottom} 像素行（全页 {width}×{height} 像素）",
                         "rows {top}–{bottom} of the {width}×{height} px screenshot"),
    "report.shot.cols": ("，第 {left}–{right} 像素列", ", columns {left}–{right}"),
    "report.shot.overview": (
        "全页缩略图：全页 {width}×{height} 像素缩小约 {ratio} 倍，分 {strips} 栏，自左至右依次接续",
        "whole-page overview: the {width}×{height} px screenshot reduced about {ratio}×, "
        "in {strips} strip(s) read left to right"),
    "report.shot.note": ("说明", "Note"),
    "report.shot.jpeg": ("打印图像为 JPEG（质量 {q}）；完整截图为证据包中封存的 screenshot.png",
                         "printed as JPEG (quality {q}); the complete screenshot is the sealed "
                         "screenshot.png in the evidence package"),
}
