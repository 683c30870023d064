"""CT003 container-stiffness (plugins/assemblint_containment/ct003_container_stiffness.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
The cases the containment rules share are in test_containment_shared.py, the designs in designs.py.
"""

from __future__ import annotations

import pytest
from assemblint_containment._examples import GEL

from .designs import LAYER_COLUMN, LAYER_LINE, design, fired, of


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
