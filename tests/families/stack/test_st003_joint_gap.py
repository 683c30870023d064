"""ST003 joint-gap (plugins/assemblint_stack/st003_joint_gap.py): bumps not as tall as their gap.

The base design (designs.py): the substrate's top at 1000 µm, the flipped die's lower face at its
z (1080 µm), bumps `b` (line 4) 80 µm high: gap 80 µm, difference 0.
"""

from __future__ import annotations

import pytest

from .designs import MASS, design, die, fired


def test_st003_fires_on_a_die_too_high(check_text) -> None:
    [finding] = fired(check_text, design(die=die("1100 um")), "ST003")
    assert finding.severity.value == "error"
    assert finding.object_names == ["b[0:4]"]
    assert finding.count == 4
    assert finding.location.line == 4
    assert finding.data == {
        "gap": 100.0,
        "height": 80.0,
        "difference": 20.0,
        "tolerance": 5.0,
        "lower": "sub",
        "upper": "die",
    }
    assert finding.message == (
        "masses b[0:4] are 80 µm high, shorter than the 100 µm gap between sub's top (1000 µm) and die's "
        "bottom (1100 µm): 20 µm apart, more than the 5 µm tolerance"
    )


def test_st003_fires_on_bumps_taller_than_the_gap(check_text) -> None:
    [finding] = fired(check_text, design(mass=MASS.replace("80 um", "100 um")), "ST003")
    assert finding.data["difference"] == 20.0
    assert "100 µm high, taller than the 80 µm gap" in finding.message


@pytest.mark.parametrize(
    ("z", "fires"),
    [("1085 um", False), ("1085.001 um", True), ("1075 um", False), ("1074.999 um", True), ("1.085 mm", False)],
)
def test_st003_boundary_a_difference_at_the_tolerance_passes(check_text, z, fires) -> None:
    findings = fired(check_text, design(die=die(z)), "ST003")
    assert bool(findings) is fires
    if fires:
        assert findings[0].data["difference"] == pytest.approx(5.001)


@pytest.mark.parametrize(("deck", "fires"), [('gap_tolerance = "20 um"', False), ('gap_tolerance = "19.9 um"', True)])
def test_st003_deck_tolerance(check_text, deck, fires) -> None:
    findings = fired(check_text, design(die=die("1100 um")), "ST003", deck=f"[rules.ST003]\n{deck}")
    assert bool(findings) is fires
    if fires:
        assert findings[0].data["tolerance"] == 19.9


def test_st003_says_it_cannot_check_masses_without_height(check_text) -> None:
    [finding] = fired(check_text, design(die=die("1100 um"), mass="diameter 100 um"), "ST003")
    assert (finding.severity.value, finding.object_names, finding.count) == ("info", ["b[0:4]"], 4)
    assert finding.data == {"gap": 100.0, "height": None, "lower": "sub", "upper": "die"}
    assert finding.message == (
        "masses b[0:4] have no `height`: the 100 µm gap between sub's top and die's bottom cannot be checked "
        "against them"
    )


def test_st003_skips_elements_without_height(check_text) -> None:
    assert fired(check_text, design(die=die("")), "ST003") == []
    assert fired(check_text, design(die=die("1100 um", size="5 mm x 5 mm")), "ST003") == []


def test_st003_the_upper_element_may_be_declared_first(check_text) -> None:
    # The substrate above the die (an upside-down description): the gap is still top to bottom.
    text = design(sub="body BT; size 12 mm x 12 mm x 1 mm; z 1000 um; flip", die=die("0 um", more=""))
    # die: 0…750 µm, sub: 1000…2000 µm: gap 250 µm against 80 µm bumps
    [finding] = fired(check_text, text, "ST003")
    assert (finding.data["lower"], finding.data["upper"], finding.data["gap"]) == ("die", "sub", 250.0)
