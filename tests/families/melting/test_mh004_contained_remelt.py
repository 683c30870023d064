"""MH004 contained-remelt (plugins/assemblint_melting/mh004_contained_remelt.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
Last, the right answers of issue 14: a mold contains remelted bumps as an underfill does (seed 004).
The cases the melting rules share are in test_melting_shared.py, the designs in designs.py.
"""

from __future__ import annotations

import pytest
from assemblint_melting._examples import EUTECTIC

from assemblint import Severity

from ..designs import design_with
from .designs import FILL, GEL, JOIN, LAYER, design, findings, line_of, only


def test_mh004_lists_a_remelt_inside_a_containing_layer(check_text):
    text = design(EUTECTIC, JOIN, FILL, "step mount { kind reflow; peak 245 C }", extra=GEL + "\n" + LAYER)
    report = check_text(text, select=("MH003", "MH004"))
    assert findings(report, "MH003") == []
    f = only(report, "MH004")
    assert f.severity is Severity.INFO
    assert (f.object_names, f.count) == (["b[0:4]"], 4)
    assert f.location.line == line_of(text, "masses b")
    assert (f.data["step"], f.data["step_temp"], f.data["melting_temp"]) == ("mount", 245, 183)
    assert (f.data["joined_at"], f.data["layer"], f.data["layer_rated_to"]) == ("join", "g", 400)
    assert "245 °C" in f.message and "183 °C" in f.message and "layer g" in f.message and "400 °C" in f.message


@pytest.mark.parametrize(("peak", "fires"), [(245, True), (183, True), (182.9, False), (170, False)])
def test_mh004_remelt_boundary(check_text, peak, fires):
    text = design(EUTECTIC, JOIN, FILL, f"step mount {{ kind reflow; peak {peak} C }}", extra=GEL + "\n" + LAYER)
    report = check_text(text, select=("MH003", "MH004"))
    assert [f.rule for f in report.findings] == (["MH004"] if fires else [])


def test_mh004_a_layer_present_from_the_start_contains_the_remelt(check_text):
    text = design(EUTECTIC, JOIN, "step mount { kind reflow; peak 245 C }", extra=GEL + "\n" + LAYER)
    report = check_text(text, select=("MH003", "MH004"))
    assert [(f.rule, f.object_names) for f in report.findings] == [("MH004", ["b[0:4]"])]


SEED_004 = """masses b {
    joins die.c[*] -- sub.p[*]
    region core  : Pb95Sn5 on die
    region joint : Sn63Pb37 on sub
    height 40 um
}"""


@pytest.mark.parametrize("role", ["mold", "underfill"])
def test_a_seed_004_mold_contains_remelted_bumps_as_an_underfill_does(check_text, role):
    layer = f"layer m : mold_compound {{ role {role}; between die, sub; thickness 100 um }}"
    text = design_with(
        SEED_004,
        "step join { kind reflow; peak 215 C }",
        "step molding { kind inject; temp 175 C; forms m }",
        "step mount { kind reflow; peak 245 C }",
        layers=layer,
    )
    report = check_text(text, select=("MH003", "MH004"))
    assert [(f.rule, f.severity.value) for f in report.findings] == [("MH004", "info")]
    assert report.findings[0].count == 4
