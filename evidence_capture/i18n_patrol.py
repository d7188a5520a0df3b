"""The patrol commands' messages (zh / en), merged into the catalog of ``i18n``."""

from __future__ import annotations

PATROL_MESSAGES: dict[str, tuple[str, str]] = {
    "cli.patrol.total": ("巡查总进度", "patrol total"),
    "cli.patrol.last": ("最近：#{position} {state}", "last: #{position} {state}"),
    "cli.patrol.job": ("巡查任务 {job_id}：{state}（清单 {source}）",
                       "patrol job {job_id}: {state} (list {source})"),
    "cli.patrol.counts": ("合计 {total}：排队 {queued}，进行中 {running}，完成 {done}，失败 {failed}",
                          "total {total}: queued {queued}, running {running}, done {done}, "
                          "failed {failed}"),
    "cli.patrol.created": ("已建立巡查任务 {job_id}：{n} 个网址，{workers} 个并行采集，浏览器 {sharing}",
                           "patrol job {job_id}: {n} URL(s), {workers} worker(s), browser {sharing}"),
    "cli.patrol.queued": ("已将巡查任务 {job_id} 的 {n} 个网址送入队列 {broker}",
                          "patrol job {job_id}: {n} URL(s) sent to the queue at {broker}"),
    "cli.patrol.resumed": ("继续巡查任务 {job_id}：{moved}",
                           "resuming patrol job {job_id}: {moved}"),
    "cli.patrol.case_opened": ("已为清单建立案件 {case_id}", "opened case {case_id} for the list"),
    "cli.patrol.usage": ("请给出巡查清单 LIST，或 --resume JOB", "give a patrol LIST, or --resume JOB"),
    "cli.patrol.no_broker": ("未配置任务队列", "no task queue configured"),
    "cli.patrol.no_broker.hint": ("请设置 EVIDENCE_BROKER_URL（例如 redis://主机:6379/0）",
                                  "set EVIDENCE_BROKER_URL (e.g. redis://host:6379/0)"),
    "cli.worker.station": ("采集节点 {fingerprint} 已登记，连接队列 {broker}",
                           "worker station {fingerprint} registered, queue {broker}"),
    "patrol.state.queued": ("排队", "queued"),
    "patrol.state.running": ("进行中", "running"),
    "patrol.state.done": ("完成", "done"),
    "patrol.state.failed": ("失败", "failed"),
}
