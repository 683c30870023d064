"""CT004 container-thickness (plugins/assemblint_containment/ct004_container_thickness.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
Last, the right answers of issue 14: a layer thinner than the masses it contains. The cases the
containment rules share are in test_containment_shared.py, the designs in designs.py.
"""

from __future__ import annotations

import pytest

from ..designs import design_with
from .designs import LAYER, LAYER_COLUMN, LAYER_LINE, design, fired, of


def test_ct004_fires_on_a_thick_containing_layer(check_text) -> None:
    [finding] = fired(check_text, design(layer=LAYER.replace("100 um", "300 um")), "CT004")
    assert finding.severity.value == "warning"
    assert finding.object_names == ["g"]
    assert finding.count == 1
    assert (finding.location.line, finding.location.column) == (LAYER_LINE, LAYER_COLUMN)
    assert finding.data == {"thickness": 300.0, "min_thickness": 50.0, "max_thickness": 250.0}
    assert "300 µm" in finding.message
    assert "250 µm" in finding.message
    assert "thicker" in finding.message


def range_findings(findings: list) -> list:
    """CT004's findings about the thickness range (not those about the contained masses' height)."""
    return [f for f in findings if "min_thickness" in f.data]


def test_ct004_fires_on_a_thin_containing_layer(check_text) -> None:
    [finding] = range_findings(fired(check_text, design(layer=LAYER.replace("100 um", "20 um")), "CT004"))
    assert finding.data == {"thickness": 20.0, "min_thickness": 50.0, "max_thickness": 250.0}
    assert "20 µm" in finding.message
    assert "50 µm" in finding.message
    assert "thinner" in finding.message


def test_ct004_is_silent_within_the_range(check_text) -> None:
    assert fired(check_text, design(), "CT004") == []


@pytest.mark.parametrize(
    ("thickness", "fires"),
    [("50 um", False), ("250 um", False), ("49.9 um", True), ("250.1 um", True), ("0.25 mm", False)],
)
def test_ct004_boundary_the_ends_of_the_range_pass(check_text, thickness, fires) -> None:
    findings = range_findings(fired(check_text, design(layer=LAYER.replace("100 um", thickness)), "CT004"))
    assert bool(findings) is fires


@pytest.mark.parametrize(
    ("deck", "thickness", "fires"),
    [
        ('min_thickness = "120 um"', "100 um", True),
        ('min_thickness = "100 um"', "100 um", False),
        ('max_thickness = "80 um"', "100 um", True),
        ('max_thickness = "400 um"', "300 um", False),
        ('min_thickness = "10 um"', "20 um", False),
    ],
)
def test_ct004_deck_thickness_limits(check_text, deck, thickness, fires) -> None:
    findings = range_findings(
        fired(check_text, design(layer=LAYER.replace("100 um", thickness)), "CT004", deck=f"[rules.CT004]\n{deck}")
    )
    assert bool(findings) is fires
    if fires:
        name, value = deck.split(" = ")
        assert findings[0].data[name] == float(value.strip('"').split()[0])


def test_ct004_a_layer_without_thickness_is_left_to_ct006(check_text) -> None:
    report = check_text(design(layer="role compliant; between chip, sheet"), select=("CT004", "CT006"))
    assert of(report, "CT004") == []
    [finding] = of(report, "CT006")
    assert finding.data == {"missing": "thickness"}
    assert finding.object_names == ["g"]


GEL_LIQUID = "material gel { kind compliant; dielectric; modulus 0.3 MPa; service -65 C .. 200 C }"


@pytest.mark.parametrize(("height", "fires"), [("100 um", False), ("100.5 um", True), ("80 um", False)])
def test_ct004_a_layer_thinner_than_the_masses_it_contains(check_text, height, fires):
    masses = f"masses m : SnBiPbInCd50 {{ joins die.c[*] -- sub.p[*]; height {height} }}"
    layer = "layer g : gel { role compliant; between die, sub; thickness 100 um }"
    text = design_with(
        masses, "step join { kind reflow; peak 75 C }", "operate 40 C .. 85 C", extra=GEL_LIQUID, layers=layer
    )
    findings = check_text(text, select=("CT004",)).findings
    assert bool(findings) is fires
    if fires:
        (finding,) = findings
        assert finding.object_names == ["g"] and finding.data["mass_height"] == 100.5
        assert "100 µm thick, less than the 100.5 µm height of the masses m it contains" in finding.message
