"""The CTE-matching family (plugins/assemblint_cte) as a whole, against CHECKS.md.

Every expected number is computed here from first principles, never by calling the plugin. The
shared flip-chip examples (examples/flip-chip-fr4*.assy); the definitions the rules share
(decoupled by liquid joints or flexible leads, mitigated by underfill or mold); gold joints (strain
but no fatigue life); decimal values exactly at a limit; cells; each rule's documentation
examples; and the registration. One rule's own tests are in test_cteNNN_<name>.py, named after
its module; the designs in designs.py.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from assemblint_cte import RULES

from assemblint import Severity

from .designs import (
    C_DEFAULT,
    CTE,
    LAYERS,
    MYSTERY,
    OPERATE,
    PPM,
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

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
UNDERFILL = "material cuf { kind polymer; dielectric; cte 30 ppm/K; modulus 8 GPa; service -55 C .. 150 C }"


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
# pitch 400 µm centred: corner at (±3800, ±3800) µm; DNP to the joints' far edges (100 µm joints)
# = √2 · 3800 + 50 = 5424 µm; joints 80 µm high.
FC_DA, FC_DT, FC_H = 16 - 2.6, 165, 80
FC_GRID = centred_grid(20, 20, 400)
FC_DNP = [math.hypot(x, y) + 50 for x, y in FC_GRID]
FC_STRAIN = FC_DA * PPM * FC_DT * (math.sqrt(2) * 3800 + 50) / FC_H  # 13.4e-6 · 165 · 5424 / 80 = 0.1499
FC_NF = 0.5 * (FC_STRAIN / (2 * 0.325)) ** (1 / C_DEFAULT)  # ≈ 17.7


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


def test_flip_chip_fr4_cte002_corner_strain_is_0_1499_by_hand(check_text):
    text, report = fc_report(check_text, "flip-chip-fr4.assy")
    f = only(report, "CTE002")
    assert sig3(FC_STRAIN) == 0.150
    assert f.data["strain"] == pytest.approx(FC_STRAIN, rel=5e-4)
    assert f.data["strain"] == pytest.approx(0.1499, rel=5e-4)
    assert f.data["dnp"] == pytest.approx(5424, rel=5e-4)
    assert (f.data["delta_alpha"], f.data["delta_t"], f.data["height"]) == (pytest.approx(13.4), 165, 80)
    assert f.data["corner"] == "s[0]"
    # Over 0.02 when DNP > 0.02 · 80 / (13.4e-6 · 165) = 723.7 µm, centres beyond 673.7 µm: all but
    # the 12 innermost joints (centres 282.8 and 632.5 µm out; the next ring is at 848.5 µm).
    over = [i for i, d in enumerate(FC_DNP) if FC_DA * PPM * FC_DT * d / FC_H > 0.02]
    assert len(over) == 388
    assert (f.object_names, f.count) == (compact("s", over), 388)
    assert f.object_names == ["s[0:169]", "s[171:188]", "s[192:208]", "s[212:229]", "s[231:400]"]
    assert f.location.line == line_of(text, "masses s")
    assert "DNP 5424 µm" in f.message and "= 0.15" in f.message and "ΔT 165 K (cycle)" in f.message


def test_flip_chip_fr4_cte003_engelmaier_life_is_17_7_cycles_by_hand(check_text):
    text, report = fc_report(check_text, "flip-chip-fr4.assy")
    f = only(report, "CTE003")
    assert sig3(FC_NF) == 17.7
    assert f.data["cycles_to_failure"] == pytest.approx(FC_NF, rel=5e-4)
    assert f.data["exponent"] == pytest.approx(C_DEFAULT, rel=5e-4)
    assert f.data["exponent"] == pytest.approx(-0.4115, rel=5e-4)
    assert (f.data["mean_temp"], f.data["cycles_required"], f.data["corner"]) == (42.5, 1000, "s[0]")
    short = [i for i, d in enumerate(FC_DNP) if 0.5 * (FC_DA * PPM * FC_DT * d / FC_H / 0.65) ** (1 / C_DEFAULT) < 1000]
    assert (f.object_names, f.count) == (compact("s", short), len(short))
    # Nf < 1000 where Δγ > 0.65 · 2000^c = 0.02848, DNP > 1030.4 µm: centres beyond 980.4 µm, so the
    # eight joints at (±1000, ±200) and (±200, ±1000) µm (1019.8 µm out) now fall short too
    assert f.count == 384
    assert f.location.line == line_of(text, "masses s")
    assert "Nf ≈ 17.7 cycles" in f.message and "c -0.4115" in f.message and "T̄ 42.5 °C" in f.message


def test_flip_chip_fr4_underfill_turns_strain_and_fatigue_into_info_and_drops_cte001(check_text):
    _, report = fc_report(check_text, "flip-chip-fr4-underfill.assy")
    assert summary(report) == [("CTE002", "info"), ("CTE003", "info")]
    strain, life = only(report, "CTE002"), only(report, "CTE003")
    assert strain.data["strain"] == pytest.approx(FC_STRAIN, rel=5e-4)
    # CHECKS.md (v2): under underfill or mold the model does not hold: one info finding, no number
    assert "cycles_to_failure" not in life.data and "Nf" not in life.message
    assert "without the underfill uf" in life.message and "no life is estimated" in life.message
    assert life.count == 384  # the joints whose unmitigated estimate (FC_NF at the corner) falls short
    assert strain.data["mitigated_by"] == life.data["mitigated_by"] == "uf"
    assert "the underfill uf couples the elements: for review" in strain.message


# ============================================================================== gold joints: strain but no fatigue life
GOLD_STEPS = "step bond { kind bond; peak 300 C; forms s }"


def test_a_gold_rigid_joint_gets_cte002_but_not_cte003(check_text):
    text = design(
        joints=masses("gold"), steps=GOLD_STEPS, service=f"{OPERATE}\n    cycle -40 C .. 125 C count 100000000"
    )
    report = check_text(text, select=CTE)
    assert summary(report) == [("CTE001", "warning"), ("CTE002", "error")]
    assert only(report, "CTE002").data["strain"] == pytest.approx(SMALL_STRAIN, rel=5e-4)


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


# ============================================================================== decimal values exactly at a limit
@pytest.mark.parametrize(
    ("rule", "text", "params", "fires"),
    [
        # |5.9 − 2.6| = 3.3 ppm/K = max_delta (computes as 3.3000000000000003): must pass.
        ("CTE001", design(board="cte 5.9 ppm/K;"), {"max_delta": "3.3 ppm/K"}, False),
        # 3 ppm/K · 100 K · 500 µm / 75 µm = 0.002 = max_shear_strain (computes as 0.0020000000000000005);
        # DNP 450 µm to the centres + 50 µm to the joints' far edges = 500 µm.
        (
            "CTE002",
            design(
                die="cte 3 ppm/K;",
                board="cte 6 ppm/K;",
                pads="grid 1 x 2 pitch 0.9 mm",
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
