"""RL002 moisture-reflow: a reflow hotter than a moisture-sensitive package is classified for."""

from __future__ import annotations

from collections.abc import Iterator

from assemblint import EACH, OBJECTS, Finding, RuleContext, Severity, exceeds, rule
from assemblint.model.assembly import Element

from ._common import length, short, temp
from ._examples import flip_chip

HOT_STEPS = ("reflow", "rework")
MM = 1000.0  # µm
PB_FREE = "Pb-free, J-STD-020 Table 4-2"


def classification_temperature(thickness_um: float, volume_mm3: float, lead_free: bool) -> tuple[float, str]:
    """J-STD-020 (Rev. E) classification temperature Tc, °C, and how it was found.

    Pb-free, Table 4-2: thickness < 1.6 mm: 260 °C; 1.6 mm to 2.5 mm: 260 / 250 / 245 °C; more than
    2.5 mm: 250 / 245 / 245 °C, for volumes < 350 mm³, 350 to 2000 mm³, > 2000 mm³. SnPb, Table 4-1:
    thickness < 2.5 mm: 235 °C below 350 mm³, 220 °C from 350 mm³; 2.5 mm and more: 220 °C. (The
    tables' own boundaries: 2.5 mm is in the middle row of 4-2 but the last row of 4-1.)
    """
    t = thickness_um / MM
    if lead_free:
        column = 0 if volume_mm3 < 350 else 1 if volume_mm3 <= 2000 else 2
        volume_text = ("< 350 mm³", "350–2000 mm³", "> 2000 mm³")[column]
        if t < 1.6:
            return 260.0, f"{PB_FREE}: thickness < 1.6 mm"
        row, thickness_text = ((260.0, 250.0, 245.0), "1.6–2.5 mm") if t <= 2.5 else ((250.0, 245.0, 245.0), "> 2.5 mm")
        return row[column], f"{PB_FREE}: thickness {thickness_text}, volume {volume_text}"
    if t < 2.5:
        if volume_mm3 < 350:
            return 235.0, "SnPb, J-STD-020 Table 4-1: thickness < 2.5 mm, volume < 350 mm³"
        return 220.0, "SnPb, J-STD-020 Table 4-1: thickness < 2.5 mm, volume ≥ 350 mm³"
    return 220.0, "SnPb, J-STD-020 Table 4-1: thickness ≥ 2.5 mm"


@rule(
    id="RL002",
    name="moisture-reflow",
    severity=Severity.ERROR,
    tiles=EACH,
    params={
        "lead_free": {
            "type": "boolean",
            "default": True,
            "description": "classify by the Pb-free table (4-2), else SnPb (4-1)",
        }
    },
    source="IPC/JEDEC J-STD-020E, Tables 4-1 (SnPb) and 4-2 (Pb-free): classification temperatures",
    examples={
        "fires": flip_chip(msl="msl 3", die="size 10 mm x 10 mm x 0.75 mm", peak="265 C"),
        "passes": flip_chip(msl="msl 3", die="size 10 mm x 10 mm x 0.75 mm", peak="255 C"),
    },
    doc="""
    A reflow or rework step heats an element that declares a moisture sensitivity level (`msl`)
    above the J-STD-020 classification temperature of its package, found from its thickness (the
    third value of `size`) and its volume (the product of the three).

    A moisture-sensitive package absorbs water from the air; a reflow above the temperature its
    level was qualified at turns that water to steam inside it: delamination and "popcorning"
    cracks. J-STD-020 sets the classification temperature by body thickness and volume, lower for
    thick, large packages, which heat slowly: Table 4-2 for lead-free assembly (`lead_free`, the
    default), Table 4-1 for SnPb. The finding gives the step's temperature, Tc and how it was found.
    An element with an `msl` but no thickness or no size is reported once (info). A peak exactly at
    Tc passes.
    """,
)
def moisture_reflow(ctx: RuleContext) -> Iterator[Finding]:
    tl = ctx.timeline
    sensitive = [e for e in ctx.assembly.elements if e.msl is not None]
    if not sensitive:
        return
    lead_free = bool(ctx.params["lead_free"])
    hot = [m for m in tl.steps if m.kind in HOT_STEPS]
    for element in sensitive:
        if element.size is None or element.thickness is None:
            yield ctx.finding(
                f"{OBJECTS} declares MSL {element.msl} but no thickness (the third value of `size`): RL002 cannot "
                "find its J-STD-020 classification temperature",
                objects=element,
                severity=Severity.INFO,
                data={"missing": "thickness", "msl": element.msl},
                cause=f"no thickness: {short(element.name)}",
            )
            continue
        yield from _check(ctx, element, hot, lead_free)


def _check(ctx: RuleContext, element: Element, hot: list, lead_free: bool) -> Iterator[Finding]:
    assert element.size is not None and element.thickness is not None
    thickness = element.thickness
    volume = element.size[0] * element.size[1] * thickness / MM**3  # mm³
    tc, how = classification_temperature(thickness, volume, lead_free)
    for moment in hot:
        if not ctx.timeline.exists(element, moment):
            continue
        seen = ctx.timeline.temp_of(moment, element)
        if not exceeds(seen, tc):
            continue
        yield ctx.finding(
            f"step {moment.name} heats {OBJECTS} to {temp(seen)}, above its J-STD-020 classification temperature "
            f"{temp(tc)} (MSL {element.msl}; {how}: thickness {length(thickness)}, volume {volume:.4g} mm³)",
            objects=element,
            location=moment.loc,
            data={
                "step": moment.name,
                "temperature": seen,
                "classification_temperature": tc,
                "msl": element.msl,
                "thickness": thickness,
                "volume_mm3": volume,
                "lead_free": lead_free,
                "table": "4-2" if lead_free else "4-1",
            },
            cause=f"{moment.name} over Tc: {short(element.name)}",
        )
