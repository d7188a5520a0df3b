"""Helpers for patrol tests: a station set up for the CLI, list files, job queries."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from evidence_capture.cli import app
from evidence_capture.config import load_settings
from evidence_capture.patrol.jobs import job_status, list_jobs
from evidence_capture.storage import Store

OFFICER_ARGS = ["--officer", "张三:SH-001", "--officer", "李四:SH-002"]
runner = CliRunner()


def cli(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def write_list(path: Path, urls: list[str], *, csv_case: str | None = None) -> Path:
    """A text list, or (with ``csv_case``) a spreadsheet-style CSV with a BOM."""
    if csv_case is None:
        path.write_text("# patrol list\n\n" + "\n".join(urls) + "\n", encoding="utf-8")
    else:
        rows = [f"{url},{csv_case},示例旗舰店,第{n}条" for n, url in enumerate(urls, start=1)]
        path.write_text("\ufeffurl,case,subject,note\r\n" + "\r\n".join(rows) + "\r\n",
                        encoding="utf-8")
    return path


def last_job() -> dict:
    store = Store(load_settings())
    return job_status(store, list_jobs(store)[-1]).as_record()


def status_json(job_id: str) -> dict:
    result = cli("patrol", "status", job_id, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)
