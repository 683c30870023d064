"""MH003 unintended-remelt: a joined mass melts again, with nothing to hold it in place."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assemblint import OBJECTS, Finding, RuleContext, Severity, falls_short, quantity, rule
from assemblint.analysis.timeline import Moment, at_or_above, materials_text, temp
from assemblint.checking.ranked import by_first

from ._examples import EUTECTIC, design
from ._remelts import remelts

JOIN = "    step join  { kind reflow; peak 215 C }\n"


@rule(
    id="MH003",
    name="unintended-remelt",
    severity=Severity.ERROR,
    params={
        "min_margin": quantity(
            "temperature difference",
            "0 K",
            "how far below the melting point of the joints already made a later, uncontaining step must stay",
        )
    },
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
    acceptable only when it is intended (`mixes`, see MH010) or when a compliant, underfill, mold or
    encapsulant layer of a dielectric material surrounds the masses at that step (then MH004
    lists it for review). The message names the step, its temperature, the masses, their
    material and melting point, and the step that joined them.

    `min_margin` (default 0 K: off) also reports a later step, with nothing containing the masses,
    that stays below their melting point by less than `min_margin`: a step-soldering gap too small
    for a real oven, whose peak varies across the board and from run to run (the
    `hierarchical-solder` deck asks for 25 K). A gap exactly equal to `min_margin` passes.
    """,
)
def unintended_remelt(ctx: RuleContext) -> Iterator[Finding]:
    ctx.timeline.require_steps()
    for remelt in remelts(ctx.timeline, ctx.assembly.layers, contained=False):
        group = remelt.group
        melting = float(ctx.timeline.melting[group.start])
        yield ctx.finding(
            f"{remelt.step.describe()}, {at_or_above(remelt.step.high, melting)} "
            f"the {temp(melting)} melting point of {materials_text(group)} in "
            f"{OBJECTS}, joined at `{remelt.joined_at.name}`; no compliant, underfill, encapsulant or mold layer "
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
    margin = ctx.params["min_margin"]
    if margin > 0:
        yield from _too_close(ctx, margin)


def _too_close(ctx: RuleContext, margin: float) -> Iterator[Finding]:
    """Steps after the joining one, with nothing containing the masses, within `margin` below their melting point."""
    tl = ctx.timeline
    for step in tl.steps:
        gap = tl.melting - tl.temps(step)  # what the step exposes each mass to; nan (no melting point): False
        near = (
            (tl.joined_by < step.index)
            & ~tl.liquid(step)
            & ~tl.mixes(step)
            & ~tl.contained(step)
            & falls_short(np.nan_to_num(gap, nan=np.inf), margin)
        )
        for joined in np.unique(tl.joined_by[near]).tolist():
            yield from _near_findings(ctx, step, tl.steps[joined], near & (tl.joined_by == joined), margin)


def _near_findings(
    ctx: RuleContext, step: Moment, joined_at: Moment, near: np.ndarray, margin: float
) -> Iterator[Finding]:
    tl = ctx.timeline
    for masses in tl.by_declaration(near):
        group = masses[0].target
        melting = float(tl.melting[group.start])
        seen = tl.temp_of_mass(step, group.start)
        yield ctx.finding(
            f"{step.describe()}, only {melting - seen:g} K below the {temp(melting)} melting point of "
            f"{materials_text(group)} in {OBJECTS}, joined at `{joined_at.name}`: less than the "
            f"{margin:g} K step-soldering margin, and no layer contains them at that step",
            objects=masses,
            data={
                "step": step.name,
                "step_temp": seen,
                "melting_temp": melting,
                "margin": melting - seen,
                "min_margin": margin,
                "material": materials_text(group),
                "joined_at": joined_at.name,
            },
            cause=f"{step.name} margin after {joined_at.name}",
        )


# a margin finding tells what the step exposes its first group to (a step may heat part of the
# assembly): on tiles, each finding is ranked by its first mass (`_tiles.py`)
unintended_remelt.tiles = by_first(unintended_remelt.check)
