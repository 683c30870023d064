"""CT001 uncontained-liquid: a mass is liquid in service and no layer contains it."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assemblint import EACH, OBJECTS, CannotRun, Finding, RuleContext, Severity, rule
from assemblint.analysis.timeline import at_or_above, materials_text, temp

from ._examples import design


@rule(
    id="CT001",
    name="uncontained-liquid",
    severity=Severity.ERROR,
    tiles=EACH,
    source="seed 003 claim 1 (masses liquid at operating temperature, contained by a compliant dielectric)",
    examples={"fires": design(with_layer=False), "passes": design()},
    doc="""
    A mass is liquid somewhere in the operate, store or cycle range, and no layer contains it.

    A mass that is liquid in service is held together only by its surface tension and by what
    surrounds it. Seed 003 surrounds each liquid mass with a compliant dielectric (a silicone
    gel) that keeps it on its pads, apart from its neighbours, and sealed from air. A mass is
    contained when a layer of role compliant, underfill, encapsulant or mold, of a dielectric material,
    surrounds it (its `surrounds`, the default of every mass between the two elements it lies
    between, or the mass's own `in LAYER`). A mass melted again by a later process step is
    MH003's concern, not this rule's.
    """,
)
def uncontained_liquid(ctx: RuleContext) -> Iterator[Finding]:
    tl = ctx.timeline
    if not tl.service:
        raise CannotRun("no operate, store or cycle range: nothing says when the masses are in service")
    reported = np.zeros(ctx.assembly.mass_count, dtype=bool)
    for moment in tl.service:
        loose = tl.liquid(moment) & ~tl.contained(moment) & ~reported
        reported |= loose
        for masses in tl.by_declaration(loose):
            group = masses[0].target
            melting = float(tl.melting[group.start])
            yield ctx.finding(
                f"{moment.describe()}, {at_or_above(moment.high, melting)} "
                f"the {temp(melting)} melting point of {materials_text(group)} in "
                f"{OBJECTS}, and no compliant, underfill, encapsulant or mold layer of a dielectric material "
                "contains them",
                objects=masses,
                data={"range": moment.name, "range_high": moment.high, "melting_temp": melting},
                cause=f"liquid in {moment.name}",
            )
