"""ST004 pad-outside (plugins/assemblint_stack/st004_pad_outside.py): pads past their element's edge.

The base design (designs.py): the die's outline is ±2.5 mm about the origin, its pads a 2 × 2 grid
(±250 µm) of 100 µm circles.
"""

from __future__ import annotations

import pytest

from .designs import design, die, fired


def test_st004_fires_on_pads_past_the_die_edge(check_text) -> None:
    # Pitch 4.95 mm: centres at ±2475 µm, edges at ±2525 µm, 25 µm past the ±2500 µm outline.
    [finding] = fired(check_text, design(die_pads="grid 2 x 2 pitch 4.95 mm diameter 100 um"), "ST004")
    assert finding.severity.value == "error"
    assert finding.object_names == ["die.c[0:4]"]
    assert finding.count == 4
    assert finding.location.line == 3
    assert finding.data == {
        "element": "die",
        "outline": [-2500.0, -2500.0, 2500.0, 2500.0],
        "worst_pad": "die.c[0]",
        "outside": 25.0,
        "pads": 4,
    }
    assert finding.message == (
        "pads die.c[0:4] lie partly outside the 5000 µm × 5000 µm outline of die: die.c[0] by 25 µm"
    )


@pytest.mark.parametrize(("pitch", "fires"), [("4.9 mm", False), ("4.9002 mm", True), ("4900 um", False)])
def test_st004_boundary_a_pad_touching_the_edge_is_inside(check_text, pitch, fires) -> None:
    # Pitch 4.9 mm: centres ±2450 µm, edges at ±2500 µm exactly; 4.9002 mm: 0.1 µm past.
    findings = fired(check_text, design(die_pads=f"grid 2 x 2 pitch {pitch} diameter 100 um"), "ST004")
    assert bool(findings) is fires
    if fires:
        assert findings[0].data["outside"] == pytest.approx(0.1)


def test_st004_only_the_pads_outside_are_named(check_text) -> None:
    # The die flipped at (0.1 mm, 0): outline x −2400…2600 µm. Its grid at 4.8 mm pitch (own x ±2400 µm,
    # mirrored, then shifted: −2300 and 2500, edges −2350 and 2550) is inside; the pad e written at
    # (2.49 mm, 0) lands at −2490 + 100 = −2390 µm, its edge at −2440: 40 µm past the left side.
    pads = "grid 2 x 2 pitch 4.8 mm diameter 100 um; pad e at (2.49 mm, 0 mm) diameter 100 um"
    text = design(die=die(more="; flip; position (0.1 mm, 0 mm)"), die_pads=pads)
    [finding] = fired(check_text, text, "ST004")
    assert finding.object_names == ["die.e"]
    assert finding.count == 1
    assert finding.data["outside"] == pytest.approx(40.0)
    assert finding.data["worst_pad"] == "die.e"
    assert finding.data["outline"] == [-2400.0, -2500.0, 2600.0, 2500.0]


def test_st004_the_outline_and_the_pads_turn_together(check_text) -> None:
    # A 5 × 3 mm die: a grid 4 mm apart in x and 1 mm in y is inside (±2050 µm of ±2500, ±550 of ±1500),
    # turned 90° too (both turn); 4 mm apart in y (±2050 of ±1500) is 550 µm outside, turned or not.
    size = "5 mm x 3 mm x 0.75 mm"
    along = "grid 2 x 2 pitch 4 mm x 1 mm diameter 100 um"
    across = "grid 2 x 2 pitch 1 mm x 4 mm diameter 100 um"
    for more in ("; flip", "; flip; rotate 90"):
        assert fired(check_text, design(die=die(size=size, more=more), die_pads=along), "ST004") == []
        [finding] = fired(check_text, design(die=die(size=size, more=more), die_pads=across), "ST004")
        assert finding.data["outside"] == pytest.approx(550.0)


def test_st004_elements_without_size_and_pads_without_diameter(check_text) -> None:
    no_size = "body silicon; z 1080 um; flip"
    assert fired(check_text, design(die=no_size, die_pads="grid 2 x 2 pitch 9 mm diameter 100 um"), "ST004") == []
    # A pad without a diameter is a point: at 2.5 mm it is on the edge (inside), at 2.501 mm outside.
    point = "grid 2 x 2 pitch 500 um diameter 100 um; pad e at ({} mm, 0 mm)"
    assert fired(check_text, design(die_pads=point.format(2.5)), "ST004") == []
    [finding] = fired(check_text, design(die_pads=point.format(2.501)), "ST004")
    assert finding.data["outside"] == pytest.approx(1.0)
