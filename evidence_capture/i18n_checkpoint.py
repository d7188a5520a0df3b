"""Catalog entries (zh / en) for custody checkpoints (``evidence custody checkpoint``)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.checkpoint.taken": ("已取得监管链检查点：事件 {seq}（{event_hash}），时间戳来自 {tsa}，保存于 {path}",
                             "custody checkpoint taken: event {seq} ({event_hash}), timestamped by "
                             "{tsa}, kept in {path}"),
    "cli.checkpoint.copy": ("请另行保存该文件及同名 .tsr 的副本：持有者可据此发现此后对日志末尾的删除",
                            "keep a copy of this file and its .tsr elsewhere: whoever holds it can "
                            "detect deletion of the log's end behind it"),
    "cli.checkpoint.empty": ("监管链为空：没有可固定的事件", "the custody log is empty: nothing to fix"),
}
