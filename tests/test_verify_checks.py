from __future__ import annotations

import pytest

from evidence_capture.verify.checks import CheckResult, CheckStatus, VerifyReport


def _report(*checks: CheckResult, strict: bool = False) -> VerifyReport:
    return VerifyReport("x", "capture", checks, strict)


def test_not_checked_is_never_a_pass_under_strict() -> None:
    report = _report(CheckResult.passed("a", "ok"), CheckResult.not_checked("b", "no roots"))
    assert report.ok() and not report.ok(strict=True)
    assert not _report(*report.checks, strict=True).ok()
    assert report.summary() == {"pass": 1, "fail": 0, "not-checked": 1}


def test_any_failure_fails() -> None:
    assert not _report(CheckResult.passed("a", "ok"), CheckResult.failed("b", "bad")).ok()


def test_empty_report_is_refused() -> None:
    with pytest.raises(ValueError):
        _report()


def test_duplicate_names_and_empty_reasons_are_refused() -> None:
    with pytest.raises(ValueError):
        _report(CheckResult.passed("a", "ok"), CheckResult.failed("a", "bad"))
    with pytest.raises(ValueError):
        CheckResult.passed("a", "")


def test_reason_is_one_line_and_record_shape() -> None:
    check = CheckResult(name="a", status=CheckStatus.FAIL, reason="two\nlines")
    assert check.reason == "two lines"
    assert _report(check).as_record()["checks"] == [{"name": "a", "status": "fail", "reason": "two lines"}]
