"""CT002 container-range (plugins/assemblint_containment/ct002_container_range.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
The cases the containment rules share are in test_containment_shared.py, the designs in designs.py.
"""

from __future__ import annotations

import pytest
from assemblint_containment._examples import GEL

from .designs import LAYER_COLUMN, LAYER_LINE, STEPS, design, fired, of


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
