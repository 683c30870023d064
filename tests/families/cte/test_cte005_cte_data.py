"""CTE005 cte-data (plugins/assemblint_cte/cte005_cte_data.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
The cases the CTE rules share are in test_cte_shared.py, the designs in designs.py.
"""

from __future__ import annotations

import pytest

from .designs import CTE, LAYERS, MYSTERY, REFLOW, design, findings, line_of, masses, only, summary


def test_cte005_reports_a_rigidly_joined_element_without_any_cte(check_text):
    text = design(board="body mystery;", extra=MYSTERY)
    report = check_text(text, select=CTE)
    assert summary(report) == [("CTE005", "warning")]  # CTE001–CTE003 cannot decide
    f = only(report, "CTE005")
    assert (f.object_names, f.count, f.data["missing"]) == (["board"], 1, "cte")
    assert f.location.line == line_of(text, "element board")
    assert f.message.startswith("board is rigidly joined to die but has no CTE")


def test_cte005_reports_rigid_joints_without_a_height_by_their_masses(check_text):
    text = design(joints=masses(height=""))
    report = check_text(text, select=CTE)
    assert summary(report) == [("CTE001", "warning"), ("CTE005", "warning")]  # no strain, no life
    f = only(report, "CTE005")
    assert (f.object_names, f.count, f.data["missing"]) == (["s[0:9]"], 9, "height")
    assert f.location.line == line_of(text, "masses s")
    assert "the rigid joints s[0:9] between die–board have no `height`" in f.message


def test_cte005_reports_the_mold_and_dielectric_layers_cte004_cannot_compare(check_text):
    layers = """material emc { kind polymer; dielectric }
material film { kind polymer; dielectric }
layer mo : emc { role mold; between die, board; thickness 100 um }
layer dl : film { role dielectric; between die, board; thickness 150 um }"""
    text = design(extra=layers)
    report = check_text(text, select=("CTE004", "CTE005"))
    assert findings(report, "CTE004") == []
    found = sorted(findings(report, "CTE005"), key=lambda f: f.location.line)
    assert [(f.object_names, f.data["missing"]) for f in found] == [(["mo"], "cte"), (["dl"], "cte")]
    assert [f.location.line for f in found] == [line_of(text, "layer mo"), line_of(text, "layer dl")]
    assert "mo has no CTE: CTE004 cannot compare the mold and dielectric layers of die" in found[0].message


def test_cte005_is_quiet_on_a_complete_design(check_text):
    text = design(extra=LAYERS.format(mold="8 ppm/K", dielectric="17 ppm/K"))
    assert findings(check_text(text, select=("CTE005",)), "CTE005") == []


@pytest.mark.parametrize("decoupling", ["liquid", "flexible-lead"])
def test_cte005_says_nothing_of_a_decoupled_pair_missing_cte_and_height(check_text, decoupling):
    if decoupling == "liquid":
        joints, extra = masses("SnBiPbInCd50", height=""), MYSTERY
        steps = "step reflow { kind reflow; peak 80 C; forms s }"
    else:
        joints, extra = masses(height=""), f"{MYSTERY}\nleads l : copper {{ from die.c[*] to s[*]; shape s }}"
        steps = REFLOW
    text = design(die="body mystery;", board="body mystery;", joints=joints, extra=extra, steps=steps)
    assert findings(check_text(text, select=("CTE005",)), "CTE005") == []
