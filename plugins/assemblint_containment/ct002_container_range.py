"""CT002 container-range: a containing layer's material is not rated over the range it must hold masses."""

from __future__ import annotations

from collections.abc import Iterator

from assemblint import OBJECTS, Finding, Reduction, RuleContext, Severity, rule
from assemblint.analysis.timeline import temp
from assemblint.model.assembly import Layer

from ._examples import GEL, design
from ._tiles import LayerPart


@rule(
    id="CT002",
    name="container-range",
    severity=Severity.ERROR,
    source='seed 003 ("soft and cohesive from the melting temperature of the masses to above the normal '
    'operating temperatures")',
    examples={
        "fires": design(gel=GEL.replace("-65 C .. 200 C", "-40 C .. 150 C")),
        "passes": design(),
    },
    doc="""
    The `service` range of a containing layer's material does not cover the range over which the
    layer must hold liquid masses: from the lowest melting point of the masses it contains (those
    remelted or liquid in service) up to the higher of the top of the operating range and the
    hottest step at which the layer exists.

    Seed 003's gel must be soft and cohesive from the masses' melting point up to above the
    operating temperature: below its range it stiffens and stops following the liquid masses,
    above it it degrades, hardens or decomposes. A surface-mount reflow that remelts contained
    masses also heats the gel, so the hottest step after the gel is formed counts. A material
    with only `max_temp` is checked against the top of the range; one with neither is CT006's.
    The ends of the range pass exactly.
    """,
)
def container_range(ctx: RuleContext) -> Iterator[Finding]:
    tl = ctx.timeline
    needs = tl.remelted | tl.liquid_in_service
    for layer in tl.containing_layers:
        ids = tl.surrounded_by(layer)
        yield from _findings(ctx, layer, float(tl.melting[ids[needs[ids]]].min()))


def _findings(ctx: RuleContext, layer: Layer, lowest: float) -> Iterator[Finding]:
    """A containing layer's findings; `lowest`: the lowest melting point of the masses it must hold."""
    tl = ctx.timeline
    material = layer.material
    if material is None or (material.service is None and material.max_temp is None):
        return
    hottest = tl.hottest_step_with(layer)
    tops = [(m.high, m) for m in (tl.operating, hottest) if m is not None]
    top, top_moment = max(tops, key=lambda t: t[0]) if tops else (None, None)
    data = {"material": material.name, "lowest_melting": lowest, "needed_top": top}
    if material.service is not None:
        data["service_low"], data["service_high"] = material.service
        if material.service[0] > lowest:
            yield ctx.finding(
                f"the service range of {material.name} ({temp(material.service[0])} .. "
                f"{temp(material.service[1])}) starts above {temp(lowest)}, the lowest melting point of the "
                f"masses layer {OBJECTS} contains: it is not rated from the moment they melt",
                objects=layer,
                data=data,
                cause="low",
            )
    upper = min(t for t in (material.service[1] if material.service else None, material.max_temp) if t is not None)
    if top is not None and top > upper:
        assert top_moment is not None
        yield ctx.finding(
            f"{top_moment.describe()}, above {temp(upper)}, the top of the rating of {material.name}, "
            f"the material of layer {OBJECTS}, which contains masses that melt from {temp(lowest)}",
            objects=layer,
            data={**data, "rated_top": upper, "hottest": top_moment.name},
            cause="high",
        )


def _reduce(ctx: RuleContext, parts: list[LayerPart]) -> Iterator[Finding]:
    """On `--tiles`: the containing layers and the lowest melting point of their masses, from the
    tiles' layer parts (`_tiles.py`); the rest is the design's declarations."""
    layers = LayerPart.merge(parts, len(ctx.assembly.layers))
    for i, layer in enumerate(ctx.assembly.layers):
        if layers.needed[i]:
            yield from _findings(ctx, layer, float(layers.lowest[i]))


container_range.tiles = Reduction(part=LayerPart.of, reduce=_reduce)
