"""CTE002 joint-strain (plugins/assemblint_cte/cte002_joint_strain.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
The cases the CTE rules share are in test_cte_shared.py, the designs in designs.py.
"""

from __future__ import annotations

import math

import pytest

from .designs import (
    C_DEFAULT,
    CYCLE,
    OPERATE,
    PPM,
    REFLOW,
    SMALL_DNP,
    SMALL_STRAIN,
    deck,
    design,
    findings,
    line_of,
    masses,
    only,
    sig3,
)


def test_cte002_fires_on_the_four_corner_joints_with_hand_computed_strain(check_text):
    text = design()
    f = only(check_text(text, select=("CTE002",)), "CTE002")
    # DNP to the joints' farthest points: √2 · 1000 + 50 = 1464.2 µm at the corners, so
    # Δγ = 10e-6 · 165 · 1464.2 / 100 = 0.0242; the edge joints (DNP 1000 + 50 µm) take
    # 10e-6 · 165 · 1050 / 100 = 0.0173 and the centre (DNP 50 µm) 0.0008: only the four corners exceed 0.02.
    assert sig3(SMALL_STRAIN) == 0.0242
    assert (f.severity.value, f.object_names, f.count) == ("error", ["s[0]", "s[2]", "s[6]", "s[8]"], 4)
    assert f.data["strain"] == pytest.approx(SMALL_STRAIN, rel=5e-4)
    assert f.data["dnp"] == pytest.approx(1464.2, rel=5e-4)
    assert (f.data["delta_t"], f.data["height"], f.data["max_shear_strain"]) == (165, 100, 0.02)
    assert f.data["delta_alpha"] == pytest.approx(10)
    assert (f.data["corner"], f.data["pair"], f.data["mitigated_by"]) == ("s[0]", ["die", "board"], None)
    assert f.location.line == line_of(text, "masses s")
    assert f.message.startswith("4 rigid joints between die–board shear by more than 0.02; the corner joint s[0]")
    assert "Δα 10 ppm/K × ΔT 165 K (cycle) × DNP 1464 µm / height 100 µm = 0.0242" in f.message


def test_cte002_passes_on_a_smaller_grid(check_text):
    # 2 x 2 at 1 mm: DNP = √2 · 500 + 50 = 757 µm, Δγ = 10e-6 · 165 · 757.1 / 100 = 0.0125 ≤ 0.02.
    assert findings(check_text(design(pads="grid 2 x 2 pitch 1 mm"), select=("CTE002",)), "CTE002") == []


def test_cte002_names_the_farthest_joint_of_an_irregular_array_as_corner(check_text):
    # Pads at (0,0), (1,0), (0,1), (3,3) mm: centroid (1, 1) mm. DNPs (to the joints' far edges,
    # 50 µm beyond their centres): √2 mm + 50 µm, 1.05 mm, 1.05 mm, √8 mm + 50 µm.
    pads = "at (0 mm, 0 mm), (1 mm, 0 mm), (0 mm, 1 mm), (3 mm, 3 mm)"
    report = check_text(design(pads=pads), select=("CTE002", "CTE003"))
    f = only(report, "CTE002")
    corner_strain = 10 * PPM * 165 * (math.hypot(2000, 2000) + 50) / 100  # = 0.04749
    assert sig3(corner_strain) == 0.0475
    # s[0] 0.0242 and s[3] 0.0475 exceed 0.02; s[1], s[2] take 10e-6 · 165 · 1050 / 100 = 0.0173.
    assert (f.object_names, f.data["corner"]) == (["s[0]", "s[3]"], "s[3]")
    assert f.data["dnp"] == pytest.approx(2878.4, rel=5e-4)
    assert f.data["strain"] == pytest.approx(corner_strain, rel=5e-4)
    # CTE003 (count 1000): Nf(s[3]) = 0.5 · (0.04749 / 0.65)^(1 / −0.41149) = 289; s[0] lives 1492.
    life = only(report, "CTE003")
    nf = 0.5 * (corner_strain / 0.65) ** (1 / C_DEFAULT)
    assert sig3(nf) == 289
    assert (life.object_names, life.data["corner"]) == (["s[3]"], "s[3]")
    assert life.data["cycles_to_failure"] == pytest.approx(nf, rel=5e-4)


# Δα = 10 ppm/K, ΔT = 100 K (operate 0 .. 100 C, no cycle), a 1 x 2 grid of pitch 1.9 mm: centres
# 950 µm from the neutral point, so DNP = 950 + 50 = 1000 µm to the joints' far edges; h = 50 µm:
# Δγ = 10e-6 · 100 · 1000 / 50 = 0.02 exactly (also in binary floating point).
EXACT = design(pads="grid 1 x 2 pitch 1.9 mm", joints=masses(height="height 50 um"), service=OPERATE)


@pytest.mark.parametrize(
    ("limit", "fires"),
    [(None, False), (0.02, False), (0.01999, True)],
    ids=["default-0.02-at", "deck-at", "deck-just-below"],
)
def test_cte002_a_strain_exactly_at_max_shear_strain_passes_and_just_over_fires(check_text, limit, fires):
    report = check_text(EXACT, deck=deck("CTE002", max_shear_strain=limit) if limit else None, select=("CTE002",))
    found = findings(report, "CTE002")
    assert len(found) == int(fires)
    if fires:
        assert found[0].data["strain"] == pytest.approx(0.02, rel=1e-12)
        assert found[0].object_names == ["s[0:2]"]
        assert "shear by more than 0.01999" in found[0].message


def test_cte002_measures_dnp_from_the_joints_centroid_not_the_element_origin(check_text):
    # Both elements at (5, 5) mm, a 2 x 2 grid starting at the origin: pads at 5 .. 6 mm, centroid
    # (5.5, 5.5) mm, every DNP √2 · 500 + 50 = 757.1 µm (from the element origin the far pad is 1414 µm).
    text = design(
        die="cte 2.6 ppm/K; position (5 mm, 5 mm);",
        board="cte 12.6 ppm/K; position (5 mm, 5 mm);",
        pads="grid 2 x 2 pitch 1 mm origin (0 mm, 0 mm)",
        service=OPERATE,
    )
    f = only(check_text(text, deck=deck("CTE002", max_shear_strain=0.001), select=("CTE002",)), "CTE002")
    assert f.data["dnp"] == pytest.approx(757.107, rel=5e-4)
    assert f.data["strain"] == pytest.approx(10 * PPM * 100 * 757.107 / 100, rel=5e-4)  # 0.00757
    assert (f.object_names, f.count) == (["s[0:4]"], 4)


def test_cte002_the_neutral_point_is_the_centroid_of_the_rigid_joints_only(check_text):
    # Project reading (CTE002 doc): a 1 x 4 row at x = −1500, −500, 500, 1500 µm; the two left joints
    # are liquid in operation (SnBiPbInCd50, 50 C), so the neutral point is x = 1000: DNP 500 + 50 µm each.
    joints = masses("SnBiPbInCd50", "a", "[0:2]") + "\n" + masses("SAC305", "b", "[2:4]")
    steps = "step low { kind reflow; peak 80 C; forms a }\n    step reflow { kind reflow; peak 245 C; forms b }"
    text = design(pads="grid 1 x 4 pitch 1 mm", joints=joints, steps=steps, service=OPERATE)
    report = check_text(text, deck=deck("CTE002", max_shear_strain=0.001), select=("CTE001", "CTE002"))
    f = only(report, "CTE002")
    assert (f.object_names, f.data["dnp"], f.data["corner"]) == (["b[0:2]"], pytest.approx(550), "b[0]")
    assert f.data["strain"] == pytest.approx(10 * PPM * 100 * 550 / 100)  # 0.0055
    assert only(report, "CTE001").data["rigid_joints"] == 2


@pytest.mark.parametrize(
    ("service", "die_extra", "board_extra", "delta_t", "moment"),
    [
        (f"{OPERATE}\n    {CYCLE}", "", "", 165, "cycle"),  # the cycle range wins over operate
        (OPERATE, "", "", 100, "operate"),
        (f"{OPERATE}\n    cycle -40 C .. 125 C", "", "", 165, "cycle"),  # a cycle without a count
        ("cycle -55 C .. 125 C count 10", "", "", 180, "cycle"),
        ("", "operating 0 C .. 100 C;", "operating -20 C .. 60 C;", 120, "operate"),  # union of the elements'
    ],
    ids=["cycle-over-operate", "operate", "cycle-no-count", "cycle-only", "elements-operating"],
)
def test_cte002_delta_t_is_the_cycle_range_if_given_else_the_operating_range(
    check_text, service, die_extra, board_extra, delta_t, moment
):
    text = design(die=f"cte 2.6 ppm/K; {die_extra}", board=f"cte 12.6 ppm/K; {board_extra}", service=service)
    f = only(check_text(text, deck=deck("CTE002", max_shear_strain=0.001), select=("CTE002",)), "CTE002")
    assert f.data["delta_t"] == delta_t
    assert f.data["strain"] == pytest.approx(10 * PPM * delta_t * SMALL_DNP / 100, rel=5e-4)
    assert f"ΔT {delta_t} K ({moment})" in f.message


def test_cte002_takes_each_joints_own_height(check_text):
    # 1 x 4 row; 40 µm joints on the outside (DNP 1500 + 50 µm): 10e-6 · 165 · 1550 / 40 = 0.0639.
    joints = masses(name="a", pads="[0:2]", height="height 40 um") + "\n" + masses(name="b", pads="[2:4]")
    text = design(pads="grid 1 x 4 pitch 1 mm", joints=joints, steps=REFLOW.replace("forms s", "forms a, b"))
    a, b = sorted(findings(check_text(text, select=("CTE002",)), "CTE002"), key=lambda f: f.data["corner"])
    assert (a.data["corner"], a.data["height"]) == ("a[0]", 40)
    assert a.data["strain"] == pytest.approx(10 * PPM * 165 * 1550 / 40, rel=5e-4)
    # the b statement's own joints, with their own 100 µm height: one finding per declaration
    assert (b.data["corner"], b.data["height"], b.object_names) == ("b[1]", 100, ["b[1]"])
    assert b.data["strain"] == pytest.approx(10 * PPM * 165 * 1550 / 100, rel=5e-4)


def test_cte002_gives_one_finding_per_masses_statement(check_text):
    # 1 x 4 row at x = −1500, −500, 500, 1500 µm, all SAC305: the outer joints a[0] and b[1] take
    # 10e-6 · 165 · 1550 / 100 = 0.0256 > 0.02 (DNP 1500 + 50 µm); each belongs to its own statement.
    joints = masses(name="a", pads="[0:2]") + "\n" + masses(name="b", pads="[2:4]")
    text = design(pads="grid 1 x 4 pitch 1 mm", joints=joints, steps=REFLOW.replace("forms s", "forms a, b"))
    found = sorted(findings(check_text(text, select=("CTE002",)), "CTE002"), key=lambda f: f.location.line)
    assert [(f.location.line, f.object_names) for f in found] == [
        (line_of(text, "masses a"), ["a[0]"]),
        (line_of(text, "masses b"), ["b[1]"]),
    ]


# ============================================================================== the joints' true shapes
def shaped(pads: str, joint: str = "", at: str = "at (0 um, 0 um)") -> str:
    """One joint (or a row of them) of the given shape: Δα 10 ppm/K, ΔT 100 K (operate), 50 µm high."""
    return design(
        pads=f"{at} {pads}".replace(" diameter 100 um", ""),
        joints=f"masses s : SAC305 {{ joins die.c[*] -- board.p[*]; {joint}height 50 um }}",
        service=OPERATE,
    ).replace(" diameter 100 um", "")


# A single joint's neutral point is its own centre, so its DNP is its half-diagonal, by hand:
# a 600 x 800 µm rectangle hypot(300, 400) = 500 µm; an oblong 1000 x 400 µm (corners 200 µm)
# 300 + 200 = 500 µm; a 680 x 880 µm rectangle with 40 µm corners hypot(300, 400) + 40 = 540 µm;
# two 600 x 800 µm joints 2 mm apart: hypot(1000 + 300, 400) = 1360.1 µm. Δγ = 10e-6 · 100 · DNP / 50.
SHAPES = {
    "rectangle-mass": (shaped("diameter 100 um", "size 600 um x 800 um; "), 500.0),
    "rectangle-pads": (shaped("size 600 um x 800 um"), 500.0),
    "rectangle-turned": (shaped("size 800 um x 600 um").replace("body silicon;", "body silicon; rotate 90;"), 500.0),
    "oblong": (shaped("oblong 1000 um x 400 um"), 500.0),
    "rounded": (shaped("size 680 um x 880 um round 40 um"), 540.0),
    "two-rectangles": (shaped("size 600 um x 800 um", at="grid 1 x 2 pitch 2 mm"), math.hypot(1300, 400)),
}


@pytest.mark.parametrize("case", list(SHAPES))
def test_cte002_dnp_reaches_the_farthest_point_of_each_joints_shape(check_text, case):
    text, dnp = SHAPES[case]
    strain = 10 * PPM * 100 * dnp / 50
    at_limit = check_text(text, deck=deck("CTE002", max_shear_strain=strain), select=("CTE002",))
    assert findings(at_limit, "CTE002") == []  # exactly max_shear_strain passes
    f = only(check_text(text, deck=deck("CTE002", max_shear_strain=strain * 0.999), select=("CTE002",)), "CTE002")
    assert f.data["dnp"] == pytest.approx(dnp, rel=1e-9)
    assert f.data["strain"] == pytest.approx(strain, rel=1e-9)
