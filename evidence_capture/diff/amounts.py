"""Prices and other amounts in changed lines, shown old → new.

An amount is a number with a currency mark (``¥`` ``￥`` before, ``元``
after) or a plain decimal (``12.50``); thousands separators are allowed.
Within a changed hunk the amounts of the old and new lines are paired in
order; a line that only lost or only gained amounts gives old → none or
none → new.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from itertools import zip_longest
from typing import Any, Iterable

AMOUNT = re.compile(r"(?:[¥￥]\s*(?P<a>\d[\d,]*(?:\.\d+)?))"
                    r"|(?:(?P<b>\d[\d,]*(?:\.\d+)?)\s*元)"
                    r"|(?<![\d.,])(?P<c>\d[\d,]*\.\d{1,2})(?![\d.])")


def amounts(line: str) -> list[dict[str, Any]]:
    """Every amount in a line: its text and value (a decimal string)."""
    found = []
    for match in AMOUNT.finditer(line):
        number = match.group("a") or match.group("b") or match.group("c")
        try:
            value = Decimal(number.replace(",", ""))
        except InvalidOperation:
            continue
        found.append({"text": match.group().strip(), "value": str(value)})
    return found


def _in(lines: Iterable[str]) -> list[dict[str, Any]]:
    return [{**amount, "line": line} for line in lines for amount in amounts(line)]


def changed_amounts(hunks: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``{"old", "new", "old_line", "new_line"}`` per amount that changed (None when absent)."""
    changes = []
    for hunk in hunks:
        for old, new in zip_longest(_in(hunk["old"]), _in(hunk["new"])):
            if old and new and old["value"] == new["value"]:
                continue
            changes.append({"old": old and old["text"], "new": new and new["text"],
                            "old_value": old and old["value"], "new_value": new and new["value"],
                            "old_line": old and old["line"], "new_line": new and new["line"]})
    return changes
