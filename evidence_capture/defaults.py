"""The single defaults object for capture options.

The CLI builds its option defaults from ``DEFAULTS`` and the provenance record
stores ``options.as_record()``, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace


@dataclass(frozen=True)
class StepBudgets:
    """Per-step time budgets in seconds."""

    navigate: float = 30.0
    settle: float = 5.0
    scroll: float = 20.0
    screenshot: float = 60.0
    dom: float = 10.0
    mhtml: float = 20.0
    pdf: float = 30.0
    certificates: float = 10.0
    licence: float = 30.0  # 亮照 inspection, including one followed licence link
    finalize: float = 30.0  # always runs, even after the total budget is spent
    response: float = 10.0  # waiting for the main document's bytes to finish


@dataclass(frozen=True)
class CaptureOptions:
    """Every option that shapes a capture.  Frozen; derive variants with ``replace``."""

    total_timeout: float = 120.0
    device: str | None = None  # a Playwright device descriptor name, e.g. "iPhone 13"
    viewport_width: int = 1366
    viewport_height: int = 768
    locale: str = "zh-CN"
    timezone_id: str = "Asia/Shanghai"
    allow_private: bool = False
    block_service_workers: bool = True
    record_video: bool = True
    # How `evidence capture URL URL ...` runs several URLs: "shared-process"
    # keeps one Playwright driver and Chromium process for all of them (a
    # new, empty context for each capture, as a patrol does), instead of
    # starting both again per URL.  The first URL's process is launched while
    # the station opens (capture/warmup.py), so one URL gets a process of its
    # own, recorded as capture 1 in it.  Each capture's provenance records
    # which way it was made (``browser_sharing``).
    multi_url_sharing: str = "shared-process"
    # The session video is recorded at this fraction of the viewport (both
    # sides; 0.5: 683 x 384 for the default viewport).  Chromium encodes a
    # JPEG of every frame for the recorder and ffmpeg re-encodes it as VP8,
    # on the same cores as the capture: at full size this was about a fifth
    # of a product page's CPU time and made scrolling a 100,000 px page four
    # times slower (bench/RESULTS.md, issue 14).  The screenshot, DOM, MHTML
    # and PDF are the content record; the video shows what happened.
    video_scale: float = 0.5
    har_content: str = "embed"
    scroll_max_steps: int = 200
    scroll_max_height: int = 150_000
    scroll_pause_ms: int = 150
    settle_network_idle_ms: int = 500  # no request in flight this long: network quiet
    settle_quiet_ms: int = 300  # no DOM change this long (and no timer due): page quiet
    # Tiles of a tall screenshot, in CSS px: Chromium holds about one tile's
    # bitmap at a time, so smaller tiles lower its peak memory (4,000 px:
    # about 120 MiB less than 8,000 on the 100,000 px page) at no measurable
    # cost in time (bench/RESULTS.md, issue 14).
    screenshot_tile_height: int = 4_000
    max_screenshot_height: int = 200_000
    budgets: StepBudgets = field(default_factory=StepBudgets)
    # Upper bound of the settle wait after the load event: until then the
    # capture waits for every timer due and for the DOM to stay unchanged
    # (capture/quiet.py), so content injected by timers shortly after load
    # (promotions, prices, "sold" counters) is in the capture.  The page is
    # scrolled during this wait.
    settle_dwell_ms: int = 1500
    # Accept certificates that do not chain to a trusted root (test CA only);
    # the chain is still recorded, and provenance records the option.
    ignore_https_errors: bool = False
    # A private CA (PEM bundle path) for this capture: the browser ignores
    # certificate errors and the engine validates the served chain against it
    # (capture/tls_step.py); a chain that does not validate fails the capture
    # unless record_tls_errors, which captures anyway (PARTIAL, recorded).
    tls_ca: str | None = None
    record_tls_errors: bool = False
    # Safe by default: a capture needs two officers and at least one TSA.  The
    # officer's reason for an exception is recorded (provenance and manifest).
    single_officer_reason: str | None = None
    no_timestamp_reason: str | None = None
    # Where the capture was made (--place; the record prints the host name when absent)
    # and the witness present, {"name", "id_no"} (--witness NAME:ID); both go into the manifest.
    place: str | None = None
    witness: dict[str, str] | None = None

    def with_changes(self, **changes: object) -> "CaptureOptions":
        return replace(self, **changes)

    def as_record(self) -> dict[str, object]:
        """Every option in effect, for provenance.json."""
        return asdict(self)


DEFAULTS = CaptureOptions()
