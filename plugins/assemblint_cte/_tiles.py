"""The CTE rules on the tiles of `--tiles` (docs/tiles.md): each pair's rigid joints, from every tile.

Whether a mass is a rigid joint of a pair (it joins the two elements, stays solid over the
operating and cycle ranges, has no flexible lead in series) is the mass's own business, so a
tile decides it for the masses in its core, each with the whole design's id. A tile sends, per
pair of elements (by their indices), what the rule reads of its rigid joints there: their count
(CTE001), those without a height (CTE005). CTE002 and CTE003 take two passes, as the neutral
point is the centroid of all of a pair's joints and which joints strain past the limit depends
on it: first each tile's exact sums of its joints' positions (`_centroid.py`: the same to the
bit however the joints are split), which the run adds into each pair's centroid; then each tile
sends only its joints past the rule's limit, their strains measured from that centroid.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assemblint import RuleContext
from assemblint.analysis.joints import MITIGATING_ROLES, JoinedPair, operating_moment
from assemblint.model.assembly import Assembly, Layer

from ._centroid import exact_sum, mean_of
from ._pairs import joined_pairs, operating_range
from ._strain import Strains, joint_strains


@dataclass
class PairPart:
    """A tile's rigid joints of one pair, in its core."""

    count: int
    missing: np.ndarray | None = None  # those without a height (CTE005): runs of ids (`runs_of`)
    sums: tuple[int, int] | None = None  # their first pads' x and y summed exactly (`exact_sum`)
    strained: Strains | None = None  # those past a rule's limit (CTE002, CTE003), by global id


Pairs = dict[tuple[int, int], PairPart]
Centres = dict[tuple[int, int], tuple[float, float]]


def pair_part(ctx: RuleContext, *, missing: bool = False, sums: bool = False) -> Pairs:
    """On a tile: per pair of elements (their indices, the first declared first), its rigid joints
    in the tile's core; could-not-run without an operating range, as the rules are."""
    tile, netlist = ctx.tile, ctx.netlist
    heights = ctx.assembly.mass_heights
    out: Pairs = {}
    for pair in joined_pairs(ctx):
        rigid = pair.rigid
        rigid = rigid[tile.mass_core[rigid]]
        if not len(rigid):
            continue
        part = out[(pair.first.index, pair.second.index)] = PairPart(len(rigid))
        if missing:
            part.missing = runs_of(tile.mass_global[rigid].astype(np.int64)[np.isnan(heights[rigid])])
        if sums:
            pads = netlist.mass_pad_a[rigid]
            part.sums = (exact_sum(netlist.pad_x[pads]), exact_sum(netlist.pad_y[pads]))
    return out


def centres(ctx: RuleContext, parts: list[Pairs]) -> Centres:
    """In the run's process: each pair's neutral point, from every tile's sums (`Reduction.combine`)."""
    totals: dict[tuple[int, int], list[int]] = {}
    for part in parts:
        for key, mine in part.items():
            assert mine.sums is not None
            total = totals.setdefault(key, [0, 0, 0])
            total[0] += mine.count
            total[1] += mine.sums[0]
            total[2] += mine.sums[1]
    return {key: (mean_of(sx, count), mean_of(sy, count)) for key, (count, sx, sy) in totals.items()}


def centre_sums(ctx: RuleContext) -> Pairs:
    """On a tile, the first pass of CTE002 and CTE003 (`Reduction.prepare`)."""
    return pair_part(ctx, sums=True)


def strained_part(ctx: RuleContext, factor: float, delta_t: float, past: Callable[[Strains], np.ndarray]) -> Pairs:
    """On a tile, the second pass: per pair, its rigid joints in the core that `past` picks out of
    their strains (Δα × `factor` · ΔT · DNP / h, the DNP from the pair's centroid, `ctx.shared`),
    named by their global ids."""
    tile = ctx.tile
    heights = ctx.assembly.mass_heights
    out: Pairs = {}
    for pair in joined_pairs(ctx):
        rigid = pair.rigid
        rigid = rigid[tile.mass_core[rigid]]
        if not len(rigid) or pair.delta_alpha is None:
            continue
        key = (pair.first.index, pair.second.index)
        local = joint_strains(ctx.assembly, heights, rigid, factor * pair.delta_alpha, delta_t, ctx.shared[key])
        chosen = local.subset(past(local))
        chosen.masses = tile.mass_global[chosen.masses].astype(np.int64)
        out[key] = PairPart(len(rigid), strained=chosen)
    return out


@dataclass
class MergedPair:
    """A rigidly joined pair of the design, from its tiles' parts: as `JoinedPair` (its `rigid` the
    joints' ids where the tiles sent them) with the count of its rigid joints."""

    pair: JoinedPair
    count: int
    missing: np.ndarray
    strained: Strains | None


def merged_pairs(ctx: RuleContext, parts: list[Pairs]) -> list[MergedPair]:
    """The design's rigidly joined pairs in element order (as `joined_pairs` lists them), each from
    every tile's part of it; could-not-run without an operating range."""
    operating_range(ctx.timeline)
    assembly = ctx.assembly
    by_pair: dict[tuple[int, int], list[PairPart]] = {}
    for part in parts:
        for key, mine in part.items():
            by_pair.setdefault(key, []).append(mine)
    out = []
    for key in sorted(by_pair):
        tiles = by_pair[key]
        told = [m.strained for m in tiles if m.strained is not None]
        strained = merge_strains(told) if told else None
        missing = [ids_of(m.missing) for m in tiles if m.missing is not None]
        rigid = strained.masses if strained is not None else np.zeros(0, np.int64)
        pair = JoinedPair(
            assembly.elements[key[0]],
            assembly.elements[key[1]],
            rigid,
            np.zeros(len(rigid), dtype=bool),
            np.zeros(len(rigid), dtype=bool),
            mitigation(assembly, *key),
            operating_moment(ctx.timeline),
        )
        out.append(
            MergedPair(
                pair,
                sum(m.count for m in tiles),
                np.sort(np.concatenate(missing)) if missing else np.zeros(0, np.int64),
                strained,
            )
        )
    return out


def merge_strains(parts: list[Strains]) -> Strains:
    """The tiles' strained joints of a pair, in the order of their ids (as the whole design lists them)."""
    masses = np.concatenate([p.masses for p in parts])
    order = np.argsort(masses, kind="stable")
    return Strains(
        masses[order],
        np.concatenate([p.dnp for p in parts])[order],
        np.concatenate([p.height for p in parts])[order],
        np.concatenate([p.strain for p in parts])[order],
    )


def mitigation(assembly: Assembly, first: int, second: int) -> Layer | None:
    """The underfill or mold layer between two elements (by index), the first declared: as
    `assemblint.analysis.joints` finds it."""
    wanted = tuple(sorted((first, second)))
    for layer in assembly.layers:
        between = layer.between
        if layer.role in MITIGATING_ROLES and between is not None and tuple(sorted(e.index for e in between)) == wanted:
            return layer
    return None


def runs_of(ids: np.ndarray) -> np.ndarray:
    """Sorted ids as runs of consecutive ids, (start, stop) rows: a group's masses are one run."""
    ids = np.unique(ids)
    if not len(ids):
        return np.zeros((0, 2), np.int64)
    breaks = np.flatnonzero(np.diff(ids) != 1) + 1
    starts = ids[np.concatenate([[0], breaks])]
    stops = ids[np.concatenate([breaks - 1, [len(ids) - 1]])] + 1
    return np.column_stack([starts, stops]).astype(np.int64)


def ids_of(runs: np.ndarray) -> np.ndarray:
    """The ids of `runs_of`'s runs."""
    lengths = runs[:, 1] - runs[:, 0]
    total = int(lengths.sum())
    first = np.repeat(runs[:, 0] - (np.cumsum(lengths) - lengths), lengths)
    return (first + np.arange(total)).astype(np.int64)
