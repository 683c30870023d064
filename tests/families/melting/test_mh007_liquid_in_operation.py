"""MH007 liquid-in-operation (plugins/assemblint_melting/mh007_liquid_in_operation.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
The cases the melting rules share are in test_melting_shared.py, the designs in designs.py.
"""

from __future__ import annotations

import pytest

from assemblint import Severity

from .designs import LOW_JOIN, LOW_MELT, design, findings, line_of, only


def test_mh007_lists_masses_liquid_in_the_operating_range(check_text):
    text = design(LOW_MELT, LOW_JOIN, "operate 40 C .. 85 C")
    f = only(check_text(text, select=("MH007",)), "MH007")
    assert f.severity is Severity.INFO
    assert (f.object_names, f.count) == (["b[0:4]"], 4)
    assert f.location.line == line_of(text, "masses b")
    assert f.data == {"operate_high": 85, "melting_temp": 50, "material": "SnBiPbInCd50"}
    assert "85 °C" in f.message and "50 °C" in f.message


def test_mh007_passes_when_the_operating_range_stays_below_the_melting_point(check_text):
    assert findings(check_text(design(LOW_MELT, LOW_JOIN, "operate 0 C .. 45 C"), select=("MH007",)), "MH007") == []


@pytest.mark.parametrize(("top", "fires"), [(50, True), (49.9, False)], ids=["reaches-melting", "just-below"])
def test_mh007_operating_top_boundary(check_text, top, fires):
    report = check_text(design(LOW_MELT, LOW_JOIN, f"operate 0 C .. {top} C"), select=("MH007",))
    assert [f.data["operate_high"] for f in findings(report, "MH007")] == ([50] if fires else [])


@pytest.mark.parametrize(
    ("die", "sub", "operate_high"),
    [
        ("operating 40 C .. 85 C; ", "operating -20 C .. 30 C; ", 85),
        ("operating 0 C .. 45 C; ", "operating -20 C .. 30 C; ", None),
        ("", "", None),
    ],
    ids=["union-reaches-melting", "union-below-melting", "no-operating-range-at-all"],
)
def test_mh007_default_operating_range_is_the_union_of_the_elements_ranges(check_text, die, sub, operate_high):
    text = design(LOW_MELT, LOW_JOIN, die=die, sub=sub)
    found = findings(check_text(text, select=("MH007",)), "MH007")
    assert [f.data["operate_high"] for f in found] == ([operate_high] if operate_high else [])
    if operate_high:
        assert "-20 °C .. 85 °C" in found[0].message


def test_mh007_store_and_cycle_ranges_are_not_the_operating_range(check_text):
    text = design(LOW_MELT, LOW_JOIN, "operate 0 C .. 45 C", "store -40 C .. 60 C", "cycle -40 C .. 125 C count 100")
    assert findings(check_text(text, select=("MH007",)), "MH007") == []
