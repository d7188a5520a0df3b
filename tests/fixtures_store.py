"""Fixtures for the store and packages: real sealed, timestamped captures in a store.

Captures are the realistic synthetic folders of ``fixtures_capture_folder``,
sealed by ``seal_capture`` with the station key of ``fixtures_seal`` and
timestamped by the local OpenSSL development TSA of ``fixtures_tsa``.
"""

from __future__ import annotations

import secrets
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Sequence

import pytest

from evidence_capture.config import load_settings
from evidence_capture.manifests.seal import TsaConfig, seal_capture
from evidence_capture.timestamping.verify import load_tsa_roots
from evidence_capture.models import CaseInfo, Officer
from evidence_capture.storage import StationSigner, Store
from evidence_capture.storage.completion import ingest_sealed_folder
from evidence_capture.timeutil import utcnow
from tests.fixtures_capture_folder import write_capture_folder


def new_capture_id() -> str:
    return utcnow().strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(4)


@pytest.fixture
def station_signer(station_key) -> StationSigner:
    return StationSigner.from_station_key(station_key)


@pytest.fixture
def store(station_signer) -> Store:
    return Store(load_settings(), signer=station_signer)


@pytest.fixture
def tsa_config(tsa_rsa, monkeypatch: pytest.MonkeyPatch) -> TsaConfig:
    """The development TSA, also named in EVIDENCE_TSA_URL / EVIDENCE_TSA_CA for the CLI."""
    monkeypatch.setenv("EVIDENCE_TSA_URL", tsa_rsa.url)
    monkeypatch.setenv("EVIDENCE_TSA_CA", str(tsa_rsa.ca_pem_path))
    return TsaConfig(urls=(tsa_rsa.url,), roots=load_tsa_roots(tsa_rsa.ca_pem_path))


def add_sealed_capture(store: Store, key, tsa: TsaConfig, case_id: str | None = None, *,
                       state: str | None = None, officers: Sequence[Officer] = ()) -> str:
    """begin → write folder → seal + timestamp → record and complete; returns the id.

    ``state`` rewrites the provenance state, as a real FAILED or PARTIAL capture would have it;
    a FAILED one also has no server answer, so no HTTP Date header in its HAR.
    """
    capture_id = new_capture_id()
    url = "https://shop.test/item/1"
    folder = store.begin_capture(capture_id, url=url, case_id=case_id, officers=officers)
    ended = utcnow() - timedelta(seconds=2)
    write_capture_folder(folder, started=ended - timedelta(seconds=10), ended=ended,
                         capture_id=capture_id, url=url)
    if state is not None:
        _set_state(folder, state)
    seal_capture(folder, key=key, tsa=tsa)
    ingest_sealed_folder(store, capture_id)
    return capture_id


def _set_state(folder: Path, state: str) -> None:
    import json

    provenance = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    (folder / "provenance.json").write_text(json.dumps({**provenance, "state": state}), encoding="utf-8")
    if state == "FAILED":
        har = json.loads((folder / "network.har").read_text(encoding="utf-8"))
        for entry in har["log"]["entries"]:
            entry["response"]["headers"] = [h for h in entry["response"]["headers"] if h["name"] != "Date"]
        (folder / "network.har").write_text(json.dumps(har), encoding="utf-8")


@pytest.fixture
def stored_capture(store, station_key, tsa_config):
    """A factory: a sealed, timestamped capture in ``store`` (COMPLETE unless ``state`` says)."""

    def make(case_id: str | None = None, state: str | None = None,
             officers: Sequence[Officer] = ()) -> str:
        return add_sealed_capture(store, station_key, tsa_config, case_id, state=state, officers=officers)

    return make


@pytest.fixture
def exported_case(store, stored_capture, tmp_path) -> Path:
    """A case with two captures, exported to ``tmp_path/out/case.zip``."""
    from evidence_capture.packages.export import export_package

    store.open_case(CaseInfo("CASE-7", title="虚假宣传", subject="某某旗舰店"))
    stored_capture("CASE-7")
    stored_capture("CASE-7")
    out = tmp_path / "out" / "case.zip"
    out.parent.mkdir()
    export_package(store, "CASE-7", out)
    return out


@pytest.fixture
def public_key_pem(station_key, tmp_path) -> Path:
    """The exporting station's public key, as a reviewer pins it."""
    path = tmp_path / "pinned-station.pub.pem"
    path.write_bytes(station_key.public_pem)
    return path


def fresh_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str = "home2") -> Path:
    """Switch EVIDENCE_HOME to a new, empty data directory (a second installation)."""
    home = tmp_path / name
    home.mkdir()
    monkeypatch.setenv("EVIDENCE_HOME", str(home))
    return home


def rehashed_package(source: Path, target: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    """Unpack, let ``edit`` change the bag's data/, re-hash the bag as an attacker would, re-zip."""
    import bagit

    work = target.with_suffix(".d")
    with zipfile.ZipFile(source) as archive:
        archive.extractall(work)
    bag = next(work.iterdir())
    for path in bag.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    edit(bag / "data")
    bagit.Bag(str(bag)).save(manifests=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(work.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(work).as_posix())
    return target


@pytest.fixture(scope="session")
def dead_owner():
    """The owner record of a process that has exited (as a crashed capture leaves it)."""
    import socket
    import subprocess
    import sys

    from evidence_capture.storage.owner import ProcessOwner, process_start

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    started = process_start(child.pid) or ""
    child.kill()
    child.wait()
    return ProcessOwner(socket.gethostname(), child.pid, started)
