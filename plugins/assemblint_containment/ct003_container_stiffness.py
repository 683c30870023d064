"""CT003 container-stiffness: a containing layer's material is too stiff to let liquid masses move."""

from __future__ import annotations

from collections.abc import Iterator

from assemblint import EACH, OBJECTS, Finding, RuleContext, Severity, quantity, rule
from assemblint.base.units import format_quantity

from ._examples import GEL, design

PSI = 0.00689475729  # MPa


def modulus(value: float) -> str:
    """`0.3 MPa (44 psi)`: data sheets and seed 003 give moduli in either unit."""
    return f"{format_quantity(value, 'modulus')} ({value / PSI:,.0f} psi)"


@rule(
    id="CT003",
    name="container-stiffness",
    severity=Severity.WARNING,
    tiles=EACH,
    params={"max_modulus": quantity("modulus", "100000 psi", "the stiffest a containing material may be")},
    source="seed 003 (a compliant material with a modulus below about 100,000 psi, preferably a silicone gel)",
    examples={"fires": design(gel=GEL.replace("0.3 MPa", "2.4 GPa")), "passes": design()},
    doc="""
    A containing layer's material is stiffer than `max_modulus` (100,000 psi, about 690 MPa).

    The containing layer must be compliant: the masses inside it expand when they melt (most
    low-melting alloys change volume by a few percent) and the two elements move against each
    other with temperature. A soft gel takes up both; a stiff encapsulant would squeeze the
    liquid mass out of its pocket or crack. Seed 003 asks for a modulus below about 100,000 psi.
    A material without `modulus` cannot be checked (CT006). Exactly `max_modulus` passes.
    """,
)
def container_stiffness(ctx: RuleContext) -> Iterator[Finding]:
    limit = ctx.params["max_modulus"]
    for layer in ctx.timeline.containing_layers:
        material = layer.material
        if material is None or material.modulus is None or material.modulus <= limit:
            continue
        yield ctx.finding(
            f"{material.name}, the material of layer {OBJECTS}, has a modulus of "
            f"{modulus(material.modulus)}, stiffer than the {modulus(limit)} a containing layer may be",
            objects=layer,
            data={"material": material.name, "modulus": material.modulus, "max_modulus": limit},
            cause="stiff",
        )
