"""IN002 open: the pins of one declared net lie on more than one electrical node."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assemblint import Finding, RuleContext, Severity, rule

from ._examples import NETS, STRAIGHT, design
from ._geometry import distinct
from ._nets import Pins, declared, pad_names

MISSING = "masses m : SAC305 { joins die.c[0:3] -- sub.p[0:3]; diameter 100 um; height 60 um }"
MOST_GROUPS = 4


@rule(
    id="IN002",
    name="open",
    severity=Severity.ERROR,
    source="the design's declared nets (LANGUAGE.md `net`, `nets`)",
    examples={"fires": design(MISSING, nets=NETS), "passes": design(STRAIGHT, nets=NETS)},
    doc="""
    The pins of one declared net lie on more than one electrical node; the message lists the
    separate groups.

    A net says which pins must end up connected. If no chain of masses, leads and element
    `connect`s joins all of them, the net is open: a mass is missing, joins the wrong pad, or an
    element's internal connection was left out. Each group is a set of the net's pins that are
    connected to each other; the finding lists them so the gap is visible.
    """,
)
def open_net(ctx: RuleContext) -> Iterator[Finding]:
    netlist = ctx.netlist
    pins = Pins.of(ctx.assembly)
    if len(pins.pad) == 0:
        return
    node = netlist.pad_node[pins.pad]
    # each net's pins are one run (pins.number ascending): a net is open where a pin's node differs
    # from the previous pin's of the same net
    split = np.flatnonzero((node[1:] != node[:-1]) & (pins.number[1:] == pins.number[:-1])) + 1
    split_nets = distinct(pins.number[split])
    starts = np.searchsorted(pins.number, split_nets, side="left").tolist()
    stops = np.searchsorted(pins.number, split_nets, side="right").tolist()
    for net, first, last in zip(split_nets.tolist(), starts, stops, strict=True):
        pads, nodes = pins.pad[first:last], node[first:last]
        groups = [pad_names(ctx.assembly, pads[nodes == n]) for n in distinct(nodes).tolist()]
        shown = "; ".join(groups[:MOST_GROUPS]) + (
            f"; and {len(groups) - MOST_GROUPS} more" if len(groups) > MOST_GROUPS else ""
        )
        name = pins.net_name(net)
        yield ctx.finding(
            f"net {name} is split into {len(groups)} separate groups: {shown}",
            objects=pins.net(net),
            data={"net": name, "groups": groups},
            cause=f"open {declared(name)}",  # a cell's instances merge
        )
