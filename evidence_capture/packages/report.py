"""A package verification report: the ``verify`` report plus what import needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Collection

from evidence_capture.verify.checks import CheckResult, CheckStatus, VerifyReport


def prefixed(result: CheckResult, prefix: str) -> CheckResult:
    return CheckResult(prefix + result.name, result.status, result.msg or result.reason)  # type: ignore[arg-type]


@dataclass(frozen=True)
class PackageReport:
    report: VerifyReport  # kind "package": bag, index, every capture, custody
    sha256: str
    captures: tuple[str, ...]
    index: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def package(self) -> str:
        return self.report.target

    @property
    def checks(self) -> tuple[CheckResult, ...]:
        return self.report.checks

    @property
    def strict(self) -> bool:
        return self.report.strict

    def ok(self, strict: bool | None = None) -> bool:
        return self.report.ok(strict)

    def summary(self) -> dict[str, int]:
        return self.report.summary()

    def blocking(self, *, allow_not_checked: Collection[str] = ()) -> list[CheckResult]:
        """What stops an import: any FAIL, and any NOT_CHECKED not explicitly allowed."""
        return [c for c in self.checks if c.status is CheckStatus.FAIL or (
            c.status is CheckStatus.NOT_CHECKED and c.name not in allow_not_checked)]

    def as_record(self) -> dict[str, Any]:
        return {**self.report.as_record(), "package_sha256": self.sha256,
                "captures": list(self.captures)}
