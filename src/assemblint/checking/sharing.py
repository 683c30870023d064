"""The rules of one large design shared between this process and a forked helper (`--jobs 2` and up).

A design of a million masses spends about two seconds in its rules, one after the other, on one
core. With `--jobs N` (N ≥ 2) and a design this large, a helper forked from the checker takes
rules from the same queue as the checker: a pipe holding one 4-byte ticket per rule, from which
each side reads a ticket at a time (a read of 4 bytes from a pipe is never split), so whichever is
free takes the next rule, and neither waits for the other to ask. The helper is a copy-on-write
fork, like isolation.py's workers: it reads the model the checker built, and the work both need
(the timeline, the electrical nodes) is done before the fork. It sends each rule's Execution back
as isolation.py's plain data.

Sharing changes nothing a rule gives: each rule runs once, guarded as in the checker (engine.py's
`_execute`), and the engine records the outcomes in the order of the rules. The helper is only a
second pair of hands: if it dies, hangs past a rule's time budget, or sends what cannot be read,
it is killed and the rules it had taken and not answered run here, as they would have without it.
Rules that run isolated (`--isolate`) are not shared; they keep their own worker.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import struct
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from assemblint.checking import isolation
from assemblint.checking.budgets import Budget
from assemblint.checking.isolation import Execution

# A design with fewer pads and masses is not shared: its rules take milliseconds, and a fork, the
# copy-on-write faults of the helper's first steps and the answers' pickling cost as much.
SHARE_MIN_OBJECTS = 50_000
_TICKET = struct.Struct("<I")  # the index of a rule, in the queue
_LENGTH = struct.Struct("<Q")  # of a pickled answer, (index, Execution), as isolation.py frames its own
_MOST_TICKETS = 16_384  # a pipe holds 64 KiB: every ticket is written before the fork, without blocking


def worth_sharing(objects: int, rules: int) -> bool:
    """Whether a design of `objects` pads and masses, with `rules` rules to run here, is shared."""
    return isolation.can_fork() and objects >= SHARE_MIN_OBJECTS and 2 <= rules <= _MOST_TICKETS


def run_shared(
    jobs: Sequence[Callable[[], Execution]],
    budget: Budget,
    known: Callable[[], dict[int, Any]],
    starting: Callable[[int], None] | None = None,
) -> list[Execution]:
    """Each job (one rule's guarded run) here or in the helper, whichever is free; every Execution,
    in the order of the jobs. `known()`: the model's objects by id, to map the helper's findings
    back; `starting(i)`: told when job i starts here, or when its answer comes from the helper."""
    tickets_read, tickets_write = os.pipe()
    isolation.write_all(tickets_write, b"".join(_TICKET.pack(i) for i in range(len(jobs))))
    os.close(tickets_write)  # the queue ends: a reader finding it empty is done
    answers_read, answers_write = os.pipe()
    for stream in (sys.stdout, sys.stderr):  # or the helper would inherit, and print, what is buffered
        with contextlib.suppress(Exception):
            stream.flush()
    pid = os.fork()
    if pid == 0:
        os.close(answers_read)
        _help(jobs, tickets_read, answers_write)
    os.close(answers_write)
    out: dict[int, Execution] = {}
    try:
        while (ticket := isolation.read_exactly(tickets_read, _TICKET.size)) is not None:
            index = _TICKET.unpack(ticket)[0]
            if starting is not None:
                starting(index)
            out[index] = jobs[index]()
        answered = _answers(answers_read, budget, known)
    finally:
        os.close(tickets_read)
        os.close(answers_read)
        isolation.end(pid)
    for index in range(len(jobs)):
        if index in out:
            continue
        if starting is not None:
            starting(index)
        out[index] = answered[index] if index in answered else jobs[index]()  # the helper's, or here
    return [out[index] for index in range(len(jobs))]


def _answers(read_fd: int, budget: Budget, known: Callable[[], dict[int, Any]]) -> dict[int, Execution]:
    """The helper's answers, until it ends (or sends nothing for a rule's time budget and more)."""
    received = bytearray()
    answered: dict[int, Execution] = {}
    while True:
        deadline = time.perf_counter() + budget.seconds + isolation.GRACE if budget.seconds else None
        answer, _ = isolation.receive(read_fd, deadline, received)
        if answer is None:
            return answered  # it ended, or hangs past the deadline: what it did not answer runs here
        try:
            index, execution = pickle.loads(answer)
            answered[index] = isolation.decode(execution, known())
        except Exception:  # garbled: the rule runs here instead
            continue


def _help(jobs: Sequence[Callable[[], Execution]], tickets: int, answers: int) -> NoReturn:
    """In the helper: take tickets and answer each, until the queue is empty; then leave at once."""
    code = isolation.FAILED
    try:
        isolation.settle(fresh_allocations=False)
        while (ticket := isolation.read_exactly(tickets, _TICKET.size)) is not None:
            index = _TICKET.unpack(ticket)[0]
            answer = pickle.dumps((index, isolation.encode(jobs[index]())), pickle.HIGHEST_PROTOCOL)
            isolation.write_all(answers, _LENGTH.pack(len(answer)) + answer)
        code = 0
    except BaseException:  # whatever happens, the helper must not return into the checker's code
        pass
    finally:
        gc.disable()
        os._exit(code)
