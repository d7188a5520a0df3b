"""The real-world run: Mozilla Readability's saved pages, served locally, captured by the CLI.

Shared by the suite's small subset and ``make realworld`` (all 13 pages).
"""

from __future__ import annotations

import json
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

from typer.testing import CliRunner

from evidence_capture.cli import app
from tests.har_validator import validate_hars

PAGES_DIR = Path(__file__).parent / "data" / "readability"
ALL_PAGES = tuple(sorted(p.name for p in PAGES_DIR.iterdir() if p.is_dir()))
OFFICERS = ["--officer", "张三:SH-001", "--officer", "李四:SH-002"]
# Three or more English words in a row, once URLs, paths and hex are taken out.
_ENGLISH = re.compile(r"\b[A-Za-z]{2,}(?:[ ,;:'-]+[A-Za-z]{2,}){2,}")
_TECHNICAL = re.compile(r"https?://\S+|file://\S+|/\S+|\b[0-9a-f]{16,}\b|\S+\.(?:html|har|pem|json)"
                        r"|\bevidence(?: [a-z][a-z-]*)+")  # command names stay as typed


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass


@contextmanager
def serve_pages() -> Iterator[str]:
    """A stdlib server over the saved pages on port 0; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(PAGES_DIR)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def english_sentences(text: str) -> list[str]:
    return _ENGLISH.findall(_TECHNICAL.sub(" ", text))


@dataclass(frozen=True)
class RunFigures:
    captures: list[dict]
    har_reports: list[dict]
    stderr: str
    record: Path
    record_pages: int
    record_bytes: int

    def summary(self) -> dict[str, object]:
        return {"captures": len(self.captures),
                "states": sorted(c["state"] for c in self.captures),
                "har_valid": sum(r["valid"] for r in self.har_reports),
                "har_files": len(self.har_reports),
                "record_pages": self.record_pages,
                "record_mb": round(self.record_bytes / 1_000_000, 2)}


def run(pages: tuple[str, ...], home: Path, out: Path, case_id: str = "RW-2026-001") -> RunFigures:
    """Open a case, capture ``pages`` (zh), check every HAR, print the zh record."""
    runner = CliRunner()
    opened = runner.invoke(app, ["case", "open", case_id, "--title", "网页取证实地测试",
                                 "--subject", "本地保存的真实网页"], catch_exceptions=False)
    assert opened.exit_code == 0, opened.output
    with serve_pages() as base:
        urls = [f"{base}/{name}/source.html" for name in pages]
        result = runner.invoke(app, ["capture", *urls, "--allow-private", "--json", *OFFICERS,
                                     "--case", case_id, "--timeout", "90"],
                               catch_exceptions=False)
    assert result.exit_code in (0, 4), result.output
    captures = json.loads(result.stdout)
    hars = [Path(c["folder"]) / "network.har" for c in captures]
    reports = validate_hars(hars)
    printed = runner.invoke(app, ["report", case_id, "-o", str(out), "--json"],
                            catch_exceptions=False)
    assert printed.exit_code in (0, 1, 4), printed.output
    info = json.loads(printed.stdout)
    return RunFigures(captures, reports, result.stderr + printed.stderr, out,
                      int(info.get("pages") or 0), out.stat().st_size)
