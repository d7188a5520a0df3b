"""What ``evidence replay TARGET`` replays: the WACZ of a verified capture.

A target is a capture id, a capture folder or an exported package (``.zip``).
The capture (or the package, extracted once into a private temporary folder)
is verified first, and the very files verified are the ones served.
"""

from __future__ import annotations

import json
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

from evidence_capture.archive.capture import WACZ_NAME
from evidence_capture.config import Settings
from evidence_capture.errors import InputError, Msg, NotFoundError
from evidence_capture.verify.checks import CheckStatus, VerifyReport


@dataclass(frozen=True)
class ReplaySource:
    wacz: Path
    capture_id: str
    url: str
    timestamp: str  # YYYYMMDDhhmmss of the main page, as ReplayWeb.page wants it
    report: VerifyReport

    @property
    def verified(self) -> bool:
        return self.report.ok()

    def failed_checks(self) -> list[str]:
        """The failed checks; when none failed but it is not ok, the ones not checked."""
        failed = [c.name for c in self.report.checks if c.status is CheckStatus.FAIL]
        return failed or [c.name for c in self.report.checks if c.status is not CheckStatus.PASS]


def main_page(wacz: Path) -> tuple[str, str]:
    """(mainPageUrl, timestamp) from the WACZ's datapackage.json."""
    try:
        with zipfile.ZipFile(wacz) as archive:
            package = json.loads(archive.read("datapackage.json"))
        url, date = str(package["mainPageUrl"]), str(package.get("mainPageDate", ""))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(Msg("replay.bad_wacz", path=str(wacz))) from exc
    return url, "".join(ch for ch in date if ch.isdigit())[:14]


def _source(folder: Path, report: VerifyReport) -> ReplaySource:
    wacz = folder / WACZ_NAME
    if not wacz.is_file():
        raise NotFoundError(Msg("replay.no_wacz", capture_id=folder.name))
    url, timestamp = main_page(wacz)
    return ReplaySource(wacz, folder.name, url, timestamp, report)


def _pick(captures: Path, wanted: str | None) -> Path:
    found = sorted(p for p in captures.iterdir() if (p / WACZ_NAME).is_file()) \
        if captures.is_dir() else []
    if wanted is not None:
        chosen = [p for p in found if p.name == wanted]
        if not chosen:
            raise NotFoundError(Msg("replay.not_in_package", capture_id=wanted))
        return chosen[0]
    if len(found) != 1:
        raise InputError(Msg("replay.choose_capture", count=len(found),
                             ids=", ".join(p.name for p in found)))
    return found[0]


@contextmanager
def open_source(target: str, *, settings: Settings, trusted: Sequence[Any],
                tsa_roots: Sequence[Any], capture: str | None = None) -> Iterator[ReplaySource]:
    path = Path(target).expanduser()
    if path.is_file() and path.suffix.lower() == ".zip":
        with _package_source(path, trusted, tsa_roots, capture) as source:
            yield source
        return
    from evidence_capture.verify.runner import verify_capture
    from evidence_capture.verify.target import resolve_capture

    folder = resolve_capture(target, settings)
    yield _source(folder, verify_capture(folder, trusted_keys=trusted, tsa_roots=tsa_roots))


@contextmanager
def _package_source(path: Path, trusted: Sequence[Any], tsa_roots: Sequence[Any],
                    capture: str | None) -> Iterator[ReplaySource]:
    from evidence_capture.packages import layout
    from evidence_capture.packages.safezip import unpacked
    from evidence_capture.packages.verify_pkg import verify_extracted

    with unpacked(path) as package:
        root = layout.find_bag_root(package.folder)
        report = verify_extracted(root, package_name=path.name, package_sha256=package.sha256,
                                  trusted_keys=list(trusted), tsa_roots=list(tsa_roots),
                                  strict=False, receipt=package.receipt).report
        yield _source(_pick(root / "data" / "captures", capture), report)
