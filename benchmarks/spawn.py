"""Running one measured process: wall time, the peak RSS of that process alone, a time limit, and
its output even when the limit stopped it.

`os.wait4` returns the resource usage of the one child it reaps, so each run's peak memory is its
own, not the maximum over every child the benchmark has run (which is what
`getrusage(RUSAGE_CHILDREN)` would give after the first run). Output goes to temporary files
rather than pipes, so a child that writes a lot can never block on a full pipe while we wait.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    """One finished (or stopped) process."""

    wall: float  # seconds, from just before the spawn to the reaping
    peak_mb: float  # the child's own ru_maxrss, in MB of 10^6 bytes
    returncode: int
    timed_out: bool
    stdout: str
    stderr: str
    lines: list[dict[str, Any]] = field(default_factory=list)  # the JSON lines it printed

    def result(self) -> dict[str, Any] | None:
        """The `{"result": ...}` line of a benchmarks.child process, if it got that far."""
        return next((line["result"] for line in reversed(self.lines) if "result" in line), None)

    def problem(self) -> str | None:
        """Why the run has no usable result, in a few words (None if it has one)."""
        if self.timed_out:
            return f"stopped after the {self.wall:.0f} s limit"
        if self.returncode not in (0, 1):  # 1 = `assemblint check` found errors: a normal outcome
            last = self.stderr.strip().splitlines()[-1:] or [f"exit {self.returncode}"]
            return f"exit {self.returncode}: {last[0][:160]}"
        return None


def environment() -> dict[str, str]:
    """The children's environment: this checkout's `benchmarks` package importable from any folder."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


def run(command: list[str], timeout: float, cwd: Path | None = None) -> Run:
    """Run `command`, stopping it after `timeout` seconds; measure its wall time and peak RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=cwd or REPO, env=environment())
        stopped = threading.Event()

        def stop() -> None:
            stopped.set()
            process.kill()  # our own child, by its id

        timer = threading.Timer(timeout, stop)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", errors="replace")
        stderr = err.read().decode("utf-8", errors="replace")
    lines = []
    for text in stdout.splitlines():
        if text.startswith("{"):
            with contextlib.suppress(json.JSONDecodeError):  # a line of the child's own that is not ours
                lines.append(json.loads(text))
    return Run(wall, usage.ru_maxrss * 1024 / 1e6, process.returncode, stopped.is_set(), stdout, stderr, lines)


def child(arguments: list[str], timeout: float) -> Run:
    """A `python -m benchmarks.child ...` process, told the moment it was spawned."""
    return run([sys.executable, "-m", "benchmarks.child", *arguments, "--spawned", repr(time.time())], timeout)
