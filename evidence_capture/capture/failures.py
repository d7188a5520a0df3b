"""Why a capture step failed, as a catalog message (catalog: ``i18n_capture.py``).

A step raises ``StepFailed`` or ``StepTimedOut`` with a ``Msg``; a Playwright or
OS error is described by ``describe``: the Chromium network code
(``net::ERR_NAME_NOT_RESOLVED``) stays as a parameter, the rest of the raw text
is kept only as the step's technical ``error`` in provenance.json (``raw``).
"""

from __future__ import annotations

import re

from evidence_capture.errors import Msg, cause_msg

_NET_CODE = re.compile(r"net::ERR_[A-Z0-9_]+")
_CODE_KEYS = (
    (("ERR_NAME_NOT_RESOLVED", "ERR_NAME_RESOLUTION_FAILED"), "capture.cause.dns"),
    (("ERR_CONNECTION_REFUSED",), "capture.cause.refused"),
    (("ERR_CONNECTION_TIMED_OUT", "ERR_CONNECTION_RESET", "ERR_ADDRESS_UNREACHABLE",
      "ERR_INTERNET_DISCONNECTED", "ERR_TIMED_OUT", "ERR_CONNECTION_CLOSED",
      "ERR_EMPTY_RESPONSE"), "capture.cause.unreachable"),
    (("ERR_CERT_", "ERR_SSL_"), "capture.cause.cert"),
    (("ERR_BLOCKED_BY_CLIENT",), "capture.cause.blocked"),
)


class StepFailed(Exception):
    """A step could not do its job; ``msg`` says why."""

    def __init__(self, msg: Msg, *, raw: str = "") -> None:
        super().__init__(str(msg))
        self.msg, self.raw = msg, raw


class StepTimedOut(StepFailed):
    """A step ran out of its budget without a Playwright time-out."""


class ImageError(StepFailed, ValueError):
    """A screenshot that cannot be made (too large, no tiles); a ``ValueError`` for its callers."""


def raw(exc: BaseException) -> str:
    """The first line of an exception's text, for the technical record only."""
    if isinstance(exc, StepFailed):
        return exc.raw
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def net_code(text: str) -> str | None:
    """The Chromium network error code in ``text`` (``net::ERR_…``), if any."""
    found = _NET_CODE.search(text)
    return found.group(0) if found else None


def describe(exc: BaseException) -> Msg:
    """A catalog message for an exception a step let through; never its raw text."""
    if isinstance(exc, StepFailed):
        return exc.msg
    text = str(exc)
    code = net_code(text)
    if code is not None:
        key = next((k for marks, k in _CODE_KEYS if any(m in code for m in marks)),
                   "capture.cause.net")
        return Msg(key, code=code)
    if _is_timeout(exc):
        return Msg("capture.cause.timeout")
    if "has been closed" in text or "Target closed" in text:
        return Msg("capture.cause.closed")
    if isinstance(exc, OSError):
        return cause_msg(exc) or Msg("capture.cause.os")
    from playwright.sync_api import Error as PlaywrightError

    return Msg("capture.cause.browser" if isinstance(exc, PlaywrightError) else "capture.cause.internal")


def _is_timeout(exc: BaseException) -> bool:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    return isinstance(exc, (PlaywrightTimeout, TimeoutError))
