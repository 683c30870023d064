"""ST007 stack-data: an element joined to the stack has no `z` or no thickness."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assemblint import OBJECTS, Finding, RuleContext, Severity, rule

from ._examples import design
from ._stack import Elements, declared, describes_a_stack, joined_on_tiles, joined_pairs


@rule(
    id="ST007",
    name="stack-data",
    severity=Severity.WARNING,
    source="STACK.md §7",
    examples={"fires": design(die="body silicon; size 5 mm x 5 mm x 0.75 mm; flip"), "passes": design()},
    doc="""
    An element joined (by a mass, a lead or a layer `between`) to an element with a height has no
    `z` or no thickness (the third value of its `size`), so the ST rules cannot place it.

    The stack rules check only elements with a height, so an element left without one passes
    them all in silence: its joints' gap, its facing, its overlap with its neighbours are not
    checked. Once one element of a stack is placed, every element joined to it should be. One
    finding per element, saying what it lacks and naming one element with a height it is joined
    to. A design that gives no element a `z` gets no ST finding. Give the element its `z` and a
    `size W x H x T`.
    """,
)
def stack_data(ctx: RuleContext) -> Iterator[Finding]:
    yield from _stack_data(ctx, joined_pairs(ctx))


def _stack_data(ctx: RuleContext, joined: tuple[np.ndarray, np.ndarray]) -> Iterator[Finding]:
    """The elements without a height joined to one with a height (on tiles: every tile's pairs, united)."""
    if not describes_a_stack(ctx.assembly):
        return
    stack = Elements.of(ctx.assembly)
    placed = stack.has_height
    first, second = joined
    # each pair both ways: (element without a height, element with one)
    lacking = np.concatenate([first, second])
    partner = np.concatenate([second, first])
    keep = ~placed[lacking] & placed[partner]
    lacking, partner = lacking[keep], partner[keep]
    if len(lacking) == 0:
        return
    order = np.lexsort((partner, lacking))
    lacking, partner = lacking[order], partner[order]
    heads = np.flatnonzero(np.r_[True, lacking[1:] != lacking[:-1]])
    elements = ctx.assembly.elements
    for i, j in zip(lacking[heads].tolist(), partner[heads].tolist(), strict=True):
        element, support = elements[i], elements[j]
        missing = ["z"] if element.z is None else []
        missing += ["thickness"] if element.thickness is None else []
        said = " and no ".join("`z`" if m == "z" else "thickness (a third value of `size`)" for m in missing)
        yield ctx.finding(
            f"{OBJECTS} is joined to {declared(support.name)}, which has a height, but has no {said}: "
            "the stack rules cannot place it",
            objects=element,
            data={"element": declared(element.name), "missing": missing, "joined_to": declared(support.name)},
            cause=f"{declared(element.name)}: no " + ", ".join(missing),
        )


stack_data.tiles = joined_on_tiles(_stack_data)
