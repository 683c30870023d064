"""Waivers matched through an index (issue 17): the same answer as pattern by pattern, whatever the
number of patterns; a blank reason refused in the design; a waiver of WV001 or WV002 reported unused."""

from __future__ import annotations

import datetime as dt

import hypothesis.strategies as st
from assemblint_waivers._examples import REMELT
from hypothesis import given, settings

from assemblint.base.diagnostics import Location
from assemblint.checking import waivers
from assemblint.checking.findings import Finding, Objects
from assemblint.checking.rules import Severity
from assemblint.model.assembly import Waiver
from benchmarks.pathological import many_patterns

TODAY = dt.date(2026, 1, 1)
NAMES = st.sampled_from(["m", "b", "units"])
INDEX = st.one_of(
    st.none(),
    st.just("*"),
    st.integers(0, 6).map(str),
    st.tuples(st.integers(0, 6), st.integers(0, 7)).map(lambda r: f"{r[0]}:{r[1]}"),
    st.integers(0, 6).map(lambda lo: f"{lo}:"),
)
NAME = st.lists(st.tuples(NAMES, INDEX), min_size=1, max_size=2).map(
    lambda parts: ".".join(n if i is None else f"{n}[{i}]" for n, i in parts)
)


def finding(rule: str, names: list[str]) -> Finding:
    where = Location("d.assy", 1, 1)
    return Finding(rule, "name", Severity.ERROR, "x", where, Objects(), {}, "", object_names=names)


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(patterns=st.lists(NAME, min_size=1, max_size=6), names=st.lists(NAME, min_size=1, max_size=3))
def test_the_index_covers_what_the_patterns_cover_one_by_one(patterns, names) -> None:
    index = waivers._Patterns(patterns)
    for name in names:
        assert index.cover(name, waivers.segments(name)) is waivers.covered_together(patterns, name), (patterns, name)


@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(
    rules=st.lists(st.sampled_from(["MH003", "IN002"]), min_size=1, max_size=4),
    patterns=st.lists(st.lists(NAME, min_size=1, max_size=4), min_size=4, max_size=4),
    objects=st.lists(st.lists(NAME, min_size=0, max_size=3), min_size=1, max_size=6),
)
def test_apply_marks_what_waives_marks_with_the_first_waiver_that_covers(rules, patterns, objects) -> None:
    given_waivers = [
        Waiver(r, p, "ok", None, None, Location("d.assy", n + 1, 1))
        for n, (r, p) in enumerate(zip(rules, patterns, strict=False))
    ]
    findings = [finding("MH003" if k % 2 else "IN002", names) for k, names in enumerate(objects)]
    uses = waivers.apply(findings, given_waivers, TODAY)
    for made in findings:
        first = next((w for w in given_waivers if waivers.waives(w, made)), None)
        assert made.waived is (first is not None)
        assert made.waiver == (waivers.describe(first) if first else None)
    expected = [
        sum(any(waivers.waives(w, f) for w in given_waivers[:n]) is False and waivers.waives(w, f) for f in findings)
        for n, w in enumerate(given_waivers)
    ]
    assert [u.matched for u in uses] == expected


def test_ten_thousand_patterns_waive_each_finding_by_its_own_pattern() -> None:
    patterns = [f"io[{k}]" for k in reversed(range(10_000))]
    waiver = Waiver("IN002", patterns, "ok", None, None, Location("d.assy", 1, 1))
    findings = [finding("IN002", [f"io[{k}]"]) for k in range(400)] + [finding("IN002", ["io[10000]"])]
    (use,) = waivers.apply(findings, [waiver], TODAY)
    assert use.matched == 400
    assert [f.waived for f in findings] == [True] * 400 + [False]


def test_the_pathological_waiver_design_waives_its_open_nets(check_text) -> None:
    report = check_text(many_patterns(300, findings=12), select=["IN002", "WV"])
    assert [f.rule for f in report.findings] == ["IN002"] * 12
    assert all(f.waived for f in report.findings)
    assert report.findings[0].message == "net io[0] is split into 2 separate groups: die.c[0]; sub.p[0]"


def test_a_blank_reason_is_an_error_in_the_design(language_errors) -> None:
    for reason in ('""', '"   "'):
        (error,) = language_errors(REMELT + f"waive MH003 on b[*] because {reason}\n")
        assert (error.code, error.location.line, error.location.column) == ("E008", 10, 7)
        assert error.message == "a waiver must give its reason: `because` is blank"


def test_a_waiver_of_the_waiver_rules_is_reported_unused(check_text) -> None:
    text = REMELT + 'waive WV002 on b[*] because "noise"\nwaive WV001 on b[0] because "noise"\n'
    report = check_text(text, select=["MH003", "WV"])
    unused = [f for f in report.findings if f.rule == "WV002"]
    assert [f.location.line for f in unused] == [10, 11]
    assert unused[0].message == (
        "the waiver `waive WV002 on b[*]` matched no finding of WV002: remove it or correct its patterns"
    )
    assert unused[1].data == {"rule": "WV001", "patterns": ["b[0]"]}
