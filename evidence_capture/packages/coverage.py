"""Every byte of a package is covered by a signature, or it is flagged.

Capture folders are covered by their signed manifests (``verify_capture``).
Everything else the exporter writes is fixed by the signed package index:

* ``files``: ``{path under data/: sha256}`` for the keys, TSA chains, custody
  log, origin histories and extraction records;
* ``readme_sha256``: the exact bytes of ``README.txt`` (the reviewer's
  instructions);
* ``bag_info``: every field of ``bag-info.txt`` except ``Payload-Oxum``
  (which bagit checks against the payload);
* ``redacted``: the seq of every custody event shipped as a redacted link.

The BagIt tag files themselves (``bagit.txt``, ``manifest-*``,
``tagmanifest-*``) are structure that bagit validates.  Anything else, or a
listed file with other bytes, fails ``artifacts.unlisted``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Mapping

from evidence_capture import safeio
from evidence_capture.errors import InputError, Message, Msg, joined
from evidence_capture.verify.checks import CheckResult

CHECK = "artifacts.unlisted"
BAGIT_TXT = b"BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n"
_STRUCTURE = {"bagit.txt", "manifest-sha256.txt", "manifest-sha512.txt",
              "tagmanifest-sha256.txt", "tagmanifest-sha512.txt"}
_SIGNED_INDEX = {"data/package.json", "data/package.sig"}
_MAX_FILE = 1 << 32


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def covered_files(data: Path, skip: set[str]) -> dict[str, str]:
    """``{path under data/: sha256}`` of every file below ``data`` except ``skip`` and captures/."""
    found = {}
    for path in sorted(data.rglob("*")):
        relative = path.relative_to(data).as_posix()
        if path.is_file() and relative not in skip and not relative.startswith("captures/"):
            found[relative] = sha256_of(path)
    return found


def _bag_info_ok(root: Path, expected: Any) -> bool:
    import bagit

    if not isinstance(expected, dict):
        return False
    try:
        info = bagit._load_tag_file(str(root / "bag-info.txt"))  # noqa: SLF001
    except (OSError, UnicodeError, ValueError, bagit.BagError):
        return False
    info = {key: value for key, value in info.items() if key != "Payload-Oxum"}
    return info == expected


def _outside_captures(root: Path, index: Mapping[str, Any], listed_captures: set[str]) -> list[Message]:
    files = index.get("files") if isinstance(index.get("files"), dict) else {}
    problems: list[Message] = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(root).as_posix()
        parts = relative.split("/")
        if relative in _STRUCTURE | _SIGNED_INDEX or (
                len(parts) > 3 and parts[:2] == ["data", "captures"] and parts[2] in listed_captures):
            continue
        wanted = files.get(relative[5:]) if relative.startswith("data/") else None
        if relative == "README.txt":
            wanted = index.get("readme_sha256")
        if relative == "bag-info.txt":
            if not _bag_info_ok(root, index.get("bag_info")):
                problems.append(Msg("package.coverage.bag_info"))
            continue
        if wanted is None:
            problems.append(relative)
        elif sha256_of(path) != wanted:
            problems.append(Msg("package.coverage.differs", path=relative))
    return problems


def package_coverage_check(root: Path, index: Mapping[str, Any]) -> CheckResult:
    """``artifacts.unlisted`` at package level: files no signature covers."""
    listed = {str(entry.get("capture_id")) for entry in index["captures"]}
    problems = _outside_captures(root, index, listed)
    try:
        if safeio.read_regular(root / "bagit.txt", 4096) != BAGIT_TXT:
            problems.insert(0, Msg("package.coverage.declaration"))
    except (OSError, InputError):
        problems.insert(0, Msg("package.coverage.declaration_unreadable"))
    if problems:
        key = "package.coverage.unlisted_more" if len(problems) > 10 else "package.coverage.unlisted"
        return CheckResult.failed(CHECK, Msg(key, n=len(problems), files=joined(problems[:10]),
                                             more=len(problems) - 10))
    return CheckResult.passed(CHECK, Msg("package.coverage.all_covered"))
