"""CT006 container-data (plugins/assemblint_containment/ct006_container_data.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
The cases the containment rules share are in test_containment_shared.py, the designs in designs.py.
"""

from __future__ import annotations

import pytest

from .designs import design, fired


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
