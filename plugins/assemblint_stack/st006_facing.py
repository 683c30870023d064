"""ST006 facing: a mass joins a pad on a face that looks away from the other element."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assemblint import OBJECTS, Finding, RuleContext, Severity, rule
from assemblint.checking.ranked import by_first

from ._examples import design
from ._joints import StackJoints, by_group_and_pair
from ._stack import Elements, declared, describes_a_stack

FACE_NAME = {0: "front", 1: "back"}  # netlist.FACE_CODE
#: which pad is on the wrong face, as the cause code of by_group_and_pair
LOWER, UPPER, BOTH = 1, 2, 3


@rule(
    id="ST006",
    name="facing",
    severity=Severity.ERROR,
    source="STACK.md §5 and §7",
    examples={"fires": design(die="body silicon; size 5 mm x 5 mm x 0.75 mm; z 1080 um"), "passes": design()},
    doc="""
    A mass joins a pad on a face that does not face the other element: the pad on the lower
    element must be on a face that looks up, the pad on the upper element on one that looks down.

    A bump can only bridge two faces that look at each other. A die with its pads on the `front`
    face, placed above a substrate but not `flip`ped, has those pads on its top, 0.75 mm of
    silicon away from the bumps below: the classic flip-chip mistake of a missing `flip` (or of
    pads declared on the wrong `face`). An element's `front` face looks up unless it is `flip`ped;
    its `back` face looks down. One finding per mass declaration, pair of elements and wrong side
    (the lower pad, the upper pad, or both), naming the masses and the faces.

    Only masses joining two elements that both have a height are checked, and only when one lies
    above the other (different mid-heights). A design that gives no element a `z` gets no ST
    finding.
    """,
)
def facing(ctx: RuleContext) -> Iterator[Finding]:
    if not describes_a_stack(ctx.assembly):
        return
    stack = Elements.of(ctx.assembly)
    joints = StackJoints.of(ctx, stack)
    net = ctx.netlist
    lower_face, upper_face = net.pad_face[joints.lower_pad], net.pad_face[joints.upper_pad]
    lower_up = (lower_face == 0) != stack.flip[joints.lower]  # Element.face_up, over arrays
    upper_up = (upper_face == 0) != stack.flip[joints.upper]
    cause = np.where(~lower_up, LOWER, 0) + np.where(upper_up, UPPER, 0)
    bad = cause > 0
    elements = ctx.assembly.elements
    found = by_group_and_pair(ctx, joints.ids[bad], joints.lower[bad], joints.upper[bad], cause[bad])
    for group, local, low, high, code in found:
        below, above = declared(elements[low].name), declared(elements[high].name)
        first = group.start + int(local[0])
        at = int(np.flatnonzero(joints.ids == first)[0])
        faces = {
            "lower_face": FACE_NAME[int(lower_face[at])],
            "upper_face": FACE_NAME[int(upper_face[at])],
        }
        wrong = []
        if code in (LOWER, BOTH):
            wrong.append(f"on {below}'s {faces['lower_face']} face, which looks down, away from {above}")
        if code in (UPPER, BOTH):
            wrong.append(f"on {above}'s {faces['upper_face']} face, which looks up, away from {below}")
        yield ctx.finding(
            f"masses {OBJECTS} join pads " + " and pads ".join(wrong),
            objects=group.select(local),
            data={"lower": below, "upper": above, **faces, "wrong": ["", "lower", "upper", "both"][code]},
            cause=f"facing {below} – {above}: {code}",
        )


# the groups of one declaration (a placed cell's instances) merge into one finding, which tells the
# first group's faces: on tiles, each is ranked by its first mass (`_tiles.py`)
facing.tiles = by_first(facing.check)
