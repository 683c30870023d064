"""MH010 intent: a step's `requires solid`, `requires liquid` or `mixes` is contradicted by temperatures."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from assemblint import OBJECTS, Finding, RuleContext, Severity, rule
from assemblint.analysis.timeline import (
    Moment,
    Timeline,
    group_selection,
    group_slice,
    materials_text,
    selection_ids,
    temp,
)
from assemblint.checking.ranked import by_first
from assemblint.model.assembly import MassGroup, Selection

from ._examples import design, two_region

MASSES = two_region("Pb95Sn5", "Sn63Pb37")


@rule(
    id="MH010",
    name="intent",
    severity=Severity.ERROR,
    source="seed 001 claims 5–9 (test while the joints are solid; raise above the bump's melting point to mix)",
    examples={
        "fires": design(
            MASSES,
            """    step join { kind reflow; peak 215 C }
    step test { kind test; temp 25 C .. 190 C; requires solid b }
    step mix  { kind reflow; peak 315 C; mixes b }""",
        ),
        "passes": design(
            MASSES,
            """    step join { kind reflow; peak 215 C }
    step test { kind test; temp 25 C .. 85 C; requires solid b }
    step mix  { kind reflow; peak 335 C; mixes b }""",
        ),
    },
    doc="""
    A step's declared intent is contradicted by the temperatures: `requires solid X` at a step
    that reaches X's melting point (solidus), `requires liquid X` or `mixes X` at a step below the
    temperature at which every material of X is fully molten (the highest liquidus).

    Seed 001 tests an assembly joined with the lower-melting material while the joints are solid,
    then raises it above the bump's melting point so that the two materials mix into permanent
    masses. Writing that intent into the process (`requires solid b` on the test step, `mixes b`
    on the mixing reflow) lets the checker hold the temperatures to it: a test step whose range
    reaches the joint's solidus would test pasty joints; a "mix" below the core's liquidus leaves
    the core partly solid and the masses unmixed; and a step that `requires liquid` between the
    solidus and the liquidus finds the masses mostly solid (a pasty range, not a liquid). A mass
    melts when the step reaches its melting point (lowest solidus); it is fully molten when the
    step reaches the highest liquidus of its materials. Exactly at the liquidus counts as fully
    molten; exactly at the solidus is no longer solid.
    """,
)
def intent(ctx: RuleContext) -> Iterator[Finding]:
    ctx.timeline.require_steps()
    tl = ctx.timeline
    for moment in tl.steps:
        step = moment.step
        assert step is not None
        checks = (
            ("requires solid", step.requires_solid, "melting point", tl.melting),
            ("requires liquid", step.requires_liquid, "fully molten temperature", tl.fully_molten),
            ("mixes", step.mixes, "fully molten temperature", tl.fully_molten),
        )
        for intent_name, targets, what, temps in checks:
            for target, selection in _contradictions(tl, targets, intent_name, moment, temps):
                yield _finding(ctx, moment, intent_name, target, selection, what, temps)


def _violated(intent_name: str, temps: np.ndarray, high: float | np.ndarray) -> np.ndarray:
    """Where the temperatures contradict the intent: solid means below the melting point."""
    reached = temps <= high  # nan (no melting point) and inf (never fully molten) are never reached
    return reached if intent_name == "requires solid" else ~reached


def _contradictions(
    tl: Timeline, targets: list[Any], intent_name: str, moment: Moment, temps: np.ndarray
) -> Iterator[tuple[Any, Selection | None]]:
    """(target, selection or None) for each named thing the temperatures contradict, each judged at
    the temperature the step exposes it to (a step may heat part of the assembly)."""
    seen = tl.temps(moment)
    for target in targets:
        if isinstance(target, Selection) and isinstance(target.target, MassGroup):
            group = target.target
            if not group.count:  # a tile that holds none of its masses
                continue
            bad = np.zeros(group.count, dtype=bool)
            ids = selection_ids(target)
            high = seen if isinstance(seen, float | int) else seen[ids]
            bad[ids - group.start] = _violated(intent_name, temps[ids], high)
            selection = group_selection(group, bad)
            if selection is not None:
                yield group, selection
        else:  # a layer or element: its material's solidus (or liquidus), if it has one
            limit = _material_limit(target, intent_name)
            if _violated(intent_name, np.array([limit]), tl.temp_of(moment, target))[0]:
                yield target, None


def _material_limit(target: Any, intent_name: str) -> float:
    """A layer's or element's material: its solidus for `requires solid`, else its liquidus (nan: none)."""
    material = getattr(target, "material", None) or getattr(target, "body", None)
    if material is None:
        return np.nan
    value = material.solidus if intent_name == "requires solid" else material.liquidus
    return np.nan if value is None else value


def _finding(
    ctx: RuleContext,
    moment: Moment,
    intent_name: str,
    target: Any,
    selection: Selection | None,
    what: str,
    temps: np.ndarray,
) -> Finding:
    tl = ctx.timeline
    if selection is not None:
        group = selection.target
        value = float(temps[group_slice(group)][0])
        material_name = materials_text(group)
        objects = selection
        seen = tl.temp_of_mass(moment, int(selection_ids(selection)[0]))
    else:
        material = getattr(target, "material", None) or getattr(target, "body", None)
        value = _material_limit(target, intent_name)
        material_name = material.name if material is not None else "no material"
        objects = target
        seen = tl.temp_of(moment, target)
    if tl.heats_all(moment):
        reach = f"it reaches {temp(seen)}"
    elif seen == moment.high:
        reach = f"it reaches {temp(seen)} where it heats them"
    else:
        reach = f"it leaves them at its {temp(seen)} ambient"
    wanted = {"requires solid": "requires {} solid", "requires liquid": "requires {} liquid", "mixes": "mixes {}"}
    if np.isnan(value):
        why = f"{material_name} has no melting point"
    elif np.isinf(value):
        why = f"a material of {material_name} never melts"
    elif intent_name == "requires solid":
        why = f"at or above the {temp(value)} melting point of {material_name}: they are liquid at this step"
    elif intent_name == "requires liquid":
        why = f"below the {temp(value)} liquidus of {material_name}: they are not fully liquid"
    else:
        why = f"below the {temp(value)} at which {material_name} is fully molten: they do not mix"
    return ctx.finding(
        f"the `{moment.name}` step {wanted[intent_name].format(OBJECTS)}, but {reach}, {why}",
        objects=objects,
        data={
            "step": moment.name,
            "step_temp": seen,
            "intent": intent_name,
            "melting_temp" if intent_name == "requires solid" else "fully_molten_temp": value,
        },
        cause=f"{moment.name} {intent_name}",
    )


# a finding tells what the step exposes its first group to (a step may heat part of the assembly):
# on tiles, each finding is ranked by its first mass (`_tiles.py`)
intent.tiles = by_first(intent.check)
