"""The Chinese ``--help`` texts: commands by path, options by their English help, the env-var table.

English help is the commands' docstrings and ``help=`` strings in ``commands/``.  ``COMMANDS`` maps a
command path (``"case open"``) to its Chinese help, ``OPTIONS`` an English option help to its
Chinese one, ``ENV_VARS`` a variable of ``config.ENV_VARS`` to its Chinese description.
``tests/test_cli_help_zh.py`` walks the whole command tree: every entry must be here.
"""

from __future__ import annotations

COMMANDS: dict[str, str] = {
    "": "网页电子数据的提取、封存、保管、导出与校验。\n\n"
        "提示信息为中文或英文（EVIDENCE_LANG=zh|en，默认取自系统区域设置）；--json 输出的键和值始终为英文。\n\n"
        "退出码：0 成功，1 校验未通过，2 用法或输入错误，3 运行故障或提取失败，4 提取部分完成或待加盖时间戳。",
    "capture": "在全新的浏览器中提取网页，封存并记入保管库。\n\n"
               "每个网址一个文件夹 EVIDENCE_HOME/captures/<capture_id>/，含截图、源码、DOM、MHTML、HAR、录像、PDF、"
               "TLS 证书链、来源记录和环境检查；随后计算 SHA-256 与 SM3、签名、由 EVIDENCE_TSA_URL 中每个时间戳服务"
               "加盖时间戳，并记入保管链。须有两名执法人员（--officer 或 EVIDENCE_OFFICER）和一个时间戳服务，"
               "否则在浏览器启动前以退出码 2 拒绝，除非用 --single-officer-reason / --no-timestamp 说明理由（记入清单）。"
               "结果为完成（退出码 0）、部分完成（列出失败步骤，退出码 4）或失败（退出码 3）；"
               "时间戳服务失败时为待加盖时间戳（退出码 4），可用 `evidence timestamp --pending` 重试。"
               "使用 --tls-ca 时浏览器忽略证书错误，由本工具按该证书包校验服务器证书链；"
               "校验不通过则提取失败，除非加 --record-tls-errors（部分完成）。证书链均保存在 tls/ 下。",
    "worker": "为 `patrol --queue` 任务运行 Celery 工作进程：本机作为一个站点，使用自己的签名密钥。\n\n"
              "需要 EVIDENCE_BROKER_URL、共享的 EVIDENCE_DB（PostgreSQL）和共享的 EVIDENCE_ARTIFACTS 目录；"
              "站点密钥登记在共享的保管库中。",
    "recapture": "以相同的选项和设备再次提取同一网址，归入同一案件。\n\n"
                 "新提取记录的清单在 `previous_capture` 中载明前一次提取及其清单的 SHA-256；"
                 "可用 `evidence diff` 对比两次提取。",
    "diff": "对比两次提取并封存对比记录。\n\n"
            "两次提取须先校验通过。对比记录（EVIDENCE_HOME/diffs/<id>/diff.json）包括可见文字的差异、"
            "金额变化（原值 → 新值）、截图差异（在 B 的副本上框出变化区域）、HAR 资源差异和结论"
            "（未变化 / 已变化 / 已下架）；与提取记录一样计算校验值、签名、加盖时间戳并记入保管链。"
            "用 `evidence verify <id>` 校验，用 `evidence report <id>` 打印。",
    "seal": "封存尚未封存的提取记录：计算校验值、签名、加盖时间戳。时间戳服务失败时为待加盖时间戳（退出码 4）。",
    "verify": "离线校验提取记录、对比记录或导出包：每项检查为通过、未通过或未检查。\n\n"
              "全部通过退出码 0，任一未通过为 1。",
    "replay": "在 127.0.0.1 上用 ReplayWeb.page 离线回放提取记录的 archive.wacz；按 Ctrl-C 停止。",
    "export": "将提取记录导出为 BagIt 压缩包，含保管链与说明文件（记入保管链）。",
    "import": "校验导出包，然后全部导入或全部不导入（恶意输入退出码 2，校验未通过 1）。",
    "report": "打印电子数据提取笔录（A4 PDF）。\n\n"
              "打印时校验每份提取记录并在笔录中载明结果。对本保管库中的提取记录或案件，"
              "PDF 的 SHA-256 作为“打印笔录”（reported）保管事件记入保管链。",
    "patrol": "巡查：在本机并行提取一批网址，或交由 Celery 工作进程提取"
              "（`evidence patrol LIST`、`evidence patrol --resume JOB`、`evidence patrol status JOB`）。",
    "patrol run": "提取清单 LIST 中的每个网址，可中断后继续：任务及其各行保存在保管库中。\n\n"
                  "每次提取与 `evidence capture` 相同（全新的空白浏览器上下文、封存、加盖时间戳、记入保管链；"
                  "同样须有两名执法人员和时间戳服务）。`case` 列将该行归入案件（保管库中没有的案件会自动立案）。"
                  "任一行失败时退出码 3，否则任一提取部分完成时退出码 4。",
    "patrol status": "查看巡查任务：其状态（排队中、进行中、已完成）及各行，并按状态计数。",
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
    "custody checkpoint": "在保管库之外锚定保管链的末端：为最后一个事件申请 RFC 3161 时间戳。",
    "custody note": "在保管链中追加一条签名备注。",
    "timestamp": "RFC 3161 时间戳：重试待加盖的提取记录（--pending），校验时间戳。",
    "timestamp verify": "用全部检查校验一个单独的 RFC 3161 时间戳；退出码 1 时给出未通过的检查。\n\n"
                        "策略：拒绝 SHA-1 和 MD5 的摘要、签名摘要和证书签名；时间戳服务证书的 timeStamping "
                        "扩展密钥用途须为关键扩展且为唯一用途（RFC 3161 第 2.3 节的强制要求）；须恰有一个 SignerInfo，"
                        "并有指明签名者的 ESS 签名证书属性；证书链在 genTime 时须有效。",
    "timestamp pending": "对全部待加盖时间戳的提取记录重试已配置的时间戳服务（同 --pending）。",
    "tsa": "开发用时间戳服务（不可用于真实案件）。",
    "tsa serve": "运行开发用时间戳服务（openssl ts -reply），直至中断。不可用于真实案件。",
}

_LICENCE = ("同时写出亮照报告：每个网店一行 CSV，取自各提取记录的 licence.json，附中英文汇总（从不覆盖）。")

OPTIONS: dict[str, str] = {
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version.": "显示版本。",
    "Print JSON.": "输出 JSON。",
    "Print JSON (with --pending).": "输出 JSON（与 --pending 一起使用）。",
    "Print the result as JSON.": "以 JSON 输出结果。",
    "Print the results as JSON.": "以 JSON 输出结果。",
    "Print the change report as JSON.": "以 JSON 输出对比记录。",
    "Print the URL and CA path as JSON.": "以 JSON 输出网址和 CA 证书路径。",
    "Machine-readable result, on every outcome.": "机器可读的结果（JSON），任何结果均输出。",
    "Trust this private CA (PEM bundle) for this capture: the engine checks the served "
    "chain against it (recorded in the capture).":
        "本次提取信任此私有 CA（PEM 证书包）：由本工具按其校验服务器证书链（记入提取记录）。",
    "Capture even when the certificate does not validate; the chain and the error are "
    "recorded and the capture is PARTIAL.":
        "证书校验不通过时仍然提取；证书链与错误记入记录，提取结果为部分完成。",
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
    "Playwright device descriptor, e.g. 'iPhone 13' (default: desktop 1366x768).":
        "Playwright 设备名称，例如 'iPhone 13'（默认：桌面浏览器 1366x768）。",
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
    "Capture folder or id, change-report id (diff-…), or package (.zip).":
        "提取记录文件夹或提取编号、对比记录编号（diff-…）或导出包（.zip）。",
    "Capture id, capture folder or exported package (.zip).": "提取编号、提取记录文件夹或导出包（.zip）。",
    "Capture id or folder, case id, or exported package (.zip).": "提取编号或文件夹、案件编号或导出包（.zip）。",
    "Capture id or case id.": "提取编号或案件编号。",
    "Case id or capture id.": "案件编号或提取编号。",
    "Case id or capture id (default: the whole log).": "案件编号或提取编号（默认：整个保管链）。",
    "Count not-checked as failure.": "将未检查视为未通过。",
    "Allowed clock difference, seconds.": "允许的时钟偏差（秒）。",
    "The package to write (FILE.zip); never overwritten.": "要写入的导出包（FILE.zip）；从不覆盖。",
    "An extraction-record PDF to include (repeatable); it must be recorded by `evidence report` for this target.":
        "要一并导出的提取笔录 PDF（可重复）；须已由 `evidence report` 为该对象记入保管链。",
    "The package (FILE.zip).": "导出包（FILE.zip）。",
    "Put the captures in this case.": "将提取记录归入此案件。",
    "Pinned exporting-station public key PEM.": "固定的导出站点公钥 PEM。",
    "Import although the signer is not pinned (recorded).": "签名者未固定时仍导入（记入保管链）。",
    "The PDF file to write.": "要写入的 PDF 文件。",
    "Language of the record: zh or en (default: EVIDENCE_LANG, then the locale).":
        "笔录的语言：zh 或 en（默认：EVIDENCE_LANG，其次为系统区域设置）。",
    "Write the PEM here instead of stdout.": "将 PEM 写入此文件而不是标准输出。",
    "The note (a correction is a new note, never an edit).": "备注内容（更正须另写新备注，不可修改）。",
    "Also print the originating stations' history that came in with imported packages.":
        "同时输出随导入包带来的原站点保管记录。",
    "Extra pinned station public key PEM.": "另外固定的站点公钥 PEM。",
    "Check every event's signature one by one, not only those the chain does not vouch for.":
        "逐一校验每个事件的签名，而不仅是保管链未能担保的那些。",
    "A checkpoint file held elsewhere (default: the latest in EVIDENCE_HOME).":
        "保存在别处的锚定文件（默认：EVIDENCE_HOME 中最新的一个）。",
    "Which capture of a package.": "导出包中的哪一份提取记录。",
    "Replay even if verify fails (the page shows a warning banner).": "校验未通过时仍回放（页面显示警告横幅）。",
    "Port on 127.0.0.1 (0: a free one).": "127.0.0.1 上的端口（0：任一空闲端口）。",
    "Port on 127.0.0.1 (0: any free port).": "127.0.0.1 上的端口（0：任一空闲端口）。",
    "The capture to repeat (a capture id in this store).": "要重新提取的提取记录（本保管库中的提取编号）。",
    "The earlier capture (id or folder).": "较早的提取记录（编号或文件夹）。",
    "The later capture (id or folder).": "较晚的提取记录（编号或文件夹）。",
    "Captures at once in this worker.": "本工作进程同时进行的提取数。",
    "Celery log level.": "Celery 日志级别。",
    "Text file (one URL a line) or CSV with url,case,subject,note (UTF-8, BOM ok).":
        "文本文件（每行一个网址）或含 url,case,subject,note 列的 CSV（UTF-8，可带 BOM）。",
    "Continue a job after a crash or Ctrl-C (done rows are not captured again).":
        "在崩溃或 Ctrl-C 之后继续任务（已完成的行不再提取）。",
    "With --resume: retry the failed rows too.": "与 --resume 一起使用：也重试失败的行。",
    "Captures at once (default: from cores and free memory).": "同时进行的提取数（默认：按 CPU 核数和空闲内存确定）。",
    "Most captures of one host at once (0: no limit).": "同一主机同时进行的最多提取数（0：不限）。",
    "Seconds between two capture starts on one host.": "同一主机上两次提取开始之间的秒数。",
    "Share one Chromium process per worker (a new, empty context per capture), or launch one per capture.":
        "每个工作进程共用一个 Chromium 进程（每次提取使用全新的空白上下文），或每次提取启动一个。",
    "Send the job to the Celery workers (EVIDENCE_BROKER_URL) instead of running it here.":
        "将任务交给 Celery 工作进程（EVIDENCE_BROKER_URL），而不在本机运行。",
    "Also write the 亮照 (licence display) report: one CSV row per shop, from each capture's licence.json, "
    "with a summary in Chinese and English (never overwritten).": _LICENCE,
    "The patrol job id.": "巡查任务编号。",
    "TSA key: rsa, ec (P-256) or sm2 (SM2-with-SM3 tokens, GM/T 0010).":
        "时间戳服务密钥：rsa、ec（P-256）或 sm2（SM2-with-SM3 时间戳，GM/T 0010）。",
    "Where its CA, key and OpenSSL config live (default: EVIDENCE_HOME/dev-tsa/<key-type>).":
        "其 CA、密钥和 OpenSSL 配置所在目录（默认：EVIDENCE_HOME/dev-tsa/<key-type>）。",
    "Retry every timestamp-pending capture against the configured TSAs. Exit 4 if any stays pending.":
        "对全部待加盖时间戳的提取记录重试已配置的时间戳服务；仍有待加盖的，退出码 4。",
    "The token: a TimeStampResp (.tsr) or a bare TimeStampToken, DER.":
        "时间戳：TimeStampResp（.tsr）或单独的 TimeStampToken，DER 编码。",
    "The timestamped file (hashed with the token's own imprint algorithm).":
        "加盖了时间戳的文件（按时间戳自身的摘要算法计算）。",
    "Or its digest as ALG:HEX (sha256, sha384, sha512, sm3); bare hex is SHA-256.":
        "或其摘要，格式为 ALG:HEX（sha256、sha384、sha512、sm3）；只有十六进制时视为 SHA-256。",
    "PEM bundle of trusted TSA certificates (default: EVIDENCE_TSA_CA). Every certificate in it is a trust "
    "anchor, a pinned TSA certificate too (like openssl -partial_chain).":
        "受信任的时间戳服务证书 PEM（默认：EVIDENCE_TSA_CA）。其中每张证书都是信任锚，"
        "固定的时间戳服务证书也是（同 openssl -partial_chain）。",
    "PEM bundle of further certificates (TSA, intermediates) for tokens that carry none "
    "(default: EVIDENCE_TSA_CHAIN). Never trusted on their own.":
        "供不附带证书的时间戳使用的其他证书 PEM（时间戳服务证书、中间证书；默认：EVIDENCE_TSA_CHAIN）。"
        "这些证书本身从不被信任。",
    "The request nonce, if known.": "请求的随机数（nonce），如已知。",
}

ENV_TITLE = "环境变量："

ENV_VARS: dict[str, str] = {
    "EVIDENCE_HOME": "数据目录（默认：系统的用户数据目录）",
    "EVIDENCE_CONFIG": "TOML 配置文件（默认：EVIDENCE_HOME/config.toml）",
    "EVIDENCE_CHROMIUM": "浏览器程序（默认：{chromium}，其次为 PATH 中的 {fallback}）",
    "EVIDENCE_DB": "SQLAlchemy 数据库网址：sqlite:///… 或 postgresql+psycopg://…（默认：EVIDENCE_HOME 中的 SQLite）",
    "EVIDENCE_BROKER_URL": "`patrol --queue` 和 `evidence worker` 使用的 Celery 消息代理（例如 redis://host:6379/0）",
    "EVIDENCE_ARTIFACTS": "各工作进程共同挂载的提取文件根目录（默认：EVIDENCE_HOME/captures）",
    "EVIDENCE_TSA_URL": "RFC 3161 时间戳服务网址，以逗号分隔",
    "EVIDENCE_TSA_CA": "受信任的时间戳服务证书 PEM（每张都是信任锚）",
    "EVIDENCE_TSA_CHAIN": "时间戳服务证书和中间证书 PEM，供应答中不附带证书的时间戳服务使用（这些证书本身从不被信任）",
    "EVIDENCE_KEY_PASSPHRASE": "站点签名密钥的口令（未设置时提示输入）",
    "EVIDENCE_OFFICER": "默认执法人员，格式 '姓名:执法证号'，以逗号分隔",
    "EVIDENCE_LANG": "提示信息的语言：zh 或 en，也可写 zh_CN、zh_CN.UTF-8（默认：取自系统区域设置）",
    "EVIDENCE_REPLAY_ASSETS": "`evidence replay` 使用的 ReplayWeb.page 的 ui.js 和 sw.js 所在目录"
                              "（默认：`make replay-assets` 填充的缓存）",
}
