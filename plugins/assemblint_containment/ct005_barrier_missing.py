"""CT005 barrier-missing: a pad under a mass that is liquid again has no (thick enough) barrier."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assemblint import EACH, OBJECTS, Finding, RuleContext, Severity, quantity, rule
from assemblint.base.diagnostics import Location
from assemblint.base.units import format_quantity
from assemblint.model.assembly import PadArray

from ._examples import design


@rule(
    id="CT005",
    name="barrier-missing",
    severity=Severity.WARNING,
    tiles=EACH,
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
def barrier_missing(ctx: RuleContext) -> Iterator[Finding]:
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
    problems = [_barrier_problem(array, limit) for array in arrays]
    failing = np.array([p is not None for p in problems] or [False])
    first_of_declaration: dict[Location, int] = {}  # a cell's pad arrays share their declaration, and report together
    declaration = np.array([first_of_declaration.setdefault(a.loc, i) for i, a in enumerate(arrays)] or [0])
    candidates = np.flatnonzero(again)
    for side in (netlist.mass_pad_a, netlist.mass_pad_b):
        pads = side[candidates]
        ids = candidates[pads >= 0]
        on_array = netlist.pad_array[pads[pads >= 0]]
        ids, on_array = ids[failing[on_array]], on_array[failing[on_array]]
        for index in np.unique(declaration[on_array]).tolist():
            array, problem = arrays[index], problems[index]
            part = ids[declaration[on_array] == index]
            in_service = tl.liquid_in_service[part]
            for why, masses_ids in (
                ("liquid in service", part[in_service]),
                ("remelted while contained", part[~in_service]),
            ):
                for masses in tl.declarations(tl.selections(masses_ids)):
                    yield ctx.finding(
                        f"pads {array.element.name.rsplit('.', 1)[-1]}.{array.name} under {OBJECTS} ({why}) "
                        f"{problem}; at least {format_quantity(limit, 'length')} of Ni, W or Ti keeps the liquid "
                        "mass from dissolving the pad",
                        objects=masses,
                        data={
                            "pads": array.qualified_name,
                            "barrier": array.barrier.name if array.barrier else None,
                            "barrier_thickness": array.barrier_thickness,
                            "min_barrier": limit,
                        },
                        cause=f"{array.element.name.rsplit('.', 1)[-1]}.{array.name} {problem} {why}",
                    )


def _barrier_problem(array: PadArray, limit: float) -> str | None:
    if array.barrier is None:
        return "have no barrier"
    if array.barrier_thickness is None:
        return f"have a {array.barrier.name} barrier of no stated thickness"
    if array.barrier_thickness < limit:
        return f"have a {array.barrier.name} barrier only {format_quantity(array.barrier_thickness, 'length')} thick"
    return None
