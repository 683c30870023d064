"""CT001 uncontained-liquid (plugins/assemblint_containment/ct001_uncontained_liquid.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
The cases the containment rules share are in test_containment_shared.py, the designs in designs.py.
"""

from __future__ import annotations

import pytest
from assemblint_containment._examples import GEL

from .designs import LAYER, MASS_COLUMN, MASS_LINE, STEPS_NO_LAYER, cell_design, design, fired, of


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


def test_cells_ct001_one_finding_for_every_instance(check_text) -> None:
    [finding] = fired(check_text, cell_design(with_layer=False), "CT001")
    assert finding.object_names == ["units[0:6].m[0:4]"]
    assert finding.count == 24
    assert finding.location.line == 6
