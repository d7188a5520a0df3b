"""The package layout shared by export, offline verification and import."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from evidence_capture import TOOL_NAME, __version__
from evidence_capture import safeio
from evidence_capture.errors import InputError, PackageError
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
    raise PackageError("refused: this is not a BagIt package (no bagit.txt)")


MAX_INDEX_BYTES = 16 * 1024 * 1024
MAX_CUSTODY_BYTES = 32 * 1024 * 1024
_HASH = re.compile(r"sha256:[0-9a-f]{64}")
_LINK_TYPES = {"seq": int, "prev_hash": str, "event_hash": str, "signer": str, "signature": str}
_BODY_FIELDS = ("actor", "host", "tool", "case_id")
_BODY_TYPES = {"type": str, "time": str, "object": dict, "details": dict}


def read_json(path: Path, what: str, limit: int = MAX_INDEX_BYTES) -> Any:
    """A bounded JSON file of the package; absent or unreadable is a ``PackageError``."""
    try:
        return safeio.read_json(path, limit, what)
    except FileNotFoundError as exc:
        raise PackageError(f"refused: the package has no {what}") from exc
    except InputError as exc:
        raise PackageError(f"refused: {exc.message}") from None


def read_index(data: Path) -> dict[str, Any]:
    index = read_json(data / INDEX, INDEX)
    if not isinstance(index, dict) or index.get("schema") != PACKAGE_SCHEMA:
        raise PackageError(f"refused: {INDEX} is not a {PACKAGE_SCHEMA} index")
    if not isinstance(index.get("captures"), list) or not index["captures"]:
        raise PackageError(f"refused: {INDEX} lists no captures")
    for entry in index["captures"]:
        capture_id = entry.get("capture_id") if isinstance(entry, dict) else None
        if not isinstance(capture_id, str) or not CAPTURE_ID.fullmatch(capture_id):
            raise PackageError(f"refused: {INDEX} lists an invalid capture id {capture_id!r}")
    return index


def event_problem(record: Any) -> str | None:
    """Why ``record`` is not a well-formed custody event (or redacted link), else None."""
    if not isinstance(record, dict):
        return "not a JSON object"
    if "redacted" in record and record["redacted"] is not True:
        return "field 'redacted' must be true when present"
    if record.get("redacted") is not True and any(k not in record for k in _BODY_FIELDS):
        return f"an event needs every field of {_BODY_FIELDS}"
    wanted = dict(_LINK_TYPES) if record.get("redacted") is True else {**_LINK_TYPES, **_BODY_TYPES}
    for name, kind in wanted.items():
        value = record.get(name)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            return f"field {name!r} is missing or not a {kind.__name__}"
    if record.get("redacted") is True:
        extra = sorted(set(record) - set(_LINK_FIELDS) - {"redacted"})
        if extra:
            return f"a redacted link carries fields {extra} that no hash covers"
    elif not isinstance(record["object"].get("id"), str) or not (
            record["object"].get("digest") is None or isinstance(record["object"]["digest"], str)):
        return "object.id / object.digest have the wrong type"
    elif not (record.get("case_id") is None or isinstance(record.get("case_id"), str)):
        return "case_id is not a string"
    if not all(_HASH.fullmatch(record[name]) for name in ("prev_hash", "event_hash", "signer")):
        return "prev_hash, event_hash or signer is not sha256:<64 hex>"
    if not re.fullmatch(r"[0-9a-f]{128}", record["signature"]):
        return "signature is not 128 hex digits"
    return None


def read_custody(path: Path) -> list[dict[str, Any]]:
    """Every event of a custody file; one malformed line is a ``PackageError`` naming it."""
    try:
        raw = safeio.read_regular(path, MAX_CUSTODY_BYTES)
    except FileNotFoundError as exc:
        raise PackageError(f"refused: the package has no {path.name}") from exc
    except InputError as exc:
        raise PackageError(f"refused: {exc.message}") from None
    records = []
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = safeio.loads_bounded(line, f"{path.name} line {number}")
        except InputError as exc:
            raise PackageError(f"refused: {exc.message}") from None
        problem = event_problem(record)
        if problem:
            raise PackageError(f"refused: {path.name} line {number} is not a custody event: {problem}")
        records.append(record)
    return records
