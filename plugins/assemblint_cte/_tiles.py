"""The CTE rules on the tiles of `--tiles` (docs/tiles.md): each pair's rigid joints, from every tile.

Whether a mass is a rigid joint of a pair (it joins the two elements, stays solid over the
operating and cycle ranges, has no flexible lead in series) is the mass's own business, so a
tile decides it for the masses in its core, each with the whole design's id. A tile sends, per
pair of elements (by their indices), what the rule reads of its rigid joints there: their count
(CTE001), those without a height (CTE005), or every joint's position, shape and height (CTE002,
CTE003: the neutral point is the centroid of all of them, and which joints strain past the limit
depends on it, so the run needs each). The run puts them together in the order of the whole
design's ids, so the centroid is summed in the same order, to the bit, as one process sums it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assemblint import RuleContext
from assemblint.analysis.joints import MITIGATING_ROLES, JoinedPair, operating_moment
from assemblint.model.assembly import Assembly, Layer

from ._pairs import joined_pairs, operating_range


@dataclass
class Joints:
    """Some rigid joints of one pair: the whole design's ids, their first pad's position, their
    shapes (width, height, corner: `Netlist.mass_width`, …) and their `height`."""

    ids: np.ndarray
    x: np.ndarray
    y: np.ndarray
    shape: np.ndarray  # (n, 3): width, height, corner
    height: np.ndarray

    @classmethod
    def merge(cls, parts: list[Joints]) -> Joints:
        """The tiles' joints of a pair, in the order of their ids (as the whole design lists them)."""
        ids = np.concatenate([p.ids for p in parts])
        order = np.argsort(ids, kind="stable")
        return cls(
            ids[order],
            np.concatenate([p.x for p in parts])[order],
            np.concatenate([p.y for p in parts])[order],
            np.concatenate([p.shape for p in parts])[order],
            np.concatenate([p.height for p in parts])[order],
        )


@dataclass
class PairPart:
    """A tile's rigid joints of one pair, in its core."""

    count: int
    missing: np.ndarray | None = None  # those without a height (CTE005): runs of ids (`runs_of`)
    joints: Joints | None = None  # every one (CTE002, CTE003)


Pairs = dict[tuple[int, int], PairPart]


def pair_part(ctx: RuleContext, *, missing: bool = False, joints: bool = False) -> Pairs:
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
        ids = tile.mass_global[rigid].astype(np.int64)
        if missing:
            part.missing = runs_of(ids[np.isnan(heights[rigid])])
        if joints:
            pads = netlist.mass_pad_a[rigid]
            shape = np.column_stack([netlist.mass_width[rigid], netlist.mass_height[rigid], netlist.mass_corner[rigid]])
            part.joints = Joints(ids, netlist.pad_x[pads], netlist.pad_y[pads], shape, heights[rigid])
    return out


@dataclass
class MergedPair:
    """A rigidly joined pair of the design, from its tiles' parts: as `JoinedPair` (its `rigid` the
    joints' ids where the tiles sent them) with the count of its rigid joints."""

    pair: JoinedPair
    count: int
    missing: np.ndarray
    joints: Joints | None


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
        told = [m.joints for m in tiles if m.joints is not None]
        joints = Joints.merge(told) if told else None
        missing = [ids_of(m.missing) for m in tiles if m.missing is not None]
        rigid = joints.ids if joints is not None else np.zeros(0, np.int64)
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
                joints,
            )
        )
    return out


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
