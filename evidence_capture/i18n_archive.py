"""Catalog entries (zh / en) of the web archive: ``evidence replay`` and its viewer page."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "replay.title": ("网页存档回放", "Web archive replay"),
    "replay.banner.verified": (
        "已通过校验的取证记录 {capture_id}：以下为从存档字节离线回放的网页，不访问原网站",
        "Verified capture {capture_id}: the page below is replayed offline from the archived "
        "bytes, without contacting the original site"),
    "replay.banner.unverified": (
        "警告：取证记录 {capture_id} 未通过校验（{detail}），以 --unverified 强制回放，内容不可作为证据依赖",
        "WARNING: capture {capture_id} FAILED verification ({detail}); replayed with --unverified, "
        "do not rely on it as evidence"),
    "replay.no_assets": ("找不到 ReplayWeb.page 文件（{files}），目录：{folder}",
                         "ReplayWeb.page files missing ({files}) in {folder}"),
    "replay.no_assets.hint": ("请运行 `make replay-assets`（npm 包 replaywebpage@{version}），"
                              "或设置 EVIDENCE_REPLAY_ASSETS",
                              "run `make replay-assets` (npm package replaywebpage@{version}) "
                              "or set EVIDENCE_REPLAY_ASSETS"),
    "replay.bad_wacz": ("{path} 不是可读的 WACZ 文件", "{path} is not a readable WACZ file"),
    "replay.no_wacz": ("取证记录 {capture_id} 没有 archive.wacz（此功能之前的记录，或无页面载入）",
                       "capture {capture_id} has no archive.wacz (captured before WACZ support, "
                       "or no page was loaded)"),
    "replay.not_in_package": ("包中没有带 WACZ 的取证记录 {capture_id}",
                              "the package holds no capture {capture_id} with a WACZ"),
    "replay.choose_capture": ("包中有 {count} 个带 WACZ 的取证记录（{ids}），请用 --capture 选择一个",
                              "the package holds {count} captures with a WACZ ({ids}); "
                              "choose one with --capture"),
    "replay.refused": ("拒绝回放：取证记录 {capture_id} 未通过校验（{detail}）",
                       "refused to replay: capture {capture_id} failed verification ({detail})"),
    "replay.refused.hint": ("先运行 `evidence verify` 查看原因；确需查看时加 --unverified（页面将显示警告横幅）",
                            "run `evidence verify` to see why; add --unverified to replay it anyway "
                            "(the page then shows a warning banner)"),
    "replay.serving": ("正在 127.0.0.1 上回放 {capture_id}，请在浏览器中打开：",
                       "Replaying {capture_id} on 127.0.0.1; open in a browser:"),
    "replay.unverified": ("警告：此记录未通过校验，回放页面显示警告横幅",
                          "WARNING: this capture failed verification; the replay page shows a banner"),
    "replay.stop": ("按 Ctrl-C 停止", "press Ctrl-C to stop"),
    "replay.stopped": ("回放已停止", "replay stopped"),
    # the web archive written during a capture (archive/capture.py)
    "archive.no_traffic": ("未记录到网络流量", "no traffic was recorded"),
    "archive.traffic.read": ("{requests} 个请求，读取响应内容 {read} 个，{missing} 个无法取得",
                             "{requests} request(s), {read} bod(ies) read, {missing} not available"),
    "archive.written": ("{responses} 个响应和 {files} 个提取文件，共 {size} 字节",
                        "{responses} response(s) and {files} capture file(s) in {size} bytes"),
}
