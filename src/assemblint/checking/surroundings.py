"""What a rule may not change for the rest of the run: the output streams, the working directory,
the environment and the signal handlers.

A rule runs in the checker's own process (the core families, and by default every rule). What it
prints is captured, at the file-descriptor level too (`os.write(1, …)`, a C library's printf), and
kept as the rule's output in the report, so it can never corrupt a format written to standard
output (`--format json > out.json`) nor inject a workflow command into `--format github`. What it
changes of the process's state is put back when it returns: the working directory (later designs
and `-o FILE` are found where the user meant), the environment, and every signal handler Python
can restore. One temporary file per process holds the captured bytes, reused from rule to rule.
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # the C module under `signal`: no stub in typeshed
import contextlib
import functools
import io
import os
import signal
import sys
import tempfile
import threading
from types import TracebackType
from typing import IO, Any, Literal

MAX_OUTPUT = 64 * 1024  # characters of a rule's output kept in the report
_CAPTURE: IO[bytes] | None = None  # the reused temporary file (one per process)
_CAPTURE_OWNER = 0  # the process that made it: a fork (a --jobs worker, an isolated rule) makes its own


def _capture_file() -> IO[bytes]:
    global _CAPTURE, _CAPTURE_OWNER
    if _CAPTURE is None or _CAPTURE.closed or os.getpid() != _CAPTURE_OWNER:
        _CAPTURE = tempfile.TemporaryFile()  # noqa: SIM115 (kept open for the process's life, reused)
        _CAPTURE_OWNER = os.getpid()
    _CAPTURE.seek(0)
    _CAPTURE.truncate()
    return _CAPTURE


@functools.cache
def _catchable() -> tuple[signal.Signals, ...]:
    """The signals whose handlers Python can read and set (worked out once: ~0.1 ms)."""
    out = []
    for sig in signal.valid_signals():
        if sig in (signal.SIGKILL, signal.SIGSTOP):
            continue
        try:
            out.append(signal.Signals(sig))
        except ValueError:
            continue
    return tuple(out)


def _environment() -> dict[Any, Any]:
    """The environment as it is now; os.environ's own store when there is one (a cheap copy)."""
    store = getattr(os.environ, "_data", None)
    return dict(store) if isinstance(store, dict) else dict(os.environ)


class ProcessState:
    """The working directory, environment and signal handlers as they were before the rules ran:
    taken once per design, and what each rule's surroundings put back."""

    def __init__(self) -> None:
        self.main = threading.current_thread() is threading.main_thread()
        self.cwd: str | None = _cwd()
        self.env = _environment()
        self.handlers: dict[signal.Signals, Any] = {}
        if self.main:
            for sig in _catchable():
                handler = _signal.getsignal(sig)
                if handler is not None:  # None: installed outside Python, cannot be put back
                    self.handlers[sig] = handler


class RuleSurroundings:
    """`with RuleSurroundings() as kept: rule.check(ctx)`; then `kept.output` is what it printed.

    Outside the main thread (a Dask worker's thread) the streams and handlers are process-wide and
    shared with other work, so only the Python-level streams of this thread's calls are not taken:
    the working directory and environment are still put back.
    """

    def __init__(self, state: ProcessState | None = None) -> None:
        self.output = ""
        self._state = state
        self._main = threading.current_thread() is threading.main_thread()
        self._cwd: str | None = None
        self._env: dict[Any, Any] = {}
        self._handlers: dict[signal.Signals, Any] = {}
        self._saved_fds: tuple[int, int] | None = None
        self._file: IO[bytes] | None = None
        self._streams: tuple[Any, Any] | None = None
        self._text = io.StringIO()

    def __enter__(self) -> RuleSurroundings:
        state = self._state or ProcessState()
        self._cwd, self._env, self._handlers = state.cwd, state.env, state.handlers
        if not self._main:
            return self
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        try:
            self._file = _capture_file()
            self._saved_fds = (os.dup(1), os.dup(2))
            os.dup2(self._file.fileno(), 1)
            os.dup2(self._file.fileno(), 2)
        except OSError:
            self._restore_fds()
        self._streams = (sys.stdout, sys.stderr)
        sys.stdout = sys.stderr = self._text
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> Literal[False]:
        if self._streams is not None:
            sys.stdout, sys.stderr = self._streams
            self._streams = None
        captured = self._text.getvalue()
        if self._file is not None:
            self._restore_fds()
            self._file.seek(0)
            captured += self._file.read(MAX_OUTPUT * 4).decode("utf-8", errors="replace")
        self.output = captured if len(captured) <= MAX_OUTPUT else captured[:MAX_OUTPUT] + "\n… (cut)"
        if self._cwd is not None and _cwd() != self._cwd:
            with contextlib.suppress(OSError):
                os.chdir(self._cwd)
        if _environment() != self._env:
            os.environ.clear()
            for key, value in self._env.items():
                os.environ[os.fsdecode(key)] = os.fsdecode(value)
        if self._main:
            for sig, handler in self._handlers.items():
                if _signal.getsignal(sig) is not handler:  # the C-level call: no enum made per signal
                    with contextlib.suppress(OSError, ValueError, TypeError):  # rare: only a handler it changed
                        signal.signal(sig, handler)
        return False

    def _restore_fds(self) -> None:
        if self._saved_fds is not None:
            out, err = self._saved_fds
            with contextlib.suppress(OSError):
                os.dup2(out, 1)
                os.dup2(err, 2)
            for fd in (out, err):
                with contextlib.suppress(OSError):
                    os.close(fd)
            self._saved_fds = None


def _cwd() -> str | None:
    try:
        return os.getcwd()
    except OSError:  # the rule removed the folder it stood in
        return None
