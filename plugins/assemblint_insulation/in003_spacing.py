"""IN003 spacing: two masses of different nodes on one face are closer than `min_spacing`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from assemblint import Finding, Reduction, RuleContext, Severity, falls_short, quantity, rule
from assemblint.analysis.timeline import Timeline
from assemblint.base.diagnostics import Location
from assemblint.base.units import format_quantity
from assemblint.model.assembly import Assembly

from . import _blocks
from ._examples import STRAIGHT, design
from ._geometry import Cells, Placement, Tally, face_name, forward_offsets, pair_batches_within
from ._shapes import Shapes, box_distance


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

    The distance is measured between the masses' true shapes (STACK.md §3), each centred at the
    position of its first pad: a circle of its `diameter`, the rectangle of its `size`, or, for a
    mass with neither, the shape of the smaller of its pads (a rectangle, a rounded rectangle, an
    `oblong` stadium), turned with its element. Every such shape is a rounded rectangle, so the
    edge-to-edge distance is exact: the distance between the shapes' inner boxes less both corner
    radii; for two circles, centre distance − (d₁ + d₂) / 2. An overlap is given as the depth of
    penetration (the least move that separates the two, negative). Too little dielectric between
    two masses breaks down, lets them bridge when they are liquid (seed 003's masses melt in
    operation) or when solder spreads in reflow, and leaves no room for alignment error. Each
    pair is counted once, and the finding points at the later-declared mass of the pair; its
    `count` is the number of pairs. The search bins the masses into cells as wide as the reach
    (the largest half-diagonal, twice, plus `min_spacing`: a cell list, over all faces at once),
    so a million masses cost a fraction of a second, not an all-pairs loop; the pairs are
    counted batch by batch, so a cluster of masses on one spot is counted exactly without being
    kept. Exactly `min_spacing` passes.
    """,
)
def spacing(ctx: RuleContext) -> Iterator[Finding]:
    tally = _tally(ctx)
    if tally is not None and len(tally.key):
        yield from _findings(ctx, ctx.timeline, tally, ctx.params["min_spacing"])


def _tile_part(ctx: RuleContext) -> Tally | None:
    """On a tile (`--tiles`): the tally of the pairs whose later mass lies in the tile's core, with
    the whole design's mass ids, so that the tiles' tallies merge into the one-process tally."""
    tally = _tally(ctx)
    if tally is None:
        return None
    ids = ctx.tile.mass_global
    return Tally(
        tally.key,
        tally.count,
        tally.rounded,
        ids[tally.first],
        ids[tally.second],
        tally.value,
        tally.face,
        tally.member_key,
        ids[tally.member],
    )


def _reduce(ctx: RuleContext, parts: list[Tally | None]) -> Iterator[Finding]:
    tally = Tally.merge([p for p in parts if p is not None])
    if len(tally.key):
        yield from _findings(ctx, ctx.timeline, tally, ctx.params["min_spacing"])


def _reach(params: dict, assembly: Assembly) -> float:
    """How far from a mass its pairs lie: both masses' largest half-diagonal and `min_spacing`."""
    netlist = assembly.netlist
    if netlist is None or netlist.mass_count == 0:
        return 0.0
    shapes = Shapes.of(netlist.mass_width, netlist.mass_height, netlist.mass_corner)
    return 2 * float(np.nanmax(shapes.reach, initial=0.0)) + float(params["min_spacing"])


spacing.tiles = Reduction(part=_tile_part, reduce=_reduce)
spacing.reach = _reach


def _tally(ctx: RuleContext) -> Tally | None:
    """Every pair of masses on different nodes closer than `min_spacing`, summed up per pair of
    declarations (on a tile: the pairs whose later mass lies in its core)."""
    netlist = ctx.netlist
    limit = ctx.params["min_spacing"]
    if netlist.mass_count < 2:
        return None
    shapes = Shapes.of(netlist.mass_width, netlist.mass_height, netlist.mass_corner)
    boxes = not shapes.all_round  # circles: the centre distance, as before the shapes, to the bit
    radius = 2 * float(shapes.reach.max()) + limit  # circles: the largest diameter + limit
    if radius <= 0:
        return None
    place = Placement.of(ctx.assembly)
    rank = _declaration_rank(ctx.assembly)
    decl = _declaration(ctx.assembly)
    weight = netlist.mass_weight
    cells = Cells(place.linked_faces, place.x, place.y, radius)
    tile = ctx.tile
    blocks = _Blocks(ctx, place, cells, shapes, limit, rank, decl, enabled=tile is None)
    parts = [blocks.tally]
    # one point per mass, searched among the masses its faces are linked to; then each pair kept
    # only if the two masses touch a common face. The pairs come in batches and are summed up
    # per pair of declarations as they come: a cluster's millions of pairs never sit in memory,
    # and the pairs of cells counted as whole blocks are not looked at.
    for a, b in pair_batches_within(place.linked_faces, place.x, place.y, radius, cells, blocks.skip):
        gap = _gap(shapes, boxes, place, a, b)  # first: most pairs in reach are not too close
        close = falls_short(gap, limit)  # past rounding, so a translated design gives the same pairs
        a, b, gap = a[close], b[close], gap[close]
        keys, shared = _common_face(place.face_a, place.face_b, a, b)
        keep = shared & (netlist.mass_node[a] != netlist.mass_node[b])
        a, b, keys, gap = a[keep], b[keep], keys[keep], gap[keep]
        first, later = _order_by_declaration(rank[netlist.mass_group], a, b)
        if tile is not None:  # each pair once: on the tile whose core holds its later mass
            mine = tile.mass_core[later]
            first, later, keys, gap = first[mine], later[mine], keys[mine], gap[mine]
        pair_key = decl[netlist.mass_group[later]] * len(ctx.assembly.mass_groups) + decl[netlist.mass_group[first]]
        parts.append(Tally.of(pair_key, weight[later], _rounded(gap), later, first, gap, keys, [first, later]))
    return Tally.merge(parts)


@dataclass
class _Blocks:
    """The pairs of cells whose masses all offend each other, counted as wholes (`_blocks.py`).

    A pair of cells is a block when its farthest masses, by their boxes and smallest shapes,
    still fall short of `min_spacing`, when its masses are on pairwise different nodes (or all
    on one: then no pair counts), when they are all round, and when its masses fall into few
    classes (declaration, faces, diameter): within a pair of classes, every pair has the same
    face and key, its later mass is decided by declaration then id, and its gap grows with the
    centre distance alone. The farthest masses are judged by the largest disc each shape holds
    (min(w, h) / 2 about its centre), so a block of any shapes certainly offends; but the gap of
    other shapes does not grow with the centre distance alone, so a block with a mass that is
    not round is enumerated pair by pair, as its closest pair could not be found by its centres.
    """

    ctx: RuleContext
    place: Placement
    cells: Cells
    shapes: Shapes
    limit: float
    rank: np.ndarray
    decl: np.ndarray
    enabled: bool = True  # off on a tile: a block may straddle its core's edge
    skip: np.ndarray = field(init=False)
    tally: Tally = field(init=False)
    diameter: np.ndarray = field(init=False)  # of each round mass; nan where not round: `Unsure`

    def __post_init__(self) -> None:
        cells, place = self.cells, self.place
        self.skip, self.tally = np.zeros(0, np.int64), Tally.blocks([])
        self.diameter = self.shapes.diameter
        if not self.enabled or not _blocks.crowded(cells.sorted_cell):
            return
        sx, sy = cells.sorted(place.x), cells.sorted(place.y)
        runs = _blocks.Runs.of(cells.sorted_cell, sx, sy)
        small = runs.least(cells.sorted(2 * self.shapes.inscribed))  # circles: the diameter
        size = runs.size

        def pairs(u: np.ndarray, v: np.ndarray, k: int) -> np.ndarray:
            return size[u] * (size[u] - 1) // 2 if k == 0 else size[u] * size[v]

        keys, rows = [], []
        for u, v, key in _blocks.neighbour_blocks(
            cells, runs, runs, forward_offsets(_blocks.group_nx(cells, runs)), pairs
        ):
            far = _blocks.farthest(runs, u, runs, v)
            reach = (small[u] + small[v]) / 2
            sure = _blocks.certainly_below(far - reach, np.full(len(u), self.limit), far + reach)
            for one, other, k in zip(u[sure].tolist(), v[sure].tolist(), key[sure].tolist(), strict=True):
                try:
                    rows += self._block(runs, one, other)
                except _blocks.Unsure:
                    continue
                keys.append(k)
        self.skip = np.sort(np.array(keys, dtype=np.int64))
        self.tally = Tally.blocks(rows)

    def _block(self, runs: _blocks.Runs, u: int, v: int) -> list:
        order = np.arange(len(self.place.x)) if self.cells.order is None else self.cells.order
        first = order[runs.start[u] : runs.stop[u]]
        second = None if u == v else order[runs.start[v] : runs.stop[v]]
        masses = first if second is None else np.concatenate([first, second])
        netlist = self.ctx.netlist
        if np.isnan(self.diameter[masses]).any():
            raise _blocks.Unsure  # a shape that is not round: its closest pair is not by its centres
        nodes = netlist.mass_node[masses]
        if nodes.min() == nodes.max():
            return []  # all on one node: no pair counts
        if len(np.unique(nodes)) < len(nodes):
            raise _blocks.Unsure
        place = self.place
        table = np.column_stack(
            [netlist.mass_group[masses], place.face_a[masses], place.face_b[masses], self.diameter[masses]]
        )
        kind = np.unique(table, axis=0, return_inverse=True)[1].reshape(-1)
        if second is None:
            classes = np.unique(kind).tolist()
            subs = [
                (first[kind == a], first[kind == b] if b != a else None) for a in classes for b in classes if b >= a
            ]
        else:
            mine, theirs = kind[: len(first)], kind[len(first) :]
            subs = [
                (first[mine == a], second[theirs == b])
                for a in np.unique(mine).tolist()
                for b in np.unique(theirs).tolist()
            ]
        if len(subs) > _blocks.MOST_CLASSES:
            raise _blocks.Unsure
        return [row for a, b in subs if (row := self._sub_block(a, b)) is not None]

    def _sub_block(self, a: np.ndarray, b: np.ndarray | None) -> tuple | None:
        """One pair of classes (b None: the pairs within one): its row of the tally, or None."""
        if b is None and len(a) < 2:
            return None
        place, netlist, d = self.place, self.ctx.netlist, self.diameter
        i, j = a[:1], (a if b is None else b)[:1]
        face, shared = _common_face(place.face_a, place.face_b, i, j)
        if not bool(shared[0]):
            return None
        reach = (d[i] + d[j]) / 2  # as the rule computes it, pair by pair

        def rnd(h: np.ndarray) -> np.ndarray:
            return _rounded(h - reach[0])

        weight = netlist.mass_weight
        xy = np.column_stack([place.x, place.y])
        group_a, group_b = int(netlist.mass_group[i[0]]), int(netlist.mass_group[j[0]])
        if b is not None and group_a != group_b:  # the later declaration's masses are the later of every pair
            later, earlier = (a, b) if self.rank[group_a] > self.rank[group_b] else (b, a)
            count = int(weight[later].sum()) * len(earlier)
            last, best = _blocks.least_across(later, xy[later], xy[earlier], rnd)
            partners = earlier
        else:  # one declaration: the later mass of a pair is the higher id
            ids = a if b is None else np.concatenate([a, b])
            side = None if b is None else np.repeat([0, 1], [len(a), len(b)])
            count = _later_weights(a, b, weight)
            last, partners, best = _blocks.least_by_order(ids, xy[ids], side, rnd)
        gaps = (
            np.hypot(place.x[last] - place.x[partners], place.y[last] - place.y[partners]) - (d[last] + d[partners]) / 2
        )
        tied = partners[_rounded(gaps) == best]
        if len(tied) == 0:
            raise _blocks.Unsure
        least = int(tied.min())
        gap = float(gaps[partners == least][0])
        group = netlist.mass_group
        key = int(self.decl[group[last]]) * len(self.ctx.assembly.mass_groups) + int(self.decl[group[least]])
        members = a if b is None else np.concatenate([a, b])
        return (key, count, float(_rounded(np.array([gap]))[0]), last, least, gap, int(face[0]), members)


def _gap(shapes: Shapes, boxes: bool, place: Placement, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The signed edge-to-edge distance of mass pairs (a, b): between their inner boxes, less both
    corners (`_shapes.py`); `boxes` False (every shape round): centre distance − (d₁ + d₂) / 2."""
    s = shapes
    half_w, half_h = (s.half_w[a] + s.half_w[b], s.half_h[a] + s.half_h[b]) if boxes else (None, None)
    between = box_distance(place.x[a] - place.x[b], place.y[a] - place.y[b], half_w, half_h)
    return between - (s.corner[a] + s.corner[b])


def _later_weights(a: np.ndarray, b: np.ndarray | None, weight: np.ndarray) -> int:
    """The sum over pairs of the weight of the higher id: of one set (b None), or between two."""
    if b is None:
        ids = np.sort(a)
        return int((weight[ids] * np.arange(len(ids))).sum())
    sa, sb = np.sort(a), np.sort(b)
    return int((weight[sa] * np.searchsorted(sb, sa)).sum() + (weight[sb] * np.searchsorted(sa, sb)).sum())


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
