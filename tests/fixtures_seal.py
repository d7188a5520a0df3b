"""Station-key fixtures for the sealing and verification tests."""

from __future__ import annotations

import pytest

from evidence_capture.config import load_settings
from evidence_capture.manifests.keys import StationKey

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def station_key(evidence_home, monkeypatch: pytest.MonkeyPatch) -> StationKey:
    """The local station key, created in the isolated EVIDENCE_HOME."""
    monkeypatch.setenv("EVIDENCE_KEY_PASSPHRASE", PASSPHRASE)
    return StationKey.create(load_settings().keys_dir, PASSPHRASE)


@pytest.fixture
def other_key(tmp_path) -> StationKey:
    """A second, untrusted key: an attacker's or another station's."""
    return StationKey.create(tmp_path / "other-keys", "another passphrase")
