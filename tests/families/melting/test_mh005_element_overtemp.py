"""MH005 element-overtemp (plugins/assemblint_melting/mh005_element_overtemp.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
The cases the melting rules share are in test_melting_shared.py, the designs in designs.py.
"""

from __future__ import annotations

import pytest
from assemblint_melting._examples import EUTECTIC

from assemblint import Severity

from .designs import JOIN, cell_design, cell_masses, design, findings, line_of, only


def test_mh005_fires_when_a_step_exceeds_an_elements_max_temp(check_text):
    text = design(EUTECTIC, JOIN, "step mount { kind reflow; peak 265 C }", die="max_temp 260 C; ")
    f = only(check_text(text, select=("MH005",)), "MH005")
    assert f.severity is Severity.ERROR
    assert (f.object_names, f.count) == (["die"], 1)
    assert f.location.line == line_of(text, "element die")
    assert f.data == {"step": "mount", "step_temp": 265, "max_temp": 260}
    assert "265 °C" in f.message and "260 °C" in f.message and "5 K above" in f.message


def test_mh005_passes_when_every_step_stays_at_or_below_max_temp(check_text):
    text = design(EUTECTIC, JOIN, "step mount { kind reflow; peak 245 C }", die="max_temp 260 C; ")
    assert findings(check_text(text, select=("MH005",)), "MH005") == []


@pytest.mark.parametrize(("peak", "fires"), [(260, False), (260.1, True)])
def test_mh005_max_temp_boundary(check_text, peak, fires):
    text = design(EUTECTIC, f"step join {{ kind reflow; peak {peak} C }}", die="max_temp 260 C; ")
    found = findings(check_text(text, select=("MH005",)), "MH005")
    assert [f.data["step_temp"] for f in found] == ([260.1] if fires else [])
    if fires:
        assert "260.1 °C" in found[0].message and "0.1 K above" in found[0].message


def test_mh005_gives_one_finding_per_overheating_step(check_text):
    text = design(
        EUTECTIC,
        "step join { kind reflow; peak 270 C }",
        "step mount { kind reflow; peak 265 C }",
        die="max_temp 260 C; ",
    )
    found = findings(check_text(text, select=("MH005",)), "MH005")
    assert sorted((f.data["step"], f.data["step_temp"]) for f in found) == [("join", 270), ("mount", 265)]


def test_mh005_uses_the_range_top_of_a_temp_range_step(check_text):
    text = design(EUTECTIC, JOIN, "step bake { kind anneal; temp 25 C .. 230 C }", sub="max_temp 220 C; ")
    f = only(check_text(text, select=("MH005",)), "MH005")  # the 215 °C join is fine
    assert (f.object_names, f.data["step"], f.data["step_temp"]) == (["sub"], "bake", 230)


def test_mh005_an_element_is_exposed_to_the_step_that_forms_it(check_text):
    text = design(EUTECTIC, JOIN, "step place { kind reflow; peak 210 C; forms sub }", sub="max_temp 200 C; ")
    f = only(check_text(text, select=("MH005",)), "MH005")  # not at `join` (215 °C), before sub exists
    assert (f.object_names, f.data["step"], f.data["step_temp"]) == (["sub"], "place", 210)


def test_mh005_cells_give_one_finding_for_every_instance_of_an_element(check_text):
    text = cell_design(cell_masses("Sn63Pb37"), JOIN, chip="max_temp 200 C; ")
    f = only(check_text(text, select=("MH005",)), "MH005")
    assert (f.object_names, f.count, f.data["step_temp"], f.data["max_temp"]) == (["units[0:6].chip"], 6, 215, 200)
