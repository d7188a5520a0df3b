"""``evidence report``: print the extraction record (电子数据提取笔录) as a PDF.

The command function is registered on the root app by ``cli.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from evidence_capture.commands.common import _emit_json, _open_store, _settings, _t, _tx
from evidence_capture.ui import options


def report_command(
    target: str = typer.Argument(..., help="Capture id or folder, case id, or exported package (.zip)."),
    output: str = typer.Option(..., "--output", "-o", help="The PDF file to write."),
    lang: str = typer.Option(None, "--lang", help="Language of the record: zh or en "
                             "(default: EVIDENCE_LANG, then the locale)."),
    trust_key: list[Path] = options.TRUST_KEY, tsa_ca: Optional[Path] = options.TSA_CA,
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Print the extraction record (电子数据提取笔录) as an A4 PDF.

    Every capture is verified at printing time and the record shows the
    result.  For a capture or case in this store, the PDF's SHA-256 is
    recorded as a `reported` custody event.
    """
    from evidence_capture.i18n import check_lang
    from evidence_capture.report.printing import print_record
    from evidence_capture.ui.progress import status
    from evidence_capture.verify.target import Trust

    settings = _settings()
    lang = check_lang(lang) if lang else settings.lang
    printed = print_record(target, Path(output), settings=settings, lang=lang,
                           trust=Trust.load(settings, trust_key, tsa_ca), open_store=_open_store,
                           rendering=lambda: status(_tx(), "cli.report.rendering"))
    if as_json:
        _emit_json(printed.as_record())
        return
    typer.echo(_t("cli.report.written", path=printed.result.path))
    typer.echo(_t("cli.report.sha256", digest=f"sha256:{printed.result.sha256}"))
