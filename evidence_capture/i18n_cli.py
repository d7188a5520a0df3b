"""The CLI's messages (zh / en), merged into the catalog of ``i18n``.

Each entry is ``key -> (zh, en)``; the English text is what the CLI printed
before it was translated, so scripts that read the English output keep
working.  ``--json`` output never goes through this catalog.
``i18n`` merges the ``MESSAGES`` of every ``i18n_<domain>.py`` module.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.cause": ("原因", "cause"),
    "cli.labelled": ("{label}：{text}", "{label}: {text}"),
    "cli.interrupted": ("已中断", "interrupted"),
    "cli.passphrase": ("站点签名密钥口令", "Station key passphrase"),
    "cli.no_passphrase": ("没有站点签名密钥的口令", "no passphrase for the station key"),
    "cli.no_passphrase.hint": ("请设置 EVIDENCE_KEY_PASSPHRASE，或在终端中运行该命令",
                               "set EVIDENCE_KEY_PASSPHRASE or run the command in a terminal"),
    "cli.no_station_key": ("尚无站点签名密钥", "no station key yet"),
    "cli.no_station_key.hint": ("请运行 `evidence keys init`", "run `evidence keys init`"),
    "cli.no_tsa": ("未配置时间戳服务", "no TSA configured"),
    "cli.no_tsa.hint": ("请设置 EVIDENCE_TSA_URL", "set EVIDENCE_TSA_URL"),
    "cli.dev_tsa.label": ("开发用时间戳服务——不可用于真实案件", "DEVELOPMENT TSA — not trusted for real cases"),
    "cli.dev_tsa.warning": ("时间戳来自开发用时间戳服务（evidence tsa serve）：不可用于真实案件",
                            "timestamps come from a DEVELOPMENT TSA (evidence tsa serve): "
                            "not trusted for real cases"),
    "cli.progress.hashing": ("正在计算校验值", "hashing"),
    "cli.progress.verifying": ("正在校验", "verifying"),
    "cli.progress.exporting": ("正在导出提取记录", "exporting captures"),
    # capture and seal
    "cli.capture.recovered": ("提取 {capture_id} 此前被中断，现已记录为未完成",
                              "capture {capture_id} was interrupted earlier; it is now recorded as incomplete"),
    "cli.capture.sealed": ("已封存", "sealed"),
    "cli.capture.folder": ("文件夹：{path}", "folder:   {path}"),
    "cli.capture.manifest": ("清单：sha256:{digest}（{state}）", "manifest: sha256:{digest}  ({state})"),
    "cli.capture.step": ("{name}：{outcome} - {detail}", "{name}: {outcome} - {detail}"),
    "cli.capture.ts_granted": ("时间戳 {n}：已取得，{gen_time}（{url}）", "timestamp {n}: granted {gen_time} ({url})"),
    "cli.capture.ts_failed": ("时间戳 {n}：失败：{error}（{url}）", "timestamp {n}: FAILED: {error} ({url})"),
    "cli.seal.state": ("{capture_id}：{state}", "{capture_id}: {state}"),
    "cli.seal.manifest": ("  清单 sha256:{digest}", "  manifest sha256:{digest}"),
    "cli.seal.signer": ("  签名密钥 {fingerprint}", "  signer   {fingerprint}"),
    "cli.seal.ts_granted": ("  时间戳 {n}：由 {tsa} 于 {gen_time} 签发（{url}）",
                            "  timestamp {n}: granted by {tsa} at {gen_time} ({url})"),
    "cli.seal.ts_failed": ("  时间戳 {n}：失败，{url}：{error}", "  timestamp {n}: FAILED at {url}: {error}"),
    "cli.seal.no_tsa": ("  未配置时间戳服务（EVIDENCE_TSA_URL）：该提取记录仍待加盖时间戳",
                        "  no TSA configured (EVIDENCE_TSA_URL): the capture stays timestamp-pending"),
    "cli.seal.none_pending": ("没有待加盖时间戳的提取记录", "no timestamp-pending captures"),
    "seal.state.timestamped": ("已加盖时间戳", "timestamped"),
    "seal.state.timestamp-pending": ("待加盖时间戳", "timestamp-pending"),
    "seal.state.unsealed": ("未封存", "unsealed"),
    # verify
    "cli.status.pass": ("通过", "PASS"),
    "cli.status.fail": ("未通过", "FAIL"),
    "cli.status.not-checked": ("未检查", "NOT-CHECKED"),
    "cli.status.not-applicable": ("不适用", "N/A"),
    "cli.verify.verified": ("校验通过", "VERIFIED"),
    "cli.verify.not_verified": ("校验未通过", "NOT VERIFIED"),
    "cli.verify.signer_untrusted": ("（签名密钥未受信任：请用 --trust-key 固定该密钥）",
                                    " (the signer key is not trusted: pin it with --trust-key)"),
    "cli.verify.counts": ("{verdict}：通过 {passed} 项，未通过 {failed} 项，未检查 {unchecked} 项",
                          "{verdict}: {passed} pass, {failed} fail, {unchecked} not checked"),
    "cli.verify.not_applicable": ("，不适用 {n} 项", ", {n} not applicable"),
    "cli.verify.strict": ("（严格模式：未检查视为未通过）", " (strict: not-checked counts as failure)"),
    # timestamp tokens and the development TSA
    "cli.token.result": ("时间戳：{status}", "timestamp token: {status}"),
    "cli.token.failed": ("未通过：{text}", "failed: {text}"),
    "cli.token.dev": ("此时间戳来自{label}", "this token is from a {label}"),
    "cli.token.info": (
        "  时间戳服务：{tsa}\n  签发时间：  {utc}（北京时间 {beijing}）\n  策略：      {policy}\n"
        "  序列号：    {serial}\n  摘要：      {imprint}\n  随机数：    {nonce}\n"
        "  签名者：    {signer}（{algorithm}）",
        "  tsa:       {tsa}\n  genTime:   {utc} (Beijing {beijing})\n  policy:    {policy}\n"
        "  serial:    {serial}\n  imprint:   {imprint}\n  nonce:     {nonce}\n"
        "  signer:    {signer} ({algorithm})"),
    "cli.token.no_nonce": ("时间戳中无随机数", "none in token"),
    "cli.token.no_ca": ("未给出可信的时间戳证书", "no trusted TSA certificates were given"),
    "cli.token.no_ca.hint": ("使用 --ca 或设置 EVIDENCE_TSA_CA", "use --ca or set EVIDENCE_TSA_CA"),
    "cli.token.one_of": ("--file 与 --digest 须且只须给出一个", "give exactly one of --file and --digest"),
    "cli.token.bad_digest": ("--digest 须为 算法:十六进制（sha256、sha384、sha512、sm3；只写十六进制即 SHA-256），"
                             "而不是 {value}",
                             "--digest must be ALG:HEX (sha256, sha384, sha512, sm3; bare hex means SHA-256), "
                             "not {value}"),
    "cli.file.missing": ("{what} {path} 不存在", "{what} {path} does not exist"),
    "cli.file.unreadable": ("无法读取{what} {path}：{reason}", "cannot read {what} {path}: {reason}"),
    "cli.file.file": ("文件", "file"),
    "cli.file.token": ("时间戳文件", "token"),
    "cli.tsa.serving": (
        "{label}\n  网址：      {url}\n  根证书：    {ca}\n  服务名称：  {name}\n"
        "  用法：      EVIDENCE_TSA_URL={url} EVIDENCE_TSA_CA={ca}\n按 Ctrl-C 停止。",
        "{label}\n  url:      {url}\n  root CA:  {ca}\n  tsa name: {name}\n"
        "  use:      EVIDENCE_TSA_URL={url} EVIDENCE_TSA_CA={ca}\nPress Ctrl-C to stop."),
    # keys
    "cli.keys.fingerprint": ("指纹：{fingerprint}", "fingerprint: {fingerprint}"),
    "cli.keys.private": ("私钥：{path}（已加密，权限 0600）", "private key: {path} (encrypted, mode 0600)"),
    # cases and custody
    "cli.case.opened": ("已立案 {case_id}：{title}", "opened case {case_id}: {title}"),
    "cli.case.none": ("尚无案件（evidence case open 案件编号 --title ...）",
                      "no cases yet (evidence case open CASE_ID --title ...)"),
    "cli.case.line": ("{case_id}  {title}  [{subject}]  提取记录 {n} 份",
                      "{case_id}  {title}  [{subject}]  {n} capture(s)"),
    "cli.case.header": ("案件 {case_id}：{title}", "case {case_id}: {title}"),
    "cli.case.subject": ("  当事人：{subject}   提取目的：{purpose}", "  subject: {subject}   purpose: {purpose}"),
    "cli.case.opened_at": ("  立案时间：{time}（北京时间）", "  opened:  {time} (Beijing)"),
    "cli.case.captures": ("提取记录（{n}）：", "captures ({n}):"),
    "cli.capture.line": ("  {capture_id}  {state}  时间戳：{timestamps}  {origin}  {url}{reason}",
                         "  {capture_id}  {state} timestamps: {timestamps} {origin} {url}{reason}"),
    "cli.capture.reason": ("  原因：{reason}", "  reason: {reason}"),
    "store.status.in_progress": ("进行中", "in_progress"),
    "store.status.complete": ("已完成", "complete"),
    "store.status.failed": ("保存失败", "failed to store"),
    "store.status.incomplete": ("未完成", "incomplete"),
    "store.timestamps.none": ("无", "none"),
    "store.timestamps.granted": ("已取得", "granted"),
    "store.timestamps.partial": ("部分取得", "partial"),
    "store.timestamps.failed": ("未取得", "failed"),
    "store.origin.local": ("本站", "local"),
    "store.origin.imported": ("导入", "imported"),
    "cli.custody.by": ("经办人 {name}（{cert_no}）", "by {name} ({cert_no})"),
    "cli.custody.none": ("没有保管事件", "no custody events"),
    "cli.custody.none_for": ("{target} 没有保管事件", "no custody events for {target}"),
    "cli.custody.history": ("随导入包 sha256:{digest}（{source}）带入的原站点记录：",
                            "history carried in by package sha256:{digest} ({source}):"),
    "cli.custody.unpinned": ("没有固定的站点公钥（keys/station.pub.pem 或 --trust-key）：将使用数据库中的公钥",
                             "no pinned station key (keys/station.pub.pem or --trust-key): "
                             "using the keys in the database"),
    "cli.custody.problem": ("未通过  序号 {seq}：{kind}：{message}", "FAIL  seq {seq}: {kind}: {message}"),
    "cli.custody.unverified": ("未通过  {n} 个事件由未固定的公钥签名",
                               "FAIL  {n} event(s) signed by keys that are not pinned"),
    "cli.custody.ok": ("保管链完整", "custody chain OK"),
    "cli.custody.not_verified": ("保管链未通过校验", "custody chain NOT VERIFIED"),
    "cli.custody.broken": ("：在序号 {seq} 处断裂", ": BROKEN at seq {seq}"),
    "cli.custody.summary": ("{verdict}：共 {events} 个事件，已验证 {signatures} 个签名",
                            "{verdict}: {events} events, {signatures} signatures verified"),
    "cli.custody.vouched": ("另有 {n} 个事件的内容由其后同一公钥的已验证签名经哈希链担保（逐个核验签名：--every-signature）",
                            "{n} more event(s) covered by a later verified signature of the same key "
                            "through the hash chain (check each one: --every-signature)"),
    # export and import
    "cli.export.wrote": ("已写入 {path}：提取记录 {n} 份，sha256:{digest}",
                         "wrote {path}: {n} capture(s), sha256:{digest}"),
    "cli.export.recorded": ("导出已记为保管事件 {seq}；回执：{receipt}",
                            "export recorded as custody event {seq}; receipt: {receipt}"),
    "cli.export.report": ("提取笔录 {path}：sha256:{digest}（保管事件 {seq}）",
                          "report {path}: sha256:{digest} (custody event {seq})"),
    "cli.export.skipped": ("未导出（未完成）：{capture_id}", "not exported (not complete): {capture_id}"),
    "cli.import.already": ("已导入过（包 sha256:{digest}）：无需操作",
                           "already imported (package sha256:{digest}): nothing to do"),
    "cli.import.done": ("已导入提取记录 {n} 份，归入案件 {case_id}", "imported {n} capture(s) into case {case_id}"),
    "cli.import.untrusted": ("导出站点的公钥未固定（--accept-untrusted-key）；已记入保管链",
                             "the exporting station's key was NOT pinned (--accept-untrusted-key); "
                             "recorded in custody"),
}
