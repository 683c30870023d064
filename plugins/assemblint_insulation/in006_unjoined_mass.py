"""IN006 unjoined-mass: a mass that joins pads on fewer than two elements."""

from __future__ import annotations

from collections.abc import Iterator

from assemblint import OBJECTS, Finding, RuleContext, Severity, rule
from assemblint.checking.ranked import by_first

from ._examples import STRAIGHT, design

BUMPS = "masses m : SAC305 { joins die.c[*]; diameter 100 um; height 60 um }"


@rule(
    id="IN006",
    name="unjoined-mass",
    severity=Severity.WARNING,
    source="LANGUAGE.md (a mass joins pads of two elements; one side only is a deposited bump not yet joined)",
    examples={"fires": design(BUMPS), "passes": design(STRAIGHT)},
    doc="""
    A mass whose `joins` names pads on fewer than two elements.

    A mass is a connection between two elements. One written with one side only (`joins
    die.c[*]`) is a deposited bump that nothing joins yet, and one whose two sides are pads of
    the same element connects that element to itself. Either can be intended at an intermediate
    stage of a design (a bumped wafer), so this is a warning: in a finished assembly it is a
    missing second element or a typing error in the reference.
    """,
)
def unjoined_mass(ctx: RuleContext) -> Iterator[Finding]:
    netlist = ctx.netlist
    for group in ctx.assembly.mass_groups:
        if not group.count:  # a tile that holds none of its masses
            continue
        if group.pads_b is None:
            yield ctx.finding(
                f"{OBJECTS} join pads of one element only ({_element(ctx, group.pads_a[0])}): a bump that nothing "
                "joins to a second element",
                objects=group.select(),
                data={"elements": 1},
                cause="one-sided",
            )
            continue
        same = netlist.pad_element[group.pads_a] == netlist.pad_element[group.pads_b]
        if same.any():
            index = same.nonzero()[0]
            yield ctx.finding(
                f"{OBJECTS} join two pads of the same element ({_element(ctx, group.pads_a[index[0]])})",
                objects=group.select(index) if not same.all() else group.select(),
                data={"elements": 1},
                cause="same element",
            )


# one process tells, for the groups of one declaration (a placed cell's instances), the first
# group's element: on tiles, each finding is ranked by its first mass (`_tiles.py`)
unjoined_mass.tiles = by_first(unjoined_mass.check)


def _element(ctx: RuleContext, pad: int) -> str:
    return ctx.assembly.elements[int(ctx.netlist.pad_element[pad])].name
