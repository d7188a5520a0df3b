"""The seal files no signature covers, held to the bytes that are covered.

``signer.pub.pem``, ``timestamps/<n>.tsq`` and ``timestamps/<n>.json`` are
written after the manifest is signed, so no manifest lists them.  Each must
agree with something verified, or it is flagged:

* ``signer.pub.pem`` must be the key the signed manifest names (fingerprint);
* a ``.tsq`` must ask for SHA-256 of ``manifest.json`` with the slot's nonce;
* a slot record's token facts (TSA name, genTime, serial, policy, state,
  development TSA) must be what the verified token says: the record is a
  cache for people, never a source of facts.

And before anything is read: only regular files and folders (``files.regular``),
so a FIFO never blocks a read and a device never fills memory.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Any

from evidence_capture import safeio
from evidence_capture.errors import EvidenceError, InputError, Message, Msg
from evidence_capture.manifests.model import Manifest
from evidence_capture.manifests.stamping import SLOT_DIR, TimestampOutcome, read_slots, slot_number
from evidence_capture.timeutil import iso_utc
from evidence_capture.verify.checks import CheckResult

MAX_TSQ_BYTES = 64 * 1024


def _printable(name: str) -> str:
    return name if name.isprintable() else repr(name)


def special_files(folder: Path) -> list[str]:
    """Everything below ``folder`` that is neither a regular file nor a real folder (lstat)."""
    found = []
    for parent, dirs, files in os.walk(folder, followlinks=False):
        for name in [*dirs, *files]:
            path = Path(parent) / name
            mode = os.lstat(path).st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                found.append(_printable(path.relative_to(folder).as_posix()))
    return sorted(found)


def check_regular(folder: Path) -> CheckResult:
    name = "files.regular"
    found = special_files(folder)
    if found:
        return CheckResult.failed(name, Msg("verify.regular.found", n=len(found), paths=", ".join(found[:10])))
    return CheckResult.passed(name, Msg("verify.regular.ok"))


def _key_vouched(folder: Path, manifest: Manifest) -> bool:
    from evidence_capture.manifests.keys import fingerprint, load_public_pem

    path = folder / "signer.pub.pem"
    if not path.exists() and not path.is_symlink():
        return True
    try:
        key = load_public_pem(safeio.read_regular(path, safeio.MAX_KEY_BYTES))
    except (OSError, InputError):
        return False
    return fingerprint(key) == manifest.signer.get("fingerprint")


def _tsq_vouched(path: Path, digest: bytes, record: TimestampOutcome | None) -> bool:
    import rfc3161ng

    try:
        request = rfc3161ng.decode_timestamp_request(safeio.read_regular(path, MAX_TSQ_BYTES))
        imprint = bytes(request["messageImprint"]["hashedMessage"])
        nonce = int(request["nonce"]) if request["nonce"].isValue else None
    except Exception:  # noqa: BLE001 - pyasn1 raises many kinds for hostile bytes
        return False
    return imprint == digest and record is not None and nonce == record.nonce


def unvouched_seal_files(folder: Path, manifest: Manifest, manifest_bytes: bytes) -> list[Message]:
    """Seal files that disagree with the signed manifest: listed with the unlisted ones."""
    found: list[Message] = [] if _key_vouched(folder, manifest) else [Msg("verify.unvouched.key")]
    records = read_slots(folder)
    digest = hashlib.sha256(manifest_bytes).digest()
    slots = folder / SLOT_DIR
    for path in sorted(slots.glob("*.tsq")) if slots.is_dir() else []:
        number = slot_number(path, "tsq")
        if number is not None and not _tsq_vouched(path, digest, records.get(number)):
            found.append(Msg("verify.unvouched.tsq", path=f"{SLOT_DIR}/{path.name}"))
    return found


def record_disagreement(record: TimestampOutcome | None, info: Any) -> Message | None:
    """How the unsigned slot record differs from the verified token, or None."""
    from evidence_capture.timestamping import is_dev_tsa_name
    from evidence_capture.errors import joined

    if record is None:
        return Msg("verify.record.none")
    token = {"state": "granted", "tsa_name": info.tsa_name, "serial": str(info.serial),
             "policy_oid": info.policy_oid, "gen_time": iso_utc(info.gen_time)}
    stated = {"state": record.state, "tsa_name": record.tsa_name, "serial": record.serial,
              "policy_oid": record.policy_oid, "gen_time": _normal_time(record.gen_time)}
    wrong: list[Message] = [Msg("verify.record.field", field=key, stated=repr(stated[key]), token=repr(token[key]))
                            for key in token if stated[key] is not None and stated[key] != token[key]]
    wrong += [Msg("verify.record.field_missing", field=key) for key in ("state",)
              if stated[key] != token[key] and stated[key] is None]
    if is_dev_tsa_name(info.tsa_name) and record.dev_tsa is not True:
        wrong.append(Msg("verify.record.dev_tsa"))
    return joined(wrong) if wrong else None


def _normal_time(text: Any) -> Any:
    from evidence_capture.timeutil import parse_iso

    if not isinstance(text, str):
        return text
    try:
        return iso_utc(parse_iso(text))
    except (ValueError, EvidenceError):
        return text
