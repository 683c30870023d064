"""IN003 spacing: two masses of different nodes on one face are closer than `min_spacing`."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assemblint import Finding, RuleContext, Severity, falls_short, quantity, rule
from assemblint.analysis.timeline import Timeline
from assemblint.base.diagnostics import Location
from assemblint.base.units import format_quantity
from assemblint.model.assembly import Assembly

from ._examples import STRAIGHT, design
from ._geometry import Placement, distinct, face_name, pairs_within, stable_order


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
    The search bins the masses into cells as wide as the reach (a cell list, over all faces at
    once), so a million masses cost a fraction of a second, not an all-pairs loop. Exactly
    `min_spacing` passes.
    """,
)
def spacing(ctx: RuleContext) -> Iterator[Finding]:
    netlist = ctx.netlist
    limit = ctx.params["min_spacing"]
    diameter = np.nan_to_num(netlist.mass_diameter, nan=0.0)
    if netlist.mass_count < 2:
        return
    radius = float(diameter.max()) + limit
    if radius <= 0:
        return
    place = Placement.of(ctx.assembly)
    # one point per mass, searched among the masses its faces are linked to; then each pair
    # kept only if the two masses touch a common face
    a, b = pairs_within(place.linked_faces, place.x, place.y, radius)
    keys, shared = _common_face(place.face_a, place.face_b, a, b)
    keep = shared & (netlist.mass_node[a] != netlist.mass_node[b])
    a, b, keys = a[keep], b[keep], keys[keep]
    x, y = place.x, place.y
    gap = np.hypot(x[a] - x[b], y[a] - y[b]) - (diameter[a] + diameter[b]) / 2
    close = falls_short(gap, limit)  # past rounding, so a translated design gives the same pairs
    first, later = _order_by_declaration(ctx.assembly, a[close], b[close])
    gap, keys = gap[close], keys[close]
    if len(first) == 0:
        return
    # in the order of the later mass, then the first: the closest pair's ties go to the first declared
    order = stable_order(later * netlist.mass_count + first)
    first, later, gap, keys = first[order], later[order], gap[order], keys[order]
    yield from _findings(ctx, ctx.timeline, first, later, gap, keys, limit)


def _common_face(face_a: np.ndarray, face_b: np.ndarray, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(face, shares) for mass pairs (i, j): whether they touch a common face, and which to report.

    Where two masses share more than one face (a die and its substrate), the finding names a
    face that one of them touches through its first pad, where the masses sit, rather than the
    element declared first (the lower-numbered face only between two such); a face both touch
    only through their second pads is named when they share no other.
    """
    ai, bi, aj, bj = face_a[i], face_b[i], face_a[j], face_b[j]
    none = np.iinfo(np.int64).max
    mine = np.where((ai == aj) | (ai == bj), ai, none)  # i's first face, which j touches too
    theirs = np.where((aj == ai) | (aj == bi), aj, none)  # j's first face, which i touches too
    first_side = np.minimum(mine, theirs)
    via_first = first_side != none
    return np.where(via_first, first_side, bi), via_first | ((bi == bj) & (bi >= 0))


def _order_by_declaration(assembly: Assembly, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(earlier, later) of each pair by where their declarations stand in the source, then by id."""
    groups = assembly.mass_groups
    order = sorted(range(len(groups)), key=lambda g: (groups[g].loc.path, groups[g].loc.line, groups[g].loc.column))
    rank = np.empty(len(groups), dtype=np.int64)
    rank[order] = np.arange(len(groups))
    assert assembly.netlist is not None  # the rule's ctx.netlist
    group_of = assembly.netlist.mass_group
    ra, rb = rank[group_of[a]], rank[group_of[b]]
    a_later = (ra > rb) | ((ra == rb) & (a > b))
    return np.where(a_later, b, a), np.where(a_later, a, b)


def _findings(
    ctx: RuleContext,
    tl: Timeline,
    first: np.ndarray,
    later: np.ndarray,
    gap: np.ndarray,
    keys: np.ndarray,
    limit: float,
) -> Iterator[Finding]:
    """One finding per pair of declarations (the later mass's and the other's)."""
    groups = ctx.assembly.mass_groups
    group_of = ctx.netlist.mass_group
    decl_index: dict[Location, int] = {}
    decl = np.array([decl_index.setdefault(g.loc, i) for i, g in enumerate(groups)], dtype=np.int64)
    pair_key = decl[group_of[later]] * len(groups) + decl[group_of[first]]
    for key in distinct(pair_key).tolist():
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
        ids = distinct(np.concatenate([first[mine], later[mine]]))
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
            cause="spacing " + " ".join(sorted((_base(names[0]), _base(names[1])))),  # either declaration order
            count=count,
        )


def _rounded(distance: np.ndarray) -> np.ndarray:
    """Distances to a nanometre: equal gaps at other positions (or instances) compare equal."""
    return np.round(distance, 3)


def _mass_name(ctx: RuleContext, mass: int) -> str:
    return ctx.netlist.node_name(ctx.assembly, ctx.netlist.pad_count + mass)


def _base(name: str) -> str:
    """`units[3].m[7]` -> `m`: a mass's declaration, for a cause that line edits do not change."""
    return name.rsplit(".", 1)[-1].split("[", 1)[0]
