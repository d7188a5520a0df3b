"""Custody checks over the chain carried in a package (no store needed)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Mapping, Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from evidence_capture import safeio
from evidence_capture.errors import InputError, Message, Msg, PackageError, joined
from evidence_capture.packages import layout
from evidence_capture.packages.coverage import sha256_of
from evidence_capture.packages.origin import origin_checks
from evidence_capture.storage.chain import (
    ChainReport, key_fingerprint, load_public_key, verify_records,
)
from evidence_capture.verify.checks import CheckResult, CheckStatus

_LINK_KINDS = ("gap", "duplicate", "broken_link", "genesis", "missing_tail")


def load_package_keys(keys_dir: Path) -> dict[str, Ed25519PublicKey]:
    keys = {}
    for path in sorted(keys_dir.glob("*.pem")) if keys_dir.is_dir() else []:
        try:
            key = load_public_key(safeio.read_regular(path, safeio.MAX_KEY_BYTES))
        except InputError as exc:
            raise layout.refused(exc) from None
        except (OSError, ValueError, TypeError) as exc:
            raise PackageError(Msg("package.key.not_ed25519", name=path.name)) from exc
        keys[key_fingerprint(key)] = key
    return keys


def _problem_check(name: str, report: ChainReport, kinds: Sequence[str], ok: Message) -> CheckResult:
    found = [p for p in report.problems if p.kind in kinds]
    if found:
        key = "package.custody.first_problem_more" if len(found) > 1 else "package.custody.first_problem"
        return CheckResult.failed(name, Msg(key, seq=found[0].seq, problem=found[0].message,
                                            more=len(found) - 1))
    return CheckResult.passed(name, ok)


def _signature_check(report: ChainReport) -> CheckResult:
    bad = _problem_check("custody.signatures", report, ("bad_signature",), Msg("package.custody.no_bad_signature"))
    if bad.status is CheckStatus.FAIL:
        return bad
    if report.signatures_unverified:
        return CheckResult.not_checked("custody.signatures", Msg("package.custody.key_not_shipped",
                                                                 n=report.signatures_unverified))
    return CheckResult.passed("custody.signatures", Msg("package.custody.signatures_ok",
                                                        n=report.signatures_verified))


def _trust_check(records: Sequence[Mapping[str, Any]], trusted: set[str]) -> CheckResult:
    signers = sorted({str(r.get("signer")) for r in records})
    untrusted = [s for s in signers if s not in trusted]
    if untrusted:
        return CheckResult.not_checked("custody.signer-trust", Msg("package.custody.not_pinned",
                                                                   keys=", ".join(untrusted)))
    return CheckResult.passed("custody.signer-trust", Msg("package.custody.pinned", keys=", ".join(signers)))


def _coverage_check(records: Sequence[Mapping[str, Any]], chain: Sequence[Mapping[str, Any]],
                    index: Mapping[str, Any], data: Path) -> CheckResult:
    missing = []
    listed = {str(entry.get("capture_id")) for entry in index["captures"]}
    for capture_id in sorted(listed):
        manifest = data / "captures" / capture_id / "manifest.json"
        if not manifest.is_file():
            continue
        digest = "sha256:" + hashlib.sha256(manifest.read_bytes()).hexdigest()
        types = {r.get("type") for r in records if not r.get("redacted")
                 and r["object"]["id"] == capture_id and r["object"]["digest"] == digest}
        missing += [Msg("package.coverage.no_event", capture_id=capture_id, type=Msg(f"custody.type.{t}"))
                    for t in ("captured", "sealed") if t not in types]
    absent = sorted({str(r["object"]["id"]) for r in chain if not r.get("redacted")
                     and r.get("type") in ("captured", "sealed")} - listed)
    missing += [Msg("package.coverage.not_in_package", capture_id=capture_id) for capture_id in absent]
    span = index.get("custody") if isinstance(index.get("custody"), dict) else {}
    if not chain or span.get("first_seq") != chain[0]["seq"]:
        missing.append(Msg("package.coverage.start"))
    if not chain or (span.get("last_seq"), span.get("last_hash")) != (
            chain[-1]["seq"], chain[-1]["event_hash"]):
        missing.append(Msg("package.coverage.end"))
    if missing:
        return CheckResult.failed("custody.coverage", joined(missing[:5]))
    return CheckResult.passed("custody.coverage", Msg("package.coverage.ok"))


def _redaction_check(records: Sequence[Mapping[str, Any]], index: Mapping[str, Any]) -> CheckResult:
    """Redacted links are exactly the ones the station listed when it signed the index."""
    name = "custody.redaction"
    shipped = sorted(int(r["seq"]) for r in records if r.get("redacted"))
    signed = index.get("redacted")
    if not isinstance(signed, list) or sorted(signed) != shipped:
        extra = sorted(set(shipped) - set(signed if isinstance(signed, list) else []))
        return CheckResult.failed(name, Msg("package.redaction.unlisted",
                                            seqs=", ".join(map(str, extra or shipped))))
    return CheckResult.passed(name, Msg("package.redaction.ok", n=len(shipped)))


def _timestamp_agreement(records: Sequence[Mapping[str, Any]], index: Mapping[str, Any],
                         data: Path) -> CheckResult:
    """Each ``timestamped`` event has its token in the folder, and each token its event."""
    name = "custody.timestamps"
    problems = []
    for entry in index["captures"]:
        capture_id = str(entry.get("capture_id"))
        slots = data / "captures" / capture_id / "timestamps"
        tokens = {}
        for tsr in sorted(slots.glob("*.tsr")) if slots.is_dir() else []:
            tokens[tsr.stem] = sha256_of(tsr)
        events = {str((r["details"] or {}).get("position")): (r["details"] or {}).get("tsr_sha256")
                  for r in records if not r.get("redacted") and r.get("type") == "timestamped"
                  and r["object"].get("id") == capture_id}
        for position, digest in sorted(events.items()):
            if tokens.get(position) != digest:
                problems.append(Msg("package.timestamps.no_token", capture_id=capture_id, position=position))
        for position in sorted(set(tokens) - set(events)):
            problems.append(Msg("package.timestamps.no_event", capture_id=capture_id, position=position))
    if problems:
        return CheckResult.failed(name, joined(problems[:5]))
    return CheckResult.passed(name, Msg("package.timestamps.ok"))


def _receipt_mismatch(event: Mapping[str, Any], index: Mapping[str, Any]) -> Msg | None:
    """What the signed export event says the package holds, against the package index."""
    details = event.get("details") or {}
    listed = sorted(str(e.get("capture_id")) for e in index["captures"])
    if sorted(map(str, details.get("captures") or ())) != listed:
        return Msg("package.receipt.captures", recorded=", ".join(sorted(map(str, details.get("captures") or ()))),
                   listed=", ".join(listed))
    if details.get("custody") != index.get("custody"):
        return Msg("package.receipt.span")
    if event.get("case_id") != (index.get("case") or {}).get("case_id"):
        return Msg("package.receipt.case", case_id=str(event.get("case_id")))
    return None


def _export_check(receipt: Path | None, records: Sequence[Mapping[str, Any]],
                  trusted: Mapping[str, Ed25519PublicKey], index: Mapping[str, Any],
                  package_sha256: str) -> CheckResult:
    """The receipt must extend this chain, be signed by the same station, and that key be pinned."""
    name = "custody.export"
    if receipt is None:
        return CheckResult.not_checked(name, Msg("package.receipt.none"))
    try:
        event = safeio.read_json(receipt, safeio.MAX_RECORD_BYTES, Msg("package.receipt.what"))
        signer = event.get("signer")
    except (OSError, InputError, AttributeError) as exc:
        return CheckResult.failed(name, Msg("package.receipt.unparsable", reason=layout.reason_of(exc)))
    problem = layout.event_problem(event)
    if problem:
        return CheckResult.failed(name, Msg("package.receipt.not_event", problem=problem))
    last = records[-1] if records else None
    if last is None or signer != last.get("signer"):
        return CheckResult.failed(name, Msg("package.receipt.other_signer", signer=signer))
    try:
        report = verify_records([last, event], trusted)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return CheckResult.failed(name, Msg("package.receipt.malformed", kind=type(exc).__name__))
    if report.problems or event.get("type") != "exported":
        reason = report.problems[0].message if report.problems else Msg("package.receipt.not_export")
        return CheckResult.failed(name, Msg("package.receipt.invalid", reason=reason))
    recorded = (event.get("details") or {}).get("package_sha256")
    if recorded != package_sha256:
        return CheckResult.failed(name, Msg("package.receipt.digest", recorded=recorded, actual=package_sha256))
    mismatch = _receipt_mismatch(event, index)
    if mismatch:
        return CheckResult.failed(name, mismatch)
    if report.signatures_unverified:
        return CheckResult.not_checked(name, Msg("package.receipt.not_pinned", signer=signer))
    return CheckResult.passed(name, Msg("package.receipt.ok", seq=event["seq"], signer=signer))


def custody_checks(records: Sequence[Mapping[str, Any]], index: Mapping[str, Any], data: Path,
                   *, trusted_keys: Sequence[Ed25519PublicKey],
                   package_keys: Mapping[str, Ed25519PublicKey], package_sha256: str,
                   receipt: Path | None) -> list[CheckResult]:
    trusted = {key_fingerprint(k): k for k in trusted_keys}
    keys = {**package_keys, **trusted}
    try:
        report = verify_records(records, keys)
        origins, carried = origin_checks(data, records, keys)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PackageError(Msg("package.custody.malformed")) from exc
    everything = [*records, *carried]
    return [
        _problem_check("custody.chain", report, _LINK_KINDS,
                       Msg("package.custody.chain_ok", n=report.events, first=report.first_seq,
                           last=report.last_seq)),
        _problem_check("custody.events", report, ("edited",), Msg("package.custody.events_ok")),
        _signature_check(report),
        *origins,
        _trust_check(everything, set(trusted)),
        _coverage_check(everything, records, index, data),
        _redaction_check(records, index),
        _timestamp_agreement(everything, index, data),
        _export_check(receipt, records, trusted, index, package_sha256),
    ]
