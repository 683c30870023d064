"""MH003 unintended-remelt: a joined mass melts again, with nothing to hold it in place."""

from __future__ import annotations

from assemblint import OBJECTS, Severity, rule
from assemblint.timeline import at_or_above, materials_text, temp

from ._examples import EUTECTIC, design
from ._remelts import remelts

JOIN = "    step join  { kind reflow; peak 215 C }\n"


@rule(
    id="MH003",
    name="unintended-remelt",
    severity=Severity.ERROR,
    source="seed 001 (step soldering: each later step stays below the joints already made); "
    "seed 003 (masses that melt again must be contained)",
    examples={
        "fires": design(EUTECTIC, JOIN + "    step mount { kind reflow; peak 245 C }"),
        "passes": design(EUTECTIC, JOIN + "    step mount { kind reflow; peak 170 C }"),
    },
    doc="""
    A mass is melted again by a process step after the step that joined it, and at that step no
    layer contains it (the step-soldering hierarchy is broken).

    Step soldering builds an assembly with a hierarchy of melting points: each later reflow must
    stay below the melting point (solidus) of every joint already made, or those joints go liquid
    again. An uncontained liquid joint can flow off its pads, bridge to its neighbour, be pulled
    apart by the other joints' surface tension, or let a component shift or fall. A remelt is
    acceptable only when it is intended (`mixes`, see MH010) or when a compliant, underfill or
    encapsulant layer of a dielectric material surrounds the masses at that step (then MH004
    lists it for review). The message names the step, its temperature, the masses, their
    material and melting point, and the step that joined them.
    """,
)
def unintended_remelt(ctx):
    ctx.timeline.require_steps()
    for remelt in remelts(ctx.timeline, ctx.assembly.layers, contained=False):
        group = remelt.group
        melting = float(ctx.timeline.melting[group.start])
        yield ctx.finding(
            f"{remelt.step.describe()}, {at_or_above(remelt.step.high, melting)} "
            f"the {temp(melting)} melting point of {materials_text(group)} in "
            f"{OBJECTS}, joined at `{remelt.joined_at.name}`; no compliant, underfill or encapsulant layer "
            "contains them at that step",
            objects=remelt.masses,
            data={
                "step": remelt.step.name,
                "step_temp": remelt.step.high,
                "melting_temp": melting,
                "material": materials_text(group),
                "joined_at": remelt.joined_at.name,
            },
            cause=f"{remelt.step.name} after {remelt.joined_at.name}",
        )
