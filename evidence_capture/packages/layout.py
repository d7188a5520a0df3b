"""The package layout shared by export, offline verification and import."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from evidence_capture import TOOL_NAME, __version__
from evidence_capture import safeio
from evidence_capture.errors import EvidenceError, InputError, Message, Msg, PackageError, cause_msg
from evidence_capture.timeutil import iso_utc, utcnow
from evidence_capture.models import CAPTURE_ID

if TYPE_CHECKING:
    from evidence_capture.storage import CaptureSummary, Store

PACKAGE_SCHEMA = "evidence-capture/package/1"
INDEX = "package.json"
CUSTODY = "custody.jsonl"
_LINK_FIELDS = ("seq", "prev_hash", "event_hash", "signer", "signature")


def key_file_name(fingerprint: str) -> str:
    return f"station-{fingerprint.split(':', 1)[-1][:16]}.pub.pem"


def redact(record: dict[str, Any]) -> dict[str, Any]:
    """A link only: hash, previous hash and signature, none of the content."""
    return {**{name: record[name] for name in _LINK_FIELDS}, "redacted": True}


def token_certificates(tsr: bytes) -> list[x509.Certificate]:
    """The certificates a reply carries, read with the verifier's BER-tolerant parser."""
    from evidence_capture.timestamping.tokens import ParseError, parse_response, parse_token

    try:
        status = parse_response(tsr)
        return [] if status.token is None else list(parse_token(status.token).certificates)
    except ParseError:  # a token we cannot parse simply carries no chain here
        return []


def write_tsa_chains(capture_folder: Path, dest: Path) -> None:
    for tsr in sorted((capture_folder / "timestamps").glob("*.tsr")):
        certs = token_certificates(tsr.read_bytes())
        if certs:
            dest.mkdir(parents=True, exist_ok=True)
            pem = b"".join(cert.public_bytes(Encoding.PEM) for cert in certs)
            (dest / f"{tsr.stem}.chain.pem").write_bytes(pem)


def package_index(store: "Store", target: str, case_id: str | None,
                  captures: Sequence["CaptureSummary"], lines: Sequence[dict[str, Any]],
                  key_file: str) -> dict[str, Any]:
    case = None
    if case_id is not None:
        case = store.get_case(case_id).as_record()
        case.pop("captures")
    signer = store.custody.signer
    return {
        "schema": PACKAGE_SCHEMA, "target": target, "case": case,
        "exported_at": iso_utc(utcnow()), "tool": {"name": TOOL_NAME, "version": __version__},
        "station": {"fingerprint": signer.fingerprint if signer else None,
                    "public_key": f"keys/{key_file}"},
        "captures": [{"capture_id": c.capture_id, "manifest_sha256": c.manifest_sha256,
                      "state": c.capture_state, "timestamp_state": c.timestamp_state,
                      "url": c.url} for c in captures],
        "custody": {"file": CUSTODY, "first_seq": lines[0]["seq"], "last_seq": lines[-1]["seq"],
                    "last_hash": lines[-1]["event_hash"]},
    }


def find_bag_root(folder: Path) -> Path:
    """The bag is the extracted folder itself or its single top-level folder."""
    if (folder / "bagit.txt").is_file():
        return folder
    children = [child for child in folder.iterdir()]
    if len(children) == 1 and children[0].is_dir() and (children[0] / "bagit.txt").is_file():
        return children[0]
    raise PackageError(Msg("package.not_bagit"))


MAX_INDEX_BYTES = 16 * 1024 * 1024
MAX_CUSTODY_BYTES = 32 * 1024 * 1024
_HASH = re.compile(r"sha256:[0-9a-f]{64}")
_LINK_TYPES = {"seq": int, "prev_hash": str, "event_hash": str, "signer": str, "signature": str}
_BODY_FIELDS = ("actor", "host", "tool", "case_id")
_BODY_TYPES = {"type": str, "time": str, "object": dict, "details": dict}


def read_json(path: Path, what: Message, limit: int = MAX_INDEX_BYTES) -> Any:
    """A bounded JSON file of the package; absent or unreadable is a ``PackageError``."""
    try:
        return safeio.read_json(path, limit, what)
    except FileNotFoundError as exc:
        raise PackageError(Msg("package.lacks", what=what)) from exc
    except InputError as exc:
        raise refused(exc) from None


def read_index(data: Path) -> dict[str, Any]:
    index = read_json(data / INDEX, INDEX)
    if not isinstance(index, dict) or index.get("schema") != PACKAGE_SCHEMA:
        raise PackageError(Msg("package.index.schema", index=INDEX, schema=PACKAGE_SCHEMA))
    if not isinstance(index.get("captures"), list) or not index["captures"]:
        raise PackageError(Msg("package.index.empty", index=INDEX))
    for entry in index["captures"]:
        capture_id = entry.get("capture_id") if isinstance(entry, dict) else None
        if not isinstance(capture_id, str) or not CAPTURE_ID.fullmatch(capture_id):
            raise PackageError(Msg("package.index.bad_id", index=INDEX, capture_id=repr(capture_id)))
    return index


def reason_of(exc: BaseException) -> Message:
    """Why a read failed, for a check reason: our own message, or the known kind of a cause."""
    if isinstance(exc, EvidenceError):
        return exc.msg or exc.message
    return cause_msg(exc) or Msg("package.read_failed", kind=type(exc).__name__)


def refused(exc: InputError) -> PackageError:
    """A bounded read's refusal (``safeio``) as a package refusal, keeping its message."""
    return PackageError(Msg("package.refused", reason=exc.msg or exc.message))


def event_problem(record: Any) -> Msg | None:
    """Why ``record`` is not a well-formed custody event (or redacted link), else None."""
    if not isinstance(record, dict):
        return Msg("package.event.not_object")
    if "redacted" in record and record["redacted"] is not True:
        return Msg("package.event.redacted_flag")
    if record.get("redacted") is not True and any(k not in record for k in _BODY_FIELDS):
        return Msg("package.event.fields", fields=", ".join(_BODY_FIELDS))
    wanted = dict(_LINK_TYPES) if record.get("redacted") is True else {**_LINK_TYPES, **_BODY_TYPES}
    for name, kind in wanted.items():
        value = record.get(name)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            return Msg("package.event.field_type", field=name, type=kind.__name__)
    if record.get("redacted") is True:
        extra = sorted(set(record) - set(_LINK_FIELDS) - {"redacted"})
        if extra:
            return Msg("package.event.redacted_extra", fields=", ".join(extra))
    elif not isinstance(record["object"].get("id"), str) or not (
            record["object"].get("digest") is None or isinstance(record["object"]["digest"], str)):
        return Msg("package.event.object_type")
    elif not (record.get("case_id") is None or isinstance(record.get("case_id"), str)):
        return Msg("package.event.case_id")
    if not all(_HASH.fullmatch(record[name]) for name in ("prev_hash", "event_hash", "signer")):
        return Msg("package.event.hashes")
    if not re.fullmatch(r"[0-9a-f]{128}", record["signature"]):
        return Msg("package.event.signature")
    return None


def read_custody(path: Path) -> list[dict[str, Any]]:
    """Every event of a custody file; one malformed line is a ``PackageError`` naming it."""
    try:
        raw = safeio.read_regular(path, MAX_CUSTODY_BYTES)
    except FileNotFoundError as exc:
        raise PackageError(Msg("package.lacks", what=path.name)) from exc
    except InputError as exc:
        raise refused(exc) from None
    records = []
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = safeio.loads_bounded(line, Msg("io.line", name=path.name, line=number))
        except InputError as exc:
            raise refused(exc) from None
        problem = event_problem(record)
        if problem:
            raise PackageError(Msg("package.event.bad_line", name=path.name, line=number, problem=problem))
        records.append(record)
    return records
