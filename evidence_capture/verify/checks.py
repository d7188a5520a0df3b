"""Check results and the verification report.

A check has four states.  NOT_CHECKED is never reported as PASS; in strict
mode it counts as a failure.  NOT_APPLICABLE is a check that has nothing to
apply to (no HTTP Date in a page that never loaded): never a failure, even in
strict mode.  A reason is a catalog ``Msg`` (or, until converted, an English
string); ``reason`` is always its English text and ``as_record()`` adds
``key`` and ``params`` for a ``Msg``.  Whatever the mode, a report is only a
success when every manifest signature (and a package's index signature) was
verified with a trusted key.  A report with no checks at all is
refused: an empty verification must not look like a successful one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from evidence_capture.errors import EvidenceError, Message, Msg


class CheckStatus(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    NOT_CHECKED = "not-checked"
    NOT_APPLICABLE = "not-applicable"


def error_reason(exc: EvidenceError) -> Message:
    """An error's message as a check reason: its catalog ``Msg`` (the English text only if it has none)."""
    return exc.msg if exc.msg is not None else exc.message


@dataclass(frozen=True)
class CheckResult:
    """``CheckResult.failed("signature", Msg("verify.gentime.no_token"))``; ``msg`` keeps the key."""

    name: str
    status: CheckStatus
    reason: str
    msg: Msg | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        reason: Any = self.reason
        if isinstance(reason, Msg):
            object.__setattr__(self, "msg", reason)
            reason = str(reason)
        if not self.name or not reason:
            raise ValueError("a check needs a name and a one-line reason")
        object.__setattr__(self, "reason", " ".join(str(reason).split()))

    @classmethod
    def passed(cls, name: str, reason: Message) -> "CheckResult":
        return cls(name, CheckStatus.PASS, reason)  # type: ignore[arg-type]

    @classmethod
    def failed(cls, name: str, reason: Message) -> "CheckResult":
        return cls(name, CheckStatus.FAIL, reason)  # type: ignore[arg-type]

    @classmethod
    def not_checked(cls, name: str, reason: Message) -> "CheckResult":
        return cls(name, CheckStatus.NOT_CHECKED, reason)  # type: ignore[arg-type]

    @classmethod
    def not_applicable(cls, name: str, reason: Message) -> "CheckResult":
        return cls(name, CheckStatus.NOT_APPLICABLE, reason)  # type: ignore[arg-type]

    def counts_as_failure(self, strict: bool) -> bool:
        return self.status is CheckStatus.FAIL or (strict and self.status is CheckStatus.NOT_CHECKED)

    def as_record(self) -> dict[str, Any]:
        record: dict[str, Any] = {"name": self.name, "status": self.status.value, "reason": self.reason}
        if self.msg is not None:
            record.update(self.msg.as_record())
        return record


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
                "result": "pass" if self.ok() else "fail",
                "summary": self.summary(), "checks": [check.as_record() for check in self.checks]}
