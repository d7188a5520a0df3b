"""Fixtures for the local sample shop and for captures of its pages.

Captures are expensive (a real browser each), so one capture per page is
shared by every test that asserts something about it: ``shop_capture(page)``
is memoised for the whole session.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest

from evidence_capture.config import Settings, load_settings
from evidence_capture.defaults import DEFAULTS, CaptureOptions, StepBudgets
from evidence_capture.sample_shop import ShopServer

# Short budgets so the never-finishing page costs seconds, not minutes; no
# settle dwell except for pages whose content arrives on a timer.
TEST_OPTIONS = DEFAULTS.with_changes(
    allow_private=True,
    settle_dwell_ms=0,
    budgets=StepBudgets(navigate=4.0, settle=2.0, scroll=20.0, response=3.0),
)


def chromium_available(settings: Settings) -> bool:
    return Path(settings.chromium).exists() or shutil.which(settings.chromium) is not None


def require_chromium(settings: Settings) -> None:
    from tests.conftest import require_or_skip

    require_or_skip(chromium_available(settings), f"Chromium not found at {settings.chromium}")


@dataclass(frozen=True)
class ShopCapture:
    result: Any  # CaptureResult
    shop: ShopServer

    @property
    def folder(self) -> Path:
        return self.result.folder

    def provenance(self) -> dict[str, Any]:
        return json.loads((self.folder / "provenance.json").read_text(encoding="utf-8"))

    def environment(self) -> dict[str, Any]:
        return json.loads((self.folder / "environment.json").read_text(encoding="utf-8"))

    def har(self) -> dict[str, Any]:
        return json.loads((self.folder / "network.har").read_text(encoding="utf-8"))

    def step(self, name: str) -> Any:
        return next(s for s in self.result.steps if s.name == name)


@pytest.fixture(scope="session")
def shop() -> Any:
    with ShopServer() as server:
        yield server


@pytest.fixture(scope="session")
def https_shop() -> Any:
    with ShopServer(https=True) as server:
        yield server


@pytest.fixture(scope="session")
def capture_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    home = tmp_path_factory.mktemp("capture-home")
    return load_settings({"EVIDENCE_HOME": str(home), "EVIDENCE_LANG": "en"})


@pytest.fixture(scope="session")
def shop_capture(shop: ShopServer, https_shop: ShopServer,
                 capture_settings: Settings) -> Callable[..., ShopCapture]:
    """``shop_capture("product", https=False, **option_changes)``, memoised."""
    from evidence_capture.capture import new_capture_id, run_capture

    cache: dict[tuple[Any, ...], ShopCapture] = {}

    def capture(page: str, *, https: bool = False, **changes: Any) -> ShopCapture:
        key = (page, https, tuple(sorted(changes.items())))
        if key not in cache:
            require_chromium(capture_settings)
            server = https_shop if https else shop
            options: CaptureOptions = TEST_OPTIONS.with_changes(ignore_https_errors=https, **changes)
            capture_id = new_capture_id()
            result = run_capture(server.url(page), options, settings=capture_settings,
                                 folder=capture_settings.capture_dir(capture_id), case=None,
                                 officers=(), capture_id=capture_id)
            cache[key] = ShopCapture(result, server)
        return cache[key]

    return capture
