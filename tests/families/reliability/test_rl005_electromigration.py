"""RL005 electromigration (plugins/assemblint_reliability/rl005_electromigration.py): the current through
a joint over the area of the smaller of its two pads, above `max_current_density` (10⁴ A/cm²).

By hand: a 100 x 100 µm square pad is 10⁴ µm² = 10⁻⁴ cm² (1 µm² = 10⁻⁸ cm²), so 1 A through it is exactly
10⁴ A/cm², the limit; a ⌀100 µm round pad is π 50² = 7853.98 µm², where 0.7854 A makes 10⁴ A/cm². A
mass's current is its own `current`, else its net's spread evenly over the masses on the net's pins.
The base design (designs.py) has four joints `s` (line 8) on 2 x 2 pads.
"""

from __future__ import annotations

import math

import pytest

from .designs import deck, design, fired, line_of

SQUARE = "size 100 um x 100 um"  # 10⁴ µm²
ROUND = math.pi * 50**2  # 7853.98 µm²


def own(current: str, die_pad: str = SQUARE, sub_pad: str = SQUARE) -> str:
    return design(die_pad=die_pad, sub_pad=sub_pad, mass=f"diameter 100 um; height 80 um; current {current}")


def density(amps: float, area_um2: float) -> float:
    return amps / (area_um2 * 1e-8)  # A/cm²


# ============================================================================== a mass's own current
@pytest.mark.parametrize(
    ("current", "fires"),
    [("0.999 A", False), ("1 A", False), ("1.001 A", True), ("999 mA", False), ("1000 mA", False), ("1001 mA", True)],
)
def test_rl005_boundary_10_4_a_per_cm2_through_a_square_pad(check_text, current, fires) -> None:
    assert density(1.0, 100 * 100) == pytest.approx(1e4)
    found = fired(check_text, own(current), "RL005")
    assert len(found) == int(fires)
    if fires:
        assert found[0].data["current"] == pytest.approx(1.001)
        assert found[0].data["current_density"] == pytest.approx(10_010.0)


@pytest.mark.parametrize(("current", "fires"), [("0.785 A", False), ("0.786 A", True)])
def test_rl005_boundary_through_a_round_pad(check_text, current, fires) -> None:
    # 0.785 A / 7.85398e-5 cm² = 9994.9 A/cm²; 0.786 A: 10007.7 A/cm²
    found = fired(check_text, own(current, "diameter 100 um", "diameter 100 um"), "RL005")
    assert len(found) == int(fires)
    if fires:
        assert found[0].data["area"] == pytest.approx(ROUND)
        assert found[0].data["current_density"] == pytest.approx(density(0.786, ROUND))
        assert found[0].data["current_density"] == pytest.approx(10_007.66, rel=1e-6)


def test_rl005_the_finding_gives_current_area_and_density(check_text) -> None:
    text = own("1.2 A")
    [f] = fired(check_text, text, "RL005")
    assert (f.severity.value, f.object_names, f.count) == ("warning", ["s[0:4]"], 4)
    assert f.location.line == line_of(text, "masses s") == 8
    assert f.data == {
        "current_density": pytest.approx(12_000.0),
        "max_current_density": 10_000.0,
        "current": 1.2,
        "area": pytest.approx(10_000.0),
        "worst": "s[0]",
    }
    assert f.message == (
        "s[0:4] carry more than 10000 A/cm² through their smaller pad; the worst, s[0]: 1.2 A through "
        "1e+04 µm² (die.c[0]) = 1.2e+04 A/cm²"
    )


# ============================================================================== pads of different sizes
def test_rl005_the_smaller_pad_counts(check_text) -> None:
    # Die pads 200 x 200 µm (4·10⁻⁴ cm²), substrate pads ⌀100 µm: 0.786 A through 7853.98 µm².
    text = own("0.786 A", die_pad="size 200 um x 200 um", sub_pad="diameter 100 um")
    [f] = fired(check_text, text, "RL005")
    assert f.data["area"] == pytest.approx(ROUND)
    assert "(sub.p[0])" in f.message
    # the other way round: the die's pad is the smaller one and is named
    text = own("0.786 A", die_pad="diameter 100 um", sub_pad="size 200 um x 200 um")
    [f] = fired(check_text, text, "RL005")
    assert f.data["area"] == pytest.approx(ROUND) and "(die.c[0])" in f.message
    # through the larger pad alone it would be 0.786 / 4e-4 = 1965 A/cm²: passes
    assert fired(check_text, own("0.786 A", "size 200 um x 200 um", "size 200 um x 200 um"), "RL005") == []


def test_rl005_rounded_rectangle_pads_by_their_area(check_text) -> None:
    # 100 x 120 µm with corners of 20 µm: 12000 − (4 − π) · 400 = 11656.64 µm²; 1.1656 A passes, 1.1657 A fires
    pad = "size 100 um x 120 um round 20 um"
    area = 100 * 120 - (4 - math.pi) * 20**2
    assert density(1.1656, area) < 1e4 < density(1.1657, area)
    assert fired(check_text, own("1.1656 A", pad, pad), "RL005") == []
    [f] = fired(check_text, own("1.1657 A", pad, pad), "RL005")
    assert f.data["area"] == pytest.approx(area)


# ============================================================================== a net's current
@pytest.mark.parametrize(("current", "fires"), [("4 A", False), ("4000 mA", False), ("4.004 A", True)])
def test_rl005_a_net_current_is_spread_evenly_over_its_masses(check_text, current, fires) -> None:
    # Four joints on the net's pins: 4 A is 1 A each, exactly 10⁴ A/cm²; 4.004 A is 1.001 A each.
    text = design(die_pad=SQUARE, sub_pad=SQUARE, after=f"net V {{ die.c[*], sub.p[*]; current {current} }}")
    found = fired(check_text, text, "RL005")
    assert len(found) == int(fires)
    if fires:
        assert (found[0].object_names, found[0].data["current"]) == (["s[0:4]"], pytest.approx(1.001))


def test_rl005_a_net_on_one_side_of_its_joints_counts_the_same(check_text) -> None:
    text = design(die_pad=SQUARE, sub_pad=SQUARE, after="net V { die.c[*]; current 4.004 A }")
    [f] = fired(check_text, text, "RL005")
    assert f.data["current"] == pytest.approx(1.001)


def test_rl005_a_net_reaches_only_the_masses_on_its_pins(check_text) -> None:
    # Net on two of the four joints: 2.02 A is 1.01 A each for s[0] and s[1]; s[2:4] carry nothing.
    text = design(die_pad=SQUARE, sub_pad=SQUARE, after="net V { die.c[0:2], sub.p[0:2]; current 2.02 A }")
    [f] = fired(check_text, text, "RL005")
    assert (f.object_names, f.count, f.data["current"]) == (["s[0:2]"], 2, pytest.approx(1.01))


def test_rl005_zipped_nets_each_carry_the_current(check_text) -> None:
    # `nets` zips die.c[i] with sub.p[i]: four nets of one joint each, 1.01 A through each.
    text = design(die_pad=SQUARE, sub_pad=SQUARE, after="nets V { die.c[*], sub.p[*]; current 1.01 A }")
    [f] = fired(check_text, text, "RL005")
    assert (f.count, f.data["current"]) == (4, pytest.approx(1.01))


def test_rl005_a_mass_current_overrides_its_nets_share(check_text) -> None:
    # The net would put 10 A through each joint; their own 0.5 A is what flows.
    text = design(
        die_pad=SQUARE,
        sub_pad=SQUARE,
        mass="diameter 100 um; height 80 um; current 0.5 A",
        after="net V { die.c[*], sub.p[*]; current 40 A }",
    )
    assert fired(check_text, text, "RL005") == []


def test_rl005_own_and_net_currents_in_one_design(check_text) -> None:
    # s on a 40 A net (10 A each); t with their own 1.001 A: two findings, one per declaration.
    text = design(
        die_pad=SQUARE + "; pads d grid 2 x 2 pitch 1 mm origin (3 mm, 0 mm) size 100 um x 100 um",
        sub_pad=SQUARE + "; pads q grid 2 x 2 pitch 1 mm origin (3 mm, 0 mm) size 100 um x 100 um",
        after="masses t : sac { joins die.d[*] -- sub.q[*]; diameter 100 um; height 80 um; current 1.001 A }\n"
        "net V { die.c[*], sub.p[*]; current 40 A }",
        steps="step reflow { kind reflow; peak 245 C; forms s, t }",
    )
    found = fired(check_text, text, "RL005")
    assert sorted((f.object_names[0], round(f.data["current"], 6)) for f in found) == [
        ("s[0:4]", 10.0),
        ("t[0:4]", 1.001),
    ]


def test_rl005_a_net_on_the_die_pads_of_some_joints_and_the_substrate_pads_of_others(check_text) -> None:
    # Four joints on the net's pins (s[0], s[1] by their die pads, s[2], s[3] by their substrate pads):
    # 4 A spread evenly is 1 A each, exactly 10⁴ A/cm² through the 100 x 100 µm pads: no finding.
    text = design(die_pad=SQUARE, sub_pad=SQUARE, after="net V { die.c[0:2], sub.p[2:4]; current 4 A }")
    assert fired(check_text, text, "RL005") == []


# ============================================================================== max_current_density
@pytest.mark.parametrize(("limit", "fires"), [("12000 A/cm2", False), ("120 A/mm2", False), ("11999 A/cm2", True)])
def test_rl005_max_current_density(check_text, limit, fires) -> None:
    found = fired(check_text, own("1.2 A"), "RL005", deck=deck("RL005", max_current_density=limit))
    assert len(found) == int(fires)
    if fires:
        assert found[0].data["max_current_density"] == 11_999.0


# ============================================================================== no current, no size
def test_rl005_no_current_no_check_and_no_info(check_text) -> None:
    # Pads without a size and no `current` anywhere: nothing at all; a net without a current neither.
    assert fired(check_text, design(die_pad="", sub_pad=""), "RL005") == []
    assert fired(check_text, design(die_pad="", sub_pad="", after="net V { die.c[*], sub.p[*] }"), "RL005") == []


def test_rl005_a_current_through_pads_without_size_is_reported_once(check_text) -> None:
    text = design(die_pad="", sub_pad="", mass="diameter 100 um; height 80 um; current 1 A")
    [f] = fired(check_text, text, "RL005")
    assert (f.severity.value, f.object_names, f.count) == ("info", ["s[0:4]"], 4)
    assert f.location.line == line_of(text, "masses s")
    assert f.data == {"missing": "pad size"}
    assert f.message == (
        "s[0:4] carry a current but their pads have no size (`diameter`, `size`): RL005 cannot find the current density"
    )


def test_rl005_a_net_current_through_pads_without_size_is_reported_once(check_text) -> None:
    text = design(die_pad="", sub_pad="", after="net V { die.c[0:2], sub.p[0:2]; current 2 A }")
    [f] = fired(check_text, text, "RL005")
    assert (f.severity.value, f.object_names, f.count) == ("info", ["s[0:2]"], 2)
