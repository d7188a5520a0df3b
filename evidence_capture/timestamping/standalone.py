"""``evidence timestamp verify``: check one RFC 3161 token against a file or digest.

Every check runs and is reported as pass, fail or not-checked (the nonce is
not checked unless it is given).  Error messages come from the caller's
message catalog ``t`` (the CLI's language).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from cryptography import x509

from evidence_capture.errors import EvidenceError, InputError, Msg, NotFoundError, VerificationError, cause_msg

Translate = Callable[..., str]


@dataclass(frozen=True)
class TokenCheck:
    """The result: each check's state, and the token's facts or the failure."""

    token: Path
    states: dict[str, str]
    info: Any  # TokenInfo | None
    failure: VerificationError | None
    development: bool

    def as_record(self) -> dict[str, Any]:
        failure, info = self.failure, self.info
        return {"result": "fail" if failure else "pass", "token": str(self.token), "checks": self.states,
                "failed_check": failure.check if failure else None,
                "message": failure.message if failure else None,
                "key": failure.key if failure else None, "params": failure.params if failure else None,
                "hint": failure.hint if failure else None,
                "hint_key": failure.hint_msg.key if failure and failure.hint_msg else None,
                "development_tsa": self.development, "info": info.as_record() if info else None}


def open_error(path: Path, what: str, exc: OSError, t: Translate) -> EvidenceError:
    """A missing file is NotFoundError; an unreadable one is InputError."""
    label = Msg(f"cli.file.{what}")
    if isinstance(exc, FileNotFoundError):
        return NotFoundError(Msg("cli.file.missing", what=label, path=path))
    reason = cause_msg(exc) or Msg("cause.os", errno=type(exc).__name__)
    return InputError(Msg("cli.file.unreadable", what=label, path=path, reason=reason))


_DIGEST_SIZES = {"sha256": 32, "sha384": 48, "sha512": 64, "sm3": 32}


def expected_digest(file: Optional[Path], digest: Optional[str], token_hash: str,
                    t: Translate) -> tuple[bytes, str]:
    """(digest, algorithm) the token must carry: ``file`` hashed with the token's own
    imprint algorithm, or ``digest`` as ``ALG:HEX`` (bare hex means SHA-256)."""
    if (file is None) == (digest is None):
        raise InputError(Msg("cli.token.one_of"))
    if file is not None:
        try:
            with file.open("rb") as handle:
                return hashlib.file_digest(handle, token_hash).digest(), token_hash
        except OSError as exc:
            raise open_error(file, "file", exc, t) from exc
    text = (digest or "").strip().lower()
    name, _, hex_text = text.rpartition(":")
    name = name or "sha256"
    try:
        value = bytes.fromhex(hex_text)
    except ValueError:
        value = b""
    if _DIGEST_SIZES.get(name) != len(value):
        raise InputError(Msg("cli.token.bad_digest", value=repr(digest)))
    return value, name


def _verify(path: Path, data: bytes, expected: tuple[bytes, str] | None, nonce: Optional[int],
            roots: Sequence[x509.Certificate], untrusted: Sequence[x509.Certificate],
            ) -> tuple[Any, VerificationError | None]:
    """(TokenInfo, None) or (None, VerificationError)."""
    from evidence_capture.timestamping.verify import verify_token

    if expected is None:
        return None, None
    try:
        return verify_token(data, digest=expected[0], nonce=nonce, roots=roots, hash_name=expected[1],
                            untrusted=untrusted), None
    except VerificationError as exc:
        return None, exc


def _as_response(path: Path, data: bytes) -> tuple[bytes, VerificationError | None]:
    from evidence_capture.timestamping.tokens import ParseError, as_timestamp_response

    try:
        return as_timestamp_response(data), None
    except ValueError as exc:  # neither a response nor a token
        detail = exc.msg if isinstance(exc, ParseError) else Msg("token.unparseable")
        return data, VerificationError("tsa.format", Msg("tsa.reason.not_token", path=str(path), detail=detail))


def _token_hash(data: bytes) -> tuple[str, VerificationError | None]:
    from evidence_capture.timestamping.verify import imprint_algorithm

    try:
        return imprint_algorithm(data), None
    except VerificationError as exc:
        return "sha256", exc


def check_token_file(token: Path, *, file: Optional[Path], digest: Optional[str], ca: Path,
                     nonce: Optional[int], t: Translate, untrusted: Optional[Path] = None) -> TokenCheck:
    """Read and check ``token`` (a .tsr or a bare token) against the anchors in ``ca``,
    with extra certificates from ``untrusted`` (for tokens that carry none)."""
    from evidence_capture.timestamping.devtsa import is_dev_tsa_name
    from evidence_capture.timestamping.models import token_check_states
    from evidence_capture.timestamping.verify import load_tsa_roots

    roots = load_tsa_roots(ca)
    extra = load_tsa_roots(untrusted) if untrusted else []
    try:
        data = token.read_bytes()
    except OSError as exc:
        raise open_error(token, "token", exc, t) from exc
    data, failure = _as_response(token, data)
    token_hash, unreadable = _token_hash(data) if failure is None else ("sha256", None)
    failure = failure or unreadable
    expected = expected_digest(file, digest, token_hash, t)
    info = None
    if failure is None:
        info, failure = _verify(token, data, expected, nonce, roots, extra)
    states = token_check_states(failure.check if failure else None, nonce_checked=nonce is not None)
    development = info is not None and is_dev_tsa_name(info.tsa_name)
    return TokenCheck(token, states, info, failure, development)
