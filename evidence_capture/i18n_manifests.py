"""Catalog entries (zh / en) for ``manifests/`` (manifest, canonical JSON, station key, seal)
and the case and officer data of ``models.py``."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # the manifest (model.py, hashing.py)
    "manifest.time_format": ("清单字段 {field} 的值 {value} 不是 RFC 3339 时间", "manifest {field} {value} is not an RFC 3339 time"),
    "manifest.time_utc": ("清单字段 {field} 的值 {value} 不是带时区的 UTC 时间",
                          "manifest {field} {value} is not a timezone-aware UTC time"),
    "manifest.previous": ("previous_capture 格式错误：{value}", "malformed previous_capture {value}"),
    "manifest.unsafe_path": ("不安全的文件路径 {path}", "unsafe artifact path {path}"),
    "manifest.bad_entry": ("文件条目格式错误：{entry}", "malformed artifact entry {entry}"),
    "manifest.schema": ("未知的清单版本 {schema}", "unknown manifest schema {schema}"),
    "manifest.witness": ("见证人字段格式错误：{value}", "malformed witness {value}"),
    "manifest.place": ("提取地点字段格式错误", "malformed place"),
    "manifest.twice": ("清单中同一文件列出了两次", "manifest lists an artifact twice"),
    "manifest.signer": ("不支持的签名者 {signer}", "unsupported signer {signer}"),
    "manifest.not_object": ("清单不是 JSON 对象", "manifest is not a JSON object"),
    "manifest.unknown_fields": ("清单中有未知字段：{fields}", "unknown manifest field(s): {fields}"),
    "manifest.missing_field": ("清单格式错误：缺少字段 {field}", "malformed manifest: the field {field} is missing"),
    "manifest.malformed": ("清单格式错误（{kind}）", "malformed manifest ({kind})"),
    "manifest.read_json": ("无法读取 {name}", "cannot read {name}"),
    "manifest.json_not_object": ("{name} 不是 JSON 对象", "{name} is not a JSON object"),
    "manifest.not_regular": ("拒绝封存 {path}：不是普通文件", "refusing to seal {path}: not a regular file"),
    "manifest.no_provenance": ("{folder} 不是提取文件夹：缺少 provenance.json",
                               "{folder} is not a capture folder: provenance.json is missing"),
    "manifest.hash_unreadable": ("无法读取 {path}", "cannot read {path}"),
    # RFC 8785 canonical JSON (canonical.py)
    "canonical.non_finite": ("非有限数值 {value} 无法规范化", "non-finite number {value} cannot be canonicalised"),
    "canonical.keys": ("JSON 对象的键必须是字符串", "JSON object keys must be strings"),
    "canonical.type": ("{kind} 类型的值无法规范化", "value of type {kind} cannot be canonicalised"),
    "canonical.failed": ("该值无法按 RFC 8785 规范化", "value cannot be canonicalised (RFC 8785)"),
    "canonical.not_json": ("不是有效的 UTF-8 JSON", "not valid UTF-8 JSON"),
    "canonical.not_canonical": ("JSON 不符合 RFC 8785 规范化格式", "JSON is not in RFC 8785 canonical form"),
    # the station key (keys.py)
    "keys.public_key": ("公钥", "public key"),
    "keys.not_pem": ("{source} 不是 PEM 格式的公钥", "{source} is not a PEM public key"),
    "keys.not_ed25519_public": ("{source} 不是 Ed25519 公钥", "{source} is not an Ed25519 public key"),
    "keys.output_is_dir": ("{path} 是文件夹；请给出要写入的 PEM 文件名", "{path} is a folder; give the PEM file to write"),
    "keys.output_exists": ("{path} 已存在；请换一个文件名", "{path} already exists; choose another file name"),
    "keys.output_unwritable": ("无法写入 {path}：{cause}", "cannot write {path}: {cause}"),
    "keys.exists": ("{path} 处已有工作站密钥", "a station key already exists at {path}"),
    "keys.exists.hint": ("密钥永不覆盖", "keys are never overwritten"),
    "keys.fresh_signature": ("刚生成的签名未能通过校验", "the fresh signature does not verify"),
    "keys.empty_passphrase": ("密钥口令不能为空", "the key passphrase must not be empty"),
    "keys.missing": ("{path} 处没有工作站密钥", "no station key at {path}"),
    "keys.missing.hint": ("请运行 `evidence keys init`", "run `evidence keys init`"),
    "keys.locked": ("无法解锁工作站密钥 {path}", "cannot unlock the station key {path}"),
    "keys.locked.hint": ("口令是否有误？", "wrong passphrase?"),
    "keys.not_ed25519": ("{path} 不是 Ed25519 密钥", "{path} is not an Ed25519 key"),
    # sealing (seal.py)
    "seal.already": ("{folder} 已封存", "{folder} is already sealed"),
    "seal.already.hint": ("使用 `evidence timestamp --pending` 补取时间戳", "use `evidence timestamp --pending` to add tokens"),
    "seal.no_tsa": ("未配置时间戳服务", "no TSA configured"),
    "seal.no_tsa.hint": ("设置 EVIDENCE_TSA_URL", "set EVIDENCE_TSA_URL"),
    "seal.not_sealed": ("{folder} 尚未封存", "{folder} is not sealed"),
    "seal.signature_bad": ("{folder}：清单签名无法用本工作站密钥验证",
                           "{folder}: manifest signature does not verify with the station key"),
    # officers and cases (models.py)
    "officer.empty": ("执法人员姓名为空", "officer name is empty"),
    "officer.cert_no": ("执法证号 {value} 无效", "officer certificate number {value} is not valid"),
    "officer.cert_no.hint": ("可用字母、数字、“-”“_”“/”，2 至 64 个字符",
                             "use letters, digits, '-', '_' or '/', 2 to 64 characters"),
    "officer.format": ("执法人员 {value} 须写作 姓名:执法证号", "officer {value} must be written as NAME:CERT_NO"),
    "case.invalid_id": ("案件编号 {value} 无效", "invalid case id {value}"),
    "case.invalid_id.hint": ("1 至 {max} 个字符：汉字、字母、数字及 - _ . 〔〕【】()（），以文字或括号开头；"
                             "不得含“/”“\\”“..”或空格（例如 沪市监处〔2026〕12号）",
                             "1-{max} characters: Chinese characters, letters, digits and - _ . 〔〕【】()（）, "
                             "starting with a character or bracket; no '/', '\\', '..' or spaces "
                             "(e.g. 沪市监处〔2026〕12号)"),
}
