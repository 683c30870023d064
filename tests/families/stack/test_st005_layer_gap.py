"""ST005 layer-gap (plugins/assemblint_stack/st005_layer_gap.py): a layer not as thick as its place.

The base design (designs.py): gap 80 µm between the substrate's top and the die, bumps 80 µm high;
an underfill `u` between die and sub (line 5) of the given thickness.
"""

from __future__ import annotations

import pytest
from assemblint_stack.st005_layer_gap import UNDERFILL

from .designs import design, fired


def underfill(thickness: str) -> str:
    return design(extra=UNDERFILL.format(thickness) + "\n")


def test_st005_fires_on_a_thin_underfill_for_both_causes(check_text) -> None:
    findings = fired(check_text, underfill("60 um"), "ST005")
    assert [f.severity.value for f in findings] == ["warning", "warning"]
    masses, gap = sorted(findings, key=lambda f: "gap" in f.data)
    for finding in findings:
        assert finding.object_names == ["die", "sub"]
        assert finding.location.line == 5
    assert masses.data == {"layer": "u", "thickness": 60.0, "mass_height": 80.0, "masses": "b"}
    assert masses.message == (
        "layer u between die and sub is 60 µm thick, less than the 80 µm height of the masses b it "
        "surrounds: their tops stand out of it"
    )
    assert gap.data == {"layer": "u", "thickness": 60.0, "gap": 80.0, "difference": 20.0, "tolerance": 5.0}
    assert gap.message == (
        "layer u between die and sub is 60 µm thick, thinner than the 80 µm gap between sub's top and "
        "die's bottom: 20 µm apart, more than the 5 µm tolerance"
    )


@pytest.mark.parametrize(
    ("thickness", "causes"),
    [
        ("80 um", []),
        ("79.999 um", ["mass_height"]),
        ("85 um", []),
        ("85.001 um", ["gap"]),
        ("75 um", ["mass_height"]),
        ("74.999 um", ["gap", "mass_height"]),
    ],
)
def test_st005_boundaries_at_the_masses_height_and_the_gap_tolerance(check_text, thickness, causes) -> None:
    findings = fired(check_text, underfill(thickness), "ST005")
    assert sorted("gap" if "gap" in f.data else "mass_height" for f in findings) == causes


def test_st005_deck_tolerance(check_text) -> None:
    deck = '[rules.ST005]\ngap_tolerance = "6 um"'
    assert fired(check_text, underfill("85.001 um"), "ST005", deck=deck) == []
    [finding] = fired(check_text, underfill("86.5 um"), "ST005", deck=deck)
    assert finding.data["tolerance"] == 6.0
    assert "thicker than the 80 µm gap" in finding.message


def test_st005_a_layer_between_nothing_is_named_itself(check_text) -> None:
    gel = "layer g : silicone_gel { role encapsulant; surrounds b; thickness 50 um }\n"
    [finding] = fired(check_text, design(extra=gel), "ST005")
    assert finding.object_names == ["g"]
    assert finding.message.startswith("layer g is 50 µm thick, less than the 80 µm height of the masses b")


def test_st005_layers_without_thickness_or_masses_without_height_are_not_compared(check_text) -> None:
    assert fired(check_text, design(extra="layer u : underfill { role underfill; between die, sub }\n"), "ST005") == []
    text = design(mass="diameter 100 um", extra=UNDERFILL.format("60 um") + "\n")
    [finding] = fired(check_text, text, "ST005")  # the gap alone
    assert "gap" in finding.data
