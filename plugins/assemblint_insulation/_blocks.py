"""Whole blocks of pairs counted at once, so that a dense cluster costs its masses, not its pairs.

In the cell list (`_geometry.Cells`), a cell and a neighbour whose points are certainly all within
reach of each other (the farthest two points their boxes allow still offend, with a margin far
above rounding) make every pair an offending pair: their count is a sum of weights and their
objects are all the points. Only the closest pair, with the rules' tie-break, needs a search: a
k-d tree's nearest neighbour per point gives the least distance, then the least index among the
ties, without looking at each pair, however many pairs sit at the same distance. Where the tree's
distance could round to another nanometre than the rule's own formula (a distance within 10^-12
of a rounding boundary) the block is `Unsure` and its pairs are enumerated as before. The rules
(IN003, IN005) decide what a block is and how it is keyed; this module finds the blocks and the
closest pairs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._geometry import Cells

#: pairs of cells with fewer candidate pairs than this are enumerated (cheaper than the trees);
#: the tests set it to 1 (every certain pair of cells a block) or beyond reach (none)
BLOCK_PAIRS = 1 << 12
MOST_CLASSES = 16  # sub-blocks of one pair of cells; more and it is enumerated
SLACK = 1e-9  # the margin of "certainly within reach", relative to the lengths compared
NEAR = 1e-12  # how far the tree's distances may be from the rules' own, relatively

Rounding = Callable[[np.ndarray], np.ndarray]


class Unsure(Exception):
    """The trees cannot decide this block to the bit: its pairs are enumerated."""


@dataclass
class Runs:
    """The occupied cells of a cell list, ascending, with where their points start and stop in cell
    order, and each cell's box of points."""

    cell: np.ndarray
    start: np.ndarray
    stop: np.ndarray
    low_x: np.ndarray
    high_x: np.ndarray
    low_y: np.ndarray
    high_y: np.ndarray

    @classmethod
    def of(cls, sorted_cell: np.ndarray, sx: np.ndarray, sy: np.ndarray) -> Runs:
        if len(sorted_cell) == 0:
            empty = np.zeros(0, np.int64)
            return cls(empty, empty, empty, *(np.zeros(0) for _ in range(4)))
        start = np.flatnonzero(np.concatenate([[True], sorted_cell[1:] != sorted_cell[:-1]]))
        stop = np.append(start[1:], len(sorted_cell))
        return cls(
            sorted_cell[start],
            start,
            stop,
            np.minimum.reduceat(sx, start),
            np.maximum.reduceat(sx, start),
            np.minimum.reduceat(sy, start),
            np.maximum.reduceat(sy, start),
        )

    @property
    def size(self) -> np.ndarray:
        return self.stop - self.start

    def least(self, values: np.ndarray) -> np.ndarray:
        """The least of `values` (in cell order) per occupied cell."""
        return np.minimum.reduceat(values, self.start) if len(self.start) else values[:0]

    def find(self, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(index, found): the run of each cell number, and whether that cell is occupied."""
        index = np.minimum(np.searchsorted(self.cell, cells), max(len(self.cell) - 1, 0))
        return index, (self.cell[index] == cells) if len(self.cell) else np.zeros(len(cells), bool)


def crowded(sorted_cell: np.ndarray) -> bool:
    """Whether a cell holds enough points (s, with s * s >= `BLOCK_PAIRS`) for a block: else there is
    nothing to look for. A cell holds s points where a point's cell is that of the point s - 1 on:
    one comparison per point (a regular grid's cells hold one point each)."""
    least = max(1, math.isqrt(max(BLOCK_PAIRS - 1, 0)) + 1)
    if len(sorted_cell) < least:
        return False
    return least == 1 or bool((sorted_cell[least - 1 :] == sorted_cell[: 1 - least]).any())


def farthest(a: Runs, u: np.ndarray, b: Runs, v: np.ndarray) -> np.ndarray:
    """The largest distance between a point of box `u` of a and a point of box `v` of b."""
    dx = np.maximum(a.high_x[u] - b.low_x[v], b.high_x[v] - a.low_x[u])
    dy = np.maximum(a.high_y[u] - b.low_y[v], b.high_y[v] - a.low_y[u])
    return np.hypot(dx, dy)


def certainly_below(value: np.ndarray, limit: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """`value < limit - |limit| 1e-9 - 1e-12` (`falls_short`) with room to spare for rounding."""
    return value < limit - np.abs(limit) * 1e-9 - 1e-12 - SLACK * (np.abs(scale) + np.abs(limit)) - 1e-12


def neighbour_blocks(
    cells: Cells, a: Runs, b: Runs, offsets: list, pairs: Callable[[np.ndarray, np.ndarray, int], np.ndarray]
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per offset k: (u, v, key) for the occupied cells u of a whose k-th neighbour v in b is
    occupied and gives at least `BLOCK_PAIRS` candidates (`pairs(u, v, k)`); key = cell * len + k."""
    found = []
    for k, offset in enumerate(offsets):
        v, there = b.find(a.cell + offset)
        u = np.flatnonzero(there)
        v = v[u]
        many = pairs(u, v, k) >= BLOCK_PAIRS
        found.append((u[many], v[many], a.cell[u[many]] * len(offsets) + k))
    return found


def group_nx(cells: Cells, runs: Runs) -> np.ndarray:
    """The row length of each occupied cell's group."""
    return np.broadcast_to(cells.nx[cells.sorted_group(runs.start)], runs.start.shape)


def _margin(d: np.ndarray) -> np.ndarray:
    return NEAR * np.abs(d)


def least_rounded(d: np.ndarray, rnd: Rounding) -> float:
    """The least rounded distance of all, from the tree's least distance (Unsure at a boundary)."""
    least = np.array([float(d.min())])
    low, high = rnd(np.maximum(least - _margin(least), 0.0)), rnd(least + _margin(least))
    if low[0] != high[0]:
        raise Unsure
    return float(low[0])


def tie_verdict(d: np.ndarray, rnd: Rounding, best: float) -> tuple[np.ndarray, np.ndarray]:
    """(certain, possible): whether each tree distance rounds to `best` for sure, or may."""
    return rnd(d + _margin(d)) <= best, rnd(np.maximum(d - _margin(d), 0.0)) <= best


def _nearest(points: np.ndarray, queries: np.ndarray, k: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(distances, indices), k columns, of the k nearest of `points` to each query."""
    from scipy.spatial import cKDTree

    d, i = cKDTree(points).query(queries, k=[*range(1, k + 1)])
    return np.asarray(d), np.asarray(i)


def least_across(
    later_ids: np.ndarray, later_xy: np.ndarray, first_xy: np.ndarray, rnd: Rounding, d: np.ndarray | None = None
) -> tuple[int, float]:
    """(the least id of `later` with a point of `first` at the least rounded distance, that distance);
    `d`: each later point's least distance, if the caller found it."""
    d = _nearest(first_xy, later_xy)[0][:, 0] if d is None else d
    best = least_rounded(d, rnd)
    certain, possible = tie_verdict(d, rnd, best)
    where = np.flatnonzero(possible)
    j = where[np.argmin(later_ids[where])]
    if not certain[j]:
        raise Unsure
    return int(later_ids[j]), best


def least_by_order(
    ids: np.ndarray, xy: np.ndarray, side: np.ndarray | None, rnd: Rounding
) -> tuple[int, np.ndarray, float]:
    """The least pair (higher id, then lower id) at the least rounded distance, among the pairs of
    one set (`side` None) or between two (`side` 0 or 1 per point); ids unique.

    The later point of that pair is the first point, in id order, whose prefix holds a tie pair:
    a prefix of m points is asked with a tree (doubling m, then halving the interval), so ties at
    one spot cost a few trees, not their pairs. Returns (its id, the ids of the points before it
    that may be its partner, the least rounded distance).
    """
    order = np.argsort(ids, kind="stable")
    ids, xy = ids[order], xy[order]
    side = None if side is None else side[order]

    def distances(m: int) -> np.ndarray:
        if side is None:
            return _nearest(xy[:m], xy[:m], 2)[0][:, 1] if m >= 2 else np.zeros(0)
        mine, theirs = xy[:m][side[:m] == 1], xy[:m][side[:m] == 0]
        return _nearest(theirs, mine)[0][:, 0] if len(mine) and len(theirs) else np.zeros(0)

    best = least_rounded(distances(len(ids)), rnd)

    def holds(m: int) -> bool:
        d = distances(m)
        certain, possible = tie_verdict(d, rnd, best)
        if certain.any():
            return True
        if possible.any():
            raise Unsure
        return False

    n, m = len(ids), 2
    while m < n and not holds(m):
        m *= 2
    low, high = m // 2, min(m, n)
    if high == n and not holds(n):
        raise Unsure
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if holds(middle) else (middle, high)
    j = high - 1
    partners = ids[:j] if side is None else ids[:j][side[:j] != side[j]]
    return int(ids[j]), partners, best


def nearest_valid(
    points: np.ndarray, queries: np.ndarray, point_label: np.ndarray, query_label: np.ndarray, most: int
) -> np.ndarray:
    """Per query, the distance to its nearest point of another label, from the `most` nearest (the
    caller makes sure that each query has fewer than `most` points of its own label)."""
    k = min(most, len(points))
    d, i = _nearest(points, queries, k)
    other = point_label[np.minimum(i, len(points) - 1)] != query_label[:, None]
    column = np.argmax(other, axis=1)
    return d[np.arange(len(queries)), column]
