"""IN001 short: two declared nets end up on one electrical node."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from assemblint import Finding, Reduction, RuleContext, Severity, rule
from assemblint.base.arrays import distinct_pairs

from ._examples import NETS, STRAIGHT, design
from ._geometry import stable_order
from ._nets import Pins, declared, runs
from ._tiles import concat, core_pins, edges, net_groups, node_ids, shortest_path, whole_nets

CROSSED = """masses m : SAC305 { joins die.c[0:2] -- sub.p[0:2]; diameter 100 um; height 60 um }
mass x : SAC305 { joins die.c[2] -- sub.p[3]; diameter 100 um; height 60 um }
mass y : SAC305 { joins die.c[3] -- sub.p[3]; diameter 100 um; height 60 um }"""
MOST_PATHS = 3  # paths spelled out per short; the data lists every net
MOST_KINDS = 8  # declarations per node that tell two shorts apart


@rule(
    id="IN001",
    name="short",
    severity=Severity.ERROR,
    source="seed 003 claim 1 (the masses are electrically insulated from one another); "
    "the design's declared nets (LANGUAGE.md `net`, `nets`)",
    examples={"fires": design(CROSSED, nets=NETS), "passes": design(STRAIGHT, nets=NETS)},
    doc="""
    Two declared nets are on one electrical node; the message gives the path of pads, masses,
    leads and element connections that joins them.

    The nets are the design's intent: which pins should be connected. The electrical nodes are
    what the assembly actually connects: the connected components of the netlist graph, whose
    edges are the masses' `joins`, the leads and the elements' `connect`s. A node holding pins of
    two nets shorts them: a mass routed to the neighbouring pad, a bridge, a `connect` written
    one index off. The path names every object on the way from a pin of the first net to the
    nearest pin of the other, so the faulty link is in the message. Nodes where the same
    declarations meet (two `nets` statements over the same pins) are one finding: the first node
    spelled out, the others counted (`nodes` in the data), every net among its objects.
    """,
)
def short(ctx: RuleContext) -> Iterator[Finding]:
    netlist = ctx.netlist
    pins = Pins.of(ctx.assembly)
    if len(pins.pad) == 0:
        return
    node = netlist.pad_node[pins.pad]
    # a node is shorted when one of its pins is of another net than some pin of it (any one)
    some_net = np.zeros(int(node.max()) + 1, dtype=np.int64)
    some_net[node] = pins.number
    shorted = np.zeros(len(some_net), dtype=bool)
    shorted[node[pins.number != some_net[node]]] = True
    # the pins of shorted nodes only, by node, then net, then pin order: a run per (node, net)
    mine = np.flatnonzero(shorted[node])
    key = node[mine] * (int(pins.number.max()) + 1) + pins.number[mine]
    order = stable_order(key)
    mine, key = mine[order], key[order]
    start, stop = runs(key)
    net_of = pins.number[mine[start]]
    first, last = runs(node[mine[start]])  # each node's runs
    # nodes where the same declarations meet are one finding (two `nets` over the same pins short
    # pin by pin): the first node spelled out, the others counted, so findings follow declarations
    for same in _kinds(pins.declaration(net_of), first, last):
        k0, k1 = int(first[same[0]]), int(last[same[0]])
        nets = net_of[k0:k1].tolist()
        paths = []
        source = int(pins.pad[mine[start[k0]]])
        for k in range(k0 + 1, min(k1, k0 + 1 + MOST_PATHS)):
            targets = set(pins.pad[mine[start[k] : stop[k]]].tolist())
            paths.append(netlist.path(source, targets))
        every = np.concatenate([net_of[first[same]]] + [net_of[first[same] + j] for j in range(1, k1 - k0)])
        yield _finding(ctx, pins, nets, paths, len(same), every)


def _finding(
    ctx: RuleContext, pins: Pins, nets: list[int], paths: list[list[int]], nodes: int, every: np.ndarray
) -> Finding:
    """The shorts of `nodes` nodes where the same declarations meet: the first's `nets` (ascending)
    and the paths from its first net's first pin to the nearest pin of each next one (node ids);
    `every`: the nets of all of them."""
    netlist = ctx.netlist
    told = []
    for path in paths:
        if len(path) == 1:
            told.append(f"{netlist.node_name(ctx.assembly, path[0])} is a pin of both")
        else:
            told.append(" — ".join(netlist.node_name(ctx.assembly, n) for n in path))
    names = [pins.net_name(n) for n in nets]
    listed = ", ".join(names[:-1]) + " and " + names[-1]
    more = f" (and {len(nets) - 1 - MOST_PATHS} more paths)" if len(nets) - 1 > MOST_PATHS else ""
    message = f"nets {listed} are on one electrical node: " + "; ".join(told) + more
    more_nodes: dict[str, int] = {}
    objects = [pins.net(n) for n in nets]
    if nodes > 1:
        objects = pins.nets(every)
        message += f"; and {nodes - 1} more electrical nodes where the same declarations meet"
        more_nodes["nodes"] = nodes
    return ctx.finding(
        message,
        objects=objects,
        data={"nets": names, "paths": told, **more_nodes},
        cause="short " + " ".join(sorted(declared(n) for n in names)),  # cells merge; any declaration order
    )


def _shorted_by_kind(pins: Pins, pairs: np.ndarray) -> list[tuple[tuple[int, ...], np.ndarray, np.ndarray]]:
    """The shorted nodes among (node, net) pairs (distinct, by node then net), by what `_kinds`
    tells them apart by: how many nets meet there, and the declarations of the first `MOST_KINDS` of
    them. Per kind: that (a tuple), its nodes, and every net among them."""
    start, stop = runs(pairs[:, 0])
    shorted = np.flatnonzero(stop - start > 1)
    if not len(shorted):
        return []
    count = stop[shorted] - start[shorted]
    width = min(int(count.max()), MOST_KINDS)
    table = np.full((len(shorted), width + 1), -1, dtype=np.int64)
    table[:, 0] = count
    for j in range(width):  # a column per position on the node: a few, not one per node
        has = count > j
        table[has, j + 1] = pins.declaration(pairs[start[shorted[has]] + j, 1])
    kinds, which = np.unique(table, axis=0, return_inverse=True)
    which = which.reshape(-1)
    of_pair = np.full(len(pairs), -1, dtype=np.int64)  # each pair's node's kind (-1: not shorted)
    of_pair[np.repeat(start[shorted], count) + _offsets(count)] = np.repeat(which, count)
    shown = of_pair >= 0
    by_kind = distinct_pairs(of_pair[shown], pairs[shown, 1])  # (kind, net), once
    net_runs = np.searchsorted(by_kind[:, 0], np.arange(len(kinds) + 1))
    node_order = np.argsort(which, kind="stable")
    node_runs = np.searchsorted(which[node_order], np.arange(len(kinds) + 1))
    out = []
    for k, row in enumerate(kinds.tolist()):
        nodes = pairs[start[shorted[node_order[node_runs[k] : node_runs[k + 1]]]], 0]
        out.append((tuple(row[: 1 + min(row[0], MOST_KINDS)]), nodes, by_kind[net_runs[k] : net_runs[k + 1], 1]))
    return out


def _offsets(sizes: np.ndarray) -> np.ndarray:
    """0 .. size − 1 for each size, one after the other."""
    return np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)


def _tile_part(ctx: RuleContext) -> dict[str, Any]:
    """On a tile (`--tiles`): the nodes that reach past the tile (`_tiles.py`), each with its pins in
    the tile's core (their net) and its edges there, for the run to unite with the other tiles'
    parts of them; and the shorted nodes that lie whole in the tile, by kind (`_shorted_by_kind`):
    per kind, how many, every net among them, and the first (the least key) with its pins and edges."""
    pins, keys, band, (pad, net, node) = core_pins(ctx)
    tile = ctx.tile
    alone = ~band[node]
    # the nodes that lie whole here: their (node, net) pairs, once each, by node then net
    kinds = []
    chosen = band.copy()
    for kind, nodes, nets in _shorted_by_kind(pins, distinct_pairs(node[alone], net[alone])):
        first = nodes[np.argmin(keys[nodes])]
        chosen[first] = True
        kinds.append((kind, int(keys[first]), len(nodes), nets))
    told = chosen[node]
    return {
        "nets": net_groups(ctx),
        "pin_key": keys[node[told]],
        "pin_pad": tile.pad_global[pad[told]],
        "pin_net": net[told],
        "edges": edges(ctx, chosen),
        "kinds": kinds,
    }


def _reduce(ctx: RuleContext, parts: list[dict[str, Any]]) -> Iterator[Finding]:
    """On `--tiles`: the nodes that reach past a tile united by key, their nets and edges from every
    tile; with the tiles' shorted nodes that lie whole in one, by kind: each kind's first node
    spelled out as one process spells it (the path over its edges from every tile), the others counted."""
    if not any(len(part["pin_key"]) or part["kinds"] for part in parts):
        return
    whole_nets(ctx, [part["nets"] for part in parts])
    pins = Pins.names_of(ctx.assembly)
    key, pad, net = concat(parts, "pin_key"), concat(parts, "pin_pad"), concat(parts, "pin_net")
    kinds: dict[tuple[int, ...], list[Any]] = {}  # kind -> [first key, nodes, nets]
    for part in parts:
        for kind, first, count, nets in part["kinds"]:
            seen = kinds.setdefault(tuple(kind), [first, 0, []])
            seen[0], seen[1] = min(seen[0], first), seen[1] + count
            seen[2].append(nets)
    alone = np.array(sorted({first for part in parts for _, first, _, _ in part["kinds"]}), dtype=np.int64)
    reaching = ~np.isin(key, alone)  # the pins of the nodes that reach past a tile
    for kind, nodes, nets in _shorted_by_kind(pins, distinct_pairs(key[reaching], net[reaching])):
        seen = kinds.setdefault(kind, [int(nodes.min()), 0, []])
        seen[0], seen[1] = min(seen[0], int(nodes.min())), seen[1] + len(nodes)
        seen[2].append(nets)
    graph = {name: concat([p["edges"] for p in parts], name) for name in ("a_kind", "a_id", "b_kind", "b_id", "key")}
    src = node_ids(ctx, graph["a_kind"], graph["a_id"])
    dst = node_ids(ctx, graph["b_kind"], graph["b_id"])
    for first, count, nets in sorted(kinds.values(), key=lambda kind: kind[0]):
        on = key == first
        mine_pad, mine_net = pad[on], net[on]
        spelled = np.unique(mine_net)
        linked = graph["key"] == first
        paths = []
        source = _first_pin(ctx, pins, int(spelled[0]), mine_pad[mine_net == spelled[0]])
        for other in spelled[1 : 1 + MOST_PATHS].tolist():
            targets = set(mine_pad[mine_net == other].tolist())
            paths.append(shortest_path(src[linked], dst[linked], source, targets))
        yield _finding(ctx, pins, spelled.tolist(), paths, count, np.concatenate(nets))


def _first_pin(ctx: RuleContext, pins: Pins, net: int, pads: np.ndarray) -> int:
    """Of some pins of a net, the first in the net's order (the order of its declaration). A pin
    the run's design does not hold is a bump map's: a map's pins come first, in the order of their
    ids (`build/imports.py`)."""
    selection = pins.net(net)
    assert selection.index is not None
    listed = np.asarray(selection.target.pins[int(selection.index[0])], dtype=np.int64)
    unlisted = pads[~np.isin(pads, listed)]
    if len(unlisted):
        return int(unlisted.min())
    return int(listed[np.flatnonzero(np.isin(listed, pads))[0]])


short.tiles = Reduction(part=_tile_part, reduce=_reduce)


def _kinds(declaration: np.ndarray, first: np.ndarray, last: np.ndarray) -> list[np.ndarray]:
    """The shorted nodes in sets where the same declarations meet (equal lists of declarations, by
    their first `MOST_KINDS`), each set in node order, the sets in the order of their first node."""
    if len(first) == 0:
        return []
    width = min(int((last - first).max()), MOST_KINDS)
    table = np.full((len(first), width + 1), -1, dtype=np.int64)
    table[:, -1] = last - first
    for j in range(width):  # a column per position on the node: a few, not one per node
        has = (last - first) > j
        table[has, j] = declaration[first[has] + j]
    kind = np.unique(table, axis=0, return_inverse=True)[1].reshape(-1)
    order = np.lexsort((np.arange(len(kind)), kind))
    starts = np.flatnonzero(np.concatenate([[True], kind[order][1:] != kind[order][:-1]]))
    sets = np.split(order, starts[1:])
    return [sets[i] for i in np.argsort(order[starts], kind="stable").tolist()]
