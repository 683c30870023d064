"""CTE003 fatigue-life (plugins/assemblint_cte/cte003_fatigue_life.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
Last, the right answers of issue 14: applicability (hard solders, mitigated pairs, the cycle range)
and per-alloy constants. The cases the CTE rules share are in test_cte_shared.py, the designs in
designs.py.
"""

from __future__ import annotations

import math

import pytest

from .designs import (
    C_DEFAULT,
    OPERATE,
    PPM,
    SMALL_DNP,
    SMALL_NF,
    SMALL_STRAIN,
    deck,
    design,
    findings,
    line_of,
    masses,
    only,
    sig3,
    summary,
)


def test_cte003_fires_when_engelmaier_life_is_below_the_cycle_count(check_text):
    # Corner: DNP √2 · 1000 + 50 = 1464.2 µm (to the joint's far edge), Δγ = 0.0242;
    # c = −0.442 − 6e-4 · 42.5 + 0.0174 · ln 25 = −0.4115;
    # Nf = 0.5 · (0.0241595 / 0.65)^(1 / −0.41149) = 0.5 · 0.0371685^−2.43018 = 1492 < 2000.
    text = design(service=f"{OPERATE}\n    cycle -40 C .. 125 C count 2000")
    f = only(check_text(text, select=("CTE003",)), "CTE003")
    assert (sig3(C_DEFAULT), sig3(SMALL_NF)) == (-0.411, 1490)
    assert (f.severity.value, f.object_names, f.count) == ("error", ["s[0]", "s[2]", "s[6]", "s[8]"], 4)
    assert f.data["cycles_to_failure"] == pytest.approx(SMALL_NF, rel=5e-4)
    assert f.data["cycles_to_failure"] == pytest.approx(1491.8, rel=5e-4)
    assert f.data["exponent"] == pytest.approx(C_DEFAULT, rel=5e-4)
    assert f.data["strain"] == pytest.approx(SMALL_STRAIN, rel=5e-4)
    assert f.data["dnp"] == pytest.approx(SMALL_DNP, rel=5e-4)
    assert (f.data["delta_t"], f.data["mean_temp"], f.data["height"]) == (165, 42.5, 100)
    assert (f.data["cycles_required"], f.data["corner"], f.data["fatigue_ductility"], f.data["cycles_per_day"]) == (
        2000,
        "s[0]",
        0.325,
        24,
    )
    assert f.location.line == line_of(text, "masses s")
    assert "fail before the 2000 cycles" in f.message
    assert "Δγ 0.0242 (DNP 1464 µm, height 100 µm, ΔT 165 K), c -0.4115 (T̄ 42.5 °C, 24 cycles/day)" in f.message
    assert "εf 0.325 → Nf ≈ 1.49e+03 cycles" in f.message


@pytest.mark.parametrize(
    ("count", "fires"),
    [(math.floor(SMALL_NF), False), (math.ceil(SMALL_NF), True)],
    ids=["count-1491-just-below-nf", "count-1492-just-above-nf"],
)
def test_cte003_a_count_just_below_the_estimated_life_passes_and_just_above_fires(check_text, count, fires):
    assert (math.floor(SMALL_NF), math.ceil(SMALL_NF)) == (1491, 1492)
    text = design(service=f"{OPERATE}\n    cycle -40 C .. 125 C count {count}")
    assert len(findings(check_text(text, select=("CTE003",)), "CTE003")) == int(fires)


# A solder whose material gives no Engelmaier constants of its own, so the deck's `fatigue_ductility`
# applies (std's SAC305 carries its own εf, CHECKS.md v2).
PLAIN_SOLDER = "material plain_solder { kind fusible; solidus 217 C; liquidus 221 C }"


@pytest.mark.parametrize(
    ("ductility", "per_day"),
    [(0.325, 24), (0.5, 24), (0.325, 2), (0.2, 100)],
    ids=["defaults", "ductility-0.5", "2-per-day", "ductility-0.2-100-per-day"],
)
def test_cte003_fatigue_ductility_and_cycles_per_day_change_life_as_engelmaier_says(check_text, ductility, per_day):
    c = -0.442 - 6e-4 * 42.5 + 1.74e-2 * math.log(1 + per_day)
    nf = 0.5 * (SMALL_STRAIN / (2 * ductility)) ** (1 / c)
    text = design(
        joints=masses("plain_solder"),
        extra=PLAIN_SOLDER,
        service=f"{OPERATE}\n    cycle -40 C .. 125 C count 100000000",
    )
    params = deck("CTE003", fatigue_ductility=ductility, cycles_per_day=per_day)
    f = only(check_text(text, deck=params, select=("CTE003",)), "CTE003")
    assert f.data["exponent"] == pytest.approx(c, rel=5e-4)
    assert f.data["cycles_to_failure"] == pytest.approx(nf, rel=5e-4)
    assert (f.data["fatigue_ductility"], f.data["cycles_per_day"]) == (ductility, per_day)


def test_cte003_ductility_0_5_and_2_cycles_per_day_by_hand(check_text):
    # c = −0.442 − 0.0255 + 0.0174 · ln 3 = −0.448384; Nf = 0.5 · 0.0241595^(1 / −0.448384) = 0.5 · 4037.2 = 2019.
    c = -0.442 - 0.0255 + 0.0174 * math.log(3)
    assert sig3(c) == -0.448
    nf = 0.5 * (SMALL_STRAIN / 1.0) ** (1 / c)
    assert sig3(nf) == 2020
    text = design(
        joints=masses("plain_solder"), extra=PLAIN_SOLDER, service=f"{OPERATE}\n    cycle -40 C .. 125 C count 3000"
    )
    f = only(
        check_text(text, deck=deck("CTE003", fatigue_ductility=0.5, cycles_per_day=2), select=("CTE003",)), "CTE003"
    )
    assert f.data["cycles_to_failure"] == pytest.approx(nf, rel=5e-4)
    assert "c -0.4484 (T̄ 42.5 °C, 2 cycles/day), εf 0.5 → Nf ≈ 2.02e+03 cycles" in f.message


@pytest.mark.parametrize(
    "service",
    [OPERATE, f"{OPERATE}\n    cycle -40 C .. 125 C"],
    ids=["no-cycle", "cycle-without-count"],
)
def test_cte003_needs_a_cycle_count(check_text, service):
    report = check_text(design(service=service, pads="grid 8 x 8 pitch 1 mm"), select=("CTE002", "CTE003"))
    assert summary(report) == [("CTE002", "error")]


def test_cte003_uses_the_same_neutral_point_as_cte002_when_gold_and_solder_join_a_pair(check_text):
    # 1 x 4 row at x = −1500, −500, 500, 1500 µm: gold on the left two, SAC305 on the right two.
    # Every joint is rigid: neutral point x = 0, so the solder corner b[1] has DNP 1500 + 50 µm,
    # Δγ = 10e-6 · 165 · 1550 / 100 = 0.025575, Nf = 0.5 · (0.025575 / 0.65)^(1 / −0.41149) = 1299.
    joints = masses("gold", "g", "[0:2]") + "\n" + masses("SAC305", "b", "[2:4]")
    steps = "step bond { kind bond; peak 300 C; forms g }\n    step reflow { kind reflow; peak 245 C; forms b }"
    text = design(
        pads="grid 1 x 4 pitch 1 mm",
        joints=joints,
        steps=steps,
        service=f"{OPERATE}\n    cycle -40 C .. 125 C count 2000",
    )
    report = check_text(text, select=("CTE002", "CTE003"))
    strain = 10 * PPM * 165 * 1550 / 100
    nf = 0.5 * (strain / 0.65) ** (1 / C_DEFAULT)
    assert sig3(nf) == 1300
    f = only(report, "CTE003")
    assert (f.data["corner"], f.data["dnp"]) == ("b[1]", pytest.approx(1550))
    assert f.data["cycles_to_failure"] == pytest.approx(nf, rel=5e-4)
    assert f.object_names == ["b[1]"]  # b[0] (DNP 550 µm) lives far longer than 2000 cycles


def board(material: str = "SAC305", extra: str = "", cycle: str = "-40 C .. 125 C", grid: str = "8 x 8") -> str:
    return f"""use std
{extra}
element die : chip {{ body silicon; cte 2.6 ppm/K; pads c grid {grid} pitch 400 um diameter 100 um }}
element board : circuit_board {{ body fr4; cte 16 ppm/K; pads p grid {grid} pitch 400 um diameter 100 um }}
masses s : {material} {{ joins die.c[*] -- board.p[*]; diameter 100 um; height 80 um }}
process {{
    step reflow {{ kind reflow; peak 340 C; forms s }}
    operate -40 C .. 85 C
    cycle {cycle} count 1000
}}
"""


def cte003(report) -> list:
    return [f for f in report.findings if f.rule == "CTE003"]


# 8 x 8 at 400 µm: the corner DNP is 3.5·400·√2 + 50 = 2029.9 µm (to the joint's far edge); Δα
# 13.4 ppm/K, ΔT 165 K, h 80 µm: Δγ = 13.4e-6 · 165 · 2029.9 / 80 = 0.05610; T̄ 42.5 °C, f 24/day:
# c = −0.442 − 6e-4·42.5 + 1.74e-2·ln 25 = −0.41150; Nf = ½ (0.05610 / 0.65)^(1/c) = 192.5 cycles.
CORNER_STRAIN = 13.4e-6 * 165 * (3.5 * 400 * math.sqrt(2) + 50) / 80
C_SNPB = -0.442 - 6e-4 * 42.5 + 1.74e-2 * math.log(25)


def test_cte003_sac305_uses_its_own_ductility_and_says_which_constants(check_text):
    (finding,) = cte003(check_text(board(), select=("CTE003",)))
    assert finding.data["strain"] == pytest.approx(CORNER_STRAIN, rel=1e-6)
    assert finding.data["exponent"] == pytest.approx(C_SNPB, rel=1e-9)
    assert finding.data["cycles_to_failure"] == pytest.approx(0.5 * (CORNER_STRAIN / 0.65) ** (1 / C_SNPB), rel=1e-6)
    assert "SAC305's own εf with the SnPb exponent constants" in finding.message
    assert finding.data["constants"] == "material"


def test_cte003_a_material_with_its_own_constants_replaces_the_snpb_ones(check_text):
    extra = "material mysolder : SAC305 { fatigue_ductility 0.5; fatigue_exponent -0.5, -0.001, 0.02 }"
    (finding,) = cte003(check_text(board("mysolder", extra), select=("CTE003",)))
    c = -0.5 - 0.001 * 42.5 + 0.02 * math.log(25)
    assert finding.data["exponent"] == pytest.approx(c, rel=1e-9)
    assert finding.data["fatigue_ductility"] == 0.5 and finding.data["exponent_constants"] == [-0.5, -0.001, 0.02]
    assert finding.data["cycles_to_failure"] == pytest.approx(0.5 * (CORNER_STRAIN / 1.0) ** (1 / c), rel=1e-6)
    assert "mysolder's own constants" in finding.message


def test_cte003_without_material_constants_the_snpb_constants_are_named(check_text):
    (finding,) = cte003(check_text(board("Sn63Pb37"), select=("CTE003",)))
    assert "the eutectic SnPb constants (the material gives none of its own)" in finding.message
    assert finding.data["fatigue_ductility"] == 0.325 and finding.data["constants"] == "SnPb"


def test_cte003_strain_factor_scales_the_strain(check_text):
    deck = "[rules.CTE003]\nstrain_factor = 1.5"
    (finding,) = cte003(check_text(board(), deck=deck, select=("CTE003",)))
    assert finding.data["strain"] == pytest.approx(1.5 * CORNER_STRAIN, rel=1e-6)
    assert "F 1.5 ×" in finding.message and finding.data["strain_factor"] == 1.5


def test_cte003_hard_solders_are_outside_the_model(check_text):
    assert cte003(check_text(board("Au80Sn20"), select=("CTE003",))) == []  # solidus 278 °C > 250 °C
    assert len(cte003(check_text(board("SAC305"), select=("CTE003",)))) == 1


def test_cte003_a_solidus_of_exactly_250_c_is_still_in_the_model(check_text):
    extra = "material hot : SAC305 { solidus 250 C; liquidus 260 C }"
    assert len(cte003(check_text(board("hot", extra), select=("CTE003",)))) == 1
    extra = "material hot : SAC305 { solidus 250.1 C; liquidus 260 C }"
    assert cte003(check_text(board("hot", extra), select=("CTE003",))) == []


def test_cte003_joints_that_melt_within_the_cycle_range_are_not_rigid(check_text):
    """In52Sn48 melts at 118 °C: solid over the 85 °C operating range, liquid in a −40..125 °C cycle."""
    report = check_text(board("In52Sn48"), select=("CTE002", "CTE003"))
    assert report.findings == []
    report = check_text(board("In52Sn48", cycle="-40 C .. 100 C"), select=("CTE003",))
    assert len(cte003(report)) == 1


@pytest.mark.parametrize("role", ["underfill", "mold"])
def test_cte003_mitigated_pairs_get_one_info_without_a_number(check_text, role):
    extra = ""
    text = board(extra=extra).replace(
        "process {", f"layer u : underfill {{ role {role}; between die, board; thickness 80 um }}\nprocess {{"
    )
    (finding,) = cte003(check_text(text, select=("CTE003",)))
    assert finding.severity.value == "info" and "cycles_to_failure" not in finding.data
    assert "Nf" not in finding.message and "no life is estimated" in finding.message
    assert finding.data["mitigated_by"] == "u"


# Issue 18: a single 6 x 6 mm SAC305 preform, 50 µm high, between a silicon die (2.6 ppm/K) and a
# copper plate (17 ppm/K). Its neutral point is its own centre; before the shapes its DNP was 0 and
# it was never strain-checked. By hand: DNP = the half-diagonal, 3000 · √2 = 4242.6 µm;
# Δγ = 14.4e-6 · 165 · 4242.6 / 50 = 0.2016; c = −0.4115 (T̄ 42.5 °C, 24/day), εf 0.325 (SAC305's own):
# Nf = ½ (0.2016 / 0.65)^(1 / −0.4115) = ½ · 0.3102^−2.4302 = ½ · 17.2 = 8.6 cycles, "≈ 9" in the issue.
PREFORM = """use std
element die : chip { body silicon; pad t at (0 um, 0 um) size 6 mm x 6 mm }
element sub : plate { body copper; pad t at (0 um, 0 um) size 6 mm x 6 mm }
mass pre : SAC305 { joins die.t -- sub.t; size 6 mm x 6 mm; height 50 um }
process {
    step reflow { kind reflow; peak 245 C; forms pre }
    operate -40 C .. 125 C
    cycle -40 C .. 125 C count 1000
}
"""


def test_a_single_die_attach_preform_is_strained_by_its_own_half_diagonal(check_text):
    dnp = 3000 * math.sqrt(2)
    strain = 14.4 * PPM * 165 * dnp / 50
    nf = 0.5 * (strain / 0.65) ** (1 / C_DEFAULT)
    assert (sig3(dnp), sig3(strain), sig3(nf)) == (4240, 0.202, 8.6)
    report = check_text(PREFORM, select=("CTE002", "CTE003"))
    shear, life = only(report, "CTE002"), only(report, "CTE003")
    assert (shear.object_names, shear.data["corner"]) == (["pre"], "pre")
    assert shear.data["dnp"] == pytest.approx(dnp, rel=1e-9)
    assert shear.data["strain"] == pytest.approx(strain, rel=1e-9)
    assert "DNP 4243 µm / height 50 µm = 0.202" in shear.message
    assert life.data["cycles_to_failure"] == pytest.approx(nf, rel=1e-9)
    assert life.data["cycles_to_failure"] == pytest.approx(8.6, abs=0.05)
    assert "Nf ≈ 8.6 cycles" in life.message
