"""The alpha plugin's property and rules, tested with the `assemblint_check` fixture that assemblint registers."""

from __future__ import annotations

import subprocess
import sys

import pytest
from assemblint_alpha import EMISSION_FIRES, EMISSION_PASSES, SHIELDING_FIRES, SHIELDING_PASSES

import assemblint
from assemblint import LanguageError


def design(
    material: str = "Sn63Pb37",
    *,
    chip_pad: str = "100 um",
    mass: str | None = "100 um",
    materials: str = "",
    chip_type: str = "chip",
    count: int = 2,
) -> str:
    """A chip joined to a substrate by `count` masses; the chip pad and mass diameters are given."""
    diameter = f"; diameter {mass}" if mass else ""
    chip_diameter = f" diameter {chip_pad}" if chip_pad else ""
    return f"""use std
{materials}element die : {chip_type} {{ body silicon; pads c grid 1 x {count} pitch 300 um{chip_diameter} }}
element sub : substrate {{ body AlN; pads p grid 1 x {count} pitch 300 um diameter 150 um }}
masses m : {material} {{ joins die.c[*] -- sub.p[*]{diameter}; height 80 um }}
"""


def with_alpha(alpha: str, base: str = "Pb95Sn5", name: str = "bump") -> str:
    return f"material {name} : {base} {{ alpha {alpha} }}\n"


def found(report, rule: str) -> list[tuple[str, list[str], int]]:
    return [(f.rule, f.object_names, f.count) for f in report.findings if f.rule == rule]


# ---------------------------------------------------------------------------------------- the property
def test_the_plugin_registers_alpha_and_both_rules() -> None:
    import assemblint_alpha

    assert assemblint_alpha.assemblint_properties() == {"material": {"alpha": "alpha emission"}}
    assert [r.id for r in assemblint_alpha.assemblint_rules()] == ["AL001", "AL002"]


@pytest.mark.parametrize(
    ("text", "expected"), [("0.002 cph/cm2", 0.002), ("0.0021cph/cm2", 0.0021), ("2e-3 cph/cm2", 0.002)]
)
def test_alpha_loads_with_its_unit_in_the_base_unit(tmp_path, text, expected) -> None:
    path = tmp_path / "d.assy"
    path.write_text(f"material X {{ alpha {text} }}\n", encoding="utf-8")
    assert assemblint.load(path).materials["X"].extra == {"alpha": pytest.approx(expected)}


def test_alpha_in_a_wrong_dimension_is_e003(assemblint_check) -> None:
    with pytest.raises(LanguageError) as info:
        assemblint_check("material X {\n    alpha 3 mm\n}\n")
    [error] = info.value.diagnostics
    assert (error.code, error.location.line, error.location.column) == ("E003", 2, 11)
    assert "alpha emission" in error.message


def test_alpha_without_a_unit_is_e003(assemblint_check) -> None:
    with pytest.raises(LanguageError) as info:
        assemblint_check("material X { alpha 0.002 }\n")
    assert [d.code for d in info.value.diagnostics] == ["E003"]


def test_a_material_inherits_alpha_and_may_override_it(tmp_path) -> None:
    path = tmp_path / "d.assy"
    path.write_text(
        "use std\n"
        "material lowalpha : Sn63Pb37 { alpha 0.02 cph/cm2 }\n"
        "material child : lowalpha { }\n"
        "material ula : lowalpha { alpha 0.001 cph/cm2 }\n",
        encoding="utf-8",
    )
    materials = assemblint.load(path).materials
    assert materials["child"].extra["alpha"] == pytest.approx(0.02)
    assert materials["child"].composition == materials["Sn63Pb37"].composition
    assert materials["ula"].extra["alpha"] == pytest.approx(0.001)
    assert materials["lowalpha"].extra["alpha"] == pytest.approx(0.02)  # the child's value is its own
    assert "alpha" not in materials["Sn63Pb37"].extra


def test_without_the_plugin_alpha_is_an_unknown_property(tmp_path) -> None:
    path = tmp_path / "d.assy"
    path.write_text("use std\nmaterial X : Sn63Pb37 { alpha 0.002 cph/cm2 }\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "assemblint", "check", "-p", "no:alpha", str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert run.returncode == 2
    assert "d.assy:2:25: E010 unknown material property `alpha`; known: kind, composition" in run.stdout + run.stderr
    known = (run.stdout + run.stderr).split("known: ", 1)[1].splitlines()[0].split(", ")
    assert "alpha" not in known and "exemption" in known


# ---------------------------------------------------------------------------------------- AL001
def test_al001_documented_examples() -> None:
    assert "diameter 100 um" in SHIELDING_FIRES and "diameter 150 um" in SHIELDING_PASSES


def test_al001_fires_when_the_chip_pad_is_exactly_as_wide_as_the_mass(assemblint_check) -> None:
    report = assemblint_check(design(chip_pad="100 um", mass="100 um"), select=["AL001"])
    assert found(report, "AL001") == [("AL001", ["m[0:2]"], 2)]
    [f] = report.findings
    assert f.severity.value == "warning"
    assert f.data == {
        "materials": ["Sn63Pb37"],
        "emitters": ["Pb"],
        "pads": "die.c",
        "pad_diameter": 100.0,
        "mass_diameter": 100.0,
    }
    assert "die.c of 100 µm, as wide as the 100 µm mass" in f.message
    assert f.location.line == 4


def test_al001_passes_when_the_chip_pad_is_a_tenth_of_a_micron_wider(assemblint_check) -> None:
    assert assemblint_check(design(chip_pad="100.1 um", mass="100 um"), select=["AL001"]).findings == []


def test_al001_fires_when_the_chip_pad_is_narrower(assemblint_check) -> None:
    report = assemblint_check(design(chip_pad="80 um", mass="100 um"), select=["AL001"])
    [f] = report.findings
    assert (f.data["pad_diameter"], f.data["mass_diameter"]) == (80.0, 100.0)
    assert "narrower than the 100 µm mass" in f.message


def test_al001_a_mass_without_a_diameter_takes_the_narrower_pad_and_fires(assemblint_check) -> None:
    # no `diameter`: the mass is as wide as the narrower of its pads, here the chip's
    report = assemblint_check(design(chip_pad="120 um", mass=None), select=["AL001"])
    assert [(f.data["pad_diameter"], f.data["mass_diameter"]) for f in report.findings] == [(120.0, 120.0)]


def test_al001_a_chip_pad_without_a_diameter_is_not_judged(assemblint_check) -> None:
    assert assemblint_check(design(chip_pad="", mass="100 um"), select=["AL001"]).findings == []


@pytest.mark.parametrize(
    ("material", "emitters"),
    [("Sn63Pb37", ["Pb"]), ("Pb95Sn5", ["Pb"]), ("Sn42Bi58", ["Bi"]), ("woods_metal", ["Pb", "Bi"])],
)
def test_al001_lead_and_bismuth_are_alpha_emitters(assemblint_check, material, emitters) -> None:
    [f] = assemblint_check(design(material), select=["AL001"]).findings
    assert f.data["emitters"] == emitters


@pytest.mark.parametrize("material", ["SAC305", "In52Sn48", "Au80Sn20"])
def test_al001_a_mass_without_an_alpha_emitter_is_not_judged(assemblint_check, material) -> None:
    assert assemblint_check(design(material), select=["AL001"]).findings == []


def test_al001_a_material_without_composition_is_not_judged(assemblint_check) -> None:
    text = design("mystery", materials="material mystery { kind fusible; melts 183 C }\n")
    assert assemblint_check(text, select=["AL001"]).findings == []


def test_al001_a_wafer_is_a_chip(assemblint_check) -> None:
    report = assemblint_check(design(chip_type="wafer"), select=["AL001"])
    assert found(report, "AL001") == [("AL001", ["m[0:2]"], 2)]


def test_al001_masses_on_pads_of_elements_that_are_not_chips_are_not_judged(assemblint_check) -> None:
    text = """use std
element pkg : package { body AlN; pads q grid 1 x 2 pitch 1 mm diameter 300 um }
element board : circuit_board { body fr4; pads p grid 1 x 2 pitch 1 mm diameter 300 um }
masses balls : Sn63Pb37 { joins pkg.q[*] -- board.p[*]; diameter 300 um; height 250 um }
"""
    assert assemblint_check(text, select=["AL001", "AL002"]).findings == []


def test_al001_only_the_masses_on_unshielding_pads_are_reported(assemblint_check) -> None:
    text = """use std
element die : chip {
    body silicon
    pads wide grid 1 x 2 pitch 300 um diameter 150 um
    pads tight grid 1 x 3 pitch 300 um origin (0 um, 600 um) diameter 100 um
}
element sub : substrate {
    body AlN
    pads p grid 1 x 2 pitch 300 um diameter 150 um
    pads q grid 1 x 3 pitch 300 um origin (0 um, 600 um) diameter 150 um
}
masses shielded : Sn63Pb37 { joins die.wide[*] -- sub.p[*]; diameter 100 um; height 80 um }
masses exposed : Sn63Pb37 { joins die.tight[*] -- sub.q[*]; diameter 100 um; height 80 um }
"""
    report = assemblint_check(text, select=["AL001"])
    assert found(report, "AL001") == [("AL001", ["exposed[0:3]"], 3)]
    assert report.findings[0].data["pads"] == "die.tight"


def test_al001_gives_one_finding_per_masses_statement(assemblint_check) -> None:
    text = design() + "mass n : Sn42Bi58 { joins die.c[0] -- sub.p[0]; diameter 120 um; height 80 um }\n"
    report = assemblint_check(text, select=["AL001"])
    assert found(report, "AL001") == [("AL001", ["m[0:2]"], 2), ("AL001", ["n"], 1)]


def test_al001_a_two_region_mass_counts_each_region(assemblint_check) -> None:
    text = """use std
element die : chip { body silicon; pads c grid 1 x 2 pitch 300 um diameter 100 um }
element sub : substrate { body AlN; pads p grid 1 x 2 pitch 300 um diameter 150 um }
masses m {
    joins die.c[*] -- sub.p[*]
    diameter 100 um
    height 80 um
    region core  : Pb95Sn5 on die
    region joint : SAC305 on sub
}
"""
    [f] = assemblint_check(text, select=["AL001"]).findings
    assert (f.data["materials"], f.data["emitters"]) == (["Pb95Sn5", "SAC305"], ["Pb"])


CELLS = """use std
{materials}cell Unit {{
    element die : chip {{ body silicon; pads c grid 1 x 2 pitch 300 um diameter 100 um }}
    element sub : substrate {{ body AlN; pads p grid 1 x 2 pitch 300 um diameter 150 um }}
    masses m : {material} {{ joins die.c[*] -- sub.p[*]; diameter 100 um; height 80 um }}
}}
place units : Unit grid 1 x 3 pitch 5 mm
"""


def test_al001_a_cell_placed_three_times_gives_one_finding(assemblint_check) -> None:
    report = assemblint_check(CELLS.format(materials="", material="Sn63Pb37"), select=["AL001"])
    assert found(report, "AL001") == [("AL001", ["units[0:3].m[0:2]"], 6)]
    assert report.findings[0].data["pads"] == "die.c"


# ---------------------------------------------------------------------------------------- AL002
def test_al002_documented_examples(assemblint_check) -> None:
    assert found(assemblint_check(EMISSION_FIRES, select=["AL001", "AL002"]), "AL002") == [("AL002", ["m[0:2]"], 2)]
    assert assemblint_check(EMISSION_PASSES, select=["AL001", "AL002"]).findings == []


def test_al002_exactly_the_limit_passes(assemblint_check) -> None:
    text = design("bump", chip_pad="150 um", materials=with_alpha("0.002 cph/cm2"))
    assert assemblint_check(text, select=["AL002"]).findings == []


def test_al002_just_over_the_limit_fires(assemblint_check) -> None:
    text = design("bump", chip_pad="150 um", materials=with_alpha("0.0021 cph/cm2"))
    report = assemblint_check(text, select=["AL002"])
    assert found(report, "AL002") == [("AL002", ["m[0:2]"], 2)]
    [f] = report.findings
    assert f.severity.value == "warning"
    assert f.data["material"] == "bump"
    assert f.data["alpha"] == pytest.approx(0.0021)
    assert f.data["max_alpha"] == pytest.approx(0.002)
    assert f.data["pads"] == "die.c"
    assert "bump (0.0021 cph/cm²)" in f.message and "max_alpha 0.002 cph/cm²" in f.message


def test_al002_the_deck_sets_max_alpha(assemblint_check) -> None:
    text = design("bump", chip_pad="150 um", materials=with_alpha("0.01 cph/cm2"))
    assert assemblint_check(text, deck={"AL002": {"max_alpha": "0.02 cph/cm2"}}, select=["AL002"]).findings == []
    [f] = assemblint_check(text, deck={"AL002": {"max_alpha": "0.005 cph/cm2"}}, select=["AL002"]).findings
    assert f.data["max_alpha"] == pytest.approx(0.005)


def test_al002_a_material_without_alpha_is_not_judged(assemblint_check) -> None:
    assert assemblint_check(design("Sn63Pb37"), select=["AL002"]).findings == []


def test_al002_an_inherited_alpha_is_judged(assemblint_check) -> None:
    materials = with_alpha("0.02 cph/cm2", name="lowalpha") + "material bump : lowalpha { }\n"
    [f] = assemblint_check(design("bump", chip_pad="150 um", materials=materials), select=["AL002"]).findings
    assert (f.data["material"], f.data["alpha"]) == ("bump", pytest.approx(0.02))


def test_al002_judges_lead_free_materials_too(assemblint_check) -> None:
    text = design("sac", chip_pad="150 um", materials=with_alpha("0.01 cph/cm2", base="SAC305", name="sac"))
    assert found(assemblint_check(text, select=["AL001", "AL002"]), "AL002") == [("AL002", ["m[0:2]"], 2)]


def test_al002_masses_on_pads_of_elements_that_are_not_chips_are_not_judged(assemblint_check) -> None:
    text = "use std\n" + with_alpha("1 cph/cm2", base="Sn63Pb37")
    text += """element pkg : package { body AlN; pads q grid 1 x 2 pitch 1 mm diameter 300 um }
element board : circuit_board { body fr4; pads p grid 1 x 2 pitch 1 mm diameter 300 um }
masses balls : bump { joins pkg.q[*] -- board.p[*]; diameter 300 um; height 250 um }
"""
    assert assemblint_check(text, select=["AL002"]).findings == []


def test_al002_a_two_region_mass_is_judged_on_each_region(assemblint_check) -> None:
    text = "use std\n" + with_alpha("0.001 cph/cm2", name="core_ula")
    text += with_alpha("0.05 cph/cm2", base="Sn63Pb37", name="joint_la")
    text += """element die : chip { body silicon; pads c grid 1 x 2 pitch 300 um diameter 150 um }
element sub : substrate { body AlN; pads p grid 1 x 2 pitch 300 um diameter 150 um }
masses m {
    joins die.c[*] -- sub.p[*]
    diameter 100 um
    height 80 um
    region core  : core_ula on die
    region joint : joint_la on sub
}
"""
    [f] = assemblint_check(text, select=["AL002"]).findings
    assert f.data["materials"] == {"joint_la": pytest.approx(0.05)}


def test_al002_a_cell_placed_three_times_gives_one_finding(assemblint_check) -> None:
    text = CELLS.format(materials=with_alpha("0.02 cph/cm2"), material="bump")
    report = assemblint_check(text, select=["AL002"])
    assert found(report, "AL002") == [("AL002", ["units[0:3].m[0:2]"], 6)]


def test_both_rules_report_a_leaded_hot_mass_on_a_narrow_pad(assemblint_check) -> None:
    text = design("bump", chip_pad="100 um", materials=with_alpha("0.02 cph/cm2", base="Sn63Pb37"))
    report = assemblint_check(text, select=["AL001", "AL002"])
    assert [f.rule for f in report.findings] == ["AL001", "AL002"]


def test_al001_a_mass_between_two_chips_is_judged_on_each(assemblint_check) -> None:
    text = """use std
element top : chip { body silicon; pads c grid 1 x 2 pitch 300 um diameter 150 um }
element bottom : chip { body silicon; pads d grid 1 x 2 pitch 300 um diameter 100 um }
masses m : Pb95Sn5 { joins top.c[*] -- bottom.d[*]; diameter 100 um; height 50 um }
"""
    [f] = assemblint_check(text, select=["AL001"]).findings
    assert (f.data["pads"], f.data["pad_diameter"]) == ("bottom.d", 100.0)


def test_al001_a_deposited_bump_on_a_chip_is_judged(assemblint_check) -> None:
    text = """use std
element die : chip { body silicon; pads c grid 1 x 2 pitch 300 um diameter 100 um }
masses bumps : Pb95Sn5 { joins die.c[*]; diameter 100 um; height 80 um }
"""
    assert found(assemblint_check(text, select=["AL001"]), "AL001") == [("AL001", ["bumps[0:2]"], 2)]
