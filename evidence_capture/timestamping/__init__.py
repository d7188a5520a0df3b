"""RFC 3161 timestamps: request (rfc3161ng), strict verification
(rfc3161-client plus our own checks) and a development TSA (OpenSSL)."""

from evidence_capture.timestamping.client import request_timestamp
from evidence_capture.timestamping.devtsa import DEV_TSA_LABEL, DevTSA, is_dev_tsa_certificate, is_dev_tsa_name
from evidence_capture.timestamping.models import TOKEN_CHECKS, TimestampExchange, TokenInfo, token_check_states
from evidence_capture.timestamping.verify import load_tsa_roots, verify_token

__all__ = [
    "DEV_TSA_LABEL",
    "DevTSA",
    "TOKEN_CHECKS",
    "TimestampExchange",
    "TokenInfo",
    "is_dev_tsa_certificate",
    "is_dev_tsa_name",
    "load_tsa_roots",
    "request_timestamp",
    "token_check_states",
    "verify_token",
]
