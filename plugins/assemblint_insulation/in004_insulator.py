"""IN004 insulator: a layer around masses of different nodes conducts."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assemblint import OBJECTS, Finding, RuleContext, Severity, rule
from assemblint.analysis.timeline import is_dielectric

from ._examples import STRAIGHT, design

SILVER_GLUE = """material silver_epoxy { kind composite; resistivity 300 uohm.cm }
layer glue : silver_epoxy { role adhesive; between die, sub; thickness 60 um }
"""
PLAIN_GLUE = """layer glue : epoxy { role adhesive; between die, sub; thickness 60 um }
"""


@rule(
    id="IN004",
    name="insulator",
    severity=Severity.ERROR,
    source='seed 003 claim 1 ("electrically insulating said masses from one another")',
    examples={"fires": design(STRAIGHT, extra=SILVER_GLUE), "passes": design(STRAIGHT, extra=PLAIN_GLUE)},
    doc="""
    A layer that surrounds masses of different electrical nodes is not of a dielectric material.

    Whatever fills the space between the masses also sits between their nodes: a silver-filled
    adhesive, a conductive film or a metal-loaded gel shorts every mass it touches to its
    neighbours. Seed 003's compliant layer contains the masses and insulates them from one
    another, so it must be a dielectric. A material is dielectric when it says `dielectric` or is
    of `kind dielectric`.
    """,
)
def insulator(ctx: RuleContext) -> Iterator[Finding]:
    tl = ctx.timeline
    nodes = ctx.netlist.mass_node
    for layer in ctx.assembly.layers:
        if is_dielectric(layer.material):
            continue
        ids = tl.surrounded_by(layer)
        distinct = np.unique(nodes[ids])
        if len(distinct) < 2:
            continue
        material = layer.material.name if layer.material else "no material"
        yield ctx.finding(
            f"layer {OBJECTS} surrounds {len(ids)} masses on {len(distinct)} electrical nodes, and its material "
            f"{material} is not a dielectric: it connects them",
            objects=layer,
            data={"material": material, "masses": len(ids), "nodes": len(distinct)},
            cause="conductive",
        )
