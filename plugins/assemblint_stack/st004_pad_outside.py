"""ST004 pad-outside: a pad's shape does not lie inside its element's outline."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assemblint import OBJECTS, Finding, Reduction, RuleContext, Severity, rule
from assemblint.model.assembly import Selection
from assemblint.model.netlist import Netlist

from ._examples import design
from ._stack import Elements, declared, describes_a_stack, length, positive


def pad_half_extents(net: Netlist) -> tuple[np.ndarray, np.ndarray]:
    """Per pad, the half width and half depth of its shape in the assembly's axes.

    Every shape of STACK.md §3 (circle, rectangle, rounded rectangle, stadium) is convex and turns
    by quarter turns, so it lies inside an element's (axis-aligned) outline exactly when its
    bounding box does. The netlist's `pad_width`/`pad_height` give that box where the model has
    shapes; otherwise a pad is a circle of its diameter. A pad with neither is a point.
    """
    width = getattr(net, "pad_width", None)
    height = getattr(net, "pad_height", None)
    if width is None or height is None:
        width = height = net.pad_diameter
    half_x = np.nan_to_num(np.asarray(width, dtype=float), nan=0.0) / 2
    half_y = np.nan_to_num(np.asarray(height, dtype=float), nan=0.0) / 2
    return half_x, half_y


@rule(
    id="ST004",
    name="pad-outside",
    severity=Severity.ERROR,
    source="STACK.md §7; OpenROAD 3DBlox checker (bumps outside their region)",
    examples={"fires": design(die_pads="grid 2 x 2 pitch 4.95 mm diameter 100 um"), "passes": design()},
    doc="""
    A pad's shape does not lie inside its element's outline (its `size` rectangle, placed and
    turned with the element).

    A pad past the edge of its die or substrate cannot be made there: it hangs in the air, or is
    cut by the saw. It is almost always a mistake in the pattern or in the placement: a footprint
    given to the wrong element, a pitch in the wrong unit, a mirror applied twice, a grid origin
    in the wrong corner. One finding per pad declaration, naming its pads outside, and the pad
    farthest outside with how far. A pad exactly at the edge is inside; a pad without a diameter
    is a point. Elements without a `size` are skipped; a design that gives no element a `z` gets
    no ST finding.
    """,
)
def pad_outside(ctx: RuleContext) -> Iterator[Finding]:
    yield from _findings(ctx, _outside(ctx))


def _outside(ctx: RuleContext) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Per pad array (by its index in the design) that has pads outside its element's outline:
    their indices in the array and how far each lies outside (on a tile: those in its core, by
    the whole design's indices)."""
    if not describes_a_stack(ctx.assembly):
        return {}
    net = ctx.netlist
    stack = Elements.of(ctx.assembly)
    half_x, half_y = pad_half_extents(net)
    # per pad, from its element's outline (nan where it has none): four gathers, no (pads x 4) array
    owner = net.pad_element
    x0, y0, x1, y1 = (stack.box[:, k][owner] for k in range(4))
    with np.errstate(invalid="ignore"):
        left, right = x0 - (net.pad_x - half_x), (net.pad_x + half_x) - x1
        below, above = y0 - (net.pad_y - half_y), (net.pad_y + half_y) - y1
        outside = np.fmax(np.fmax(left, right), np.fmax(below, above))  # nan only where all four are
    outside[np.isnan(outside)] = -np.inf
    scale = np.abs(np.nan_to_num(stack.box)).max(axis=1)[owner] if len(stack.box) else np.zeros(0)
    bad = np.flatnonzero(positive(outside, scale))
    tile = ctx.tile
    if tile is not None:  # each pad once: on the tile whose core holds it
        bad = bad[tile.pad_core[bad]]
    if len(bad) == 0:
        return {}
    arrays = net.pad_array[bad]
    bounds = np.flatnonzero(np.diff(arrays)) + 1  # pad ids are ordered by array
    out = {}
    for chunk in np.split(bad, bounds):
        index = int(net.pad_array[chunk[0]])
        local = chunk - ctx.assembly.pad_arrays[index].start
        if tile is not None:
            local = tile.origin[("pads", index)][local]
        out[index] = (local, outside[chunk])
    return out


def _reduce(ctx: RuleContext, parts: list[dict[int, tuple[np.ndarray, np.ndarray]]]) -> Iterator[Finding]:
    """The tiles' pads outside, array by array, as one process finds them (each pad in one core)."""
    merged: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for index in sorted({i for part in parts for i in part}):
        local = np.concatenate([part[index][0] for part in parts if index in part])
        outside = np.concatenate([part[index][1] for part in parts if index in part])
        order = np.argsort(local, kind="stable")
        merged[index] = (local[order], outside[order])
    yield from _findings(ctx, merged)


def _findings(ctx: RuleContext, found: dict[int, tuple[np.ndarray, np.ndarray]]) -> Iterator[Finding]:
    """One finding per pad array, naming its pad farthest outside (the first of those, on a tie):
    only the declarations are read, so that the run's reduction of the tiles' parts tells the same."""
    if not found:
        return
    stack = Elements.of(ctx.assembly)
    for index in sorted(found):
        local, outside = found[index]
        array = ctx.assembly.pad_arrays[index]
        element = array.element
        k = int(np.argmax(outside))
        worst, distance = int(local[k]), float(outside[k])
        x0, y0, x1, y1 = (float(v) for v in stack.box[element.index])
        worst_pad = f"{declared(element.name)}.{array.name}" + (f"[{worst}]" if array.indexed else "")
        yield ctx.finding(
            f"pads {OBJECTS} lie partly outside the {length(x1 - x0)} × {length(y1 - y0)} outline of "
            f"{declared(element.name)}: {worst_pad} by {length(distance)}",
            objects=Selection(array, local),
            data={
                "element": declared(element.name),
                "outline": [x0, y0, x1, y1],
                "worst_pad": worst_pad,
                "outside": distance,
                "pads": len(local),
            },
            cause=f"outside {declared(element.name)}: {worst_pad} by {distance:g}",
        )


pad_outside.tiles = Reduction(part=_outside, reduce=_reduce)
