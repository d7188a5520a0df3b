"""``compare``: the content of a change report between two verified, sealed captures.

Both captures must verify first (``verify_capture``, the same checks as
``evidence verify``), with a trusted signer: a report never compares
evidence that does not hold.  The report names both manifests' SHA-256.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Sequence

from evidence_capture.diff.amounts import amounts, changed_amounts
from evidence_capture.diff.resources import resource_diff
from evidence_capture.diff.text import text_diff
from evidence_capture.diff.verdict import decide, gone_reason, product_name
from evidence_capture.diff.visual import visual_diff
from evidence_capture.errors import InputError, Msg, VerificationError
from evidence_capture.verify.runner import verify_capture

SCHEMA = "evidence-capture/diff/1"


def verified(folder: Path, *, trusted_keys: Sequence[Any], tsa_roots: Sequence[Any]) -> dict[str, Any]:
    """The capture's summary for the report; refuses one that does not verify."""
    report = verify_capture(folder, trusted_keys=trusted_keys, tsa_roots=tsa_roots)
    if not report.ok():
        failed = [c.name for c in report.checks if c.status.value == "fail"] or ["signature (untrusted)"]
        raise VerificationError("diff.capture", Msg("diff.refused", capture_id=folder.name,
                                                    failed=", ".join(failed)),
                                hint=Msg("diff.refused.hint", capture_id=folder.name))
    manifest = (folder / "manifest.json").read_bytes()
    record = json.loads(manifest)
    provenance = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    return {"capture_id": record["capture_id"], "manifest_sha256": "sha256:" + hashlib.sha256(manifest).hexdigest(),
            "requested_url": record["requested_url"], "final_url": record["final_url"],
            "http_status": provenance.get("http_status"), "state": record["state"],
            "started_at": record["started_at"], "case": record.get("case"),
            "verification": report.summary()}


def compare(a: Path, b: Path, out: Path, *, trusted_keys: Sequence[Any],
            tsa_roots: Sequence[Any]) -> dict[str, Any]:
    """Verify both, compare them, write the visual files under ``out/visual``; returns the record."""
    if a.resolve() == b.resolve():
        raise InputError(Msg("diff.same_capture"))
    first, second = (verified(f, trusted_keys=trusted_keys, tsa_roots=tsa_roots) for f in (a, b))
    text, _, new_lines = text_diff(a, b)
    prices = changed_amounts(text.hunks)
    shots = [f / "screenshot.png" for f in (a, b)]
    visual = (visual_diff(shots[0], shots[1], out / "visual").as_record()
              if all(s.is_file() for s in shots) else None)
    resources = resource_diff(a, b)
    counts = {"lines_removed": len(text.removed), "lines_added": len(text.added),
              "amounts_changed": len(prices), "visual_regions": len(visual["regions"]) if visual else 0,
              "changed_area_pct": visual["changed_area_pct"] if visual else None,
              "resources_added": len(resources["added"]), "resources_removed": len(resources["removed"]),
              "resources_changed": len(resources["changed"])}
    b_amounts = sum(len(amounts(line)) for line in new_lines)
    gone = gone_reason(first, second, product_name(a), new_lines, b_amounts)
    return {"schema": SCHEMA, "a": first, "b": second, "product": product_name(a),
            "verdict": decide(counts, gone), "text": text.as_record(), "amounts": prices,
            "visual": visual, "resources": resources}
