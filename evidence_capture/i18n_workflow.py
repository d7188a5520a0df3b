"""Catalog entries (zh / en) for the capture workflow: the safe-by-default policy."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "workflow.crashed": ("提取程序意外出错（{kind}），技术细节记入保管日志",
                         "the capture stopped on an unexpected error ({kind}); the details are in the custody log"),
    "capture.policy.two_officers": (
        "提取须由两名执法人员进行，只给出了 {n} 名",
        "a capture needs two officers; {n} given"),
    "capture.policy.two_officers.hint": (
        "请给出两次 --officer 姓名:执法证号（或设置 EVIDENCE_OFFICER），"
        "或用 --single-officer-reason 说明理由（记入清单）",
        "give --officer NAME:CERT_NO twice (or set EVIDENCE_OFFICER), "
        "or state why with --single-officer-reason TEXT (recorded in the manifest)"),
    "capture.policy.no_tsa": (
        "提取须至少配置一个时间戳服务",
        "a capture needs at least one configured TSA"),
    "capture.policy.no_tsa.hint": (
        "请设置 EVIDENCE_TSA_URL（和 EVIDENCE_TSA_CA），或用 --no-timestamp 理由 说明（记入清单）",
        "set EVIDENCE_TSA_URL (and EVIDENCE_TSA_CA), or state why with --no-timestamp REASON "
        "(recorded in the manifest)"),
    "capture.policy.empty_reason": ("{option} 的理由不能为空", "the reason of {option} must not be empty"),
    "capture.policy.single_officer": ("单人提取，理由：{reason}（已记入清单）",
                                      "single-officer capture, reason: {reason} (recorded in the manifest)"),
    "capture.policy.no_timestamp": ("不加盖时间戳，理由：{reason}（已记入清单）",
                                    "no timestamp asked, reason: {reason} (recorded in the manifest)"),
}
