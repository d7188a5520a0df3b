"""An independent reading of a WACZ 1.1.1 file, written from the specification.

https://specs.webrecorder.net/wacz/1.1.1/ — not from our writer: it knows only
the zip, the JSON, and what the spec says they must hold.  ``fixity_problems``
returns every violation found (empty when the file is sound).
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

DIGEST_FILES = {"datapackage.json", "datapackage-digest.json"}


def _hash(algorithm: str, data: bytes) -> str:
    return f"{algorithm}:{hashlib.new(algorithm, data).hexdigest()}"


def fixity_problems(wacz: Path) -> list[str]:
    problems: list[str] = []
    with zipfile.ZipFile(wacz) as zf:
        names = {info.filename: info for info in zf.infolist() if not info.is_dir()}
        if "datapackage.json" not in names:
            return ["no datapackage.json at the root of the zip"]
        raw = zf.read("datapackage.json")
        package = json.loads(raw)
        if package.get("profile") != "data-package":
            problems.append("datapackage.json profile is not data-package")
        if package.get("wacz_version") != "1.1.1":
            problems.append(f"wacz_version is {package.get('wacz_version')!r}")
        listed = set()
        for resource in package.get("resources", []):
            path = resource.get("path", "")
            listed.add(path)
            if path not in names:
                problems.append(f"{path}: listed but not in the zip")
                continue
            data = zf.read(path)
            algorithm = str(resource.get("hash", ":")).split(":", 1)[0] or "sha256"
            if resource.get("hash") != _hash(algorithm, data):
                problems.append(f"{path}: hash {resource.get('hash')} is not {_hash(algorithm, data)}")
            if resource.get("bytes") != len(data):
                problems.append(f"{path}: bytes {resource.get('bytes')} is not {len(data)}")
            if path.startswith("archive/") and names[path].compress_type != zipfile.ZIP_STORED:
                problems.append(f"{path}: a WARC must be stored, not compressed, in the zip")
        for name in sorted(set(names) - listed - DIGEST_FILES):
            problems.append(f"{name}: in the zip but not listed in datapackage.json")
        if not any(p.startswith("archive/") for p in listed):
            problems.append("no WARC under archive/")
        if not any(p.startswith("indexes/") for p in listed):
            problems.append("no index under indexes/")
        problems += _digest_problems(zf, names, raw)
        problems += _pages_problems(zf, names)
    return problems


def _digest_problems(zf: zipfile.ZipFile, names: dict, raw: bytes) -> list[str]:
    if "datapackage-digest.json" not in names:
        return ["no datapackage-digest.json"]
    digest = json.loads(zf.read("datapackage-digest.json"))
    problems = []
    if digest.get("path") != "datapackage.json":
        problems.append("datapackage-digest.json does not name datapackage.json")
    algorithm = str(digest.get("hash", ":")).split(":", 1)[0] or "sha256"
    if digest.get("hash") != _hash(algorithm, raw):
        problems.append("datapackage-digest.json hash is not the hash of datapackage.json's bytes")
    return problems


def _pages_problems(zf: zipfile.ZipFile, names: dict) -> list[str]:
    if "pages/pages.jsonl" not in names:
        return ["no pages/pages.jsonl"]
    lines = zf.read("pages/pages.jsonl").decode("utf-8").splitlines()
    header = json.loads(lines[0]) if lines else {}
    problems = [] if header.get("format") == "json-pages-1.0" else ["pages.jsonl has no json-pages-1.0 header"]
    for line in lines[1:]:
        page = json.loads(line)
        if not {"url", "ts"} <= set(page):
            problems.append(f"page without url and ts: {line}")
    return problems or ([] if len(lines) > 1 else ["pages.jsonl lists no page"])
