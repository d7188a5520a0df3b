"""RFC 3161 timestamps: request (rfc3161ng), strict verification
(rfc3161-client plus our own checks) and a development TSA (OpenSSL).

The names below are loaded on first use (PEP 562), so that verifying a token does not
import the request client (rfc3161ng, requests) nor the development TSA."""

from __future__ import annotations

from evidence_capture.lazy import lazy_names

_WHERE = {
    "request_timestamp": "client",
    "DEV_TSA_LABEL": "devtsa", "DevTSA": "devtsa", "is_dev_tsa_certificate": "devtsa",
    "is_dev_tsa_name": "devtsa",
    "TOKEN_CHECKS": "models", "TimestampExchange": "models", "TokenInfo": "models",
    "token_check_states": "models",
    "load_tsa_roots": "bundles", "verify_token": "verify",
}

__all__ = sorted(_WHERE)
__getattr__ = lazy_names(globals(), _WHERE)
