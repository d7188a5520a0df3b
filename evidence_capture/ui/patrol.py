"""A patrol's live display (one line per active capture, a total with ETA) and its summary."""

from __future__ import annotations

import threading
from typing import Any, Callable

from evidence_capture.ui.progress import _stderr
from evidence_capture.ui.text import Text, pad


class PatrolProgress:
    """Rich progress on stderr; ``started``/``finished`` fit ``patrol.runner.run_job``'s hooks."""

    def __init__(self, tx: Text, *, total: int, done: int, steps: int) -> None:
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)

        self._tx, self._steps, self._lock = tx, steps, threading.Lock()
        self._active: dict[int, Any] = {}
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), TimeRemainingColumn(),
                                 TextColumn("{task.fields[step]}"), console=_stderr())
        self._total = self.progress.add_task(tx.t("cli.patrol.total"), total=total,
                                             completed=done, step="")

    def __enter__(self) -> "PatrolProgress":
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(*exc)

    def started(self, claim: Any) -> Callable[[Any], None]:
        with self._lock:
            task = self.progress.add_task(f"  #{claim.position} {claim.url[:56]}",
                                          total=self._steps, step="")
            self._active[claim.position] = task
        return lambda outcome: self.progress.update(task, advance=1, step=outcome.name)

    def finished(self, result: Any) -> None:
        with self._lock:
            task = self._active.pop(result.position, None)
            if task is not None:
                self.progress.remove_task(task)
            self.progress.update(self._total, advance=1,
                                 step=self._tx.t("cli.patrol.last", position=result.position,
                                                 state=self._tx.label("patrol.state", result.state)))


def summary_lines(tx: Text, status: Any) -> list[str]:
    """The job's table: one row per URL, then the counts per state."""
    lines = [tx.t("cli.patrol.job", job_id=status.job_id,
                  state=tx.label("patrol.state", status.state), source=status.source)]
    for item in status.items:
        capture = item["capture_id"] or "-"
        detail = tx.reason({"reason": item["error"], **item["error_msg"]}) if item.get("error_msg") \
            else item["error"] or item["capture_state"] or ""
        lines.append(f"  {item['position']:>4}  {pad(tx.label('patrol.state', item['state']), 8)} "
                     f"{capture:<26} {item['attempts']}x  {item['url']}  {detail}".rstrip())
    counts = status.as_record()["counts"]
    lines.append(tx.t("cli.patrol.counts", **counts, total=sum(counts.values())))
    return lines
