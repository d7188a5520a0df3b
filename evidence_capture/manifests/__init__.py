"""Sealing: SHA-256+SM3 hashing, the manifest model, RFC 8785 canonical bytes,
the Ed25519 station key and ``seal_capture``."""
