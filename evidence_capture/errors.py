"""One exception hierarchy for the whole tool.

Library code raises these; only ``cli.py`` turns them into a message and an
exit code.  Third-party exceptions are converted at module boundaries with
``raise SomeError(...) from exc``.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_VERIFY_FAILED = 1
EXIT_USAGE = 2
EXIT_OPERATIONAL = 3


class EvidenceError(Exception):
    """Base class of every error this tool raises on purpose."""

    exit_code: int = EXIT_OPERATIONAL

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def diagnostics(self, *, hint_label: str = "hint", cause_label: str = "cause") -> str:
        """The text a person reads: what went wrong and, if known, what to do.

        The CLI passes translated labels; the message itself is not translated.
        """
        text = self.message
        if self.hint:
            text += f"\n  {hint_label}: {self.hint}"
        if self.__cause__ is not None and str(self.__cause__):
            text += f"\n  {cause_label}: {type(self.__cause__).__name__}: {self.__cause__}"
        return text


# --- usage and input (exit 2) -------------------------------------------------


class InputError(EvidenceError):
    """The user gave us something we cannot accept."""

    exit_code = EXIT_USAGE


class InvalidURLError(InputError):
    """A URL that is malformed or uses a scheme other than http/https."""


class ConfigError(InputError):
    """Bad configuration: environment variable, config file or option."""


class NotFoundError(InputError):
    """A capture, case, key or file that the user named does not exist."""


class PackageError(InputError):
    """A package that is hostile, corrupt or not a package at all."""


# --- operational failures (exit 3) -------------------------------------------


class CaptureError(EvidenceError):
    """The browser or a capture step failed in a way we could not absorb."""


class BrowserError(CaptureError):
    """Chromium or Playwright could not be started or driven."""


class TimestampError(EvidenceError):
    """A TSA could not be reached or answered something unusable."""


class SigningError(EvidenceError):
    """The station key could not be created, unlocked or used."""


class StorageError(EvidenceError):
    """The store or the artifact folder could not be read or written."""


# --- verification (exit 1) ----------------------------------------------------


class VerificationError(EvidenceError):
    """A check failed.  ``check`` names the check, for reports and tests."""

    exit_code = EXIT_VERIFY_FAILED

    def __init__(self, check: str, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.check = check

    def diagnostics(self, *, hint_label: str = "hint", cause_label: str = "cause") -> str:
        return f"[{self.check}] " + super().diagnostics(hint_label=hint_label, cause_label=cause_label)


class ReportError(EvidenceError):
    """The extraction record could not be built or rendered."""


def one_line(exc: BaseException | str, limit: int = 160) -> str:
    """The first line of an exception's message, cut to ``limit`` characters, for a check reason."""
    lines = str(exc).strip().splitlines()
    text = " ".join(lines[0].split()) if lines else type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"
