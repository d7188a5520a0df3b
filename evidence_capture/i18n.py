"""Message catalog (zh / en) for the extraction record and for CLI messages.

The language is ``zh`` or ``en``.  The default follows ``EVIDENCE_LANG``, then
``config.toml``, then the locale (see ``config.load_settings``).  ``--json``
keys always stay English; only text meant for people is translated.

Usage::

    t = translator("zh")
    t("report.title")                    # "电子数据提取笔录"
    t("cli.report.written", path="x.pdf")
"""

from __future__ import annotations

from typing import Callable

from evidence_capture.errors import ConfigError, Msg

LANGS = ("zh", "en")

# key -> (zh, en)
_CATALOG: dict[str, tuple[str, str]] = {
    # --- the extraction record: title, header, sections --------------------------
    "report.title": ("电子数据提取笔录", "Electronic Data Extraction Record"),
    "report.record_no": ("笔录编号", "Record number"),
    "report.printed_at": ("打印时间", "Printed at"),
    "report.page_of": ("第 {n} 页 共 {m} 页", "page {n} of {m}"),
    "report.sec.case": ("一、案件信息", "1. Case"),
    "report.sec.officers": ("二、执法人员", "2. Officers"),
    "report.sec.time_place": ("三、提取时间与地点", "3. Time and place"),
    "report.sec.page": ("四、提取对象（网页）", "4. The page"),
    "report.sec.method": ("五、提取方法与工具", "5. Method and tools"),
    "report.sec.artifacts": ("六、电子数据清单", "6. Artifact list"),
    "report.sec.seal": ("七、封存与时间戳", "7. Seal and timestamps"),
    "report.sec.signatures": ("八、签名", "8. Signatures"),
    "report.sec.screenshot": ("附件：网页截图", "Attachment: page screenshot"),
    "report.capture_n": ("提取记录 {n}：{capture_id}", "Capture {n}: {capture_id}"),
    # --- case and people -----------------------------------------------------------
    "report.case_id": ("案件编号", "Case number"),
    "report.case_title": ("案件名称", "Case title"),
    "report.subject": ("当事人（网店/经营者）", "Subject (shop or operator)"),
    "report.purpose": ("提取目的", "Purpose"),
    "report.officer": ("执法人员", "Officer"),
    "report.name": ("姓名", "Name"),
    "report.cert_no": ("执法证号", "Certificate number"),
    "report.witness": ("见证人", "Witness"),
    "report.none": ("无", "none"),
    "report.not_recorded": ("未记录", "not recorded"),
    # --- time and place ------------------------------------------------------------
    "report.capture_id": ("提取编号", "Capture id"),
    "report.started": ("开始时间", "Started"),
    "report.ended": ("结束时间", "Ended"),
    "report.beijing": ("北京时间", "Beijing time"),
    "report.host": ("提取设备（主机名）", "Capture host"),
    "report.os": ("操作系统", "Operating system"),
    "report.state": ("提取结果", "Final state"),
    "report.env_checks": ("清洁性检查", "Clean-environment check"),
    "report.check": ("检查项", "Check"),
    "report.value": ("记录值", "Recorded value"),
    "report.result": ("结果", "Result"),
    "report.env.proxy": ("代理设置", "Proxy"),
    "report.env.hosts": ("hosts 文件", "Hosts file"),
    "report.env.dns": ("DNS 解析服务器", "DNS resolvers"),
    "report.env.clock": ("系统时钟", "System clock"),
    "report.env.profile": ("全新浏览器配置", "Fresh browser profile"),
    "report.env.fonts": ("字体", "Fonts"),
    "report.env.tls": ("TLS 证书校验", "TLS certificate check"),
    "report.env.no_proxy": ("未设置代理", "no proxy set"),
    "report.env.no_extra_hosts": ("无非默认条目", "no non-default entries"),
    "report.env.no_reference": ("无参考时间，未核对偏差", "no reference time; offset not checked"),
    "report.yes": ("是", "yes"),
    "report.no": ("否", "no"),
    # --- the page --------------------------------------------------------------------
    "report.requested_url": ("请求网址", "Requested URL"),
    "report.final_url": ("最终网址", "Final URL"),
    "report.redirects": ("跳转链", "Redirect chain"),
    "report.http_status": ("HTTP 状态码", "HTTP status"),
    "report.dns": ("域名解析结果", "DNS answers"),
    "report.servers": ("服务器地址", "Server addresses"),
    "report.tls": ("TLS 证书", "TLS certificate"),
    "report.tls.host": ("主机", "Host"),
    "report.tls.subject": ("主体", "Subject"),
    "report.tls.issuer": ("颁发者", "Issuer"),
    "report.tls.validity": ("有效期", "Validity"),
    "report.tls.none": ("无（非 HTTPS 或未取得）", "none (not HTTPS or not obtained)"),
    # --- method and tools ---------------------------------------------------------------
    "report.tool": ("提取工具及版本", "Tool and version"),
    "report.playwright": ("Playwright 版本", "Playwright version"),
    "report.chromium": ("Chromium 版本", "Chromium version"),
    "report.device": ("模拟设备/视口", "Device or viewport"),
    "report.user_agent": ("User-Agent", "User agent"),
    "report.steps": ("操作步骤", "Steps"),
    "report.step": ("步骤", "Step"),
    "report.time": ("时间（北京时间 / UTC）", "Time (Beijing / UTC)"),
    "report.duration": ("耗时（秒）", "Duration (s)"),
    "report.outcome": ("结果", "Outcome"),
    "report.detail": ("说明", "Detail"),
    "report.warnings": ("警告", "Warnings"),
    # --- artifacts and seal ------------------------------------------------------------------
    "report.artifact": ("文件名", "Name"),
    "report.media_type": ("类型", "Type"),
    "report.size": ("大小（字节）", "Size (bytes)"),
    "report.digests": ("完整性校验值", "Integrity values"),
    "report.manifest_sha256": ("清单（manifest.json）SHA-256", "Manifest (manifest.json) SHA-256"),
    "report.signer": ("签名密钥指纹", "Signer key fingerprint"),
    "report.sealed_at": ("封存时间", "Sealed at"),
    "report.timestamps": ("可信时间戳", "Timestamp tokens"),
    "report.tsa": ("时间戳服务机构", "TSA"),
    "report.serial": ("序列号", "Serial number"),
    "report.policy": ("策略 OID", "Policy OID"),
    "report.gen_time": ("签发时间（genTime）", "genTime"),
    "report.ts_failed": ("未取得：{error}", "not obtained: {error}"),
    "report.no_timestamps": ("无时间戳", "no timestamp token"),
    "report.dev_tsa": ("开发用时间戳服务", "Development TSA"),
    "report.verification": ("打印时校验结果", "Verification result at printing"),
    "report.not_verified": ("打印时未进行校验", "not verified when this record was printed"),
    # --- statuses (shared with the CLI) ---------------------------------------------------------
    "status.pass": ("通过", "pass"),
    "status.fail": ("未通过", "fail"),
    "status.not-checked": ("未检查", "not checked"),
    "status.not-applicable": ("不适用", "not applicable"),
    "status.ok": ("正常", "ok"),
    "status.warn": ("警告", "warning"),
    "state.COMPLETE": ("完成", "COMPLETE"),
    "state.PARTIAL": ("部分完成", "PARTIAL"),
    "state.FAILED": ("失败", "FAILED"),
    # --- signatures ------------------------------------------------------------------------------
    "report.sign.officer": ("执法人员签名", "Officer's signature"),
    "report.sign.witness": ("见证人签名", "Witness's signature"),
    "report.sign.date": ("日期", "Date"),
    "report.sign.initials": ("执法人员签名：", "Officers' initials:"),
    "report.sign.absent": (
        "当事人不在场或拒绝签名，原因",
        "Party absent or refused to sign: reason",
    ),
    "report.sign.attachment": (
        "附件：网页截图共 {n} 页。较长的网页按原比例打印其顶部，另附全页缩略图一页；完整截图为证据包中"
        "封存的 screenshot.png（其 SHA-256 与 SM3 见各提取记录的电子数据清单）。打印件图像经 JPEG"
        "（质量 {q}）压缩，封存的 PNG 原件为证据。",
        "Attachment: page screenshot, {n} page(s). A long page is printed at full scale for its top, "
        "with a whole-page overview on one more page; the complete screenshot is the sealed "
        "screenshot.png in the evidence package (its SHA-256 and SM3 are in each capture's artifact "
        "list). The printed images are JPEG (quality {q}); the sealed PNG is the evidence."),
    # --- screenshot stamp ---------------------------------------------------------------------------
    "report.shot.url": ("网址", "URL"),
    "report.shot.time": ("提取时间", "Captured"),
    "report.shot.sha256": ("截图 SHA-256", "Screenshot SHA-256"),
    "report.shot.part": ("截图第 {n} 页 共 {m} 页", "screenshot sheet {n} of {m}"),
    "report.shot.missing": ("未取得截图", "no screenshot was captured"),
    # --- CLI messages -------------------------------------------------------------------------------
    "cli.error": ("错误", "error"),
    "cli.warning": ("警告", "warning"),
    "cli.hint": ("提示", "hint"),
    "cli.report.written": ("提取笔录已写入：{path}", "extraction record written: {path}"),
    "cli.report.sha256": ("笔录 SHA-256：{digest}", "record SHA-256: {digest}"),
    "cli.report.rendering": ("正在生成提取笔录 PDF…", "rendering the extraction record PDF…"),
}


def _merge_domain_catalogs() -> None:
    """Merge ``MESSAGES`` of every ``evidence_capture/i18n_<domain>.py``; a key defined twice is a bug."""
    import importlib
    import pkgutil

    import evidence_capture

    for info in sorted(pkgutil.iter_modules(evidence_capture.__path__), key=lambda i: i.name):
        if not info.name.startswith("i18n_"):
            continue
        entries = importlib.import_module(f"evidence_capture.{info.name}").MESSAGES
        twice = sorted(set(entries) & set(_CATALOG))
        if twice:
            raise RuntimeError(f"{info.name} redefines catalog keys: {', '.join(twice)}")
        _CATALOG.update(entries)


_merge_domain_catalogs()

Translator = Callable[..., str]


def normalize_lang(value: str | None) -> str | None:
    """``zh`` or ``en`` for a language or locale spelling (``zh_CN``, ``zh-CN``, ``zh_CN.UTF-8``,
    ``en_US.utf8``, ``C``, ``POSIX``), else None."""
    text = (value or "").strip().split(".")[0].split("@")[0].replace("-", "_").lower()
    if text in ("c", "posix"):
        return "en"
    base = text.split("_")[0]
    return base if base in LANGS else None


def check_lang(lang: str) -> str:
    """``zh`` or ``en`` for ``lang`` (any spelling ``normalize_lang`` accepts), else ``ConfigError``."""
    found = normalize_lang(lang)
    if found is None:
        raise ConfigError(Msg("config.bad_lang", value=repr(lang)))
    return found


def default_lang() -> str:
    """The language from ``EVIDENCE_LANG``, ``config.toml`` or the locale."""
    from evidence_capture.config import load_settings

    return load_settings().lang


def message(key: str, lang: str, **values: object) -> str:
    """The text of ``key`` in ``lang``, formatted with ``values``."""
    try:
        entry = _CATALOG[key]
    except KeyError:
        raise KeyError(f"no message {key!r} in the catalog") from None
    text = entry[LANGS.index(check_lang(lang))]
    return text.format(**values) if values else text


def translator(lang: str | None = None) -> Translator:
    """A ``t(key, **values)`` function bound to one language."""
    bound = check_lang(lang) if lang else default_lang()

    def t(key: str, **values: object) -> str:
        return message(key, bound, **values)

    return t


def keys() -> tuple[str, ...]:
    return tuple(_CATALOG)


def has_key(key: str) -> bool:
    return key in _CATALOG
