"""Check results of a package verification: PASS, FAIL or NOT_CHECKED, never blurred."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PASS, FAIL, NOT_CHECKED = "PASS", "FAIL", "NOT_CHECKED"


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    reason: str = ""

    def __post_init__(self) -> None:
        if self.status not in (PASS, FAIL, NOT_CHECKED):
            raise ValueError(f"unknown check status {self.status!r}")

    @classmethod
    def adopt(cls, result: Any, prefix: str) -> "Check":
        """Convert a ``verify.CheckResult`` (status may be an enum) under ``prefix``."""
        status = getattr(result.status, "value", result.status)
        return cls(f"{prefix}{result.name}", str(status).upper(), str(result.reason or ""))

    def as_record(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status, "reason": self.reason}


@dataclass(frozen=True)
class PackageReport:
    package: str
    sha256: str
    strict: bool
    captures: tuple[str, ...]
    checks: tuple[Check, ...]
    index: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def failures(self, *, allow_not_checked: frozenset[str] = frozenset()) -> list[Check]:
        """Checks that stop acceptance: FAIL, and NOT_CHECKED in strict mode."""
        return [c for c in self.checks if c.status == FAIL or (
            self.strict and c.status == NOT_CHECKED and c.name not in allow_not_checked)]

    @property
    def ok(self) -> bool:
        return not self.failures()

    @property
    def verdict(self) -> str:
        if any(c.status == FAIL for c in self.checks):
            return FAIL
        if any(c.status == NOT_CHECKED for c in self.checks):
            return FAIL if self.strict else NOT_CHECKED
        return PASS

    def as_record(self) -> dict[str, Any]:
        return {"package": self.package, "sha256": self.sha256, "strict": self.strict,
                "verdict": self.verdict, "ok": self.ok, "captures": list(self.captures),
                "checks": [c.as_record() for c in self.checks]}
