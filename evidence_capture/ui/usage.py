"""Click's usage errors (missing argument, unknown option, bad value) as the tool's own errors.

Click builds its messages in English; ``usage_error`` reads the exception's fields instead and
returns an ``InputError`` with catalog keys, so the reader gets them in zh or en and ``--json``
gets the same ``{"error": …}`` document as every other refusal.  Exception classes are matched by
name along the MRO, so this works with click and with typer's vendored copy of it.
"""

from __future__ import annotations

import re
from typing import Any

from evidence_capture.errors import InputError, Msg

# The reasons click (or typer, from pydantic) gives for a bad value, as catalog keys.
_TYPES = re.compile(r"valid (number|float|integer|boolean)")
_TYPE_KEYS = {"number": "number", "float": "number", "integer": "integer", "boolean": "boolean"}
_BOUND = re.compile(r"(greater|less) than (or equal to )?(\S+)")
_BOUND_KEYS = {("greater", True): "min", ("greater", False): "above", ("less", True): "max",
               ("less", False): "below"}
_LISTED = re.compile(r"is not (in the range|one of) (.+?)\.?$")
_PATH = re.compile(r"(?:File|Directory|Path) (.+?) (does not exist|is a directory|is a file)")
_PATH_KEYS = {"does not exist": "missing", "is a directory": "is_dir", "is a file": "is_file"}
_NO_SUCH_COMMAND = re.compile(r"No such command '(.+?)'(?:\. Did you mean (.+)\?)?\.?$")
_EXTRA_ARGS = re.compile(r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)")


class UsageRefused(InputError):
    """A command line click could not parse (exit 2); ``usage`` is the command's usage line."""

    def __init__(self, message: Msg | str, *, hint: Msg | None = None, usage: str = "") -> None:
        super().__init__(message, hint=hint)
        self.usage = usage


def _kinds(exc: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(exc).__mro__}


def is_usage_error(exc: BaseException) -> bool:
    return "UsageError" in _kinds(exc)


def _param_name(exc: Any) -> str:
    """``'URL'``, ``'--timeout'``: the parameter as click names it in its hints."""
    hint = getattr(exc, "param_hint", None)
    if hint is None and getattr(exc, "param", None) is not None:
        try:
            hint = exc.param.get_error_hint(exc.ctx)  # click
        except TypeError:
            hint = exc.param.get_error_hint()  # typer's vendored click
    if isinstance(hint, (list, tuple)):
        hint = " / ".join(f"'{item}'" for item in hint)
    return str(hint or "")


def reason_msg(text: str) -> Msg:
    """The reason for a bad value as a catalog message; an unknown reason keeps click's text."""
    found = _TYPES.search(text)
    if found:
        return Msg(f"ui.usage.reason.{_TYPE_KEYS[found.group(1)]}")
    found = _BOUND.search(text)
    if found:
        key = _BOUND_KEYS[found.group(1), bool(found.group(2))]
        return Msg(f"ui.usage.reason.{key}", value=found.group(3))
    found = _LISTED.search(text)
    if found:
        key = "range" if found.group(1) == "in the range" else "choice"
        return Msg(f"ui.usage.reason.{key}", value=found.group(2))
    found = _PATH.search(text)
    if found:
        return Msg(f"ui.usage.reason.{_PATH_KEYS[found.group(2)]}", value=found.group(1))
    return Msg("ui.usage.reason.other", text=text)


def _message(exc: Any) -> Msg | str:
    kinds, text = _kinds(exc), str(getattr(exc, "message", "") or "")
    if "MissingParameter" in kinds:
        kind = getattr(exc, "param_type", None) or getattr(getattr(exc, "param", None), "param_type_name", "")
        kind = "option" if kind == "option" else "argument"
        return Msg(f"ui.usage.missing_{kind}", name=_param_name(exc))
    if "NoSuchOption" in kinds:
        options = ", ".join(sorted(getattr(exc, "possibilities", None) or ()))
        if options:
            return Msg("ui.usage.no_such_option.similar", name=exc.option_name, options=options)
        return Msg("ui.usage.no_such_option", name=exc.option_name)
    if "BadOptionUsage" in kinds:
        key = "ui.usage.takes_no_value" if "does not take" in text else "ui.usage.needs_value"
        return Msg(key, name=exc.option_name)
    if "BadParameter" in kinds and _param_name(exc):
        return Msg("ui.usage.bad_value", name=_param_name(exc), reason=reason_msg(text))
    found = _NO_SUCH_COMMAND.search(text)
    if found and found.group(2):
        return Msg("ui.usage.no_such_command.similar", name=found.group(1), options=found.group(2))
    if found:
        return Msg("ui.usage.no_such_command", name=found.group(1))
    found = _EXTRA_ARGS.search(text)
    if found:
        return Msg("ui.usage.extra_args", name=found.group(1))
    return Msg("ui.usage.missing_command") if text.startswith("Missing command") else text


def usage_error(exc: Any) -> UsageRefused:
    """The ``InputError`` for click's usage error ``exc``, with a hint to the command's ``--help``."""
    ctx = getattr(exc, "ctx", None)
    hint = Msg("ui.usage.hint", command=ctx.command_path) if ctx is not None else None
    return UsageRefused(_message(exc), hint=hint, usage=ctx.get_usage() if ctx is not None else "")
