"""Right answers first (issue 14): each case where the product once said "clean" or gave a wrong
number, with the answer CHECKS.md and LANGUAGE.md (version 2) now define, at its boundary.

Temperature arithmetic and units, then the rules in the order of CHECKS.md: MH003's `min_margin`,
containment by mold (MH003/MH004), MH008 at the handling temperature, MH010's liquidus, MH012,
CT004 against the masses' height, CTE003's applicability and constants. Every number below is
worked out by hand in the comment beside it.
"""

from __future__ import annotations

import math

import pytest

import assemblint
from assemblint.base.units import UnitError, parse_quantity_text, to_base
from assemblint.checking.deck import DeckError, load_deck
from assemblint.plugins.host import PluginHost

# ================================================================= temperature arithmetic (LANGUAGE.md)


def step_temp(load_text, expr: str) -> float:
    design = load_text(f"let tm = {expr}\nprocess {{ step bake {{ kind cure; temp tm }} }}\n")
    (step,) = design.process.steps
    return step.temp


@pytest.mark.parametrize(
    ("expr", "celsius"),
    [
        ("190 C + 10 K", 200.0),  # a K term shifts an absolute temperature
        ("10 K + 190 C", 200.0),
        ("250 C - 50 K", 200.0),
        ("-10 C + 0 K", -10.0),  # once −283.15 °C
        ("533.15 K", 260.0),  # a K quantity alone is absolute
        ("300 K - 10 K", 16.85),  # 290 K
        ("25 C + (200 C - 190 C)", 35.0),  # C − C is a difference in K
        ("(533.15 K - 250 C) + 100 C", 110.0),  # 260 °C − 250 °C = 10 K
        ("-(40 F)", -40.0),  # negated on its own scale: −40 °F is −40 °C
        ("392 F + 10 K", 210.0),  # 392 °F = 200 °C
        ("100 °F", 37.77777777777778),
        ("212 degF", 100.0),
        ("190 C + 2 * 5 K", 200.0),
        ("-459.67 F", -273.15),  # exactly absolute zero passes
        ("0 K", -273.15),
    ],
)
def test_temperature_expressions_follow_the_language(load_text, expr, celsius):
    assert step_temp(load_text, expr) == pytest.approx(celsius, abs=1e-9)


@pytest.mark.parametrize(
    ("expr", "code", "words", "line"),
    [
        ("190 C + 10 C", "E003", "cannot add two temperatures in C", 1),
        ("190 C + 10 F", "E003", "write the difference in K", 1),
        ("2 * 100 C", "E003", "cannot multiply a temperature in C", 1),
        ("100 C / 2", "E003", "cannot divide a temperature in C", 1),
        ("-300 C", "E008", "below absolute zero", 1),
        ("-459.68 F", "E008", "below absolute zero", 1),
        ("-300 C + 100 K", "E008", "below absolute zero", 1),  # the literal as written
        # a difference, or a negative K shift, is fine in a `let`; it is wrong where a temperature is used
        ("200 C - 190 C", "E003", "expected a temperature, got a temperature difference", 2),
        ("-10 K", "E008", "tm (-283.15 °C) is below absolute zero", 2),
    ],
)
def test_wrong_temperature_arithmetic_is_an_error_where_it_is_written(language_errors, expr, code, words, line):
    (error,) = language_errors(f"let tm = {expr}\nprocess {{ step bake {{ kind cure; temp tm }} }}\n")
    assert error.code == code and words in error.message
    assert error.location.line == line


@pytest.mark.parametrize(
    "text",
    [
        "material x { kind fusible; melts -300 C }",
        "material x { kind fusible; solidus -274 C; liquidus 10 C }",
        "material x { kind dielectric; service -500 F .. 100 C }",
        "element e : chip { operating -1 K .. 85 C }",
        "process { operate -280 C .. 85 C }",
    ],
)
def test_below_absolute_zero_is_e008_wherever_a_temperature_is_written(language_errors, text):
    (error,) = language_errors(text + "\n")
    assert error.code == "E008" and "below absolute zero (-273.15 °C)" in error.message
    assert (error.location.line, error.location.column) == (1, text.index("-") + 1)


def test_the_let_bake_remelts_eutectic_snpb(check_text):
    """`let tm = 190 C + 10 K`: a 200 °C bake remelts Sn63Pb37 (183 °C); it was read as −73.15 °C."""
    text = design_with(
        "masses b : Sn63Pb37 { joins die.c[*] -- sub.p[*]; height 80 um }",
        "step join { kind reflow; peak 215 C }",
        "step bake { kind cure; temp tm }",
        extra="let tm = 190 C + 10 K",
    )
    (finding,) = [f for f in check_text(text, select=("MH003",)).findings]
    assert finding.rule == "MH003" and finding.data["step_temp"] == 200.0
    assert "the `bake` step reaches 200 °C, above the 183 °C melting point of Sn63Pb37" in finding.message


@pytest.mark.parametrize(
    ("symbol", "number", "base", "dimension"),
    [
        ("°F", 212, 100.0, "temperature"),
        ("degF", 32, 0.0, "temperature"),
        ("in", 1, 25400.0, "length"),
        ("inch", 0.5, 12700.0, "length"),
        ("ppm/°C", 2.6, 2.6, "expansion"),
        ("A", 2, 2.0, "current"),
        ("mA", 250, 0.25, "current"),
        ("A/cm2", 10000, 10000.0, "current density"),
        ("A/mm2", 1, 100.0, "current density"),  # 1 mm² = 0.01 cm²
        ("g/cm3", 7.4, 7.4, "density"),
        ("kg/m3", 19300, 19.3, "density"),  # 1 kg/m³ = 0.001 g/cm³
    ],
)
def test_the_version_2_units(symbol, number, base, dimension):
    assert to_base(number, symbol) == (pytest.approx(base), dimension)


def test_new_units_are_read_by_the_language(load_text):
    design = load_text(
        "element e : chip { size 0.4 in x 0.4 inch x 20 mil; cte 2.6 ppm/°C; max_temp 500 °F }\n"
        "let i = 250 mA + 1 A\nlet j = 1 A/mm2\nlet rho = 7400 kg/m3\n"
    )
    (element,) = design.elements
    assert element.cte == 2.6 and element.max_temp == pytest.approx(260.0)
    assert element.size[:2] == pytest.approx((10160.0, 10160.0))


def test_deck_temperatures_below_absolute_zero_are_refused_and_differences_stay_differences():
    with pytest.raises(UnitError, match="below absolute zero"):
        parse_quantity_text("-300 C", "temperature")
    assert parse_quantity_text("293.15 K", "temperature") == pytest.approx(20.0)
    assert parse_quantity_text("36 F", "temperature difference") == pytest.approx(20.0)  # a difference: 20 K
    assert parse_quantity_text("20 K", "temperature difference") == 20.0


def test_a_deck_with_a_handling_temperature_below_absolute_zero_is_a_deck_error(tmp_path):
    deck = tmp_path / "cold.toml"
    deck.write_text('[deck]\nname = "cold"\n[rules.MH008]\nhandling_temp = "-500 F"\n', encoding="utf-8")
    rules = PluginHost.default().rules()
    with pytest.raises(DeckError, match=r"rules\.MH008\.handling_temp.*below absolute zero"):
        load_deck(str(deck), rules)


# ================================================================= the rules (CHECKS.md, version 2)


def design_with(masses: str, *process: str, extra: str = "", layers: str = "") -> str:
    """A die on an AlN substrate (2 x 2 pads each), the given masses and one process line per argument."""
    body = "\n".join(f"    {line}" for line in process)
    return f"""use std
{extra}
element die : chip {{ body silicon; pads c grid 2 x 2 pitch 300 um diameter 120 um }}
element sub : substrate {{ body AlN; pads p grid 2 x 2 pitch 300 um diameter 120 um }}
{masses}
{layers}
process {{
{body}
}}
"""


AUSN = "masses b : Au80Sn20 { joins die.c[*] -- sub.p[*]; height 50 um }"  # solidus 278 °C (std)
AUSN_JOIN = "step attach { kind reflow; peak 300 C }"
HIERARCHICAL = '[rules.MH003]\nmin_margin = "25 K"'  # the hierarchical-solder deck's setting


def mh003(report) -> list:
    return [f for f in report.findings if f.rule == "MH003"]


def test_mh003_rework_3_k_under_the_au_sn_solidus_fires_with_the_hierarchical_deck(check_text):
    text = design_with(AUSN, AUSN_JOIN, "step rework { kind rework; peak 275 C }")
    assert mh003(check_text(text, select=("MH003",))) == []  # default: min_margin 0 K
    (finding,) = mh003(check_text(text, deck=HIERARCHICAL, select=("MH003",)))
    assert finding.severity.value == "error" and finding.count == 4
    assert finding.data["margin"] == pytest.approx(3.0) and finding.data["min_margin"] == 25.0
    assert "only 3 K below the 278 °C melting point of Au80Sn20" in finding.message
    assert "less than the 25 K step-soldering margin" in finding.message


def test_mh003_the_shipped_hierarchical_deck_sets_the_margin(tmp_path):
    path = tmp_path / "d.assy"
    path.write_text(design_with(AUSN, AUSN_JOIN, "step rework { kind rework; peak 275 C }"), encoding="utf-8")
    report = assemblint.check(path, deck="hierarchical-solder", select=("MH003",))
    assert [f.rule for f in report.findings] == ["MH003"]


@pytest.mark.parametrize(("peak", "fires"), [("253 C", False), ("253.1 C", True), ("200 C", False)])
def test_mh003_margin_boundary(check_text, peak, fires):
    """278 − 253 = 25 K: exactly the margin passes; 24.9 K fires."""
    text = design_with(AUSN, AUSN_JOIN, f"step rework {{ kind rework; peak {peak} }}")
    assert bool(mh003(check_text(text, deck=HIERARCHICAL, select=("MH003",)))) is fires


def test_mh003_margin_does_not_apply_to_contained_or_mixed_masses(check_text):
    gel = "material gel { kind compliant; dielectric; modulus 0.3 MPa; service -65 C .. 400 C }"
    layer = "layer g : gel { role compliant; between die, sub; thickness 100 um }"
    contained = design_with(AUSN, AUSN_JOIN, "step rework { kind rework; peak 275 C }", extra=gel, layers=layer)
    assert mh003(check_text(contained, deck=HIERARCHICAL, select=("MH003",))) == []
    mixed = design_with(AUSN, AUSN_JOIN, "step rework { kind rework; peak 275 C; mixes b }")
    assert mh003(check_text(mixed, deck=HIERARCHICAL, select=("MH003",))) == []


SEED_004 = """masses b {
    joins die.c[*] -- sub.p[*]
    region core  : Pb95Sn5 on die
    region joint : Sn63Pb37 on sub
    height 40 um
}"""


@pytest.mark.parametrize("role", ["mold", "underfill"])
def test_a_seed_004_mold_contains_remelted_bumps_as_an_underfill_does(check_text, role):
    layer = f"layer m : mold_compound {{ role {role}; between die, sub; thickness 100 um }}"
    text = design_with(
        SEED_004,
        "step join { kind reflow; peak 215 C }",
        "step molding { kind inject; temp 175 C; forms m }",
        "step mount { kind reflow; peak 245 C }",
        layers=layer,
    )
    report = check_text(text, select=("MH003", "MH004"))
    assert [(f.rule, f.severity.value) for f in report.findings] == [("MH004", "info")]
    assert report.findings[0].count == 4


def test_mh008_fires_exactly_at_the_handling_temperature(check_text):
    at = "material paste { kind fusible; melts 20 C }"
    above = "material paste { kind fusible; melts 20.1 C }"
    masses = "masses m : paste { joins die.c[*] -- sub.p[*]; height 80 um }"
    (finding,) = check_text(
        design_with(masses, "step join { kind reflow; peak 40 C }", extra=at), select=("MH008",)
    ).findings
    assert finding.rule == "MH008" and "melts at 20 °C, at the 20 °C handling temperature" in finding.message
    quiet = check_text(design_with(masses, "step join { kind reflow; peak 40 C }", extra=above), select=("MH008",))
    assert quiet.findings == []


PASTY = "material pasty { kind fusible; solidus 179 C; liquidus 189 C }"
PASTY_MASSES = "masses b : pasty { joins die.c[*] -- sub.p[*]; height 80 um }"


@pytest.mark.parametrize(("temp", "fires"), [("185 C", True), ("188.9 C", True), ("189 C", False), ("200 C", False)])
def test_mh010_requires_liquid_means_at_or_above_the_liquidus(check_text, temp, fires):
    text = design_with(
        PASTY_MASSES,
        "step join { kind reflow; peak 210 C }",
        f"step hold {{ kind test; temp {temp}; requires liquid b }}",
        extra=PASTY,
    )
    findings = check_text(text, select=("MH010",)).findings
    assert bool(findings) is fires
    if fires:
        assert "below the 189 °C liquidus of pasty: they are not fully liquid" in findings[0].message
        assert findings[0].data["fully_molten_temp"] == 189.0


@pytest.mark.parametrize(
    ("material", "cause"),
    [
        ("material paste { kind fusible; composition Sn 63 %, Pb 37 % }", "no melting data"),
        ("material paste { kind fusible; liquidus 183 C }", "liquidus only"),
    ],
)
def test_mh012_fusible_material_without_melting_data(check_text, material, cause):
    masses = "masses b : paste { joins die.c[*] -- sub.p[*]; height 80 um }"
    report = check_text(design_with(masses, "step join { kind reflow; peak 215 C }", extra=material))
    mh012 = [f for f in report.findings if f.rule == "MH012"]
    assert [(f.severity.value, f.object_names, f.count) for f in mh012] == [("warning", ["b[0:4]"], 4)]
    assert mh012[0].data["material"] == "paste"
    if cause == "no melting data":
        assert "gives no solidus, liquidus or `melts`" in mh012[0].message
        assert not [f for f in report.findings if f.rule == "MH002"]  # skipped, not "never joined"
    else:
        assert "gives only a liquidus (183 °C)" in mh012[0].message


def test_mh012_quiet_for_full_data_melts_and_metals(check_text):
    for material in ("material paste { kind fusible; melts 183 C }", "material paste { kind metal; cte 14 ppm/K }"):
        masses = "masses b : paste { joins die.c[*] -- sub.p[*]; height 80 um }"
        report = check_text(design_with(masses, "step join { kind reflow; peak 215 C }", extra=material))
        assert [f for f in report.findings if f.rule == "MH012"] == []


def test_mh012_a_child_that_gives_the_solidus_is_complete(check_text):
    extra = "material paste { kind fusible; liquidus 183 C }\nmaterial paste2 : paste { solidus 179 C }"
    masses = "masses b : paste2 { joins die.c[*] -- sub.p[*]; height 80 um }"
    report = check_text(design_with(masses, "step join { kind reflow; peak 215 C }", extra=extra))
    assert [f for f in report.findings if f.rule == "MH012"] == []


GEL_LIQUID = "material gel { kind compliant; dielectric; modulus 0.3 MPa; service -65 C .. 200 C }"


@pytest.mark.parametrize(("height", "fires"), [("100 um", False), ("100.5 um", True), ("80 um", False)])
def test_ct004_a_layer_thinner_than_the_masses_it_contains(check_text, height, fires):
    masses = f"masses m : SnBiPbInCd50 {{ joins die.c[*] -- sub.p[*]; height {height} }}"
    layer = "layer g : gel { role compliant; between die, sub; thickness 100 um }"
    text = design_with(
        masses, "step join { kind reflow; peak 75 C }", "operate 40 C .. 85 C", extra=GEL_LIQUID, layers=layer
    )
    findings = check_text(text, select=("CT004",)).findings
    assert bool(findings) is fires
    if fires:
        (finding,) = findings
        assert finding.object_names == ["g"] and finding.data["mass_height"] == 100.5
        assert "100 µm thick, less than the 100.5 µm height of the masses m it contains" in finding.message


# ------------------------------------------------------------------------ CTE003


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


# 8 x 8 at 400 µm: the corner DNP is 3.5·400·√2 = 1979.9 µm; Δα 13.4 ppm/K, ΔT 165 K, h 80 µm:
# Δγ = 13.4e-6 · 165 · 1979.9 / 80 = 0.05472; T̄ 42.5 °C, f 24/day:
# c = −0.442 − 6e-4·42.5 + 1.74e-2·ln 25 = −0.41150; Nf = ½ (0.05472 / 0.65)^(1/c) = 205.4 cycles.
CORNER_STRAIN = 13.4e-6 * 165 * 3.5 * 400 * math.sqrt(2) / 80
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
