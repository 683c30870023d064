"""Running rules in a worker process forked from the checker (`--isolate`).

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
it does with signals, grows its resident memory past its memory budget, or leaves a non-daemon
thread running, is killed with every process it
started (its own process group), and the rule is reported crashed with the reason: the run exits
3 and every other rule's findings stand.

One worker serves the isolated rules of one design (a phase at a time) in turn, while each returns
cleanly: a fork, and the copy-on-write faults of a worker's first steps, cost 3 to 10 ms for a
small design (14 ms for the 900 MB of the 1.2M-mass flat wafer), several times a small design's
rule. A rule that crashed, ran over its budget or left a thread retires its worker, and the next
rule gets a fresh fork: what one rule did to the process never reaches a rule after it, except
what it did to module state and returned cleanly from (the read-only model, and the surroundings
put back after each rule, cover the rest).
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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np

from assemblint.checking.budgets import Budget, OverBudget, describe_seconds, describe_size
from assemblint.checking.findings import Finding, Objects
from assemblint.checking.rules import Severity

if TYPE_CHECKING:
    from assemblint.model.assembly import Assembly

MODES = ("none", "plugins", "all")  # --isolate: no rule, third-party rules (the default), every rule
DEFAULT_MODE = "plugins"
GRACE = 2.0  # seconds past its time budget before a worker that did not stop at its alarm is killed
WATCH = 0.05  # seconds between two looks at a worker's memory
_HEADER = struct.Struct("<Q")  # the length of the pickled answer that follows
_REQUEST = struct.Struct("<I")  # the index of the job to run
_PROTOCOL = pickle.HIGHEST_PROTOCOL
FAILED = 70  # the worker's exit code when it could not even send an answer (EX_SOFTWARE)


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


def run_forked(
    jobs: Sequence[Callable[[], Execution]],
    budget: Budget,
    known: Callable[[], dict[int, Any]],
    starting: Callable[[int], None] | None = None,
) -> list[Execution]:
    """Each job (one rule's guarded run) in a forked worker; each one's Execution, or why it gave none.

    One worker serves the jobs in turn while each returns cleanly; after a job that crashed, ran
    over its budget or left a thread, the worker is killed and the next job gets a fresh fork.
    `known()`: the model's objects by id (`model_objects`), to map the findings' objects back.
    `starting(i)`: told before job i is sent (the progress bar).
    """
    out: list[Execution] = []
    worker: _Worker | None = None
    try:
        for index in range(len(jobs)):
            if worker is None:
                worker = _Worker(jobs, budget)
                worker.ask(range(index, len(jobs)))  # all at once: no round trip per rule
            if starting is not None:
                starting(index)
            execution, reusable = worker.run(index, budget, known)
            out.append(execution)
            if not reusable:
                worker.stop(wait=False)
                worker = None
    finally:
        if worker is not None:
            worker.stop(wait=False)
    return out


class _Worker:
    """A process forked from the checker: runs the job it is told, answers, waits for the next."""

    def __init__(self, jobs: Sequence[Callable[[], Execution]], budget: Budget) -> None:
        for stream in (sys.stdout, sys.stderr):  # or the worker would inherit, and print, what is buffered
            with contextlib.suppress(Exception):
                stream.flush()
        requests_read, self.requests = os.pipe()
        self.answers, answers_write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the worker: never returns
            os.close(self.requests)
            os.close(self.answers)
            _serve(jobs, budget, requests_read, answers_write)
        os.close(requests_read)
        os.close(answers_write)
        with contextlib.suppress(OSError):  # its own process group (the worker sets it too: no race)
            os.setpgid(self.pid, self.pid)
        self.status: int | None = None
        self.received = bytearray()  # answers read ahead of their turn

    def ask(self, indices: range) -> None:
        """Ask for these jobs, in order: the worker runs each as soon as it has answered the last."""
        with contextlib.suppress(OSError):  # gone already: its answer will be missing, its status says why
            write_all(self.requests, b"".join(_REQUEST.pack(i) for i in indices))

    def run(self, index: int, budget: Budget, known: Callable[[], dict[int, Any]]) -> tuple[Execution, bool]:
        """The next answer, job `index`'s Execution, and whether the worker may serve another."""
        started = time.perf_counter()
        deadline = started + budget.seconds + GRACE if budget.seconds else None
        over = _memory_watch(self.pid, budget.memory) if budget.memory else None
        answer, verdict = receive(self.answers, deadline, self.received, over)
        seconds = time.perf_counter() - started
        if answer is not None:
            try:
                message = pickle.loads(answer)
                return decode(message["execution"], known()), message["reusable"]
            except Exception as error:  # a garbled answer: the rule's fault, reported
                reason = f"its worker sent back an answer that could not be read ({type(error).__name__})"
                return _crashed(reason, seconds), False
        if verdict:
            if verdict == "time":
                spent, setting = describe_seconds(budget.seconds), "rule-timeout"
                reason = f"exceeded its time budget of {spent} and did not stop: its worker was killed"
            else:
                spent, setting = describe_size(budget.memory), "rule-memory"
                reason = f"exceeded its memory budget of {spent}"  # the verdict of the guard in the worker
            problem = OverBudget(reason, setting, []).message()
            return Execution("crashed", reason, seconds, problem=problem), False
        self.stop()
        return _crashed(_death(self.status or 0), seconds), False

    def stop(self, wait: bool = True) -> None:
        """Kill the worker and whatever it started (its process group), and reap it (`wait`: now,
        for its status; otherwise later, so that the run need not wait for its memory's release)."""
        for fd in (self.requests, self.answers):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.requests = self.answers = -1
        if self.status is None:
            self.status = end(self.pid, wait=wait)


def _crashed(reason: str, seconds: float) -> Execution:
    return Execution("crashed", reason, seconds, problem=reason)


def receive(
    read_fd: int, deadline: float | None, received: bytearray, over: Callable[[], bool] | None = None
) -> tuple[bytes | None, str]:
    """The worker's next whole answer (None if it ended without one), and why it was given up on:
    "" (it answered, or ended), "time" (the deadline passed) or "memory" (`over()` said so, asked
    every WATCH seconds). `received`: bytes read and not yet used; what follows this answer stays."""
    poller = select.poll()
    poller.register(read_fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    while True:
        if len(received) >= _HEADER.size:
            wanted = _HEADER.size + _HEADER.unpack_from(received)[0]
            if len(received) >= wanted:
                answer = bytes(received[_HEADER.size : wanted])
                del received[:wanted]
                return answer, ""
        timeout = None if over is None else int(WATCH * 1000)
        if deadline is not None:
            left = deadline - time.perf_counter()
            if left <= 0:
                return None, "time"
            timeout = min(timeout or 1 << 30, int(left * 1000) + 1)
        if not poller.poll(timeout):
            if over is not None and over():
                return None, "memory"
            continue
        chunk = os.read(read_fd, 1 << 20)
        if not chunk:
            return None, ""  # it ended (or closed its end) without a whole answer
        received += chunk


def _memory_watch(pid: int, budget: int) -> Callable[[], bool] | None:
    """Whether the worker's resident memory has grown by more than `budget` since now (Linux).

    In the worker the address-space limit of budgets.py stands too, and stops one huge allocation
    at once; but the free memory a process already holds counts as used there, so a rule filling
    it a megabyte at a time would pass. Pages it touches are what this counts."""
    page = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

    def resident() -> int | None:
        try:
            with open(f"/proc/{pid}/statm", "rb") as statm:
                return int(statm.read().split()[1]) * page
        except (OSError, ValueError, IndexError):
            return None

    start = resident()
    if start is None:
        return None
    return lambda: (resident() or 0) - start > budget


def end(pid: int, wait: bool = True) -> int:
    """Kill the worker and whatever it started (its process group); its wait status once reaped.

    Not `wait`ing: the status is not needed (the worker answered), and tearing down a process
    takes a millisecond or two; it is reaped by a later call (or, at exit, by the system)."""
    for kill in (os.killpg, os.kill):
        with contextlib.suppress(OSError):
            kill(pid, signal.SIGKILL)
    _UNREAPED.append(pid)
    status = 0
    for waiting in list(_UNREAPED):
        try:
            done, got = os.waitpid(waiting, 0 if wait and waiting == pid else os.WNOHANG)
        except ChildProcessError:
            done, got = waiting, 0
        if done:
            _UNREAPED.remove(waiting)
            if waiting == pid:
                status = got
    return status


_UNREAPED: list[int] = []  # workers killed but not yet reaped


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
    if code == FAILED:
        return "its worker process could not send back what the rule found"
    return f"its worker process exited with code {code} before the rule returned (os._exit, or an exit in C code)"


# ---------------------------------------------------------------------------------- the worker


def _serve(jobs: Sequence[Callable[[], Execution]], budget: Budget, requests: int, answers: int) -> NoReturn:
    """In the forked worker: run each job asked for and answer, until the parent closes the pipe or
    a job leaves the worker unfit; then leave at once (no atexit, no thread joined)."""
    code = FAILED
    try:
        settle()
        while True:
            request = read_exactly(requests, _REQUEST.size)
            if request is None:
                code = 0
                break
            before = threading.enumerate()
            resident = _peak_reset()
            execution = jobs[_REQUEST.unpack(request)[0]]()
            grown = _peak() - resident if resident is not None else 0
            if budget.memory and grown > budget.memory and execution.status != "crashed":
                # it finished, over its budget: the verdict a rule gets that is stopped there
                reason = f"exceeded its memory budget of {describe_size(budget.memory)}"
                problem = OverBudget(reason, "rule-memory", []).message()
                execution = Execution("crashed", reason, execution.seconds, execution.output, problem)
            with contextlib.suppress(Exception):
                signal.setitimer(signal.ITIMER_REAL, 0)  # nothing may interrupt the answer
            left = leftover_threads(before)
            if left:
                reason = threads_left_reason(left) + ": its worker was stopped"
                execution = Execution("crashed", reason, execution.seconds, execution.output, problem=reason)
            reusable = execution.status != "crashed"
            try:
                answer = pickle.dumps({"execution": encode(execution), "reusable": reusable}, _PROTOCOL)
            except Exception as error:  # data ctx.finding let through but pickle refuses
                reason = f"what it found could not be sent back from its worker ({type(error).__name__}: {error})"
                failed = Execution("crashed", reason, execution.seconds, execution.output, reason)
                answer = pickle.dumps({"execution": encode(failed), "reusable": False}, _PROTOCOL)
                reusable = False
            write_all(answers, _HEADER.pack(len(answer)) + answer)
            if not reusable:
                code = 0
                break
    except BaseException:  # whatever happens, the worker must not return into the parent's code
        pass
    finally:
        os._exit(code)


def _peak_reset() -> int | None:
    """The worker's resident memory now, its peak reset to it (Linux: /proc/self/clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")  # resets VmHWM, the peak resident size
        return _status("VmRSS")
    except OSError:
        return None


def _peak() -> int:
    return _status("VmHWM") or 0


def _status(field: str) -> int | None:
    """A size from /proc/self/status, in bytes."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def read_exactly(fd: int, size: int) -> bytes | None:
    data = b""
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def settle(fresh_allocations: bool = True) -> None:
    """The worker's own process group (killed together), no terminal input, fresh Python streams
    (another thread of the parent may have held the old ones' locks at the fork), and the
    collector told to leave the inherited objects alone (each page it touched would be copied).
    `fresh_allocations`: large allocations made visible to the memory budget (below)."""
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    _die_with_parent()
    if fresh_allocations:
        _fresh_allocations()
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.close(null)
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 (lives as long as the worker)
    sys.stdout = sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    gc.freeze()


def _die_with_parent() -> None:
    """Linux: the worker is killed if the checker dies first (no orphan left spinning)."""
    if _PRCTL is not None:
        with contextlib.suppress(Exception):
            _PRCTL(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _libc(name: str) -> Any:
    """A function of the C library, looked up once in the parent (in each worker it would cost ms)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError):
        return None


_PRCTL = _libc("prctl")
_MALLOPT = _libc("mallopt")
_MALLOC_TRIM = _libc("malloc_trim")
_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter


def _fresh_allocations() -> None:
    """Every large allocation of the worker a new mapping (glibc: the mmap threshold pinned at its
    default, 128 KiB), so that the memory budget's address-space limit sees it. The checker's own
    free memory, inherited, would otherwise serve a rule's allocations (the threshold grows as big
    blocks are freed) without growing the address space the budget measures."""
    if _MALLOPT is not None:
        with contextlib.suppress(Exception):
            _MALLOPT(_M_MMAP_THRESHOLD, 128 * 1024)
    if _MALLOC_TRIM is not None:
        with contextlib.suppress(Exception):
            _MALLOC_TRIM(0)  # and the free memory at the heap's top given back


def write_all(fd: int, data: bytes) -> None:
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


def encode(execution: Execution) -> dict[str, Any]:
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


def decode(answer: dict[str, Any], known: dict[int, Any]) -> Execution:
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
