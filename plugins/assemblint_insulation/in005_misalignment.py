"""IN005 misalignment: a mass's footprint reaches a pad of another electrical node."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from assemblint import Finding, Reduction, RuleContext, Severity, falls_short, quantity, rule
from assemblint.base.diagnostics import Location
from assemblint.base.units import format_quantity
from assemblint.checking.ranked import mass_name, pad_name
from assemblint.model.assembly import Assembly
from assemblint.model.netlist import Netlist

from . import _blocks
from ._examples import STRAIGHT, design
from ._geometry import Cells, Placement, Tally, around_offsets, face_name, pair_batches_between, stable_order
from ._shapes import Shapes, box_distance, describe, sqrt_of_squares


def um(value: float) -> str:
    return format_quantity(value, "length")


@rule(
    id="IN005",
    name="misalignment",
    severity=Severity.ERROR,
    params={
        "alignment_tolerance": quantity(
            "length", "10 um", "how far a mass may land from its nominal position (placement and bump tolerance)"
        )
    },
    source="seed 003 (alignment such that each contact touches only its own mass)",
    examples={
        "fires": design(STRAIGHT).replace(  # the die's pads 100 µm off the interposer's
            "pads c grid 1 x 4 pitch 200 um", "pads c grid 1 x 4 pitch 200 um origin (-200 um, 0 um)"
        ),
        "passes": design(STRAIGHT),
    },
    doc="""
    A mass's footprint — its shape grown by `alignment_tolerance` on every side — overlaps the
    shape of a pad of another electrical node, on the face the mass touches of either element
    it joins.

    A mass sits at the position of its first pad, on both elements. If the two elements' pads
    are not aligned, or the mass is routed to a pad that is not opposite, its footprint lands on
    a neighbouring contact too: seed 003 aligns the elements so that each contact touches only
    its own mass. The tolerance accounts for placement error and solder spread. The shapes are
    the true ones (STACK.md §3), turned with their element: a circle of the mass's `diameter`,
    the rectangle of its `size`, or the shape of the smaller of its pads; each pad's circle,
    rectangle, rounded rectangle or `oblong` stadium. A shape w x h with corner r grown by t is
    (w + 2t) x (h + 2t) with corner r + t, and two such rounded rectangles overlap when the
    distance between their inner boxes, (w − 2r) x (h − 2r), is less than the sum of their
    corners: for a round mass and a round pad, when the centre distance is less than the
    footprint's radius plus the pad's. Exactly touching passes. The finding gives, for a round
    mass over a round pad, the centre distance and both radii; otherwise both shapes, how deep
    they overlap (the least move that separates them) and the centre distance. Each (mass, pad)
    pair counts once; the search uses a cell list of each face's pads.
    """,
)
def misalignment(ctx: RuleContext) -> Iterator[Finding]:
    tally = _tally(ctx)
    if tally is not None and len(tally.key):
        yield from _findings(ctx, tally)


def _tile_part(ctx: RuleContext) -> tuple[Tally, dict[tuple[int, int], dict[str, Any]]] | None:
    """On a tile (`--tiles`): the tally of the pairs whose mass lies in the tile's core, with the
    whole design's mass and pad ids, so that the tiles' tallies merge into the one-process tally;
    and each declaration's closest pair told as the whole design names it (the run's process may
    hold no mass to tell it from)."""
    tally = _tally(ctx)
    if tally is None:
        return None
    masses, pads = ctx.tile.mass_global, ctx.tile.pad_global
    told = {
        (int(masses[m]), int(pads[p])): _pair(ctx, int(m), int(p), float(apart))
        for m, p, apart in zip(tally.first, tally.second, tally.value, strict=True)
    }
    merged = Tally(
        tally.key,
        tally.count,
        tally.rounded,
        masses[tally.first],
        pads[tally.second],
        tally.value,
        tally.face,
        tally.member_key,
        masses[tally.member],
    )
    return merged, told


def _reduce(ctx: RuleContext, parts: list[tuple[Tally, dict] | None]) -> Iterator[Finding]:
    tally = Tally.merge([p[0] for p in parts if p is not None])
    told: dict[tuple[int, int], dict[str, Any]] = {}
    for part in parts:
        if part is not None:
            told.update(part[1])
    for k in range(len(tally.key)):
        yield _finding(ctx, tally, k, told[(int(tally.first[k]), int(tally.second[k]))])


def _reach(params: dict, assembly: Assembly) -> float:
    """How far from a mass the pads it may reach lie: its footprint's and a pad's largest reach."""
    netlist = assembly.netlist
    if netlist is None or netlist.mass_count == 0:
        return 0.0
    mass_shape = Shapes.of(netlist.mass_width, netlist.mass_height, netlist.mass_corner)
    pad_shape = Shapes.of(netlist.pad_width, netlist.pad_height, netlist.pad_corner)
    pads = float(np.nanmax(pad_shape.reach, initial=0.0))
    return float(np.nanmax(mass_shape.reach, initial=0.0)) + float(params["alignment_tolerance"]) + pads


misalignment.tiles = Reduction(part=_tile_part, reduce=_reduce)
misalignment.reach = _reach


def _tally(ctx: RuleContext) -> Tally | None:
    """Every (mass, pad of another node) pair that overlaps, summed up per mass declaration (on a
    tile: the pairs whose mass lies in its core)."""
    netlist = ctx.netlist
    tolerance = ctx.params["alignment_tolerance"]
    if netlist.mass_count == 0:
        return None
    mass_shape = Shapes.of(netlist.mass_width, netlist.mass_height, netlist.mass_corner)
    pad_shape = Shapes.of(netlist.pad_width, netlist.pad_height, netlist.pad_corner)
    mass_r = mass_shape.corner + tolerance  # the footprint's corner (a round mass's radius + tolerance)
    pad_r = pad_shape.corner
    boxes = not (mass_shape.all_round and pad_shape.all_round)  # circles: centre distances, as before
    reach = mass_shape.reach + tolerance
    radius = float(reach.max() + (pad_shape.reach.max() if len(pad_r) else 0.0))
    if radius <= 0:
        return None
    place = Placement.of(ctx.assembly)
    # each mass on each face it touches (once where both its pads are on one face), at its first pad
    second = np.flatnonzero((place.face_b >= 0) & (place.face_b != place.face_a))
    owner = np.concatenate([np.arange(netlist.mass_count), second])
    face = np.concatenate([place.face_a, place.face_b[second]])
    nodes = (netlist.mass_node, netlist.pad_node)  # a mass's own pads never count
    pads = (place.pad_face, netlist.pad_x, netlist.pad_y)
    groups = ctx.assembly.mass_groups
    first_of: dict[Location, int] = {}
    declaration = np.array([first_of.setdefault(g.loc, k) for k, g in enumerate(groups)], dtype=np.int64)
    labels = int(max(face.max(initial=-1), place.pad_face.max(initial=-1))) + 1
    cells = Cells(place.pad_face, netlist.pad_x, netlist.pad_y, radius, labels)
    round_mass, round_pad = mass_shape.round, pad_shape.round
    inscribed = (mass_shape.inscribed + tolerance, pad_shape.inscribed)
    tile = ctx.tile
    if tile is None:
        skip, block_tally = _blocks_of(ctx, place, cells, face, owner, inscribed, (round_mass, round_pad), declaration)
    else:  # no whole blocks on a tile: a block may straddle its core's edge
        skip, block_tally = np.zeros(0, np.int64), Tally.blocks([])
    parts = [block_tally]
    # the pairs come in batches, summed up per declaration as they come: a cluster's pairs never
    # sit in memory (and the blocks of `_blocks_of` are not looked at); ties of the closest pair
    # go to the first mass, then the first pad
    batches = pair_batches_between(face, place.x, place.y, *pads, radius, nodes, owner, cells, skip)
    for i, pad in batches:
        mass = owner[i]
        dx, dy = place.x[mass] - netlist.pad_x[pad], place.y[mass] - netlist.pad_y[pad]
        # between the inner boxes (`_shapes.py`); circles: the centre distance, as scipy's cKDTree
        # computed it, bit for bit (it is in the data)
        half_w, half_h = (
            (mass_shape.half_w[mass] + pad_shape.half_w[pad], mass_shape.half_h[mass] + pad_shape.half_h[pad])
            if boxes
            else (None, None)
        )
        distance = box_distance(dx, dy, half_w, half_h, root=sqrt_of_squares)
        hit = falls_short(distance, mass_r[mass] + pad_r[pad])
        if tile is not None:  # each pair once: on the tile whose core holds its mass
            hit &= tile.mass_core[mass]
        mass, pad, distance = mass[hit], pad[hit], distance[hit]
        by_declaration = declaration[netlist.mass_group[mass]]
        rounded = np.round(distance, 3)
        weight = netlist.mass_weight[mass]
        parts.append(Tally.of(by_declaration, weight, rounded, mass, pad, distance, place.pad_face[pad], [mass]))
    return Tally.merge(parts)


def _findings(ctx: RuleContext, tally: Tally) -> Iterator[Finding]:
    """One finding per mass declaration: its pairs counted, its closest pair told."""
    for k in range(len(tally.key)):
        m, p, apart = int(tally.first[k]), int(tally.second[k]), float(tally.value[k])
        yield _finding(ctx, tally, k, _pair(ctx, m, p, apart))


def _pair(ctx: RuleContext, m: int, p: int, apart: float) -> dict[str, Any]:
    """What a finding tells of its closest pair, mass `m` over pad `p` (ids the rule sees)."""
    netlist = ctx.netlist
    tolerance = ctx.params["alignment_tolerance"]
    mass_shape = Shapes.of(
        netlist.mass_width[m : m + 1], netlist.mass_height[m : m + 1], netlist.mass_corner[m : m + 1]
    )
    pad_shape = Shapes.of(netlist.pad_width[p : p + 1], netlist.pad_height[p : p + 1], netlist.pad_corner[p : p + 1])
    mass_r, pad_r = float(mass_shape.corner[0] + tolerance), float(pad_shape.corner[0])
    pair: dict[str, Any] = {"mass": mass_name(ctx, m), "pad": pad_name(ctx, p), "mass_r": mass_r, "pad_r": pad_r}
    pair["round"] = bool(mass_shape.round[0] and pad_shape.round[0])
    pair["distance"] = apart
    if not pair["round"]:
        place = Placement.of(ctx.assembly)
        pair["centres"] = float(np.hypot(place.x[m] - netlist.pad_x[p], place.y[m] - netlist.pad_y[p]))
        pair["depth"] = float(mass_r + pad_r - apart)
        pair["shapes"] = [_describe(netlist, "mass", m), _describe(netlist, "pad", p)]
    return pair


def _finding(ctx: RuleContext, tally: Tally, k: int, pair: dict[str, Any]) -> Finding:
    tolerance = ctx.params["alignment_tolerance"]
    count = int(tally.count[k])  # every placed instance's pairs
    on = face_name(ctx.assembly, int(tally.face[k]))
    mass, pad, mass_r, pad_r = pair["mass"], pair["pad"], pair["mass_r"], pair["pad_r"]
    if pair["round"]:
        detail = (
            f"the footprint of {mass} (radius {um(mass_r - tolerance)} + {um(tolerance)} tolerance) "
            f"overlaps pad {pad} of another electrical node on {on}: centres {um(pair['distance'])} apart, "
            f"less than {um(float(mass_r + pad_r))}"
        )
        data = {
            "pairs": count,
            "mass": mass,
            "pad": pad,
            "distance": pair["distance"],
            "footprint_radius": mass_r,
            "pad_radius": pad_r,
            "alignment_tolerance": tolerance,
        }
    else:
        shapes = pair["shapes"]
        detail = (
            f"the footprint of {mass} ({shapes[0]} + {um(tolerance)} tolerance) overlaps pad {pad} "
            f"({shapes[1]}) of another electrical node on {on}: by {um(pair['depth'])}, "
            f"centres {um(pair['centres'])} apart"
        )
        data = {
            "pairs": count,
            "mass": mass,
            "pad": pad,
            "distance": pair["centres"],
            "overlap": pair["depth"],
            "mass_shape": shapes[0],
            "pad_shape": shapes[1],
            "alignment_tolerance": tolerance,
        }
    message = detail if count == 1 else f"{count} mass footprints overlap pads of other electrical nodes; {detail}"
    return ctx.finding(
        message,
        objects=list(ctx.timeline.selections(tally.members(k))),
        data=data,
        cause="misaligned",
        count=count,
    )


def _describe(netlist: Netlist, kind: str, index: int) -> str:
    """A mass's or pad's shape in words (`200 × 100 µm`)."""
    width, height, corner = (float(getattr(netlist, f"{kind}_{side}")[index]) for side in ("width", "height", "corner"))
    return describe(*(np.nan_to_num(v) for v in (width, height, corner)))


def _blocks_of(
    ctx: RuleContext,
    place: Placement,
    cells: Cells,
    face: np.ndarray,
    owner: np.ndarray,
    inscribed: tuple[np.ndarray, np.ndarray],
    round_shapes: tuple[np.ndarray, np.ndarray],
    declaration: np.ndarray,
) -> tuple[np.ndarray, Tally]:
    """(skip, tally): the pairs of cells (masses' cell, pads' cell) counted as wholes (`_blocks.py`).

    A block: every centre distance, by the cells' boxes, certainly short of the smallest footprint
    radius plus the smallest pad radius (of shapes that are not round: the largest disc about the
    centre that each holds). A block with a shape that is not round is enumerated: its closest
    pair is not the pair of nearest centres. Its pairs are every (mass, pad) but those of one node:
    per mass, the pads less those of its own node, which are few (a mass's own pads), else the
    block is enumerated. Per declaration, the closest pair is the nearest pad of another node of
    each mass (the `MOST_SHARED` nearest pads hold it), the least mass among the ties, then the
    least pad at that rounded distance.
    """
    netlist = ctx.netlist
    nothing = (np.zeros(0, np.int64), Tally.blocks([]))
    if not _blocks.crowded(cells.sorted_cell):
        return nothing  # a mass meets the pads of nine cells: without crowded cells, few pairs each
    asked = np.flatnonzero(cells.holds[face])
    point = owner[asked]
    here = cells.cell_of(face[asked], place.x[point], place.y[point], outside=True)
    order = stable_order(here - int(here.min(initial=0)))
    asked, point, here = asked[order], point[order], here[order]
    mx, my = place.x[point], place.y[point]
    masses = _blocks.Runs.of(here, mx, my)
    pad_order = np.arange(netlist.pad_count) if cells.order is None else cells.order
    pads = _blocks.Runs.of(cells.sorted_cell, cells.sorted(netlist.pad_x), cells.sorted(netlist.pad_y))
    least_mass, least_pad = masses.least(inscribed[0][point]), pads.least(cells.sorted(inscribed[1]))

    def pairs(u: np.ndarray, v: np.ndarray, k: int) -> np.ndarray:
        return masses.size[u] * pads.size[v]

    nx = np.broadcast_to(
        cells.nx[cells.one if cells.one is not None else face[asked][masses.start]], masses.start.shape
    )
    keys, rows = [], []
    for u, v, key in _blocks.neighbour_blocks(cells, masses, pads, around_offsets(nx), pairs):
        far = _blocks.farthest(masses, u, pads, v)
        reach = least_mass[u] + least_pad[v]
        sure = _blocks.certainly_below(far, reach, far)
        for one, other, k in zip(u[sure].tolist(), v[sure].tolist(), key[sure].tolist(), strict=True):
            block_masses = point[masses.start[one] : masses.stop[one]]
            block_pads = pad_order[pads.start[other] : pads.stop[other]]
            try:
                if not (round_shapes[0][block_masses].all() and round_shapes[1][block_pads].all()):
                    raise _blocks.Unsure
                rows += _block(ctx, place, block_masses, block_pads, declaration)
            except _blocks.Unsure:
                continue
            keys.append(k)
    return np.sort(np.array(keys, dtype=np.int64)), Tally.blocks(rows)


MOST_SHARED = 8  # pads of a mass's own node within one block, at most; more and it is enumerated


def _block(ctx: RuleContext, place: Placement, masses: np.ndarray, pads: np.ndarray, declaration: np.ndarray) -> list:
    netlist = ctx.netlist
    pad_nodes = np.sort(netlist.pad_node[pads])
    mass_nodes = netlist.mass_node[masses]
    own = np.searchsorted(pad_nodes, mass_nodes, side="right") - np.searchsorted(pad_nodes, mass_nodes)
    valid = len(pads) - own
    if int(own.max()) >= MOST_SHARED:
        raise _blocks.Unsure
    by = declaration[netlist.mass_group[masses]]
    kinds = np.unique(by).tolist()
    if len(kinds) > _blocks.MOST_CLASSES:
        raise _blocks.Unsure
    pad_xy = np.column_stack([netlist.pad_x[pads], netlist.pad_y[pads]])
    rows = []
    for kind in kinds:
        mine = (by == kind) & (valid > 0)
        if not mine.any():
            continue
        m = masses[mine]
        count = int((netlist.mass_weight[m] * valid[mine]).sum())
        d = _blocks.nearest_valid(
            pad_xy, np.column_stack([place.x[m], place.y[m]]), netlist.pad_node[pads], netlist.mass_node[m], MOST_SHARED
        )
        last, best = _blocks.least_across(m, np.column_stack([place.x[m], place.y[m]]), pad_xy[:0], _round, d)
        dx, dy = place.x[last] - netlist.pad_x[pads], place.y[last] - netlist.pad_y[pads]
        distance = np.sqrt(dx * dx + dy * dy)  # as the rule computes it
        tied = (np.round(distance, 3) == best) & (netlist.pad_node[pads] != netlist.mass_node[last])
        if not tied.any():
            raise _blocks.Unsure
        pad = int(pads[tied].min())
        value = float(distance[pads == pad][0])
        rows.append((int(kind), count, float(np.round(value, 3)), last, pad, value, int(place.pad_face[pad]), m))
    return rows


def _round(distance: np.ndarray) -> np.ndarray:
    return np.round(distance, 3)
