"""What the node rules (IN001, IN002, IN004) read of a tile of `--tiles` (docs/tiles.md).

A tile's electrical nodes are the whole design's, numbered within the tile; `Tile.node_key` names
each as the whole design does (its smallest pad id, the same in every tile that holds part of it),
which is what the tiles' parts send back. A node none of whose pads lies in the tile's band (within
a halo of its core's edge, inside or out) lies whole in the tile's core: every link is shorter than
the halo, so none leaves it, and no other tile holds a mass or a pin of it in its core. Such a node
is the tile's alone: a part may count it, or tell it whole, instead of sending it for the run to
unite with its neighbours'.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np

from assemblint import RuleContext
from assemblint.model.netlist import breadth_first


def node_keys(ctx: RuleContext) -> np.ndarray:
    """Per node of the tile (`ctx.netlist.node_labels`), its whole-design key; fails loudly (the rule
    crashes) where the tile does not say it."""
    keys = getattr(ctx.tile, "node_key", None)
    if keys is None:
        raise RuntimeError(
            "the tile does not give its electrical nodes' whole-design keys (`Tile.node_key`, set by "
            "run/tiles.py tile_check): a node rule cannot be reduced over tiles without them"
        )
    return np.asarray(keys, dtype=np.int64)


def band_nodes(ctx: RuleContext) -> np.ndarray:
    """Per node of the tile, whether a pad of it lies in the band: a neighbouring tile may hold part
    of it (False: the node lies whole in this tile's core)."""
    netlist = ctx.netlist
    labels = netlist.node_labels
    out = np.zeros(int(labels.max()) + 1 if len(labels) else 0, dtype=bool)
    out[netlist.pad_node[ctx.tile.pad_band]] = True
    return out


def net_groups(ctx: RuleContext) -> list[tuple[str, int, str]]:
    """The design's net groups as a tile numbers its nets: each group's name, count and (a group
    a bump map names) a digest of its nets' names in order."""
    out = []
    for group in ctx.assembly.net_groups:
        labels = group.labels
        digest = "" if labels is None else names_digest(labels)
        out.append((group.name, group.count, digest))
    return out


def names_digest(names: Any) -> str:
    """sha256 of the names, one a line: a bump map's (pyarrow's `Strings`) without a `str` per name."""
    digest = getattr(names, "digest", None)
    return digest() if digest is not None else hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()


def whole_nets(ctx: RuleContext, told: list[list[tuple[str, int, str]]]) -> None:
    """The tiles must number the nets alike, and the run's design must hold them (`net_groups`):
    fail loudly otherwise, never name the wrong net. (A design built by window holds the nets its
    bump maps name only where it holds rows of the maps: the run's process holds none.)"""
    held = net_groups(ctx)
    for tile in told:
        if [tuple(group) for group in tile] != held:
            raise RuntimeError(
                f"the tiles number the nets as {_shown(tile)}, the run's design holds {_shown(held)}: the "
                "nets cannot be named here (a design whose bump maps name nets is not held by the run's "
                "process of --tiles): check without --tiles"
            )


def _shown(groups: list[tuple[str, int, str]]) -> str:
    return ", ".join(f"{name} ({count})" for name, count, _ in groups) or "no net"


def concat(parts: list[Any], name: str, dtype: Any = np.int64) -> np.ndarray:
    """One array of the parts' arrays called `name`."""
    arrays = [np.asarray(part[name], dtype=dtype) for part in parts]
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)


PAD, MASS, LEAD = 0, 1, 2  # a vertex's kind, as `edges` sends it


def edges(ctx: RuleContext, chosen: np.ndarray) -> dict[str, np.ndarray]:
    """On a tile: the conducting edges (`Netlist.edges`) of the chosen nodes (a mask over the tile's
    nodes) that the objects in its core make, each with its node's key. Every mass, lead and
    `connect` lies in one core (a `connect` by its first pad), so the tiles' edges of a node are all
    of its edges, each once. A vertex is sent as its kind (PAD, MASS, LEAD) and the whole design's
    id within the kind (a lead: its group << 32 | its index in the group)."""
    tile, netlist = ctx.tile, ctx.netlist
    keys = node_keys(ctx)
    a_kind: list[np.ndarray] = []
    a_id: list[np.ndarray] = []
    b_kind: list[np.ndarray] = []
    b_id: list[np.ndarray] = []
    key: list[np.ndarray] = []

    def add(kind_a: int, ids_a: np.ndarray, kind_b: int, ids_b: np.ndarray, node: np.ndarray) -> None:
        a_kind.append(np.full(len(ids_a), kind_a, np.int8))
        a_id.append(np.asarray(ids_a, np.int64))
        b_kind.append(np.full(len(ids_b), kind_b, np.int8))
        b_id.append(np.asarray(ids_b, np.int64))
        key.append(keys[node])

    pads = tile.pad_global
    masses = np.flatnonzero(tile.mass_core & chosen[netlist.mass_node])
    mass_ids = tile.mass_global[masses]
    add(MASS, mass_ids, PAD, pads[netlist.mass_pad_a[masses]], netlist.mass_node[masses])
    two = netlist.mass_pad_b[masses] >= 0
    add(MASS, mass_ids[two], PAD, pads[netlist.mass_pad_b[masses[two]]], netlist.mass_node[masses[two]])
    groups = ctx.assembly.lead_groups
    if groups:
        lead_core = np.concatenate([tile.core[("leads", i)] for i in range(len(groups))])
        leads = np.flatnonzero(lead_core & chosen[netlist.lead_node])
        group = netlist.lead_group[leads]
        starts = np.array([g.start for g in groups], dtype=np.int64)
        origin = np.zeros(len(leads), np.int64)
        for i in np.unique(group).tolist():
            mine = group == i
            origin[mine] = tile.origin[("leads", i)][leads[mine] - starts[i]]
        lead_ids = (group.astype(np.int64) << 32) | origin
        node = netlist.lead_node[leads]
        add(LEAD, lead_ids, PAD, pads[netlist.lead_pad[leads]], node)
        to_mass = netlist.lead_mass[leads] >= 0
        add(LEAD, lead_ids[to_mass], MASS, tile.mass_global[netlist.lead_mass[leads[to_mass]]], node[to_mass])
        to_pad = netlist.lead_to_pad[leads] >= 0
        add(LEAD, lead_ids[to_pad], PAD, pads[netlist.lead_to_pad[leads[to_pad]]], node[to_pad])
    a, b = netlist.connect_a, netlist.connect_b
    mine = tile.pad_core[a] & chosen[netlist.pad_node[a]]
    add(PAD, pads[a[mine]], PAD, pads[b[mine]], netlist.pad_node[a[mine]])
    return {
        "a_kind": np.concatenate(a_kind),
        "a_id": np.concatenate(a_id),
        "b_kind": np.concatenate(b_kind),
        "b_id": np.concatenate(b_id),
        "key": np.concatenate(key),
    }


def node_ids(ctx: RuleContext, kind: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Vertices as `edges` sends them, as the whole design's node ids (pads, then masses, then leads)."""
    netlist = ctx.netlist
    out = np.asarray(ids, np.int64).copy()
    out[kind == MASS] += netlist.pad_count
    lead = kind == LEAD
    if lead.any():
        starts = np.array([g.start for g in ctx.assembly.lead_groups], dtype=np.int64)
        code = out[lead]
        out[lead] = netlist.pad_count + netlist.mass_count + starts[code >> 32] + (code & 0xFFFFFFFF)
    return out


def shortest_path(src: np.ndarray, dst: np.ndarray, source: int, targets: set[int]) -> list[int]:
    """`Netlist.path` over the given edges (the whole design's node ids): a breadth-first search
    from `source`, each vertex's neighbours in the order of their ids, to the nearest target."""
    if source in targets:
        return [source]
    from scipy.sparse import coo_matrix

    vertices = np.unique(np.concatenate([src, dst, [source]]))
    a, b = np.searchsorted(vertices, src), np.searchsorted(vertices, dst)
    n = len(vertices)
    ones = np.ones(2 * len(a), dtype=np.int8)
    matrix = coo_matrix((ones, (np.concatenate([a, b]), np.concatenate([b, a]))), shape=(n, n)).tocsr()
    matrix.sort_indices()
    start = int(np.searchsorted(vertices, source))
    goal = {int(i) for i in np.searchsorted(vertices, list(targets)) if i < n and vertices[i] in targets}
    return [int(vertices[v]) for v in breadth_first(matrix.indptr, matrix.indices, start, goal)]


def core_pins(ctx: RuleContext) -> tuple[Any, np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The nets' pins (`Pins`), each node's whole-design key, which nodes reach past the tile, and
    the pins in the tile's core: their pad, net and node."""
    from ._nets import Pins

    tile, netlist = ctx.tile, ctx.netlist
    pins = Pins.of(ctx.assembly)
    core = tile.pad_core[pins.pad]
    pad, net = pins.pad[core], pins.number[core]
    return pins, node_keys(ctx), band_nodes(ctx), (pad, net, netlist.pad_node[pad])
