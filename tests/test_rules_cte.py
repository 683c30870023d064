"""The CTE-matching rules CTE001–CTE005 (plugins/assemblint_cte) against CHECKS.md.

Every expected number is computed here from first principles (Δα, ΔT, DNP from the joints'
centroid, h, Engelmaier's exponent and life), never by calling the plugin. First the shared
flip-chip examples, then each rule: it fires on a small die-on-board design (id, severity,
objects, count, data, message), stays quiet on the corrected one and holds its limit exactly
("exceeds" and "below" are strict). Then the definitions the rules share (decoupled, mitigated,
ΔT, the neutral point, the element's CTE), cells, and each rule's documentation examples.
The project's documented readings are tested as such: the neutral point is the centroid of the
pair's RIGID joints; CTE004 compares with a `chip` or `wafer` between which both layers lie.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from assemblint_cte import RULES

from assemblint import Severity

CTE = ("CTE001", "CTE002", "CTE003", "CTE004", "CTE005")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PPM = 1e-6

REFLOW = "step reflow { kind reflow; peak 245 C; forms s }"
OPERATE = "operate 0 C .. 100 C"
CYCLE = "cycle -40 C .. 125 C count 1000"
MYSTERY = "material mystery { kind ceramic }"  # a body material with no CTE
UNDERFILL = "material cuf { kind polymer; dielectric; cte 30 ppm/K; modulus 8 GPa; service -55 C .. 150 C }"


def masses(material: str = "SAC305", name: str = "s", pads: str = "[*]", height: str = "height 100 um") -> str:
    return f"masses {name} : {material} {{ joins die.c{pads} -- board.p{pads}; diameter 100 um; {height} }}"


def design(
    *,
    die: str = "cte 2.6 ppm/K;",
    board: str = "cte 12.6 ppm/K;",
    pads: str = "grid 3 x 3 pitch 1 mm",
    joints: str | None = None,
    extra: str = "",
    steps: str = REFLOW,
    service: str = f"{OPERATE}\n    {CYCLE}",
    die_type: str = "chip",
) -> str:
    """A die on a board (Δα = 12.6 − 2.6 = 10 ppm/K by default), 3 x 3 SAC305 joints 100 µm high."""
    joints = masses() if joints is None else joints
    return f"""use std
element die : {die_type} {{ body silicon; {die} pads c {pads} diameter 100 um }}
element board : circuit_board {{ body fr4; {board} pads p {pads} diameter 100 um }}
{joints}
{extra}
process {{
    {steps}
    {service}
}}
"""


# The default design by hand: Δα = 12.6 − 2.6 = 10 ppm/K, ΔT = 125 − (−40) = 165 K (the cycle),
# a 3 x 3 grid of pitch 1 mm centred on the die: corners at (±1000, ±1000) µm, DNP = √2 · 1000 µm.
SMALL_DNP = math.sqrt(2) * 1000  # 1414.21 µm
SMALL_STRAIN = 10 * PPM * 165 * SMALL_DNP / 100  # = 0.0233345
# Engelmaier for -40 .. 125 C and 24 cycles/day: T̄ = 42.5 °C, c = −0.442 − 0.0255 + 0.0174 · ln 25.
C_DEFAULT = -0.442 - 6e-4 * 42.5 + 1.74e-2 * math.log(25)  # = −0.411492
SMALL_NF = 0.5 * (SMALL_STRAIN / (2 * 0.325)) ** (1 / C_DEFAULT)  # = 0.5 · 0.0358992^−2.43018 = 1623.2


def sig3(x: float) -> float:
    """x rounded to 3 significant figures."""
    return float(f"{x:.3g}")


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def findings(report, rule: str) -> list:
    return [f for f in report.findings if f.rule == rule]


def only(report, rule: str):
    """The one finding of `rule` in the report."""
    found = findings(report, rule)
    assert len(found) == 1, [(f.rule, f.object_names, f.message) for f in report.findings]
    return found[0]


def summary(report) -> list[tuple[str, str]]:
    """(rule, severity) of every CTE finding, sorted."""
    return sorted((f.rule, f.severity.value) for f in report.findings if f.rule.startswith("CTE"))


def deck(rule: str, **params) -> str:
    """A `[rules.ID]` table: numbers as TOML numbers, strings (quantities) quoted."""
    return f"[rules.{rule}]\n" + "\n".join(
        f"{k} = {v!r}" if not isinstance(v, str) else f'{k} = "{v}"' for k, v in params.items()
    )


def compact(name: str, indices: list[int]) -> list[str]:
    """`s[0:169]`-style runs of sorted indices (end exclusive), `s[7]` for a run of one."""
    runs: list[list[int]] = []
    for i in indices:
        if runs and i == runs[-1][1]:
            runs[-1][1] = i + 1
        else:
            runs.append([i, i + 1])
    return [f"{name}[{a}]" if b == a + 1 else f"{name}[{a}:{b}]" for a, b in runs]


def centred_grid(rows: int, cols: int, pitch: float) -> list[tuple[float, float]]:
    """Pad positions of a centred grid, row-major (LANGUAGE.md)."""
    return [((c - (cols - 1) / 2) * pitch, (r - (rows - 1) / 2) * pitch) for r in range(rows) for c in range(cols)]


# ============================================================================== shared flip-chip examples
# Die 2.6 ppm/K on FR-4 16 ppm/K: Δα = 13.4 ppm/K; cycle -40 .. 125 C: ΔT = 165 K; a 20 x 20 grid of
# pitch 400 µm centred: corner at (±3800, ±3800) µm, DNP = √2 · 3800 = 5374 µm; joints 80 µm high.
FC_DA, FC_DT, FC_H = 16 - 2.6, 165, 80
FC_GRID = centred_grid(20, 20, 400)
FC_DNP = [math.hypot(x, y) for x, y in FC_GRID]
FC_STRAIN = FC_DA * PPM * FC_DT * (math.sqrt(2) * 3800) / FC_H  # 13.4e-6 · 165 · 5374 / 80 = 0.1485
FC_NF = 0.5 * (FC_STRAIN / (2 * 0.325)) ** (1 / C_DEFAULT)  # ≈ 18.1


def fc_report(check_text, name: str):
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    return text, check_text(text, select=CTE)


def test_flip_chip_fr4_gives_exactly_cte001_warning_cte002_error_cte003_error(check_text):
    _, report = fc_report(check_text, "flip-chip-fr4.assy")
    assert summary(report) == [("CTE001", "warning"), ("CTE002", "error"), ("CTE003", "error")]


def test_flip_chip_fr4_cte001_names_the_pair_and_the_134_ppm_difference(check_text):
    text, report = fc_report(check_text, "flip-chip-fr4.assy")
    f = only(report, "CTE001")
    assert (f.object_names, f.count) == (["board", "die"], 2)
    assert f.data["delta_alpha"] == pytest.approx(13.4, rel=5e-4)
    assert f.data["cte"] == pytest.approx([2.6, 16])
    assert f.data["rigid_joints"] == 400
    assert f.location.line == line_of(text, "element die")
    assert "differ by 13.4 ppm/K" in f.message and "more than 3 ppm/K" in f.message


def test_flip_chip_fr4_cte002_corner_strain_is_0_1485_by_hand(check_text):
    text, report = fc_report(check_text, "flip-chip-fr4.assy")
    f = only(report, "CTE002")
    assert sig3(FC_STRAIN) == 0.149
    assert f.data["strain"] == pytest.approx(FC_STRAIN, rel=5e-4)
    assert f.data["strain"] == pytest.approx(0.1485, rel=5e-4)
    assert f.data["dnp"] == pytest.approx(5374, rel=5e-4)
    assert (f.data["delta_alpha"], f.data["delta_t"], f.data["height"]) == (pytest.approx(13.4), 165, 80)
    assert f.data["corner"] == "s[0]"
    # Over 0.02 when DNP > 0.02 · 80 / (13.4e-6 · 165) = 723.7 µm: all but the 12 innermost joints.
    over = [i for i, d in enumerate(FC_DNP) if FC_DA * PPM * FC_DT * d / FC_H > 0.02]
    assert len(over) == 388
    assert (f.object_names, f.count) == (compact("s", over), 388)
    assert f.object_names == ["s[0:169]", "s[171:188]", "s[192:208]", "s[212:229]", "s[231:400]"]
    assert f.location.line == line_of(text, "masses s")
    assert "DNP 5374 µm" in f.message and "= 0.149" in f.message and "ΔT 165 K (cycle)" in f.message


def test_flip_chip_fr4_cte003_engelmaier_life_is_18_cycles_by_hand(check_text):
    text, report = fc_report(check_text, "flip-chip-fr4.assy")
    f = only(report, "CTE003")
    assert sig3(FC_NF) == 18.1
    assert f.data["cycles_to_failure"] == pytest.approx(FC_NF, rel=5e-4)
    assert f.data["exponent"] == pytest.approx(C_DEFAULT, rel=5e-4)
    assert f.data["exponent"] == pytest.approx(-0.4115, rel=5e-4)
    assert (f.data["mean_temp"], f.data["cycles_required"], f.data["corner"]) == (42.5, 1000, "s[0]")
    short = [i for i, d in enumerate(FC_DNP) if 0.5 * (FC_DA * PPM * FC_DT * d / FC_H / 0.65) ** (1 / C_DEFAULT) < 1000]
    assert (f.object_names, f.count) == (compact("s", short), len(short))
    assert f.count == 376
    assert f.location.line == line_of(text, "masses s")
    assert "Nf ≈ 18.1 cycles" in f.message and "c -0.4115" in f.message and "T̄ 42.5 °C" in f.message


def test_flip_chip_fr4_underfill_turns_strain_and_fatigue_into_info_and_drops_cte001(check_text):
    _, report = fc_report(check_text, "flip-chip-fr4-underfill.assy")
    assert summary(report) == [("CTE002", "info"), ("CTE003", "info")]
    strain, life = only(report, "CTE002"), only(report, "CTE003")
    assert strain.data["strain"] == pytest.approx(FC_STRAIN, rel=5e-4)
    # CHECKS.md (v2): under underfill or mold the model does not hold: one info finding, no number
    assert "cycles_to_failure" not in life.data and "Nf" not in life.message
    assert "without the underfill uf" in life.message and "no life is estimated" in life.message
    assert life.count == 376  # the joints whose unmitigated estimate (FC_NF at the corner) falls short
    assert strain.data["mitigated_by"] == life.data["mitigated_by"] == "uf"
    assert "the underfill uf couples the elements: for review" in strain.message


# ============================================================================== CTE001 mismatch
def test_cte001_fires_on_a_die_rigidly_soldered_to_a_board_10_ppm_apart(check_text):
    text = design()
    f = only(check_text(text, select=("CTE001",)), "CTE001")
    assert (f.severity.value, f.object_names, f.count) == ("warning", ["board", "die"], 2)
    assert f.data["delta_alpha"] == pytest.approx(12.6 - 2.6)
    assert f.data["cte"] == pytest.approx([2.6, 12.6])
    assert (f.data["max_delta"], f.data["rigid_joints"]) == (3, 9)
    assert f.location.line == line_of(text, "element die")
    assert "9 solid joints" in f.message
    assert "differ by 10 ppm/K (die 2.6 ppm/K, board 12.6 ppm/K), more than 3 ppm/K" in f.message


def test_cte001_passes_when_the_board_matches_the_die(check_text):
    assert findings(check_text(design(board="cte 4.6 ppm/K;"), select=("CTE001",)), "CTE001") == []


@pytest.mark.parametrize(
    ("die", "board", "limit", "fires"),
    [
        ("cte 3 ppm/K;", "cte 6 ppm/K;", None, False),  # Δα = 3 = the default 3 ppm/K: passes
        ("cte 3 ppm/K;", "cte 6.1 ppm/K;", None, True),  # 3.1 ppm/K
        ("cte 2.6 ppm/K;", "cte 7.6 ppm/K;", "5 ppm/K", False),  # Δα = 5 = max_delta
        ("cte 2.6 ppm/K;", "cte 7.7 ppm/K;", "5 ppm/K", True),  # 5.1 ppm/K
    ],
    ids=["default-at", "default-over", "deck-at", "deck-over"],
)
def test_cte001_a_difference_exactly_at_max_delta_passes_and_0_1_ppm_more_fires(check_text, die, board, limit, fires):
    text = design(die=die, board=board)
    report = check_text(text, deck=deck("CTE001", max_delta=limit) if limit else None, select=("CTE001",))
    assert len(findings(report, "CTE001")) == int(fires)
    if fires and limit:
        assert "more than 5 ppm/K" in only(report, "CTE001").message


def test_cte001_takes_the_body_materials_cte_when_the_element_gives_none(check_text):
    f = only(check_text(design(die="", board=""), select=("CTE001",)), "CTE001")  # silicon 2.6, fr4 13.5
    assert f.data["cte"] == pytest.approx([2.6, 13.5])
    assert f.data["delta_alpha"] == pytest.approx(13.5 - 2.6)
    assert "differ by 10.9 ppm/K" in f.message


def test_cte001_an_elements_own_cte_overrides_its_body_material(check_text):
    f = only(check_text(design(board="cte 16 ppm/K;"), select=("CTE001",)), "CTE001")  # fr4 body is 13.5
    assert f.data["delta_alpha"] == pytest.approx(13.4)


# ============================================================================== CTE002 joint-strain
def test_cte002_fires_on_the_four_corner_joints_with_hand_computed_strain(check_text):
    text = design()
    f = only(check_text(text, select=("CTE002",)), "CTE002")
    # Δγ = 10e-6 · 165 · 1414.2 / 100 = 0.0233 at the corners; the edge joints (DNP 1000 µm) take
    # 10e-6 · 165 · 1000 / 100 = 0.0165 and the centre none: only the four corners exceed 0.02.
    assert sig3(SMALL_STRAIN) == 0.0233
    assert (f.severity.value, f.object_names, f.count) == ("error", ["s[0]", "s[2]", "s[6]", "s[8]"], 4)
    assert f.data["strain"] == pytest.approx(SMALL_STRAIN, rel=5e-4)
    assert f.data["dnp"] == pytest.approx(1414.2, rel=5e-4)
    assert (f.data["delta_t"], f.data["height"], f.data["max_shear_strain"]) == (165, 100, 0.02)
    assert f.data["delta_alpha"] == pytest.approx(10)
    assert (f.data["corner"], f.data["pair"], f.data["mitigated_by"]) == ("s[0]", ["die", "board"], None)
    assert f.location.line == line_of(text, "masses s")
    assert f.message.startswith("4 rigid joints between die–board shear by more than 0.02; the corner joint s[0]")
    assert "Δα 10 ppm/K × ΔT 165 K (cycle) × DNP 1414 µm / height 100 µm = 0.0233" in f.message


def test_cte002_passes_on_a_smaller_grid(check_text):
    # 2 x 2 at 1 mm: DNP = √2 · 500 = 707 µm, Δγ = 10e-6 · 165 · 707.1 / 100 = 0.0117 ≤ 0.02.
    assert findings(check_text(design(pads="grid 2 x 2 pitch 1 mm"), select=("CTE002",)), "CTE002") == []


def test_cte002_names_the_farthest_joint_of_an_irregular_array_as_corner(check_text):
    # Pads at (0,0), (1,0), (0,1), (3,3) mm: centroid (1, 1) mm. DNPs: √2 mm, 1 mm, 1 mm, √8 mm.
    pads = "at (0 mm, 0 mm), (1 mm, 0 mm), (0 mm, 1 mm), (3 mm, 3 mm)"
    report = check_text(design(pads=pads), select=("CTE002", "CTE003"))
    f = only(report, "CTE002")
    corner_strain = 10 * PPM * 165 * math.hypot(2000, 2000) / 100  # = 0.04667
    assert sig3(corner_strain) == 0.0467
    # s[0] 0.0233 and s[3] 0.0467 exceed 0.02; s[1], s[2] take 10e-6 · 165 · 1000 / 100 = 0.0165.
    assert (f.object_names, f.data["corner"]) == (["s[0]", "s[3]"], "s[3]")
    assert f.data["dnp"] == pytest.approx(2828.4, rel=5e-4)
    assert f.data["strain"] == pytest.approx(corner_strain, rel=5e-4)
    # CTE003 (count 1000): Nf(s[3]) = 0.5 · (0.04667 / 0.65)^(1 / −0.41149) = 301; s[0] lives 1623.
    life = only(report, "CTE003")
    nf = 0.5 * (corner_strain / 0.65) ** (1 / C_DEFAULT)
    assert sig3(nf) == 301
    assert (life.object_names, life.data["corner"]) == (["s[3]"], "s[3]")
    assert life.data["cycles_to_failure"] == pytest.approx(nf, rel=5e-4)


# Δα = 10 ppm/K, ΔT = 100 K (operate 0 .. 100 C, no cycle), a 1 x 2 grid of pitch 2 mm: DNP = 1000 µm,
# h = 50 µm: Δγ = 10e-6 · 100 · 1000 / 50 = 0.02 exactly (also in binary floating point).
EXACT = design(pads="grid 1 x 2 pitch 2 mm", joints=masses(height="height 50 um"), service=OPERATE)


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
    # (5.5, 5.5) mm, every DNP √2 · 500 = 707.1 µm (from the element origin the far pad is 1414 µm).
    text = design(
        die="cte 2.6 ppm/K; position (5 mm, 5 mm);",
        board="cte 12.6 ppm/K; position (5 mm, 5 mm);",
        pads="grid 2 x 2 pitch 1 mm origin (0 mm, 0 mm)",
        service=OPERATE,
    )
    f = only(check_text(text, deck=deck("CTE002", max_shear_strain=0.001), select=("CTE002",)), "CTE002")
    assert f.data["dnp"] == pytest.approx(707.107, rel=5e-4)
    assert f.data["strain"] == pytest.approx(10 * PPM * 100 * 707.107 / 100, rel=5e-4)  # 0.00707
    assert (f.object_names, f.count) == (["s[0:4]"], 4)


def test_cte002_the_neutral_point_is_the_centroid_of_the_rigid_joints_only(check_text):
    # Project reading (CTE002 doc): a 1 x 4 row at x = −1500, −500, 500, 1500 µm; the two left joints
    # are liquid in operation (SnBiPbInCd50, 50 C), so the neutral point is x = 1000: DNP 500 µm each.
    joints = masses("SnBiPbInCd50", "a", "[0:2]") + "\n" + masses("SAC305", "b", "[2:4]")
    steps = "step low { kind reflow; peak 80 C; forms a }\n    step reflow { kind reflow; peak 245 C; forms b }"
    text = design(pads="grid 1 x 4 pitch 1 mm", joints=joints, steps=steps, service=OPERATE)
    report = check_text(text, deck=deck("CTE002", max_shear_strain=0.001), select=("CTE001", "CTE002"))
    f = only(report, "CTE002")
    assert (f.object_names, f.data["dnp"], f.data["corner"]) == (["b[0:2]"], pytest.approx(500), "b[0]")
    assert f.data["strain"] == pytest.approx(10 * PPM * 100 * 500 / 100)  # 0.005
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
    # 1 x 4 row; 40 µm joints on the outside (DNP 1500 µm): 10e-6 · 165 · 1500 / 40 = 0.0619.
    joints = masses(name="a", pads="[0:2]", height="height 40 um") + "\n" + masses(name="b", pads="[2:4]")
    text = design(pads="grid 1 x 4 pitch 1 mm", joints=joints, steps=REFLOW.replace("forms s", "forms a, b"))
    a, b = sorted(findings(check_text(text, select=("CTE002",)), "CTE002"), key=lambda f: f.data["corner"])
    assert (a.data["corner"], a.data["height"]) == ("a[0]", 40)
    assert a.data["strain"] == pytest.approx(10 * PPM * 165 * 1500 / 40, rel=5e-4)
    # the b statement's own joints, with their own 100 µm height: one finding per declaration
    assert (b.data["corner"], b.data["height"], b.object_names) == ("b[1]", 100, ["b[1]"])
    assert b.data["strain"] == pytest.approx(10 * PPM * 165 * 1500 / 100, rel=5e-4)


# ============================================================================== CTE003 fatigue-life
def test_cte003_fires_when_engelmaier_life_is_below_the_cycle_count(check_text):
    # Corner: Δγ = 0.0233; c = −0.442 − 6e-4 · 42.5 + 0.0174 · ln 25 = −0.4115;
    # Nf = 0.5 · (0.0233345 / 0.65)^(1 / −0.41149) = 0.5 · 0.0358992^−2.43018 = 1623 < 2000.
    text = design(service=f"{OPERATE}\n    cycle -40 C .. 125 C count 2000")
    f = only(check_text(text, select=("CTE003",)), "CTE003")
    assert (sig3(C_DEFAULT), sig3(SMALL_NF)) == (-0.411, 1620)
    assert (f.severity.value, f.object_names, f.count) == ("error", ["s[0]", "s[2]", "s[6]", "s[8]"], 4)
    assert f.data["cycles_to_failure"] == pytest.approx(SMALL_NF, rel=5e-4)
    assert f.data["cycles_to_failure"] == pytest.approx(1623.2, rel=5e-4)
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
    assert "Δγ 0.0233 (DNP 1414 µm, height 100 µm, ΔT 165 K), c -0.4115 (T̄ 42.5 °C, 24 cycles/day)" in f.message
    assert "εf 0.325 → Nf ≈ 1.62e+03 cycles" in f.message


@pytest.mark.parametrize(
    ("count", "fires"),
    [(math.floor(SMALL_NF), False), (math.ceil(SMALL_NF), True)],
    ids=["count-1623-just-below-nf", "count-1624-just-above-nf"],
)
def test_cte003_a_count_just_below_the_estimated_life_passes_and_just_above_fires(check_text, count, fires):
    assert (math.floor(SMALL_NF), math.ceil(SMALL_NF)) == (1623, 1624)
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
    # c = −0.442 − 0.0255 + 0.0174 · ln 3 = −0.448384; Nf = 0.5 · 0.0233345^(1 / −0.448384) = 0.5 · 4362.5 = 2181.
    c = -0.442 - 0.0255 + 0.0174 * math.log(3)
    assert sig3(c) == -0.448
    nf = 0.5 * (SMALL_STRAIN / 1.0) ** (1 / c)
    assert sig3(nf) == 2180
    text = design(
        joints=masses("plain_solder"), extra=PLAIN_SOLDER, service=f"{OPERATE}\n    cycle -40 C .. 125 C count 3000"
    )
    f = only(
        check_text(text, deck=deck("CTE003", fatigue_ductility=0.5, cycles_per_day=2), select=("CTE003",)), "CTE003"
    )
    assert f.data["cycles_to_failure"] == pytest.approx(nf, rel=5e-4)
    assert "c -0.4484 (T̄ 42.5 °C, 2 cycles/day), εf 0.5 → Nf ≈ 2.18e+03 cycles" in f.message


@pytest.mark.parametrize(
    "service",
    [OPERATE, f"{OPERATE}\n    cycle -40 C .. 125 C"],
    ids=["no-cycle", "cycle-without-count"],
)
def test_cte003_needs_a_cycle_count(check_text, service):
    report = check_text(design(service=service, pads="grid 8 x 8 pitch 1 mm"), select=("CTE002", "CTE003"))
    assert summary(report) == [("CTE002", "error")]


GOLD_STEPS = "step bond { kind bond; peak 300 C; forms s }"


def test_a_gold_rigid_joint_gets_cte002_but_not_cte003(check_text):
    text = design(
        joints=masses("gold"), steps=GOLD_STEPS, service=f"{OPERATE}\n    cycle -40 C .. 125 C count 100000000"
    )
    report = check_text(text, select=CTE)
    assert summary(report) == [("CTE001", "warning"), ("CTE002", "error")]
    assert only(report, "CTE002").data["strain"] == pytest.approx(SMALL_STRAIN, rel=5e-4)


def test_cte003_uses_the_same_neutral_point_as_cte002_when_gold_and_solder_join_a_pair(check_text):
    # 1 x 4 row at x = −1500, −500, 500, 1500 µm: gold on the left two, SAC305 on the right two.
    # Every joint is rigid: neutral point x = 0, so the solder corner b[1] has DNP 1500 µm,
    # Δγ = 10e-6 · 165 · 1500 / 100 = 0.02475, Nf = 0.5 · (0.02475 / 0.65)^(1 / −0.41149) = 1407.
    joints = masses("gold", "g", "[0:2]") + "\n" + masses("SAC305", "b", "[2:4]")
    steps = "step bond { kind bond; peak 300 C; forms g }\n    step reflow { kind reflow; peak 245 C; forms b }"
    text = design(
        pads="grid 1 x 4 pitch 1 mm",
        joints=joints,
        steps=steps,
        service=f"{OPERATE}\n    cycle -40 C .. 125 C count 2000",
    )
    report = check_text(text, select=("CTE002", "CTE003"))
    strain = 10 * PPM * 165 * 1500 / 100
    nf = 0.5 * (strain / 0.65) ** (1 / C_DEFAULT)
    assert sig3(nf) == 1410
    f = only(report, "CTE003")
    assert (f.data["corner"], f.data["dnp"]) == ("b[1]", pytest.approx(1500))
    assert f.data["cycles_to_failure"] == pytest.approx(nf, rel=5e-4)
    assert f.object_names == ["b[1]"]  # b[0] (DNP 500 µm) lives far longer than 2000 cycles


# ============================================================================== decoupled and mitigated pairs
def test_a_pair_whose_joints_are_all_liquid_in_operation_gives_no_cte_finding(check_text):
    # SnBiPbInCd50 melts at 50 C, operate up to 85 C: decoupled, even with a CTE and a height missing.
    text = design(
        board="body mystery;",
        extra=MYSTERY,
        joints=masses("SnBiPbInCd50", height=""),
        steps="step reflow { kind reflow; peak 80 C; forms s }",
        service="operate 0 C .. 85 C\n    cycle -40 C .. 125 C count 100000000",
    )
    assert summary(check_text(text, select=CTE)) == []


@pytest.mark.parametrize(("top", "fires"), [("50 C", False), ("49.9 C", True)])
def test_a_joint_whose_melting_point_the_operating_range_reaches_is_liquid(check_text, top, fires):
    text = design(
        joints=masses("SnBiPbInCd50"),
        steps="step reflow { kind reflow; peak 80 C; forms s }",
        service=f"operate 0 C .. {top}",
    )
    assert len(findings(check_text(text, select=("CTE001",)), "CTE001")) == int(fires)


def test_one_solid_masses_statement_keeps_the_pair_rigid(check_text):
    joints = masses("SnBiPbInCd50", "a", "[0:5]") + "\n" + masses("SAC305", "b", "[5:9]")
    steps = "step low { kind reflow; peak 80 C; forms a }\n    step reflow { kind reflow; peak 245 C; forms b }"
    report = check_text(design(joints=joints, steps=steps), select=("CTE001",))
    f = only(report, "CTE001")
    assert f.data["rigid_joints"] == 4
    assert "4 solid joints" in f.message


@pytest.mark.parametrize("shape", ["s", "beam", "flexible", "wire"])
def test_a_flexible_lead_in_series_decouples_the_pair(check_text, shape):
    # Decoupled even though the board has no CTE and the joints no height: nothing to report.
    lead = f"leads l : copper {{ from die.c[*] to s[*]; shape {shape} }}"
    text = design(board="body mystery;", joints=masses(height=""), extra=f"{MYSTERY}\n{lead}")
    assert summary(check_text(text, select=CTE)) == []


def test_a_rigid_lead_does_not_decouple(check_text):
    text = design(extra="leads l : copper { from die.c[*] to s[*]; shape rigid }")
    assert summary(check_text(text, select=CTE)) == [("CTE001", "warning"), ("CTE002", "error")]


def test_a_flexible_lead_on_some_joints_leaves_the_others_rigid(check_text):
    text = design(extra="leads l : copper { from die.c[0:3] to s[0:3]; shape s }")
    assert only(check_text(text, select=("CTE001",)), "CTE001").data["rigid_joints"] == 6


@pytest.mark.parametrize(
    ("role", "between"),
    [("underfill", "die, board"), ("mold", "die, board"), ("underfill", "board, die")],
    ids=["underfill", "mold", "underfill-reversed"],
)
def test_an_underfill_or_mold_between_the_pair_mitigates(check_text, role, between):
    layer = f"{UNDERFILL}\nlayer uf : cuf {{ role {role}; between {between}; thickness 100 um }}"
    text = design(extra=layer, service=f"{OPERATE}\n    cycle -40 C .. 125 C count 2000")
    report = check_text(text, select=CTE)
    assert summary(report) == [("CTE002", "info"), ("CTE003", "info")]
    strain, life = only(report, "CTE002"), only(report, "CTE003")
    assert strain.data["strain"] == pytest.approx(SMALL_STRAIN, rel=5e-4)
    # CHECKS.md v2: the model does not hold under underfill or mold: one info finding, no number
    assert "cycles_to_failure" not in life.data and "no life is estimated" in life.message
    assert strain.data["mitigated_by"] == life.data["mitigated_by"] == "uf"
    assert strain.object_names == life.object_names == ["s[0]", "s[2]", "s[6]", "s[8]"]
    assert f"; the {role} uf couples the elements: for review" in strain.message


@pytest.mark.parametrize("role", ["compliant", "encapsulant", "adhesive", "dielectric"])
def test_other_layer_roles_do_not_mitigate(check_text, role):
    layer = f"{UNDERFILL}\nlayer g : cuf {{ role {role}; between die, board; thickness 100 um }}"
    report = check_text(design(extra=layer), select=CTE)
    assert summary(report) == [("CTE001", "warning"), ("CTE002", "error")]


# ============================================================================== CTE004 closer-cte
LAYERS = """material emc {{ kind polymer; dielectric; cte {mold} }}
material film {{ kind polymer; dielectric; cte {dielectric} }}
layer mo : emc {{ role mold; between die, board; thickness 100 um }}
layer dl : film {{ role dielectric; between die, board; thickness 150 um }}"""


@pytest.mark.parametrize(
    ("mold", "fires"),
    [("4 ppm/K", False), ("16.9 ppm/K", False), ("3 ppm/K", True), ("17 ppm/K", True), ("30 ppm/K", True)],
    ids=["closer-below", "closer-above", "equal-distance-below", "equal-same-cte", "farther"],
)
def test_cte004_the_mold_must_be_strictly_closer_to_the_chips_cte_than_the_dielectric(check_text, mold, fires):
    # Die 10 ppm/K, dielectric 17 ppm/K (7 ppm/K away).
    text = design(die="cte 10 ppm/K;", extra=LAYERS.format(mold=mold, dielectric="17 ppm/K"))
    found = findings(check_text(text, select=("CTE004",)), "CTE004")
    assert len(found) == int(fires)
    if fires:
        f = found[0]
        mold_cte = float(mold.split()[0])
        assert (f.severity.value, f.object_names, f.count) == ("warning", ["die"], 1)
        assert f.data["mold_gap"] == pytest.approx(abs(mold_cte - 10))
        assert f.data["dielectric_gap"] == pytest.approx(7)
        assert (f.data["element_cte"], f.data["mold_cte"], f.data["dielectric_cte"]) == (10, mold_cte, 17)
        assert f.location.line == line_of(text, "element die")
        assert f"the mold mo ({mold}) is {abs(mold_cte - 10):g} ppm/K from the 10 ppm/K CTE of die" in f.message
        assert "dielectric layer dl (17 ppm/K, 7 ppm/K away)" in f.message


@pytest.mark.parametrize(
    ("mold", "dielectric", "fires"),
    [("16 ppm/K", "5 ppm/K", True), ("5 ppm/K", "16 ppm/K", False)],
    ids=["mold-matches-board-fires", "mold-matches-die-passes"],
)
def test_cte004_compares_with_the_chip_not_with_the_board(check_text, mold, dielectric, fires):
    # Die 2.6 ppm/K, board 16 ppm/K: a mold at 16 matches the board but is 13.4 from the die.
    text = design(board="cte 16 ppm/K;", extra=LAYERS.format(mold=mold, dielectric=dielectric))
    found = findings(check_text(text, select=("CTE004",)), "CTE004")
    assert [f.object_names for f in found] == ([["die"]] if fires else [])
    if fires:
        assert found[0].data["mold_gap"] == pytest.approx(13.4)
        assert found[0].data["dielectric_gap"] == pytest.approx(2.4)


@pytest.mark.parametrize(("die_type", "fires"), [("chip", True), ("wafer", True), ("package", False)])
def test_cte004_concerns_a_chip_or_wafer(check_text, die_type, fires):
    text = design(die="cte 10 ppm/K;", die_type=die_type, extra=LAYERS.format(mold="30 ppm/K", dielectric="17 ppm/K"))
    assert len(findings(check_text(text, select=("CTE004",)), "CTE004")) == int(fires)


# ============================================================================== CTE005 cte-data


def test_cte005_reports_a_rigidly_joined_element_without_any_cte(check_text):
    text = design(board="body mystery;", extra=MYSTERY)
    report = check_text(text, select=CTE)
    assert summary(report) == [("CTE005", "warning")]  # CTE001–CTE003 cannot decide
    f = only(report, "CTE005")
    assert (f.object_names, f.count, f.data["missing"]) == (["board"], 1, "cte")
    assert f.location.line == line_of(text, "element board")
    assert f.message.startswith("board is rigidly joined to die but has no CTE")


def test_cte005_reports_rigid_joints_without_a_height_by_their_masses(check_text):
    text = design(joints=masses(height=""))
    report = check_text(text, select=CTE)
    assert summary(report) == [("CTE001", "warning"), ("CTE005", "warning")]  # no strain, no life
    f = only(report, "CTE005")
    assert (f.object_names, f.count, f.data["missing"]) == (["s[0:9]"], 9, "height")
    assert f.location.line == line_of(text, "masses s")
    assert "the rigid joints s[0:9] between die–board have no `height`" in f.message


def test_cte005_reports_the_mold_and_dielectric_layers_cte004_cannot_compare(check_text):
    layers = """material emc { kind polymer; dielectric }
material film { kind polymer; dielectric }
layer mo : emc { role mold; between die, board; thickness 100 um }
layer dl : film { role dielectric; between die, board; thickness 150 um }"""
    text = design(extra=layers)
    report = check_text(text, select=("CTE004", "CTE005"))
    assert findings(report, "CTE004") == []
    found = sorted(findings(report, "CTE005"), key=lambda f: f.location.line)
    assert [(f.object_names, f.data["missing"]) for f in found] == [(["mo"], "cte"), (["dl"], "cte")]
    assert [f.location.line for f in found] == [line_of(text, "layer mo"), line_of(text, "layer dl")]
    assert "mo has no CTE: CTE004 cannot compare the mold and dielectric layers of die" in found[0].message


def test_cte005_is_quiet_on_a_complete_design(check_text):
    text = design(extra=LAYERS.format(mold="8 ppm/K", dielectric="17 ppm/K"))
    assert findings(check_text(text, select=("CTE005",)), "CTE005") == []


@pytest.mark.parametrize("decoupling", ["liquid", "flexible-lead"])
def test_cte005_says_nothing_of_a_decoupled_pair_missing_cte_and_height(check_text, decoupling):
    if decoupling == "liquid":
        joints, extra = masses("SnBiPbInCd50", height=""), MYSTERY
        steps = "step reflow { kind reflow; peak 80 C; forms s }"
    else:
        joints, extra = masses(height=""), f"{MYSTERY}\nleads l : copper {{ from die.c[*] to s[*]; shape s }}"
        steps = REFLOW
    text = design(die="body mystery;", board="body mystery;", joints=joints, extra=extra, steps=steps)
    assert findings(check_text(text, select=("CTE005",)), "CTE005") == []


# ============================================================================== findings per declaration
def test_cte002_gives_one_finding_per_masses_statement(check_text):
    # 1 x 4 row at x = −1500, −500, 500, 1500 µm, all SAC305: the outer joints a[0] and b[1] take
    # 10e-6 · 165 · 1500 / 100 = 0.02475 > 0.02; each belongs to its own statement.
    joints = masses(name="a", pads="[0:2]") + "\n" + masses(name="b", pads="[2:4]")
    text = design(pads="grid 1 x 4 pitch 1 mm", joints=joints, steps=REFLOW.replace("forms s", "forms a, b"))
    found = sorted(findings(check_text(text, select=("CTE002",)), "CTE002"), key=lambda f: f.location.line)
    assert [(f.location.line, f.object_names) for f in found] == [
        (line_of(text, "masses a"), ["a[0]"]),
        (line_of(text, "masses b"), ["b[1]"]),
    ]


# ============================================================================== decimal values exactly at a limit
@pytest.mark.parametrize(
    ("rule", "text", "params", "fires"),
    [
        # |5.9 − 2.6| = 3.3 ppm/K = max_delta (computes as 3.3000000000000003): must pass.
        ("CTE001", design(board="cte 5.9 ppm/K;"), {"max_delta": "3.3 ppm/K"}, False),
        # 3 ppm/K · 100 K · 500 µm / 75 µm = 0.002 = max_shear_strain (computes as 0.0020000000000000005).
        (
            "CTE002",
            design(
                die="cte 3 ppm/K;",
                board="cte 6 ppm/K;",
                pads="grid 1 x 2 pitch 1 mm",
                joints=masses(height="height 75 um"),
                service=OPERATE,
            ),
            {"max_shear_strain": 0.002},
            False,
        ),
        # Die 10 ppm/K: mold 6.7 and dielectric 13.3 are both 3.3 ppm/K away: not closer, must fire.
        (
            "CTE004",
            design(die="cte 10 ppm/K;", extra=LAYERS.format(mold="6.7 ppm/K", dielectric="13.3 ppm/K")),
            {},
            True,
        ),
    ],
    ids=["CTE001", "CTE002", "CTE004"],
)
def test_a_decimal_value_exactly_at_the_limit_is_judged_as_exact(check_text, rule, text, params, fires):
    report = check_text(text, deck=deck(rule, **params) if params else None, select=(rule,))
    assert len(findings(report, rule)) == int(fires)


# ============================================================================== cells
CELL = """use std
material mystery {{ kind ceramic }}
material emc {{ kind polymer; dielectric; cte 30 ppm/K }}
material film {{ kind polymer; dielectric; cte 17 ppm/K }}
cell Unit {{
    element die : chip {{ body silicon; pads c grid 3 x 3 pitch 1 mm diameter 100 um }}
    element board : circuit_board {{ body fr4; cte 12.6 ppm/K; pads p grid 3 x 3 pitch 1 mm diameter 100 um }}
    element lid : plate {{ body mystery; pads q grid 1 x 2 pitch 1 mm diameter 100 um }}
    masses s : SAC305 {{ joins die.c[*] -- board.p[*]; diameter 100 um; height 100 um }}
    masses t : SAC305 {{ joins die.c[0:2] -- lid.q[*]; diameter 100 um }}
    {layers}
}}
place units : Unit grid 2 x 2 pitch 12 mm x 12 mm
process {{
    step reflow {{ kind reflow; peak 245 C; forms units[*].s, units[*].t }}
    {OPERATE}
    cycle -40 C .. 125 C count 2000
}}
"""
CELL_LAYERS = """layer mo : emc { role mold; between die, board; thickness 100 um }
    layer dl : film { role dielectric; between die, board; thickness 150 um }"""


def test_cells_give_one_finding_per_rule_and_cause_for_every_instance(check_text):
    # Per instance: die (silicon 2.6) on board 12.6, the 3 x 3 corners over 0.02 and short-lived
    # (Nf 1623 < 2000); a lid with no CTE and two joints with no height.
    text = CELL.format(layers="", OPERATE=OPERATE)
    report = check_text(text, select=CTE)
    got = {(f.rule, f.data.get("missing")): (f.severity.value, f.object_names, f.count) for f in report.findings}
    corners = ["units[0:4].s[0]", "units[0:4].s[2]", "units[0:4].s[6]", "units[0:4].s[8]"]
    assert got == {
        ("CTE001", None): ("warning", ["units[0:4].board", "units[0:4].die"], 8),
        ("CTE002", None): ("error", corners, 16),
        ("CTE003", None): ("error", corners, 16),
        ("CTE005", "cte"): ("warning", ["units[0:4].lid"], 4),
        ("CTE005", "height"): ("warning", ["units[0:4].t[0:2]"], 8),
    }
    assert len(report.findings) == 5
    strain = only(report, "CTE002")
    assert strain.data["strain"] == pytest.approx(SMALL_STRAIN, rel=5e-4)
    assert strain.location.line == line_of(text, "masses s")
    assert only(report, "CTE003").data["cycles_to_failure"] == pytest.approx(SMALL_NF, rel=5e-4)


def test_cells_with_mold_and_dielectric_give_one_cte004_finding_and_info_strain(check_text):
    text = CELL.format(layers=CELL_LAYERS, OPERATE=OPERATE)
    report = check_text(text, select=CTE)
    f = only(report, "CTE004")
    assert (f.object_names, f.count) == (["units[0:4].die"], 4)
    assert (f.data["mold_gap"], f.data["dielectric_gap"]) == (pytest.approx(30 - 2.6), pytest.approx(17 - 2.6))
    assert findings(report, "CTE001") == []
    assert (only(report, "CTE002").severity.value, only(report, "CTE002").count) == ("info", 16)
    assert (only(report, "CTE003").severity.value, only(report, "CTE003").count) == ("info", 16)


# ============================================================================== documentation examples
@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_documentation_examples_fire_and_pass(check_text, rule):
    example_deck = rule.examples.get("deck")
    fired = findings(check_text(rule.examples["fires"], deck=example_deck, select=(rule.id,)), rule.id)
    assert fired and all(f.severity is rule.severity for f in fired)
    assert findings(check_text(rule.examples["passes"], deck=example_deck, select=(rule.id,)), rule.id) == []


def test_the_cte_rules_are_registered_with_their_default_severities():
    assert {r.id: r.severity for r in RULES} == {
        "CTE001": Severity.WARNING,
        "CTE002": Severity.ERROR,
        "CTE003": Severity.ERROR,
        "CTE004": Severity.WARNING,
        "CTE005": Severity.WARNING,
    }
