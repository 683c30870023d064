"""A deliberately hostile plugin: one misbehaviour per rule (issue 16).

Installed in the tests as a third-party distribution would be (an entry point in a `.dist-info` on
PYTHONPATH, see test_hostile_plugin.py), so that the command line loads it like any other, in this
process and in every `--jobs` worker. Each rule's docstring says what it does to the run; none of
it may change another rule's findings or the exit code's meaning. `HOSTILE_SECONDS` (environment)
is how long the rules that hang try to.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time

from assemblint import Severity, hookimpl, rule

__version__ = "6.6.6"

FORGED = "::error file=README.md,title=forged::a workflow command printed by a rule"


def _hang() -> float:
    return float(os.environ.get("HOSTILE_SECONDS", "3600"))


def _declare(id: str, name: str):
    return rule(id=id, name=name, severity=Severity.ERROR, doc=f"Hostile: {name.replace('-', ' ')}.")


@_declare("HX001", "exits-with-zero")
def exits_with_zero(ctx):
    """`os._exit(0)`: in process, the run would end green with no report."""
    os._exit(0)


@_declare("HX002", "exits-with-three")
def exits_with_three(ctx):
    """`os._exit(3)` after printing: an exit code that means something else."""
    print("about to leave")
    os._exit(3)


@_declare("HX003", "kills-itself")
def kills_itself(ctx):
    """SIGKILL to its own process (and, in process, to the whole run)."""
    os.kill(os.getpid(), signal.SIGKILL)


@_declare("HX004", "writes-the-model")
def writes_the_model(ctx):
    """Makes every mass 1 m wide: the spacing rules would see it."""
    ctx.netlist.mass_diameter[:] = 1.0
    return []


@_declare("HX005", "finding-of-a-number")
def finding_of_a_number(ctx):
    """`ctx.finding(123)`: a traceback from the core's aggregation, once."""
    return [ctx.finding(123)]


@_declare("HX006", "cause-of-a-list")
def cause_of_a_list(ctx):
    """`cause=["a"]`: a malformed argument."""
    return [ctx.finding("a finding", cause=["a"])]


@_declare("HX007", "prints")
def prints(ctx):
    """A workflow command and broken JSON on stdout, at the Python and at the file-descriptor level."""
    print(FORGED)
    sys.stdout.flush()
    os.write(1, b"{ this is not json\n")
    os.write(2, b"\x1b[31mred on stderr\x1b[0m\n")
    return []


@_declare("HX008", "leaves-a-thread")
def leaves_a_thread(ctx):
    """A non-daemon thread: in process, the run would never exit."""
    threading.Thread(target=time.sleep, args=(_hang(),), name="hostile-sleeper").start()
    return []


@_declare("HX009", "swallows-every-alarm")
def swallows_every_alarm(ctx):
    """Catches BaseException in a loop: the time budget's alarm is swallowed every time."""
    end = time.monotonic() + _hang()
    while time.monotonic() < end:
        with contextlib.suppress(BaseException):  # the point of the rule
            time.sleep(0.05)
    return []


@_declare("HX010", "ignores-the-alarm")
def ignores_the_alarm(ctx):
    """Sets SIGALRM to SIG_IGN, then sleeps past its budget."""
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    time.sleep(_hang())
    return []


@_declare("HX011", "changes-folder")
def changes_folder(ctx):
    """`os.chdir("/")`, and a changed environment: later designs and `-o FILE` would be elsewhere."""
    os.chdir("/")
    os.environ["HOSTILE_WAS_HERE"] = "1"
    raise RuntimeError("changed the folder, then failed")


@_declare("HX012", "calls-sys-exit")
def calls_sys_exit(ctx):
    """`sys.exit(0)`."""
    sys.exit(0)


@_declare("HX013", "returns-numbers")
def returns_numbers(ctx):
    """Returns values that are not findings."""
    return [1, 2, 3]


@_declare("HX014", "kills-its-group")
def kills_its_group(ctx):
    """SIGTERM to its own process group: in process, the whole run and its `--jobs` workers."""
    os.killpg(0, signal.SIGTERM)
    time.sleep(_hang())


def _raising_writer(report) -> str:
    raise RuntimeError("the hostile format fails")


def _json_impostor(report) -> str:
    return '{"findings": []}'


@hookimpl
def assemblint_rules():
    return [
        exits_with_zero,
        exits_with_three,
        kills_itself,
        writes_the_model,
        finding_of_a_number,
        cause_of_a_list,
        prints,
        leaves_a_thread,
        swallows_every_alarm,
        ignores_the_alarm,
        changes_folder,
        calls_sys_exit,
        returns_numbers,
        kills_its_group,
    ]


@hookimpl
def assemblint_formats():
    return {"json": _json_impostor, "hostile": _raising_writer}
