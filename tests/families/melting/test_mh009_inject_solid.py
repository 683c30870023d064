"""MH009 inject-solid (plugins/assemblint_melting/mh009_inject_solid.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
The cases the melting rules share are in test_melting_shared.py, the designs in designs.py.
"""

from __future__ import annotations

import pytest

from assemblint import Severity

from .designs import FILL, GEL, LAYER, design, findings, line_of, masses, only

MH009_MASSES = masses("SnBiPbInCd55")
MH009_JOIN = "step join { kind reflow; peak 75 C }"


def test_mh009_warns_when_a_cure_step_melts_masses_inside_the_layer(check_text):
    text = design(MH009_MASSES, MH009_JOIN, FILL, "step cure { kind cure; peak 60 C }", extra=GEL + "\n" + LAYER)
    f = only(check_text(text, select=("MH009",)), "MH009")
    assert f.severity is Severity.WARNING
    assert (f.object_names, f.count) == (["b[0:4]"], 4)
    assert f.location.line == line_of(text, "masses b")
    assert f.data == {"step": "cure", "step_temp": 60, "melting_temp": 55, "layer": "g"}
    assert "60 °C" in f.message and "55 °C" in f.message and "cured" in f.message


def test_mh009_passes_a_cure_below_the_melting_point(check_text):
    text = design(MH009_MASSES, MH009_JOIN, FILL, "step cure { kind cure; peak 45 C }", extra=GEL + "\n" + LAYER)
    assert findings(check_text(text, select=("MH009",)), "MH009") == []


@pytest.mark.parametrize(("peak", "fires"), [(55, True), (54.9, False)], ids=["reaches-melting", "just-below"])
def test_mh009_boundary_reaching_the_melting_point_fires(check_text, peak, fires):
    text = design(MH009_MASSES, MH009_JOIN, FILL, f"step cure {{ kind cure; peak {peak} C }}", extra=GEL + "\n" + LAYER)
    assert [f.data["step_temp"] for f in findings(check_text(text, select=("MH009",)), "MH009")] == (
        [55] if fires else []
    )


@pytest.mark.parametrize(
    ("kind", "fires"), [("inject", True), ("cure", True), ("reflow", False), ("test", False), ("anneal", False)]
)
def test_mh009_only_inject_and_cure_steps_count(check_text, kind, fires):
    step = f"step hot {{ kind {kind}; temp 25 C .. 60 C }}"
    text = design(MH009_MASSES, MH009_JOIN, FILL, step, extra=GEL + "\n" + LAYER)
    found = findings(check_text(text, select=("MH009",)), "MH009")
    assert [(f.data["step"], f.data["step_temp"]) for f in found] == ([("hot", 60)] if fires else [])
    if kind == "inject":
        assert "injected" in found[0].message


def test_mh009_the_forming_inject_step_itself_counts(check_text):
    text = design(MH009_MASSES, MH009_JOIN, "step fill { kind inject; temp 60 C; forms g }", extra=GEL + "\n" + LAYER)
    assert only(check_text(text, select=("MH009",)), "MH009").data["step"] == "fill"


def test_mh009_a_layer_formed_after_the_cure_step_does_not_count(check_text):
    text = design(MH009_MASSES, MH009_JOIN, "step cure { kind cure; peak 60 C }", FILL, extra=GEL + "\n" + LAYER)
    assert findings(check_text(text, select=("MH009",)), "MH009") == []


def test_mh009_only_masses_the_layer_surrounds(check_text):
    layer = "layer g : gel { role compliant; between die, sub; thickness 100 um; surrounds c }"
    text = design(
        MH009_MASSES + "\nmasses c : Sn63Pb37 { joins die.d[*] -- sub.q[*]; height 80 um }",
        "step join { kind reflow; peak 215 C }",
        FILL,
        "step cure { kind cure; peak 60 C }",
        die="pads d at (2 mm, 0 mm), (2.3 mm, 0 mm) diameter 120 um; ",
        sub="pads q at (2 mm, 0 mm), (2.3 mm, 0 mm) diameter 120 um; ",
        extra=GEL + "\n" + layer,
    )
    assert findings(check_text(text, select=("MH009",)), "MH009") == []
