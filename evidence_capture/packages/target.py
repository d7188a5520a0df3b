"""``evidence verify TARGET``: one function dispatches on the kind of target.

A capture folder or capture id goes to ``verify.verify_capture``; an exported
package (``.zip``) is verified fully offline, without any store, by
``verify_pkg.verify_package``.  This module sits above both layers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from evidence_capture.config import Settings
from evidence_capture.errors import InputError, Msg
from evidence_capture.verify.artifacts import OnFile
from evidence_capture.verify.checks import VerifyReport
from evidence_capture.verify.runner import verify_capture
from evidence_capture.verify.target import resolve_capture
from evidence_capture.verify.timing import DEFAULT_TOLERANCE_S


def verify_target(target: str, *, settings: Settings, trusted: Sequence[Ed25519PublicKey],
                  tsa_roots: Sequence[x509.Certificate], strict: bool = False,
                  tolerance: float = DEFAULT_TOLERANCE_S, on_file: OnFile | None = None) -> VerifyReport:
    path = Path(target).expanduser()
    if path.is_file():
        if path.suffix.lower() == ".zip":
            from evidence_capture.packages.verify_pkg import verify_package  # not for a capture

            return verify_package(path, trusted_keys=trusted, tsa_roots=tsa_roots,
                                  strict=strict, tolerance=tolerance).report
        raise InputError(Msg("package.target.file", target=target))
    folder = resolve_capture(target, settings)
    return verify_capture(folder, trusted_keys=trusted, tsa_roots=tsa_roots, strict=strict,
                          tolerance=tolerance, on_file=on_file)
