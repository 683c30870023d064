"""ST005 layer-gap: a layer is thinner than its masses, or not as thick as the gap it fills."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from assemblint import OBJECTS, Finding, Reduction, RuleContext, Severity, exceeds, falls_short, quantity, rule
from assemblint.model.assembly import Layer, MassGroup

from ._examples import design
from ._stack import declared, describes_a_stack, length

UNDERFILL = "layer u : underfill {{ role underfill; between die, sub; thickness {} }}"


def _objects(layer: Layer) -> list:
    """The elements the layer lies between; a layer between nothing is named itself."""
    return list(layer.between) if layer.between is not None else [layer]


def _named(layer: Layer) -> str:
    """How a message names the layer: with its elements where it lies between two."""
    return f"layer {declared(layer.name)} between {OBJECTS}" if layer.between is not None else f"layer {OBJECTS}"


def _tallest(layer: Layer) -> tuple[float, MassGroup] | None:
    """The tallest mass the layer surrounds, with its declaration (heights are per declaration)."""
    best: tuple[float, MassGroup] | None = None
    for selection in layer.surrounds:
        group = selection.target
        known = isinstance(group, MassGroup) and group.height is not None and selection.count
        if known and (best is None or group.height > best[0]):
            best = (group.height, group)
    return best


def _surrounded_part(ctx: RuleContext) -> list[list[tuple[int, int, float]]]:
    """On a tile (`--tiles`): per layer, each of its `surrounds` with a mass of known height in the
    tile's core, as (its rank, its group's index in the design, the height). The rank orders them as
    the whole design lists them: an explicit `surrounds` by its place in the list, the default (the
    masses joining the layer's two elements, one selection per group, in group order) by group."""
    tile = ctx.tile
    out: list[list[tuple[int, int, float]]] = []
    for layer in ctx.assembly.layers:
        mine: list[tuple[int, int, float]] = []
        for place, selection in enumerate(layer.surrounds):
            group = selection.target
            if not isinstance(group, MassGroup) or group.height is None:
                continue
            key = tile.key_of(group)
            local = np.arange(group.count) if selection.index is None else selection.index
            if key is None or not tile.core[key][local].any():
                continue
            mine.append((place if layer.surrounds_explicit is not None else key[1], key[1], float(group.height)))
        out.append(mine)
    return out


def _reduce(ctx: RuleContext, parts: list[list[list[tuple[int, int, float]]]]) -> Iterator[Finding]:
    """On `--tiles`: each layer's tallest mass from the tiles' (`_surrounded_part`), the tallest,
    the first listed on a tie; the rest is the design's declarations."""
    layers = ctx.assembly.layers
    groups = ctx.assembly.mass_groups
    found: list[list[tuple[int, int, float]]] = [[] for _ in layers]
    for part in parts:
        if len(part) != len(layers):
            raise ValueError(f"a tile sent {len(part)} layers, the design has {len(layers)}")
        for mine, theirs in zip(found, part, strict=True):
            mine.extend(theirs)

    def tallest(layer_index: int) -> tuple[float, MassGroup] | None:
        listed = found[layer_index]
        if not listed:
            return None
        _, index, _ = min(listed, key=lambda t: (-t[2], t[0]))
        group = groups[index]
        assert group.height is not None  # a tile sends only groups with a height
        return group.height, group

    yield from _findings(ctx, lambda layer, i: tallest(i))


@rule(
    id="ST005",
    name="layer-gap",
    severity=Severity.WARNING,
    params={
        "gap_tolerance": quantity(
            "length", "5 um", "how far a layer's thickness may differ from the gap it lies in (exactly at it passes)"
        )
    },
    source="STACK.md §7",
    examples={"fires": design(extra=UNDERFILL.format("60 um")), "passes": design(extra=UNDERFILL.format("80 um"))},
    doc="""
    A layer is thinner than the `height` of a mass it surrounds, or a layer `between` two elements
    with heights is thicker or thinner than the gap between them by more than `gap_tolerance`.

    An underfill, a gel or an adhesive fills the gap it lies in: thinner than the masses it
    surrounds, it leaves their tops bare (not held, not insulated, not sealed); not as thick as
    the gap between its two elements, it either leaves a void under the upper one or stands
    proud of the lower one's surface, where it cannot be. The comparison with the masses needs no
    heights; the one with the gap needs both elements placed (`z` and a thickness). A difference
    exactly at the tolerance, and a layer exactly as thick as its tallest mass, pass. One finding
    per layer and cause; its objects are the elements the layer lies `between` (a layer between
    nothing is named itself), and the finding points at the layer's declaration. A layer without
    `thickness` is not compared (CT006 reports a containing one). A design that gives no element
    a `z` gets no ST finding.
    """,
)
def layer_gap(ctx: RuleContext) -> Iterator[Finding]:
    yield from _findings(ctx, lambda layer, _: _tallest(layer))


def _findings(
    ctx: RuleContext, tallest_of: Callable[[Layer, int], tuple[float, MassGroup] | None]
) -> Iterator[Finding]:
    """Every layer's findings; `tallest_of(layer, its index)`: the tallest mass it surrounds."""
    if not describes_a_stack(ctx.assembly):
        return
    tolerance = ctx.params["gap_tolerance"]
    for index, layer in enumerate(ctx.assembly.layers):
        thickness = layer.thickness
        if thickness is None:
            continue
        tallest = tallest_of(layer, index)
        if tallest is not None and falls_short(thickness, tallest[0]):
            height, group = tallest
            yield ctx.finding(
                f"{_named(layer)} is {length(thickness)} thick, less than the "
                f"{length(height)} height of the masses {declared(group.name)} it surrounds: their tops stand out "
                "of it",
                objects=_objects(layer),
                location=layer,
                data={
                    "layer": declared(layer.name),
                    "thickness": thickness,
                    "mass_height": height,
                    "masses": declared(group.name),
                },
                cause=f"{declared(layer.name)}: thinner than its masses {height:g}",
            )
        stacked = _stacked(layer)
        if stacked is not None and exceeds(abs(thickness - stacked[2]), tolerance):
            below, above, gap = stacked
            side = "thicker" if thickness > gap else "thinner"
            yield ctx.finding(
                f"{_named(layer)} is {length(thickness)} thick, {side} than the "
                f"{length(gap)} gap between {below}'s top and {above}'s bottom: {length(abs(thickness - gap))} "
                f"apart, more than the {length(tolerance)} tolerance",
                objects=_objects(layer),
                location=layer,
                data={
                    "layer": declared(layer.name),
                    "thickness": thickness,
                    "gap": gap,
                    "difference": abs(thickness - gap),
                    "tolerance": tolerance,
                },
                cause=f"{declared(layer.name)}: not the gap {gap:g}",
            )


layer_gap.tiles = Reduction(part=_surrounded_part, reduce=_reduce)


def _stacked(layer: Layer) -> tuple[str, str, float] | None:
    """The lower and the upper of the layer's two elements (by mid-height) and the gap between
    them, when both have heights."""
    if layer.between is None:
        return None
    spans = []
    for element in layer.between:
        if element.z is None or element.top is None:
            return None
        spans.append((element.z + element.top, element.index, declared(element.name), element.z, element.top))
    (_, _, lower, _, lower_top), (_, _, upper, upper_z, _) = sorted(spans)
    return lower, upper, float(upper_z - lower_top)
