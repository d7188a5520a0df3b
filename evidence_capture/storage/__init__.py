"""The chain-of-custody store: cases, captures, artifacts, timestamps, custody events."""

from evidence_capture.storage.chain import ChainReport, StationSigner
from evidence_capture.storage.custody import Actor, NewEvent
from evidence_capture.storage.store import Store
from evidence_capture.storage.views import ArtifactRecord, CaptureSummary, CaseSummary

__all__ = [
    "Actor", "ArtifactRecord", "CaptureSummary", "CaseSummary", "ChainReport", "NewEvent",
    "StationSigner", "Store",
]
