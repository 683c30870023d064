"""The mass-containment rules CT001–CT006 (CHECKS.md, seed 003), from small `.assy` texts.

Each rule fires on a small design, is silent on the corrected one, and is held at its limits
("a value exactly at a limit passes"); the deck parameters move those limits; the definitions the
rules share (contained, containing layer, liquid in service, remelted) are checked through the
rules; cells give one finding for every instance; and each rule's documentation examples behave
as documented.

The base design is seed 003 in miniature: a chip and a polyimide sheet joined by four masses of a
50 °C alloy (`m`, line 6) inside a compliant dielectric gel (`g`, line 5) that is injected after
joining; the sheet is mounted at 165 °C (which remelts the masses inside the gel) and the chip
operates at 40–85 °C (where they are liquid again).
"""

from __future__ import annotations

import pytest
from assemblint_containment import RULES

GEL = "kind compliant; dielectric; modulus 0.3 MPa; service -65 C .. 200 C"
LAYER = "role compliant; between chip, sheet; thickness 100 um"
NICKEL = " barrier nickel 1 um"
STEPS = """\
    step join  { kind reflow; peak 75 C }
    step fill  { kind inject; temp 25 C; forms g }
    step mount { kind reflow; peak 165 C }"""
STEPS_NO_LAYER = STEPS.replace("; forms g", "")

MASS_LINE, MASS_COLUMN = 6, 8  # `masses m`
LAYER_LINE, LAYER_COLUMN = 5, 7  # `layer g`


def design(
    *,
    gel: str = GEL,
    layer: str | None = LAYER,
    barrier_c: str = NICKEL,
    barrier_p: str = NICKEL,
    alloy: str = "SnBiPbInCd50",
    mass: str = "",
    extra: str = "",
    steps: str | None = None,
    service: str = "operate 40 C .. 85 C",
) -> str:
    """The base design; `layer=None` leaves the gel out (its line stays, as a comment)."""
    if steps is None:
        steps = STEPS if layer is not None else STEPS_NO_LAYER
    layer_line = f"layer g : gel {{ {layer} }}" if layer is not None else "# no layer"
    return f"""use std
material gel {{ {gel} }}
element chip : chip {{ body silicon; pads c grid 2 x 2 pitch 500 um diameter 100 um{barrier_c} }}
element sheet : dielectric_sheet {{ body polyimide; pads p grid 2 x 2 pitch 500 um diameter 100 um{barrier_p} }}
{layer_line}
masses m : {alloy} {{ joins chip.c[*] -- sheet.p[*]; diameter 90 um; height 100 um{mass} }}
{extra}
process {{
{steps}
    {service}
}}
"""


def of(report, rule: str) -> list:
    """The findings of one rule, in report order."""
    return [f for f in report.findings if f.rule == rule]


def fired(check_text, text: str, rule: str, deck: str | None = None) -> list:
    """Run one rule on a design and return its findings."""
    return of(check_text(text, deck=deck, select=(rule,)), rule)


def test_the_base_design_gives_no_ct_finding(check_text) -> None:
    report = check_text(design())
    assert [f.rule for f in report.findings if f.rule.rstrip("0123456789") == "CT"] == []


# ============================================================================= CT001
def test_ct001_fires_on_masses_liquid_in_operation_with_no_layer(check_text) -> None:
    [finding] = fired(check_text, design(layer=None), "CT001")
    assert finding.severity.value == "error"
    assert finding.object_names == ["m[0:4]"]
    assert finding.count == 4
    assert finding.data == {"range": "operate", "range_high": 85.0, "melting_temp": 50.0}
    assert (finding.location.line, finding.location.column) == (MASS_LINE, MASS_COLUMN)
    assert "85 °C" in finding.message
    assert "50 °C" in finding.message
    assert "SnBiPbInCd50" in finding.message
    assert "m[0:4]" in finding.message


def test_ct001_is_silent_when_the_gel_contains_the_masses(check_text) -> None:
    assert fired(check_text, design(), "CT001") == []


@pytest.mark.parametrize(
    ("operate", "fires"),
    [
        ("operate 40 C .. 50 C", True),  # the top reaches the 50 °C melting point: liquid
        ("operate 40 C .. 49.9 C", False),
        ("operate 20 C .. 50.1 C", True),
    ],
)
def test_ct001_boundary_the_operate_top_reaching_the_melting_point_is_liquid(check_text, operate, fires) -> None:
    findings = fired(check_text, design(layer=None, service=operate), "CT001")
    assert bool(findings) is fires
    if fires:
        assert findings[0].data["melting_temp"] == 50.0
        assert findings[0].object_names == ["m[0:4]"]


@pytest.mark.parametrize(
    ("service", "range_name", "high"),
    [
        ("operate 20 C .. 40 C\n    store -40 C .. 60 C", "store", 60.0),
        ("operate 20 C .. 40 C\n    cycle -40 C .. 125 C count 100", "cycle", 125.0),
    ],
)
def test_ct001_covers_the_store_and_cycle_ranges(check_text, service, range_name, high) -> None:
    [finding] = fired(check_text, design(layer=None, service=service), "CT001")
    assert finding.data == {"range": range_name, "range_high": high, "melting_temp": 50.0}
    assert finding.count == 4
    assert f"the {range_name} range" in finding.message


def test_ct001_a_mass_liquid_in_two_ranges_is_reported_once(check_text) -> None:
    service = "operate 40 C .. 85 C\n    store -40 C .. 60 C"
    [finding] = fired(check_text, design(layer=None, service=service), "CT001")
    assert finding.data["range"] == "operate"
    assert finding.count == 4


def test_ct001_a_remelt_only_in_a_process_step_is_mh003s_not_ct001s(check_text) -> None:
    # mount at 165 °C remelts the uncontained masses, but 20–40 °C never reaches 50 °C.
    report = check_text(design(layer=None, service="operate 20 C .. 40 C"))
    assert of(report, "CT001") == []
    [mh003] = of(report, "MH003")
    assert mh003.object_names == ["m[0:4]"]


def test_ct001_masses_that_never_melt_in_service_are_silent(check_text) -> None:
    assert fired(check_text, design(layer=None, alloy="Sn63Pb37", steps=STEPS_NO_LAYER), "CT001") == []


@pytest.mark.parametrize(
    ("role", "contains"),
    [
        ("compliant", True),
        ("underfill", True),
        ("encapsulant", True),
        ("adhesive", False),
        ("mold", True),  # CHECKS.md v2: seed 004's mold holds its masses as an underfill does
        ("dielectric", False),
    ],
)
def test_ct001_only_compliant_underfill_encapsulant_or_mold_roles_contain(check_text, role, contains) -> None:
    layer = f"role {role}; between chip, sheet; thickness 100 um"
    findings = fired(check_text, design(layer=layer), "CT001")
    assert (findings == []) is contains
    if not contains:
        assert findings[0].object_names == ["m[0:4]"]


@pytest.mark.parametrize(
    ("gel", "contains"),
    [
        (GEL, True),
        ("kind compliant; modulus 0.3 MPa; service -65 C .. 200 C", False),  # not dielectric: conductive
        ("kind dielectric; modulus 0.3 MPa; service -65 C .. 200 C", True),  # `kind dielectric` implies it
        ("kind metal; modulus 0.3 MPa; service -65 C .. 200 C", False),
    ],
)
def test_ct001_a_containing_layer_must_be_of_a_dielectric_material(check_text, gel, contains) -> None:
    findings = fired(check_text, design(gel=gel), "CT001")
    assert (findings == []) is contains


def test_ct001_a_layer_without_role_does_not_contain(check_text) -> None:
    [finding] = fired(check_text, design(layer="between chip, sheet; thickness 100 um"), "CT001")
    assert finding.count == 4


def test_ct001_a_mass_in_a_layer_is_surrounded_by_it(check_text) -> None:
    # The gel lies between the chip and a board, so by default it surrounds no mass of m;
    # `in g` puts m inside it.
    board = "element board : circuit_board { body fr4; pads q grid 2 x 2 pitch 500 um diameter 100 um }"
    layer = "role compliant; between chip, board; thickness 100 um"
    without = design(layer=layer, extra=board)
    assert [f.count for f in fired(check_text, without, "CT001")] == [4]
    assert fired(check_text, design(layer=layer, extra=board, mass="; in g"), "CT001") == []


def test_ct001_explicit_surrounds_limits_the_default(check_text) -> None:
    # g lies between chip and sheet but surrounds only m[0:2]: m[2:4] are uncontained.
    [finding] = fired(check_text, design(layer=LAYER + "; surrounds m[0:2]"), "CT001")
    assert finding.object_names == ["m[2:4]"]
    assert finding.count == 2


def test_ct001_explicit_surrounds_of_another_mass_group(check_text) -> None:
    extra = "masses n : SnBiPbInCd55 { joins chip.c[*] -- sheet.p[*]; diameter 90 um; height 100 um }"
    findings = fired(check_text, design(layer=LAYER + "; surrounds n", extra=extra), "CT001")
    assert [(f.object_names, f.count, f.data["melting_temp"]) for f in findings] == [(["m[0:4]"], 4, 50.0)]
    # By default the gel surrounds both groups joining chip and sheet.
    assert fired(check_text, design(extra=extra), "CT001") == []


def test_ct001_merges_the_masses_of_one_statement_and_splits_statements(check_text) -> None:
    extra = "masses n : SnBiPbInCd55 { joins chip.c[*] -- sheet.p[*]; diameter 90 um; height 100 um }"
    findings = fired(check_text, design(layer=None, extra=extra), "CT001")
    assert sorted((f.object_names[0], f.count, f.data["melting_temp"], f.location.line) for f in findings) == [
        ("m[0:4]", 4, 50.0, 6),
        ("n[0:4]", 4, 55.0, 7),
    ]


# ============================================================================= CT002
def test_ct002_fires_when_the_rating_ends_below_the_hottest_step_with_the_layer(check_text) -> None:
    [finding] = fired(check_text, design(gel=GEL.replace("-65 C .. 200 C", "-40 C .. 150 C")), "CT002")
    assert finding.severity.value == "error"
    assert finding.object_names == ["g"]
    assert finding.count == 1
    assert (finding.location.line, finding.location.column) == (LAYER_LINE, LAYER_COLUMN)
    assert finding.data == {
        "material": "gel",
        "lowest_melting": 50.0,
        "needed_top": 165.0,
        "service_low": -40.0,
        "service_high": 150.0,
        "rated_top": 150.0,
        "hottest": "mount",
    }
    assert "165 °C" in finding.message
    assert "150 °C" in finding.message
    assert "50 °C" in finding.message
    assert "`mount`" in finding.message


def test_ct002_is_silent_when_the_rating_covers_the_range(check_text) -> None:
    assert fired(check_text, design(), "CT002") == []


@pytest.mark.parametrize(
    ("service", "cause"),
    [
        ("-65 C .. 165 C", None),  # ends exactly at the 165 °C mount step
        ("-65 C .. 164.9 C", "high"),
        ("50 C .. 200 C", None),  # starts exactly at the 50 °C melting point
        ("50.1 C .. 200 C", "low"),
    ],
)
def test_ct002_boundary_the_ends_of_the_range_pass(check_text, service, cause) -> None:
    findings = fired(check_text, design(gel=GEL.replace("-65 C .. 200 C", service)), "CT002")
    if cause is None:
        assert findings == []
    else:
        [finding] = findings
        assert finding.object_names == ["g"]
        assert ("starts above 50 °C" in finding.message) is (cause == "low")
        assert ("above 164.9 °C" in finding.message) is (cause == "high")


def test_ct002_low_end_finding_data(check_text) -> None:
    [finding] = fired(check_text, design(gel=GEL.replace("-65 C .. 200 C", "60 C .. 200 C")), "CT002")
    assert finding.data == {
        "material": "gel",
        "lowest_melting": 50.0,
        "needed_top": 165.0,
        "service_low": 60.0,
        "service_high": 200.0,
    }
    assert "60 °C" in finding.message


def test_ct002_the_operating_range_counts_when_hotter_than_every_step(check_text) -> None:
    gel = GEL.replace("-65 C .. 200 C", "-65 C .. 80 C")
    steps = STEPS.replace("peak 165 C", "peak 45 C")  # no remelt; liquid only in operation
    [finding] = fired(check_text, design(gel=gel, steps=steps), "CT002")
    assert finding.data["needed_top"] == 85.0
    assert finding.data["hottest"] == "operate"
    assert finding.data["rated_top"] == 80.0
    assert "85 °C" in finding.message


@pytest.mark.parametrize(("max_temp", "fires"), [("165 C", False), ("164.9 C", True)])
def test_ct002_a_material_with_only_max_temp_is_checked_at_the_top(check_text, max_temp, fires) -> None:
    gel = f"kind compliant; dielectric; modulus 0.3 MPa; max_temp {max_temp}"
    findings = fired(check_text, design(gel=gel), "CT002")
    assert bool(findings) is fires
    if fires:
        assert findings[0].data["rated_top"] == 164.9
        assert "service_low" not in findings[0].data


def test_ct002_a_material_with_no_rating_is_left_to_ct006(check_text) -> None:
    report = check_text(design(gel="kind compliant; dielectric; modulus 0.3 MPa"), select=("CT002", "CT006"))
    assert of(report, "CT002") == []
    assert [f.data["missing"] for f in of(report, "CT006")] == ["service"]


def test_ct002_a_layer_counts_only_the_steps_after_it_is_formed(check_text) -> None:
    # A 180 °C bake happens before the masses are deposited and the gel injected.
    steps = "    step bake  { kind anneal; peak 180 C }\n    step bump  { kind deposit; temp 25 C; forms m }\n" + STEPS
    gel = GEL.replace("-65 C .. 200 C", "-65 C .. 170 C")
    assert fired(check_text, design(gel=gel, steps=steps), "CT002") == []
    # Formed by no step, the gel exists from the start and sees the bake.
    [finding] = fired(check_text, design(gel=gel, steps=steps.replace("; forms g", "")), "CT002")
    assert finding.data["hottest"] == "bake"
    assert finding.data["needed_top"] == 180.0


def test_ct002_lowest_melting_counts_only_masses_that_melt_again(check_text) -> None:
    # n (45 °C) is mixed by mount (intended) and solid in 20–40 °C operation: it needs no container.
    # m (50 °C) is remelted by mount inside the gel: the range starts at 50 °C.
    extra = (
        "material low45 { kind fusible; melts 45 C }\n"
        "masses n : low45 { joins chip.c[*] -- sheet.p[*]; diameter 90 um; height 100 um }"
    )
    steps = STEPS.replace("peak 165 C }", "peak 165 C; mixes n }")
    gel = GEL.replace("-65 C .. 200 C", "48 C .. 200 C")
    assert fired(check_text, design(gel=gel, extra=extra, steps=steps, service="operate 20 C .. 40 C"), "CT002") == []
    gel = GEL.replace("-65 C .. 200 C", "50.5 C .. 200 C")
    [finding] = fired(check_text, design(gel=gel, extra=extra, steps=steps, service="operate 20 C .. 40 C"), "CT002")
    assert finding.data["lowest_melting"] == 50.0


# ============================================================================= CT003
def test_ct003_fires_on_a_stiff_containing_layer(check_text) -> None:
    [finding] = fired(check_text, design(gel=GEL.replace("0.3 MPa", "2.4 GPa")), "CT003")
    assert finding.severity.value == "warning"
    assert finding.object_names == ["g"]
    assert finding.count == 1
    assert (finding.location.line, finding.location.column) == (LAYER_LINE, LAYER_COLUMN)
    assert finding.data["material"] == "gel"
    assert finding.data["modulus"] == 2400.0
    assert finding.data["max_modulus"] == pytest.approx(689.4757, abs=1e-3)
    assert "2400 MPa" in finding.message
    assert "348,091 psi" in finding.message
    assert "100,000 psi" in finding.message


def test_ct003_is_silent_on_a_soft_gel(check_text) -> None:
    assert fired(check_text, design(), "CT003") == []


@pytest.mark.parametrize(("modulus", "fires"), [("100000 psi", False), ("100001 psi", True), ("689 MPa", False)])
def test_ct003_boundary_exactly_max_modulus_passes(check_text, modulus, fires) -> None:
    findings = fired(check_text, design(gel=GEL.replace("0.3 MPa", modulus)), "CT003")
    assert bool(findings) is fires
    if fires:
        assert "100,001 psi" in findings[0].message


@pytest.mark.parametrize(
    ("deck_value", "modulus", "fires"),
    [
        ("1 GPa", "800 MPa", False),  # stiffer than the default 100000 psi, within 1 GPa
        ("1 GPa", "1.1 GPa", True),
        ("0.1 MPa", "0.3 MPa", True),  # the base gel is too stiff for a stricter deck
        ("0.3 MPa", "0.3 MPa", False),
    ],
)
def test_ct003_deck_max_modulus(check_text, deck_value, modulus, fires) -> None:
    deck = f'[rules.CT003]\nmax_modulus = "{deck_value}"'
    findings = fired(check_text, design(gel=GEL.replace("0.3 MPa", modulus)), "CT003", deck=deck)
    assert bool(findings) is fires
    if fires:
        assert findings[0].data["max_modulus"] == pytest.approx({"1 GPa": 1000.0, "0.1 MPa": 0.1}[deck_value])


def test_ct003_default_fires_on_800_mpa(check_text) -> None:
    [finding] = fired(check_text, design(gel=GEL.replace("0.3 MPa", "800 MPa")), "CT003")
    assert finding.data["modulus"] == 800.0


def test_ct003_applies_to_a_containing_layer_whatever_its_role(check_text) -> None:
    # An adhesive layer of underfill (11.5 GPa) does not contain (CT001 fires) but it surrounds
    # masses liquid in service, so it is a containing layer and must be compliant.
    text = design(extra="layer u : underfill { role adhesive; between chip, sheet; thickness 100 um }", layer=None)
    report = check_text(text, select=("CT001", "CT003"))
    assert [f.count for f in of(report, "CT001")] == [4]
    [finding] = of(report, "CT003")
    assert finding.object_names == ["u"]
    assert finding.data["material"] == "underfill"
    assert finding.data["modulus"] == 11500.0


# ============================================================================= CT004
def test_ct004_fires_on_a_thick_containing_layer(check_text) -> None:
    [finding] = fired(check_text, design(layer=LAYER.replace("100 um", "300 um")), "CT004")
    assert finding.severity.value == "warning"
    assert finding.object_names == ["g"]
    assert finding.count == 1
    assert (finding.location.line, finding.location.column) == (LAYER_LINE, LAYER_COLUMN)
    assert finding.data == {"thickness": 300.0, "min_thickness": 50.0, "max_thickness": 250.0}
    assert "300 µm" in finding.message
    assert "250 µm" in finding.message
    assert "thicker" in finding.message


def range_findings(findings: list) -> list:
    """CT004's findings about the thickness range (not those about the contained masses' height)."""
    return [f for f in findings if "min_thickness" in f.data]


def test_ct004_fires_on_a_thin_containing_layer(check_text) -> None:
    [finding] = range_findings(fired(check_text, design(layer=LAYER.replace("100 um", "20 um")), "CT004"))
    assert finding.data == {"thickness": 20.0, "min_thickness": 50.0, "max_thickness": 250.0}
    assert "20 µm" in finding.message
    assert "50 µm" in finding.message
    assert "thinner" in finding.message


def test_ct004_is_silent_within_the_range(check_text) -> None:
    assert fired(check_text, design(), "CT004") == []


@pytest.mark.parametrize(
    ("thickness", "fires"),
    [("50 um", False), ("250 um", False), ("49.9 um", True), ("250.1 um", True), ("0.25 mm", False)],
)
def test_ct004_boundary_the_ends_of_the_range_pass(check_text, thickness, fires) -> None:
    findings = range_findings(fired(check_text, design(layer=LAYER.replace("100 um", thickness)), "CT004"))
    assert bool(findings) is fires


@pytest.mark.parametrize(
    ("deck", "thickness", "fires"),
    [
        ('min_thickness = "120 um"', "100 um", True),
        ('min_thickness = "100 um"', "100 um", False),
        ('max_thickness = "80 um"', "100 um", True),
        ('max_thickness = "400 um"', "300 um", False),
        ('min_thickness = "10 um"', "20 um", False),
    ],
)
def test_ct004_deck_thickness_limits(check_text, deck, thickness, fires) -> None:
    findings = range_findings(
        fired(check_text, design(layer=LAYER.replace("100 um", thickness)), "CT004", deck=f"[rules.CT004]\n{deck}")
    )
    assert bool(findings) is fires
    if fires:
        name, value = deck.split(" = ")
        assert findings[0].data[name] == float(value.strip('"').split()[0])


def test_ct004_a_layer_without_thickness_is_left_to_ct006(check_text) -> None:
    report = check_text(design(layer="role compliant; between chip, sheet"), select=("CT004", "CT006"))
    assert of(report, "CT004") == []
    [finding] = of(report, "CT006")
    assert finding.data == {"missing": "thickness"}
    assert finding.object_names == ["g"]


# ============================================================================= CT005
def test_ct005_fires_once_per_pad_array_without_barrier(check_text) -> None:
    findings = fired(check_text, design(barrier_c="", barrier_p=""), "CT005")
    assert len(findings) == 2
    for finding in findings:
        assert finding.severity.value == "warning"
        assert finding.object_names == ["m[0:4]"]
        assert finding.count == 4
        assert (finding.location.line, finding.location.column) == (MASS_LINE, MASS_COLUMN)
        assert finding.data["barrier"] is None
        assert finding.data["barrier_thickness"] is None
        assert finding.data["min_barrier"] == 1.0
        assert "have no barrier" in finding.message
        assert "liquid in service" in finding.message
        assert "1 µm" in finding.message
    assert sorted(f.data["pads"] for f in findings) == ["chip.c", "sheet.p"]


def test_ct005_only_the_side_without_barrier_is_reported(check_text) -> None:
    [finding] = fired(check_text, design(barrier_p=""), "CT005")
    assert finding.data["pads"] == "sheet.p"
    assert "sheet.p" in finding.message
    assert finding.count == 4


def test_ct005_is_silent_with_1_um_nickel_on_both_sides(check_text) -> None:
    assert fired(check_text, design(), "CT005") == []


@pytest.mark.parametrize(("thickness", "fires"), [("1 um", False), ("0.9 um", True), ("1000 nm", False)])
def test_ct005_boundary_exactly_min_barrier_passes(check_text, thickness, fires) -> None:
    findings = fired(check_text, design(barrier_c=f" barrier nickel {thickness}"), "CT005")
    assert bool(findings) is fires
    if fires:
        [finding] = findings
        assert finding.data == {"pads": "chip.c", "barrier": "nickel", "barrier_thickness": 0.9, "min_barrier": 1.0}
        assert "0.9 µm" in finding.message
        assert "nickel" in finding.message


def test_ct005_a_barrier_without_thickness_is_reported(check_text) -> None:
    [finding] = fired(check_text, design(barrier_c=" barrier nickel"), "CT005")
    assert finding.data == {"pads": "chip.c", "barrier": "nickel", "barrier_thickness": None, "min_barrier": 1.0}
    assert "no stated thickness" in finding.message


@pytest.mark.parametrize(
    ("deck_value", "thickness", "fires"),
    [("2 um", "1 um", True), ("0.5 um", "0.9 um", False), ("0.9 um", "0.9 um", False)],
)
def test_ct005_deck_min_barrier(check_text, deck_value, thickness, fires) -> None:
    deck = f'[rules.CT005]\nmin_barrier = "{deck_value}"'
    findings = fired(check_text, design(barrier_c=f" barrier nickel {thickness}"), "CT005", deck=deck)
    assert bool(findings) is fires
    if fires:
        assert findings[0].data["min_barrier"] == 2.0


def test_ct005_fires_on_masses_remelted_while_contained(check_text) -> None:
    # Solid in 20–40 °C operation; remelted at mount inside the gel.
    [finding] = fired(check_text, design(barrier_p="", service="operate 20 C .. 40 C"), "CT005")
    assert finding.object_names == ["m[0:4]"]
    assert "remelted" in finding.message
    assert "liquid in service" not in finding.message


def test_ct005_a_remelt_before_the_gel_exists_is_not_while_contained(check_text) -> None:
    # The gel is injected only after mount: the remelt at mount is uncontained (MH003's), and the
    # masses are solid in service, so no barrier is needed by CT005.
    steps = """\
    step join  { kind reflow; peak 75 C }
    step mount { kind reflow; peak 165 C }
    step fill  { kind inject; temp 25 C; forms g }"""
    text = design(barrier_p="", service="operate 20 C .. 40 C", steps=steps)
    report = check_text(text, select=("CT005", "MH003"))
    assert of(report, "CT005") == []
    assert [f.count for f in of(report, "MH003")] == [4]


def test_ct005_uncontained_masses_liquid_in_service_also_need_barriers(check_text) -> None:
    report = check_text(design(layer=None, barrier_c=""), select=("CT001", "CT005"))
    assert [f.count for f in of(report, "CT001")] == [4]
    [finding] = of(report, "CT005")
    assert finding.data["pads"] == "chip.c"
    assert "liquid in service" in finding.message


def test_ct005_a_single_pad_and_mass(check_text) -> None:
    extra = (
        "element lid : plate { body silicon; pad z at (0 mm, 0 mm) diameter 100 um }\n"
        "mass k : SnBiPbInCd50 { joins chip.c[0] -- lid.z; diameter 90 um }"
    )
    findings = fired(check_text, design(layer=None, extra=extra), "CT005")
    [finding] = findings  # chip.c has its nickel; lid.z has none
    assert finding.object_names == ["k"]
    assert finding.count == 1
    assert finding.data["pads"] == "lid.z"
    assert finding.location.line == 8  # `mass k`, the second line of `extra`


def test_ct005_masses_that_never_melt_again_need_no_barrier(check_text) -> None:
    text = design(alloy="Sn63Pb37", barrier_c="", barrier_p="", steps=STEPS.replace("75 C", "220 C"))
    assert fired(check_text, text, "CT005") == []


# ============================================================================= CT006
def test_ct006_fires_on_silicone_gel_without_modulus(check_text) -> None:
    text = design(layer=None, extra="layer s : silicone_gel { role compliant; between chip, sheet; thickness 100 um }")
    [finding] = fired(check_text, text, "CT006")
    assert finding.severity.value == "warning"
    assert finding.object_names == ["s"]
    assert finding.count == 1
    assert finding.location.line == 7
    assert finding.data == {"material": "silicone_gel", "missing": "modulus"}
    assert "silicone_gel" in finding.message
    assert "`modulus`" in finding.message


def test_ct006_is_silent_on_a_complete_layer(check_text) -> None:
    assert fired(check_text, design(), "CT006") == []


@pytest.mark.parametrize(
    ("gel", "missing"),
    [
        ("kind compliant; dielectric; modulus 0.3 MPa", ["service"]),
        ("kind compliant; dielectric; modulus 0.3 MPa; max_temp 200 C", []),
        ("kind compliant; dielectric; service -65 C .. 200 C", ["modulus"]),
        ("kind compliant; dielectric", ["service", "modulus"]),
    ],
)
def test_ct006_names_each_missing_material_property(check_text, gel, missing) -> None:
    findings = fired(check_text, design(gel=gel), "CT006")
    assert sorted(f.data["missing"] for f in findings) == sorted(missing)
    for finding in findings:
        assert finding.object_names == ["g"]
        assert finding.data["material"] == "gel"


def test_ct006_reports_material_and_thickness_gaps_separately(check_text) -> None:
    findings = fired(
        check_text, design(gel="kind compliant; dielectric", layer="role compliant; between chip, sheet"), "CT006"
    )
    assert sorted(f.data["missing"] for f in findings) == ["modulus", "service", "thickness"]
    assert {tuple(f.object_names) for f in findings} == {("g",)}


def test_ct006_service_message_mentions_max_temp(check_text) -> None:
    [finding] = fired(check_text, design(gel="kind compliant; dielectric; modulus 0.3 MPa"), "CT006")
    assert "`service` (or `max_temp`)" in finding.message


# ============================================================================= containing layers
NEVER_AGAIN = {
    "alloy": "Sn63Pb37",  # joined at 220 °C, never liquid again: mount 165 °C, operate 40–85 °C
    "steps": STEPS.replace("75 C", "220 C"),
}


def test_a_layer_around_masses_that_never_melt_again_is_not_containing(check_text) -> None:
    # A stiff, thick, unrated underfill with no thickness data would trip CT002–CT004 and CT006
    # if it were a containing layer.
    report = check_text(
        design(gel="kind polymer; dielectric", layer="role underfill; between chip, sheet", **NEVER_AGAIN)
    )
    assert [f.rule for f in report.findings if f.rule.rstrip("0123456789") == "CT"] == []
    report = check_text(
        design(
            gel="kind polymer; dielectric; modulus 11.5 GPa",
            layer="role underfill; between chip, sheet; thickness 900 um",
            **NEVER_AGAIN,
        )
    )
    assert [f.rule for f in report.findings if f.rule.rstrip("0123456789") == "CT"] == []


def test_a_layer_of_any_role_around_liquid_masses_is_containing(check_text) -> None:
    # A `mold` layer of a dielectric contains (no CT001), and CT003, CT004 and CT006 judge it.
    text = design(
        gel="kind polymer; dielectric; modulus 11.5 GPa", layer="role mold; between chip, sheet; thickness 900 um"
    )
    report = check_text(text)
    rules = sorted(f.rule for f in report.findings if f.rule.rstrip("0123456789") == "CT")
    assert rules == ["CT003", "CT004", "CT006"]
    assert [f.data["missing"] for f in of(report, "CT006")] == ["service"]


def test_a_layer_around_masses_remelted_only_in_a_step_is_containing(check_text) -> None:
    # Solid in operation, remelted at mount: the gel contains them, so CT003/CT004 judge it.
    text = design(
        gel=GEL.replace("0.3 MPa", "2.4 GPa"), layer=LAYER.replace("100 um", "300 um"), service="operate 20 C .. 40 C"
    )
    report = check_text(text)
    assert sorted(f.rule for f in report.findings if f.rule.rstrip("0123456789") == "CT") == ["CT003", "CT004"]


# ============================================================================= cells
CELL_DESIGN = """\
use std
material gel {{ {gel} }}
cell Unit {{
    element chip : chip {{ body silicon; pads c grid 2 x 2 pitch 500 um diameter 100 um{barrier} }}
    element sheet : dielectric_sheet {{ body polyimide; pads p grid 2 x 2 pitch 500 um diameter 100 um{barrier} }}
    masses m : SnBiPbInCd55 {{ joins chip.c[*] -- sheet.p[*]; diameter 90 um; height 100 um{mass} }}
    {layer}
}}
place units : Unit grid 2 x 3 pitch 12 mm x 12 mm
process {{
    step bump  {{ kind deposit; temp 25 C; forms units[*].m }}
    step join  {{ kind reflow; peak 75 C }}
    step fill  {{ kind inject; temp 25 C .. 30 C{forms} }}
    step mount {{ kind reflow; peak 165 C }}
    operate 40 C .. 85 C
}}
"""


def cell_design(*, gel: str = GEL, thickness: str = "100 um", barrier: str = NICKEL, with_layer: bool = True) -> str:
    layer = f"layer g : gel {{ role compliant; between chip, sheet; thickness {thickness} }}" if with_layer else ""
    return CELL_DESIGN.format(
        gel=gel,
        barrier=barrier,
        mass="; in g" if with_layer else "",
        layer=layer,
        forms="; forms units[*].g" if with_layer else "",
    )


def test_cells_the_corrected_panel_gives_no_ct_finding(check_text) -> None:
    report = check_text(cell_design())
    assert [f.rule for f in report.findings if f.rule.rstrip("0123456789") == "CT"] == []


def test_cells_ct001_one_finding_for_every_instance(check_text) -> None:
    [finding] = fired(check_text, cell_design(with_layer=False), "CT001")
    assert finding.object_names == ["units[0:6].m[0:4]"]
    assert finding.count == 24
    assert finding.location.line == 6


@pytest.mark.parametrize(
    ("rule", "kwargs", "data_key", "value"),
    [
        ("CT002", {"gel": GEL.replace("-65 C .. 200 C", "-40 C .. 150 C")}, "rated_top", 150.0),
        ("CT003", {"gel": GEL.replace("0.3 MPa", "2.4 GPa")}, "modulus", 2400.0),
        ("CT004", {"thickness": "300 um"}, "thickness", 300.0),
        ("CT006", {"gel": GEL.replace("modulus 0.3 MPa; ", "")}, "missing", "modulus"),
    ],
)
def test_cells_layer_rules_give_one_finding_for_every_instance(check_text, rule, kwargs, data_key, value) -> None:
    [finding] = fired(check_text, cell_design(**kwargs), rule)
    assert finding.object_names == ["units[0:6].g"]
    assert finding.count == 6
    assert finding.data[data_key] == value
    assert finding.location.line == 7


def test_cells_ct005_one_finding_per_pad_array_for_every_instance(check_text) -> None:
    findings = fired(check_text, cell_design(barrier=""), "CT005")
    assert len(findings) == 2
    for finding in findings:
        assert finding.object_names == ["units[0:6].m[0:4]"]
        assert finding.count == 24


# ============================================================================= documentation examples
@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_documentation_example_fires(check_text, rule) -> None:
    findings = of(check_text(rule.examples["fires"], select=(rule.id,)), rule.id)
    assert findings
    assert all(f.severity == rule.severity for f in findings)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_documentation_example_passes(check_text, rule) -> None:
    assert of(check_text(rule.examples["passes"], select=(rule.id,)), rule.id) == []


def test_the_plugin_ships_ct001_to_ct006() -> None:
    assert [(r.id, r.name, r.severity.value) for r in RULES] == [
        ("CT001", "uncontained-liquid", "error"),
        ("CT002", "container-range", "error"),
        ("CT003", "container-stiffness", "warning"),
        ("CT004", "container-thickness", "warning"),
        ("CT005", "barrier-missing", "warning"),
        ("CT006", "container-data", "warning"),
    ]
    params = {r.id: r.default_params() for r in RULES}
    assert params["CT003"] == {"max_modulus": "100000 psi"}
    assert params["CT004"] == {"min_thickness": "50 um", "max_thickness": "250 um"}
    assert params["CT005"] == {"min_barrier": "1 um"}
