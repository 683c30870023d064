"""RH001 restricted-substance, tested with the `assemblint_check` fixture that assemblint registers
for pytest: each test writes a small design, checks it with every installed plugin, and reads the
report's findings (`select=["RH001"]` keeps the other families' findings out)."""

from __future__ import annotations

import pytest
from assemblint_rohs import FIRES, PASSES, __version__, restricted_substance


def design(solder: str = "SAC305", *, extra: str = "", die: str = "body silicon", sub: str = "body AlN") -> str:
    """A die on an AlN substrate joined by four masses of `solder`; `extra` goes before the masses."""
    return f"""use std
element die : chip {{ {die}; pads c grid 2 x 2 pitch 300 um diameter 120 um }}
element sub : substrate {{ {sub}; pads p grid 2 x 2 pitch 300 um diameter 120 um }}
{extra}masses b : {solder} {{ joins die.c[*] -- sub.p[*]; height 80 um }}
"""


def found(report) -> list[tuple[str, str, list[str], int]]:
    """(material, substance, objects, count) of each finding."""
    return [(f.data["material"], f.data["substance"], f.object_names, f.count) for f in report.findings]


# --- what fires and what does not -------------------------------------------------------------------


def test_fires_on_a_tin_lead_mass(assemblint_check):
    report = assemblint_check(design("Sn63Pb37"), select=["RH001"])
    assert found(report) == [("Sn63Pb37", "Pb", ["b[0:4]"], 4)]
    (finding,) = report.findings
    assert (finding.rule, finding.severity.value) == ("RH001", "warning")


def test_does_not_fire_on_sac305(assemblint_check):
    assert assemblint_check(design("SAC305"), select=["RH001"]).findings == []


def test_a_library_material_the_design_does_not_use_is_not_reported(assemblint_check):
    # std holds Sn63Pb37, Pb95Sn5, Wood's metal, In44Sn42Cd14 …: none of them is used here.
    report = assemblint_check(design("SAC305"), select=["RH001"])
    assert report.findings == []


@pytest.mark.parametrize(
    ("composition", "fires"),
    [
        ("Sn 99.9 %, Pb 0.1 %", False),  # exactly at the limit: passes
        ("Sn 99.8 %, Pb 0.2 %", True),
        ("Sn 99.91 %, Pb 0.09 %", False),
    ],
)
def test_the_lead_limit_is_0_1_percent_and_a_value_at_it_passes(assemblint_check, composition, fires):
    text = design("edge", extra=f"material edge {{ kind fusible; melts 230 C; composition {composition} }}\n")
    report = assemblint_check(text, select=["RH001"])
    assert [f.data["substance"] for f in report.findings] == (["Pb"] if fires else [])


@pytest.mark.parametrize(
    ("composition", "fires"),
    [
        ("Sn 99.99 %, Cd 0.01 %", False),  # exactly at the Cd limit
        ("Sn 99.98 %, Cd 0.02 %", True),  # 0.02 % Cd: under the Pb/Hg limit, over Cd's
        ("Sn 99.95 %, Cd 0.05 %", True),
    ],
)
def test_the_cadmium_limit_is_0_01_percent(assemblint_check, composition, fires):
    text = design("cdx", extra=f"material cdx {{ kind fusible; melts 230 C; composition {composition} }}\n")
    report = assemblint_check(text, select=["RH001"])
    assert [(f.data["substance"], f.data["limit"]) for f in report.findings] == ([("Cd", 0.01)] if fires else [])


def test_a_cadmium_alloy_of_the_std_library_fires_for_cadmium_only(assemblint_check):
    report = assemblint_check(design("In44Sn42Cd14"), select=["RH001"])
    assert found(report) == [("In44Sn42Cd14", "Cd", ["b[0:4]"], 4)]
    assert report.findings[0].data["weight"] == pytest.approx(14)


@pytest.mark.parametrize(("hg", "fires"), [("0.1", False), ("0.2", True), ("50", True)])
def test_mercury(assemblint_check, hg, fires):
    rest = f"{100 - float(hg):g}"
    text = design(
        "amalgam", extra=f"material amalgam {{ kind fusible; melts 100 C; composition Ag {rest} %, Hg {hg} % }}\n"
    )
    report = assemblint_check(text, select=["RH001"])
    assert [(f.data["substance"], f.data["weight"]) for f in report.findings] == (
        [("Hg", pytest.approx(float(hg)))] if fires else []
    )


def test_one_finding_per_substance_of_a_material_over_two_limits(assemblint_check):
    # Wood's metal: Bi 50, Pb 26.7, Sn 13.3, Cd 10.
    report = assemblint_check(design("woods_metal"), select=["RH001"])
    assert sorted(found(report)) == [("woods_metal", "Cd", ["b[0:4]"], 4), ("woods_metal", "Pb", ["b[0:4]"], 4)]


def test_a_symbol_in_other_case_is_still_lead(assemblint_check):
    text = design("shouty", extra="material shouty { kind fusible; melts 183 C; composition Sn 63 %, PB 37 % }\n")
    assert found(assemblint_check(text, select=["RH001"])) == [("shouty", "Pb", ["b[0:4]"], 4)]


def test_a_material_without_composition_is_not_judged(assemblint_check):
    text = design("plain", extra="material plain { kind fusible; melts 183 C }\n")
    assert assemblint_check(text, select=["RH001"]).findings == []


# --- exemptions -------------------------------------------------------------------------------------


def test_an_exemption_on_a_material_of_ones_own_silences_it(assemblint_check):
    text = design("my_pb", extra='material my_pb : Pb95Sn5 { exemption "RoHS 7(a)" }\n')
    assert assemblint_check(text, select=["RH001"]).findings == []


def test_an_exemption_is_not_judged_whatever_it_claims(assemblint_check):
    # 7(a) needs 85 % Pb; Sn63Pb37 has 37 %. RH001 records the claim, it does not rule on it.
    text = design("my_snpb", extra='material my_snpb : Sn63Pb37 { exemption "RoHS 7(a)" }\n')
    assert assemblint_check(text, select=["RH001"]).findings == []


def test_an_exemption_is_inherited_by_a_child_material(assemblint_check):
    extra = 'material my_pb : Pb95Sn5 { exemption "RoHS 7(a)" }\nmaterial my_pb2 : my_pb { cte 29 ppm/K }\n'
    assert assemblint_check(design("my_pb2", extra=extra), select=["RH001"]).findings == []


def test_an_empty_exemption_is_no_claim(assemblint_check):
    text = design("my_pb", extra='material my_pb : Pb95Sn5 { exemption "" }\n')
    assert found(assemblint_check(text, select=["RH001"])) == [("my_pb", "Pb", ["b[0:4]"], 4)]


def test_only_the_exempted_material_is_silenced(assemblint_check):
    text = """use std
element die : chip { body silicon; pads c grid 2 x 2 pitch 300 um diameter 120 um }
element sub : substrate { body AlN; pads p grid 2 x 2 pitch 300 um diameter 120 um }
material my_core : Pb95Sn5 { exemption "RoHS 7(a)" }
masses b {
    joins die.c[*] -- sub.p[*]
    region core  : my_core  on die
    region joint : Sn63Pb37 on sub
    height 90 um
}
"""
    assert found(assemblint_check(text, select=["RH001"])) == [("Sn63Pb37", "Pb", ["b[0:4]"], 4)]


def test_each_region_of_a_two_region_mass_is_a_homogeneous_material_of_its_own(assemblint_check):
    text = """use std
element die : chip { body silicon; pads c grid 2 x 2 pitch 300 um diameter 120 um }
element sub : substrate { body AlN; pads p grid 2 x 2 pitch 300 um diameter 120 um }
masses b {
    joins die.c[*] -- sub.p[*]
    region core  : Pb95Sn5  on die
    region joint : SAC305   on sub
    height 90 um
}
"""
    assert found(assemblint_check(text, select=["RH001"])) == [("Pb95Sn5", "Pb", ["b[0:4]"], 4)]


# --- where the material is used ---------------------------------------------------------------------

USES = """use std
material leaded_glass { kind dielectric; composition Si 30 %, O 40 %, Pb 30 % }
material leaded_glue { kind polymer; composition C 70 %, O 29.8 %, Pb 0.2 % }
element die : chip {
    body silicon
    pads c grid 2 x 2 pitch 300 um diameter 120 um barrier Sn60Pb40 2 um
}
element sub : substrate { body leaded_glass; pads p grid 2 x 2 pitch 300 um diameter 120 um }
masses b : SAC305 { joins die.c[*] -- sub.p[*]; height 80 um }
layer g : leaded_glue { role adhesive; between die, sub; thickness 50 um }
"""


def test_uses_in_a_layer_an_element_body_and_a_pad_barrier_are_found(assemblint_check):
    report = assemblint_check(USES, select=["RH001"])
    got = {f.data["material"]: (f.object_names, f.data["uses"], f.location.line) for f in report.findings}
    assert got == {
        "Sn60Pb40": (["die.c[0:4]"], ["pad barrier"], 6),  # the pad declaration
        "leaded_glass": (["sub"], ["element body"], 8),
        "leaded_glue": (["g"], ["layer"], 10),
    }


def test_a_lead_of_a_restricted_material_is_found(assemblint_check):
    text = design("SAC305", extra="") + "leads w : Sn60Pb40 { from die.c[*] to sub.p[*]; shape wire }\n"
    report = assemblint_check(text, select=["RH001"])
    assert found(report) == [("Sn60Pb40", "Pb", ["w[0:4]"], 4)]
    assert report.findings[0].data["uses"] == ["lead"]


def test_one_material_in_several_kinds_of_use_is_one_finding_naming_every_user(assemblint_check):
    text = design(
        "Sn63Pb37",
        die="body silicon",
        sub="body Sn63Pb37",
        extra="layer g : Sn63Pb37 { role adhesive; between die, sub; thickness 50 um }\n",
    )
    report = assemblint_check(text, select=["RH001"])
    assert found(report) == [("Sn63Pb37", "Pb", ["b[0:4]", "g", "sub"], 6)]
    assert report.findings[0].data["uses"] == ["element body", "layer", "mass"]
    assert report.findings[0].location.line == 3  # sub, the first user in the design


def test_one_finding_per_material_and_substance_even_with_several_masses(assemblint_check):
    text = """use std
element die : chip { body silicon; pads c grid 2 x 4 pitch 300 um diameter 120 um }
element sub : substrate { body AlN; pads p grid 2 x 4 pitch 300 um diameter 120 um }
masses a : Sn63Pb37 { joins die.c[0:4] -- sub.p[0:4]; height 80 um }
masses b : Sn63Pb37 { joins die.c[4:6] -- sub.p[4:6]; height 80 um }
mass c : Sn63Pb37 { joins die.c[6] -- sub.p[6]; height 80 um }
mass d : SAC305 { joins die.c[7] -- sub.p[7]; height 80 um }
"""
    report = assemblint_check(text, select=["RH001"])
    assert found(report) == [("Sn63Pb37", "Pb", ["a[0:4]", "b[0:2]", "c"], 7)]
    assert report.findings[0].location.line == 4  # the first mass that uses it


def test_a_cell_placed_many_times_gives_one_finding_for_every_instance(assemblint_check):
    text = """use std
cell Unit {
    element chip : chip { body silicon; pads c grid 2 x 2 pitch 500 um diameter 100 um barrier Sn63Pb37 }
    element sheet : dielectric_sheet { body polyimide; pads p grid 2 x 2 pitch 500 um diameter 100 um }
    masses m : Sn63Pb37 { joins chip.c[*] -- sheet.p[*]; height 100 um }
}
place units : Unit grid 2 x 3 pitch 12 mm x 12 mm
"""
    report = assemblint_check(text, select=["RH001"])
    assert found(report) == [("Sn63Pb37", "Pb", ["units[0:6].chip.c[0:4]", "units[0:6].m[0:4]"], 48)]
    assert report.findings[0].location.line == 3  # in the cell: the chip's pads, declared first


# --- location, message, data ------------------------------------------------------------------------


def test_the_finding_points_into_the_design_not_into_the_std_library(assemblint_check):
    report = assemblint_check(design("Pb95Sn5"), select=["RH001"])
    (finding,) = report.findings
    assert finding.location.path.endswith(".assy") and "std" not in finding.location.path
    assert (finding.location.line, finding.location.column) == (4, 8)  # `masses b`
    assert finding.data["library"] == "std"


def test_the_message_and_data_give_the_numbers(assemblint_check):
    (finding,) = assemblint_check(design("Sn63Pb37"), select=["RH001"]).findings
    assert finding.data == {
        "material": "Sn63Pb37",
        "substance": "Pb",
        "weight": pytest.approx(37),
        "limit": pytest.approx(0.1),
        "library": "std",
        "uses": ["mass"],
    }
    message = finding.message
    assert message.startswith("Sn63Pb37 holds 37 % Pb (lead) by weight, over the RoHS limit of 0.1 % ")
    assert "Directive 2011/65/EU Annex II" in message
    assert "declares no exemption; it is used in b[0:4] (mass)" in message
    # a std material: the advice is a material of one's own; 37 % Pb is not a 7(a) high-lead solder
    assert '`material my_Sn63Pb37 : Sn63Pb37 { exemption "RoHS 15(a)" }`' in message
    assert "not 7(a), which needs 85 % Pb" in message


def test_the_message_for_a_high_lead_solder_suggests_7a(assemblint_check):
    (finding,) = assemblint_check(design("Pb95Sn5"), select=["RH001"]).findings
    assert finding.message.startswith("Pb95Sn5 holds 95 % Pb (lead) by weight, over the RoHS limit of 0.1 %")
    assert '`material my_Pb95Sn5 : Pb95Sn5 { exemption "RoHS 7(a)" }`' in finding.message


def test_the_message_for_a_designs_own_material_says_where_to_add_the_exemption(assemblint_check):
    text = design("cdx", extra="material cdx { kind fusible; melts 230 C; composition Sn 99.95 %, Cd 0.05 % }\n")
    (finding,) = assemblint_check(text, select=["RH001"]).findings
    assert finding.message.startswith("cdx holds 0.05 % Cd (cadmium) by weight, over the RoHS limit of 0.01 %")
    assert 'record it with `exemption "RoHS <entry>"` in `material cdx`' in finding.message
    assert finding.data["library"] is None


# --- decks ------------------------------------------------------------------------------------------

LOW_LEAD = design("low", extra="material low { kind fusible; melts 230 C; composition Sn 99.92 %, Pb 0.08 % }\n")


def test_a_deck_can_tighten_the_lead_limit(assemblint_check):
    assert assemblint_check(LOW_LEAD, select=["RH001"]).findings == []
    report = assemblint_check(LOW_LEAD, deck={"RH001": {"max_pb": "0.05 %"}}, select=["RH001"])
    assert [(f.data["weight"], f.data["limit"]) for f in report.findings] == [(pytest.approx(0.08), 0.05)]
    assert "over the RoHS limit of 0.05 %" in report.findings[0].message


def test_a_deck_can_loosen_one_limit_and_keep_the_others(assemblint_check):
    report = assemblint_check(design("Sn63Pb37"), deck={"RH001": {"max_pb": "40 %"}}, select=["RH001"])
    assert report.findings == []
    woods = assemblint_check(design("woods_metal"), deck={"RH001": {"max_cd": "10 %"}}, select=["RH001"])
    assert [f.data["substance"] for f in woods.findings] == ["Pb"]  # 10 % Cd is at the loosened limit


def test_a_deck_can_set_the_severity_or_disable_the_rule(assemblint_check):
    report = assemblint_check(design("Sn63Pb37"), deck={"RH001": {"severity": "error"}}, select=["RH001"])
    assert [f.severity.value for f in report.findings] == ["error"]
    assert report.exit_code == 1
    off = assemblint_check(design("Sn63Pb37"), deck={"RH001": {"enabled": False}}, select=["RH001"])
    assert off.findings == []


def test_a_waiver_covers_the_finding(assemblint_check):
    text = design("Sn63Pb37") + 'waive RH001 on b[*] because "consumer product outside the EU"\n'
    report = assemblint_check(text, select=["RH001"])
    assert [f.waived for f in report.findings] == [True]


# --- the rule itself --------------------------------------------------------------------------------


def test_the_documented_examples_behave(assemblint_check):
    assert restricted_substance.examples == {"fires": FIRES, "passes": PASSES}
    assert [f.rule for f in assemblint_check(FIRES, select=["RH001"]).findings] == ["RH001"]
    assert assemblint_check(PASSES, select=["RH001"]).findings == []


def test_the_rule_declares_its_parameters_source_and_doc():
    rule = restricted_substance
    assert (rule.id, rule.name, rule.severity.value) == ("RH001", "restricted-substance", "warning")
    assert rule.default_params() == {"max_pb": "0.1 %", "max_hg": "0.1 %", "max_cd": "0.01 %"}
    assert all(schema["quantity"] == "fraction" and schema["description"] for schema in rule.params.values())
    for cited in ("2011/65/EU", "2015/863", "7(a)", "15(a)", "homogeneous materials"):
        assert cited in rule.source
    assert "does not judge" in rule.doc
    assert __version__ == "0.1.0"
