"""Rules in forked workers (checking/isolation.py): the same findings as in process, their objects
mapped back to the model's own, one worker per design while rules return cleanly.

The hostile cases (a worker that exits, dies, hangs or leaves a thread) are in
tests/plugins/test_hostile_plugin.py, end to end.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from assemblint.api import CheckOptions, check, check_files
from assemblint.checking import isolation
from assemblint.checking.budgets import Budget
from assemblint.checking.isolation import Execution
from assemblint.plugins.host import PluginHost
from assemblint.report.report import Report

EXAMPLES = Path(__file__).parents[2] / "examples"
VALID = [p for p in sorted(EXAMPLES.glob("*.assy")) if not p.name.startswith("broken")]


def findings(report: Report) -> str:
    return json.dumps(report.to_json()["findings"])


def outcomes(report: Report) -> dict[str, list[tuple[str, str, int]]]:
    return {rule: [(o.status, o.reason, o.findings) for o in each] for rule, each in report.outcomes.items()}


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return PluginHost.create()


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_every_rule_forked_gives_the_findings_of_every_rule_in_process(path: Path, host: PluginHost) -> None:
    here = check_files([path], CheckOptions(isolate="none"), host)
    forked = check_files([path], CheckOptions(isolate="all"), host)
    assert findings(forked) == findings(here)
    assert outcomes(forked) == outcomes(here)
    assert not forked.problems


def test_a_forked_findings_objects_are_the_models_own(host: PluginHost) -> None:
    path = EXAMPLES / "insulation-faults.assy"
    options = CheckOptions(isolate="all", keep_designs=True)
    report = check_files([path], options, host)
    (assembly,) = report.designs
    own = {id(o) for o in (*assembly.mass_groups, *assembly.pad_arrays, *assembly.net_groups, *assembly.elements)}
    members = [group for f in report.findings for group, _ in f.objects.members.values()]
    assert members and all(id(group) in own for group in members)


def test_one_worker_serves_the_rules_that_return_cleanly() -> None:
    pids: list[int] = []

    def job(crash: bool):
        def run() -> Execution:
            if crash:
                return Execution("crashed", "it failed", problem="it failed", output=str(os.getpid()))
            return Execution("ran", output=str(os.getpid()))

        return run

    out = isolation.run_forked([job(False), job(False), job(True), job(False)], Budget(), dict)
    pids = [int(e.output) for e in out]
    assert [e.status for e in out] == ["ran", "ran", "crashed", "ran"]
    assert pids[0] == pids[1] == pids[2] != pids[3]  # a crash retires the worker
    assert os.getpid() not in pids


def test_a_worker_that_ends_without_answering_is_reported_with_its_exit_code() -> None:
    def leaves() -> Execution:
        os._exit(7)

    (execution,) = isolation.run_forked([leaves], Budget(), dict)
    assert (execution.status, execution.reason) == (
        "crashed",
        "its worker process exited with code 7 before the rule returned (os._exit, or an exit in C code)",
    )


def test_the_python_api_isolates_plugins_by_default_and_refuses_an_unknown_mode() -> None:
    assert CheckOptions().isolate == "plugins"
    with pytest.raises(ValueError, match="isolate must be one of none, plugins, all, not 'some'"):
        CheckOptions(isolate="some")
    report = check(EXAMPLES / "containment.assy", isolate="all")
    assert report.findings and not report.problems


def test_answers_read_together_are_each_kept_for_their_rule() -> None:
    """A worker asked for every rule at once answers as fast as it can: several answers arrive in
    one read, and each is its own rule's."""

    def job(k: int):
        return lambda: Execution("ran", output=f"rule {k}")

    out = isolation.run_forked([job(k) for k in range(200)], Budget(), dict)
    assert [e.output for e in out] == [f"rule {k}" for k in range(200)]
