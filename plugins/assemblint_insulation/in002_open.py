"""IN002 open: the pins of one declared net lie on more than one electrical node."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from assemblint import Finding, Reduction, RuleContext, Severity, rule
from assemblint.base.arrays import distinct_pairs

from ._examples import NETS, STRAIGHT, design
from ._geometry import distinct, stable_order
from ._nets import Pins, declared, pad_names
from ._tiles import concat, core_pins, net_groups, whole_nets

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
        listed = start[:MOST_LISTED]
        groups = [pads[by_node[a:b]] for a, b in zip(listed.tolist(), stop[: len(listed)].tolist(), strict=True)]
        yield _finding(ctx, pins, net, len(start), groups)


def _finding(ctx: RuleContext, pins: Pins, net: int, total: int, groups: list[np.ndarray]) -> Finding:
    """An open net: split into `total` groups of pins, the first `MOST_LISTED` of them `groups` (pad ids)."""
    named = [pad_names(ctx.assembly, pads) for pads in groups]
    shown = "; ".join(named[:MOST_GROUPS]) + (f"; and {total - MOST_GROUPS} more" if total > MOST_GROUPS else "")
    name = pins.net_name(net)
    past = {"group_count": total} if total > MOST_LISTED else {}  # the groups listed are the first MOST_LISTED
    return ctx.finding(
        f"net {name} is split into {total} separate groups: {shown}",
        objects=pins.net(net),
        data={"net": name, "groups": named, **past},
        cause=f"open {declared(name)}",  # a cell's instances merge
    )


def _nets_here(ctx: RuleContext) -> np.ndarray:
    """The first pass on a tile (`--tiles`): the nets with a pin in its core."""
    pins = Pins.of(ctx.assembly)
    return distinct(pins.number[ctx.tile.pad_core[pins.pad]])


def _spanning(ctx: RuleContext, here: list[np.ndarray]) -> np.ndarray:
    """Once, in the run: the nets with pins in the cores of two tiles or more, a bit each. A tile
    tells whether any other net is open by itself (its pins' nodes carry the whole design's keys)."""
    count = np.zeros(Pins.names_of(ctx.assembly).net_count, dtype=np.int32)
    for nets in here:
        count[nets] += 1  # distinct within a tile
    return np.packbits(count > 1)


def _tile_part(ctx: RuleContext) -> dict[str, Any]:
    """On a tile (`--tiles`): the open nets whose pins all lie in its core, told whole (their
    first `MOST_LISTED` nodes with their pins, and how many); and the nets that span tiles by node,
    for the run to unite: per net, the tile's first `MOST_LISTED` nodes (by key, the whole design's
    order) with their pins, and the keys of its other nodes that reach past the tile (`_tiles.py`);
    the others, which lie whole in the tile, only counted: none of them is among the net's first
    `MOST_LISTED` in the design, and no other tile holds a pin of them. A net that is not open and
    lies in one tile costs nothing."""
    pins, keys, band, (pad, net, node) = core_pins(ctx)
    spanning = np.unpackbits(ctx.shared, count=pins.net_count).astype(bool)
    tile = ctx.tile
    local = ~spanning[net]
    opened = _open_here(net[local], keys[node[local]], tile.pad_global[pad[local]])
    pad, net, node = pad[~local], net[~local], node[~local]
    key = keys[node]
    order = np.lexsort((pad, key, net))
    pad, net, key, alone = pad[order], net[order], key[order], ~band[node[order]]
    new = np.concatenate([[True], (net[1:] != net[:-1]) | (key[1:] != key[:-1])]) if len(net) else np.zeros(0, bool)
    start = np.flatnonzero(new)
    group_net, group_key, group_alone = net[start], key[start], alone[start]
    rank = np.arange(len(start)) - np.searchsorted(group_net, group_net, side="left")  # the node's place in its net
    top = rank < MOST_LISTED
    sent = top | ~group_alone
    number = np.cumsum(sent) - 1  # each sent group's place among those sent
    group_of = np.cumsum(new) - 1
    with_pins = top[group_of]
    extra = ~top & group_alone
    extra_net, extra_count = np.unique(group_net[extra], return_counts=True)
    return {
        "nets": net_groups(ctx),
        "net": group_net[sent],
        "key": group_key[sent],
        "pin_group": number[group_of[with_pins]],
        "pad": tile.pad_global[pad[with_pins]],
        "extra_net": extra_net,
        "extra": extra_count,
        "open": opened,
    }


def _open_here(net: np.ndarray, key: np.ndarray, pad: np.ndarray) -> list[tuple[int, int, list[np.ndarray]]]:
    """The open nets among pins that are all of their nets' (global pad ids, their nodes' keys): each
    as (net, how many nodes, its first `MOST_LISTED` nodes' pins), the nodes by key, pins by id."""
    order = np.lexsort((pad, key, net))
    net, key, pad = net[order], key[order], pad[order]
    split = np.flatnonzero((key[1:] != key[:-1]) & (net[1:] == net[:-1])) + 1
    out = []
    for open_net in distinct(net[split]).tolist():
        first, last = np.searchsorted(net, [open_net, open_net + 1])
        keys = key[first:last]
        start = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]])) + first
        stop = np.append(start[1:], last)
        groups = [pad[a:b] for a, b in zip(start[:MOST_LISTED].tolist(), stop[:MOST_LISTED].tolist(), strict=True)]
        out.append((open_net, len(start), groups))
    return out


def _reduce(ctx: RuleContext, parts: list[dict[str, Any]]) -> Iterator[Finding]:
    """On `--tiles`: each spanning net's nodes, united over the tiles by key, and an open one's
    first `MOST_LISTED` nodes with every tile's pins of them; with the nets the tiles found open by
    themselves, in the order of the nets."""
    if not any(len(part["net"]) or len(part["extra_net"]) or part["open"] for part in parts):
        return
    whole_nets(ctx, [part["nets"] for part in parts])
    pins = Pins.names_of(ctx.assembly)
    found = [opened for part in parts for opened in part["open"]]
    net, key = concat(parts, "net"), concat(parts, "key")
    offsets = np.cumsum([0] + [len(part["net"]) for part in parts])[:-1]
    pin_group = np.concatenate(
        [np.asarray(part["pin_group"], np.int64) + offset for part, offset in zip(parts, offsets, strict=True)]
    )
    pad = concat(parts, "pad")
    pin_net, pin_key = net[pin_group], key[pin_group]
    order = np.lexsort((pad, pin_key, pin_net))
    pad, pin_net, pin_key = pad[order], pin_net[order], pin_key[order]
    nodes = distinct_pairs(net, key)  # every (net, node), once, by net then key
    total = np.bincount(nodes[:, 0], minlength=pins.net_count)
    np.add.at(total, concat(parts, "extra_net"), concat(parts, "extra"))
    for open_net in np.flatnonzero(total > 1).tolist():
        lo, hi = np.searchsorted(nodes[:, 0], [open_net, open_net + 1])
        first = np.searchsorted(pin_net, open_net)
        last = np.searchsorted(pin_net, open_net, side="right")
        groups = []
        for node in nodes[lo : min(hi, lo + MOST_LISTED), 1].tolist():
            a = first + np.searchsorted(pin_key[first:last], node)
            b = first + np.searchsorted(pin_key[first:last], node, side="right")
            groups.append(pad[a:b])
        found.append((open_net, int(total[open_net]), groups))
    for open_net, count, groups in sorted(found, key=lambda item: item[0]):
        yield _finding(ctx, pins, open_net, count, groups)


open_net.tiles = Reduction(part=_tile_part, reduce=_reduce, prepare=_nets_here, combine=_spanning)
