"""IN004 insulator (plugins/assemblint_insulation/in004_insulator.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
The cases the insulation rules share are in test_insulation_shared.py, the helpers in designs.py.
"""

from __future__ import annotations

import pytest
from assemblint_insulation._examples import STRAIGHT, design
from assemblint_insulation.in004_insulator import PLAIN_GLUE, SILVER_GLUE

from .designs import fired, line_of, with_die_connect


def test_in004_fires_on_a_conductive_layer_around_masses_of_different_nodes(check_text) -> None:
    text = design(STRAIGHT, extra=SILVER_GLUE)
    [finding] = fired(check_text, text, "IN004")
    assert finding.severity.value == "error"
    assert finding.object_names == ["glue"]
    assert finding.count == 1
    assert finding.data == {"material": "silver_epoxy", "masses": 4, "nodes": 4}
    assert finding.message == (
        "layer glue surrounds 4 masses on 4 electrical nodes, and its material silver_epoxy is not a "
        "dielectric: it connects them"
    )
    assert finding.location.line == line_of(text, "layer glue")


def test_in004_is_silent_on_the_plain_epoxy_design(check_text) -> None:
    assert fired(check_text, design(STRAIGHT, extra=PLAIN_GLUE), "IN004") == []


@pytest.mark.parametrize(
    "material",
    ["kind dielectric; cte 50 ppm/K", "kind compliant; dielectric; modulus 0.3 MPa"],
    ids=["kind-dielectric", "dielectric-flag"],
)
def test_in004_a_dielectric_layer_around_masses_of_different_nodes_passes(check_text, material) -> None:
    extra = f"material ins {{ {material} }}\nlayer glue : ins {{ role compliant; between die, sub; thickness 60 um }}\n"
    assert fired(check_text, design(STRAIGHT, extra=extra), "IN004") == []


def test_in004_a_conductive_layer_around_masses_of_one_node_passes(check_text) -> None:
    text = with_die_connect(design(STRAIGHT, extra=SILVER_GLUE), "connect c[0:3] -- c[1:4]")
    assert fired(check_text, text, "IN004") == []


@pytest.mark.parametrize(("surrounds", "fires"), [("m[0]", False), ("m[1:3]", True)])
def test_in004_counts_only_the_masses_the_layer_surrounds(check_text, surrounds, fires) -> None:
    extra = SILVER_GLUE.replace("thickness 60 um", f"thickness 60 um; surrounds {surrounds}")
    findings = fired(check_text, design(STRAIGHT, extra=extra), "IN004")
    assert len(findings) == (1 if fires else 0)
    if fires:
        assert findings[0].data == {"material": "silver_epoxy", "masses": 2, "nodes": 2}
