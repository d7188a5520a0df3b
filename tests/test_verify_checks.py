from __future__ import annotations

import pytest

from evidence_capture.verify.checks import CheckResult, CheckStatus, VerifyReport


def _report(*checks: CheckResult, strict: bool = False) -> VerifyReport:
    return VerifyReport("x", "capture", checks, strict)


SIGNED = CheckResult.passed("signature", "valid Ed25519 signature by trusted key")


def test_not_checked_is_never_a_pass_under_strict() -> None:
    report = _report(SIGNED, CheckResult.not_checked("b", "no roots"))
    assert report.ok() and not report.ok(strict=True)
    assert not _report(*report.checks, strict=True).ok()
    assert report.summary() == {"pass": 1, "fail": 0, "not-checked": 1, "not-applicable": 0}


@pytest.mark.parametrize("strict", [False, True])
def test_attack_no_trusted_signature_is_never_verified(strict: bool) -> None:
    unpinned = CheckResult.not_checked("signature", "valid, but by a key that is not trusted")
    for report in (_report(unpinned, CheckResult.passed("a", "ok"), strict=strict),
                   _report(CheckResult.passed("a", "ok"), strict=strict)):
        assert not report.ok() and report.signer_untrusted()
    package = _report(CheckResult.passed("capture[x].signature", "trusted"),
                      CheckResult.not_checked("capture[y].signature", "untrusted"), strict=strict)
    assert not package.ok() and package.signer_untrusted()


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
