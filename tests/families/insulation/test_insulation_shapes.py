"""IN003 and IN005 on the true shapes of pads and masses (STACK.md §3, plugins/assemblint_insulation/_shapes.py).

Rectangles, rounded rectangles and stadiums (`oblong`), turned with their element, each at its
boundary with the distance worked out by hand; then the signed distance of random rounded
rectangles against another method, the separating-axis theorem sampled over 36,000 directions
(shapely is not installed, and its arcs are polygons anyway), and the two rules on random shaped
designs against a pair-by-pair check with it.
Round designs are the other tests' (test_insulation_shared.py's brute force among them): they
give the numbers they gave before the shapes, to the bit.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from assemblint_insulation import _blocks
from assemblint_insulation._shapes import Shapes, box_distance, describe
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import assemblint
from assemblint import falls_short

from .designs import fired
from .test_insulation_shared import _run

RECT, ROUNDED, OBLONG = "size 200 um x 100 um", "size 200 um x 100 um round 20 um", "oblong 300 um x 100 um"


def pair(at: str, shape: str, *, turn: str = "") -> str:
    """A die over an interposer, two pads of `shape` at `at` on each, masses m joining them (two nodes)."""
    return f"""use std
element die : chip {{ body silicon;{turn} pads c {at} {shape} }}
element sub : interposer {{ body silicon;{turn} pads p {at} {shape} }}
masses m : SAC305 {{ joins die.c[*] -- sub.p[*] }}
"""


def one_mass(at: str, shape: str, *, turn: str = "") -> str:
    """As `pair`, with one mass on the pads [0]: the pads [1] are another node's on each face."""
    return pair(at, shape, turn=turn).replace("joins die.c[*] -- sub.p[*]", "joins die.c[0] -- sub.p[0]")


def spacing(limit: float) -> str:
    return f'[rules.IN003]\nmin_spacing = "{limit} um"'


def tolerance(value: float) -> str:
    return f'[rules.IN005]\nalignment_tolerance = "{value} um"'


# By hand. Two 200 x 100 µm rectangles side by side at a 250 µm pitch in x: 250 − 200 = 50 µm.
# A 2 x 1 grid (a column) turned 90° with its element: the pads side by side in x, now 100 µm wide
# and 200 µm high: 250 − 100 = 150 µm. Rounded 200 x 100 µm, corners 20 µm, at (0, 0) and
# (190, 100): inner boxes 160 x 60, apart by 190 − 160 = 30 and 100 − 60 = 40, so 50 µm, less
# the corners: 10 µm (square corners there touch: 190 − 200 < 0, 100 − 100 = 0). Stadiums
# 300 x 100 (inner boxes 200 x 0, corners 50) at (0, 0) and (290, 120): 90 and 120, so 150 µm,
# less 100: 50 µm.
CASES = {
    "rectangle": ("grid 1 x 2 pitch 250 um", RECT, "", 50.0),
    "rectangle-turned": ("grid 2 x 1 pitch 250 um", RECT, " rotate 90;", 150.0),
    "rounded": ("at (0 um, 0 um), (190 um, 100 um)", ROUNDED, "", 10.0),
    "oblong": ("at (0 um, 0 um), (290 um, 120 um)", OBLONG, "", 50.0),
    "oblong-turned": ("at (0 um, 0 um), (290 um, 120 um)", OBLONG, " rotate 90;", 50.0),  # turned as one
}


@pytest.mark.parametrize("case", list(CASES))
def test_in003_measures_the_gap_between_the_shapes_and_fires_only_below_min_spacing(check_text, case) -> None:
    at, shape, turn, gap = CASES[case]
    text = pair(at, shape, turn=turn)
    assert fired(check_text, text, "IN003", deck=spacing(gap)) == []  # exactly min_spacing passes
    [finding] = fired(check_text, text, "IN003", deck=spacing(gap + 0.1))
    assert finding.data["min_distance"] == pytest.approx(gap, abs=1e-9)
    assert (finding.count, finding.object_names) == (1, ["m[0:2]"])
    assert f"are {gap:g} µm apart edge to edge" in finding.message


def test_in003_gives_two_overlapping_rectangles_their_depth_of_overlap(check_text) -> None:
    # 200 x 100 at a 150 µm pitch in x: they overlap 50 µm in x (and 100 in y): moved 50 µm apart they touch
    [finding] = fired(check_text, pair("grid 1 x 2 pitch 150 um", RECT), "IN003")
    assert finding.data["min_distance"] == pytest.approx(-50.0)
    assert "overlap by 50 µm" in finding.message


def test_in003_square_corners_touch_where_rounded_ones_are_10_um_apart(check_text) -> None:
    [finding] = fired(check_text, pair("at (0 um, 0 um), (190 um, 100 um)", RECT), "IN003")
    assert finding.data["min_distance"] == pytest.approx(0.0)


def test_in003_a_mass_of_size_is_its_rectangle(check_text) -> None:
    # round 100 µm pads at a 250 µm pitch; the masses are 240 x 80 µm: 250 − 240 = 10 µm apart
    text = pair("grid 1 x 2 pitch 250 um", "diameter 100 um").replace("sub.p[*] }", "sub.p[*]; size 240 um x 80 um }")
    [finding] = fired(check_text, text, "IN003")
    assert finding.data["min_distance"] == pytest.approx(10.0)


@pytest.mark.parametrize("case", list(CASES))
def test_in005_overlaps_the_grown_mass_with_the_other_pads_shape_at_the_boundary(check_text, case) -> None:
    at, shape, turn, gap = CASES[case]
    text = one_mass(at, shape, turn=turn)
    assert fired(check_text, text, "IN005", deck=tolerance(gap)) == []  # grown to touch: passes
    [finding] = fired(check_text, text, "IN005", deck=tolerance(gap + 0.1))
    assert finding.count == 2  # the other pad on the die and on the substrate
    assert finding.data["overlap"] == pytest.approx(0.1, abs=1e-9)
    assert finding.data["pad"] == "die.c[1]"
    described = describe(*{RECT: (200, 100, 0), ROUNDED: (200, 100, 20), OBLONG: (300, 100, 50)}[shape])
    if turn:  # turned with the element
        described = described.replace("200 × 100", "100 × 200").replace("300 × 100", "100 × 300")
    assert finding.data["mass_shape"] == finding.data["pad_shape"] == described
    assert f"({described} + {gap + 0.1:g} µm tolerance) overlaps pad die.c[1] ({described})" in finding.message


def test_shapes_are_described_in_words() -> None:
    assert describe(100, 100, 50) == "⌀100 µm"
    assert describe(200, 100, 0) == "200 × 100 µm"
    assert describe(200, 100, 20) == "200 × 100 µm, corners 20 µm"
    assert describe(300, 100, 50) == "300 × 100 µm oblong"


def test_in005_a_round_mass_over_a_round_pad_keeps_its_radii(check_text) -> None:
    # 100 µm circles at a 150 µm pitch: 150 < 50 + 60 + 50, the footprint's radius and the pad's
    text = one_mass("grid 1 x 2 pitch 150 um", "diameter 100 um")
    [finding] = fired(check_text, text, "IN005", deck=tolerance(60))
    assert (finding.data["distance"], finding.data["footprint_radius"], finding.data["pad_radius"]) == (150, 110, 50)
    assert "mass_shape" not in finding.data and "centres 150 µm apart, less than 160 µm" in finding.message


# ============================================================================= blocks
@pytest.mark.parametrize("shape", [RECT, ROUNDED, OBLONG])
def test_a_dense_cluster_of_shapes_counts_the_same_with_and_without_blocks(shape) -> None:
    """Blocks are for round masses (their closest pair is by centres): a cluster of other shapes
    is enumerated whatever `BLOCK_PAIRS` says, and gives the same findings."""
    text = pair("grid 6 x 6 pitch 1 um", shape)
    assembly = assemblint.load("cluster.assy", text=text)
    found = []
    for block in (1, 1 << 62):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_blocks, "BLOCK_PAIRS", block)
            found.append(
                [(f.data, f.count) for f in _run(assembly, "IN003", {"min_spacing": 20.0})]
                + [(f.data, f.count) for f in _run(assembly, "IN005", {"alignment_tolerance": 10.0})]
            )
    assert found[0] == found[1]
    assert found[0][0][1] == 36 * 35 // 2  # every pair of masses
    assert found[0][1][1] == 36 * 35 * 2  # every mass over the 35 other pads, on both faces


# ============================================================================= against sampling
DIRECTIONS = np.linspace(0.0, 2 * math.pi, 36_000, endpoint=False)
UX, UY = np.cos(DIRECTIONS), np.sin(DIRECTIONS)


def sampled_gap(one: tuple, other: tuple) -> float:
    """The signed distance of two rounded rectangles (cx, cy, w, h, r) by the separating-axis
    theorem, sampled over 36,000 directions u: the largest gap between their projections on u,
    u·(c₂ − c₁) − h₁(u) − h₂(−u), with h(u) = (w/2 − r)|uₓ| + (h/2 − r)|u_y| + r the support
    function of a shape about its centre. Positive: the distance apart; negative: the least move
    that separates them (to within the sampling, ~10⁻⁵ of the sizes)."""

    def support(shape: tuple) -> np.ndarray:
        _, _, w, h, r = shape
        return (w / 2 - r) * np.abs(UX) + (h / 2 - r) * np.abs(UY) + r

    along = UX * (other[0] - one[0]) + UY * (other[1] - one[1])
    return float((along - support(one) - support(other)).max())


def rule_gap(one: tuple, other: tuple) -> float:
    shapes = Shapes.of(*(np.array([one[k], other[k]], float) for k in (2, 3, 4)))
    hw, hh = shapes.half_w.sum(), shapes.half_h.sum()
    between = box_distance(np.array([one[0] - other[0]]), np.array([one[1] - other[1]]), hw, hh)
    return float(between[0] - shapes.corner.sum())


SIDE = st.integers(2, 40).map(lambda v: v * 5.0)


@st.composite
def rounded_rectangles(draw) -> tuple:
    w, h = draw(SIDE), draw(SIDE)
    r = draw(st.sampled_from([0.0, 0.25, 0.5, 1.0])) * min(w, h) / 2
    return (draw(st.integers(-60, 60)) * 5.0, draw(st.integers(-60, 60)) * 5.0, w, h, r)


@settings(max_examples=200, derandomize=True, database=None, deadline=None)
@given(one=rounded_rectangles(), other=rounded_rectangles())
def test_the_signed_distance_of_rounded_rectangles_matches_the_separating_axes(one, other) -> None:
    assert rule_gap(one, other) == pytest.approx(sampled_gap(one, other), abs=0.01)
    # the inner boxes' overlap, by hand, when the boxes themselves overlap: the least move apart
    box = [abs(one[k] - other[k]) - (one[2 + k] + other[2 + k]) / 2 for k in (0, 1)]
    if max(box) < 0 and one[4] == other[4] == 0:
        assert rule_gap(one, other) == pytest.approx(max(box))


@st.composite
def shaped_designs(draw) -> tuple[str, list[tuple]]:
    """Masses on pads of random rounded shapes at random points of a 5 µm lattice (one per node)."""
    shapes = [draw(rounded_rectangles()) for _ in range(draw(st.integers(2, 7)))]
    pads: list[str] = []
    for x, y, w, h, r in shapes:
        size = f"size {w:g} um x {h:g} um" + (f" round {r:g} um" if r else "")
        pads.append(f"pad c{len(pads)} at ({x / 4:g} um, {y / 4:g} um) {size}")
    die = "; ".join(pads)
    text = f"use std\nelement die : chip {{ body silicon; {die} }}\n"
    text += "".join(f"mass m{k} : SAC305 {{ joins die.c{k} }}\n" for k in range(len(shapes)))
    return text, [(x / 4, y / 4, w, h, r) for x, y, w, h, r in shapes]


@settings(max_examples=60, derandomize=True, database=None, deadline=None)
@given(design=shaped_designs(), limit=st.sampled_from([0.0, 20.0, 50.0]), tol=st.sampled_from([0.0, 10.0, 30.0]))
def test_in003_and_in005_on_random_shapes_give_what_the_separating_axes_give(design, limit, tol) -> None:
    text, shapes = design
    gaps = {(i, j): sampled_gap(shapes[i], shapes[j]) for i in range(len(shapes)) for j in range(i + 1, len(shapes))}
    assume(all(abs(g - limit) > 0.5 and abs(g - tol) > 0.5 for g in gaps.values()))  # none at a boundary
    assembly = assemblint.load("shapes.assy", text=text)
    close = [g for g in gaps.values() if g < limit]
    found = _run(assembly, "IN003", {"min_spacing": limit})
    assert sum(f.count for f in found) == len(close)
    if close:
        assert min(f.data["min_distance"] for f in found) == pytest.approx(min(close), abs=0.01)
    # IN005: each mass's shape grown by the tolerance over every other pad: they overlap when the
    # gap is less than the tolerance (the grown shape is the shape's offset by it)
    hits = 2 * sum(falls_short(g, tol) for g in gaps.values())  # each pair both ways
    assert sum(f.count for f in _run(assembly, "IN005", {"alignment_tolerance": tol})) == hits
