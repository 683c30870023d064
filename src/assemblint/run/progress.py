"""Progress on long runs: a bar on stderr, per file and per phase (parse, build, each rule).

CLI.md: "Long runs show progress on stderr (a bar when stderr is a terminal, nothing when `-q` or
not a terminal)". The bar is tqdm's: pure Python, no dependencies of its own, a few milliseconds
to import; rich draws nicer bars but brings pygments and markdown-it with it, for one line of
output.

The run only records where it is (which file, which phase, how many files are done): a few
attribute writes per phase, never one per pad or mass. A daemon thread draws that every 0.1 s, so
the run's cost does not grow with the number of phases and a long rule still shows its name while
it runs; nothing is drawn for a run shorter than `delay` (0.5 s; `ASSEMBLINT_PROGRESS_DELAY`
changes it, for the tests). The thread starts with the first file, after parallel.py has started
its worker processes, so that no process is forked while it holds a lock.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from typing import Any, TextIO

DELAY = 0.5  # seconds before a bar appears: a quick run stays silent
INTERVAL = 0.1  # seconds between redraws


class Progress:
    """Where a run is, drawn as a bar on `stream` by a background thread."""

    def __init__(self, stream: TextIO | None = None, delay: float | None = None, interval: float = INTERVAL) -> None:
        from tqdm import tqdm

        class _Bar(tqdm):
            monitor_interval = 0  # no tqdm monitor thread: this class draws from its own

        self._bar_class = _Bar
        self.stream = stream or sys.stderr
        self.delay = float(os.environ.get("ASSEMBLINT_PROGRESS_DELAY", DELAY)) if delay is None else delay
        self.interval = interval
        self.total = 0
        self.done = 0
        self.path = ""
        self.now = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._bar: Any = None

    # ------------------------------------------------------------------ what the run calls
    def expect(self, files: int) -> None:
        """The number of files the run will check."""
        self.total = files

    def start(self, path: str) -> None:
        """A file begins (in this process or, for parallel.py, in a worker)."""
        self.path, self.now = path, ""
        if self._thread is None:
            self._thread = threading.Thread(target=self._draw, name="assemblint-progress", daemon=True)
            self._thread.start()

    def phase(self, name: str) -> None:
        """`parse`, `build`, a rule id, or where a file is when it is not here."""
        self.now = name

    def rule(self, rule: Any) -> None:
        """engine.run_rules' `progress` callback: the rule about to run."""
        self.now = rule.id

    def parsing(self, parse_text: Callable[..., Any]) -> Callable[..., Any]:
        """`parse_text` (loader.load's argument), with the phase set to `parse` while it runs and to
        `build` after it: the loader parses every file of the design before it builds."""

        def parse(*args: Any) -> Any:
            self.now = "parse"
            try:
                return parse_text(*args)
            finally:
                self.now = "build"

        return parse

    def finish(self) -> None:
        """A file is done."""
        self.done += 1

    def close(self) -> None:
        """Stop drawing and take the bar off the terminal (before the report is written)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    # ------------------------------------------------------------------ the drawing thread
    def _draw(self) -> None:
        if self._stop.wait(self.delay):
            return
        bar = self._bar_class(
            total=self.total or None,
            unit="file",
            file=self.stream,
            leave=False,
            ncols=self._size()[0],
            nrows=self._size()[1],
            mininterval=0,
            bar_format="{desc} {bar} {n_fmt}/{total_fmt} files [{elapsed}]",
        )
        self._bar = bar
        while True:
            bar.ncols, bar.nrows = self._size()
            bar.total = self.total or None
            bar.n = self.done
            where = self.path if len(self.path) <= 40 else "…" + self.path[-39:]
            bar.set_description_str(f"{where} {self.now}".strip(), refresh=False)
            bar.refresh()
            if self._stop.wait(self.interval):
                return

    def _size(self) -> tuple[int, int]:
        """The terminal's columns and lines; 80 x 24 where it does not say (a pseudo-terminal
        nobody sized, on which tqdm would hide the bar)."""
        try:
            size = os.get_terminal_size(self.stream.fileno())
        except (AttributeError, OSError, ValueError):
            return 80, 24
        return size.columns or 80, size.lines or 24


def for_terminal(quiet: bool, stream: TextIO | None = None) -> Progress | None:
    """A Progress when `stream` (stderr) is a terminal and `-q` was not given; None otherwise."""
    stream = stream or sys.stderr
    if quiet or not stream.isatty():
        return None
    return Progress(stream)
