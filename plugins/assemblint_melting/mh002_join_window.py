"""MH002 join-window: the step that joins a mass must melt its joint and leave its core solid."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assemblint import OBJECTS, Finding, RuleContext, Severity, quantity, rule
from assemblint.analysis.timeline import NEVER, group_selection, group_slice, materials_text, selection_ids, temp
from assemblint.checking.ranked import by_first

from ._examples import design, two_region


@rule(
    id="MH002",
    name="join-window",
    severity=Severity.ERROR,
    params={
        "min_superheat": quantity(
            "temperature difference", "0 K", "how far above the joining temperature the joining step must go"
        ),
        "min_margin": quantity(
            "temperature difference", "0 K", "how far below a two-region mass's core solidus the joining step must stay"
        ),
    },
    source="seed 001 claims 1 and 26 (join at or above the joint's melting point, below the bump's)",
    examples={
        "fires": design(two_region("Pb90Sn10", "Sn63Pb37"), "    step join { kind reflow; peak 280 C }"),
        "passes": design(two_region("Pb90Sn10", "Sn63Pb37"), "    step join { kind reflow; peak 215 C }"),
    },
    doc="""
    The step that joins a mass misses its window: it does not reach the joining temperature plus
    `min_superheat`, or (two-region mass) it reaches the core's solidus minus `min_margin`; or no
    step ever joins a fusible mass.

    A mass is joined by the first step, once it and both elements exist, whose temperature reaches
    its joining temperature: the liquidus of its joint region, or of its only material. Below the
    liquidus the solder is pasty and does not wet the pads reliably, so a process engineer asks
    for some superheat (`min_superheat`, often 15–30 K on a production line). For a two-region
    mass the same step must stay below the solidus of the core (less `min_margin`), or the bump
    that should keep the joint's height collapses. A fusible mass that no step ever melts is never
    joined at all. Masses with no fusible material (gold, copper) are joined by `bond` steps and
    are not this rule's concern.
    """,
)
def join_window(ctx: RuleContext) -> Iterator[Finding]:
    ctx.timeline.require_steps()
    tl = ctx.timeline
    min_superheat, min_margin = ctx.params["min_superheat"], ctx.params["min_margin"]
    never = tl.fusible & (tl.joined_by == NEVER)
    for start in np.unique(tl.joinable_from[never]).tolist():  # split by when they could first be joined
        later = [m for m in tl.steps if m.index >= start]
        for masses in tl.by_declaration(never & (tl.joinable_from == start)):
            group = masses[0].target
            joining = float(tl.joining[group.start])
            first = int(selection_ids(masses[0])[0])  # what a step exposes them to (a step may heat part)
            hottest = max(later, key=lambda m: tl.temp_of_mass(m, first)) if later else None
            hottest_temp = tl.temp_of_mass(hottest, first) if hottest else None
            reach = (
                f"the hottest step from their forming on, `{hottest.name}`, reaches {temp(hottest_temp)}"
                + ("" if tl.heats_all(hottest) else " where they are (it heats only part of the assembly)")
                if hottest is not None and hottest_temp is not None
                else "no step follows their forming"
            )
            yield ctx.finding(
                f"no step joins {OBJECTS}: {reach}, below the {temp(joining)} joining temperature "
                f"of {materials_text(group)}",
                objects=masses,
                data={
                    "joining_temp": joining,
                    "hottest_step": hottest.name if hottest else None,
                    "hottest_temp": hottest_temp,
                },
                cause=f"never joined after {start}",
            )
    for moment in tl.steps:
        joined_here = tl.joined_by == moment.index
        if not joined_here.any():
            continue
        cold = joined_here & (tl.temps(moment) < tl.joining + min_superheat)  # a joined mass sees the step's own
        for masses in tl.by_declaration(cold):
            group = masses[0].target
            joining = float(tl.joining[group.start])
            yield ctx.finding(
                f"{moment.describe()}, which joins {OBJECTS}, only {moment.high - joining:g} K above the "
                f"{temp(joining)} joining temperature of {materials_text(group)}; at least {min_superheat:g} K "
                "of superheat is required",
                objects=masses,
                data={
                    "step": moment.name,
                    "step_temp": moment.high,
                    "joining_temp": joining,
                    "superheat": moment.high - joining,
                    "min_superheat": min_superheat,
                },
                cause=f"superheat at {moment.name}",
            )
        for group in ctx.assembly.mass_groups:
            core = group.core_material
            if core is None or core.solidus is None:
                continue
            limit = core.solidus - min_margin
            if moment.high < limit:
                continue
            selection = group_selection(group, joined_here[group_slice(group)])
            if selection is not None:
                yield ctx.finding(
                    f"{moment.describe()}, which joins {OBJECTS}, reaching the {temp(core.solidus)} solidus of their "
                    f"core {core.name}"
                    + (f" less the {min_margin:g} K margin" if min_margin else "")
                    + ": the core melts with the joint and the bump collapses",
                    objects=selection,
                    data={
                        "step": moment.name,
                        "step_temp": moment.high,
                        "core_material": core.name,
                        "core_solidus": core.solidus,
                        "min_margin": min_margin,
                    },
                    cause=f"core melts at {moment.name}",
                )


# a never-joined finding tells the hottest step its first mass sees (a step may heat part of the
# assembly): on tiles, each finding is ranked by its first mass (`_tiles.py`)
join_window.tiles = by_first(join_window.check)
