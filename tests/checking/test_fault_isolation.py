"""Fault isolation (issue 9, part 5): a rule that raises, loops past its time budget or exhausts its
memory budget is reported (exit 3, plugin and rule named) while the other rules' findings stand;
an interrupted run leaves no partial output file behind.

The misbehaving rules are bounded (they loop or allocate for a while, then return), so that with a
protection removed these tests fail instead of hanging the machine.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import OTHER_PLUGINS

import assemblint
from assemblint import cli
from assemblint.api import CheckOptions, check_files
from assemblint.base.atomic import write_text
from assemblint.checking import budgets
from assemblint.checking.budgets import Budget, RuleGuard
from assemblint.plugins.host import PluginHost
from assemblint.report.report import Report

LINUX = sys.platform.startswith("linux")
needs_linux = pytest.mark.skipif(not LINUX, reason="budgets are enforced with SIGALRM and RLIMIT_AS on Linux")

DESIGN = """\
use std
element die : chip { body silicon; pads c grid 2 x 2 pitch 300 um diameter 120 um }
element sub : substrate { body AlN; pads p grid 2 x 2 pitch 300 um diameter 120 um }
masses m : SAC305 { joins die.c[*] -- sub.p[*]; height 80 um }
"""

BUSY_SECONDS = 20.0  # how long the looping rules go on when nothing stops them (a test budget is 0.5 s)
MiB = 2**20


# ---------------------------------------------------------------------------------------- rules
@assemblint.rule(id="FI001", name="well-behaved", severity="warning")
def well_behaved(ctx):
    yield ctx.finding("the first mass", objects=ctx.assembly.masses[0])


@assemblint.rule(id="FI002", name="raises")
def raises(ctx):
    raise RuntimeError("kaboom")


@assemblint.rule(id="FI003", name="loops")
def loops(ctx):
    end, n = time.monotonic() + BUSY_SECONDS, 0
    while time.monotonic() < end:
        n += 1
    return []


@assemblint.rule(id="FI004", name="carries-on")
def carries_on(ctx):
    """Carries on past any error, as a rule careful about bad objects does (`except Exception`)."""
    end = time.monotonic() + BUSY_SECONDS
    while time.monotonic() < end:
        try:
            time.sleep(0.05)
        except Exception:
            continue
    return []


@assemblint.rule(id="FI010", name="swallows-twice")
def swallows_twice(ctx):
    """Catches everything (a bare `except`) twice, then fails on something else."""
    end, swallowed = time.monotonic() + BUSY_SECONDS, 0
    while swallowed < 2 and time.monotonic() < end:
        try:
            time.sleep(0.05)
        except BaseException:
            swallowed += 1
    raise ValueError("gave up")


@assemblint.rule(id="FI005", name="sleeps", params={"seconds": {"type": "number", "minimum": 0, "default": 0}})
def sleeps(ctx):
    time.sleep(ctx.params["seconds"])
    yield ctx.finding("slept", objects=ctx.assembly.masses[1])


@assemblint.rule(id="FI006", name="allocates", params={"mib": {"type": "integer", "minimum": 0, "default": 0}})
def allocates(ctx):
    block = np.ones(ctx.params["mib"] * MiB // 8)  # touched, not just reserved
    yield ctx.finding(f"allocated {block.nbytes // MiB} MiB", objects=ctx.assembly.masses[2])


@assemblint.rule(id="FI007", name="huge-array")
def huge_array(ctx):
    np.ones(10**11)  # 800 GB
    return []


@assemblint.rule(id="FI008", name="grows-a-list")
def grows_a_list(ctx):
    kept = []
    while len(kept) < 512:  # 512 MiB, then it gives up: far over the test budget, harmless without one
        kept.append(bytearray(MiB))
    return []


@assemblint.rule(id="FI009", name="exits")
def exits(ctx):
    sys.exit(0)


class FaultyPlugin:
    @assemblint.hookimpl
    def assemblint_rules(self):
        rules = [well_behaved, raises, loops, carries_on, sleeps, allocates, huge_array, grows_a_list, exits]
        return [*rules, swallows_twice]


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return PluginHost.create(disable=OTHER_PLUGINS, extra=[("faulty", FaultyPlugin())])


@pytest.fixture
def design(tmp_path: Path) -> Path:
    path = tmp_path / "d.assy"
    path.write_text(DESIGN, encoding="utf-8")
    return path


def deck(tmp_path: Path, **settings: dict) -> str:
    lines = ['[deck]\nname = "test"']
    for rule_id, values in settings.items():
        lines.append(f"[rules.{rule_id}]")
        lines.extend(f"{key} = {value!r}" for key, value in values.items())
    path = tmp_path / "deck.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def run(design: Path, host: PluginHost, select: str, **options) -> Report:
    return check_files([design], CheckOptions(select=["FI001", select], **options), host)


def statuses(report: Report) -> dict[str, tuple[str, str | None]]:
    return {r["id"]: (r["status"], r.get("reason")) for r in report.to_json()["rules"] if r["status"] != "not-selected"}


def rules_with_findings(report: Report) -> list[str]:
    return sorted(f.rule for f in report.findings)


@pytest.fixture
def cli_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    """`cli.main` sees the faulty plugin and builtin only."""
    PluginHost.default()
    original = PluginHost.create.__func__

    def create(cls, enable=(), disable=(), extra=(), entry_points=True):
        return original(cls, enable, [*disable, *OTHER_PLUGINS], [*extra, ("faulty", FaultyPlugin())], entry_points)

    monkeypatch.setattr(PluginHost, "create", classmethod(create))


def main(argv: list[str]) -> int:
    try:
        return cli.main(argv)
    except SystemExit as exit_:  # argparse's own errors
        return int(exit_.code or 0)


# ---------------------------------------------------------------------------------------- the three faults, end to end
FAULTS = [
    ("FI002", [], "RuntimeError: kaboom"),
    pytest.param("FI003", ["--rule-timeout", "0.5"], "exceeded its time budget of 0.5 s", marks=needs_linux),
    pytest.param("FI007", ["--rule-memory", "256M"], "exceeded its memory budget of 256 MiB", marks=needs_linux),
    pytest.param("FI008", ["--rule-memory", "256M"], "exceeded its memory budget of 256 MiB", marks=needs_linux),
]


@pytest.mark.parametrize("bad, budget, reason", FAULTS)
def test_a_faulty_rule_exits_3_named_while_the_report_stands(
    design: Path, cli_plugins, capsys, monkeypatch, bad: str, budget: list[str], reason: str
) -> None:
    monkeypatch.chdir(design.parent)
    code = main(["check", str(design), "--format", "json", "--select", f"FI001,{bad}", *budget])
    out, err = capsys.readouterr()
    report = json.loads(out)
    assert code == 3 and report["summary"]["exit_code"] == 3
    assert f"internal error in plugin `faulty`, rule {bad}: {reason}" in err
    rules = {r["id"]: r for r in report["rules"]}
    assert rules[bad]["status"] == "crashed" and rules[bad]["reason"].startswith(reason)
    assert rules["FI001"]["status"] == "ran"
    assert [f["rule"] for f in report["findings"]] == ["FI001"]  # the well-behaved rule's finding stands
    assert [(e["plugin"], e["rule"]) for e in report["internal_errors"]] == [("faulty", bad)]


@needs_linux
def test_the_budget_message_says_where_the_rule_was_and_how_to_raise_it(design: Path, host: PluginHost) -> None:
    report = run(design, host, "FI003", rule_timeout=0.3)
    message = report.problems[0].message
    assert message.splitlines()[0] == (
        "exceeded its time budget of 0.3 s (raise it with --rule-timeout, or `rule-timeout` in [tool.assemblint]; "
        "0: no budget)"
    )
    assert ", in loops" in message  # the rule's own frame
    assert "budgets.py" not in message  # the alarm handler is not where the rule was


@needs_linux
def test_except_exception_does_not_swallow_the_timeout(design: Path, host: PluginHost) -> None:
    started = time.monotonic()
    report = run(design, host, "FI004", rule_timeout=0.3)
    assert time.monotonic() - started < BUSY_SECONDS / 2  # stopped, not waited for
    assert statuses(report)["FI004"] == ("crashed", "exceeded its time budget of 0.3 s")
    assert report.exit_code == 3 and rules_with_findings(report) == ["FI001"]


@needs_linux
def test_a_rule_that_swallows_the_timeout_is_still_over_budget(design: Path, host: PluginHost) -> None:
    """A bare `except` can catch the alarm; it comes back every second, and the verdict names the
    budget, not the error the rule raised afterwards."""
    report = run(design, host, "FI010", rule_timeout=0.3)
    assert statuses(report)["FI010"] == ("crashed", "exceeded its time budget of 0.3 s")
    assert 1.0 < report.outcomes["FI010"][0].seconds < 5  # the second alarm came a second after the first


def test_a_rule_calling_sys_exit_does_not_end_the_run(design: Path, host: PluginHost) -> None:
    report = run(design, host, "FI009")
    assert statuses(report)["FI009"] == ("crashed", "SystemExit: 0")
    assert report.exit_code == 3 and rules_with_findings(report) == ["FI001"]


# ------------------------------------------------------------------------- raising, disabling, just under
@needs_linux
@pytest.mark.parametrize(
    "timeout, status", [(0.3, "crashed"), (5.0, "ran"), (0, "ran")], ids=["over", "raised", "disabled"]
)
def test_the_time_budget_can_be_raised_or_disabled(
    design: Path, host: PluginHost, tmp_path: Path, timeout: float, status: str
) -> None:
    report = run(design, host, "FI005", rule_timeout=timeout, deck=deck(tmp_path, FI005={"seconds": 0.8}))
    assert statuses(report)["FI005"][0] == status
    assert ("FI005" in rules_with_findings(report)) == (status == "ran")


@needs_linux
def test_a_rule_just_under_the_time_budget_passes(design: Path, host: PluginHost, tmp_path: Path) -> None:
    report = run(design, host, "FI005", rule_timeout=1.5, deck=deck(tmp_path, FI005={"seconds": 0.7}))
    assert statuses(report)["FI005"] == ("ran", None) and report.problems == []
    assert rules_with_findings(report) == ["FI001", "FI005"]


@needs_linux
@pytest.mark.parametrize(
    "memory, status", [(32 * MiB, "crashed"), (512 * MiB, "ran"), (0, "ran")], ids=["over", "raised", "disabled"]
)
def test_the_memory_budget_can_be_raised_or_disabled(
    design: Path, host: PluginHost, tmp_path: Path, memory: int, status: str
) -> None:
    report = run(design, host, "FI006", rule_memory=memory, deck=deck(tmp_path, FI006={"mib": 128}))
    assert statuses(report)["FI006"][0] == status
    assert ("FI006" in rules_with_findings(report)) == (status == "ran")


@needs_linux
def test_a_rule_just_under_the_memory_budget_passes(design: Path, host: PluginHost, tmp_path: Path) -> None:
    report = run(design, host, "FI006", rule_memory=256 * MiB, deck=deck(tmp_path, FI006={"mib": 200}))
    assert statuses(report)["FI006"] == ("ran", None) and report.problems == []


def test_the_defaults_are_generous() -> None:
    """A million masses: about 4 s and 0.4 GiB for the heaviest rule (budgets.py); the defaults
    leave two orders of magnitude for time and twenty times for memory."""
    assert CheckOptions().rule_timeout == budgets.DEFAULT_RULE_TIMEOUT == 600
    assert CheckOptions().rule_memory == budgets.DEFAULT_RULE_MEMORY == 8 * 2**30


@needs_linux
def test_the_python_api_takes_the_budgets(design: Path, host: PluginHost) -> None:
    report = assemblint.check(design, host=host, select=["FI001", "FI003"], rule_timeout=0.3)
    assert statuses(report)["FI003"][0] == "crashed" and report.exit_code == 3


# ---------------------------------------------------------------------------------------- configuration
@needs_linux
def test_budgets_from_the_configuration_and_the_command_line_wins(
    design: Path, cli_plugins, capsys, monkeypatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.assemblint]\nrule-timeout = "0.3s"\nrule-memory = "64M"\n')
    deck_path = deck(tmp_path, FI005={"seconds": 0.6}, FI006={"mib": 128})
    argv = ["check", str(design), "--format", "json", "--deck", deck_path, "--select", "FI005,FI006"]
    assert main(argv) == 3
    report = json.loads(capsys.readouterr().out)
    assert {r["id"]: r.get("reason") for r in report["rules"] if r["status"] == "crashed"} == {
        "FI005": "exceeded its time budget of 0.3 s",
        "FI006": "exceeded its memory budget of 64 MiB",
    }
    assert main([*argv, "--rule-timeout", "0", "--rule-memory", "0"]) == 0  # the options win; both warnings
    report = json.loads(capsys.readouterr().out)
    assert {r["id"]: r["status"] for r in report["rules"] if r["id"] in ("FI005", "FI006")} == {
        "FI005": "ran",
        "FI006": "ran",
    }


@pytest.mark.parametrize(
    "setting, said",
    [
        ('rule-timeout = "soon"', "`rule-timeout`: expected a number of seconds such as 600 or 10m, got 'soon'"),
        ("rule-timeout = -1", "`rule-timeout`: expected a number of seconds, 0 or more, got -1"),
        ("rule-memory = 8", "`rule-memory`: expected a size with a unit, such as 8G or 512M (or 0), got 8"),
    ],
)
def test_a_bad_budget_in_the_configuration_exits_2(
    design: Path, cli_plugins, capsys, monkeypatch, tmp_path: Path, setting: str, said: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(f"[tool.assemblint]\n{setting}\n")
    assert main(["check", str(design)]) == 2
    assert said in capsys.readouterr().err


@pytest.mark.parametrize(
    "option, value", [("--rule-timeout", "later"), ("--rule-memory", "8"), ("--rule-memory", "-1G")]
)
def test_a_bad_budget_on_the_command_line_exits_2(design: Path, cli_plugins, capsys, option: str, value: str) -> None:
    assert main(["check", str(design), option, value]) == 2
    assert f"argument {option}: expected" in capsys.readouterr().err


@pytest.mark.parametrize(
    "text, seconds",
    [("600", 600.0), ("2.5", 2.5), ("90s", 90.0), ("10m", 600.0), ("1h", 3600.0), ("0", 0.0), (30, 30.0)],
)
def test_seconds_are_read_with_or_without_a_unit(text, seconds: float) -> None:
    assert budgets.parse_seconds(text) == seconds


@pytest.mark.parametrize(
    "text, size",
    [
        ("8G", 8 * 2**30),
        ("512M", 512 * MiB),
        ("1.5 GiB", 3 * 2**29),
        ("64mb", 64 * MiB),
        ("100k", 102400),
        ("0", 0),
        (0, 0),
    ],
)
def test_sizes_are_read_in_binary_units(text, size: int) -> None:
    assert budgets.parse_size(text) == size


# ------------------------------------------------------------------------- the guard leaves things as they were
@needs_linux
def test_the_guard_restores_the_alarm_handler_the_timer_and_the_memory_limit() -> None:
    import resource

    def outer(signum, frame) -> None:  # a caller's own alarm, like pytest-timeout's
        raise AssertionError("the caller's alarm went off during the test")

    previous = signal.signal(signal.SIGALRM, outer)
    signal.setitimer(signal.ITIMER_REAL, 100.0)
    limit = resource.getrlimit(resource.RLIMIT_AS)
    try:
        with pytest.raises(budgets.OverBudget), RuleGuard(Budget(0.2, 64 * MiB)):
            time.sleep(5)
        with pytest.raises(budgets.OverBudget), RuleGuard(Budget(10, 64 * MiB)):
            # 2 GiB: more than the free memory earlier tests left this process, which a smaller
            # block could reuse without growing the address space the budget measures
            np.ones(2 * 1024 * MiB // 8)
        assert signal.getsignal(signal.SIGALRM) is outer
        remaining = signal.getitimer(signal.ITIMER_REAL)[0]
        assert 90 < remaining <= 100  # kept its time, less what the rules took
        assert resource.getrlimit(resource.RLIMIT_AS) == limit
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@needs_linux
def test_a_callers_earlier_alarm_is_left_to_fire() -> None:
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    try:
        with RuleGuard(Budget(30, 0)):
            time.sleep(0.5)
        assert fired == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_in_a_worker_thread_a_rule_in_process_is_measured_not_interrupted(
    design: Path, host: PluginHost, tmp_path: Path
) -> None:
    handler = signal.getsignal(signal.SIGALRM)
    reports: list[Report] = []
    settings = deck(tmp_path, FI005={"seconds": 0.6})
    worker = threading.Thread(
        target=lambda: reports.append(run(design, host, "FI005", rule_timeout=0.3, deck=settings, isolate="none"))
    )
    worker.start()
    worker.join(30)
    (report,) = reports
    outcome = report.outcomes["FI005"][0]
    assert outcome.seconds >= 0.6  # it slept its full time: nothing interrupted it
    assert (outcome.status, outcome.reason) == ("crashed", "exceeded its time budget of 0.3 s")  # same verdict
    assert signal.getsignal(signal.SIGALRM) is handler


def test_in_a_worker_thread_an_isolated_rule_is_interrupted(design: Path, host: PluginHost, tmp_path: Path) -> None:
    """Forked, the rule's worker has a main thread of its own: its alarm is armed wherever the run is."""
    reports: list[Report] = []
    settings = deck(tmp_path, FI005={"seconds": 3})
    worker = threading.Thread(
        target=lambda: reports.append(run(design, host, "FI005", rule_timeout=0.3, deck=settings))
    )
    worker.start()
    worker.join(30)
    (report,) = reports
    outcome = report.outcomes["FI005"][0]
    assert 0.3 <= outcome.seconds < 2
    assert (outcome.status, outcome.reason) == ("crashed", "exceeded its time budget of 0.3 s")


# ---------------------------------------------------------------------------------------- writing output files
def test_an_output_file_is_replaced_whole_keeping_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    target.chmod(0o640)
    write_text(target, "new")
    assert target.read_text() == "new" and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_through_a_symbolic_link_the_file_is_replaced_and_the_link_kept(tmp_path: Path) -> None:
    (tmp_path / "real.json").write_text("old")
    (tmp_path / "link.json").symlink_to("real.json")
    write_text(tmp_path / "link.json", "new")
    assert (tmp_path / "link.json").is_symlink() and (tmp_path / "real.json").read_text() == "new"


@needs_linux
def test_a_device_is_written_not_replaced() -> None:
    write_text("/dev/null", "nothing")  # `-o /dev/null`, even as root, must not replace the device
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")

    def full(fd: int, data) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(OSError):
        write_text(target, "new")
    monkeypatch.undo()
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


# ---------------------------------------------------------------------------------------- SIGINT, for real
PLUGIN = '''
"""A test-only plugin: FI101 reports, FI102 sleeps; with FI_SLOW_WRITE set, writing a file in the
current folder stalls halfway (os.write writes half, then sleeps), as a large report on a slow disk
would, so that an interrupt lands in the middle of a write."""
import os
import time
from pathlib import Path

import assemblint

MARKER = Path(os.environ["FI_MARKER"])


@assemblint.rule(id="FI101", name="reports", severity="warning")
def reports(ctx):
    yield ctx.finding("the first mass", objects=ctx.assembly.masses[0])


@assemblint.rule(id="FI102", name="sleeps")
def sleeps(ctx):
    if os.environ.get("FI_SLEEP"):
        MARKER.write_text("sleeping")
        time.sleep(60)
    return []


if os.environ.get("FI_SLOW_WRITE"):
    _write = os.write

    def write(fd, data):
        try:
            where = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            where = ""
        if not where.startswith(os.getcwd() + os.sep):  # only the report files, not a library's own writes
            return _write(fd, data)
        written = _write(fd, bytes(data[: max(1, len(data) // 2)]))
        MARKER.write_text("writing")
        time.sleep(60)
        return written

    os.write = write


@assemblint.hookimpl
def assemblint_rules():
    return [reports, sleeps]
'''


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The plugin, found through the `assemblint.plugins` entry point of a hand-made dist-info."""
    folder = tmp_path_factory.mktemp("site")
    (folder / "fi_plugin.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    info = folder / "fi_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fi-plugin\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[assemblint.plugins]\nfi = fi_plugin\n", encoding="utf-8")
    return folder


def interrupted(site: Path, folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """Run `python -m assemblint check d.assy ARGS` in `folder`, wait for the plugin's marker, send SIGINT."""
    (folder / "d.assy").write_text(DESIGN, encoding="utf-8")
    marker = folder.parent / f"{folder.name}.marker"
    environment = dict(os.environ, PYTHONPATH=str(site), FI_MARKER=str(marker), **env)
    command = [sys.executable, "-m", "assemblint", "check", "d.assy", "--select", "FI", *args]
    process = subprocess.Popen(
        command,
        cwd=folder,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # not ignored, whatever pytest's parent did
    )
    deadline = time.monotonic() + 120
    while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    if process.poll() is None:
        assert marker.exists(), "the plugin never reached its sleep"
        process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def test_sigint_during_a_rule_exits_130_and_writes_nothing(site: Path, tmp_path: Path) -> None:
    result = interrupted(
        site, tmp_path, "--format", "json", "-o", "out.json", "--report", "sarif=out.sarif", FI_SLEEP="1"
    )
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.assy"]


def test_sigint_in_the_middle_of_a_write_leaves_no_partial_file(site: Path, tmp_path: Path) -> None:
    result = interrupted(site, tmp_path, "--format", "json", "-o", "out.json", FI_SLOW_WRITE="1")
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.assy"]  # no out.json, no temporary file


def test_sigint_in_the_middle_of_a_write_leaves_the_old_file_intact(site: Path, tmp_path: Path) -> None:
    (tmp_path / "out.json").write_text('{"old": true}\n', encoding="utf-8")
    result = interrupted(site, tmp_path, "--format", "json", "-o", "out.json", FI_SLOW_WRITE="1")
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "out.json").read_text(encoding="utf-8") == '{"old": true}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.assy", "out.json"]


def test_without_an_interrupt_the_same_run_writes_its_report(site: Path, tmp_path: Path) -> None:
    """The control for the three above: the plugin and the run work when nothing interrupts them."""
    (tmp_path / "d.assy").write_text(DESIGN, encoding="utf-8")
    environment = dict(os.environ, PYTHONPATH=str(site), FI_MARKER=str(tmp_path / "marker"))
    command = [
        sys.executable,
        "-m",
        "assemblint",
        "check",
        "d.assy",
        "--select",
        "FI",
        "--format",
        "json",
        "-o",
        "out.json",
    ]
    result = subprocess.run(command, cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr  # FI101 gives a warning; the run fails on errors
    report = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert [f["rule"] for f in report["findings"]] == ["FI101"]
