"""CT005 barrier-missing (plugins/assemblint_containment/ct005_barrier_missing.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
The cases the containment rules share are in test_containment_shared.py, the designs in designs.py.
"""

from __future__ import annotations

import pytest

from .designs import MASS_COLUMN, MASS_LINE, STEPS, cell_design, design, fired, of


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


def test_cells_ct005_one_finding_per_pad_array_for_every_instance(check_text) -> None:
    findings = fired(check_text, cell_design(barrier=""), "CT005")
    assert len(findings) == 2
    for finding in findings:
        assert finding.object_names == ["units[0:6].m[0:4]"]
        assert finding.count == 24
