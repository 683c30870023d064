"""ST002 overlap: two elements with heights occupy the same space."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assemblint import EACH, OBJECTS, Finding, RuleContext, Severity, rule

from ._examples import design
from ._stack import Elements, declared, describes_a_stack, length, outline_pairs, positive


@rule(
    id="ST002",
    name="overlap",
    severity=Severity.ERROR,
    tiles=EACH,
    source="STACK.md §7; OpenROAD 3DBlox checker (overlapping chips)",
    examples={
        "fires": design(extra="element cap : chip { body silicon; size 1 mm x 1 mm x 0.5 mm; z 1200 um }"),
        "passes": design(),
    },
    doc="""
    Two elements that both have heights overlap in space: their outlines overlap with positive
    area and their height ranges with positive length.

    Two solid bodies cannot be in the same place: a die placed at a `z` inside its substrate, two
    dies whose outlines cross on an interposer, a capacitor under a die that sits lower than the
    capacitor's top. The design cannot be built as written, and every gap, DNP and facing check
    made on it is meaningless. Elements that only touch (one's top at the other's bottom, or
    outlines sharing an edge) do not overlap. A pair rule: each pair is one finding, naming both
    elements, with the overlap's area and height range. Only elements with a height and a `size`
    are checked (ST007 reports those joined to the stack without one); a design that gives no
    element a `z` gets no ST finding. The pairs are found by a sort-and-sweep on the outlines, so
    ten thousand elements stay fast. Fix: correct the `z`, the position or the size.
    """,
)
def overlap(ctx: RuleContext) -> Iterator[Finding]:
    if not describes_a_stack(ctx.assembly):
        return
    stack = Elements.of(ctx.assembly)
    elements = ctx.assembly.elements
    box = stack.box
    found = []
    for i, j in outline_pairs(box, stack.has_height & stack.has_outline):
        low, high = np.maximum(stack.z[i], stack.z[j]), np.minimum(stack.top[i], stack.top[j])
        keep = positive(high - low, np.maximum(np.abs(high), np.abs(low)))
        found.append(np.stack([i[keep], j[keep]], axis=1))
    pairs = np.concatenate(found) if found else np.zeros((0, 2), dtype=np.int64)
    for i, j in sorted(map(tuple, pairs.tolist())):
        first, second = elements[i], elements[j]
        x0, y0 = max(box[i, 0], box[j, 0]), max(box[i, 1], box[j, 1])
        x1, y1 = min(box[i, 2], box[j, 2]), min(box[i, 3], box[j, 3])
        bottom, top = float(max(stack.z[i], stack.z[j])), float(min(stack.top[i], stack.top[j]))
        area = float((x1 - x0) * (y1 - y0))
        yield ctx.finding(
            f"{OBJECTS} overlap in space: {length(x1 - x0)} × {length(y1 - y0)} of their outlines "
            f"({area / 1e6:.6g} mm²) over the heights {length(bottom)} to {length(top)} "
            f"({length(top - bottom)}) are in both",
            objects=[first, second],
            data={
                "elements": [declared(first.name), declared(second.name)],
                "area": area,
                "overlap_x": [float(x0), float(x1)],
                "overlap_y": [float(y0), float(y1)],
                "bottom": bottom,
                "top": top,
                "height": top - bottom,
            },
            cause=f"overlap: {declared(first.name)}, {declared(second.name)}: {area:g}, {bottom:g}..{top:g}",
            count=ctx.assembly.represented.weight(first.name),  # one per pair, every instance it stands for
        )
