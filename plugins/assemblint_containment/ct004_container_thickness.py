"""CT004 container-thickness: a containing layer is thinner or thicker than the masses need."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assemblint import OBJECTS, Finding, RuleContext, Severity, falls_short, quantity, rule
from assemblint.base.units import format_quantity
from assemblint.model.assembly import Layer

from ._examples import design


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
    low, high = ctx.params["min_thickness"], ctx.params["max_thickness"]
    heights = ctx.assembly.mass_heights
    for layer in ctx.timeline.containing_layers:
        if layer.thickness is None:
            continue
        yield from _shorter_than_masses(ctx, layer, heights)
        if layer.thickness < low:
            side, bound = "thinner than the minimum", low
        elif layer.thickness > high:
            side, bound = "thicker than the maximum", high
        else:
            continue
        yield ctx.finding(
            f"layer {OBJECTS} is {length(layer.thickness)} thick, {side} of {length(bound)} for a containing layer",
            objects=layer,
            data={"thickness": layer.thickness, "min_thickness": low, "max_thickness": high},
            cause=side,
        )


def _shorter_than_masses(ctx: RuleContext, layer: Layer, heights: np.ndarray) -> Iterator[Finding]:
    """One finding when the layer is thinner than the tallest mass it surrounds (CHECKS.md CT004)."""
    thickness = layer.thickness
    if thickness is None:  # not reached: container_thickness skips such layers (CT006 reports them)
        return
    ids = ctx.timeline.surrounded_by(layer)
    known = heights[ids]
    known = known[~np.isnan(known)]
    if len(known) == 0:
        return
    tallest = float(known.max())
    if not falls_short(thickness, tallest):
        return
    tallest_group = ctx.assembly.mass_groups[int(ctx.netlist.mass_group[ids[np.nanargmax(heights[ids])]])]
    yield ctx.finding(
        f"layer {OBJECTS} is {length(thickness)} thick, less than the {length(tallest)} height of the masses "
        f"{tallest_group.name.rsplit('.', 1)[-1]} it contains: their tops stand out of it, neither held nor insulated",
        objects=layer,
        data={"thickness": thickness, "mass_height": tallest, "mass": tallest_group.name.rsplit(".", 1)[-1]},
        cause="thinner than its masses",
    )
