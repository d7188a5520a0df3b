"""Catalog entries (zh / en) for errors shared by every domain: causes and configuration."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # the known kinds of a third-party cause (errors.cause_msg)
    "cause.exists": ("文件已存在：{path}", "the file already exists: {path}"),
    "cause.missing": ("文件或目录不存在：{path}", "no such file or directory: {path}"),
    "cause.denied": ("没有权限：{path}", "permission denied: {path}"),
    "cause.no_space": ("磁盘空间不足", "no space left on the device"),
    "cause.read_only": ("文件系统为只读：{path}", "read-only file system: {path}"),
    "cause.is_dir": ("这是一个目录：{path}", "this is a directory: {path}"),
    "cause.not_dir": ("这不是一个目录：{path}", "not a directory: {path}"),
    "cause.refused": ("连接被拒绝", "connection refused"),
    "cause.timeout": ("超时", "timed out"),
    "cause.unreachable": ("网络或主机不可达", "network or host unreachable"),
    "cause.os": ("操作系统错误 {errno}", "operating-system error {errno}"),
    # several messages in one line (errors.joined)
    "text.joined": ("{first}；{rest}", "{first}; {rest}"),
    "text.comma": ("{first}，{rest}", "{first}, {rest}"),
    # configuration
    "config.bad_lang": ("语言须为 zh 或 en（也可写作 zh_CN、zh_CN.UTF-8），而不是 {value}",
                        "the language must be zh or en (zh_CN, zh_CN.UTF-8 also work), not {value}"),
    "config.env_bad_lang": ("EVIDENCE_LANG 须为 zh 或 en（也可写作 zh_CN、zh_CN.UTF-8），而不是 {value}",
                            "EVIDENCE_LANG must be zh or en (zh_CN, zh_CN.UTF-8 also work), not {value}"),
    "config.unreadable": ("无法读取配置文件 {path}", "cannot read config file {path}"),
    "config.unknown_keys": ("{path} 中有未知的键：{keys}", "unknown key(s) in {path}: {keys}"),
    "config.unknown_keys.hint": ("允许的键：{keys}", "allowed keys: {keys}"),
    "config.tsa_url_invalid": ("EVIDENCE_TSA_URL：{url} 不是有效的网址", "EVIDENCE_TSA_URL: {url} is not a valid URL"),
    "config.tsa_url_scheme": ("EVIDENCE_TSA_URL：{url} 不是带主机名的 http:// 或 https:// 网址",
                              "EVIDENCE_TSA_URL: {url} is not an http:// or https:// URL with a host"),
    "config.tsa_url_scheme.hint": ("例如 EVIDENCE_TSA_URL=https://tsa.example/tsr",
                                   "e.g. EVIDENCE_TSA_URL=https://tsa.example/tsr"),
    "config.tsa_ca": ("EVIDENCE_TSA_CA：{reason}", "EVIDENCE_TSA_CA: {reason}"),
    "config.tsa_bundle": ("{variable}：{reason}", "{variable}: {reason}"),
    # composing messages
    "errors.text": ("{text}", "{text}"),
    "errors.with_hint": ("{message}（提示：{hint}）", "{message} (hint: {hint})"),
}
