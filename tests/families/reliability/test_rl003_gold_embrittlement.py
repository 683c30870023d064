"""RL003 gold-embrittlement (plugins/assemblint_reliability/rl003_gold_embrittlement.py): the gold of
both pads' finishes over `max_gold` (3 %) of a tin-based joint's weight.

By hand, with the constants of CHECKS.md: a pad's area is π r² for a round pad, W·H − (4 − π) r² for a
rectangle with corners of radius r (an oblong pad: r = half the smaller side); its gold is area × the
gold thickness of its `finish` × 19.3 g/cm³; the solder is the joint's footprint × its `height` × its
material's `density` (1 µm³ = 1e-12 cm³). Gold fraction = gold / (gold + solder).

The solder here is `sn60` (Sn 60 %, Pb 40 %, 9.65 g/cm³, half gold's 19.3): on ⌀100 µm pads under
⌀100 µm joints 194 µm high, a gold thickness t on both pads gives
    f = 2 t · 19.3 / (2 t · 19.3 + 194 · 9.65) = 38.6 t / (38.6 t + 1872.1)
which is exactly 3 % at t = 1.5 µm (57.9 / 1930.0): the boundary.
"""

from __future__ import annotations

import math

import pytest

from .designs import deck, design, fired, line_of

GOLD_DENSITY = 19.3  # g/cm³ (CHECKS.md RL003)
UM3 = 1e-12  # cm³
SOLDERS = """\
material sn60 { kind fusible; composition Sn 60 %, Pb 40 %; solidus 183 C; liquidus 190 C; density 9.65 g/cm3 }
material au { kind metal; composition Au 100 % }
material ni { kind metal; composition Ni 100 % }"""
TALL = "diameter 100 um; height 194 um"
AREA = math.pi * 50**2  # a ⌀100 µm pad or joint: 7853.98 µm²


def gold_design(
    die_finish: str = "", sub_finish: str = "", *, solder: str = "sn60", mass: str = TALL, extra: str = ""
) -> str:
    """The base design with the solder `sn60` and the given finishes on the die's and substrate's pads."""
    die_pad = f"diameter 100 um {die_finish}".strip()
    sub_pad = f"diameter 100 um {sub_finish}".strip()
    return design(
        extra=SOLDERS + (f"\n{extra}" if extra else ""), solder=solder, mass=mass, die_pad=die_pad, sub_pad=sub_pad
    )


def fraction(gold_um3: float, solder_um3: float, density: float) -> float:
    gold = gold_um3 * UM3 * GOLD_DENSITY
    solder = solder_um3 * UM3 * density
    return 100 * gold / (gold + solder)


# ============================================================================== the 3 % boundary
@pytest.mark.parametrize(
    ("gold", "fires"), [("1.499 um", False), ("1.5 um", False), ("1.501 um", True), ("1500 nm", False)]
)
def test_rl003_boundary_gold_on_both_pads_at_3_percent_passes(check_text, gold, fires) -> None:
    text = gold_design(f"finish ni 5 um, au {gold}", f"finish ni 5 um, au {gold}")
    found = fired(check_text, text, "RL003")
    assert len(found) == int(fires)
    assert fraction(2 * AREA * 1.5, AREA * 194, 9.65) == pytest.approx(3.0, rel=1e-12)


def test_rl003_the_finding_gives_the_weights_computed_by_hand(check_text) -> None:
    text = gold_design("finish ni 5 um, au 1.501 um", "finish ni 5 um, au 1.501 um")
    [f] = fired(check_text, text, "RL003")
    gold_um3 = 2 * AREA * 1.501  # 23577.65 µm³: both pads
    solder_um3 = AREA * 194  # 1523672.4 µm³
    gold_g = gold_um3 * UM3 * GOLD_DENSITY  # 4.5505e-7 g
    solder_g = solder_um3 * UM3 * 9.65  # 1.47034e-5 g
    assert (f.severity.value, f.object_names, f.count) == ("warning", ["s[0:4]"], 4)
    assert f.location.line == line_of(text, "masses s")
    assert f.data == {
        "gold_fraction": pytest.approx(100 * gold_g / (gold_g + solder_g)),
        "max_gold": 3.0,
        "gold_volume": pytest.approx(gold_um3),
        "gold_weight_g": pytest.approx(gold_g),
        "solder_volume": pytest.approx(solder_um3),
        "solder_weight_g": pytest.approx(solder_g),
        "solder_density": 9.65,
        "worst": "s[0]",
    }
    assert f.data["gold_fraction"] == pytest.approx(3.00194, rel=1e-5)
    assert gold_g == pytest.approx(4.5505e-7, rel=1e-4) and solder_g == pytest.approx(1.47034e-5, rel=1e-5)
    assert f.message == (
        "the gold of the pads' finishes is more than 3 % of the weight of s[0:4]; the worst, s[0]: gold "
        "2.358e+04 µm³ × 19.3 g/cm³ = 0.455 µg against solder 1.524e+06 µm³ (7854 µm² × 194 µm) × 9.65 g/cm³ "
        "= 14.7 µg: 3 % Au"
    )


@pytest.mark.parametrize(
    ("die", "sub", "fires"),
    [
        ("finish au 3 um", "", False),  # 3 µm on one pad = 1.5 µm on each: exactly 3 %
        ("finish au 3.01 um", "", True),
        ("", "finish au 3.01 um", True),  # the substrate's pad counts alike
        ("finish au 2 um", "finish au 1 um", False),  # 2 + 1 µm: 3 %
        ("finish au 2 um", "finish au 1.01 um", True),  # both pads' gold is summed
    ],
)
def test_rl003_the_gold_of_both_pads_is_counted(check_text, die, sub, fires) -> None:
    assert len(fired(check_text, gold_design(die, sub), "RL003")) == int(fires)


def test_rl003_every_gold_layer_of_a_finish_counts(check_text) -> None:
    # `finish au 1 um, ni 5 um, au 0.5 um`: 1.5 µm of gold on one pad, 1.5 µm on the other: 3 % exactly.
    assert fired(check_text, gold_design("finish au 1 um, ni 5 um, au 0.5 um", "finish au 1.5 um"), "RL003") == []
    assert len(fired(check_text, gold_design("finish au 1 um, ni 5 um, au 0.51 um", "finish au 1.5 um"), "RL003")) == 1


# ============================================================================== max_gold
@pytest.mark.parametrize(("limit", "fires"), [("4 %", False), ("3.97 %", False), ("3.96 %", True), ("3.9 %", True)])
def test_rl003_max_gold(check_text, limit, fires) -> None:
    # 2 µm on both pads: f = 77.2 / (77.2 + 1872.1) = 3.9604 %
    text = gold_design("finish au 2 um", "finish au 2 um")
    found = fired(check_text, text, "RL003", deck=deck("RL003", max_gold=limit))
    assert len(found) == int(fires)
    if fires:
        assert found[0].data["gold_fraction"] == pytest.approx(100 * 77.2 / (77.2 + 1872.1))
        assert found[0].data["max_gold"] == float(limit.split()[0])
        assert f"more than {float(limit.split()[0]):g} % of the weight" in found[0].message


# ============================================================================== pad and joint shapes
def test_rl003_rounded_and_oblong_pads_and_a_rectangular_joint_by_hand(check_text) -> None:
    # Die pads 200 x 100 µm, corners r 25 µm: 20000 − (4 − π) 625 = 19463.50 µm², 3 µm of gold;
    # substrate pads oblong 200 x 100 µm (r 50 µm): 20000 − (4 − π) 2500 = 17853.98 µm², 1 µm of gold;
    # the joints `size 200 um x 100 um` (square corners), 100 µm high: 2,000,000 µm³ of solder.
    text = design(
        extra=SOLDERS,
        solder="sn60",
        pads="grid 2 x 2 pitch 1 mm",
        die_pad="size 200 um x 100 um round 25 um finish au 3 um",
        sub_pad="oblong 200 um x 100 um finish au 1 um",
        mass="size 200 um x 100 um; height 100 um",
    )
    rounded = 200 * 100 - (4 - math.pi) * 25**2
    oblong = 200 * 100 - (4 - math.pi) * 50**2
    gold_um3 = rounded * 3 + oblong * 1
    assert (rounded, oblong) == (pytest.approx(19463.50, abs=0.01), pytest.approx(17853.98, abs=0.01))
    [f] = fired(check_text, text, "RL003")
    assert f.data["gold_volume"] == pytest.approx(gold_um3)
    assert f.data["solder_volume"] == pytest.approx(2_000_000)
    assert f.data["gold_fraction"] == pytest.approx(fraction(gold_um3, 2_000_000, 9.65))
    assert f.data["gold_fraction"] == pytest.approx(7.0843, rel=1e-4)


def test_rl003_a_pad_of_another_size_than_the_joint(check_text) -> None:
    # Pads ⌀200 µm with 0.4 µm of gold each under ⌀100 µm joints 194 µm high:
    # gold 2 · π · 100² · 0.4 = 2 · (π · 50²) · 1.6 µm³ (a pad four times the area): as 1.6 µm on ⌀100 µm pads,
    # 61.76 / (61.76 + 1872.1) = 3.19 %; the pads' own area counts, not the joint's.
    text = design(
        extra=SOLDERS,
        solder="sn60",
        mass=TALL,
        die_pad="diameter 200 um finish au 0.4 um",
        sub_pad="diameter 200 um finish au 0.4 um",
    )
    [f] = fired(check_text, text, "RL003")
    assert f.data["gold_volume"] == pytest.approx(2 * math.pi * 100**2 * 0.4)
    assert f.data["gold_fraction"] == pytest.approx(fraction(2 * AREA * 1.6, AREA * 194, 9.65))
    assert f.data["gold_fraction"] == pytest.approx(100 * 61.76 / (61.76 + 1872.1))


# ============================================================================== which solders, which gold
def test_rl003_a_solder_that_is_not_tin_based_is_not_checked(check_text) -> None:
    # Au80Sn20 (20 % Sn): even with 30 µm of gold, no finding, and no info without a density either.
    ausn = "material ausn { kind fusible; composition Au 80 %, Sn 20 %; melts 280 C; density 14.5 g/cm3 }"
    text = gold_design("finish au 30 um", "finish au 30 um", solder="ausn", extra=ausn)
    text = text.replace("peak 245 C", "peak 300 C")
    assert fired(check_text, text, "RL003") == []
    assert fired(check_text, text.replace(" density 14.5 g/cm3", ""), "RL003") == []


@pytest.mark.parametrize(("tin", "fires"), [("Sn 40 %, Pb 60 %", True), ("Sn 39.9 %, Pb 60.1 %", False)])
def test_rl003_tin_based_from_40_percent_tin(check_text, tin, fires) -> None:
    solder = f"material snpb {{ kind fusible; composition {tin}; solidus 183 C; liquidus 238 C; density 9.65 g/cm3 }}"
    text = gold_design("finish au 3.01 um", solder="snpb", extra=solder)
    assert len(fired(check_text, text, "RL003")) == int(fires)


@pytest.mark.parametrize(
    ("finish_material", "fires"),
    [
        ("material fin { kind metal; composition Au 99 %, Co 1 % }", True),  # hard gold, 99 % Au: gold
        ("material fin { kind metal; composition Au 98.9 %, Co 1.1 % }", False),  # below 99 %: not gold
        ("material fin { kind metal; composition Au 100 % }", True),
        ("material fin { kind metal; composition Pd 100 % }", False),
    ],
)
def test_rl003_gold_is_a_finish_of_at_least_99_percent_au(check_text, finish_material, fires) -> None:
    text = gold_design("finish fin 3.01 um", extra=finish_material)
    assert len(fired(check_text, text, "RL003")) == int(fires)


def test_rl003_std_gold_is_gold_without_a_composition(check_text) -> None:
    # std `gold` declares no composition; it is gold by name. std `nickel` is not.
    text = gold_design("finish nickel 5 um, gold 3.01 um")
    [f] = fired(check_text, text, "RL003")
    assert f.data["gold_volume"] == pytest.approx(AREA * 3.01)
    assert fired(check_text, gold_design("finish nickel 50 um"), "RL003") == []


def test_rl003_pads_without_a_finish_bring_no_gold(check_text) -> None:
    # No finish anywhere: nothing, even with a solder of no density (no info either: CHECKS.md).
    nod = "material nod { kind fusible; composition Sn 100 %; melts 232 C }"
    assert fired(check_text, gold_design(), "RL003") == []
    assert fired(check_text, gold_design(solder="nod", extra=nod), "RL003") == []


def test_rl003_only_the_joints_on_gold_are_checked(check_text) -> None:
    # Gold on the die's pads `c` only: the joints `s` on them are reported, the joints `t` on `d` are not.
    text = design(
        extra=SOLDERS,
        solder="sn60",
        mass=TALL,
        die_pad="diameter 100 um finish au 3.01 um; pads d grid 2 x 2 pitch 1 mm origin (3 mm, 0 mm) diameter 100 um",
        sub_pad="diameter 100 um; pads q grid 2 x 2 pitch 1 mm origin (3 mm, 0 mm) diameter 100 um",
        after=f"masses t : sn60 {{ joins die.d[*] -- sub.q[*]; {TALL} }}",
        steps="step reflow { kind reflow; peak 245 C; forms s, t }",
    )
    [f] = fired(check_text, text, "RL003")
    assert (f.object_names, f.count) == (["s[0:4]"], 4)


# ============================================================================== missing data: info once
@pytest.mark.parametrize(
    ("solder", "mass"),
    [("nod", TALL), ("sn60", "diameter 100 um")],  # no density; no height
    ids=["no-density", "no-height"],
)
def test_rl003_a_joint_with_gold_but_no_weight_is_reported_once(check_text, solder, mass) -> None:
    nod = "material nod { kind fusible; composition Sn 100 %; melts 232 C }"
    text = gold_design("finish au 3.01 um", "finish au 3.01 um", solder=solder, mass=mass, extra=nod)
    [f] = fired(check_text, text, "RL003")
    assert (f.severity.value, f.object_names, f.count) == ("info", ["s[0:4]"], 4)
    assert f.location.line == line_of(text, "masses s")
    assert f.data == {"missing": "solder weight"}
    assert f.message == (
        "s[0:4] join pads with gold in their finish, but the joint's weight cannot be found (its `height`, its "
        f"`diameter` or `size`, or the `density` of {solder} is missing): RL003 cannot tell the gold's share"
    )


def test_rl003_the_base_design_with_a_thin_immersion_gold_passes(check_text) -> None:
    # ENIG: 0.1 µm of gold on both pads under the base design's ⌀100 x 80 µm SAC joints (7.4 g/cm³):
    # 2 · 0.1 · 19.3 / (2 · 0.1 · 19.3 + 80 · 7.4) = 3.86 / 595.86 = 0.648 %
    text = design(
        die_pad="diameter 100 um finish nickel 5 um, gold 0.1 um",
        sub_pad="diameter 100 um finish nickel 5 um, gold 0.1 um",
    )
    assert fired(check_text, text, "RL003") == []
    limit = deck("RL003", max_gold="0.64 %")
    [f] = fired(check_text, text, "RL003", deck=limit)
    assert f.data["gold_fraction"] == pytest.approx(100 * 3.86 / 595.86)
