"""Catalog entries (zh / en) of HTTPS in a capture: ``--tls-ca`` and navigation hints."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "tls.ca.unreadable": ("无法读取证书包 {path}：{error}", "cannot read the CA bundle {path}: {error}"),
    "tls.ca.not_pem": ("{path} 中没有 PEM 格式的证书", "{path} holds no PEM certificate"),
    "tls.hint.dns": (
        "域名无法解析：请核对网址拼写，确认本机 DNS 可用，或该网站已停止解析",
        "the host name does not resolve: check the URL's spelling and this machine's DNS; "
        "the site may have been taken down"),
    "tls.hint.unreachable": (
        "无法连接到该网站：请确认本机网络与代理设置，或该网站已关闭；可稍后重试",
        "the site cannot be reached: check this machine's network and proxy, or the site is "
        "down; try again later"),
    "tls.hint.cert": (
        "网站证书未通过校验：如网站使用私有 CA，请用 --tls-ca 指定（或核对）其证书包；"
        "如需照常取证并记录该错误，请加 --record-tls-errors。证书链已保存在 tls/ 下",
        "the site's certificate did not validate: for a private CA give (or check) its "
        "bundle with --tls-ca; to capture anyway and record the error add --record-tls-errors. "
        "The chain is kept under tls/"),
}
