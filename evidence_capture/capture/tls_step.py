"""TLS during a capture: the engine's chain check and the chain Chromium refused.

With ``--tls-ca`` or ``--record-tls-errors`` the browser context ignores
certificate errors (``browser_ignores_cert_errors``) and ``check_main``
validates the main document's served chain with ``tls_check``; the navigate
step fails the capture when it does not validate, unless
``--record-tls-errors`` says to capture anyway (then the state is PARTIAL and
the error is a finding).  ``check_origins`` does the same for every other
HTTPS origin the page loaded from.  Without either option Chromium's own
check stands; when it refuses a certificate, ``keep_refused`` fetches the
served chain itself so that ``tls/`` keeps it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from evidence_capture.capture import failures, tls_check
from evidence_capture.capture.environment import finding as env_finding
from evidence_capture.capture.session import Session
from evidence_capture.capture.tls import pem_name, save_chains
from evidence_capture.defaults import CaptureOptions
from evidence_capture.errors import Msg
from evidence_capture.timeutil import utcnow

CHECKED_BY_ENGINE = "engine"
CHECKED_BY_CHROMIUM = "chromium"
# The verifier's error text (cryptography) -> what it means, for the reader (i18n_capture.py).
_REASONS = (("not valid at validation time", "capture.tls.err.expired"),
            ("subjectAltName", "capture.tls.err.name"),
            ("no certificate was served", "capture.tls.err.none"),
            ("signature does not match", "capture.tls.err.untrusted"),
            ("candidates exhausted", "capture.tls.err.untrusted"),
            ("issuer", "capture.tls.err.untrusted"))


def reason(error: str | None) -> Msg:
    """What a chain check's raw error means: Chromium's code, or the verifier's kind of error."""
    text = error or ""
    code = failures.net_code(text)
    if code is not None:
        return Msg("capture.cause.cert", code=code)
    return Msg(next((key for mark, key in _REASONS if mark in text), "capture.tls.err.other"))


def browser_ignores_cert_errors(options: CaptureOptions) -> bool:
    return options.ignore_https_errors or engine_checks(options)


def engine_checks(options: CaptureOptions) -> bool:
    return bool(options.tls_ca) or options.record_tls_errors


def _check_origin(s: Session, origin: str) -> dict[str, Any]:
    written, problems = save_chains(s.cdp, [origin], s.folder)
    pem = (s.folder / written[0]).read_bytes() if written else b""
    record = tls_check.check(pem, s.options.tls_ca, urlsplit(origin).hostname or "", utcnow())
    record.update(origin=origin, file=written[0] if written else None, problems=problems,
                  checked_by=CHECKED_BY_ENGINE)
    return record


def check_main(s: Session) -> dict[str, Any] | None:
    """The main document's chain, validated and recorded; None for plain HTTP or no check."""
    parts = urlsplit(s.response.url)
    if parts.scheme != "https" or not engine_checks(s.options):
        return None
    record = _check_origin(s, f"https://{parts.netloc}")
    s.facts["tls_validation"] = record
    if not record["valid"] and s.options.record_tls_errors:
        s.warnings.append(Msg("capture.warn.tls_recorded", host=parts.hostname,
                              reason=reason(record["error"])))
    return record


def check_origins(s: Session, origins: list[str]) -> list[str]:
    """Validate every other HTTPS origin's chain; returns the problems (empty when all validate)."""
    if not engine_checks(s.options):
        return []
    main = (s.facts.get("tls_validation") or {}).get("origin")
    rows = [_check_origin(s, o) for o in origins if o != main]
    s.facts["tls_origins_validation"] = rows
    return [f"{r['origin']}: certificate did not validate ({r['error']})"
            for r in rows if not r["valid"]]


def keep_refused(s: Session, error: str) -> None:
    """Chromium refused the certificate: keep the served chain anyway, as a record."""
    parts = urlsplit(s.url)
    if parts.scheme != "https" or "ERR_CERT" not in error:
        return
    address = s.dns.answers[0] if s.dns.answers else (parts.hostname or "")
    origin = f"https://{parts.netloc}"
    record: dict[str, Any] = {"origin": origin, "host": parts.hostname, "valid": False,
                              "error": error, "checked_by": CHECKED_BY_CHROMIUM, "file": None}
    try:
        pem = tls_check.fetch_served_chain(parts.hostname or "", address, parts.port or 443,
                                           timeout=s.options.budgets.certificates)
        target = s.folder / "tls" / pem_name(origin)
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(pem)
        record["file"] = target.relative_to(s.folder).as_posix()
        record["chain"] = [c.subject.rfc4514_string() for c in tls_check.pems(pem)]
    except (OSError, ValueError) as exc:
        record["problems"] = [f"the served chain could not be read: {exc}"]
    s.facts["tls_validation"] = record


def finding(s: Session) -> dict[str, object] | None:
    """The environment finding of the main document's certificate check, if there was one.

    Both languages name the kind of error (``reason``); the verifier's own text stays a
    parameter (``error``) of ``detail_msg`` and ``tls_validation.error``, for the record."""
    record = s.facts.get("tls_validation")
    if not record:
        return None
    if record["valid"]:
        detail = Msg("capture.tls.valid", host=record["host"], bundle=record["against"]["bundle"])
    else:
        detail = Msg("capture.tls.invalid", host=record["host"],
                     checked_by=Msg(f"capture.tls.by.{record['checked_by']}"),
                     error=record["error"], reason=reason(record["error"]),
                     chain="; ".join(record.get("chain") or []), file=record.get("file"))
    return env_finding("tls", record["valid"], detail)


def invalid(s: Session) -> bool:
    record = s.facts.get("tls_validation")
    return bool(record) and not record["valid"]
