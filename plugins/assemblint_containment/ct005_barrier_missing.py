"""CT005 barrier-missing: a pad under a mass that is liquid again has no (thick enough) barrier."""

from __future__ import annotations

import numpy as np

from assemblint import OBJECTS, Severity, quantity, rule
from assemblint.timeline import group_selection, group_slice
from assemblint.units import format_quantity

from ._examples import design


@rule(
    id="CT005",
    name="barrier-missing",
    severity=Severity.WARNING,
    params={"min_barrier": quantity("length", "1 um", "the thinnest barrier layer on a pad")},
    source="seed 003 (a barrier of nickel, tungsten or titanium, about 1 µm, keeps the pad metal from dissolving)",
    examples={"fires": design(barrier=""), "passes": design()},
    doc="""
    A pad joined by a mass that is liquid in service, or remelted while contained, has no
    `barrier`, or one thinner than `min_barrier`.

    Liquid solder dissolves the metal it wets: copper and gold pads are eaten away by a tin- or
    indium-rich melt, and the dissolved metal forms brittle intermetallics. A joint that melts
    once in reflow survives that; a mass meant to be liquid again and again (in operation, or
    in every later reflow) needs a barrier metal (nickel, tungsten, titanium, about 1 µm) between
    it and the pad. A barrier given without a thickness cannot be confirmed and is reported.
    Exactly `min_barrier` passes.
    """,
)
def barrier_missing(ctx):
    tl = ctx.timeline
    netlist = ctx.netlist
    limit = ctx.params["min_barrier"]
    melted_contained = np.zeros(ctx.assembly.mass_count, dtype=bool)
    for moment in tl.steps:
        melted_contained |= tl.remelted_by(moment) & tl.contained(moment)
    again = tl.liquid_in_service | melted_contained
    if not again.any():
        return
    arrays = ctx.assembly.pad_arrays
    for group in ctx.assembly.mass_groups:
        local = again[group_slice(group)]
        if not local.any():
            continue
        why = (
            "liquid in service" if tl.liquid_in_service[group_slice(group)][local].any() else "remelted while contained"
        )
        sides = [netlist.mass_pad_a[group_slice(group)], netlist.mass_pad_b[group_slice(group)]]
        for pads in sides:
            on_array = np.where(pads >= 0, netlist.pad_array[np.maximum(pads, 0)], -1)
            for index in np.unique(on_array[local & (pads >= 0)]).tolist():
                array = arrays[index]
                problem = _barrier_problem(array, limit)
                if problem is None:
                    continue
                selection = group_selection(group, local & (on_array == index))
                yield ctx.finding(
                    f"pads {array.element.name.rsplit('.', 1)[-1]}.{array.name} under {OBJECTS} ({why}) {problem}; "
                    f"at least {format_quantity(limit, 'length')} of Ni, W or Ti keeps the liquid mass from "
                    "dissolving the pad",
                    objects=selection,
                    data={
                        "pads": array.qualified_name,
                        "barrier": array.barrier.name if array.barrier else None,
                        "barrier_thickness": array.barrier_thickness,
                        "min_barrier": limit,
                    },
                    cause=f"{array.loc} {problem}",
                )


def _barrier_problem(array, limit: float) -> str | None:
    if array.barrier is None:
        return "have no barrier"
    if array.barrier_thickness is None:
        return f"have a {array.barrier.name} barrier of no stated thickness"
    if array.barrier_thickness < limit:
        return f"have a {array.barrier.name} barrier only {format_quantity(array.barrier_thickness, 'length')} thick"
    return None
