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
from ._geometry import Placement, Tally, face_name, pair_batches_within


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
    once), so a million masses cost a fraction of a second, not an all-pairs loop; the pairs are
    counted batch by batch, so a cluster of masses on one spot is counted exactly without being
    kept. Exactly `min_spacing` passes.
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
    rank = _declaration_rank(ctx.assembly)
    decl = _declaration(ctx.assembly)
    weight = netlist.mass_weight
    parts = []
    # one point per mass, searched among the masses its faces are linked to; then each pair kept
    # only if the two masses touch a common face. The pairs come in batches and are summed up
    # per pair of declarations as they come: a cluster's millions of pairs never sit in memory.
    for a, b in pair_batches_within(place.linked_faces, place.x, place.y, radius):
        keys, shared = _common_face(place.face_a, place.face_b, a, b)
        keep = shared & (netlist.mass_node[a] != netlist.mass_node[b])
        a, b, keys = a[keep], b[keep], keys[keep]
        gap = np.hypot(place.x[a] - place.x[b], place.y[a] - place.y[b]) - (diameter[a] + diameter[b]) / 2
        close = falls_short(gap, limit)  # past rounding, so a translated design gives the same pairs
        first, later = _order_by_declaration(rank[netlist.mass_group], a[close], b[close])
        pair_key = decl[netlist.mass_group[later]] * len(ctx.assembly.mass_groups) + decl[netlist.mass_group[first]]
        parts.append(
            Tally.of(
                pair_key, weight[later], _rounded(gap[close]), later, first, gap[close], keys[close], [first, later]
            )
        )
    tally = Tally.merge(parts)
    if len(tally.key):
        yield from _findings(ctx, ctx.timeline, tally, limit)


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


def _declaration_rank(assembly: Assembly) -> np.ndarray:
    """Each mass group's rank by where its declaration stands in the source."""
    groups = assembly.mass_groups
    order = sorted(range(len(groups)), key=lambda g: (groups[g].loc.path, groups[g].loc.line, groups[g].loc.column))
    rank = np.empty(len(groups), dtype=np.int64)
    rank[order] = np.arange(len(groups))
    return rank


def _declaration(assembly: Assembly) -> np.ndarray:
    """Each mass group's declaration: the first group of its location (a cell's instances share one)."""
    decl_index: dict[Location, int] = {}
    return np.array([decl_index.setdefault(g.loc, i) for i, g in enumerate(assembly.mass_groups)], dtype=np.int64)


def _order_by_declaration(rank: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(earlier, later) of each pair by where their declarations stand in the source, then by id.

    `rank`: the declaration rank of each mass."""
    ra, rb = rank[a], rank[b]
    a_later = (ra > rb) | ((ra == rb) & (a > b))
    return np.where(a_later, b, a), np.where(a_later, a, b)


def _findings(ctx: RuleContext, tl: Timeline, tally: Tally, limit: float) -> Iterator[Finding]:
    """One finding per pair of declarations (the later mass's and the other's)."""
    groups = ctx.assembly.mass_groups
    group_of = ctx.netlist.mass_group
    for k in range(len(tally.key)):
        first, later = int(tally.second[k]), int(tally.first[k])
        names = [_mass_name(ctx, first), _mass_name(ctx, later)]
        shortest = float(tally.value[k])
        what = f"overlap by {um(-shortest)}" if shortest < 0 else f"are {um(shortest)} apart edge to edge"
        count = int(tally.count[k])  # every placed instance's pairs
        face = face_name(ctx.assembly, int(tally.face[k]))
        message = (
            f"{names[0]} and {names[1]}, on different electrical nodes, {what} on {face}, closer than {um(limit)}"
            if count == 1
            else f"{count} pairs of masses on different electrical nodes are closer than {um(limit)} edge to edge; "
            f"the closest, {names[0]} and {names[1]}, {what} on {face}"
        )
        yield ctx.finding(
            message,
            objects=list(tl.selections(tally.members(k))),
            location=groups[int(group_of[later])].loc,
            data={
                "pairs": count,
                "min_distance": shortest,
                "min_spacing": limit,
                "closest": names,
                "face": face,
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
