"""IN002 open: the pins of one declared net lie on more than one electrical node."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assemblint import Finding, RuleContext, Severity, rule

from ._examples import NETS, STRAIGHT, design
from ._geometry import distinct, stable_order
from ._nets import Pins, declared, pad_names

MISSING = "masses m : SAC305 { joins die.c[0:3] -- sub.p[0:3]; diameter 100 um; height 60 um }"
MOST_GROUPS = 4  # groups the message spells out
MOST_LISTED = 100  # groups the data lists; `group_count` tells how many there are past that


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
    connected to each other; the finding lists them so the gap is visible (the message the first
    four, the data the first 100 and, past that, their number as `group_count`).
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
        # the net's pins by node (one sort), each node's pins one run, in the order of their first pin
        by_node = stable_order(nodes - nodes.min())
        start = np.flatnonzero(np.concatenate([[True], nodes[by_node][1:] != nodes[by_node][:-1]]))
        stop = np.append(start[1:], len(by_node))
        total = len(start)
        listed = start[:MOST_LISTED]
        groups = [
            pad_names(ctx.assembly, pads[by_node[a:b]])
            for a, b in zip(listed.tolist(), stop[: len(listed)].tolist(), strict=True)
        ]
        shown = "; ".join(groups[:MOST_GROUPS]) + (f"; and {total - MOST_GROUPS} more" if total > MOST_GROUPS else "")
        name = pins.net_name(net)
        past = {"group_count": total} if total > MOST_LISTED else {}  # the groups listed are the first MOST_LISTED
        yield ctx.finding(
            f"net {name} is split into {total} separate groups: {shown}",
            objects=pins.net(net),
            data={"net": name, "groups": groups, **past},
            cause=f"open {declared(name)}",  # a cell's instances merge
        )
