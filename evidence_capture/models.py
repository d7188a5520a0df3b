"""Small shared value types: officers, cases, capture states, digests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from evidence_capture.errors import InputError, Msg

_CERT_RE = re.compile(r"[A-Za-z0-9\-_/]{2,64}")


class CaptureState(str, Enum):
    COMPLETE = "COMPLETE"
    PARTIAL = "PARTIAL"
    FAILED = "FAILED"


@dataclass(frozen=True)
class Officer:
    """An enforcement officer: name and enforcement-certificate number (执法证号)."""

    name: str
    cert_no: str

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InputError(Msg("officer.empty"))
        if not _CERT_RE.fullmatch(self.cert_no):
            raise InputError(Msg("officer.cert_no", value=repr(self.cert_no)), hint=Msg("officer.cert_no.hint"))

    @classmethod
    def parse(cls, text: str) -> "Officer":
        name, sep, cert = text.rpartition(":")
        if not sep:
            raise InputError(Msg("officer.format", value=repr(text)))
        return cls(name=name.strip(), cert_no=cert.strip())

    def as_record(self) -> dict[str, str]:
        return {"name": self.name, "cert_no": self.cert_no}


# Case numbers as officers write them, e.g. 沪市监处〔2026〕12号 or SH-2026-001: CJK,
# ASCII letters and digits, and - _ . 〔 〕 【 】 ( ) （ ）.  Never a path separator,
# "..", whitespace or a control character, so a case id is always one safe
# path component (export names its package folder after it).
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CASE_ID_MAX = 64
CAPTURE_ID = re.compile(r"[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}")  # always .fullmatch
CASE_ID = re.compile(
    rf"[A-Za-z0-9{_CJK}〔【(（][A-Za-z0-9{_CJK}\-_.〔〕【】()（）]{{0,{CASE_ID_MAX - 1}}}")


def check_case_id(case_id: str) -> str:
    """``case_id`` if it is a valid case id, else InputError saying what is allowed."""
    if not isinstance(case_id, str) or not CASE_ID.fullmatch(case_id) or ".." in case_id:
        raise InputError(Msg("case.invalid_id", value=repr(case_id)), hint=Msg("case.invalid_id.hint", max=CASE_ID_MAX))
    return case_id


@dataclass(frozen=True)
class CaseInfo:
    case_id: str
    title: str = ""
    subject: str = ""
    purpose: str = ""

    def __post_init__(self) -> None:
        check_case_id(self.case_id)

    def as_record(self) -> dict[str, str]:
        return {
            "case_id": self.case_id,
            "title": self.title,
            "subject": self.subject,
            "purpose": self.purpose,
        }


def format_digest(algorithm: str, hex_value: str) -> str:
    """Digests print as ``sha256:<hex>`` / ``sm3:<hex>``."""
    return f"{algorithm}:{hex_value}"
