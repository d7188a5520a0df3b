"""The package layout shared by export, offline verification and import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from evidence_capture import TOOL_NAME, __version__
from evidence_capture.errors import PackageError
from evidence_capture.timeutil import iso_utc, utcnow
from evidence_capture.verify.target import CAPTURE_ID

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
    from rfc3161_client import decode_timestamp_response

    try:
        certs = decode_timestamp_response(tsr).signed_data.certificates
    except Exception:  # noqa: BLE001 - a token we cannot parse simply carries no chain here
        return []
    return [x509.load_der_x509_certificate(bytes(der)) for der in certs]


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


def read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise PackageError(f"refused: the package has no {what}") from exc
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise PackageError(f"refused: {what} does not parse") from exc


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


def read_custody(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text("utf-8").splitlines()
        records = [json.loads(line) for line in lines if line.strip()]
    except FileNotFoundError as exc:
        raise PackageError(f"refused: the package has no {path.name}") from exc
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise PackageError(f"refused: {path.name} does not parse") from exc
    if not all(isinstance(r, dict) and "seq" in r and "event_hash" in r for r in records):
        raise PackageError(f"refused: {path.name} holds something other than custody events")
    return records
