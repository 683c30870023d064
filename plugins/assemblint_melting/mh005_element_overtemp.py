"""MH005 element-overtemp: a step heats an element above its `max_temp`."""

from __future__ import annotations

from collections.abc import Iterator

from assemblint import EACH, OBJECTS, Finding, RuleContext, Severity, rule
from assemblint.analysis.timeline import temp

from ._examples import EUTECTIC, design


@rule(
    id="MH005",
    name="element-overtemp",
    severity=Severity.ERROR,
    tiles=EACH,
    source="LANGUAGE.md `max_temp` (the hottest an element may ever be exposed to); "
    "JEDEC J-STD-020 gives package peak temperatures of 235–260 °C",
    examples={
        "fires": design(EUTECTIC, "    step join { kind reflow; peak 265 C }", die="max_temp 260 C; "),
        "passes": design(EUTECTIC, "    step join { kind reflow; peak 260 C }", die="max_temp 260 C; "),
    },
    doc="""
    A process step's temperature exceeds the `max_temp` of an element that exists at that step.

    Every step exposes everything that exists at that moment to its temperature: a chip, board or
    sheet formed at a later step is not exposed to the steps before it. An element's `max_temp`
    is the hottest it may ever see (a board's laminate, a chip's moisture-sensitivity rating, a
    sheet's adhesive); exceeding it delaminates, warps or cracks it. Exactly at `max_temp` passes.
    """,
)
def element_overtemp(ctx: RuleContext) -> Iterator[Finding]:
    ctx.timeline.require_steps()
    tl = ctx.timeline
    for element in ctx.assembly.elements:
        if element.max_temp is None:
            continue
        for moment in tl.steps:
            seen = tl.temp_of(moment, element)  # a step that heats only part of the assembly: its ambient elsewhere
            if seen > element.max_temp and tl.exists(element, moment):
                yield ctx.finding(
                    f"{moment.describe()}, {seen - element.max_temp:g} K above the {temp(element.max_temp)} "
                    f"max_temp of {OBJECTS}",
                    objects=element,
                    data={"step": moment.name, "step_temp": seen, "max_temp": element.max_temp},
                    cause=f"{moment.name}",
                )
