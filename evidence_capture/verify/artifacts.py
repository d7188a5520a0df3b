"""Artifact checks: every listed file present with its size, SHA-256 and SM3; nothing unlisted."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from evidence_capture.errors import StorageError
from evidence_capture.manifests.hashing import hash_file
from evidence_capture.manifests.model import ArtifactEntry, list_folder
from evidence_capture.manifests.stamping import SLOT_DIR, read_slots, slot_number
from evidence_capture.errors import joined
from evidence_capture.verify.checks import CheckResult, Message, Msg, error_reason

OnFile = Callable[[str, int], None]


def _inside(folder: Path, path: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def check_artifact(folder: Path, entry: ArtifactEntry, on_file: OnFile | None = None) -> CheckResult:
    name = f"artifact:{entry.path}"
    path = folder / entry.path
    if path.is_symlink() or (path.exists() and not _inside(folder, path)):
        return CheckResult.failed(name, Msg("verify.artifact.outside"))
    if not path.is_file():
        return CheckResult.failed(name, Msg("verify.artifact.missing"))
    size = path.stat().st_size
    if size != entry.size:
        return CheckResult.failed(name, Msg("verify.artifact.size", size=size, listed=entry.size))
    try:
        digests = hash_file(path)
    except StorageError as exc:
        return CheckResult.failed(name, error_reason(exc))
    if on_file is not None:
        on_file(entry.path, size)
    wrong = [label for label, ours, listed in (("SHA-256", digests.sha256, entry.sha256),
                                                ("SM3", digests.sm3, entry.sm3)) if ours != listed]
    if digests.size != entry.size:
        wrong.insert(0, Msg("verify.artifact.word_size"))
    if wrong:
        what = wrong[0] if len(wrong) == 1 else Msg("verify.and", first=wrong[0], next=wrong[-1])
        if len(wrong) == 3:
            what = Msg("verify.and3", first=wrong[0], second=wrong[1], third=wrong[2])
        return CheckResult.failed(name, Msg("verify.artifact.differ", what=what))
    return CheckResult.passed(name, Msg("verify.artifact.ok", size=size))


def check_present(folder: Path, entries: tuple[ArtifactEntry, ...]) -> CheckResult:
    name = "artifacts.present"
    missing = [entry.path for entry in entries if not (folder / entry.path).is_file()]
    if missing:
        return CheckResult.failed(name, Msg("verify.present.missing", n=len(missing), paths=", ".join(missing)))
    return CheckResult.passed(name, Msg("verify.present.ok", n=len(entries)))


def _stray_slot_files(folder: Path) -> list[str]:
    """Under timestamps/: anything but a readable slot record and its own .tsq/.tsr."""
    slots = folder / SLOT_DIR
    if not slots.is_dir():
        return []
    records = read_slots(folder)
    stray = []
    for path in sorted(slots.rglob("*")):
        number = slot_number(path)
        if (path.is_symlink() or not path.is_file() or path.parent != slots
                or number is None or number not in records):
            name = f"{SLOT_DIR}/{path.relative_to(slots).as_posix()}"
            stray.append(name if name.isprintable() else repr(name))
    return stray


def unlisted_files(folder: Path, entries: tuple[ArtifactEntry, ...]) -> list[str]:
    listed = {entry.path for entry in entries}
    return [path for path in list_folder(folder) if path not in listed] + _stray_slot_files(folder)


def check_unlisted(folder: Path, entries: tuple[ArtifactEntry, ...],
                   unvouched: Sequence[Message] = ()) -> CheckResult:
    """Files the manifest does not list, and seal files that disagree with what it signs."""
    name = "artifacts.unlisted"
    extra: list[Message] = [*unlisted_files(folder, entries), *unvouched]
    if extra:
        return CheckResult.failed(name, Msg("verify.unlisted.found", n=len(extra), paths=joined(extra, "text.comma")))
    return CheckResult.passed(name, Msg("verify.unlisted.ok"))


def artifact_checks(folder: Path, entries: tuple[ArtifactEntry, ...],
                    on_file: OnFile | None = None, *, unvouched: Sequence[Message] = ()) -> list[CheckResult]:
    results = [check_present(folder, entries)]
    results += [check_artifact(folder, entry, on_file) for entry in entries]
    results.append(check_unlisted(folder, entries, unvouched))
    return results
