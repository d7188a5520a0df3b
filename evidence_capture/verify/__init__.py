"""Offline verification: named checks, each pass / fail / not-checked, over a capture folder."""
