"""Check results and the verification report.

A check has exactly three states.  NOT_CHECKED is never reported as PASS;
in strict mode it counts as a failure.  Whatever the mode, a report is only a
success when every manifest signature (and a package's index signature) was
verified with a trusted key.  A report with no checks at all is
refused: an empty verification must not look like a successful one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from evidence_capture.errors import one_line  # noqa: F401 - re-exported for check modules


class CheckStatus(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    NOT_CHECKED = "not-checked"


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: CheckStatus
    reason: str

    def __post_init__(self) -> None:
        if not self.name or not self.reason:
            raise ValueError("a check needs a name and a one-line reason")
        object.__setattr__(self, "reason", " ".join(self.reason.split()))

    @classmethod
    def passed(cls, name: str, reason: str) -> "CheckResult":
        return cls(name, CheckStatus.PASS, reason)

    @classmethod
    def failed(cls, name: str, reason: str) -> "CheckResult":
        return cls(name, CheckStatus.FAIL, reason)

    @classmethod
    def not_checked(cls, name: str, reason: str) -> "CheckResult":
        return cls(name, CheckStatus.NOT_CHECKED, reason)

    def counts_as_failure(self, strict: bool) -> bool:
        return self.status is CheckStatus.FAIL or (strict and self.status is CheckStatus.NOT_CHECKED)

    def as_record(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status.value, "reason": self.reason}


@dataclass(frozen=True)
class VerifyReport:
    target: str
    kind: str  # "capture" (and later "package")
    checks: tuple[CheckResult, ...]
    strict: bool = False

    def __post_init__(self) -> None:
        if not self.checks:
            raise ValueError("a verification report without checks proves nothing")
        names = [check.name for check in self.checks]
        if len(set(names)) != len(names):
            raise ValueError("check names must be unique")

    def signature_checks(self) -> tuple[CheckResult, ...]:
        """The manifest signature check of the capture, or of every capture in a package and
        the station's signature over the package index."""
        return tuple(c for c in self.checks if c.name in ("signature", "index.signature")
                     or c.name.endswith("].signature"))

    def signer_untrusted(self) -> bool:
        """True when no signature was verified with a trusted key (nothing pinned, or the wrong key)."""
        signatures = self.signature_checks()
        return not signatures or any(c.status is CheckStatus.NOT_CHECKED for c in signatures)

    def ok(self, strict: bool | None = None) -> bool:
        """No failure (in strict mode: nothing unchecked) AND every signature verified by a trusted key.

        Whatever the mode, a run in which the signer's key was not trusted is never a success.
        """
        strict = self.strict if strict is None else strict
        signatures = self.signature_checks()
        return (bool(signatures) and all(c.status is CheckStatus.PASS for c in signatures)
                and not any(check.counts_as_failure(strict) for check in self.checks))

    def get(self, name: str) -> CheckResult:
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(name)

    def with_status(self, status: CheckStatus) -> tuple[CheckResult, ...]:
        return tuple(check for check in self.checks if check.status is status)

    def summary(self) -> dict[str, int]:
        return {status.value: len(self.with_status(status)) for status in CheckStatus}

    def as_record(self) -> dict[str, Any]:
        return {"target": self.target, "kind": self.kind, "strict": self.strict, "ok": self.ok(),
                "summary": self.summary(), "checks": [check.as_record() for check in self.checks]}
