"""Running one rule in a worker process of its own, forked from the checker (`--isolate`).

In the checker's process a rule can still take the run down with it: `os._exit(0)` ends the run
with exit 0 and no report, a loop that swallows every alarm (or `SIGALRM` set to `SIG_IGN`) hangs
it past `--rule-timeout`, a non-daemon thread keeps the process from ever exiting. Forked, the
rule can do none of these. The worker is a copy-on-write fork of the process that built the model
(no copy of a million masses is made, and the model it reads is the one the other rules read); it
runs the rule with the same surroundings and budget guards as in process (engine.py), and sends
back what it found as plain data: each finding's fields, and its objects as references to the
model's groups and named objects, which the parent maps back to its own (they are the same
objects, at the same addresses, in both processes).

The parent waits for that message and nothing else. A worker that dies, exits (any code, before
or instead of answering), is killed by a signal, runs past its time budget plus `GRACE` whatever
it does with signals, or leaves a non-daemon thread running, is killed with every process it
started (its own process group), and the rule is reported crashed with the reason: the run exits
3 and every other rule's findings stand.

One fork per rule, so rules are isolated from one another as well as from the run: a fork of a
process of 900 MB (the 1.2M-mass flat wafer) costs about 14 ms, of a small design's about 1 ms.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import select
import signal
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np

from assemblint.checking.budgets import Budget, OverBudget, describe_seconds
from assemblint.checking.findings import Finding, Objects
from assemblint.checking.rules import Severity

if TYPE_CHECKING:
    from assemblint.model.assembly import Assembly

MODES = ("none", "plugins", "all")  # --isolate: no rule, third-party rules (the default), every rule
DEFAULT_MODE = "plugins"
GRACE = 2.0  # seconds past its time budget before a worker that did not stop at its alarm is killed
_HEADER = struct.Struct("<Q")  # the length of the pickled answer that follows
_FAILED = 70  # the worker's exit code when it could not even send an answer (EX_SOFTWARE)


@dataclass
class Execution:
    """What running one rule gave, wherever it ran: its findings (merged and named), or why none."""

    status: str  # ran | could-not-run | crashed
    reason: str = ""
    seconds: float = 0.0
    output: str = ""  # what it printed (surroundings.py)
    problem: str | None = None  # a crashed rule's internal-error text (reason, where, how to fix)
    findings: list[Finding] = field(default_factory=list)


def can_fork() -> bool:
    """Whether rules can run in forked workers here (POSIX; elsewhere they run in process)."""
    return hasattr(os, "fork")


def leftover_threads(before: Iterable[threading.Thread] = ()) -> list[threading.Thread]:
    """Non-daemon threads still running that were not running `before`: they would keep the
    process from exiting, and keep running while the next rule does."""
    known = set(before)
    current = threading.current_thread()
    return [t for t in threading.enumerate() if t is not current and t not in known and t.is_alive() and not t.daemon]


def threads_left_reason(threads: list[threading.Thread]) -> str:
    names = ", ".join(sorted(t.name for t in threads)[:3])
    return f"left {len(threads)} non-daemon thread(s) running when it returned ({names})"


# ---------------------------------------------------------------------------------- the parent


def run_forked(execute: Callable[[], Execution], budget: Budget, known: Callable[[], dict[int, Any]]) -> Execution:
    """`execute()` in a forked worker; its Execution back, or the reason the worker gave none.

    `known()`: the model's objects by id (`model_objects`), to map the findings' objects back.
    """
    for stream in (sys.stdout, sys.stderr):  # or the worker would inherit, and print, what is buffered
        with contextlib.suppress(Exception):
            stream.flush()
    read_fd, write_fd = os.pipe()
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the worker: never returns
        os.close(read_fd)
        _work(execute, write_fd)
    os.close(write_fd)
    with contextlib.suppress(OSError):  # its own process group (the worker sets it too: no race)
        os.setpgid(pid, pid)
    deadline = started + budget.seconds + GRACE if budget.seconds else None
    try:
        answer, timed_out = _receive(read_fd, deadline)
    finally:
        os.close(read_fd)
        status = _end(pid)
    seconds = time.perf_counter() - started
    if answer is not None:
        try:
            return _decode(pickle.loads(answer), known())
        except Exception as error:  # a garbled answer: the rule's fault, reported
            return _crashed(f"its worker sent back an answer that could not be read ({type(error).__name__})", seconds)
    if timed_out:
        reason = (
            f"exceeded its time budget of {describe_seconds(budget.seconds)} and did not stop: its worker was killed"
        )
        return Execution("crashed", reason, seconds, problem=OverBudget(reason, "rule-timeout", []).message())
    return _crashed(_death(status), seconds)


def _crashed(reason: str, seconds: float) -> Execution:
    return Execution("crashed", reason, seconds, problem=reason)


def _receive(read_fd: int, deadline: float | None) -> tuple[bytes | None, bool]:
    """The worker's whole answer (None if it ended without one), and whether the deadline passed."""
    poller = select.poll()
    poller.register(read_fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    received = bytearray()
    wanted: int | None = None
    while True:
        if deadline is None:
            timeout = None
        else:
            left = deadline - time.perf_counter()
            if left <= 0:
                return None, True
            timeout = int(left * 1000) + 1
        if not poller.poll(timeout):
            continue
        chunk = os.read(read_fd, 1 << 20)
        if not chunk:
            return None, False  # it ended (or closed its end) without a whole answer
        received += chunk
        if wanted is None and len(received) >= _HEADER.size:
            wanted = _HEADER.size + _HEADER.unpack_from(received)[0]
        if wanted is not None and len(received) >= wanted:
            return bytes(received[_HEADER.size : wanted]), False


def _end(pid: int) -> int:
    """Kill the worker and whatever it started (its process group), reap it: its wait status."""
    for kill in (os.killpg, os.kill):
        with contextlib.suppress(OSError):
            kill(pid, signal.SIGKILL)
    while True:
        try:
            return os.waitpid(pid, 0)[1]
        except InterruptedError:  # pragma: no cover (PEP 475 retries; kept for old kernels' EINTR)
            continue
        except ChildProcessError:
            return 0


def _death(status: int) -> str:
    """Why a worker gave no answer, from its wait status."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        hint = " (the system's out-of-memory killer?)" if number == signal.SIGKILL else ""
        return f"its worker process was killed by {name}{hint} before the rule returned"
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else status
    if code == _FAILED:
        return "its worker process could not send back what the rule found"
    return f"its worker process exited with code {code} before the rule returned (os._exit, or an exit in C code)"


# ---------------------------------------------------------------------------------- the worker


def _work(execute: Callable[[], Execution], write_fd: int) -> NoReturn:
    """In the forked worker: run, answer, and leave at once (no atexit, no thread joined)."""
    code = _FAILED
    try:
        _settle()
        before = threading.enumerate()
        execution = execute()
        with contextlib.suppress(Exception):
            signal.setitimer(signal.ITIMER_REAL, 0)  # nothing may interrupt the answer
        left = leftover_threads(before)
        if left:
            reason = threads_left_reason(left) + ": its worker was stopped"
            execution = Execution("crashed", reason, execution.seconds, execution.output, problem=reason)
        try:
            answer = pickle.dumps(_encode(execution), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # data ctx.finding let through but pickle refuses
            reason = f"what it found could not be sent back from its worker ({type(error).__name__}: {error})"
            answer = pickle.dumps(_encode(Execution("crashed", reason, execution.seconds, execution.output, reason)))
        _write_all(write_fd, _HEADER.pack(len(answer)) + answer)
        code = 0
    except BaseException:  # whatever happens, the worker must not return into the parent's code
        pass
    finally:
        os._exit(code)


def _settle() -> None:
    """The worker's own process group (killed together), no terminal input, fresh Python streams
    (another thread of the parent may have held the old ones' locks at the fork), and the
    collector told to leave the inherited objects alone (each page it touched would be copied)."""
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    _die_with_parent()
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.close(null)
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 (lives as long as the worker)
    sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    gc.freeze()


def _die_with_parent() -> None:
    """Linux: the worker is killed if the checker dies first (no orphan left spinning)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


# ---------------------------------------------------------------------------------- plain data


def model_objects(assembly: Assembly) -> dict[int, Any]:
    """Every object of the model a finding can name, by id: the same in the parent and its forks."""
    return {
        id(obj): obj
        for obj in chain(
            assembly.mass_groups,
            assembly.pad_arrays,
            assembly.lead_groups,
            assembly.net_groups,
            assembly.elements,
            assembly.layers,
            assembly.materials.values(),
            assembly.process.steps,
        )
    }


_FINDING_FIELDS = (
    "rule",
    "name",
    "message",
    "location",
    "data",
    "cause",
    "plugin",
    "fingerprint",
    "object_names",
    "counted",
    "object_count",
)


def _encode(execution: Execution) -> dict[str, Any]:
    return {
        "status": execution.status,
        "reason": execution.reason,
        "seconds": execution.seconds,
        "output": execution.output,
        "problem": execution.problem,
        "findings": [_encode_finding(f) for f in execution.findings],
    }


def _encode_finding(finding: Finding) -> dict[str, Any]:
    out = {name: getattr(finding, name) for name in _FINDING_FIELDS}
    out["severity"] = finding.severity.value
    out["members"] = [
        (key, None if index is None else np.fromiter(index, dtype=np.int64, count=len(index)))
        for key, (_, index) in finding.objects.members.items()
    ]
    out["names"] = [(name, None if isinstance(obj, str) else id(obj)) for name, obj in finding.objects.names.items()]
    return out


def _decode(answer: dict[str, Any], known: dict[int, Any]) -> Execution:
    findings = []
    for encoded in answer["findings"]:
        objects = Objects()
        for key, index in encoded.pop("members"):
            group = known.get(key)
            if group is not None:  # a group the rule made itself: its name is in object_names already
                objects.members[key] = (group, None if index is None else set(index.tolist()))
        for name, key in encoded.pop("names"):
            objects.names[name] = known.get(key, name) if key is not None else name
        severity = Severity(encoded.pop("severity"))
        findings.append(Finding(severity=severity, objects=objects, **encoded))
    return Execution(
        answer["status"], answer["reason"], answer["seconds"], answer["output"], answer["problem"], findings
    )
