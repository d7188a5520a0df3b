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
}
