"""Lines for captures, seals, verification reports and stand-alone timestamp checks."""

from __future__ import annotations

from typing import Any

from evidence_capture.ui.text import Err, Text, pad

_INDENT = " " * 9
# What a failed navigation's Chromium error means for the officer (catalog: i18n_tls.py).
_NAVIGATION_HINTS = (
    (("ERR_NAME_NOT_RESOLVED", "ERR_NAME_RESOLUTION_FAILED"), "tls.hint.dns"),
    (("ERR_CONNECTION_REFUSED", "ERR_CONNECTION_TIMED_OUT", "ERR_CONNECTION_RESET",
      "ERR_ADDRESS_UNREACHABLE", "ERR_INTERNET_DISCONNECTED", "ERR_TIMED_OUT",
      "ERR_CONNECTION_CLOSED"), "tls.hint.unreachable"),
    (("ERR_CERT_", "certificate of"), "tls.hint.cert"),
)


def navigation_hint(step: Any) -> str | None:
    """The catalog key of the hint for a failed navigate step, if its error is a known one."""
    if step.name != "navigate":
        return None
    return next((key for marks, key in _NAVIGATION_HINTS
                 if any(mark in step.detail for mark in marks)), None)


def capture_lines(tx: Text, outcome: Any) -> list[str]:
    """One captured URL: state, folder, manifest, failed steps, timestamps, warnings."""
    result, sealed = outcome.capture, outcome.seal
    lines = [f"{pad(tx.label('state', result.state.value), 8)} {result.capture_id}  {result.requested_url}",
             tx.t("cli.capture.folder", path=result.folder),
             tx.t("cli.capture.manifest", digest=sealed.manifest_sha256,
                  state=tx.label("seal.state", sealed.state))]
    for step in result.failed_steps:
        lines.append(tx.t("cli.capture.step", name=tx.label("step", step.name),
                          outcome=tx.label("step.outcome", step.outcome),
                          detail=tx.render(step.message or step.detail)))
        hint = navigation_hint(step)
        if hint is not None:
            lines.append(tx.labelled("cli.hint", tx.t(hint)))
    for item in sealed.timestamps:
        if item.granted:
            lines.append(tx.t("cli.capture.ts_granted", n=item.number, gen_time=item.gen_time, url=item.url))
        else:
            lines.append(tx.t("cli.capture.ts_failed", n=item.number, error=tx.render(item.error_message()),
                              url=item.url))
    lines += [tx.labelled("cli.warning", warning) for warning in result.warnings]
    return [lines[0]] + [_INDENT + line for line in lines[1:]]


def hint_lines(tx: Text, outcomes: list[Any]) -> list[str]:
    """Beside ``--json``: each failed navigation's hint, for stderr (the JSON records carry none)."""
    lines = []
    for outcome in outcomes:
        keys = [navigation_hint(step) for step in outcome.capture.failed_steps]
        lines += [Err(tx.labelled("cli.hint", tx.t("cli.labelled", label=outcome.capture.capture_id,
                                                     text=tx.t(key)))) for key in keys if key]
    return lines


def dev_tsa_warning(tx: Text, seals: list[Any]) -> list[str]:
    """One development-TSA warning (for stderr) if any of the seals used such a TSA."""
    return [tx.warning(tx.t("cli.dev_tsa.warning"))] if any(s.dev_tsa_warning for s in seals) else []


def seal_lines(tx: Text, result: Any) -> list[str]:
    """A sealed (or re-timestamped) capture: state, manifest, signer, each TSA's answer."""
    lines: list[str] = [
        tx.t("cli.seal.state", capture_id=result.capture_id, state=tx.label("seal.state", result.state)),
        tx.t("cli.seal.manifest", digest=result.manifest_sha256),
        tx.t("cli.seal.signer", fingerprint=result.fingerprint),
    ] + dev_tsa_warning(tx, [result])
    for item in result.timestamps:
        if item.granted:
            lines.append(tx.t("cli.seal.ts_granted", n=item.number, tsa=item.tsa_name, gen_time=item.gen_time,
                              url=item.url))
        else:
            lines.append(tx.t("cli.seal.ts_failed", n=item.number, url=item.url,
                              error=tx.render(item.error_message())))
    if not result.timestamps:
        lines.append(tx.t("cli.seal.no_tsa"))
    return lines


def verify_lines(tx: Text, report: Any) -> list[str]:
    """One line per check (status, name, reason), then the verdict and the counts."""
    width = max(len(check.name) for check in report.checks)
    lines = [f"{pad(tx.t(f'cli.status.{check.status.value}'), 11)} {check.name.ljust(width)}  {tx.reason(check)}"
             for check in report.checks]
    counts = report.summary()
    verdict = tx.t("cli.verify.verified" if report.ok() else "cli.verify.not_verified")
    if report.signer_untrusted():
        verdict += tx.t("cli.verify.signer_untrusted")
    lines.append(tx.t("cli.verify.counts", verdict=verdict, passed=counts["pass"], failed=counts["fail"],
                      unchecked=counts["not-checked"])
                 + (tx.t("cli.verify.not_applicable", n=counts["not-applicable"]) if counts["not-applicable"] else "")
                 + (tx.t("cli.verify.strict") if report.strict else ""))
    return lines


def token_lines(tx: Text, check: Any) -> list[str]:
    """A stand-alone token check: the result, each check's state, then the token or the failure."""
    from evidence_capture.timeutil import iso_beijing, iso_utc

    failure, info = check.failure, check.info
    lines = [tx.t("cli.token.result", status=tx.t("cli.status.fail" if failure else "cli.status.pass"))]
    lines += [f"  {pad(tx.t(f'cli.status.{state}'), 11)} {name}" for name, state in check.states.items()]
    if failure is not None:
        return lines + [tx.t("cli.token.failed", text=tx.diagnostics(failure))]
    nonce = info.nonce if info.nonce is not None else tx.t("cli.token.no_nonce")
    return lines + [tx.t("cli.token.info", tsa=info.tsa_name, utc=iso_utc(info.gen_time),
                         beijing=iso_beijing(info.gen_time), policy=info.policy_oid, serial=info.serial,
                         imprint=info.message_imprint, nonce=nonce, signer=info.signer_fingerprint,
                         algorithm=info.signature_algorithm)]


def token_warnings(tx: Text, check: Any) -> list[Err]:
    return [tx.warning(tx.t("cli.token.dev", label=tx.t("cli.dev_tsa.label")))] if check.development else []
