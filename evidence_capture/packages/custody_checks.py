"""Custody checks over the chain carried in a package (no store needed)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Mapping, Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from evidence_capture import safeio
from evidence_capture.errors import InputError, PackageError, one_line
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
            raise PackageError(f"refused: {exc.message}") from None
        except (OSError, ValueError, TypeError) as exc:
            raise PackageError(f"refused: {path.name} is not an Ed25519 public key") from exc
        keys[key_fingerprint(key)] = key
    return keys


def _problem_check(name: str, report: ChainReport, kinds: Sequence[str], ok: str) -> CheckResult:
    found = [p for p in report.problems if p.kind in kinds]
    if found:
        return CheckResult.failed(name, f"first at seq {found[0].seq}: {found[0].message}"
                     + (f" (+{len(found) - 1} more)" if len(found) > 1 else ""))
    return CheckResult.passed(name, ok)


def _signature_check(report: ChainReport) -> CheckResult:
    bad = _problem_check("custody.signatures", report, ("bad_signature",), "no bad signature")
    if bad.status is CheckStatus.FAIL:
        return bad
    if report.signatures_unverified:
        return CheckResult.not_checked("custody.signatures",
                     f"{report.signatures_unverified} event(s) signed by a key not in the package")
    return CheckResult.passed("custody.signatures", f"{report.signatures_verified} signatures valid")


def _trust_check(records: Sequence[Mapping[str, Any]], trusted: set[str]) -> CheckResult:
    signers = sorted({str(r.get("signer")) for r in records})
    untrusted = [s for s in signers if s not in trusted]
    if untrusted:
        return CheckResult.not_checked("custody.signer-trust",
                     f"signed by key(s) not pinned by you: {', '.join(untrusted)}")
    return CheckResult.passed("custody.signer-trust", f"signed by pinned key(s): {', '.join(signers)}")


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
        missing += [f"{capture_id}: no {t} event" for t in ("captured", "sealed") if t not in types]
    absent = sorted({str(r["object"]["id"]) for r in chain if not r.get("redacted")
                     and r.get("type") in ("captured", "sealed")} - listed)
    missing += [f"{capture_id}: captured/sealed in the custody log but not in the package"
                for capture_id in absent]
    span = index.get("custody") if isinstance(index.get("custody"), dict) else {}
    if not chain or span.get("first_seq") != chain[0]["seq"]:
        missing.append("custody.jsonl does not start where the package index says")
    if not chain or (span.get("last_seq"), span.get("last_hash")) != (
            chain[-1]["seq"], chain[-1]["event_hash"]):
        missing.append("custody.jsonl does not end where the package index says")
    if missing:
        return CheckResult.failed("custody.coverage", "; ".join(missing[:5]))
    return CheckResult.passed("custody.coverage", "every capture has its captured and sealed events, "
                 "and the chain runs to the package's export point")


def _redaction_check(records: Sequence[Mapping[str, Any]], index: Mapping[str, Any]) -> CheckResult:
    """Redacted links are exactly the ones the station listed when it signed the index."""
    name = "custody.redaction"
    shipped = sorted(int(r["seq"]) for r in records if r.get("redacted"))
    signed = index.get("redacted")
    if not isinstance(signed, list) or sorted(signed) != shipped:
        extra = sorted(set(shipped) - set(signed if isinstance(signed, list) else []))
        return CheckResult.failed(name, f"events {extra or shipped} are redacted, but the signed "
                                  "index does not list them as redacted (events of this case "
                                  "turned into stubs?)")
    return CheckResult.passed(name, f"{len(shipped)} redacted link(s), each listed in the signed "
                              "index; every redacted link keeps its signed event hash")


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
                problems.append(f"{capture_id}: a timestamped event for slot {position} has no "
                                "matching token")
        for position in sorted(set(tokens) - set(events)):
            problems.append(f"{capture_id}: token {position}.tsr has no timestamped event")
    if problems:
        return CheckResult.failed(name, "; ".join(problems[:5]))
    return CheckResult.passed(name, "every timestamped event has its token, every token its event")


def _receipt_mismatch(event: Mapping[str, Any], index: Mapping[str, Any]) -> str | None:
    """What the signed export event says the package holds, against the package index."""
    details = event.get("details") or {}
    listed = sorted(str(e.get("capture_id")) for e in index["captures"])
    if sorted(map(str, details.get("captures") or ())) != listed:
        return (f"the export event lists captures {sorted(details.get('captures') or ())}, "
                f"the package holds {listed}")
    if details.get("custody") != index.get("custody"):
        return "the export event records a different custody span than the package index"
    if event.get("case_id") != (index.get("case") or {}).get("case_id"):
        return f"the export event is for case {event.get('case_id')}, not this package's case"
    return None


def _export_check(receipt: Path | None, records: Sequence[Mapping[str, Any]],
                  trusted: Mapping[str, Ed25519PublicKey], index: Mapping[str, Any],
                  package_sha256: str) -> CheckResult:
    """The receipt must extend this chain, be signed by the same station, and that key be pinned."""
    name = "custody.export"
    if receipt is None:
        return CheckResult.not_checked(name, "no export receipt "
                     "(<package>.zip.export-event.json) next to the package")
    try:
        event = safeio.read_json(receipt, safeio.MAX_RECORD_BYTES, "the export receipt")
        signer = event.get("signer")
    except (OSError, InputError, AttributeError) as exc:
        return CheckResult.failed(name, f"the export receipt does not parse: {one_line(exc)}")
    if layout.event_problem(event):
        return CheckResult.failed(name, f"the export receipt is not a custody event: "
                                  f"{layout.event_problem(event)}")
    last = records[-1] if records else None
    if last is None or signer != last.get("signer"):
        return CheckResult.failed(name, f"the export receipt is signed by {signer}, not by the "
                                  "station whose custody chain it extends")
    try:
        report = verify_records([last, event], trusted)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return CheckResult.failed(name, f"the export receipt is malformed: {one_line(exc)}")
    if report.problems or event.get("type") != "exported":
        reason = report.problems[0].message if report.problems else "not an export event"
        return CheckResult.failed(name, f"the export receipt is not valid: {reason}")
    recorded = (event.get("details") or {}).get("package_sha256")
    if recorded != package_sha256:
        return CheckResult.failed(name, f"the export event records sha256:{recorded}, "
                     f"the package is sha256:{package_sha256}")
    mismatch = _receipt_mismatch(event, index)
    if mismatch:
        return CheckResult.failed(name, mismatch)
    if report.signatures_unverified:
        return CheckResult.not_checked(name, f"the export receipt is signed by {signer}, "
                                       "a key not pinned by you (--trust-key)")
    return CheckResult.passed(name, f"export event {event['seq']} by pinned key {signer} records "
                 "this package's SHA-256 and captures and follows the last event in the package")


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
        raise PackageError("refused: the package's custody log holds malformed events") from exc
    everything = [*records, *carried]
    return [
        _problem_check("custody.chain", report, _LINK_KINDS,
                       f"{report.events} events, seq {report.first_seq}..{report.last_seq}, "
                       "no gaps, every prev_hash links"),
        _problem_check("custody.events", report, ("edited",), "every event hash recomputes"),
        _signature_check(report),
        *origins,
        _trust_check(everything, set(trusted)),
        _coverage_check(everything, records, index, data),
        _redaction_check(records, index),
        _timestamp_agreement(everything, index, data),
        _export_check(receipt, records, trusted, index, package_sha256),
    ]
