"""Rich progress bars and spinners, always on stderr (stdout stays for results)."""

from __future__ import annotations

from typing import Any, Callable

from evidence_capture.ui.text import Text


def _stderr() -> Any:
    from rich.console import Console

    return Console(stderr=True)


class CaptureBars:
    """One bar per URL over the capture steps; ``started``/``finished`` fit ``workflow.capture_urls``."""

    def __init__(self, tx: Text, steps: int) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self._tx, self._steps, self._task = tx, steps, None
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[step]}"), console=_stderr(), transient=False)

    def __enter__(self) -> "CaptureBars":
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(*exc)

    def started(self, url: str) -> Callable[[Any], None]:
        task = self._task = self.progress.add_task(url[:60], total=self._steps, step="")
        return lambda outcome: self.progress.update(task, advance=1, step=self._tx.label("step", outcome.name))

    def finished(self, _outcome: Any) -> None:
        self.progress.update(self._task, completed=self._steps, step=self._tx.t("cli.capture.sealed"))


def bytes_progress(tx: Text, total: int, label_key: str) -> tuple[Any, Callable[[Any, int], None]]:
    """A bar over ``total`` bytes; returns (progress, advance) where advance fits ``on_file``."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    label = tx.t(label_key)
    progress = Progress(TextColumn(label), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                        console=_stderr(), transient=True)
    task = progress.add_task(label, total=total)
    return progress, lambda _path, size: progress.advance(task, size)


def export_progress(tx: Text) -> tuple[Any, Callable[[int, int], None]]:
    """A bar over the captures of an export; returns (progress, on_capture)."""
    from rich.progress import Progress

    progress = Progress(console=_stderr(), transient=True)
    task = progress.add_task(tx.t("cli.progress.exporting"), total=None)
    return progress, lambda done, total: progress.update(task, completed=done, total=total)


def status(tx: Text, key: str) -> Any:
    """A spinner with a message, for one long step (e.g. rendering the PDF)."""
    return _stderr().status(tx.t(key))

