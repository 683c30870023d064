"""Progress on stderr (CLI.md): a bar when stderr is a terminal, nothing with `-q` or when it is not
one; per file and per phase (parse, build, each rule).

The terminal is a pseudo-terminal: `assemblint check` runs in a subprocess whose stderr is the
pty's slave end, and the test reads what reaches the master end.
"""

from __future__ import annotations

import fcntl
import io
import os
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from assemblint.api import CheckOptions, check_files
from assemblint.plugins.host import PluginHost
from assemblint.run.progress import Progress, for_terminal

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GOOD = ["flip-chip-fr4.assy", "liquid-interconnect.assy", "hierarchical-solder.assy"]


def stderr_of(argv: list[str], tmp_path: Path, terminal: bool, sized: bool = True) -> bytes:
    """What `python -m assemblint ARGV` writes on stderr: a pty when `terminal` (100 x 30 when
    `sized`, else of no size, as some CI runners give), else a pipe."""
    env = {**os.environ, "ASSEMBLINT_PROGRESS_DELAY": "0"}  # the bar from the start: a short run shows it too
    env.pop("NO_COLOR", None)
    command = [sys.executable, "-m", "assemblint", *argv]
    with open(tmp_path / "stdout", "wb") as stdout:
        if not terminal:
            done = subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, env=env, cwd=EXAMPLES, timeout=300)
            return done.stderr
        master, slave = os.openpty()
        if sized:
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        process = subprocess.Popen(command, stdout=stdout, stderr=slave, env=env, cwd=EXAMPLES)
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every writer of the slave end is gone
                break
            if not data:
                break
            chunks.append(data)
        process.wait(timeout=300)
        os.close(master)
        return b"".join(chunks)


@pytest.mark.parametrize(("jobs", "sized"), [("1", True), ("2", True), ("1", False)])
def test_a_terminal_shows_a_bar_of_files(tmp_path: Path, jobs: str, sized: bool) -> None:
    shown = stderr_of(["check", *GOOD, "--jobs", jobs], tmp_path, True, sized).decode("utf-8", "replace")
    assert "/3 files" in shown  # the bar's counter
    assert "\r" in shown  # redrawn in place
    assert any(name in shown for name in GOOD)  # the file being checked


def test_quiet_or_not_a_terminal_writes_nothing_on_stderr(tmp_path: Path) -> None:
    assert stderr_of(["check", *GOOD, "-q"], tmp_path, terminal=True) == b""
    assert stderr_of(["check", *GOOD], tmp_path, terminal=False) == b""
    assert stderr_of(["check", *GOOD, "--jobs", "2"], tmp_path, terminal=False) == b""


class Recording(Progress):
    """A Progress that never draws, and records every file, phase and count it is told."""

    def __init__(self) -> None:
        super().__init__(io.StringIO(), delay=3600)
        self.log: list[tuple[str, object]] = []

    def __setattr__(self, name: str, value: object) -> None:
        if name in ("path", "now", "done") and "log" in self.__dict__:
            self.log.append((name, value))
        super().__setattr__(name, value)


def test_every_file_and_phase_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    host = PluginHost.create()
    progress = Recording()
    report = check_files([Path(name) for name in GOOD[:2]], CheckOptions(), host, progress=progress)
    progress.close()
    ran = {o.rule.id for outcomes in report.outcomes.values() for o in outcomes if o.path == GOOD[0]}
    first = progress.log[: progress.log.index(("done", 1)) + 1]
    assert first[:3] == [("path", GOOD[0]), ("now", ""), ("now", "parse")]
    phases = [value for name, value in first if name == "now"]
    assert phases[2] == "build"
    assert set(phases[3:]) == ran and len(phases[3:]) == len(ran) > 10  # each rule, once, as it starts
    assert progress.log[-1] == ("done", 2) and progress.total == 2


def test_with_jobs_the_files_done_in_workers_are_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    progress = Recording()
    check_files([Path(name) for name in GOOD], CheckOptions(jobs=2), PluginHost.create(), progress=progress)
    progress.close()
    assert [value for name, value in progress.log if name == "path"] == GOOD
    assert ("now", "in a worker") in progress.log and progress.log[-1] == ("done", 3)


def test_the_bar_is_drawn_from_its_own_thread_and_taken_away(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    progress = Progress(stream, delay=0, interval=0.01)
    progress.expect(2)
    progress.start("a.assy")
    progress.phase("MH003")
    progress.finish()
    import time

    deadline = time.monotonic() + 30
    while "1/2 files" not in stream.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    progress.close()
    assert "a.assy MH003" in stream.getvalue() and "1/2 files" in stream.getvalue()
    assert progress._thread is not None and not progress._thread.is_alive()


def test_no_bar_when_quiet_or_not_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert for_terminal(quiet=True, stream=Terminal()) is None
    assert for_terminal(quiet=False, stream=io.StringIO()) is None
    bar = for_terminal(quiet=False, stream=Terminal())
    assert isinstance(bar, Progress)
    bar.close()  # never started: nothing to stop
