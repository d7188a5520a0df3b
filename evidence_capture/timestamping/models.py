"""Value types of the timestamping domain: what a TSA exchange produced and
what a verified token says."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from evidence_capture.timeutil import iso_utc, require_aware

# The names of the checks ``verify_token`` runs, in the order it runs them.
# ``VerificationError.check`` is always one of these.
CHECK_FORMAT = "tsa.format"  # the bytes are a TimeStampResp carrying a SignedData token
CHECK_STATUS = "tsa.status"
CHECK_ALGORITHM = "tsa.algorithm"
CHECK_IMPRINT = "tsa.imprint"
CHECK_NONCE = "tsa.nonce"
CHECK_SIGNATURE = "tsa.signature"
CHECK_ESS_CERT_ID = "tsa.ess_cert_id"
CHECK_EKU = "tsa.eku"
CHECK_CHAIN = "tsa.chain"

TOKEN_CHECKS: tuple[str, ...] = (
    CHECK_FORMAT,
    CHECK_STATUS,
    CHECK_ALGORITHM,
    CHECK_IMPRINT,
    CHECK_NONCE,
    CHECK_SIGNATURE,
    CHECK_ESS_CERT_ID,
    CHECK_EKU,
    CHECK_CHAIN,
)

PASS, FAIL, NOT_CHECKED = "pass", "fail", "not-checked"


def token_check_states(failed: str | None, *, nonce_checked: bool) -> dict[str, str]:
    """Pass / fail / not-checked per check, from where ``verify_token`` stopped.

    ``verify_token`` runs the checks in ``TOKEN_CHECKS`` order and stops at the
    first failure, so later checks are not-checked, never pass.  Without an
    expected nonce the nonce check is not-checked even when the token passes.
    """
    if failed is not None and failed not in TOKEN_CHECKS:
        raise ValueError(f"unknown check {failed!r}")
    states: dict[str, str] = {}
    state = PASS
    for check in TOKEN_CHECKS:
        if check == failed:
            states[check], state = FAIL, NOT_CHECKED
        else:
            states[check] = state
    if not nonce_checked and states[CHECK_NONCE] == PASS:
        states[CHECK_NONCE] = NOT_CHECKED
    return states


@dataclass(frozen=True)
class TimestampExchange:
    """One request sent to a TSA and the reply it gave (not yet verified)."""

    url: str
    tsq: bytes
    tsr: bytes
    nonce: int

    def __post_init__(self) -> None:
        if not self.tsq or not self.tsr:
            raise ValueError("a timestamp exchange needs both the request and the reply")


@dataclass(frozen=True)
class TokenInfo:
    """What a fully verified RFC 3161 token states."""

    tsa_name: str
    policy_oid: str
    serial: int
    gen_time: datetime
    hash_algorithm: str
    message_imprint: str  # "<hash>:<hex>"
    nonce: int | None
    signer_fingerprint: str  # "sha256:<hex of the signer certificate DER>"
    signature_algorithm: str
    chain_pems: tuple[str, ...]  # signer first, trusted root last

    def __post_init__(self) -> None:
        object.__setattr__(self, "gen_time", require_aware(self.gen_time))

    def as_record(self) -> dict[str, object]:
        return {
            "tsa_name": self.tsa_name,
            "policy_oid": self.policy_oid,
            # Serials and nonces are often above 2^53: strings keep them exact in JSON.
            "serial": str(self.serial),
            "gen_time": iso_utc(self.gen_time),
            "hash_algorithm": self.hash_algorithm,
            "message_imprint": self.message_imprint,
            "nonce": None if self.nonce is None else str(self.nonce),
            "signer_fingerprint": self.signer_fingerprint,
            "signature_algorithm": self.signature_algorithm,
            "chain_pems": list(self.chain_pems),
        }
