"""Catalog entries (zh / en) of a capture: step details, failures, warnings, findings, URLs.

Step names shown in progress are ``step.<name>`` (``i18n_ui.py``); these are
what a step did or why it did not succeed (``StepOutcome.message``), the
capture's warnings and the clean-environment findings' ``detail_msg``.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "step.archive": ("生成网页归档（WACZ）", "archive"),  # written by finalize.archive, after the STEPS
    # why a step failed: the kind of a browser or system error (capture/failures.py)
    "capture.cause.dns": ("域名无法解析（{code}）", "the host name does not resolve ({code})"),
    "capture.cause.refused": ("连接被拒绝（{code}）", "the connection was refused ({code})"),
    "capture.cause.unreachable": ("无法连接到网站（{code}）", "the site cannot be reached ({code})"),
    "capture.cause.cert": ("浏览器拒绝了网站证书（{code}）", "the browser refused the site's certificate ({code})"),
    "capture.cause.blocked": ("请求被本工具拦截（{code}）", "the request was blocked by this tool ({code})"),
    "capture.cause.net": ("浏览器报告网络错误（{code}）", "the browser reported a network error ({code})"),
    "capture.cause.timeout": ("超时", "timed out"),
    "capture.cause.timeout_after": ("{budget} 秒内未完成", "not done within {budget} s"),
    "capture.cause.closed": ("浏览器或页面已关闭", "the browser or the page was closed"),
    "capture.cause.os": ("读写文件时出错", "a file could not be read or written"),
    "capture.cause.internal": ("内部错误（原文见 provenance.json 的步骤记录）",
                               "an internal error (its text is in the step log of provenance.json)"),
    "capture.cause.browser": ("浏览器报告了错误（原文见 provenance.json 的步骤记录）",
                              "the browser reported an error (its text is in the step log of provenance.json)"),
    # the engine (capture/engine.py)
    "capture.step.no_page": ("未加载到网页，未执行", "no page was loaded"),
    "capture.step.no_budget": ("未执行：总时限已用完", "not run: total budget spent"),
    "capture.step.timeout": ("{budget} 秒后超时", "timed out after {budget} s"),
    "capture.step.timeout_because": ("{budget} 秒后超时：{reason}", "timed out after {budget} s: {reason}"),
    "capture.step.over_budget": ("{detail}；用时 {took} 秒，超出 {budget} 秒的时限",
                                 "{detail}; took {took} s, over its {budget} s budget"),
    "capture.step.done": ("已完成", "done"),
    "capture.missing.video_off": ("已关闭视频录制", "video recording was turned off"),
    "capture.missing.not_produced": ("未生成，原因见步骤记录", "not produced; see the step log"),
    # navigate (capture/steps.py)
    "capture.navigate.ok": ("HTTP {status}，页面加载完成（load 事件）", "HTTP {status}, load event fired"),
    "capture.navigate.blocked": ("连接前已拦截：{reason}", "blocked before connecting: {reason}"),
    "capture.navigate.failed": ("打开网页失败：{reason}", "navigation failed: {reason}"),
    "capture.navigate.no_response": ("打开网页未得到任何响应", "navigation produced no response"),
    "capture.navigate.http_error": ("服务器返回 HTTP {status} {text}", "server answered HTTP {status} {text}"),
    "capture.navigate.private": ("浏览器连接到了私有地址 {address}，已停止提取",
                                 "browser connected to private address {address}; capture stopped"),
    "capture.navigate.cert_invalid": ("{host} 的证书未通过 {bundle} 的校验：{reason}",
                                      "the certificate of {host} did not validate against {bundle}: {reason}"),
    "capture.dns.failed": ("域名解析失败（{code}）", "DNS lookup failed ({code})"),
    "capture.guard.private": ("私有地址 {addresses}（如需取证，请加 --allow-private 解除拦截）",
                              "private address {addresses} (use --allow-private to lift the block)"),
    "capture.guard.connected": ("连接到了私有地址 {address}", "connected to private address {address}"),
    # settle, scroll
    "capture.settle.quiet": ("等待 {ms} 毫秒后页面已稳定，期间滚动 {screens} 屏",
                             "quiet after {ms} ms, {screens} screen(s) scrolled meanwhile"),
    "capture.settle.busy": ("{budget} 秒后网络仍未空闲（{count} 个请求未完成）",
                            "network still busy after {budget} s ({count} open request(s))"),
    "capture.scroll.ok": ("分 {rounds} 轮共滚动 {screens} 屏", "scrolled {screens} screens in {rounds} round(s)"),
    "capture.scroll.growing": ("已滚动 {screens} 屏，页面仍在增长（高 {height} 像素）",
                               "scrolled {screens} screens, page still growing at {height} px"),
    # screenshot, dom, text, response, mhtml, pdf, certificates
    "capture.screenshot.ok": ("{width}×{height} CSS 像素，分 {tiles} 块拍摄",
                              "{width}x{height} CSS px in {tiles} tile(s)"),
    "capture.screenshot.too_large": ("截图 {width}×{height} CSS 像素超过 {limit} 像素的上限",
                                     "screenshot {width}x{height} CSS px exceeds {limit} pixels"),
    "capture.screenshot.stitched_too_large": ("拼接后的截图 {width}×{height} 像素超过 {limit} 像素的上限",
                                              "stitched screenshot {width}x{height} exceeds {limit} pixels"),
    "capture.screenshot.no_tiles": ("没有可拼接的截图分块", "no tiles to stitch"),
    "capture.chars": ("{n} 个字符", "{n} characters"),
    "capture.bytes": ("{n} 字节", "{n} bytes"),
    "capture.licence.ok": ("{overall}（{shown}/{total} 项已公示）", "{overall} ({shown} of {total} fields displayed)"),
    "capture.licence.not_followed": ("未打开：{reason}", "not followed: {reason}"),
    "capture.text.ok": ("{chars} 个字符，{lines} 行", "{chars} characters, {lines} lines"),
    "capture.response.ok": ("{size} 字节；主文档响应 {count} 个", "{size} bytes; {count} main document response(s)"),
    "capture.response.unfinished": ("主文档始终未下载完成", "the main document never finished downloading"),
    "capture.response.no_body": ("未能保存主文档的原始内容", "no main document body was kept"),
    "capture.certificates.ok": ("已保存 {n} 条证书链", "{n} chain(s)"),
    "capture.certificates.none": ("页面未使用 HTTPS", "no HTTPS origins"),
    "capture.certificates.problems": ("{count} 个 HTTPS 来源的证书有问题：{origins}",
                                      "certificate problems at {count} HTTPS origin(s): {origins}"),
    # close, network_log, archive (capture/finalize.py)
    "capture.close.no_context": ("未打开浏览器上下文", "no browser context was opened"),
    "capture.close.ok": ("已关闭浏览器上下文（无视频）", "context closed (no video)"),
    "capture.close.video": ("已关闭浏览器上下文，视频 {size} 字节", "context closed, video {size} bytes"),
    "capture.har.missing": ("浏览器未写出网络日志（HAR）", "Playwright wrote no HAR"),
    "capture.har.private": ("虽已拦截私有地址，浏览器仍连接到了 {addresses}",
                            "browser connected to private address(es) {addresses} although private "
                            "addresses were blocked"),
    "capture.har.ok": ("{entries} 条记录，其中 {missing} 条无服务器连接", "{entries} entries, {missing} without a server connection"),
    "capture.archive.failed": ("未能写出 archive.wacz：{reason}", "archive.wacz not written: {reason}"),
    # warnings (CaptureResult.warnings, provenance.json "warnings" / "warning_msgs")
    "capture.warn.officers": ("仅登记了 {n} 名执法人员，规定要求不少于两名",
                              "{n} officer(s) named; the regulations require two"),
    "capture.warn.allow_private": ("已允许访问私有地址和本机回环地址（--allow-private）",
                                   "private and loopback addresses were allowed (--allow-private)"),
    "capture.warn.ignore_https": ("已忽略证书错误（ignore_https_errors）",
                                  "certificate errors were ignored (ignore_https_errors)"),
    "capture.warn.engine_tls": ("浏览器不校验证书，由本工具依据 {bundle} 逐一校验证书链",
                                "the browser ignored certificate errors; the engine checked each chain "
                                "against {bundle}"),
    "capture.warn.engine_tls_record": ("浏览器不校验证书，由本工具依据 {bundle} 逐一校验证书链，"
                                       "证书有误时照常提取（--record-tls-errors）",
                                       "the browser ignored certificate errors; the engine checked each "
                                       "chain against {bundle} and captured despite errors "
                                       "(--record-tls-errors)"),
    "capture.system_bundle": ("系统 CA 证书包", "the system CA bundle"),
    "capture.warn.device": ("设备 {device} 原为 {engine} 浏览器设计，已在 Chromium 中模拟（用户代理、视口、触控、缩放）",
                            "device '{device}' is described for {engine}; it was emulated in Chromium "
                            "(user agent, viewport, touch, scale)"),
    "capture.warn.busy": ("网络在 {budget} 秒内始终未空闲，仍有 {count} 个请求未完成：{urls}",
                          "the network never went quiet within {budget} s; {count} request(s) still "
                          "open: {urls}"),
    "capture.warn.truncated": ("截图在 {height} 像素处截断（max_screenshot_height）",
                               "screenshot truncated at {height} px (max_screenshot_height)"),
    "capture.warn.missing": ("缺少必需的电子数据文件 {artifact}（{reason}）",
                             "required artifact missing: {artifact} ({reason})"),
    "capture.warn.no_font": ("本机没有可显示网页中 {script} 文字的字体，这些文字显示为空白方框",
                             "no installed font for the page's {script} text: drawn as empty boxes"),
    "capture.warn.tls_recorded": ("{host} 的证书未通过校验（{reason}），已按 --record-tls-errors 照常提取",
                                  "the certificate of {host} did not validate ({reason}); captured anyway "
                                  "(--record-tls-errors)"),
    # video (capture/browser.py, engine.py)
    "capture.video.missing": ("未录制视频：录像程序 ffmpeg（{path}）不存在或不可执行",
                              "video disabled: the ffmpeg recorder {path} is missing or not executable"),
    "capture.video.unusable": ("未录制视频：没有可用的录像程序 ffmpeg", "video disabled: no usable ffmpeg"),
    "capture.video.not_started": ("未录制视频：录像程序未能启动", "video disabled: the recorder did not start"),
    # the clean-environment check (environment.json "findings"[].detail_msg)
    "capture.env.proxy_set": ("设置了代理环境变量：{names}", "proxy variables set: {names}"),
    "capture.env.no_proxy": ("未设置代理环境变量", "no proxy variables set"),
    "capture.env.hosts_odd": ("hosts 文件中有 {n} 条非默认条目", "{n} non-default entries"),
    "capture.env.hosts_default": ("hosts 文件中仅有默认条目", "only default entries"),
    "capture.env.clock": ("离线状态下没有参考时间源，未核对时钟偏差",
                          "no reference time source offline; clock offset not checked"),
    "capture.env.profile_new": ("新启动的浏览器进程（临时用户数据目录），新建的空白上下文；"
                                "cookie {cookies} 个，有存储数据的来源 {origins} 个",
                                "new browser process with a temporary user-data-dir and a new, empty "
                                "context; cookies={cookies}, origins with storage={origins}"),
    "capture.env.profile_shared": ("共用的浏览器进程（本进程中第 {n} 次提取），新建的空白上下文；"
                                   "cookie {cookies} 个，有存储数据的来源 {origins} 个",
                                   "shared browser process (capture {n} in it) and a new, empty "
                                   "context; cookies={cookies}, origins with storage={origins}"),
    "capture.fonts.missing": ("本机没有可显示网页中以下文字的字体：{scripts}（fc-list 查询为空），这些文字显示为空白方框",
                              "no installed font for the page's script(s): {scripts} (fc-list is "
                              "empty); its text is drawn as empty boxes"),
    "capture.fonts.unknown": ("fc-list 不可用，未检查 {scripts} 的字体", "fc-list not available; fonts for {scripts} not checked"),
    "capture.fonts.ok": ("网页中的每种文字都有已安装的字体：{scripts}",
                         "a font is installed for every script on the page: {scripts}"),
    "capture.fonts.no_text": ("网页中没有文字", "a font is installed for every script on the page: no text"),
    "capture.tls.valid": ("{host}：证书链通过 {bundle} 的校验", "{host}: chain validates against {bundle}"),
    "capture.tls.invalid": ("{host}：证书未通过校验（{checked_by}）：{reason}；证书链：{chain}；保存于 {file}",
                            "{host}: certificate did not validate ({checked_by}): {reason}; chain: "
                            "{chain}; kept in {file}"),
    "capture.tls.by.engine": ("由本工具校验", "engine"),
    "capture.tls.by.chromium": ("由浏览器校验", "chromium"),
    # why a chain did not validate (capture/tls_step.py), from the verifier's error
    "capture.tls.err.expired": ("证书不在有效期内", "the certificate is not valid at this time"),
    "capture.tls.err.name": ("证书与网站名称不符", "the certificate does not name this host"),
    "capture.tls.err.untrusted": ("证书链无法追溯到受信任的根证书", "the chain does not lead to a trusted root"),
    "capture.tls.err.none": ("服务器未提供证书", "no certificate was served"),
    "capture.tls.err.other": ("证书链校验未通过", "the chain failed validation"),
    # URLs (capture/urls.py)
    "capture.url.empty": ("网址为空", "empty URL"),
    "capture.url.control": ("网址中含有空格或控制字符：{url}", "URL contains spaces or control characters: {url}"),
    "capture.url.malformed": ("网址格式有误：{url}", "malformed URL {url}"),
    "capture.url.expected": ("网址格式有误：{url}，应为 {scheme}://主机/…", "malformed URL {url}: expected {scheme}://HOST/..."),
    "capture.url.scheme": ("拒绝提取 {url}：只能提取 http 和 https 网址（此处为 {scheme}）",
                           "refused URL {url}: only http and https can be captured, not {scheme}"),
    "capture.url.no_scheme": ("未写协议", "no scheme"),
    "capture.url.no_host": ("网址中没有主机名：{url}", "URL has no host: {url}"),
    "capture.url.bad_ipv6": ("网址中的 IPv6 主机格式有误：{url}", "URL has a malformed IPv6 host: {url}"),
    "capture.url.bad_host": ("网址中的主机名格式有误：{url}", "URL has a malformed host name: {url}"),
    "capture.url.hint": ("请填写完整的 http:// 或 https:// 网址，例如 https://shop.example.com/item/1",
                         "give a full http:// or https:// address, e.g. https://shop.example.com/item/1"),
    # the browser (capture/browser.py, engine.py)
    "capture.browser.driver": ("无法启动 Playwright 驱动程序", "cannot start the Playwright driver"),
    "capture.browser.chromium": ("无法启动 Chromium（{path}）", "cannot start Chromium at {path}"),
    "capture.browser.chromium.hint": ("请安装 Debian 的 chromium 软件包，或设置 EVIDENCE_CHROMIUM",
                                      "install Debian's chromium package or set EVIDENCE_CHROMIUM"),
    "capture.browser.context": ("无法打开浏览器上下文", "cannot open a browser context"),
    "capture.device.unknown": ("未知的设备 {name}", "unknown device '{name}'"),
    "capture.device.try": ("可选的设备：{names}", "try one of: {names}"),
    "capture.device.example": ("请使用 Playwright 的设备名称，例如 'iPhone 13'",
                               "use a Playwright device name such as 'iPhone 13'"),
}
