"""BagIt checks of an extracted package: one FAIL row per damaged, missing or extra file.

A package that is a bag at all (``bagit.txt``, strong checksum manifests) is
checked, never refused, when its files do not match: a flipped byte is a
verdict (``bag:<path>`` fails, exit 1), not an input error.  ``fetch.txt``
(files to download from elsewhere) is refused: a package must carry every
byte it vouches for.  bagit's own log lines never reach the terminal.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import bagit

from evidence_capture import safeio
from evidence_capture.errors import InputError, Msg, PackageError
from evidence_capture.verify.checks import CheckResult, CheckStatus

_STRONG = {"sha256", "sha512"}
_SHOWN = 20  # FAIL rows per kind of problem; the rest are counted in the summary row



@contextmanager
def _quiet() -> Iterator[None]:
    """bagit logs every mismatch as a WARNING: none of it may reach the reader's terminal."""
    logger = logging.getLogger("bagit")
    before = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = before


def _open(root: Path) -> bagit.Bag:
    if (root / "fetch.txt").exists():
        raise PackageError(Msg("package.bag.fetch_txt"))
    try:
        bag = bagit.Bag(str(root))
    except (bagit.BagError, OSError, UnicodeError, ValueError) as exc:
        raise PackageError(Msg("package.bag.invalid")) from exc
    if not _STRONG.intersection(bag.algorithms):
        raise PackageError(Msg("package.bag.weak", algorithms=", ".join(sorted(bag.algorithms))))
    return bag


def _detail_check(detail: object) -> tuple[str, CheckResult]:
    path = str(getattr(detail, "path", "?"))
    name = f"bag:{path}" if path.isprintable() else f"bag:{path!r}"
    if isinstance(detail, bagit.ChecksumMismatch):
        listing = ("tagmanifest" if "/" not in path else "manifest") + f"-{detail.algorithm}.txt"
        return path, CheckResult.failed(name, Msg("package.bag.mismatch", algorithm=detail.algorithm,
                                                  listing=listing))
    if isinstance(detail, bagit.FileMissing):
        return path, CheckResult.failed(name, Msg("package.bag.missing"))
    if isinstance(detail, bagit.UnexpectedFile):
        return path, CheckResult.failed(name, Msg("package.bag.unexpected"))
    if path == "bag-info.txt":
        return path, CheckResult.failed(name, Msg("package.bag.oxum"))
    return path, CheckResult.failed(name, Msg("package.bag.detail_invalid"))


def _problems(bag: bagit.Bag) -> list[object]:
    """bagit's error details: completeness first, then every checksum (Payload-Oxum has none)."""
    try:
        bag.validate(processes=1)
        return []
    except bagit.BagValidationError as exc:
        if getattr(exc, "details", None):
            return list(exc.details)
    details: list[object] = []
    for step in (bag._validate_completeness, lambda: bag._validate_entries(1)):  # noqa: SLF001
        try:
            step()
        except bagit.BagValidationError as exc:
            details += list(getattr(exc, "details", None) or [])
    return details or [bagit.ManifestErrorDetail("bag-info.txt")]  # Payload-Oxum: counts differ


def _declaration(root: Path) -> list[CheckResult]:
    """A changed ``bagit.txt`` is one FAIL row; the private copy gets the real declaration
    back, so that every other file can still be checked (a verdict, not a refusal)."""
    from evidence_capture.packages.coverage import BAGIT_TXT

    path = root / "bagit.txt"
    if not safeio.is_regular(path) or not (root / "manifest-sha256.txt").exists():
        return []
    try:
        if safeio.read_regular(path, 4096) == BAGIT_TXT:
            return []
    except InputError:
        pass
    path.unlink()
    path.write_bytes(BAGIT_TXT)
    return [CheckResult.failed("bag:bagit.txt", Msg("package.bag.declaration"))]


def bag_checks(root: Path) -> list[CheckResult]:
    """``bag`` (pass or fail) and one ``bag:<path>`` FAIL row per file that does not validate.

    ``root`` is the private extracted copy (``bagit.txt`` may be restored in it)."""
    declaration = _declaration(root)
    with _quiet():
        checks = _bag_checks(root)
    if declaration and checks[0].status is CheckStatus.PASS:
        checks[0] = CheckResult.failed("bag", Msg("package.bag.declaration_changed"))
    return checks[:1] + declaration + checks[1:]


def _bag_checks(root: Path) -> list[CheckResult]:
    bag = _open(root)
    try:
        problems = _problems(bag)
    except (bagit.BagError, OSError, UnicodeError, ValueError) as exc:
        raise PackageError(Msg("package.bag.cannot_validate")) from exc
    if problems:
        rows: dict[str, CheckResult] = {}
        for detail in problems:
            path, row = _detail_check(detail)
            rows.setdefault(path, row)
        shown = list(rows.values())[:_SHOWN]
        key = "package.bag.files_differ_some" if len(rows) > _SHOWN else "package.bag.files_differ"
        return [CheckResult.failed("bag", Msg(key, n=len(rows), shown=_SHOWN)), *shown]
    version = ".".join(map(str, bag.version_info))
    return [CheckResult.passed("bag", Msg("package.bag.ok", version=version, n=len(bag.payload_entries()),
                                          algorithms=", ".join(sorted(bag.algorithms))))]
