"""RFC 8785 (JSON Canonicalization Scheme) bytes, via the ``rfc8785`` package.

The canonical bytes are exactly what is hashed, signed and timestamped.
Integers outside the IEEE 754 safe range (|n| > 2^53 - 1) cannot be
represented faithfully by every JSON reader, so they are written as strings.
"""

from __future__ import annotations

import json
import math
from typing import Any

import rfc8785

from evidence_capture.errors import InputError, Msg

SAFE_INT_MAX = 2**53 - 1


def prepare(value: Any) -> Any:
    """A JSON-ready copy: big integers as strings, tuples as lists, keys checked."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value) if abs(value) > SAFE_INT_MAX else value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(Msg("canonical.non_finite", value=repr(value)))
        return value
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise InputError(Msg("canonical.keys"))
        return {key: prepare(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [prepare(item) for item in value]
    raise InputError(Msg("canonical.type", kind=type(value).__name__))


def canonical_bytes(obj: Any) -> bytes:
    """RFC 8785 canonical UTF-8 bytes of ``obj``."""
    try:
        return rfc8785.dumps(prepare(obj))
    except rfc8785.CanonicalizationError as exc:
        raise InputError(Msg("canonical.failed")) from exc


def parse_canonical(data: bytes) -> Any:
    """Parse JSON bytes and require them to be in RFC 8785 canonical form."""
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(Msg("canonical.not_json")) from exc
    if canonical_bytes(obj) != data:
        raise InputError(Msg("canonical.not_canonical"))
    return obj
