"""Chinese ``--help`` texts, applied to the click command tree when the reader's language is zh.

English help is the commands' docstrings and ``help=`` strings in ``cli.py``; this table maps a
command path (``"case open"``) to its Chinese help, and an English option help to its Chinese one.
A text missing here stays English (``tests/test_cli_lang.py`` lists which).
"""

from __future__ import annotations

from typing import Any

COMMANDS: dict[str, str] = {
    "": "网页电子数据的提取、封存、保管、导出与校验。\n\n"
        "提示信息为中文或英文（EVIDENCE_LANG=zh|en，默认取自系统区域设置）；--json 输出的键和值始终为英文。\n\n"
        "退出码：0 成功，1 校验未通过，2 用法或输入错误，3 运行故障或提取失败，4 提取部分完成或待加盖时间戳。",
    "capture": "在全新的浏览器中提取网页，封存并记入保管库。\n\n"
               "每个网址一个文件夹，含截图、源码、DOM、MHTML、HAR、录像、PDF、TLS 证书链、来源记录和环境检查；"
               "随后计算 SHA-256 与 SM3、签名、由 EVIDENCE_TSA_URL 中每个时间戳服务加盖时间戳，并记入保管链。"
               "须有两名执法人员（--officer 或 EVIDENCE_OFFICER）和一个时间戳服务，"
               "否则在浏览器启动前以退出码 2 拒绝，除非用 --single-officer-reason / --no-timestamp 说明理由（记入清单）。"
               "结果为完成（退出码 0）、部分完成（列出失败步骤，退出码 4）或失败（退出码 3）；"
               "时间戳服务失败时为待加盖时间戳（退出码 4），可用 `evidence timestamp --pending` 重试。"
               "使用 --tls-ca 时浏览器忽略证书错误，由本工具按该证书包校验服务器证书链；"
               "校验不通过则提取失败，除非加 --record-tls-errors（部分完成）。证书链均保存在 tls/ 下。",
    "seal": "封存尚未封存的提取记录：计算校验值、签名、加盖时间戳。时间戳服务失败时为待加盖时间戳（退出码 4）。",
    "verify": "离线校验提取记录或导入包：每项检查为通过、未通过、未检查或不适用。全部通过退出码 0，任一未通过为 1。",
    "export": "将提取记录导出为 BagIt 压缩包，含保管链与说明文件（记入保管链）。",
    "import": "校验导入包，然后全部导入或全部不导入（恶意输入退出码 2，校验未通过 1）。",
    "report": "打印电子数据提取笔录（A4 PDF）。打印时校验每份提取记录并在笔录中载明结果。",
    "keys": "站点的 Ed25519 签名密钥。",
    "keys init": "创建站点签名密钥（Ed25519，以口令加密，权限 0600）。",
    "keys export-public": "以 PEM 输出站点公钥，供审查人员用 --trust-key 固定。",
    "case": "案件：立案、列出、查看。",
    "case open": "立案（记入保管链）。",
    "case list": "列出案件及其提取记录数。",
    "case show": "查看案件、其提取记录及状态。",
    "custody": "保管链：查看、校验、备注。",
    "custody log": "输出案件或提取记录的保管事件（北京时间）。",
    "custody verify": "检查整条保管链：首个断点、缺失、篡改和删除。有问题时退出码 1。",
    "custody note": "在保管链中追加一条签名备注。",
    "timestamp": "RFC 3161 时间戳：重试待加盖的提取记录（--pending），校验时间戳。",
    "timestamp verify": "用全部检查校验一个单独的 RFC 3161 时间戳；退出码 1 时给出未通过的检查。",
    "timestamp pending": "对全部待加盖时间戳的提取记录重试已配置的时间戳服务（同 --pending）。",
    "tsa": "开发用时间戳服务（不可用于真实案件）。",
    "tsa serve": "运行开发用时间戳服务（openssl ts -reply），直至中断。不可用于真实案件。",
}

OPTIONS: dict[str, str] = {
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version.": "显示版本。",
    "Print JSON.": "输出 JSON。",
    "Print the result as JSON.": "以 JSON 输出结果。",
    "Print the results as JSON.": "以 JSON 输出结果。",
    "Trust this private CA (PEM bundle) for this capture: the engine checks the served "
    "chain against it (recorded in the capture).":
        "本次提取信任此私有 CA（PEM 证书包）：由本工具按其校验服务器证书链（记入提取记录）。",
    "Capture even when the certificate does not validate; the chain and the error are "
    "recorded and the capture is PARTIAL.":
        "证书校验不通过时仍然提取；证书链与错误记入记录，提取结果为部分完成。",
    "Machine-readable result.": "机器可读的结果（JSON）。",
    "Seconds to wait for each TSA.": "等待每个时间戳服务的秒数。",
    "Pinned signer public key PEM (repeatable).": "固定的签名公钥 PEM（可重复）。",
    "PEM bundle of trusted TSA roots (default: EVIDENCE_TSA_CA).": "受信任的时间戳服务根证书 PEM（默认：EVIDENCE_TSA_CA）。",
    "Trusted TSA roots (default: EVIDENCE_TSA_CA).": "受信任的时间戳服务根证书（默认：EVIDENCE_TSA_CA）。",
    "The case number.": "案件编号。",
    "Short title of the case.": "案件简称。",
    "The shop or operator under investigation.": "被调查的网店或经营者。",
    "Why evidence is collected.": "提取证据的目的。",
    "http(s) URLs, captured in order.": "http(s) 网址，按顺序提取。",
    "Case number (open it first with `evidence case open`).": "案件编号（先用 `evidence case open` 立案）。",
    "Officer and enforcement-certificate number; repeat for each (two are required).":
        "执法人员姓名及执法证号；每人一次（须两名）。",
    "Total budget per capture.": "每次提取的总时限（秒）。",
    "Allow loopback, link-local and private addresses (recorded in the capture).":
        "允许本机、链路本地和私有地址（记入提取记录）。",
    "Capture with fewer than two officers, for this reason (recorded in the manifest).":
        "以此理由由不足两名执法人员进行提取（记入清单）。",
    "Capture without asking any TSA, for this reason (recorded; the capture stays timestamp-pending).":
        "以此理由不请求任何时间戳服务（记入清单；提取记录保持待加盖时间戳）。",
    "Where the capture is made, e.g. the office (recorded; printed in the record).":
        "提取地点，如办公场所（记入清单，并打印在笔录中）。",
    "Witness present and their ID number (recorded; printed and signed in the record).":
        "在场见证人姓名及身份证件号码，写作 姓名:证件号码（记入清单，笔录中列明并签名）。",
    "Capture folder or capture id.": "提取记录文件夹或提取编号。",
    "Count not-checked as failure.": "将未检查视为未通过。",
    "Allowed clock difference, seconds.": "允许的时钟偏差（秒）。",
    "The package to write (FILE.zip); never overwritten.": "要写入的导入包（FILE.zip）；从不覆盖。",
    "The package (FILE.zip).": "导入包（FILE.zip）。",
    "Put the captures in this case.": "将提取记录归入此案件。",
    "Pinned exporting-station public key PEM.": "固定的导出站点公钥 PEM。",
    "Import although the signer is not pinned (recorded).": "签名者未固定时仍导入（记入保管链）。",
    "The PDF file to write.": "要写入的 PDF 文件。",
    "Write the PEM here instead of stdout.": "将 PEM 写入此文件而不是标准输出。",
    "The note (a correction is a new note, never an edit).": "备注内容（更正须另写新备注，不可修改）。",
    "Case id or capture id.": "案件编号或提取编号。",
}


def localize(command: Any, lang: str, path: str = "") -> None:
    """Replace the help of ``command`` (a click command or group), its parameters and subcommands."""
    if lang != "zh":
        return
    if path in COMMANDS:
        command.help = COMMANDS[path]
        command.short_help = None
    for param in getattr(command, "params", []):
        help_text = getattr(param, "help", None)
        if help_text in OPTIONS:
            param.help = OPTIONS[help_text]
    for name, sub in (getattr(command, "commands", None) or {}).items():
        localize(sub, lang, f"{path} {name}".strip())
