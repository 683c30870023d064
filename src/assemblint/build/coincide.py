"""Each point of one set, its nearest point of another: the pads `joins … by position` pairs, the
bumps a 3DBlox connection joins (STACK.md §4, §6).

Pads that are joined almost always coincide, so the pairs are first found by sorting: each point's
grid cell (of the tolerance's size) is looked up among the other set's cells, and a point whose
cell holds exactly one point, within a thousandth of the tolerance, and not near its cell's edge,
has that point as its nearest (no other point can be closer). A k-d tree answers for the rest only:
a million coinciding pairs cost a sort, not a tree of a million points.

Where several points of B are equally near (two bumps at the very same place, a point midway
between two), the one of least index is the nearest: the answer depends on the points alone, not
on the tree's shape, so a window of the design (`--tiles`, which holds B's points in B's order)
pairs exactly as the whole design does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

SHIFT = 0.3183  # the cells' edges sit off round coordinates (k - 0.3183 cells), where real pads lie
CLOSE = 1e-3  # of the tolerance: a pair this close is taken from its cell alone


def nearest(
    ax: np.ndarray, ay: np.ndarray, bx: np.ndarray, by: np.ndarray, tolerance: float
) -> tuple[np.ndarray, np.ndarray]:
    """(distance, index into B) of the point of B nearest to each point of A; B must not be empty."""
    cell = max(float(tolerance), 1e-9)
    distance = np.full(len(ax), np.inf)
    index = np.full(len(ax), -1, dtype=np.int64)
    with np.errstate(invalid="ignore", over="ignore"):
        fx, fy = ax / cell + SHIFT, ay / cell + SHIFT
        keys_a, keys_b = _cell_keys(
            np.floor(fx), np.floor(fy), np.floor(bx / cell + SHIFT), np.floor(by / cell + SHIFT)
        )
    order = np.argsort(keys_b)  # among equal keys any order: a cell of two points goes to the tree
    sorted_b = keys_b[order]
    at = np.minimum(np.searchsorted(sorted_b, keys_a), len(sorted_b) - 1)
    after = np.minimum(at + 1, len(sorted_b) - 1)
    alone = (sorted_b[at] == keys_a) & ((at + 1 >= len(sorted_b)) | (sorted_b[after] != keys_a))
    candidate = order[at]
    with np.errstate(invalid="ignore"):
        gap = np.hypot(ax - bx[candidate], ay - by[candidate])
        margin = np.minimum.reduce([fx - np.floor(fx), np.ceil(fx) - fx, fy - np.floor(fy), np.ceil(fy) - fy])
        sure = alone & (gap <= CLOSE * cell) & (margin > CLOSE)
    distance[sure], index[sure] = gap[sure], candidate[sure]
    rest = np.flatnonzero(~sure)
    if len(rest):
        from scipy.spatial import cKDTree  # imported here: scipy costs ~0.3 s to import

        tree = cKDTree(np.column_stack([bx, by]), balanced_tree=False, compact_nodes=False)
        found = tree.query(np.column_stack([ax[rest], ay[rest]]), k=min(2, len(bx)), workers=-1)
        near, which = np.asarray(found[0], dtype=float), np.asarray(found[1], dtype=np.int64)
        if near.ndim == 1:  # one point of B: no tie
            near, which = near[:, None], which[:, None]
        distance[rest], index[rest] = near[:, 0], which[:, 0]
        tied = rest[near[:, -1] == near[:, 0]] if near.shape[1] > 1 else rest[:0]
        index[tied] = _least_of_nearest(tree, np.column_stack([ax[tied], ay[tied]]), len(bx))
    return distance, index


def _least_of_nearest(tree: Any, points: np.ndarray, count: int) -> np.ndarray:
    """For points with two or more nearest (rare: duplicated pads), the least index among all of
    them: more neighbours asked for (4, 16, …) only while every one asked is as near as the first."""
    least = np.zeros(len(points), dtype=np.int64)
    todo = np.arange(len(points))
    k = 4
    while len(todo):
        found = tree.query(points[todo], k=min(k, count), workers=-1)
        near, which = np.asarray(found[0], dtype=float), np.asarray(found[1], dtype=np.int64)
        tied = near == near[:, :1]
        least[todo] = np.where(tied, which, count).min(axis=1)
        todo = todo[tied[:, -1]] if k < count else todo[:0]
        k *= 4
    return least


def _cell_keys(ax: np.ndarray, ay: np.ndarray, bx: np.ndarray, by: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One sortable key per grid cell (x, y): an int64 when the grid fits 62 bits (sorting and
    searching integers is three times as fast), else the complex number x + iy."""
    both_x, both_y = np.concatenate([ax, bx]), np.concatenate([ay, by])
    if np.isfinite(both_x).all() and np.isfinite(both_y).all():
        low_x, low_y = both_x.min(), both_y.min()
        columns = both_y.max() - low_y + 1
        if (both_x.max() - low_x + 1) * columns < 2.0**62:

            def key(x: np.ndarray, y: np.ndarray) -> np.ndarray:
                return (x - low_x).astype(np.int64) * int(columns) + (y - low_y).astype(np.int64)

            return key(ax, ay), key(bx, by)
    return ax + 1j * ay, bx + 1j * by
