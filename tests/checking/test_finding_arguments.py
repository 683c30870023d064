"""A malformed `ctx.finding` call is the rule's fault (issue 16, item 4): every argument is checked at
the call, the rule is reported as crashed with a message naming the rule and the argument, and the
other rules' findings stand (exit 3), never a traceback from the core's aggregation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import OTHER_PLUGINS

import assemblint
from assemblint.plugins.host import PluginHost

DESIGN = """use std
element die : chip { body silicon; pads c grid 1 x 2 pitch 1 mm diameter 100 um }
"""


def report_with(tmp_path: Path, **arguments):
    @assemblint.rule(id="TST100", name="malformed", severity=assemblint.Severity.WARNING, doc="x")
    def malformed(ctx):
        yield ctx.finding(**{"message": "bad", **arguments})

    @assemblint.rule(id="TST101", name="sound", severity=assemblint.Severity.WARNING, doc="x")
    def sound(ctx):
        yield ctx.finding("a sound finding", objects=ctx.assembly.elements[0])

    class Plugin:
        @assemblint.hookimpl
        def assemblint_rules(self):
            return [malformed, sound]

    path = tmp_path / "d.assy"
    path.write_text(DESIGN, encoding="utf-8")
    host = PluginHost.create(disable=OTHER_PLUGINS, extra=[("tst", Plugin())])
    return assemblint.check(path, host=host)


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"message": 123}, "`message` must be a text (str), got int 123"),
        ({"cause": ["a"]}, "`cause` must be a text (str) or None, got list ['a']"),
        ({"severity": "fatal"}, "`severity` must be a Severity or one of error, warning, info, got str 'fatal'"),
        ({"count": -1}, "`count` must be a whole number of 0 or more, or None, got int -1"),
        ({"count": 2.5}, "`count` must be a whole number of 0 or more, or None, got float 2.5"),
        ({"location": 42}, "`location` must be a Location or an object of the design (with a `.loc`), got int 42"),
        ({"data": [1, 2]}, "`data` must be a mapping of names to numbers, texts, lists or mappings, got list [1, 2]"),
        ({"data": {"x": object}}, "`data['x']` must be a number, text, bool, None, list or mapping, got type"),
        ({"data": {"x": np.zeros(2)}}, "`data['x']` must be a number, text, bool, None, list or mapping, got ndarray"),
    ],
)
def test_a_malformed_finding_crashes_its_rule_with_the_argument_named(tmp_path, arguments, words):
    report = report_with(tmp_path, **arguments)
    assert report.exit_code == 3
    (problem,) = report.problems
    assert (problem.plugin, problem.rule) == ("tst", "TST100")
    assert f"rule TST100: ctx.finding(): {words}" in problem.message
    assert [f.rule for f in report.findings] == ["TST101"]  # the other rule's finding stands


def test_plain_data_numpy_scalars_and_counts_are_accepted(tmp_path):
    report = report_with(
        tmp_path,
        data={"x": np.float64(1.5), "n": np.int64(3), "v": [1, "a", None], "m": {"k": True}},
        count=np.int64(2),
    )
    assert report.problems == []
    assert sorted(f.rule for f in report.findings) == ["TST100", "TST101"]
