"""``verify_capture``: every named check over one capture folder.

Checks, in order: ``files.regular``, ``manifest.parse``, ``signature``, ``artifacts.present``,
``artifact:<path>`` for each listed file, ``artifacts.unlisted``,
``timestamp:<n>`` for each token slot, ``time.gentime``, ``time.http_date``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Sequence

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from evidence_capture import safeio
from evidence_capture.errors import EvidenceError, InputError, NotFoundError, VerificationError
from evidence_capture.manifests.canonical import parse_canonical
from evidence_capture.manifests.keys import fingerprint, load_public_pem, verify_signature
from evidence_capture.manifests.model import Manifest
from evidence_capture.manifests.stamping import read_slots, slot_number, slot_path
from evidence_capture.verify.artifacts import OnFile, artifact_checks
from evidence_capture.verify.checks import CheckResult, VerifyReport
from evidence_capture.verify.seal_files import check_regular, record_disagreement, unvouched_seal_files
from evidence_capture.verify.timing import DEFAULT_TOLERANCE_S, HAR_NAME, check_gentime, check_http_dates

MAX_MANIFEST_BYTES = 16 * 1024 * 1024
MAX_TOKEN_BYTES = 1024 * 1024


def _read(path: Path, limit: int) -> bytes | None:
    """The bytes of a regular file (None when absent or not a regular file); too large refuses."""
    if not safeio.is_regular(path):
        return None
    try:
        return safeio.read_regular(path, limit)
    except FileNotFoundError:
        return None
    except InputError as exc:
        raise InputError(f"{path}: {exc.message}: refusing to read it") from None


def check_manifest(data: bytes | None) -> tuple[CheckResult, Manifest | None]:
    name = "manifest.parse"
    if data is None:
        return CheckResult.failed(name, "manifest.json is missing"), None
    try:
        safeio.check_json_shape(data)
        manifest = Manifest.from_record(parse_canonical(data))
    except (InputError, RecursionError) as exc:
        if isinstance(exc, RecursionError):
            return CheckResult.failed(name, "manifest.json is nested too deeply"), None
        return CheckResult.failed(name, exc.message), None
    warning = f"; WARNING: {manifest.dev_tsa_warning}" if manifest.dev_tsa_warning else ""
    return CheckResult.passed(name, f"RFC 8785 canonical, schema {manifest.schema}, "
                                    f"{len(manifest.artifacts)} artifacts{warning}"), manifest


def _shipped_key(folder: Path) -> Ed25519PublicKey | None:
    try:
        return load_public_pem(safeio.read_regular(folder / "signer.pub.pem", safeio.MAX_KEY_BYTES))
    except (OSError, InputError):
        return None


def check_signature(folder: Path, data: bytes | None, manifest: Manifest | None,
                    trusted_keys: Sequence[Ed25519PublicKey]) -> CheckResult:
    """Valid over the exact bytes AND by a trusted key; a shipped key is never trusted."""
    name = "signature"
    signature = _read(folder / "manifest.sig", 4096)
    if data is None or signature is None:
        return CheckResult.failed(name, "manifest.json or manifest.sig is missing")
    for key in trusted_keys:
        if verify_signature(key, signature, data):
            claimed = manifest.signer["fingerprint"] if manifest else None
            if claimed is not None and claimed != fingerprint(key):
                return CheckResult.failed(name, f"manifest names signer {claimed} but {fingerprint(key)} signed it")
            return CheckResult.passed(name, f"valid Ed25519 signature by trusted key {fingerprint(key)}")
    shipped = _shipped_key(folder)
    if shipped is None or not verify_signature(shipped, signature, data):
        return CheckResult.failed(name, "the signature does not verify over manifest.json")
    untrusted = f"signature is valid but by key {fingerprint(shipped)}, which is not trusted"
    if not trusted_keys:
        return CheckResult.not_checked(name, untrusted + " (pin the station key with --trust-key)")
    return CheckResult.failed(name, untrusted)


def _slot_numbers(folder: Path) -> list[int]:
    numbers = set(read_slots(folder))
    numbers |= {n for path in (folder / "timestamps").glob("*.tsr") if (n := slot_number(path, "tsr"))}
    return sorted(numbers)


def check_token(folder: Path, number: int, digest: bytes, roots: Sequence[x509.Certificate]) -> tuple[CheckResult, Any]:
    from evidence_capture.timestamping import is_dev_tsa_name, verify_token

    name = f"timestamp:{number}"
    record = read_slots(folder).get(number)
    tsr = _read(slot_path(folder, number, "tsr"), MAX_TOKEN_BYTES)
    if tsr is None:
        why = record.error if record and record.error else "no token stored"
        return CheckResult.not_checked(name, f"timestamp pending: {why}"), None
    if not roots:
        return CheckResult.not_checked(name, "no trusted TSA roots given (--tsa-ca or EVIDENCE_TSA_CA)"), None
    if record is None or record.nonce is None:
        return CheckResult.failed(name, "tsa.nonce: the request nonce is not recorded"), None
    try:
        info = verify_token(tsr, digest=digest, nonce=record.nonce, roots=roots)  # TrustAnchors keep their chain
    except VerificationError as exc:
        return CheckResult.failed(name, f"{exc.check}: {exc.message}"), None
    except EvidenceError as exc:
        return CheckResult.failed(name, exc.message), None
    disagreement = record_disagreement(record, info)
    if disagreement:
        return CheckResult.failed(name, f"timestamps/{number}.json disagrees with the verified "
                                  f"token: {disagreement}"), None
    label = "; DEVELOPMENT TSA, not trusted for real cases" if is_dev_tsa_name(info.tsa_name) else ""
    return CheckResult.passed(name, f"granted by {info.tsa_name} at {info.gen_time.isoformat()} "
                                    f"(serial {info.serial}, policy {info.policy_oid}){label}"), info


def timestamp_checks(folder: Path, data: bytes | None, roots: Sequence[x509.Certificate]) -> tuple[list[CheckResult], list[Any]]:
    numbers = _slot_numbers(folder)
    if data is None:
        return [CheckResult.not_checked("timestamps", "no manifest.json to compare tokens with")], []
    if not numbers:
        return [CheckResult.not_checked("timestamps", "no timestamp token (capture is timestamp-pending)")], []
    digest = hashlib.sha256(data).digest()
    pairs = [check_token(folder, number, digest, roots) for number in numbers]
    return [result for result, _ in pairs], [info for _, info in pairs if info is not None]


def verify_capture(folder: Path, *, trusted_keys: Sequence[Ed25519PublicKey] = (),
                   tsa_roots: Sequence[x509.Certificate] = (), strict: bool = False,
                   tolerance: float = DEFAULT_TOLERANCE_S, on_file: OnFile | None = None) -> VerifyReport:
    folder = Path(folder)
    if not folder.is_dir():
        raise NotFoundError(f"capture folder {folder} does not exist")
    regular = check_regular(folder)
    data = _read(folder / "manifest.json", MAX_MANIFEST_BYTES)
    parsed, manifest = check_manifest(data)
    checks = [regular, parsed, check_signature(folder, data, manifest, trusted_keys)]
    if manifest is None or data is None:
        checks.append(CheckResult.not_checked("artifacts", "no valid manifest to check artifacts against"))
    else:
        checks += artifact_checks(folder, manifest.artifacts, on_file,
                                  unvouched=unvouched_seal_files(folder, manifest, data))
    tokens, infos = timestamp_checks(folder, data, tsa_roots)
    checks += tokens
    if manifest is None:
        checks.append(CheckResult.not_checked("time", "no valid manifest with capture times"))
    else:
        har = next((c.status for c in checks if c.name == f"artifact:{HAR_NAME}"), None)
        checks.append(check_gentime(manifest, [info.gen_time for info in infos], tolerance))
        checks.append(check_http_dates(folder, manifest, har, tolerance))
    return VerifyReport(str(folder), "capture", tuple(checks), strict)
