"""统一社会信用代码 (Unified Social Credit Code) checks after GB 32100-2015.

An 18-character code: registration-authority code (1 character),
institution-type code (1), administrative-division code (6 digits),
organisation code (9) and a check character.  The check character is
computed mod 31 over the first 17 characters with the standard weights
3^i mod 31; the alphabet is the digits and the capital letters without
I, O, Z, S and V.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Registration-authority code -> the institution-type codes it issues (GB 32100-2015, table 1).
AUTHORITY_TYPES = {
    "1": "1239", "2": "19", "3": "1234589", "4": "19", "5": "1239", "6": "129",
    "7": "1239", "8": "19", "9": "123", "A": "19", "N": "12349", "Y": "1",
}
# First two digits of GB/T 2260 division codes: provinces, plus 10 for bodies registered nationally.
PROVINCES = frozenset({"10", "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
                       "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53",
                       "54", "61", "62", "63", "64", "65", "71", "81", "82"})
# 18 characters of the alphabet, not part of a longer run of letters and digits.
CANDIDATE = re.compile(r"(?<![0-9A-Za-z])[0-9A-Za-z]{18}(?![0-9A-Za-z])")


def check_character(first17: str) -> str:
    """The check character for the first 17 characters (ValueError outside the alphabet)."""
    if len(first17) != 17:
        raise ValueError("a USCC check needs exactly 17 characters")
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


@dataclass(frozen=True)
class UsccCheck:
    code: str
    problems: tuple[str, ...]  # check names that failed: charset, check-digit, authority, division

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def check_digit_ok(self) -> bool:
        return "check-digit" not in self.problems and "charset" not in self.problems

    def as_record(self) -> dict[str, object]:
        expected = None
        if "check-digit" in self.problems:
            expected = check_character(self.code[:17])
        return {"code": self.code, "valid": self.valid, "problems": list(self.problems),
                "expected_check_character": expected,
                "authority": self.code[:1], "type": self.code[1:2], "division": self.code[2:8]}


def check_uscc(code: str) -> UsccCheck:
    """Every check on one 18-character candidate (upper-cased first)."""
    code = code.strip().upper()
    if len(code) != 18 or any(char not in ALPHABET for char in code):
        return UsccCheck(code, ("charset",))
    problems = []
    if check_character(code[:17]) != code[17]:
        problems.append("check-digit")
    if code[1] not in AUTHORITY_TYPES.get(code[0], ""):
        problems.append("authority")
    division = code[2:8]
    if not division.isdigit() or division[:2] not in PROVINCES:
        problems.append("division")
    return UsccCheck(code, tuple(problems))


def looks_like_uscc(candidate: str) -> bool:
    """Shape only: 18 characters whose division part is six digits (not yet validated)."""
    code = candidate.upper()
    return len(code) == 18 and code[2:8].isdigit() and code[0] in AUTHORITY_TYPES


def find_candidates(text: str) -> list[tuple[int, str]]:
    """(offset, code) for every 18-character run that is shaped like a USCC."""
    return [(match.start(), match.group().upper()) for match in CANDIDATE.finditer(text)
            if looks_like_uscc(match.group())]
