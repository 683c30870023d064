"""IN003 spacing: two masses of different nodes on one face are closer than `min_spacing`."""

from __future__ import annotations

import numpy as np

from assemblint import Severity, falls_short, quantity, rule
from assemblint.timeline import Timeline
from assemblint.units import format_quantity

from ._examples import STRAIGHT, design
from ._geometry import close_pairs, face_name, mass_sides


def um(value: float) -> str:
    return format_quantity(value, "length")


@rule(
    id="IN003",
    name="spacing",
    severity=Severity.ERROR,
    params={"min_spacing": quantity("length", "20 um", "the smallest gap, edge to edge, between masses of two nodes")},
    source="seed 003 (each mass is insulated from its neighbours by the dielectric between them)",
    examples={"fires": design(STRAIGHT, pitch="110 um"), "passes": design(STRAIGHT, pitch="120 um")},
    doc="""
    Two masses on different electrical nodes that touch the same face of a common element are
    closer, edge to edge, than `min_spacing`. An overlap is reported too, as a negative distance.

    Edge-to-edge distance = centre distance − (d₁ + d₂) / 2, with each mass at the position of its
    first pad and of its `diameter`. Too little dielectric between two masses breaks down, lets
    them bridge when they are liquid (seed 003's masses melt in operation) or when solder
    spreads in reflow, and leaves no room for alignment error. Each pair is counted once, and the
    finding points at the later-declared mass of the pair; its `count` is the number of pairs.
    The search uses a k-d tree (scipy cKDTree) over all faces at once, so a million masses cost
    seconds, not an all-pairs loop. Exactly `min_spacing` passes.
    """,
)
def spacing(ctx):
    netlist = ctx.netlist
    limit = ctx.params["min_spacing"]
    diameter = np.nan_to_num(netlist.mass_diameter, nan=0.0)
    if netlist.mass_count < 2:
        return
    radius = float(diameter.max()) + limit
    sides = mass_sides(netlist)
    index = close_pairs(sides, radius)
    a, b = sides.owner[index[:, 0]], sides.owner[index[:, 1]]
    keep = (a != b) & (netlist.mass_node[a] != netlist.mass_node[b])
    index, a, b = index[keep], a[keep], b[keep]
    x, y = sides.x, sides.y
    gap = np.hypot(x[index[:, 0]] - x[index[:, 1]], y[index[:, 0]] - y[index[:, 1]]) - (diameter[a] + diameter[b]) / 2
    close = falls_short(gap, limit)  # past rounding, so a translated design gives the same pairs
    first, later = _order_by_declaration(ctx.assembly, a[close], b[close])
    gap, keys = gap[close], sides.key[index[close, 0]]
    if len(first) == 0:
        return
    # each pair once (it may meet on both elements it joins): the smallest gap wins
    order = np.lexsort((gap, first, later))
    first, later, gap, keys = first[order], later[order], gap[order], keys[order]
    unique = np.ones(len(first), dtype=bool)
    unique[1:] = (first[1:] != first[:-1]) | (later[1:] != later[:-1])
    first, later, gap, keys = first[unique], later[unique], gap[unique], keys[unique]
    yield from _findings(ctx, ctx.timeline, first, later, gap, keys, limit)


def _order_by_declaration(assembly, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(earlier, later) of each pair by where their declarations stand in the source, then by id."""
    groups = assembly.mass_groups
    order = sorted(range(len(groups)), key=lambda g: (groups[g].loc.path, groups[g].loc.line, groups[g].loc.column))
    rank = np.empty(len(groups), dtype=np.int64)
    rank[order] = np.arange(len(groups))
    group_of = assembly.netlist.mass_group
    ra, rb = rank[group_of[a]], rank[group_of[b]]
    a_later = (ra > rb) | ((ra == rb) & (a > b))
    return np.where(a_later, b, a), np.where(a_later, a, b)


def _findings(ctx, tl: Timeline, first, later, gap, keys, limit):
    """One finding per pair of declarations (the later mass's and the other's)."""
    groups = ctx.assembly.mass_groups
    group_of = ctx.netlist.mass_group
    decl_index: dict = {}
    decl = np.array([decl_index.setdefault(g.loc, i) for i, g in enumerate(groups)], dtype=np.int64)
    pair_key = decl[group_of[later]] * len(groups) + decl[group_of[first]]
    for key in np.unique(pair_key).tolist():
        mine = pair_key == key
        worst = int(np.argmin(np.where(mine, _rounded(gap), np.inf)))  # ties: the first declared
        names = [_mass_name(ctx, int(first[worst])), _mass_name(ctx, int(later[worst]))]
        shortest = float(gap[worst])
        what = f"overlap by {um(-shortest)}" if shortest < 0 else f"are {um(shortest)} apart edge to edge"
        count = int(ctx.netlist.mass_weight[later[mine]].sum())  # every placed instance's pairs
        face = face_name(ctx.assembly, int(keys[worst]))
        message = (
            f"{names[0]} and {names[1]}, on different electrical nodes, {what} on {face}, closer than {um(limit)}"
            if count == 1
            else f"{count} pairs of masses on different electrical nodes are closer than {um(limit)} edge to edge; "
            f"the closest, {names[0]} and {names[1]}, {what} on {face}"
        )
        ids = np.unique(np.concatenate([first[mine], later[mine]]))
        yield ctx.finding(
            message,
            objects=list(tl.selections(ids)),
            location=groups[int(group_of[later[worst]])].loc,
            data={
                "pairs": count,
                "min_distance": shortest,
                "min_spacing": limit,
                "closest": names,
                "face": face_name(ctx.assembly, int(keys[worst])),
            },
            cause=f"spacing {_base(names[1])} {_base(names[0])}",
            count=count,
        )


def _rounded(distance: np.ndarray) -> np.ndarray:
    """Distances to a nanometre: equal gaps at other positions (or instances) compare equal."""
    return np.round(distance, 3)


def _mass_name(ctx, mass: int) -> str:
    return ctx.netlist.node_name(ctx.assembly, ctx.netlist.pad_count + mass)


def _base(name: str) -> str:
    """`units[3].m[7]` -> `m`: a mass's declaration, for a cause that line edits do not change."""
    return name.rsplit(".", 1)[-1].split("[", 1)[0]
