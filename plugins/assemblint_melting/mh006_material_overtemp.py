"""MH006 material-overtemp: a step or service range goes outside a layer material's rating."""

from __future__ import annotations

from collections.abc import Iterator

from assemblint import EACH, OBJECTS, Finding, RuleContext, Severity, rule
from assemblint.analysis.timeline import temp

from ._examples import EUTECTIC, design

GEL = """layer g : silicone_gel { role compliant; between die, sub; thickness 100 um }
"""


@rule(
    id="MH006",
    name="material-overtemp",
    severity=Severity.ERROR,
    tiles=EACH,
    source="seed 003 (the gel must keep its properties over the process and operating range); "
    "materials' data sheets (service ranges in the std library)",
    examples={
        "fires": design(EUTECTIC, "    step join { kind reflow; peak 215 C }\n    store -55 C .. 60 C", extra=GEL),
        "passes": design(EUTECTIC, "    step join { kind reflow; peak 215 C }\n    store -40 C .. 60 C", extra=GEL)
        .replace("peak 215 C", "peak 200 C")
        .replace("Sn63Pb37", "Sn42Bi58"),
    },
    doc="""
    A process step, or the operate, store or cycle range, goes outside the `service` range (or
    above the `max_temp`) of the material of a layer that exists at that moment.

    A gel, underfill or encapsulant is rated for a temperature range: above it a silicone
    degrades and hardens, an epoxy passes its decomposition point; below it a gel stiffens and
    cracks. A layer exposed outside that range no longer does what the design relies on
    (containing, insulating, relieving strain). A layer formed by a later step (`forms`) is not
    exposed to the steps before it. Values exactly at the ends of the range pass. A material with
    neither `service` nor `max_temp` cannot be checked (CT006 says so for containing layers).
    """,
)
def material_overtemp(ctx: RuleContext) -> Iterator[Finding]:
    tl = ctx.timeline
    for layer in ctx.assembly.layers:
        material = layer.material
        if material is None:
            continue
        low = material.service[0] if material.service else None
        tops = [t for t in (material.service[1] if material.service else None, material.max_temp) if t is not None]
        high = min(tops) if tops else None
        if low is None and high is None:
            continue
        what = "the top of the service range" if material.service and high == material.service[1] else "the max_temp"
        for moment in tl.moments:
            if not tl.exists(layer, moment):
                continue
            seen = tl.temp_of(moment, layer)  # a step that heats only part of the assembly: its ambient elsewhere
            if high is not None and seen > high:
                yield ctx.finding(
                    f"{moment.describe()}, above {temp(high)}, {what} of {material.name} "
                    f"(the material of layer {OBJECTS})",
                    objects=layer,
                    data={"moment": moment.name, "temp": seen, "limit": high, "material": material.name},
                    cause=f"{moment.name} above",
                )
            if low is not None and moment.low < low:
                going = f"the {moment.name} range" if not moment.is_step else f"the `{moment.name}` step"
                yield ctx.finding(
                    f"{going} goes down to {temp(moment.low)}, below the {temp(low)} bottom of the service range "
                    f"of {material.name} (the material of layer {OBJECTS})",
                    objects=layer,
                    data={"moment": moment.name, "temp": moment.low, "limit": low, "material": material.name},
                    cause=f"{moment.name} below",
                )
