"""CT004 container-thickness: a containing layer is thinner or thicker than the masses need."""

from __future__ import annotations

from assemblint import OBJECTS, Severity, quantity, rule
from assemblint.units import format_quantity

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
    A containing layer's `thickness` is below `min_thickness` or above `max_thickness`.

    Seed 003's compliant layer is 50 to 250 µm thick: thinner, and it cannot take up the
    elements' relative movement or hold a mass tall enough to stay liquid without necking;
    thicker, and the liquid column is long and slender and the package height and the
    electrical path grow. The ends of the range pass. A layer without `thickness` is reported by
    CT006.
    """,
)
def container_thickness(ctx):
    low, high = ctx.params["min_thickness"], ctx.params["max_thickness"]
    for layer in ctx.timeline.containing_layers:
        if layer.thickness is None:
            continue
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
