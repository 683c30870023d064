"""The insulation rules IN001–IN006 (CHECKS.md, seed 003), from small `.assy` texts.

Each rule fires on a small design (id, severity, objects, count, data, message) and is silent on
the corrected one; the limits hold exactly ("a value exactly at a limit passes") and the deck
parameters move them; the electrical nodes come from masses, leads and element `connect`s; the
geometry compares masses only on a face they share; cells give one finding for all instances;
the documentation examples behave as documented; and a 90,000-mass grid gives exact pair counts.

Most designs are the rules' own documentation design (`_examples.design`): a die over an
interposer, each with one 1 x 4 row of 100 µm pads, joined by 100 µm masses.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from assemblint_insulation import RULES, _geometry
from assemblint_insulation._examples import NETS, STRAIGHT, design
from assemblint_insulation._nets import pad_names
from assemblint_insulation.in001_short import CROSSED
from assemblint_insulation.in002_open import MISSING
from assemblint_insulation.in004_insulator import PLAIN_GLUE, SILVER_GLUE
from assemblint_insulation.in006_unjoined_mass import BUMPS
from hypothesis import given, settings
from hypothesis import strategies as st

import assemblint
from assemblint import Severity, falls_short
from assemblint.checking.context import RuleContext

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "insulation-faults.assy"
SEP = " — "  # between the nodes of a short's path


def of(report, rule: str) -> list:
    """The findings of one rule, in report order."""
    return [f for f in report.findings if f.rule == rule]


def fired(check_text, text: str, rule: str, deck: str | None = None) -> list:
    """Run one rule on a design and return its findings."""
    return of(check_text(text, deck=deck, select=(rule,)), rule)


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line of `text` containing `needle`."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def two_pads(pitch: str, *, die: str = "", sub: str = "", mass: str = "diameter 100 um") -> str:
    """A die over an interposer, a 1 x 2 row of 100 µm pads each, one mass `a` on pads [0]."""
    return f"""use std
element die : chip {{ body silicon; pads c grid 1 x 2 pitch {pitch} diameter 100 um{die} }}
element sub : interposer {{ body silicon; pads p grid 1 x 2 pitch {pitch} diameter 100 um{sub} }}
mass a : SAC305 {{ joins die.c[0] -- sub.p[0]; {mass} }}
"""


def with_die_connect(text: str, connect: str) -> str:
    """`text` (a `design(...)`) with `connect …` added to the die."""
    head, tail = text.split("\nelement sub", 1)
    assert head.endswith(" }")
    return f"{head[:-2]}; {connect} }}\nelement sub{tail}"


# ============================================================================= the shared example
def test_insulation_faults_example_gives_in001_to_in005_as_errors_and_no_in006(check_text) -> None:
    report = check_text(EXAMPLE.read_text(encoding="utf-8"))
    found = {f.rule: f for f in report.findings if f.rule.startswith("IN")}
    assert sorted(f.rule for f in report.findings if f.rule.startswith("IN")) == [
        "IN001",
        "IN002",
        "IN003",
        "IN004",
        "IN005",
    ]
    assert {f.severity.value for f in found.values()} == {"error"}
    assert found["IN001"].object_names == ["n[8:10]"]
    assert found["IN001"].data["paths"] == [f"die.c[8]{SEP}x{SEP}sub.p[9]"]
    assert found["IN002"].object_names == ["n[8]"]
    assert found["IN002"].data["groups"] == ["die.c[8]", "sub.p[8]"]
    assert (found["IN003"].object_names, found["IN003"].count) == (["z[0:4]"], 4)
    assert found["IN003"].data["min_distance"] == pytest.approx(10.0)
    assert found["IN004"].object_names == ["glue"]
    assert (found["IN005"].object_names, found["IN005"].data["pad"]) == (["x"], "sub.p[8]")


# ============================================================================= IN001 short
def test_in001_fires_on_a_mass_routed_to_the_neighbouring_pad(check_text) -> None:
    text = design(CROSSED, nets=NETS)
    [finding] = fired(check_text, text, "IN001")
    assert finding.severity.value == "error"
    assert finding.object_names == ["n[2:4]"]
    assert finding.count == 2
    assert finding.data == {"nets": ["n[2]", "n[3]"], "paths": [f"die.c[2]{SEP}x{SEP}sub.p[3]"]}
    assert "nets n[2] and n[3] are on one electrical node" in finding.message
    assert f"die.c[2]{SEP}x{SEP}sub.p[3]" in finding.message
    assert finding.location.line == line_of(text, "nets n")


def test_in001_is_silent_on_the_straight_design(check_text) -> None:
    assert fired(check_text, design(STRAIGHT, nets=NETS), "IN001") == []


def test_in001_path_names_the_lead_that_shorts_two_nets(check_text) -> None:
    leads = STRAIGHT + "\nleads l : copper { from die.c[0] to m[1]; shape s }"
    [finding] = fired(check_text, design(leads, nets="nets n { die.c[*] }\n"), "IN001")
    assert finding.object_names == ["n[0:2]"]
    assert finding.data["paths"] == [f"die.c[0]{SEP}l[0]{SEP}m[1]{SEP}die.c[1]"]


def test_in001_path_crosses_an_element_connect(check_text) -> None:
    text = with_die_connect(design(STRAIGHT, nets=NETS), "connect c[1] -- c[2]")
    [finding] = fired(check_text, text, "IN001")
    assert finding.object_names == ["n[1:3]"]
    assert finding.data["paths"] == [f"die.c[1]{SEP}die.c[2]"]


def test_in001_three_nets_on_one_node_give_one_finding_with_a_path_to_each(check_text) -> None:
    masses = STRAIGHT + (
        "\nmass x : SAC305 { joins die.c[0] -- sub.p[1]; diameter 100 um }"
        "\nmass y : SAC305 { joins die.c[1] -- sub.p[2]; diameter 100 um }"
    )
    nets = "net A { die.c[0] }\nnet B { sub.p[1] }\nnet C { die.c[2] }\n"
    text = design(masses, nets=nets)
    [finding] = fired(check_text, text, "IN001")
    assert finding.object_names == ["A", "B", "C"]
    assert finding.count == 3
    assert finding.data["nets"] == ["A", "B", "C"]
    assert finding.data["paths"] == [
        SEP.join(["die.c[0]", "x", "sub.p[1]"]),
        SEP.join(["die.c[0]", "x", "sub.p[1]", "m[1]", "die.c[1]", "y", "sub.p[2]", "m[2]", "die.c[2]"]),
    ]
    assert finding.message.startswith("nets A, B and C are on one electrical node: ")
    assert finding.location.line == line_of(text, "net A")


def test_in001_lists_every_net_but_spells_out_three_paths(check_text) -> None:
    nets = "".join(f"net {name} {{ die.c[{i}] }}\n" for i, name in enumerate("ABCDE"))
    text = f"""use std
element die : chip {{ body silicon; pads c grid 1 x 5 pitch 200 um diameter 100 um; connect c[0:4] -- c[1:5] }}
{nets}"""
    [finding] = fired(check_text, text, "IN001")
    assert finding.data["nets"] == ["A", "B", "C", "D", "E"]
    assert finding.data["paths"] == [SEP.join(f"die.c[{k}]" for k in range(n + 1)) for n in (1, 2, 3)]
    assert finding.message.endswith("(and 1 more paths)")


def test_in001_ignores_a_short_between_pins_of_no_net(check_text) -> None:
    assert fired(check_text, design(CROSSED, nets="nets n { die.c[0:2], sub.p[0:2] }\n"), "IN001") == []


# ============================================================================= IN002 open
def test_in002_fires_on_a_net_whose_mass_is_missing(check_text) -> None:
    text = design(MISSING, nets=NETS)
    [finding] = fired(check_text, text, "IN002")
    assert finding.severity.value == "error"
    assert finding.object_names == ["n[3]"]
    assert finding.count == 1
    assert finding.data == {"net": "n[3]", "groups": ["die.c[3]", "sub.p[3]"]}
    assert finding.message == "net n[3] is split into 2 separate groups: die.c[3]; sub.p[3]"
    assert finding.location.line == line_of(text, "nets n")


def test_in002_is_silent_on_the_straight_design(check_text) -> None:
    assert fired(check_text, design(STRAIGHT, nets=NETS), "IN002") == []


def test_in002_lists_each_group_of_connected_pins(check_text) -> None:
    masses = "masses m : SAC305 { joins die.c[0:2] -- sub.p[0:2]; diameter 100 um }"
    text = design(masses, nets="net A { die.c[0], die.c[1], sub.p[0], sub.p[3] }\n")
    [finding] = fired(check_text, text, "IN002")
    assert finding.object_names == ["A"]
    assert sorted(finding.data["groups"]) == ["die.c[0], sub.p[0]", "die.c[1]", "sub.p[3]"]
    assert "net A is split into 3 separate groups" in finding.message


def test_in002_a_net_joined_through_an_element_connect_is_not_open(check_text) -> None:
    masses = "masses m : SAC305 { joins die.c[*] -- sub.p[*]; diameter 100 um }"
    text = design(masses, nets="net A { die.c[2], die.c[3] }\n")
    assert len(fired(check_text, text, "IN002")) == 1  # without the connect: open
    assert fired(check_text, with_die_connect(text, "connect c[2] -- c[3]"), "IN002") == []


def test_in002_pins_named_in_no_net_are_free(check_text) -> None:
    text = design(MISSING, nets="nets n { die.c[0:3], sub.p[0:3] }\n")  # die.c[3], sub.p[3] unjoined
    assert fired(check_text, text, "IN002") == []


# ============================================================================= IN003 spacing
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


# ============================================================================= IN004 insulator
def test_in004_fires_on_a_conductive_layer_around_masses_of_different_nodes(check_text) -> None:
    text = design(STRAIGHT, extra=SILVER_GLUE)
    [finding] = fired(check_text, text, "IN004")
    assert finding.severity.value == "error"
    assert finding.object_names == ["glue"]
    assert finding.count == 1
    assert finding.data == {"material": "silver_epoxy", "masses": 4, "nodes": 4}
    assert finding.message == (
        "layer glue surrounds 4 masses on 4 electrical nodes, and its material silver_epoxy is not a "
        "dielectric: it connects them"
    )
    assert finding.location.line == line_of(text, "layer glue")


def test_in004_is_silent_on_the_plain_epoxy_design(check_text) -> None:
    assert fired(check_text, design(STRAIGHT, extra=PLAIN_GLUE), "IN004") == []


@pytest.mark.parametrize(
    "material",
    ["kind dielectric; cte 50 ppm/K", "kind compliant; dielectric; modulus 0.3 MPa"],
    ids=["kind-dielectric", "dielectric-flag"],
)
def test_in004_a_dielectric_layer_around_masses_of_different_nodes_passes(check_text, material) -> None:
    extra = f"material ins {{ {material} }}\nlayer glue : ins {{ role compliant; between die, sub; thickness 60 um }}\n"
    assert fired(check_text, design(STRAIGHT, extra=extra), "IN004") == []


def test_in004_a_conductive_layer_around_masses_of_one_node_passes(check_text) -> None:
    text = with_die_connect(design(STRAIGHT, extra=SILVER_GLUE), "connect c[0:3] -- c[1:4]")
    assert fired(check_text, text, "IN004") == []


@pytest.mark.parametrize(("surrounds", "fires"), [("m[0]", False), ("m[1:3]", True)])
def test_in004_counts_only_the_masses_the_layer_surrounds(check_text, surrounds, fires) -> None:
    extra = SILVER_GLUE.replace("thickness 60 um", f"thickness 60 um; surrounds {surrounds}")
    findings = fired(check_text, design(STRAIGHT, extra=extra), "IN004")
    assert len(findings) == (1 if fires else 0)
    if fires:
        assert findings[0].data == {"material": "silver_epoxy", "masses": 2, "nodes": 2}


# ============================================================================= IN005 misalignment
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


# ============================================================================= IN006 unjoined-mass
def test_in006_fires_on_one_sided_masses(check_text) -> None:
    text = design(BUMPS)
    [finding] = fired(check_text, text, "IN006")
    assert finding.severity.value == "warning"
    assert finding.object_names == ["m[0:4]"]
    assert finding.count == 4
    assert finding.data == {"elements": 1}
    assert (
        finding.message == "m[0:4] join pads of one element only (die): a bump that nothing joins to a second element"
    )
    assert finding.location.line == line_of(text, "masses m")


def test_in006_fires_on_masses_joining_two_pads_of_one_element(check_text) -> None:
    text = design(
        "masses m : SAC305 { joins die.c[0:2] -- sub.p[0:2]; diameter 100 um }\n"
        "mass k : SAC305 { joins die.c[2] -- die.c[0]; diameter 100 um }"
    )
    [finding] = fired(check_text, text, "IN006")
    assert finding.object_names == ["k"]
    assert finding.count == 1
    assert finding.data == {"elements": 1}
    assert finding.message == "k join two pads of the same element (die)"
    assert finding.location.line == line_of(text, "mass k")


def test_in006_is_silent_on_masses_joining_two_elements(check_text) -> None:
    assert fired(check_text, design(STRAIGHT), "IN006") == []


# ============================================================================= cells
CELL = """use std
material agepoxy { kind composite; resistivity 300 uohm.cm }
cell Unit {
    element die : chip {
        body silicon
        pads c grid 1 x 4 pitch 200 um diameter 100 um
        pads d grid 1 x 2 pitch 110 um origin (1 mm, 0 mm) diameter 40 um
        pads e grid 1 x 2 pitch 500 um origin (-1 mm, 1 mm) diameter 100 um
    }
    element sub : interposer {
        body silicon
        pads p grid 1 x 4 pitch 200 um diameter 100 um
        pads q grid 1 x 2 pitch 110 um origin (1 mm, 0 mm) diameter 40 um
    }
    masses m : SAC305 { joins die.c[0:2] -- sub.p[0:2]; diameter 100 um }
    mass x : SAC305 { joins die.c[2] -- sub.p[3]; diameter 100 um }
    mass y : SAC305 { joins die.c[3] -- sub.p[3]; diameter 100 um }
    masses z : SAC305 { joins die.d[*] -- sub.q[*]; diameter 100 um }
    masses b : SAC305 { joins die.e[*]; diameter 100 um }
    layer glue : agepoxy { role adhesive; between die, sub; thickness 60 um; surrounds z }
    nets n { die.c[*], sub.p[*] }
}
place units : Unit grid 1 x 3 pitch 5 mm
"""
CELL_EXPECTED = {  # rule: (objects, count, the line of the declaration it points at)
    "IN001": (["units[0:3].n[2:4]"], 6, "nets n"),
    "IN002": (["units[0:3].n[2]"], 3, "nets n"),
    "IN003": (["units[0:3].z[0:2]"], 3, "masses z"),
    "IN004": (["units[0:3].glue"], 3, "layer glue"),
    "IN005": (["units[0:3].x"], 3, "mass x"),
    "IN006": (["units[0:3].b[0:2]"], 6, "masses b"),
}


@pytest.fixture(scope="module")
def cell_report(tmp_path_factory):
    path = tmp_path_factory.mktemp("cells") / "cells.assy"
    path.write_text(CELL, encoding="utf-8")
    report = assemblint.check(path, select=tuple(CELL_EXPECTED))
    assert not report.errors and not report.problems
    return report


@pytest.mark.parametrize(
    "rule",
    list(CELL_EXPECTED),
)
def test_a_cell_placed_three_times_gives_one_finding_per_rule_for_all_instances(cell_report, rule) -> None:
    objects, count, needle = CELL_EXPECTED[rule]
    [finding] = of(cell_report, rule)
    assert finding.object_names == objects
    assert finding.count == count
    assert finding.location.line == line_of(CELL, needle)


# ============================================================================= documentation examples
@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_documentation_example_that_fires_fires(check_text, rule) -> None:
    findings = fired(check_text, rule.examples["fires"], rule.id)
    assert len(findings) == 1
    assert findings[0].severity.value == ("warning" if rule.id == "IN006" else "error")


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_documentation_example_that_passes_passes(check_text, rule) -> None:
    assert fired(check_text, rule.examples["passes"], rule.id) == []


def test_the_plugin_ships_exactly_in001_to_in006() -> None:
    assert [r.id for r in RULES] == ["IN001", "IN002", "IN003", "IN004", "IN005", "IN006"]


# ============================================================================= scale
def _grid(pitch: str) -> str:
    return f"""use std
element die : chip {{ body silicon; pads c grid 300 x 300 pitch {pitch} diameter 100 um }}
element sub : interposer {{ body silicon; pads p grid 300 x 300 pitch {pitch} diameter 100 um }}
masses m : SAC305 {{ joins die.c[*] -- sub.p[*]; diameter 100 um }}
"""


def test_a_90000_mass_grid_at_a_safe_pitch_gives_no_spacing_or_alignment_finding(check_text) -> None:
    report = check_text(_grid("200 um"), select=("IN003", "IN005"))
    assert [f.rule for f in report.findings] == []


def test_a_90000_mass_grid_too_close_counts_every_adjacent_pair_once(check_text) -> None:
    report = check_text(_grid("115 um"), select=("IN003", "IN005"))  # 15 µm gaps; 115 > 110: no IN005
    [finding] = report.findings
    assert finding.rule == "IN003"
    assert finding.count == finding.data["pairs"] == 2 * 300 * 299
    assert finding.object_names == ["m[0:90000]"]
    assert finding.data["min_distance"] == pytest.approx(15.0)


# ============================================================================= against brute force
# The spatial rules search with a cell list (_geometry.py) and decide each pair with vectorised
# numpy; these references decide every pair of a small random design one by one, in plain Python,
# from the netlist's arrays and the rules' documented meaning, and must give the same findings:
# the same pairs, counts, objects and numbers, to the bit, and the same closest pair and face.
COORD = st.integers(-8, 8).map(lambda v: v * 25)  # a 25 µm lattice: ties, touching and exact limits
sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))  # as load() does; set before hypothesis watches it


@st.composite
def random_designs(draw) -> str:
    """Two or three elements with pads on both faces, masses joining them in a few declarations."""
    lines, arrays = ["use std"], []
    for e in range(draw(st.integers(2, 3))):
        body, counts = ["body silicon"], {}
        for name, face in (("f", "front"), ("k", "back")):
            counts[name] = draw(st.integers(0 if face == "back" else 1, 5))
            if counts[name]:
                points = ", ".join(f"({draw(COORD)} um, {draw(COORD)} um)" for _ in range(counts[name]))
                size = draw(st.sampled_from(["", " diameter 40 um", " diameter 100 um", " diameter 160 um"]))
                body.append(f"pads {name} at {points}{size} face {face}")
                arrays.append((f"e{e}", name, counts[name]))
        if draw(st.booleans()) and (counts["k"] or counts["f"] > 1):  # a via: its pads are on one node
            body.append("connect f[0] -- " + ("k[0]" if counts["k"] else "f[1]"))
        lines.append(f"element e{e} : chip {{ {'; '.join(body)} }}")
    # a few pairs of pad arrays, each joined by several declarations either way round: masses then
    # share faces through their first pads, their second pads, or one of each
    links = draw(st.lists(st.tuples(st.sampled_from(arrays), st.sampled_from(arrays)), min_size=1, max_size=2))
    for m in range(draw(st.integers(1, 5))):
        (ea, na, ca), (eb, nb, cb) = draw(st.sampled_from(links))[:: draw(st.sampled_from([1, -1]))]
        count = draw(st.integers(1, min(ca, cb)))
        a0, b0 = draw(st.integers(0, ca - count)), draw(st.integers(0, cb - count))
        joins = f"{ea}.{na}[{a0}:{a0 + count}]"
        if draw(st.integers(0, 4)):  # mostly joined; sometimes one-sided
            joins += f" -- {eb}.{nb}[{b0}:{b0 + count}]"
        size = draw(st.sampled_from(["", "; diameter 50 um", "; diameter 100 um", "; diameter 130 um"]))
        lines.append(f"masses m{m} : SAC305 {{ joins {joins}{size} }}")
    for n in range(draw(st.integers(0, 3))):  # nets for IN001 and IN002: single nets and zipped ones
        (ea, na, ca), (eb, nb, cb) = draw(st.sampled_from(arrays)), draw(st.sampled_from(arrays))
        count = draw(st.integers(1, min(ca, cb)))
        a0, b0 = draw(st.integers(0, ca - count)), draw(st.integers(0, cb - count))
        keyword = draw(st.sampled_from(["net", "nets"]))
        lines.append(f"{keyword} n{n} {{ {ea}.{na}[{a0}:{a0 + count}], {eb}.{nb}[{b0}:{b0 + count}] }}")
    return "\n".join(lines) + "\n"


def _run(assembly, rule_id: str, params: dict) -> list:
    rule = next(r for r in RULES if r.id == rule_id)
    return list(rule.check(RuleContext(assembly, rule, params, Severity.ERROR)) or ())


def _mass_ids(finding) -> list[int]:
    """A finding's masses as global ids."""
    ids = []
    for group, index in finding.objects.members.values():
        ids += [group.start + i for i in (range(group.count) if index is None else sorted(index))]
    return sorted(ids)


def _face_key(net, pad: int) -> int:
    return int(net.pad_element[pad]) * 2 + int(net.pad_face[pad])


def _face_text(assembly, key: int) -> str:
    return f"{assembly.elements[key // 2].name} {('front', 'back')[key % 2]}"


def _declaration(assembly) -> list[int]:
    """Each mass group's declaration: the first group with its source location (cells share one)."""
    first: dict = {}
    return [first.setdefault(g.loc, k) for k, g in enumerate(assembly.mass_groups)]


def reference_spacing(assembly, limit: float) -> list[tuple]:
    """IN003 pair by pair: (data, masses, count) per pair of declarations, in the rule's order."""
    net = assembly.netlist
    diameter = np.nan_to_num(net.mass_diameter, nan=0.0)
    groups = assembly.mass_groups
    rank = sorted(range(len(groups)), key=lambda g: (groups[g].loc.path, groups[g].loc.line, groups[g].loc.column))
    rank = {g: r for r, g in enumerate(rank)}

    def faces(m: int) -> list[tuple[int, bool]]:  # (face, through the mass's first pad)
        pads = [(int(net.mass_pad_a[m]), True)] + ([(int(net.mass_pad_b[m]), False)] if net.mass_pad_b[m] >= 0 else [])
        return [(_face_key(net, p), first) for p, first in pads]

    found = []
    for m1 in range(net.mass_count):
        for m2 in range(m1 + 1, net.mass_count):
            shared = [(not (a1 or a2), f1) for f1, a1 in faces(m1) for f2, a2 in faces(m2) if f1 == f2]
            if not shared or net.mass_node[m1] == net.mass_node[m2]:
                continue
            p1, p2 = net.mass_pad_a[m1], net.mass_pad_a[m2]
            centres = np.hypot(net.pad_x[p1] - net.pad_x[p2], net.pad_y[p1] - net.pad_y[p2])
            gap = centres - (diameter[m1] + diameter[m2]) / 2
            if falls_short(gap, limit):
                first, later = sorted((m1, m2), key=lambda m: (rank[int(net.mass_group[m])], m))
                found.append((later, first, float(gap), min(shared)[1]))
    found.sort(key=lambda f: (f[0], f[1]))
    decl = _declaration(assembly)
    by_key: dict[int, list] = {}
    for pair in found:
        key = decl[net.mass_group[pair[0]]] * len(groups) + decl[net.mass_group[pair[1]]]
        by_key.setdefault(key, []).append(pair)
    out = []
    for key in sorted(by_key):
        pairs = by_key[key]
        later, first, gap, face = min(pairs, key=lambda p: round(p[2], 3))  # ties: the first in order
        names = [net.node_name(assembly, net.pad_count + m) for m in (first, later)]
        count = sum(int(net.mass_weight[p[0]]) for p in pairs)
        data = {"pairs": count, "min_distance": gap, "min_spacing": limit, "closest": names}
        data["face"] = _face_text(assembly, face)
        out.append((data, sorted({p[0] for p in pairs} | {p[1] for p in pairs}), count))
    return out


def reference_misalignment(assembly, tolerance: float) -> list[tuple]:
    """IN005 mass by pad: (data, masses, count, face) per mass declaration, in the rule's order."""
    net = assembly.netlist
    mass_r = np.nan_to_num(net.mass_diameter, nan=0.0) / 2 + tolerance
    pad_r = np.nan_to_num(net.pad_diameter, nan=0.0) / 2
    hits = []
    for m in range(net.mass_count):
        at, other = int(net.mass_pad_a[m]), int(net.mass_pad_b[m])
        touched = {_face_key(net, at)} | ({_face_key(net, other)} if other >= 0 else set())
        for q in range(net.pad_count):
            if _face_key(net, q) in touched and net.pad_node[q] != net.mass_node[m]:
                dx, dy = float(net.pad_x[at] - net.pad_x[q]), float(net.pad_y[at] - net.pad_y[q])
                distance = math.sqrt(dx * dx + dy * dy)
                if falls_short(distance, mass_r[m] + pad_r[q]):
                    hits.append((m, q, distance))
    decl = _declaration(assembly)
    out = []
    for d in sorted({decl[net.mass_group[m]] for m, _, _ in hits}):
        mine = [h for h in hits if decl[net.mass_group[h[0]]] == d]
        m, q, distance = min(mine, key=lambda h: round(h[2], 3))
        count = sum(int(net.mass_weight[h[0]]) for h in mine)
        data = {
            "pairs": count,
            "mass": net.node_name(assembly, net.pad_count + m),
            "pad": net.node_name(assembly, q),
            "distance": distance,
            "footprint_radius": float(mass_r[m]),
            "pad_radius": float(pad_r[q]),
            "alignment_tolerance": tolerance,
        }
        out.append((data, sorted({h[0] for h in mine}), count, _face_text(assembly, _face_key(net, q))))
    return out


@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(
    text=random_designs(),
    limit=st.sampled_from([0.0, 20.0, 50.0, 125.0]),
    tolerance=st.sampled_from([0.0, 10.0, 35.0]),
)
def test_in003_and_in005_give_what_a_brute_force_check_of_every_pair_gives(text, limit, tolerance) -> None:
    assembly = assemblint.load("random.assy", text=text)
    spacing = _run(assembly, "IN003", {"min_spacing": limit})
    assert [(f.data, _mass_ids(f), f.count) for f in spacing] == reference_spacing(assembly, limit)
    misaligned = _run(assembly, "IN005", {"alignment_tolerance": tolerance})
    faces = [re.search(r" on (\S+ (?:front|back)): centres", f.message).group(1) for f in misaligned]
    got = [(f.data, _mass_ids(f), f.count, face) for f, face in zip(misaligned, faces, strict=True)]
    assert got == reference_misalignment(assembly, tolerance)


def reference_nets(assembly) -> tuple[list[tuple], list[tuple]]:
    """IN001 and IN002 pin by pin: (nets, paths) per shorted node, (net, groups) per open net."""
    net = assembly.netlist
    pins = [
        (int(pad), f"{g.item_name(i)}") for g in assembly.net_groups for i, pads in enumerate(g.pins) for pad in pads
    ]
    numbers = {name: k for k, name in enumerate(dict.fromkeys(name for _, name in pins))}
    on_node: dict[int, dict[int, list[int]]] = {}
    for pad, name in pins:
        on_node.setdefault(int(net.pad_node[pad]), {}).setdefault(numbers[name], []).append(pad)
    names = list(numbers)
    shorts = []
    for node in sorted(on_node):
        nets = sorted(on_node[node])
        if len(nets) > 1:
            source, paths = on_node[node][nets[0]][0], []
            for other in nets[1:4]:
                path = net.path(source, set(on_node[node][other]))
                words = [net.node_name(assembly, p) for p in path]
                paths.append(f"{words[0]} is a pin of both" if len(path) == 1 else " — ".join(words))
            shorts.append(([names[n] for n in nets], paths))
    opens = []
    for name in names:
        mine = [pad for pad, other in pins if other == name]
        nodes = sorted({int(net.pad_node[pad]) for pad in mine})
        if len(nodes) > 1:
            groups = [pad_names(assembly, np.array([p for p in mine if net.pad_node[p] == n])) for n in nodes]
            opens.append((name, groups))
    return shorts, opens


@settings(max_examples=100, derandomize=True, database=None, deadline=None)
@given(text=random_designs())
def test_in001_and_in002_give_what_a_pin_by_pin_check_gives(text) -> None:
    assembly = assemblint.load("random.assy", text=text)
    shorts, opens = reference_nets(assembly)
    assert [(f.data["nets"], f.data["paths"]) for f in _run(assembly, "IN001", {})] == shorts
    assert [(f.data["net"], f.data["groups"]) for f in _run(assembly, "IN002", {})] == opens


@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(
    points=st.lists(st.tuples(st.integers(0, 3), COORD, COORD), max_size=40),
    others=st.lists(st.tuples(st.integers(0, 3), COORD, COORD), max_size=40),
    radius=st.sampled_from([0.5, 25.0, 60.0, 125.0, 400.0]),
    block=st.sampled_from([1, 3, 1 << 16]),
    table=st.booleans(),
)
def test_the_cell_search_finds_every_pair_within_reach(points, others, radius, block, table) -> None:
    """Both searches, in steps of any size, with the table of counts or with binary searches."""

    def arrays(rows):
        return np.array([r[0] for r in rows], dtype=np.int64), *(np.array([r[k] for r in rows], float) for k in (1, 2))

    (g, x, y), (gb, xb, yb) = arrays(points), arrays(others)

    def near(i: int, gj, xj, yj, j: int) -> bool:
        return g[i] == gj[j] and math.hypot(x[i] - xj[j], y[i] - yj[j]) <= radius

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_geometry, "BLOCK", block)
        patch.setattr(_geometry, "TABLE_LIMIT", (4, 2**20) if table else (0, 0))
        i, j = _geometry.pairs_within(g, x, y, radius)
        found = list(zip(np.minimum(i, j).tolist(), np.maximum(i, j).tolist(), strict=True))
        assert len(set(found)) == len(found) and all(g[a] == g[b] and a != b for a, b in found)  # each pair once
        assert {(a, b) for a in range(len(g)) for b in range(a + 1, len(g)) if near(a, g, x, y, b)} <= set(found)
        i, j = _geometry.pairs_between(g, x, y, gb, xb, yb, radius)
        found = list(zip(i.tolist(), j.tolist(), strict=True))
        assert len(set(found)) == len(found) and all(g[a] == gb[b] for a, b in found)
        assert {(a, b) for a in range(len(g)) for b in range(len(gb)) if near(a, gb, xb, yb, b)} <= set(found)
        # each point asking again, in the next group (IN005: a mass on both faces it touches)
        at = np.concatenate([np.arange(len(g)), np.arange(len(g))])
        asks = np.concatenate([g, (g + 1) % 4])
        i, j = _geometry.pairs_between(asks, x, y, gb, xb, yb, radius, at=at)
        found = list(zip(i.tolist(), j.tolist(), strict=True))
        assert len(set(found)) == len(found) and all(asks[a] == gb[b] for a, b in found)
        want = {(a, b) for a in range(len(at)) for b in range(len(gb)) if asks[a] == gb[b]}
        assert {(a, b) for a, b in want if math.hypot(x[at[a]] - xb[b], y[at[a]] - yb[b]) <= radius} <= set(found)
