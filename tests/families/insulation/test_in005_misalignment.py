"""IN005 misalignment (plugins/assemblint_insulation/in005_misalignment.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
The cases the insulation rules share are in test_insulation_shared.py, the helpers in designs.py.
"""

from __future__ import annotations

import pytest
from assemblint_insulation._examples import STRAIGHT, design

from .designs import fired, line_of, two_pads


def test_in005_fires_on_a_mass_routed_to_the_pad_next_to_its_own(check_text) -> None:
    masses = (
        "masses m : SAC305 { joins die.c[0:3] -- sub.p[0:3]; diameter 100 um }\n"
        "mass x : SAC305 { joins die.c[3] -- sub.p[2]; diameter 100 um }"
    )
    text = design(masses)
    [finding] = fired(check_text, text, "IN005")
    assert finding.severity.value == "error"
    assert finding.object_names == ["x"]
    assert finding.count == 1
    assert finding.data == {
        "pairs": 1,
        "mass": "x",
        "pad": "sub.p[3]",  # under x, which sits at die.c[3]'s position on the interposer too
        "distance": 0.0,
        "footprint_radius": 60.0,
        "pad_radius": 50.0,
        "alignment_tolerance": 10.0,
    }
    assert "overlaps pad sub.p[3] of another electrical node on sub front" in finding.message
    assert "radius 50 µm + 10 µm tolerance" in finding.message
    assert finding.location.line == line_of(text, "mass x")


def test_in005_is_silent_on_the_straight_design(check_text) -> None:
    assert fired(check_text, design(STRAIGHT), "IN005") == []


@pytest.mark.parametrize(
    ("pitch", "deck", "fires"),
    [
        ("110 um", None, False),  # 50 + 10 + 50 = 110: touching passes
        ("109.9 um", None, True),
        ("110.1 um", None, False),
        ("100 um", '[rules.IN005]\nalignment_tolerance = "0 um"', False),
        ("99.9 um", '[rules.IN005]\nalignment_tolerance = "0 um"', True),
        ("110 um", '[rules.IN005]\nalignment_tolerance = "10.1 um"', True),
        ("109.9 um", '[rules.IN005]\nalignment_tolerance = "9.9 um"', False),
    ],
    ids=["touching", "overlap-0.1", "gap-0.1", "tol0-touching", "tol0-overlap", "deck-widens", "deck-narrows"],
)
def test_in005_boundary_and_alignment_tolerance(check_text, pitch, deck, fires) -> None:
    findings = fired(check_text, two_pads(pitch), "IN005", deck=deck)
    assert len(findings) == (1 if fires else 0)
    if fires:
        [finding] = findings
        assert finding.object_names == ["a"]
        assert finding.count == 2  # die.c[1] and sub.p[1], one pair each
        assert finding.data["distance"] == pytest.approx(float(pitch.split()[0]))


def test_in005_reports_the_numbers_that_decided(check_text) -> None:
    [finding] = fired(check_text, two_pads("109.9 um"), "IN005")
    assert finding.data["pairs"] == 2
    assert finding.data["footprint_radius"] == pytest.approx(60.0)
    assert finding.data["pad_radius"] == pytest.approx(50.0)
    assert finding.data["pad"] in ("die.c[1]", "sub.p[1]")
    assert "centres 109.9 µm apart, less than 110 µm" in finding.message


def test_in005_a_mass_over_a_pad_of_its_own_node_passes(check_text) -> None:
    connected = two_pads("100 um", die="; connect c[0] -- c[1]", sub="; connect p[0] -- p[1]")
    assert fired(check_text, connected, "IN005") == []
    one_side = two_pads("100 um", sub="; connect p[0] -- p[1]")  # die.c[1] still another node
    [finding] = fired(check_text, one_side, "IN005")
    assert (finding.count, finding.data["pad"]) == (1, "die.c[1]")


@pytest.mark.parametrize(("face", "fires"), [("front", True), ("back", False)])
def test_in005_counts_only_pads_on_the_face_the_mass_touches(check_text, face, fires) -> None:
    text = two_pads("500 um", sub=f"\n    pad t at (-200 um, 0 um) diameter 100 um face {face}")
    findings = fired(check_text, text, "IN005")
    assert len(findings) == (1 if fires else 0)
    if fires:
        assert findings[0].data["pad"] == "sub.t"
        assert findings[0].data["distance"] == pytest.approx(50.0)


def test_in005_places_the_mass_at_its_first_pad_on_both_elements(check_text) -> None:
    # a's first pad is sub.p[1] at x = 0; on the die it lands 100 µm from c[0] and from c[1]
    text = """use std
element die : chip { body silicon; pads c grid 1 x 2 pitch 200 um diameter 100 um }
element sub : interposer { body silicon; pads p grid 1 x 2 pitch 200 um origin (-200 um, 0 um) diameter 100 um }
mass a : SAC305 { joins sub.p[1] -- die.c[0]; diameter 100 um }
"""
    [finding] = fired(check_text, text, "IN005")
    assert (finding.data["pad"], finding.data["distance"]) == ("die.c[1]", pytest.approx(100.0))
