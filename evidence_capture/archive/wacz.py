"""Pack a WARC into a WACZ 1.1.1: index, page list, datapackage and its digest.

Layout (every file two levels deep, as the validators expect)::

    archive/data.warc.gz      stored (not deflated): replay reads it by byte range
    indexes/index.cdx         CDXJ, one line per record, sorted by SURT key then time
    pages/pages.jsonl         a header line, then the captured page
    datapackage.json          every file above with its size and sha256
    datapackage-digest.json   the sha256 of datapackage.json's exact bytes
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Iterator
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator

from evidence_capture.archive.warc import WARC_NAME
from evidence_capture.timeutil import iso_utc

WACZ_VERSION = "1.1.1"
WARC_PATH = f"archive/{WARC_NAME}"
INDEX_PATH = "indexes/index.cdx"
PAGES_PATH = "pages/pages.jsonl"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Page:
    url: str
    title: str
    moment: datetime


def surt(url: str) -> str:
    """The SURT sort key: host labels reversed, then ``)`` and the path, lower-cased."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return url
    host = (parts.hostname or "").lower().removeprefix("www.")
    key = ",".join(reversed(host.split(".")))
    if parts.port and parts.port != {"http": 80, "https": 443}[parts.scheme]:
        key += f":{parts.port}"
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return f"{key}){path}".lower()


def _timestamp14(warc_date: str) -> str:
    return "".join(ch for ch in warc_date if ch.isdigit())[:14]


def cdxj_lines(warc: BinaryIO) -> Iterator[str]:
    """One CDXJ line per response, resource and metadata record (not requests)."""
    records = ArchiveIterator(warc)
    for record in records:
        kind = record.rec_type
        if kind not in ("response", "resource", "revisit", "metadata"):
            continue
        head = record.rec_headers
        url = head.get_header("WARC-Target-URI")
        fields = {"url": url, "digest": head.get_header("WARC-Payload-Digest")
                  or head.get_header("WARC-Block-Digest")}
        if kind == "response" and record.http_headers is not None:
            fields["mime"] = (record.http_headers.get_header("Content-Type") or "").split(";")[0]
            fields["status"] = record.http_headers.get_statuscode()
        else:
            fields["mime"] = head.get_header("Content-Type")
        if kind != "response":
            fields["recordType"] = kind
        record.content_stream().read()  # advance to the end for the length
        fields.update(offset=str(records.get_record_offset()),
                      length=str(records.get_record_length()), filename=WARC_NAME)
        yield f"{surt(url)} {_timestamp14(head.get_header('WARC-Date'))} {json.dumps(fields)}"


def pages_jsonl(page: Page) -> bytes:
    header = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
    entry = {"id": hashlib.sha256(page.url.encode()).hexdigest()[:32], "url": page.url,
             "title": page.title, "ts": iso_utc(page.moment)}
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in (header, entry)).encode()


def _entry(zf: zipfile.ZipFile, name: str, data: bytes, *, stored: bool) -> dict[str, object]:
    info = zipfile.ZipInfo(name, _FIXED_TIME)
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    zf.writestr(info, data)
    return {"name": name.rsplit("/", 1)[-1], "path": name,
            "hash": "sha256:" + hashlib.sha256(data).hexdigest(), "bytes": len(data)}


def datapackage(resources: list[dict[str, object]], page: Page, created: datetime,
                software: str) -> bytes:
    body = {"profile": "data-package", "wacz_version": WACZ_VERSION,
            "title": page.title or page.url, "created": iso_utc(created),
            "modified": iso_utc(created), "software": software,
            "mainPageUrl": page.url, "mainPageDate": iso_utc(page.moment),
            "resources": resources}
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_wacz(out: Path, warc_bytes: bytes, page: Page, *, created: datetime,
               software: str) -> None:
    """Write the WACZ to ``out``; the caller renames it into place."""
    import io

    index = sorted(cdxj_lines(io.BytesIO(warc_bytes)))
    with zipfile.ZipFile(out, "w") as zf:
        resources = [
            _entry(zf, WARC_PATH, warc_bytes, stored=True),
            _entry(zf, INDEX_PATH, "".join(line + "\n" for line in index).encode(), stored=True),
            _entry(zf, PAGES_PATH, pages_jsonl(page), stored=False),
        ]
        package = datapackage(resources, page, created, software)
        _entry(zf, "datapackage.json", package, stored=False)
        digest = {"path": "datapackage.json",
                  "hash": "sha256:" + hashlib.sha256(package).hexdigest()}
        _entry(zf, "datapackage-digest.json", json.dumps(digest, indent=2).encode(), stored=False)
