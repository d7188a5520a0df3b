"""One exception hierarchy for the whole tool, and catalog messages (``Msg``).

Library code raises these; only the CLI (``cli.py``, ``commands/``) turns them
into a message and an exit code.  Third-party exceptions are converted at
module boundaries with ``raise SomeError(...) from exc``.

A message for people is a catalog key and its parameters, never a finished
English sentence: ``raise NotFoundError(Msg("package.import.clash", captures=x),
hint=Msg("package.import.see_verify"))``.  The CLI and the record render it in the
reader's language; ``str(msg)``, ``exc.message`` and ``exc.hint`` are the
English rendering (for logs, tests and older callers).  A plain string is
still accepted while the code base is converted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Mapping, Sequence

EXIT_OK = 0
EXIT_VERIFY_FAILED = 1
EXIT_USAGE = 2
EXIT_OPERATIONAL = 3
EXIT_INCOMPLETE = 4  # evidence kept but not whole: a PARTIAL or timestamp-pending capture


@dataclass(frozen=True, init=False)
class Msg:
    """A catalog key and its parameters; a parameter may itself be a ``Msg``."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __init__(self, key: str, /, **params: Any) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "params", dict(params))

    def render(self, lang: str) -> str:
        from evidence_capture.i18n import message

        values = {name: render(value, lang) for name, value in self.params.items()}
        return message(self.key, lang, **values)

    def __str__(self) -> str:
        return self.render("en")

    def as_record(self) -> dict[str, Any]:
        """``{"key", "params"}`` with JSON-safe parameters (a nested ``Msg`` as its own record)."""
        return {"key": self.key, "params": {name: _json_param(value) for name, value in self.params.items()}}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> "Msg":
        params = {name: cls.from_record(value) if _is_msg_record(value) else value
                  for name, value in (record.get("params") or {}).items()}
        return cls(record["key"], **params)


Message = str | Msg


def render(value: Any, lang: str) -> str:
    """A ``Msg`` in ``lang``; anything else as ``str``."""
    return value.render(lang) if isinstance(value, Msg) else str(value)


def _json_param(value: Any) -> Any:
    if isinstance(value, Msg):
        return value.as_record()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_json_param(item) for item in value]
    return str(value)


def _is_msg_record(value: Any) -> bool:
    return isinstance(value, Mapping) and set(value) == {"key", "params"}


class EvidenceError(Exception):
    """Base class of every error this tool raises on purpose.

    ``message`` and ``hint`` are a ``Msg`` (preferred) or an English string.
    """

    exit_code: int = EXIT_OPERATIONAL

    def __init__(self, message: Message, *, hint: Message | None = None) -> None:
        super().__init__(str(message))
        self.msg = message if isinstance(message, Msg) else None
        self.hint_msg = hint if isinstance(hint, Msg) else None
        self.message = str(message)
        self.hint = None if hint is None else str(hint)
        self._raw_message, self._raw_hint = message, hint

    @property
    def key(self) -> str | None:
        return self.msg.key if self.msg else None

    @property
    def params(self) -> dict[str, Any]:
        return self.msg.as_record()["params"] if self.msg else {}

    def rendered(self, lang: str) -> tuple[str, str | None]:
        """(message, hint) in ``lang``."""
        hint = None if self._raw_hint is None else render(self._raw_hint, lang)
        return render(self._raw_message, lang), hint

    def diagnostics(self, *, hint_label: str = "hint", cause_label: str = "cause",
                    lang: str = "en") -> str:
        """The text a person reads: what went wrong and, if known, what to do.

        The cause (a third-party exception) is named only when it is a known
        kind (``cause_msg``): raw exception text never reaches the reader.
        """
        text, hint = self.rendered(lang)
        if hint:
            text += "\n  " + Msg("cli.labelled", label=hint_label, text=hint).render(lang)
        cause = cause_msg(self.__cause__)
        if cause is not None:
            text += "\n  " + Msg("cli.labelled", label=cause_label, text=cause).render(lang)
        return text

    def as_record(self, lang: str = "en") -> dict[str, Any]:
        """The ``{"error": ...}`` body of ``--json``: code, message, hint (in ``lang``), key, params."""
        text, hint = self.rendered(lang)
        return {"code": self.exit_code, "type": type(self).__name__, "message": text, "hint": hint,
                "key": self.key, "params": self.params,
                "hint_key": self.hint_msg.key if self.hint_msg else None}


_ERRNO_KEYS = {"EEXIST": "cause.exists", "ENOENT": "cause.missing", "EACCES": "cause.denied",
               "EPERM": "cause.denied", "ENOSPC": "cause.no_space", "EROFS": "cause.read_only",
               "EISDIR": "cause.is_dir", "ENOTDIR": "cause.not_dir", "ECONNREFUSED": "cause.refused",
               "ETIMEDOUT": "cause.timeout", "EHOSTUNREACH": "cause.unreachable",
               "ENETUNREACH": "cause.unreachable"}


def cause_msg(exc: BaseException | None) -> Msg | None:
    """A catalog message for a third-party exception of a known kind, else None."""
    import errno

    if exc is None or isinstance(exc, EvidenceError):
        return None
    if isinstance(exc, TimeoutError):
        return Msg("cause.timeout")
    if isinstance(exc, OSError) and exc.errno is not None:
        key = _ERRNO_KEYS.get(errno.errorcode.get(exc.errno, ""))
        if key:
            return Msg(key, path=exc.filename or "")
        return Msg("cause.os", errno=errno.errorcode.get(exc.errno, str(exc.errno)))
    return None


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

    def __init__(self, check: str, message: Message, *, hint: Message | None = None) -> None:
        super().__init__(message, hint=hint)
        self.check = check

    def diagnostics(self, *, hint_label: str = "hint", cause_label: str = "cause",
                    lang: str = "en") -> str:
        return f"[{self.check}] " + super().diagnostics(hint_label=hint_label, cause_label=cause_label,
                                                        lang=lang)

    def as_record(self, lang: str = "en") -> dict[str, Any]:
        return {**super().as_record(lang), "check": self.check}


class ReportError(EvidenceError):
    """The extraction record could not be built or rendered."""


def one_line(exc: BaseException | str, limit: int = 160) -> str:
    """The first line of an exception's message, cut to ``limit`` characters, for a check reason."""
    lines = str(exc).strip().splitlines()
    text = " ".join(lines[0].split()) if lines else type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def joined(parts: "Sequence[Message]", key: str = "text.joined") -> Message:
    """Several messages as one, separated by semicolons (``text.joined``) or commas
    (``text.comma``) in the reader's language."""
    if not parts:
        return ""
    result = parts[0]
    for part in parts[1:]:
        result = Msg(key, first=result, rest=part)
    return result
