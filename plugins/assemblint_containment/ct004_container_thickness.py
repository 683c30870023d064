"""CT004 container-thickness: a containing layer is thinner or thicker than the masses need."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

import numpy as np

from assemblint import OBJECTS, Finding, Reduction, RuleContext, Severity, falls_short, quantity, rule
from assemblint.base.units import format_quantity
from assemblint.model.assembly import Layer

from ._examples import design
from ._tiles import NO_MASS, LayerPart


def length(value: float) -> str:
    return format_quantity(value, "length")


@rule(
    id="CT004",
    name="container-thickness",
    severity=Severity.WARNING,
    params={
        "min_thickness": quantity("length", "50 um", "the thinnest containing layer"),
        "max_thickness": quantity("length", "250 um", "the thickest containing layer"),
    },
    source="seed 003 (the compliant layer is about 50 to 250 µm thick)",
    examples={
        "fires": design(layer="role compliant; between chip, sheet; thickness 300 um"),
        "passes": design(),
    },
    doc="""
    A containing layer's `thickness` is below `min_thickness` or above `max_thickness`, or is less
    than the `height` of a mass it contains.

    Seed 003's compliant layer is 50 to 250 µm thick: thinner, and it cannot take up the
    elements' relative movement or hold a mass tall enough to stay liquid without necking;
    thicker, and the liquid column is long and slender and the package height and the
    electrical path grow. The ends of the range pass. A layer thinner than the masses it contains
    leaves their tops outside it: the part of a liquid mass above the layer is not held in place
    or insulated from its neighbours (a layer exactly as thick as its tallest mass passes). A
    layer without `thickness` is reported by CT006; masses without `height` are not compared.
    """,
)
def container_thickness(ctx: RuleContext) -> Iterator[Finding]:
    heights = ctx.assembly.mass_heights
    for layer in ctx.timeline.containing_layers:
        yield from _findings(ctx, layer, partial(_tallest, ctx, layer, heights))


def _findings(ctx: RuleContext, layer: Layer, tallest_of: Callable[[], tuple[float, int] | None]) -> Iterator[Finding]:
    """A containing layer's findings; `tallest_of()`: the tallest height of the masses it surrounds
    and the first mass of that height (None: no mass with a height)."""
    low, high = ctx.params["min_thickness"], ctx.params["max_thickness"]
    if layer.thickness is None:
        return
    yield from _shorter_than_masses(ctx, layer, tallest_of())
    if layer.thickness < low:
        side, bound = "thinner than the minimum", low
    elif layer.thickness > high:
        side, bound = "thicker than the maximum", high
    else:
        return
    yield ctx.finding(
        f"layer {OBJECTS} is {length(layer.thickness)} thick, {side} of {length(bound)} for a containing layer",
        objects=layer,
        data={"thickness": layer.thickness, "min_thickness": low, "max_thickness": high},
        cause=side,
    )


def _tallest(ctx: RuleContext, layer: Layer, heights: np.ndarray) -> tuple[float, int] | None:
    """The tallest height of the masses a layer surrounds, and the first mass of that height."""
    ids = ctx.timeline.surrounded_by(layer)
    known = heights[ids]
    known = known[~np.isnan(known)]
    if len(known) == 0:
        return None
    return float(known.max()), int(ids[np.nanargmax(heights[ids])])


def _shorter_than_masses(ctx: RuleContext, layer: Layer, tallest_mass: tuple[float, int] | None) -> Iterator[Finding]:
    """One finding when the layer is thinner than the tallest mass it surrounds (CHECKS.md CT004)."""
    thickness = layer.thickness
    if thickness is None or tallest_mass is None:  # container_thickness skips layers without thickness (CT006's)
        return
    tallest, mass = tallest_mass
    if not falls_short(thickness, tallest):
        return
    tallest_group = ctx.assembly.mass_groups[int(ctx.netlist.mass_group[mass])]
    yield ctx.finding(
        f"layer {OBJECTS} is {length(thickness)} thick, less than the {length(tallest)} height of the masses "
        f"{tallest_group.name.rsplit('.', 1)[-1]} it contains: their tops stand out of it, neither held nor insulated",
        objects=layer,
        data={"thickness": thickness, "mass_height": tallest, "mass": tallest_group.name.rsplit(".", 1)[-1]},
        cause="thinner than its masses",
    )


def _given(tallest: tuple[float, int] | None) -> tuple[float, int] | None:
    return tallest


def _reduce(ctx: RuleContext, parts: list[LayerPart]) -> Iterator[Finding]:
    """On `--tiles`: the containing layers and their tallest masses, from the tiles' layer parts
    (`_tiles.py`); the rest is the design's declarations."""
    layers = LayerPart.merge(parts, len(ctx.assembly.layers))
    for i, layer in enumerate(ctx.assembly.layers):
        if not layers.needed[i]:
            continue
        mass = int(layers.tallest_mass[i])
        tallest = None if mass == NO_MASS else (float(layers.tallest[i]), mass)
        yield from _findings(ctx, layer, partial(_given, tallest))


container_thickness.tiles = Reduction(part=LayerPart.of, reduce=_reduce)
