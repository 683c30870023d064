"""Rules of one large design shared with a forked helper (checking/sharing.py, `--jobs 2`): each
rule runs once, here or in the helper, and the report is the serial run's, byte for byte; a helper
that dies or hangs costs time, never a finding."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from assemblint.api import CheckOptions, check_files
from assemblint.checking import sharing
from assemblint.checking.budgets import Budget
from assemblint.checking.isolation import Execution
from assemblint.plugins.host import PluginHost
from assemblint.report.report import Report

EXAMPLES = Path(__file__).parents[2] / "examples"
VALID = [p for p in sorted(EXAMPLES.glob("*.assy")) if not p.name.startswith("broken")]


def answers(report: Report) -> str:
    out = report.to_json()
    return json.dumps({key: out[key] for key in ("findings", "summary", "errors", "rules")})


@pytest.fixture
def every_design_shared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sharing, "SHARE_MIN_OBJECTS", 0)


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return PluginHost.create()


def job(seconds: float = 0.0, parent: int = -1):
    """A rule's run that sleeps, then says where it ran; in process `parent`'s helper it exits."""

    def run() -> Execution:
        if os.getpid() != parent and parent != -1:
            os._exit(9)
        time.sleep(seconds)
        return Execution("ran", output=str(os.getpid()))

    return run


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_shared_rules_give_the_serial_report(path: Path, host: PluginHost, every_design_shared: None) -> None:
    serial = check_files([path], CheckOptions(), host)
    shared = check_files([path], CheckOptions(jobs=2), host)
    assert answers(shared) == answers(serial)
    assert not shared.problems


def test_each_job_runs_once_on_one_side_and_comes_back_in_order() -> None:
    out = sharing.run_shared([job(0.05) for _ in range(8)], Budget(), dict)
    pids = [int(e.output) for e in out]
    assert [e.status for e in out] == ["ran"] * 8
    assert len(set(pids)) == 2 and os.getpid() in pids  # both sides took rules


def test_the_rules_of_a_helper_that_dies_run_here() -> None:
    me = os.getpid()
    out = sharing.run_shared([job(0.05, parent=me) for _ in range(6)], Budget(), dict)
    assert [e.status for e in out] == ["ran"] * 6
    assert {int(e.output) for e in out} == {me}


def test_a_helper_silent_past_the_time_budget_is_given_up_and_its_rule_runs_here(monkeypatch) -> None:
    monkeypatch.setattr("assemblint.checking.isolation.GRACE", 0.1)
    me = os.getpid()

    def hangs_in_the_helper() -> Execution:
        if os.getpid() != me:
            time.sleep(60)
        return Execution("ran", output=str(os.getpid()))

    started = time.perf_counter()
    out = sharing.run_shared([hangs_in_the_helper, job(0.3)], Budget(seconds=0.2), dict)
    assert time.perf_counter() - started < 5
    assert [int(e.output) for e in out] == [me, me]


def test_small_designs_and_single_rules_are_not_shared() -> None:
    assert not sharing.worth_sharing(sharing.SHARE_MIN_OBJECTS - 1, 30)
    assert not sharing.worth_sharing(sharing.SHARE_MIN_OBJECTS, 1)
    assert sharing.worth_sharing(sharing.SHARE_MIN_OBJECTS, 2)
