"""IN001 short: two declared nets end up on one electrical node."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assemblint import Finding, RuleContext, Severity, rule

from ._examples import NETS, STRAIGHT, design
from ._geometry import stable_order
from ._nets import Pins, declared, runs

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
            path = netlist.path(source, targets)
            if len(path) == 1:
                paths.append(f"{netlist.node_name(ctx.assembly, path[0])} is a pin of both")
            else:
                paths.append(" — ".join(netlist.node_name(ctx.assembly, n) for n in path))
        names = [pins.net_name(n) for n in nets]
        listed = ", ".join(names[:-1]) + " and " + names[-1]
        more = f" (and {len(nets) - 1 - MOST_PATHS} more paths)" if len(nets) - 1 > MOST_PATHS else ""
        message = f"nets {listed} are on one electrical node: " + "; ".join(paths) + more
        more_nodes: dict[str, int] = {}
        objects = [pins.net(n) for n in nets]
        if len(same) > 1:
            every = np.concatenate([net_of[first[same]]] + [net_of[first[same] + j] for j in range(1, k1 - k0)])
            objects = pins.nets(every)
            message += f"; and {len(same) - 1} more electrical nodes where the same declarations meet"
            more_nodes["nodes"] = len(same)
        yield ctx.finding(
            message,
            objects=objects,
            data={"nets": names, "paths": paths, **more_nodes},
            cause="short " + " ".join(sorted(declared(n) for n in names)),  # cells merge; any declaration order
        )


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
