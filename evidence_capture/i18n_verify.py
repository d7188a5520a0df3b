"""Catalog entries (zh / en) for verification check reasons (``verify/``)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "verify.not_applicable": ("不适用于状态为 {state} 的提取：{why}", "not applicable to a {state} capture: {why}"),
    # time.gentime
    "verify.gentime.no_token": ("没有已校验的时间戳", "no verified timestamp token"),
    "verify.gentime.before": ("容差 {tolerance} 秒：genTime {gen_time} 比提取结束早 {delta}",
                              "tolerance {tolerance}s: genTime {gen_time} is {delta} before the capture ended"),
    "verify.gentime.late": ("容差 {tolerance} 秒：genTime {gen_time} 比提取结束晚 {delta}"
                            "（时间戳取得较晚：只能证明自那时起存在）",
                            "tolerance {tolerance}s: genTime {gen_time} is {delta} after the capture ended "
                            "(token obtained late: it proves existence only from then)"),
    "verify.gentime.ok": ("genTime 相对提取结束 {deltas}，在 {tolerance} 秒以内",
                          "genTime {deltas} after capture end, within {tolerance}s"),
    # time.http_date
    "verify.http_date.no_har": ("清单中没有 {har}", "no {har} in the manifest"),
    "verify.http_date.har_mismatch": ("{har} 与清单不符，其中的日期不能证明任何事",
                                      "{har} did not match the manifest; its dates prove nothing"),
    "verify.http_date.har_unreadable": ("{har} 不是可读的 JSON", "{har} is not readable JSON"),
    "verify.http_date.none": ("HAR 中没有可解析的 HTTP Date 头", "no parseable HTTP Date header in the HAR"),
    "verify.http_date.outside": ("{total} 个 Date 头中有 {n} 个超出提取时间 ±{tolerance} 秒，例如 {url}：{date}",
                                 "{n} of {total} Date header(s) outside capture time ±{tolerance}s, "
                                 "e.g. {url}: {date}"),
    "verify.http_date.ok": ("{n} 个 Date 头均在提取时间 ±{tolerance} 秒以内",
                            "{n} Date header(s) within capture time ±{tolerance}s"),
    "verify.http_date.ok_some_unparsed": ("{n} 个 Date 头均在提取时间 ±{tolerance} 秒以内；{unparsed} 个无法解析",
                                          "{n} Date header(s) within capture time ±{tolerance}s; "
                                          "{unparsed} unparseable"),
    # shared joins
    "verify.and": ("{first}和{next}", "{first} and {next}"),
    "verify.and3": ("{first}、{second}和{third}", "{first} and {second} and {third}"),
    # reading the capture folder
    "verify.read.refused": ("{path}：{reason}：拒绝读取", "{path}: {reason}: refusing to read it"),
    "verify.folder.missing": ("提取文件夹 {folder} 不存在", "capture folder {folder} does not exist"),
    "verify.target.not_capture": ("{target} 不是提取文件夹：其中没有 {files} 中的任何一个",
                                  "{target} is not a capture folder: it has none of {files}"),
    "verify.target.unknown": ("{target} 既不是提取文件夹，也不是已知的提取编号",
                              "{target} is neither a capture folder nor a known capture id"),
    "verify.target.key_unreadable": ("无法读取可信公钥 {path}", "cannot read trusted key {path}"),
    # files.regular
    "verify.regular.found": ("有 {n} 项不是普通文件（符号链接、FIFO、设备或套接字）：{paths}",
                             "{n} entr(y/ies) are not regular files (symlink, FIFO, device or socket): {paths}"),
    "verify.regular.ok": ("只有普通文件和文件夹", "only regular files and folders"),
    # manifest.parse
    "verify.manifest.missing": ("缺少 manifest.json", "manifest.json is missing"),
    "verify.manifest.too_deep": ("manifest.json 嵌套层级过深", "manifest.json is nested too deeply"),
    "verify.manifest.ok": ("符合 RFC 8785 规范化格式，版本 {schema}，{n} 个电子数据文件",
                           "RFC 8785 canonical, schema {schema}, {n} artifacts"),
    "verify.manifest.ok_dev": ("符合 RFC 8785 规范化格式，版本 {schema}，{n} 个电子数据文件；警告：{warning}",
                               "RFC 8785 canonical, schema {schema}, {n} artifacts; WARNING: {warning}"),
    # signature
    "verify.signature.missing": ("缺少 manifest.json 或 manifest.sig", "manifest.json or manifest.sig is missing"),
    "verify.signature.other_signer": ("清单写明的签名者为 {claimed}，实际签名者为 {signer}",
                                      "manifest names signer {claimed} but {signer} signed it"),
    "verify.signature.ok": ("可信密钥 {signer} 的 Ed25519 签名有效", "valid Ed25519 signature by trusted key {signer}"),
    "verify.signature.bad": ("签名与 manifest.json 不符", "the signature does not verify over manifest.json"),
    "verify.signature.unpinned": ("签名有效，但签名密钥 {signer} 未被信任（请用 --trust-key 指定工作站公钥）",
                                  "signature is valid but by key {signer}, which is not trusted "
                                  "(pin the station key with --trust-key)"),
    "verify.signature.untrusted": ("签名有效，但签名密钥 {signer} 未被信任",
                                   "signature is valid but by key {signer}, which is not trusted"),
    # artifacts
    "verify.artifacts.no_manifest": ("没有有效的清单，无法核对电子数据文件",
                                     "no valid manifest to check artifacts against"),
    "verify.artifact.outside": ("是符号链接或指向提取文件夹之外", "is a symbolic link or points outside the capture folder"),
    "verify.artifact.missing": ("清单中列有，但文件缺失", "listed in the manifest but missing"),
    "verify.artifact.size": ("大小为 {size} 字节，清单记载为 {listed} 字节", "size is {size} bytes, manifest says {listed}"),
    "verify.artifact.word_size": ("大小", "size"),
    "verify.artifact.differ": ("{what}与清单不符", "{what} differ from the manifest"),
    "verify.artifact.ok": ("{size} 字节；大小、SHA-256 和 SM3 均相符", "{size} bytes; size, SHA-256 and SM3 match"),
    "verify.present.missing": ("清单所列文件中有 {n} 个缺失：{paths}", "{n} listed artifact(s) missing: {paths}"),
    "verify.present.ok": ("清单所列 {n} 个文件均在", "all {n} listed artifacts are present"),
    "verify.unlisted.found": ("有 {n} 个文件未列入清单：{paths}", "{n} file(s) not in the manifest: {paths}"),
    "verify.unlisted.ok": ("没有未列入清单的文件", "no unlisted files"),
    "verify.unvouched.key": ("signer.pub.pem（不是清单所载的签名者）", "signer.pub.pem (not the manifest's signer)"),
    "verify.unvouched.tsq": ("{path}（不是针对本清单及随机数的请求）", "{path} (not a request for this manifest and nonce)"),
    # timestamps
    "verify.tokens.no_manifest": ("没有 manifest.json，无法与时间戳比对", "no manifest.json to compare tokens with"),
    "verify.tokens.none": ("没有时间戳（提取处于待补时间戳状态）", "no timestamp token (capture is timestamp-pending)"),
    "verify.token.pending": ("时间戳待补：{why}", "timestamp pending: {why}"),
    "verify.token.pending_none": ("时间戳待补：未保存时间戳", "timestamp pending: no token stored"),
    "verify.token.no_roots": ("未给出可信的时间戳根证书（--tsa-ca 或 EVIDENCE_TSA_CA）",
                              "no trusted TSA roots given (--tsa-ca or EVIDENCE_TSA_CA)"),
    "verify.token.no_nonce": ("tsa.nonce：未记录请求随机数", "tsa.nonce: the request nonce is not recorded"),
    "verify.token.check": ("{check}：{reason}", "{check}: {reason}"),
    "verify.token.record_disagrees": ("timestamps/{number}.json 与已校验的时间戳不符：{disagreement}",
                                      "timestamps/{number}.json disagrees with the verified token: {disagreement}"),
    "verify.token.ok": ("由 {tsa} 于 {gen_time} 签发（序列号 {serial}，策略 {policy}）",
                        "granted by {tsa} at {gen_time} (serial {serial}, policy {policy})"),
    "verify.token.ok_dev": ("由 {tsa} 于 {gen_time} 签发（序列号 {serial}，策略 {policy}）；开发用时间戳服务，不可用于真实案件",
                            "granted by {tsa} at {gen_time} (serial {serial}, policy {policy}); "
                            "DEVELOPMENT TSA, not trusted for real cases"),
    "verify.record.none": ("没有时间戳记录文件", "no slot record"),
    "verify.record.field": ("{field} 记为 {stated}（时间戳中为 {token}）", "{field} {stated} (token: {token})"),
    "verify.record.field_missing": ("缺少 {field}", "{field} missing"),
    "verify.record.dev_tsa": ("dev_tsa 为 false，但时间戳来自开发用时间戳服务",
                              "dev_tsa false, but the token is from a development TSA"),
    "verify.time.no_manifest": ("没有载有提取时间的有效清单", "no valid manifest with capture times"),
}
