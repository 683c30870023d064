"""A rule cannot touch the run's streams or state (issue 16, item 3): what it prints, through
Python or straight to file descriptors 1 and 2, is kept as its output in the report and never
mixed into a format's stream; the working directory, the environment and the signal handlers it
changes are put back before the next rule runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from conftest import OTHER_PLUGINS

import assemblint
from assemblint.plugins.host import PluginHost

DESIGN = """use std
element die : chip { body silicon; pads c grid 1 x 2 pitch 1 mm diameter 100 um }
"""

# A driver run in a subprocess, so that writes to the real file descriptors 1 and 2 are seen.
DRIVER = """
import os, signal, sys
import assemblint
from assemblint import cli
from assemblint.plugins.host import PluginHost

@assemblint.rule(id="AAA001", name="noisy", severity=assemblint.Severity.WARNING, doc="prints and moves")
def noisy(ctx):
    print("::error file=x::injected by a rule")
    sys.stderr.write("a rule's stderr\\n")
    os.write(1, b"::warning::straight to fd 1\\n")
    os.write(2, b"straight to fd 2\\n")
    os.chdir("/")
    os.environ["ASSEMBLINT_RULE_WAS_HERE"] = "1"
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    yield ctx.finding("noisy ran", objects=ctx.assembly.elements[0])

@assemblint.rule(id="AAA002", name="observer", severity=assemblint.Severity.INFO, doc="reports the state it sees")
def observer(ctx):
    state = [os.getcwd(), os.environ.get("ASSEMBLINT_RULE_WAS_HERE", "-"), str(signal.getsignal(signal.SIGTERM))]
    yield ctx.finding("observed " + " | ".join(state), objects=ctx.assembly.elements[0])

class Plugin:
    @assemblint.hookimpl
    def assemblint_rules(self):
        return [noisy, observer]

cli._host = lambda flags: PluginHost.create(disable={disabled!r}, extra=[("noisy", Plugin())])
sys.exit(cli.main(sys.argv[1:]))
"""


def run(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    for name in ("a.assy", "b.assy"):
        (tmp_path / name).write_text(DESIGN, encoding="utf-8")
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER.format(disabled=OTHER_PLUGINS), encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(driver), "check", ".", *argv], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )


def test_json_on_stdout_stays_json_and_keeps_the_rules_output(tmp_path: Path) -> None:
    done = run(tmp_path, "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)  # nothing the rule printed is in the stream
    assert done.stderr == ""
    (noisy,) = [r for r in report["rules"] if r["id"] == "AAA001"]
    for text in ("::error file=x::injected by a rule", "a rule's stderr", "straight to fd 1", "straight to fd 2"):
        assert text in noisy["output"]
    assert "a.assy:" in noisy["output"] and "b.assy:" in noisy["output"]  # two designs: each one's output named


def test_the_next_rule_and_the_next_design_see_the_state_put_back(tmp_path: Path) -> None:
    done = run(tmp_path, "--format", "json", "-o", "r.json")
    assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))  # written where the user meant
    observed = [f["message"] for f in report["findings"] if f["rule"] == "AAA002"]
    assert observed == [f"observed {tmp_path.resolve()} | - | {signal.Handlers.SIG_DFL!s}"] * 2  # both designs
    assert {f["location"]["path"] for f in report["findings"]} == {"a.assy", "b.assy"}


def test_github_output_holds_no_workflow_command_the_rule_printed(tmp_path: Path) -> None:
    done = run(tmp_path, "--format", "github")
    assert done.returncode == 0, done.stderr
    assert "injected by a rule" not in done.stdout and "straight to fd 1" not in done.stdout
    commands = [line for line in done.stdout.splitlines() if line.startswith("::")]
    assert len(commands) == 4  # one per finding: AAA001 and AAA002 on two designs
    assert all("noisy ran" in line or "observed" in line for line in commands)


def test_in_process_the_rule_output_is_in_its_status(tmp_path: Path) -> None:
    @assemblint.rule(id="TST300", name="printer", severity=assemblint.Severity.WARNING, doc="x")
    def printer(ctx):
        print("hello")
        return []

    class Plugin:
        @assemblint.hookimpl
        def assemblint_rules(self):
            return [printer]

    path = tmp_path / "d.assy"
    path.write_text(DESIGN, encoding="utf-8")
    cwd = os.getcwd()
    report = assemblint.check(path, host=PluginHost.create(disable=OTHER_PLUGINS, extra=[("p", Plugin())]))
    (status,) = [r for r in report.rule_statuses() if r["id"] == "TST300"]
    assert (status["status"], status["output"]) == ("ran", "hello\n")
    assert os.getcwd() == cwd
