"""The manifest: a frozen model of one sealed capture, built from its folder.

``Manifest.to_record()`` is what ``canonical_bytes`` serialises into
``manifest.json``; ``Manifest.from_record()`` validates a parsed manifest so
that a hostile one (bad paths, bad digests) is refused before use.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from evidence_capture.errors import InputError, Msg, StorageError
from evidence_capture.manifests.hashing import FileDigests, hash_file
from evidence_capture.timeutil import parse_iso

SCHEMA = "evidence-capture/manifest/1"
SEAL_FILES = frozenset({"manifest.json", "manifest.sig", "signer.pub.pem"})
SEAL_DIRS = frozenset({"timestamps"})

MEDIA_TYPES = {
    "screenshot.png": "image/png",
    "response.html": "text/html",
    "dom.html": "text/html",
    "page.mhtml": "multipart/related",
    "network.har": "application/json",
    "session.webm": "video/webm",
    "page.pdf": "application/pdf",
    "provenance.json": "application/json",
    "environment.json": "application/json",
    "archive.wacz": "application/wacz",
}
_SUFFIX_TYPES = {".pem": "application/x-pem-file", ".png": "image/png", ".json": "application/json",
                 ".html": "text/html", ".txt": "text/plain", ".webm": "video/webm", ".pdf": "application/pdf"}
_PROVENANCE_SUMMARY = ("tool", "playwright_version", "chromium_version", "user_agent", "viewport",
                       "device", "options", "private_addresses_allowed", "steps")
_ENVIRONMENT_SUMMARY = ("hostname", "os", "proxy", "dns_resolvers", "fresh_profile", "findings")
_TIME_FIELDS = ("started_at", "ended_at", "sealed_at")
_OMITTED_WHEN_ABSENT = ("previous_capture", "place", "witness")  # never written as null
_UNSAFE_PART = re.compile(r"[\x00-\x1f\x7f\\]")  # control characters and backslash


def _utc_time(name: str, value: Any) -> None:
    """An RFC 3339 time in UTC (``Z`` or ``+00:00``); anything else is a malformed manifest."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (TypeError, ValueError, AttributeError) as exc:
        raise InputError(Msg("manifest.time_format", field=name, value=repr(value))) from exc
    if moment.utcoffset() != timedelta(0):
        raise InputError(Msg("manifest.time_utc", field=name, value=repr(value)))


_PREVIOUS_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


def _check_previous(previous: Any) -> None:
    if previous is None:
        return
    if (not isinstance(previous, dict) or set(previous) != {"capture_id", "manifest_sha256"}
            or not isinstance(previous["capture_id"], str)
            or not _PREVIOUS_DIGEST.fullmatch(str(previous["manifest_sha256"]))):
        raise InputError(Msg("manifest.previous", value=repr(previous)[:200]))


def media_type(path: str) -> str:
    if path in MEDIA_TYPES:
        return MEDIA_TYPES[path]
    return _SUFFIX_TYPES.get(PurePosixPath(path).suffix.lower(), "application/octet-stream")


def check_relative_path(path: str) -> str:
    """Refuse anything but a plain relative POSIX path inside the folder."""
    parts = path.split("/")
    if not path or any(part in ("", ".", "..") or _UNSAFE_PART.search(part) for part in parts):
        raise InputError(Msg("manifest.unsafe_path", path=repr(path)))
    return path


@dataclass(frozen=True)
class ArtifactEntry:
    path: str
    media_type: str
    size: int
    sha256: str
    sm3: str

    def __post_init__(self) -> None:
        check_relative_path(self.path)
        FileDigests(self.size, self.sha256, self.sm3)  # validates size and hex

    @classmethod
    def from_record(cls, record: Any) -> "ArtifactEntry":
        try:
            return cls(**{key: record[key] for key in ("path", "media_type", "size", "sha256", "sm3")})
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(Msg("manifest.bad_entry", entry=repr(record)[:200])) from exc

    def as_record(self) -> dict[str, Any]:
        return {"path": self.path, "media_type": self.media_type, "size": self.size,
                "sha256": self.sha256, "sm3": self.sm3}


@dataclass(frozen=True)
class Manifest:
    capture_id: str
    case: dict[str, Any] | None
    officers: tuple[dict[str, Any], ...]
    requested_url: str
    final_url: str | None
    started_at: str
    ended_at: str
    state: str
    warnings: tuple[str, ...]
    artifacts: tuple[ArtifactEntry, ...]
    provenance: dict[str, Any]
    environment: dict[str, Any] | None
    signer: dict[str, str]
    sealed_at: str
    dev_tsa_warning: str | None = None
    single_officer_reason: str | None = None  # why fewer than two officers captured (--single-officer-reason)
    no_timestamp_reason: str | None = None  # why no TSA was asked (--no-timestamp)
    schema: str = SCHEMA
    # A re-capture names the capture it repeats: {"capture_id", "manifest_sha256": "sha256:<hex>"}.
    previous_capture: dict[str, str] | None = None
    place: str | None = None  # where the capture was made (--place); absent when not given
    witness: dict[str, str] | None = None  # {"name", "id_no"} (--witness); absent when none

    def __post_init__(self) -> None:
        if self.schema != SCHEMA:
            raise InputError(Msg("manifest.schema", schema=repr(self.schema)))
        paths = [entry.path for entry in self.artifacts]
        if len(set(paths)) != len(paths):
            raise InputError(Msg("manifest.twice"))
        if self.signer.get("algorithm") != "ed25519" or not str(self.signer.get("fingerprint", "")).startswith("sha256:"):
            raise InputError(Msg("manifest.signer", signer=repr(self.signer)[:200]))
        for name in _TIME_FIELDS:
            _utc_time(name, getattr(self, name))
        _check_previous(self.previous_capture)
        if self.witness is not None and not (
                isinstance(self.witness, dict) and set(self.witness) == {"name", "id_no"}
                and all(isinstance(v, str) and v for v in self.witness.values())):
            raise InputError(Msg("manifest.witness", value=repr(self.witness)[:200]))
        if self.place is not None and not isinstance(self.place, str):
            raise InputError(Msg("manifest.place"))

    def as_record(self) -> dict[str, Any]:
        record = {name: getattr(self, name) for name in self.__dataclass_fields__}
        for name in _OMITTED_WHEN_ABSENT:
            if record[name] is None:
                del record[name]  # absent, not null: older manifests keep their bytes
        record["officers"] = list(self.officers)
        record["warnings"] = list(self.warnings)
        record["artifacts"] = [entry.as_record() for entry in self.artifacts]
        return record

    @classmethod
    def from_record(cls, record: Any) -> "Manifest":
        if not isinstance(record, dict):
            raise InputError(Msg("manifest.not_object"))
        unknown = set(record) - set(cls.__dataclass_fields__)
        if unknown:
            raise InputError(Msg("manifest.unknown_fields", fields=", ".join(sorted(unknown))))
        try:
            fields = dict(record)
            fields["artifacts"] = tuple(ArtifactEntry.from_record(item) for item in record["artifacts"])
            fields["officers"] = tuple(record["officers"])
            fields["warnings"] = tuple(record["warnings"])
            return cls(**fields)
        except (KeyError, TypeError, AttributeError) as exc:
            if isinstance(exc, KeyError):
                raise InputError(Msg("manifest.missing_field", field=str(exc.args[0]))) from exc
            raise InputError(Msg("manifest.malformed", kind=type(exc).__name__)) from exc

    def ended(self) -> datetime:
        return parse_iso(self.ended_at)

    def started(self) -> datetime:
        return parse_iso(self.started_at)


def is_seal_path(relative: str) -> bool:
    return relative in SEAL_FILES or relative.split("/", 1)[0] in SEAL_DIRS


def list_folder(folder: Path) -> list[str]:
    """Every entry below ``folder`` that is not a seal file, as sorted POSIX paths.

    Symbolic links and other non-regular files are included, so that callers
    can refuse or flag them; directories themselves are not listed.
    """
    found = []
    for path in Path(folder).rglob("*"):
        relative = path.relative_to(folder).as_posix()
        if is_seal_path(relative) or (path.is_dir() and not path.is_symlink()):
            continue
        found.append(relative)
    return sorted(found)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(Msg("manifest.read_json", name=path.name)) from exc
    if not isinstance(data, dict):
        raise InputError(Msg("manifest.json_not_object", name=path.name))
    return data


def hash_artifacts(folder: Path, on_file=None) -> tuple[ArtifactEntry, ...]:  # type: ignore[no-untyped-def]
    entries = []
    for relative in list_folder(folder):
        path = folder / relative
        if path.is_symlink() or not path.is_file():
            raise StorageError(Msg("manifest.not_regular", path=relative))
        digests = hash_file(path)
        entries.append(ArtifactEntry(check_relative_path(relative), media_type(relative),
                                     digests.size, digests.sha256, digests.sm3))
        if on_file is not None:
            on_file(relative, digests.size)
    return tuple(entries)


def build_manifest(folder: Path, *, signer: dict[str, str], sealed_at: str,
                   dev_tsa_warning: str | None = None, on_file=None) -> Manifest:  # type: ignore[no-untyped-def]
    """Hash every artifact and assemble the manifest from provenance/environment."""
    provenance = _read_json(folder / "provenance.json")
    if provenance is None:
        raise InputError(Msg("manifest.no_provenance", folder=folder))
    environment = _read_json(folder / "environment.json")
    hosts = (environment or {}).get("hosts_file") or {}
    return Manifest(
        capture_id=str(provenance.get("capture_id") or folder.name),
        case=provenance.get("case"),
        officers=tuple(provenance.get("officers") or ()),
        requested_url=str(provenance.get("requested_url") or ""),
        final_url=provenance.get("final_url"),
        started_at=str(provenance.get("started_at") or ""),
        ended_at=str(provenance.get("ended_at") or ""),
        state=str(provenance.get("state") or "FAILED"),
        warnings=tuple(str(item) for item in provenance.get("warnings") or ()),
        artifacts=hash_artifacts(folder, on_file),
        provenance={key: provenance.get(key) for key in _PROVENANCE_SUMMARY},
        environment=None if environment is None else {
            **{key: environment.get(key) for key in _ENVIRONMENT_SUMMARY},
            "hosts_sha256": hosts.get("sha256"),
        },
        signer=signer,
        sealed_at=sealed_at,
        dev_tsa_warning=dev_tsa_warning,
        single_officer_reason=_option(provenance, "single_officer_reason"),
        no_timestamp_reason=_option(provenance, "no_timestamp_reason"),
        previous_capture=provenance.get("previous_capture"),
        place=_option(provenance, "place"),
        witness=(provenance.get("options") or {}).get("witness"),
    )


def _option(provenance: dict[str, Any], name: str) -> str | None:
    value = (provenance.get("options") or {}).get(name)
    return None if value is None else str(value)
