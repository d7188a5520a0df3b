"""Messages in one language, terminal-width padding, and lines bound for stderr."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from evidence_capture.errors import render
from evidence_capture.i18n import keys, message

_KEYS = frozenset(keys())


class Err(str):
    """A line that belongs on stderr (a warning), kept in order among stdout lines."""


def pad(text: str, width: int) -> str:
    """Left-align ``text`` in ``width`` terminal cells (CJK characters take two)."""
    cells = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(0, width - cells)


@dataclass(frozen=True)
class Text:
    """The catalog in one language (``zh`` or ``en``)."""

    lang: str

    def t(self, key: str, **values: Any) -> str:
        """A message of the catalog (a value may itself be a ``Msg``)."""
        return message(key, self.lang, **{name: render(value, self.lang) for name, value in values.items()})

    def render(self, value: Any) -> str:
        """An ``errors.Msg`` in this language; a plain string as it is."""
        return render(value, self.lang)

    def reason(self, check: Any) -> str:
        """A check's reason in this language: a ``CheckResult`` or its ``as_record()`` dict."""
        from evidence_capture.errors import Msg

        if isinstance(check, dict):
            return Msg.from_record(check).render(self.lang) if check.get("key") else str(check["reason"])
        return self.render(check.msg) if check.msg is not None else check.reason

    def label(self, prefix: str, value: str) -> str:
        """A state or other fixed value, translated when the catalog knows it."""
        key = f"{prefix}.{value}"
        return self.t(key) if key in _KEYS else value

    def labelled(self, label_key: str, text: str) -> str:
        return self.t("cli.labelled", label=self.t(label_key), text=text)

    def warning(self, text: str) -> Err:
        """A ``warning: ...`` line for stderr."""
        return Err(self.labelled("cli.warning", text))

    def diagnostics(self, exc: Any) -> str:
        """An EvidenceError's text, hint and known cause, all in this language."""
        return exc.diagnostics(hint_label=self.t("cli.hint"), cause_label=self.t("cli.cause"), lang=self.lang)
