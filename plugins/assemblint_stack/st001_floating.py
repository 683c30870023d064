"""ST001 floating: the elements fall into more than one mechanically connected group."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from assemblint import OBJECTS, Finding, RuleContext, Severity, exceeds, rule

from ._examples import design
from ._stack import Elements, declared, describes_a_stack, joined_on_tiles, joined_pairs, outline_pairs

LID = "element lid : heat_sink { body copper; size 6 mm x 6 mm x 0.5 mm; z 2000 um }"


def contact_pairs(stack: Elements) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of elements with heights that touch or interpenetrate: outlines overlapping with
    positive area and height ranges that meet (one's top at the other's bottom counts)."""
    firsts, seconds = [], []
    candidates = stack.has_height & stack.has_outline
    for i, j in outline_pairs(stack.box, candidates):
        low, high = np.maximum(stack.z[i], stack.z[j]), np.minimum(stack.top[i], stack.top[j])
        meet = ~exceeds(low, high)
        firsts.append(i[meet])
        seconds.append(j[meet])
    if not firsts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(firsts), np.concatenate(seconds)


def groups_of(ctx: RuleContext, joined: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """The mechanically connected group of every element (a label per `Element.index`)."""
    from scipy.sparse import coo_matrix  # imported here: scipy costs ~0.3 s to import
    from scipy.sparse.csgraph import connected_components

    n = len(ctx.assembly.elements)
    joined_a, joined_b = joined_pairs(ctx) if joined is None else joined
    touch_a, touch_b = contact_pairs(Elements.of(ctx.assembly))
    a, b = np.concatenate([joined_a, touch_a]), np.concatenate([joined_b, touch_b])
    matrix = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    _, labels = connected_components(matrix, directed=False)
    return labels


@rule(
    id="ST001",
    name="floating",
    severity=Severity.ERROR,
    source="STACK.md §7; OpenROAD 3DBlox checker (floating chips)",
    examples={"fires": design(extra=LID), "passes": design()},
    doc="""
    The elements fall into more than one mechanically connected group: something floats.

    An assembly is one rigid object: every element is held by another, through a mass or a lead
    that joins them (whatever the gap), a layer that lies `between` them, or by resting on it or
    sitting in it (outlines that overlap with positive area and height ranges that meet, a top
    at the other's bottom included). An element held by nothing is a lid with no adhesive, a die
    whose bumps were joined to the wrong element, a stiffener placed 10 µm above the substrate: it
    falls off, or the design left out the joint that holds it. Every group but the largest (on a
    tie, the one holding the first-declared element) is reported, one finding per group, naming
    its elements.

    Elements without a height (no `z` or no thickness) touch nothing: they are connected only by
    masses, leads and layers. A design that gives no element a `z` describes no stack (version 1)
    and gets no ST finding; a design of one element cannot float. A layer that only `surrounds`
    masses connects nothing. Fix: add the joint (a mass, an adhesive layer `between` the two), or
    correct the `z` so that the element rests on its support.
    """,
)
def floating(ctx: RuleContext) -> Iterator[Finding]:
    yield from _floating(ctx, joined_pairs(ctx))


def _floating(ctx: RuleContext, joined: tuple[np.ndarray, np.ndarray]) -> Iterator[Finding]:
    """The floating groups, from the joined pairs of elements (on tiles: every tile's, united)."""
    elements = ctx.assembly.elements
    if len(elements) < 2 or not describes_a_stack(ctx.assembly):
        return
    labels = groups_of(ctx, joined)
    sizes = np.bincount(labels)
    if len(sizes) < 2 and not ctx.assembly.represented:  # one group (of one instance each): nothing floats
        return
    firsts = np.full(len(sizes), len(elements), dtype=np.int64)
    np.minimum.at(firsts, labels, np.arange(len(elements)))
    largest = int(np.lexsort((firsts, -sizes))[0])  # most elements, then the first-declared
    holder = declared(elements[int(firsts[largest])].name)
    weights = np.array([ctx.assembly.represented.weight(e.name) for e in elements], dtype=np.int64)
    groups = int(weights[firsts].sum())  # every placed instance's group counted, as in a flat run
    for label in np.argsort(firsts).tolist():
        members: list[Any] = [elements[i] for i in np.flatnonzero(labels == label).tolist()]
        group_size = len(members)  # of one instance's group
        if label == largest:
            # a placed-cell representative stands for instances that are each a group of their own: every
            # one but itself floats, as a flat run finds (named by path; no object of theirs is built)
            others = [name for e in members for name in ctx.assembly.represented.expand(e.name)[1:]]
            if not others:
                continue
            location, members = members[0], others
        else:
            location = members[0]
        names = sorted({declared(e if isinstance(e, str) else e.name) for e in members})
        one, count = group_size == 1, int(sizes[largest])
        yield ctx.finding(
            f"{OBJECTS} {'is' if one else 'are'} held by nothing that holds the rest: no mass, lead or layer "
            f"joins {'it' if one else 'them'} to the largest group ({count} element{'s' if count > 1 else ''}, with "
            f"{holder}), and {'it neither rests on nor touches' if one else 'they neither rest on nor touch'} it",
            objects=members,
            location=location,
            data={
                "elements": names,
                "group_size": group_size,
                "largest_group": int(sizes[largest]),
                "largest_holds": holder,
                "groups": groups,
            },
            cause="floating: " + ", ".join(names),
        )


floating.tiles = joined_on_tiles(_floating)
