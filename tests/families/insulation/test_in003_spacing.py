"""IN003 spacing (plugins/assemblint_insulation/in003_spacing.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
The cases the insulation rules share are in test_insulation_shared.py, the helpers in designs.py.
"""

from __future__ import annotations

import pytest
from assemblint_insulation._examples import STRAIGHT, design

from .designs import fired, line_of, two_pads, with_die_connect


def test_in003_fires_on_a_row_too_close_counting_each_adjacent_pair(check_text) -> None:
    text = design(STRAIGHT, pitch="110 um")
    [finding] = fired(check_text, text, "IN003")
    assert finding.severity.value == "error"
    assert finding.object_names == ["m[0:4]"]
    assert finding.count == 3  # m0-m1, m1-m2, m2-m3, each once although they meet on die and sub
    assert finding.data["pairs"] == 3
    assert finding.data["min_distance"] == pytest.approx(10.0)
    assert finding.data["min_spacing"] == pytest.approx(20.0)
    assert finding.data["closest"] == ["m[0]", "m[1]"]
    assert finding.data["face"] in ("die front", "sub front")
    assert "3 pairs" in finding.message and "10 µm apart edge to edge" in finding.message
    assert "closer than 20 µm" in finding.message
    assert (finding.location.line, finding.location.column) == (line_of(text, "masses m"), 8)


def test_in003_is_silent_at_the_default_pitch(check_text) -> None:
    assert fired(check_text, design(STRAIGHT), "IN003") == []


@pytest.mark.parametrize(
    ("pitch", "deck", "fires"),
    [
        ("120 um", None, False),  # 20 µm edge to edge: exactly min_spacing passes
        ("119.9 um", None, True),  # 19.9 µm
        ("120 um", '[rules.IN003]\nmin_spacing = "20.1 um"', True),
        ("110 um", '[rules.IN003]\nmin_spacing = "10 um"', False),
        ("110 um", '[rules.IN003]\nmin_spacing = "10.1 um"', True),
    ],
    ids=["gap-equals-limit", "gap-below-limit", "deck-raises-limit", "deck-lowers-limit", "deck-just-above-gap"],
)
def test_in003_boundary_and_min_spacing(check_text, pitch, deck, fires) -> None:
    findings = fired(check_text, design(STRAIGHT, pitch=pitch), "IN003", deck=deck)
    assert len(findings) == (1 if fires else 0)
    if fires:
        assert findings[0].count == 3


def test_in003_gap_just_below_the_limit_is_reported_with_its_value(check_text) -> None:
    [finding] = fired(check_text, design(STRAIGHT, pitch="119.9 um"), "IN003")
    assert finding.data["min_distance"] == pytest.approx(19.9)
    assert "19.9 µm apart edge to edge" in finding.message


def test_in003_reports_an_overlap_as_a_negative_distance(check_text) -> None:
    [finding] = fired(check_text, design(STRAIGHT, pitch="90 um"), "IN003")
    assert finding.data["min_distance"] == pytest.approx(-10.0)
    assert "overlap by 10 µm" in finding.message
    assert finding.count == 3


def test_in003_counts_the_four_adjacent_pairs_of_a_2x2_grid(check_text) -> None:
    text = design(STRAIGHT, pitch="110 um").replace("grid 1 x 4", "grid 2 x 2")
    [finding] = fired(check_text, text, "IN003")
    assert (finding.count, finding.data["pairs"]) == (4, 4)  # the diagonals are 55.6 µm apart
    assert finding.object_names == ["m[0:4]"]


def test_in003_single_pair_message_names_both_masses(check_text) -> None:
    text = design(STRAIGHT.replace("die.c[*] -- sub.p[*]", "die.c[0:2] -- sub.p[0:2]"), pitch="110 um")
    [finding] = fired(check_text, text, "IN003")
    assert finding.count == 1
    assert finding.message.startswith("m[0] and m[1], on different electrical nodes, are 10 µm apart edge to edge")


def test_in003_masses_on_one_node_through_a_connect_never_fire(check_text) -> None:
    text = with_die_connect(design(STRAIGHT, pitch="90 um"), "connect c[0:3] -- c[1:4]")
    assert fired(check_text, text, "IN003") == []


def test_in003_two_masses_on_one_pad_never_fire(check_text) -> None:
    text = two_pads("500 um") + "mass b : SAC305 { joins die.c[0] -- sub.p[0]; diameter 100 um }\n"
    assert fired(check_text, text, "IN003") == []


def _two_dies_on_a_board(board: str) -> str:
    return f"""use std
element d1 : chip {{ body silicon; position (-1 mm, 0 mm); pads c grid 1 x 2 pitch 500 um diameter 100 um }}
element d2 : chip {{ body silicon; position (-0.39 mm, 0 mm); pads c grid 1 x 2 pitch 500 um diameter 100 um }}
{board}
"""


def test_in003_compares_masses_of_two_dies_on_the_board_face_they_share(check_text) -> None:
    text = _two_dies_on_a_board(
        "element board : circuit_board { body fr4; pads q at (-1.25 mm, 0 mm), (-0.75 mm, 0 mm), "
        "(-0.64 mm, 0 mm), (-0.14 mm, 0 mm) diameter 100 um }\n"
        "masses a : SAC305 { joins d1.c[*] -- board.q[0:2]; diameter 100 um }\n"
        "masses b : SAC305 { joins d2.c[*] -- board.q[2:4]; diameter 100 um }"
    )
    [finding] = fired(check_text, text, "IN003")
    assert finding.object_names == ["a[1]", "b[0]"]
    assert finding.count == 1
    assert finding.data["face"] == "board front"
    assert finding.data["min_distance"] == pytest.approx(10.0)


def test_in003_masses_with_no_element_in_common_are_not_compared(check_text) -> None:
    text = _two_dies_on_a_board(
        "element b1 : circuit_board { body fr4; pads q at (-1.25 mm, 0 mm), (-0.75 mm, 0 mm) diameter 100 um }\n"
        "element b2 : circuit_board { body fr4; pads q at (-0.64 mm, 0 mm), (-0.14 mm, 0 mm) diameter 100 um }\n"
        "masses a : SAC305 { joins d1.c[*] -- b1.q[*]; diameter 100 um }\n"
        "masses b : SAC305 { joins d2.c[*] -- b2.q[*]; diameter 100 um }"
    )
    assert fired(check_text, text, "IN003") == []


@pytest.mark.parametrize(("face", "fires"), [("front", True), ("back", False)])
def test_in003_compares_masses_only_on_the_same_face_of_an_element(check_text, face, fires) -> None:
    # a touches the sheet's front; b touches the sheet's pad t, on `face`; both sit at (0, 0)
    text = f"""use std
element die : chip {{ body silicon; pad c at (0 um, 0 um) diameter 100 um }}
element sheet : dielectric_sheet {{ body polyimide; pad p at (0 um, 0 um) diameter 100 um
    pad t at (0 um, 0 um) diameter 100 um face {face} }}
element board : circuit_board {{ body fr4; pad q at (0 um, 0 um) diameter 100 um }}
mass a : SAC305 {{ joins die.c -- sheet.p; diameter 100 um }}
mass b : SAC305 {{ joins sheet.t -- board.q; diameter 100 um }}
"""
    findings = fired(check_text, text, "IN003")
    assert len(findings) == (1 if fires else 0)
    if fires:
        assert findings[0].data["face"] == "sheet front"
        assert findings[0].data["min_distance"] == pytest.approx(-100.0)


def test_in003_compares_masses_on_a_back_face_they_share(check_text) -> None:
    text = """use std
element sheet : dielectric_sheet { body polyimide; pads t at (0 um, 0 um), (110 um, 0 um) diameter 100 um face back }
element board : circuit_board { body fr4; pads q at (0 um, 0 um), (110 um, 0 um) diameter 100 um }
masses b : SAC305 { joins sheet.t[*] -- board.q[*]; diameter 100 um }
"""
    [finding] = fired(check_text, text, "IN003")
    assert finding.count == 1
    assert finding.data["face"] in ("sheet back", "board front")


@pytest.mark.parametrize("later", ["k", "m"])
def test_in003_points_at_the_later_declared_mass_of_a_pair_across_statements(check_text, later) -> None:
    # m[1] (at 200 µm) and k (at 310 µm) are 10 µm apart; m[0] is 100 µm from m[1]
    m = "masses m : SAC305 { joins die.c[0:2] -- sub.p[0:2]; diameter 100 um }"
    k = "mass k : SAC305 { joins die.c[2] -- sub.p[2]; diameter 100 um }"
    statements = f"{m}\n{k}" if later == "k" else f"{k}\n{m}"
    text = f"""use std
element die : chip {{ body silicon; pads c at (0 um, 0 um), (200 um, 0 um), (310 um, 0 um) diameter 100 um }}
element sub : interposer {{ body silicon; pads p at (0 um, 0 um), (200 um, 0 um), (310 um, 0 um) diameter 100 um }}
{statements}
"""
    [finding] = fired(check_text, text, "IN003")
    assert finding.object_names == ["k", "m[1]"]
    assert finding.count == 1
    assert finding.location.line == line_of(text, f"mass{'es' if later == 'm' else ''} {later} ")


def test_in003_points_at_a_cell_mass_declared_after_a_top_level_mass(check_text) -> None:
    text = """use std
element board : circuit_board { body fr4; pad q at (110 um, 0 um) diameter 100 um }
mass early : SAC305 { joins units[0].chip.c[1] -- board.q; diameter 100 um }
cell Unit {
    element chip : chip { body silicon; pads c at (0 um, 0 um), (110 um, 0 um) diameter 100 um }
    element sheet : dielectric_sheet { body polyimide; pad p at (0 um, 0 um) diameter 100 um }
    mass m : SAC305 { joins chip.c[0] -- sheet.p; diameter 100 um }
}
place units : Unit grid 1 x 1 pitch 5 mm
"""
    [finding] = fired(check_text, text, "IN003")
    assert finding.object_names == ["early", "units[0].m"]
    assert finding.location.line == line_of(text, "mass m ")  # declared after `early` (line 3)
