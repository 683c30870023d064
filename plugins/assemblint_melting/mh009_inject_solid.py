"""MH009 inject-solid: a layer is injected or cured around masses that are liquid."""

from __future__ import annotations

from collections.abc import Iterator

from assemblint import EACH, OBJECTS, Finding, RuleContext, Severity, rule
from assemblint.analysis.timeline import materials_text, temp
from assemblint.base.diagnostics import Location
from assemblint.model.assembly import Layer, Selection

from ._examples import design, filled_after, gel_layer

MASSES = "masses m : SnBiPbInCd55 { joins die.c[*] -- sub.p[*]; height 100 um }"
GEL = gel_layer("200 C")
STEPS = filled_after("75 C")


@rule(
    id="MH009",
    name="inject-solid",
    severity=Severity.WARNING,
    tiles=EACH,
    source="seed 003 claims 30 and 31 (the gel is injected and cured while the masses are solid)",
    examples={
        "fires": design(MASSES, STEPS + "    step cure { kind cure; peak 60 C }", extra=GEL),
        "passes": design(MASSES, STEPS + "    step cure { kind cure; peak 45 C }", extra=GEL),
    },
    doc="""
    An `inject` or `cure` step reaches the melting temperature of a mass that a layer existing at
    that step surrounds.

    Seed 003 injects the compliant material around the masses and cures it while the masses are
    solid: a solid mass holds its shape and its place on the pads while the gel flows around it
    and sets, so the gel ends up shaping a pocket for each mass. A mass that is liquid while the
    gel is injected or cured can be displaced, necked or pushed into its neighbour before the gel
    holds it. Exactly at the melting point fires ("reaches").
    """,
)
def inject_solid(ctx: RuleContext) -> Iterator[Finding]:
    ctx.timeline.require_steps()
    tl = ctx.timeline
    for moment in tl.steps:
        if moment.kind not in ("inject", "cure"):
            continue
        melted = tl.liquid(moment) & tl.masses_exist(moment)
        if not melted.any():
            continue
        by_layer_declaration: dict[
            Location, tuple[Layer, list[Selection]]
        ] = {}  # a cell's layer instances report together
        for layer in ctx.assembly.layers:
            if not tl.exists(layer, moment):
                continue
            ids = tl.surrounded_by(layer)
            ids = ids[melted[ids]]  # linear in the masses each layer surrounds, not in all masses
            if len(ids):
                by_layer_declaration.setdefault(layer.loc, (layer, []))[1].extend(tl.selections(ids))
        for layer, selections in by_layer_declaration.values():
            for masses in tl.declarations(selections):
                group = masses[0].target
                melting = float(tl.melting[group.start])
                name = layer.name.rsplit(".", 1)[-1]
                yield ctx.finding(
                    f"{moment.describe()}, {'above' if moment.high > melting else 'at'} the {temp(melting)} melting "
                    f"point of {materials_text(group)} in {OBJECTS}, which layer {name} surrounds: the masses are "
                    f"liquid while the layer is {'injected' if moment.kind == 'inject' else 'cured'} around them",
                    objects=masses,
                    data={"step": moment.name, "step_temp": moment.high, "melting_temp": melting, "layer": name},
                    cause=f"{moment.name} around {name}",
                )
