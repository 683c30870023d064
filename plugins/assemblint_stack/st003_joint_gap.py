"""ST003 joint-gap: the gap between two joined elements is not the height of the masses joining them."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assemblint import OBJECTS, Finding, RuleContext, Severity, exceeds, quantity, rule
from assemblint.checking.ranked import by_first

from ._examples import design
from ._joints import StackJoints, by_group_and_pair
from ._stack import Elements, declared, describes_a_stack, length


@rule(
    id="ST003",
    name="joint-gap",
    severity=Severity.ERROR,
    params={
        "gap_tolerance": quantity(
            "length", "5 um", "how far the gap may differ from the masses' height (a difference exactly at it passes)"
        )
    },
    source="STACK.md §7; OpenROAD 3DBlox checker (connection gap)",
    examples={"fires": design(die="body silicon; size 5 mm x 5 mm x 0.75 mm; z 1100 um; flip"), "passes": design()},
    doc="""
    The gap between the facing surfaces of two joined elements (the lower one's top to the upper
    one's bottom) differs from the `height` of a mass that joins them by more than
    `gap_tolerance`.

    A joint is as tall as the gap it bridges: a bump 80 µm high under a die placed 100 µm above
    the substrate does not reach it (an open, or a neck that cracks), and one in a 60 µm gap is
    squashed out sideways into its neighbours. Either the `z` of an element, its thickness or the
    masses' height is wrong, and every strain and containment figure computed from the height is
    with it. A difference exactly at the tolerance passes. One finding per mass declaration and
    pair of elements, naming the masses, with the gap, the height, the difference and the
    tolerance.

    Only masses joining two elements that both have a height are checked (ST007 reports an element
    joined to the stack without one); masses without a `height` get an info finding that their gap
    cannot be checked, never a silent pass; elements at the same
    mid-height face no gap (ST002 reports them if they overlap). A design that gives no element a
    `z` gets no ST finding.
    """,
)
def joint_gap(ctx: RuleContext) -> Iterator[Finding]:
    if not describes_a_stack(ctx.assembly):
        return
    tolerance = ctx.params["gap_tolerance"]
    stack = Elements.of(ctx.assembly)
    joints = StackJoints.of(ctx, stack)
    height = ctx.assembly.mass_heights[joints.ids]
    gap = joints.gap(stack)
    known = ~np.isnan(height)
    bad = np.zeros(len(gap), dtype=bool)
    bad[known] = exceeds(np.abs(gap[known] - height[known]), tolerance)
    elements = ctx.assembly.elements
    found = by_group_and_pair(ctx, joints.ids[bad], joints.lower[bad], joints.upper[bad])
    for group, local, low, high, _ in found:
        below, above = elements[low], elements[high]
        gap_here = float(stack.z[high] - stack.top[low])
        mass_height = float(group.height or 0.0)
        difference = gap_here - mass_height
        verb = "taller than" if difference < 0 else "shorter than"
        yield ctx.finding(
            f"masses {OBJECTS} are {length(mass_height)} high, {verb} the {length(gap_here)} gap between "
            f"{declared(below.name)}'s top ({length(float(stack.top[low]))}) and {declared(above.name)}'s bottom "
            f"({length(float(stack.z[high]))}): {length(abs(difference))} apart, more than the "
            f"{length(tolerance)} tolerance",
            objects=group.select(local),
            data={
                "gap": gap_here,
                "height": mass_height,
                "difference": abs(difference),
                "tolerance": tolerance,
                "lower": declared(below.name),
                "upper": declared(above.name),
            },
            cause=f"gap {declared(below.name)} – {declared(above.name)}: {gap_here:g} vs {mass_height:g}",
        )
    unknown = ~known  # no `height`: the gap cannot be judged, and the rule says so rather than pass
    for group, local, low, high, _ in by_group_and_pair(
        ctx, joints.ids[unknown], joints.lower[unknown], joints.upper[unknown]
    ):
        lower, upper = declared(elements[low].name), declared(elements[high].name)
        gap_here = float(stack.z[high] - stack.top[low])
        yield ctx.finding(
            f"masses {OBJECTS} have no `height`: the {length(gap_here)} gap between {lower}'s top and "
            f"{upper}'s bottom cannot be checked against them",
            objects=group.select(local),
            severity="info",
            data={"gap": gap_here, "height": None, "lower": lower, "upper": upper},
            cause=f"no height {lower} – {upper}: {gap_here:g}",
        )


# the groups of one declaration (a placed cell's instances) with one gap merge into one finding, which
# tells the first group's elements' heights: on tiles, each is ranked by its first mass (`_tiles.py`)
joint_gap.tiles = by_first(joint_gap.check)
