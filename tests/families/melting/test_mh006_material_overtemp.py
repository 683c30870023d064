"""MH006 material-overtemp (plugins/assemblint_melting/mh006_material_overtemp.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
The cases the melting rules share are in test_melting_shared.py, the designs in designs.py.
"""

from __future__ import annotations

import pytest
from assemblint_melting._examples import EUTECTIC

from assemblint import Severity

from .designs import FILL, JOIN, cell_design, cell_masses, design, findings, line_of, masses, only


def test_mh006_fires_when_a_step_goes_above_a_layer_materials_service_range(check_text):
    layer = "layer g : silicone_gel { role compliant; between die, sub; thickness 100 um }"
    text = design(EUTECTIC, JOIN, "operate 0 C .. 70 C", extra=layer)
    f = only(check_text(text, select=("MH006",)), "MH006")
    assert f.severity is Severity.ERROR
    assert (f.object_names, f.count) == (["g"], 1)
    assert f.location.line == line_of(text, "layer g")
    assert f.data == {"moment": "join", "temp": 215, "limit": 200, "material": "silicone_gel"}
    assert "215 °C" in f.message and "200 °C" in f.message and "silicone_gel" in f.message


def test_mh006_passes_when_steps_and_ranges_stay_inside_the_service_range(check_text):
    layer = "layer g : silicone_gel { role compliant; between die, sub; thickness 100 um }"
    text = design(masses("Sn42Bi58"), "step join { kind reflow; peak 150 C }", "operate 0 C .. 70 C", extra=layer)
    assert findings(check_text(text, select=("MH006",)), "MH006") == []


@pytest.mark.parametrize(("peak", "fires"), [(200, False), (200.1, True)])
def test_mh006_step_boundary_at_the_top_of_the_service_range(check_text, peak, fires):
    layer = "layer g : silicone_gel { role compliant; between die, sub; thickness 100 um }"
    text = design(EUTECTIC, f"step join {{ kind reflow; peak {peak} C }}", extra=layer)
    found = findings(check_text(text, select=("MH006",)), "MH006")
    assert [(f.data["temp"], f.data["limit"]) for f in found] == ([(200.1, 200)] if fires else [])


@pytest.mark.parametrize(
    ("service_line", "expected"),
    [
        ("operate -45 C .. 200 C", None),
        ("operate -45.1 C .. 70 C", ("operate", -45.1, -45)),
        ("operate 0 C .. 200.1 C", ("operate", 200.1, 200)),
        ("store -45 C .. 200 C", None),
        ("store -55 C .. 60 C", ("store", -55, -45)),
        ("store -40 C .. 210 C", ("store", 210, 200)),
        ("cycle -45 C .. 200 C count 1000", None),
        ("cycle -50 C .. 125 C count 1000", ("cycle", -50, -45)),
        ("cycle 0 C .. 200.1 C count 1000", ("cycle", 200.1, 200)),
    ],
)
def test_mh006_operate_store_and_cycle_ranges_against_the_service_range(check_text, service_line, expected):
    layer = "layer g : silicone_gel { role compliant; between die, sub; thickness 100 um }"
    text = design(masses("Sn42Bi58"), "step join { kind reflow; peak 150 C }", service_line, extra=layer)
    found = findings(check_text(text, select=("MH006",)), "MH006")
    assert [(f.data["moment"], f.data["temp"], f.data["limit"]) for f in found] == ([expected] if expected else [])
    if expected:
        assert f"{expected[1]:g} °C" in found[0].message and f"{expected[2]:g} °C" in found[0].message


@pytest.mark.parametrize(("low", "fires"), [(-45, False), (-45.1, True)])
def test_mh006_a_step_range_going_below_the_service_range(check_text, low, fires):
    layer = "layer g : silicone_gel { role compliant; between die, sub; thickness 100 um }"
    text = design(
        masses("Sn42Bi58"),
        "step join { kind reflow; peak 150 C }",
        f"step chill {{ kind test; temp {low} C .. 25 C }}",
        extra=layer,
    )
    found = findings(check_text(text, select=("MH006",)), "MH006")
    assert [(f.data["moment"], f.data["temp"], f.data["limit"]) for f in found] == (
        [("chill", -45.1, -45)] if fires else []
    )
    if fires:
        assert "-45.1 °C" in found[0].message and "-45 °C" in found[0].message


def test_mh006_a_layer_formed_after_the_hot_step_is_not_exposed_to_it(check_text):
    layer = "layer g : silicone_gel { role compliant; between die, sub; thickness 100 um }"
    formed_later = design(EUTECTIC, JOIN, FILL, extra=layer)
    assert findings(check_text(formed_later, select=("MH006",)), "MH006") == []
    formed_first = design(EUTECTIC, FILL, JOIN, extra=layer)
    assert only(check_text(formed_first, select=("MH006",)), "MH006").data["moment"] == "join"


@pytest.mark.parametrize(
    ("material", "peak", "limit"),
    [
        ("material ep { kind polymer; dielectric; max_temp 150 C }", 150, None),
        ("material ep { kind polymer; dielectric; max_temp 150 C }", 150.1, 150),
        ("material ep { kind polymer; dielectric; service -40 C .. 200 C; max_temp 180 C }", 190, 180),
    ],
    ids=["max-temp-exactly", "max-temp-exceeded", "lower-of-service-top-and-max-temp"],
)
def test_mh006_max_temp_of_a_layer_material(check_text, material, peak, limit):
    extra = material + "\nlayer u : ep { role underfill; between die, sub; thickness 50 um }"
    text = design(masses("Sn42Bi58"), f"step join {{ kind reflow; peak {peak} C }}", extra=extra)
    found = findings(check_text(text, select=("MH006",)), "MH006")
    assert [(f.object_names, f.data["limit"]) for f in found] == ([(["u"], limit)] if limit else [])
    if limit == 150:
        assert "max_temp" in found[0].message


def test_mh006_cells_give_one_finding_for_every_instance_of_a_layer(check_text):
    layer = "layer g : silicone_gel { role compliant; between chip, sheet; thickness 100 um }"
    text = cell_design(cell_masses("Sn63Pb37"), JOIN, layer=layer)
    f = only(check_text(text, select=("MH006",)), "MH006")
    assert (f.object_names, f.count, f.data["temp"], f.data["limit"]) == (["units[0:6].g"], 6, 215, 200)
