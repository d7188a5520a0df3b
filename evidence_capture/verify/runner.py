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
from evidence_capture.errors import EvidenceError, InputError, Msg, NotFoundError, VerificationError
from evidence_capture.manifests.canonical import parse_canonical
from evidence_capture.manifests.keys import fingerprint, load_public_pem, verify_signature
from evidence_capture.manifests.model import Manifest
from evidence_capture.manifests.stamping import read_slots, slot_number, slot_path
from evidence_capture.verify.artifacts import OnFile, artifact_checks
from evidence_capture.verify.checks import CheckResult, VerifyReport, error_reason
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
        raise InputError(Msg("verify.read.refused", path=path, reason=error_reason(exc))) from None


def check_manifest(data: bytes | None) -> tuple[CheckResult, Manifest | None]:
    name = "manifest.parse"
    if data is None:
        return CheckResult.failed(name, Msg("verify.manifest.missing")), None
    try:
        safeio.check_json_shape(data)
        manifest = Manifest.from_record(parse_canonical(data))
    except (InputError, RecursionError) as exc:
        if isinstance(exc, RecursionError):
            return CheckResult.failed(name, Msg("verify.manifest.too_deep")), None
        return CheckResult.failed(name, error_reason(exc)), None
    key = "verify.manifest.ok_dev" if manifest.dev_tsa_warning else "verify.manifest.ok"
    return CheckResult.passed(name, Msg(key, schema=manifest.schema, n=len(manifest.artifacts),
                                        warning=Msg("cli.dev_tsa.warning"))), manifest


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
        return CheckResult.failed(name, Msg("verify.signature.missing"))
    for key in trusted_keys:
        if verify_signature(key, signature, data):
            claimed = manifest.signer["fingerprint"] if manifest else None
            if claimed is not None and claimed != fingerprint(key):
                return CheckResult.failed(name, Msg("verify.signature.other_signer", claimed=claimed,
                                                     signer=fingerprint(key)))
            return CheckResult.passed(name, Msg("verify.signature.ok", signer=fingerprint(key)))
    shipped = _shipped_key(folder)
    if shipped is None or not verify_signature(shipped, signature, data):
        return CheckResult.failed(name, Msg("verify.signature.bad"))
    if not trusted_keys:
        return CheckResult.not_checked(name, Msg("verify.signature.unpinned", signer=fingerprint(shipped)))
    return CheckResult.failed(name, Msg("verify.signature.untrusted", signer=fingerprint(shipped)))


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
        if record and record.error:
            return CheckResult.not_checked(name, Msg("verify.token.pending", why=record.error_message())), None
        return CheckResult.not_checked(name, Msg("verify.token.pending_none")), None
    if not roots:
        return CheckResult.not_checked(name, Msg("verify.token.no_roots")), None
    if record is None or record.nonce is None:
        return CheckResult.failed(name, Msg("verify.token.no_nonce")), None
    try:
        info = verify_token(tsr, digest=digest, nonce=record.nonce, roots=roots)  # TrustAnchors keep their chain
    except VerificationError as exc:
        return CheckResult.failed(name, Msg("verify.token.check", check=exc.check, reason=error_reason(exc))), None
    except EvidenceError as exc:
        return CheckResult.failed(name, error_reason(exc)), None
    disagreement = record_disagreement(record, info)
    if disagreement:
        return CheckResult.failed(name, Msg("verify.token.record_disagrees", number=number,
                                            disagreement=disagreement)), None
    key = "verify.token.ok_dev" if is_dev_tsa_name(info.tsa_name) else "verify.token.ok"
    return CheckResult.passed(name, Msg(key, tsa=info.tsa_name, gen_time=info.gen_time.isoformat(),
                                        serial=str(info.serial), policy=info.policy_oid)), info


def timestamp_checks(folder: Path, data: bytes | None, roots: Sequence[x509.Certificate]) -> tuple[list[CheckResult], list[Any]]:
    numbers = _slot_numbers(folder)
    if data is None:
        return [CheckResult.not_checked("timestamps", Msg("verify.tokens.no_manifest"))], []
    if not numbers:
        return [CheckResult.not_checked("timestamps", Msg("verify.tokens.none"))], []
    digest = hashlib.sha256(data).digest()
    pairs = [check_token(folder, number, digest, roots) for number in numbers]
    return [result for result, _ in pairs], [info for _, info in pairs if info is not None]


def verify_capture(folder: Path, *, trusted_keys: Sequence[Ed25519PublicKey] = (),
                   tsa_roots: Sequence[x509.Certificate] = (), strict: bool = False,
                   tolerance: float = DEFAULT_TOLERANCE_S, on_file: OnFile | None = None) -> VerifyReport:
    folder = Path(folder)
    if not folder.is_dir():
        raise NotFoundError(Msg("verify.folder.missing", folder=folder))
    regular = check_regular(folder)
    data = _read(folder / "manifest.json", MAX_MANIFEST_BYTES)
    parsed, manifest = check_manifest(data)
    checks = [regular, parsed, check_signature(folder, data, manifest, trusted_keys)]
    if manifest is None or data is None:
        checks.append(CheckResult.not_checked("artifacts", Msg("verify.artifacts.no_manifest")))
    else:
        checks += artifact_checks(folder, manifest.artifacts, on_file,
                                  unvouched=unvouched_seal_files(folder, manifest, data))
    tokens, infos = timestamp_checks(folder, data, tsa_roots)
    checks += tokens
    if manifest is None:
        checks.append(CheckResult.not_checked("time", Msg("verify.time.no_manifest")))
    else:
        har = next((c.status for c in checks if c.name == f"artifact:{HAR_NAME}"), None)
        checks.append(check_gentime(manifest, [info.gen_time for info in infos], tolerance))
        checks.append(check_http_dates(folder, manifest, har, tolerance))
    return VerifyReport(str(folder), "capture", tuple(checks), strict)
