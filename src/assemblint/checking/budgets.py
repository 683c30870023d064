"""Budgets: how long one rule may run and how much memory it may take before it is stopped.

A rule that loops forever or allocates without end would otherwise hang CI or bring the machine
down, and with it every other rule's findings. The engine runs each rule inside a `RuleGuard`;
a rule over its budget is stopped, reported as crashed (exit 3) with its plugin and id, and the
other rules run as usual.

- Time: wall-clock seconds, enforced with `signal.setitimer(ITIMER_REAL)` in the main thread. The
  alarm raises `RuleTimedOut` at the next Python instruction of the rule, so a rule stuck inside
  one long C call (a numpy or scipy routine) is stopped when that call returns to Python.
- Memory: address space, enforced on Linux by lowering the soft `RLIMIT_AS` to what the process
  already uses plus the budget. An allocation beyond it fails at once (numpy raises MemoryError
  before touching a page), where a watcher that samples resident memory would be too late for a
  single `np.ones(...)` filled in C. The price: it counts address space reserved, not pages used,
  and it is the whole process's, so allocations of other threads during the rule count too.

Outside the main thread (signals and resource limits belong to the process) nothing is enforced:
the rule's time is measured, and one that finished past its budget gets the same verdict as in
the main thread, so a run's result does not depend on where it ran.
"""

from __future__ import annotations

import contextlib
import errno
import math
import re
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from types import FrameType, TracebackType
from typing import Any, Literal

# Generous: at a million masses the slowest rule (the spacing check, 2 million pairs) takes about 4 s and
# adds about 0.4 GiB of address space (benchmarks/bench_insulation.py sizes), so a design many
# times larger still fits; what trips them is a rule that loops or allocates without end.
DEFAULT_RULE_TIMEOUT = 600.0  # seconds
DEFAULT_RULE_MEMORY = 8 * 2**30  # bytes of address space a rule may add

REFIRE = 1.0  # seconds between repeated alarms, for a rule that swallows the first one

_UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*([kmgt]?)(?:i?b)?\s*$", re.IGNORECASE)
_SECONDS = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(s|m|min|h)?\s*$", re.IGNORECASE)


class RuleTimedOut(BaseException):
    """Raised inside a rule by the alarm when its time budget is spent.

    A BaseException, like KeyboardInterrupt, because rules (and the libraries they call) often
    catch `Exception` to carry on after a bad object; the timeout must not be swallowed that way.
    """


class OverBudget(Exception):
    """The verdict on a rule stopped (or finished) over its budget: `reason`, the `setting` that
    changes that budget (`rule-timeout`, `rule-memory`), and `where` the rule was (traceback lines)."""

    def __init__(self, reason: str, setting: str, where: list[str]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.setting = setting
        self.where = where

    def message(self) -> str:
        """The internal error's text: the reason, how to change the budget, where the rule was."""
        how = f"(raise it with --{self.setting}, or `{self.setting}` in [tool.assemblint]; 0: no budget)"
        return "\n".join([f"{self.reason} {how}", *self.where])


@dataclass(frozen=True)
class Budget:
    """What one rule may use: `seconds` of wall-clock time and `memory` bytes (0: no budget)."""

    seconds: float = DEFAULT_RULE_TIMEOUT
    memory: int = DEFAULT_RULE_MEMORY


def parse_seconds(text: str | float) -> float:
    """`60`, `90s`, `5m`, `1h`, `0` (no budget) -> seconds; ValueError with a sentence otherwise."""
    if isinstance(text, bool):
        raise ValueError(f"expected a number of seconds such as 600 or 10m, got {text!r}")
    if isinstance(text, int | float):
        value = float(text)
    else:
        match = _SECONDS.match(text)
        if not match:
            raise ValueError(f"expected a number of seconds such as 600 or 10m, got {text!r}")
        unit = (match.group(2) or "s").lower()
        value = float(match.group(1)) * {"s": 1, "m": 60, "min": 60, "h": 3600}[unit]
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"expected a number of seconds, 0 or more, got {text!r}")
    return value


def parse_size(text: str | float) -> int:
    """`8G`, `512M`, `1.5 GiB`, `0` (no budget) -> bytes (binary units: 1G = 2**30).

    A number without a unit other than 0 is refused: `--rule-memory 8` is more likely a mistake
    for 8G than a budget of eight bytes.
    """
    if isinstance(text, bool):
        raise ValueError(f"expected a size such as 8G or 512M, got {text!r}")
    if isinstance(text, int | float):
        if text != 0:
            raise ValueError(f"expected a size with a unit, such as 8G or 512M (or 0), got {text!r}")
        return 0
    match = _SIZE.match(text)
    if not match:
        raise ValueError(f"expected a size such as 8G or 512M (or 0: no budget), got {text!r}")
    number, unit = float(match.group(1)), match.group(2).lower()
    if not unit and number != 0:
        raise ValueError(f"expected a size with a unit, such as 8G or 512M (or 0), got {text!r}")
    return int(number * _UNITS[unit])


def describe_seconds(seconds: float) -> str:
    """600 -> `600 s`: how a budget is named in a report."""
    return f"{seconds:g} s"


def describe_size(size: int) -> str:
    """8 * 2**30 -> `8 GiB`; 1536 * 2**20 -> `1.5 GiB`."""
    for unit, factor in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if size >= factor:
            return f"{size / factor:.4g} {unit}"
    return f"{size} bytes"


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _address_space() -> int:
    """The process's current virtual size (Linux: /proc/self/statm), in bytes."""
    import resource

    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _is_out_of_memory(error: BaseException | None) -> bool:
    """MemoryError, or an ENOMEM OSError (mmap, a thread's stack), here or in what led to it."""
    seen = 0
    while error is not None and seen < 8:
        if isinstance(error, MemoryError) or (isinstance(error, OSError) and error.errno == errno.ENOMEM):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


class RuleGuard:
    """Enforce one Budget around one rule call: `with RuleGuard(budget): rule.check(ctx)`.

    On the way out the previous SIGALRM handler, interval timer and RLIMIT_AS are restored (a
    caller's own alarm, such as pytest-timeout's, keeps its remaining time), and a rule over its
    budget is turned into OverBudget. KeyboardInterrupt and SystemExit pass through untouched.
    """

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self._armed = False  # the alarm handler raises only while this is set
        self._fired = False  # the alarm went off at least once (even if the rule swallowed it)
        self._old_handler: Any = None  # what signal.signal returned: a Python callable, SIG_DFL or SIG_IGN
        self._old_timer: tuple[float, float] | None = None
        self._old_limit: tuple[int, int] | None = None
        self._memory_armed = False  # RLIMIT_AS was lowered for this rule
        self._started = 0.0

    # ------------------------------------------------------------------ entering
    def __enter__(self) -> RuleGuard:
        self._started = time.monotonic()
        if not _in_main_thread():
            return self  # measured only: see the module docstring
        if self.budget.memory and sys.platform.startswith("linux"):
            self._lower_memory_limit()
        if self.budget.seconds and hasattr(signal, "setitimer"):
            self._arm_timer()
        return self

    def _lower_memory_limit(self) -> None:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        try:
            wanted = _address_space() + self.budget.memory
        except (OSError, ValueError, IndexError):
            return  # no /proc: measured only
        if hard != resource.RLIM_INFINITY:
            wanted = min(wanted, hard)
        if soft != resource.RLIM_INFINITY and soft <= wanted:
            return  # a stricter limit is already set (ulimit -v): it stands, and is not ours to report
        try:
            resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
        except (ValueError, OSError):
            return
        self._old_limit = (soft, hard)
        self._memory_armed = True

    def _arm_timer(self) -> None:
        delay, interval = signal.getitimer(signal.ITIMER_REAL)
        if delay and delay <= self.budget.seconds:
            return  # the caller's alarm comes first: leave it to fire; the verdict still measures
        if signal.getsignal(signal.SIGALRM) is None:
            return  # a handler installed outside Python could not be put back: measured only
        try:
            self._old_handler = signal.signal(signal.SIGALRM, self._on_alarm)
        except ValueError:
            return  # not the main interpreter: measured only
        self._old_timer = (delay, interval)
        self._armed = True
        with contextlib.suppress(RuleTimedOut):  # a budget so small it ran out already: `_fired` says so
            signal.setitimer(signal.ITIMER_REAL, self.budget.seconds, REFIRE)

    def _on_alarm(self, signum: int, frame: FrameType | None) -> None:
        if self._armed:
            self._fired = True
            raise RuleTimedOut(f"exceeded its time budget of {describe_seconds(self.budget.seconds)}")

    # ------------------------------------------------------------------ leaving
    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> Literal[False]:
        self._restore()
        if isinstance(error, KeyboardInterrupt | SystemExit):
            return False
        elapsed = time.monotonic() - self._started
        time_reason = f"exceeded its time budget of {describe_seconds(self.budget.seconds)}", "rule-timeout"
        if isinstance(error, RuleTimedOut):
            reason, setting = time_reason
        elif self._memory_armed and _is_out_of_memory(error):  # what stopped it explains it best
            reason, setting = f"exceeded its memory budget of {describe_size(self.budget.memory)}", "rule-memory"
        elif self._fired or (error is None and self.budget.seconds and elapsed > self.budget.seconds):
            reason, setting = time_reason  # swallowed the alarm, or finished late where none could be raised
        else:
            return False
        frames = [f for f in traceback.extract_tb(tb) if f.filename != __file__]  # not the alarm handler
        where = traceback.StackSummary.from_list(frames[-2:]).format()
        raise OverBudget(reason, setting, [line for chunk in where for line in chunk.rstrip().splitlines()]) from None

    def _restore(self) -> None:
        """Put back the handler, the timer and the limit. Idempotent, and repeated if an alarm
        already on its way interrupts it: once `_armed` is off the handler no longer raises."""
        while True:
            try:
                self._armed = False
                if self._old_timer is not None:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                    signal.signal(signal.SIGALRM, self._old_handler)  # runs a pending alarm first (silently)
                    delay, interval = self._old_timer
                    if delay:
                        spent = time.monotonic() - self._started
                        signal.setitimer(signal.ITIMER_REAL, max(delay - spent, 1e-6), interval)
                    self._old_timer = None
                if self._old_limit is not None:
                    import resource

                    resource.setrlimit(resource.RLIMIT_AS, self._old_limit)
                    self._old_limit = None
                return
            except RuleTimedOut:
                self._fired = True
