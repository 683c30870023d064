"""The mass-containment family (plugins/assemblint_containment) as a whole (CHECKS.md, seed 003).

The base design gives no CT finding; the definitions the rules share (a containing layer: around
masses liquid in service or remelted in a step, of any role) are checked through the rules; cells
give one finding for every instance; each rule's documentation examples behave as documented;
and the plugin ships CT001–CT006 with their defaults. One rule's own tests are in
test_ctNNN_<name>.py, named after its module.

The base design (designs.py) is seed 003 in miniature: a chip and a polyimide sheet joined by four
masses of a 50 °C alloy (`m`, line 6) inside a compliant dielectric gel (`g`, line 5) that is
injected after joining; the sheet is mounted at 165 °C (which remelts the masses inside the gel)
and the chip operates at 40–85 °C (where they are liquid again).
"""

from __future__ import annotations

import pytest
from assemblint_containment import RULES
from assemblint_containment._examples import GEL

from .designs import LAYER, STEPS, cell_design, design, fired, of


def test_the_base_design_gives_no_ct_finding(check_text) -> None:
    report = check_text(design())
    assert [f.rule for f in report.findings if f.rule.rstrip("0123456789") == "CT"] == []


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
def test_cells_the_corrected_panel_gives_no_ct_finding(check_text) -> None:
    report = check_text(cell_design())
    assert [f.rule for f in report.findings if f.rule.rstrip("0123456789") == "CT"] == []


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
