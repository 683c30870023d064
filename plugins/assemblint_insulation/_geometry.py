"""Where masses and pads sit, face by face, and the search for what lies near what.

A mass is at the position of its first pad, on both elements it joins (LANGUAGE.md), and it
touches one face of each: the face of its pad there. Two things can only meet on the same face
of the same element. `Placement` holds that once per design, for IN003 and IN005 alike.

The search is a cell list: the points of each group (a face, or the faces masses link together)
are binned into square cells at least `radius` wide, numbered row by row with an empty border,
and sorted by cell. Everything within `radius` of a point lies in the 3 x 3 cells around its
own, and three cells side by side in a row are one contiguous run of the sorted points, so a
point's candidates are three runs (two for pairs of one set, each pair once), found with one
cumulative count per cell. Every step is a numpy operation over all the points of all groups,
65,536 points at a time (so that the temporaries stay in the processor's cache), with no Python
loop per face or per point. The callers then decide each candidate with their own exact test
(`falls_short`), so the search only has to find a superset.

Measured in CPU seconds (best of 3, a shared 2-CPU machine) on two 1000 x 1000 pad grids at
200 µm, 1,000,000 masses, IN003's reach 120 µm: one scipy cKDTree over the million masses and
`query_pairs` took 0.35 s with its best settings (leafsize 8, unbalanced; 0.5 s with the
defaults), the per-face trees this replaced 1.5 s, and the cell list takes 0.1 s. IN005's bounded
k-nearest queries took 0.5 s per million points; the cell list answers the 2,000,000 points of
both faces in 0.3 s, and needs no Python loop over the 1,200 faces of a flat wafer.
`python benchmarks/bench_insulation.py --per-face` times the per-face trees beside the rules.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from assemblint.base.arrays import distinct
from assemblint.model.assembly import Assembly
from assemblint.model.netlist import Netlist

FACE_NAMES = ("front", "back")

_PLACEMENTS: weakref.WeakKeyDictionary[Assembly, Placement] = weakref.WeakKeyDictionary()


@dataclass
class Placement:
    """Every mass once, at its first pad, with the faces it touches; and the face of every pad.

    A face is keyed `element * 2 + face` (0 front, 1 back). `face_b` is -1 for a one-sided mass.
    """

    netlist: Netlist
    x: np.ndarray
    y: np.ndarray
    face_a: np.ndarray
    face_b: np.ndarray

    @classmethod
    def of(cls, assembly: Assembly) -> Placement:
        """Built once per netlist and shared by IN003 and IN005 (the rules run one after the other)."""
        netlist = assembly.netlist
        assert netlist is not None  # rules run on built designs, which have their netlist
        cached = _PLACEMENTS.get(assembly)
        if cached is None or cached.netlist is not netlist:
            cached = _PLACEMENTS[assembly] = cls._build(netlist)
        return cached

    @classmethod
    def _build(cls, netlist: Netlist) -> Placement:
        pad_a, pad_b = netlist.mass_pad_a, netlist.mass_pad_b
        face_b = _face(netlist, np.maximum(pad_b, 0))
        face_b[pad_b < 0] = -1
        return cls(netlist, netlist.pad_x[pad_a], netlist.pad_y[pad_a], _face(netlist, pad_a), face_b)

    @cached_property
    def pad_face(self) -> np.ndarray:
        """The face of every pad (IN005 only: IN003 needs the masses' faces alone)."""
        return _face(self.netlist, slice(None))

    @cached_property
    def linked_faces(self) -> np.ndarray:
        """A label per mass, equal for masses whose faces are linked through masses touching two faces.

        Two masses with different labels never share a face, so a search for pairs runs within
        each label: one point per mass, rather than one per face a mass touches.
        """
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        a = self.face_a
        if len(a) == 0:
            return a
        b = np.where(self.face_b >= 0, self.face_b, a)
        runs = np.flatnonzero(np.concatenate([[True], (a[1:] != a[:-1]) | (b[1:] != b[:-1])]))  # one edge per run
        faces = int(max(a.max(), b.max())) + 1
        links = coo_matrix((np.ones(len(runs), dtype=np.int8), (a[runs], b[runs])), shape=(faces, faces))
        return connected_components(links, directed=False)[1][a].astype(np.int64)


def _face(netlist: Netlist, pads: np.ndarray | slice) -> np.ndarray:
    key = netlist.pad_element[pads].astype(np.int64)
    key *= 2
    key += netlist.pad_face[pads]
    return key


def face_name(assembly: Assembly, key: int) -> str:
    """`die front`: the element and face a key stands for."""
    return f"{assembly.elements[key // 2].name} {FACE_NAMES[key % 2]}"


def stable_order(keys: np.ndarray) -> np.ndarray:
    """`np.argsort(keys, kind="stable")` for non-negative integers, faster.

    Keys that are already in order (a pad grid, masses declared row by row) cost one comparison;
    others are packed with their index into one integer while `key * n` fits in int64, and the
    packed integers sorted: numpy sorts plain integers several times faster than it argsorts them.
    """
    n = len(keys)
    if n < 2 or bool((keys[1:] >= keys[:-1]).all()):
        return np.arange(n)
    if int(keys.max()) >= (2**62) // n:
        return np.argsort(keys, kind="stable")
    packed = keys.astype(np.int64) * n
    packed += np.arange(n)
    packed.sort()
    return packed % n


BLOCK = 1 << 16  # points looked up per step: the step's arrays stay in the processor's cache
PAIRS_PER_STEP = 1 << 21  # candidate pairs per step, however many points one cell holds
TABLE_LIMIT = (4, 2**20)  # a table of counts for up to 4 cells per point (+ 2^20); else binary searches


def pairs_within(group: np.ndarray, x: np.ndarray, y: np.ndarray, radius: float) -> tuple[np.ndarray, np.ndarray]:
    """(i, j): every unordered pair of points of one group closer than `radius`, once, i != j.

    A few pairs just past `radius` may come too (the callers test each pair exactly).
    """
    found = list(pair_batches_within(group, x, y, radius))
    return _join([i for i, _ in found]), _join([j for _, j in found])


def pair_batches_within(
    group: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    radius: float,
    cells: Cells | None = None,
    skip: np.ndarray | None = None,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """`pairs_within` in batches of about `PAIRS_PER_STEP` candidates: memory bounded by the step,
    not by the pairs (a thousand masses at one spot are half a million pairs).

    `cells`: the cell list of these points, if the caller built it; `skip`: sorted keys
    `cell * 5 + k` of the pairs of cells (a cell and its k-th neighbour of `forward_offsets`)
    whose pairs the caller counted as a whole (`_blocks.py`): they are left out.
    """
    cells = Cells(group, x, y, radius) if cells is None else cells
    sx, sy = cells.sorted(x), cells.sorted(y)  # in cell order: a point's neighbours lie near it in memory
    found_i, found_j = [], []
    for start in range(0, len(sx), BLOCK):
        point = np.arange(start, min(start + BLOCK, len(sx)))
        here, nx = cells.sorted_cell[point], cells.nx[cells.sorted_group(point)]
        # after each point: the rest of its cell and the cell to the right (one run), and the three
        # cells of the row above (one run); the other neighbours find it the same way
        runs = [
            (point, point + 1, cells.before(here + 2)),
            (point, cells.before(here + nx - 1), cells.before(here + nx + 2)),
        ]
        if skip is not None and len(skip) and bool(np.isin(here, skip // 5).any()):
            runs = _runs_but(point, here, forward_offsets(nx), skip, cells, first=point + 1)
        for runs_k in runs:
            for i, j in _run_batches(*runs_k):
                close = _close(sx[i] - sx[j], sy[i] - sy[j], radius)
                found_i.append(i[close])
                found_j.append(j[close])
                if sum(map(len, found_i)) >= PAIRS_PER_STEP:
                    yield cells.original(_join(found_i)), cells.original(_join(found_j))
                    found_i, found_j = [], []
    if found_i:
        yield cells.original(_join(found_i)), cells.original(_join(found_j))


def pairs_between(
    group_a: np.ndarray,
    xa: np.ndarray,
    ya: np.ndarray,
    group_b: np.ndarray,
    xb: np.ndarray,
    yb: np.ndarray,
    radius: float,
    apart: tuple[np.ndarray, np.ndarray] | None = None,
    at: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(i in a, j in b): every point of b within `radius` of a point of a in the same group.

    A few pairs just past `radius` may come too (the callers test each pair exactly). `apart`:
    a label for each point of a and of b (an electrical node); pairs of equal labels are left
    out as they are found, rather than returned by the million to be dropped. `at`: which point
    of a (of xa, ya, and the labels) each entry of `group_a` asks for, so that one point can ask
    in several groups without copies of its coordinates; `i` then indexes `group_a`.
    """
    found = list(pair_batches_between(group_a, xa, ya, group_b, xb, yb, radius, apart, at))
    return _join([i for i, _ in found]), _join([j for _, j in found])


def pair_batches_between(
    group_a: np.ndarray,
    xa: np.ndarray,
    ya: np.ndarray,
    group_b: np.ndarray,
    xb: np.ndarray,
    yb: np.ndarray,
    radius: float,
    apart: tuple[np.ndarray, np.ndarray] | None = None,
    at: np.ndarray | None = None,
    cells: Cells | None = None,
    skip: np.ndarray | None = None,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """`pairs_between` in batches of about `PAIRS_PER_STEP` candidates (memory bounded by the step).

    `cells`: the cell list of b, if the caller built it (`labels` as below); `skip`: sorted keys
    `cell * 9 + k` (the cell of a point of a, its k-th neighbour of `around_offsets`) whose pairs
    the caller counted as a whole (`_blocks.py`): they are left out.
    """
    labels = int(max(group_a.max(initial=-1), group_b.max(initial=-1))) + 1
    cells = Cells(group_b, xb, yb, radius, labels) if cells is None else cells
    sx, sy = cells.sorted(xb), cells.sorted(yb)
    label_b = None if apart is None else cells.sorted(apart[1])
    asked = np.flatnonzero(cells.holds[group_a])
    found_i, found_j = [], []
    for start in range(0, len(asked), BLOCK):
        query = asked[start : start + BLOCK]
        point = query if at is None else at[query]
        qx, qy, qg = xa[point], ya[point], group_a[query]
        here, nx = cells.cell_of(qg, qx, qy, outside=True), cells.nx[cells.one if cells.one is not None else qg]
        mine = np.arange(len(query))
        label_a = None if apart is None else apart[0][point]
        runs = [(mine, cells.before(row - 1), cells.before(row + 2)) for row in (here - nx, here, here + nx)]
        if skip is not None and len(skip) and bool(np.isin(here, skip // 9).any()):
            runs = _runs_but(mine, here, around_offsets(nx), skip, cells)
        for runs_k in runs:  # the three cells of each of the three rows: one run each
            for i, j in _run_batches(*runs_k):
                close = _close(qx[i] - sx[j], qy[i] - sy[j], radius)
                if label_a is not None and label_b is not None:  # both or neither: `apart` given
                    close &= label_a[i] != label_b[j]
                found_i.append(query[i[close]])
                found_j.append(j[close])
                if sum(map(len, found_i)) >= PAIRS_PER_STEP:
                    yield _join(found_i), cells.original(_join(found_j))
                    found_i, found_j = [], []
    if found_i:
        yield _join(found_i), cells.original(_join(found_j))


def forward_offsets(nx: int | np.ndarray) -> list[int | np.ndarray]:
    """The cells whose pairs with a cell's points its points find: itself, right, the row above."""
    return [0 * nx, 1 + 0 * nx, nx - 1, nx, nx + 1]


def around_offsets(nx: int | np.ndarray) -> list[int | np.ndarray]:
    """The nine cells around a cell (itself among them), row by row."""
    return [row + column for row in (-nx, 0 * nx, nx) for column in (-1, 0, 1)]


def _runs_but(
    owner: np.ndarray,
    here: np.ndarray,
    offsets: list[int | np.ndarray],
    skip: np.ndarray,
    cells: Cells,
    first: np.ndarray | None = None,
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """One run per neighbouring cell, empty where (cell, neighbour) is in `skip`; `first`: where
    the run of a point's own cell starts (after the point, for pairs of one set)."""
    runs = []
    for k, offset in enumerate(offsets):
        start = cells.before(here + offset).astype(np.int64)
        if first is not None and k == 0:
            start = first
        stop = cells.before(here + offset + 1).astype(np.int64)
        key = here * len(offsets) + k
        where = np.minimum(np.searchsorted(skip, key), len(skip) - 1)
        runs.append((owner, start, np.where(skip[where] == key, start, stop)))
    return runs


class Cells:
    """Points binned into square cells per group, sorted by cell; `before(c)` counts the points in cells below c.

    Each group has its own block of cells over the bounding box of its points, with a border of
    empty cells, so that the neighbouring cells of a point exist and belong to its group. The
    counts are one table when the cells are few enough (a few per point), else a binary search
    of the sorted cells.
    """

    def __init__(self, group: np.ndarray, x: np.ndarray, y: np.ndarray, radius: float, labels: int | None = None):
        labels = int(group.max(initial=-1)) + 1 if labels is None else labels
        low_x, high_x = _bounds(group, x, labels)
        low_y, high_y = _bounds(group, y, labels)
        self.holds = np.isfinite(low_x)
        held = np.flatnonzero(self.holds)
        self.one = int(held[0]) if len(held) == 1 else None  # the only group: scalars, not gathers
        self.group = group
        span_x = np.where(self.holds, high_x - low_x, 0.0)
        span_y = np.where(self.holds, high_y - low_y, 0.0)
        widest = float(max(span_x.max(initial=0.0), span_y.max(initial=0.0)))
        # a hair wider than the radius, so that rounding never puts two points within reach two
        # cells apart; and at most 2^20 cells across a group, and 2^60 in all, so that cell
        # numbers stay exact integers (only sparse designs with a tiny radius get wider cells)
        self.size = max(radius * (1 + 1e-9), widest / 2**20)
        while float(np.sum((span_x / self.size + 3) * (span_y / self.size + 3))) > 2**60:
            self.size *= 2
        self.low_x, self.low_y = np.where(self.holds, low_x, 0.0), np.where(self.holds, low_y, 0.0)
        self.nx = np.where(self.holds, (span_x / self.size).astype(np.int64) + 3, 0)
        self.ny = np.where(self.holds, (span_y / self.size).astype(np.int64) + 3, 0)
        blocks = self.nx * self.ny
        self.base = np.cumsum(blocks) - blocks
        cell = np.empty(len(x), dtype=np.int64)
        for start in range(0, len(x), BLOCK):  # step by step: no temporaries as large as the points
            step = slice(start, start + BLOCK)
            cell[step] = self.cell_of(group[step], x[step], y[step])
        self.order = None if _ascending(cell) else stable_order(cell)  # None: already in cell order
        self.sorted_cell = self.sorted(cell)
        total = int(blocks.sum())
        per_point, least = TABLE_LIMIT
        self._table = _counts_before(self.sorted_cell, total) if total <= per_point * len(cell) + least else None

    def sorted(self, values: np.ndarray) -> np.ndarray:
        """Values of the points, in cell order."""
        return values if self.order is None else values[self.order]

    def original(self, positions: np.ndarray) -> np.ndarray:
        """Positions in cell order -> the points' own indices."""
        return positions if self.order is None else self.order[positions]

    def sorted_group(self, position: np.ndarray) -> int | np.ndarray:
        """The group of the points at these positions in cell order (a scalar when there is one group)."""
        return self.one if self.one is not None else self.group[self.original(position)]

    def cell_of(self, group: np.ndarray, x: np.ndarray, y: np.ndarray, outside: bool = False) -> np.ndarray:
        """The cell of each point; `outside`: points that may lie outside their group's box go to its edge.

        Inside the box x - low >= 0, so truncating is flooring (and four times faster than `//`).
        A point outside it can only reach the points of the nearest column or row, whose cells
        its neighbourhood at the edge still covers.
        """
        g = self.one if self.one is not None else group
        column = _cell_index(x, self.low_x[g], self.size)
        row = _cell_index(y, self.low_y[g], self.size)
        nx = self.nx[g]
        if outside:
            np.clip(column, 1, nx - 2, out=column)
            np.clip(row, 1, self.ny[g] - 2, out=row)
        row *= nx
        row += column
        row += self.base[g]
        return row

    def before(self, cell: np.ndarray) -> np.ndarray:
        """How many points lie in cells numbered below `cell`: where a run of cells starts or ends."""
        if self._table is not None:
            return self._table[cell]
        return np.searchsorted(self.sorted_cell, cell)


def _ascending(values: np.ndarray) -> bool:
    return len(values) < 2 or bool((values[1:] >= values[:-1]).all())


def _counts_before(sorted_cells: np.ndarray, total: int) -> np.ndarray:
    """table[c] = how many points lie in cells below c, for every cell c <= total (int32 where it fits).

    Built from the runs of equal cells (a repeat), not from a count per cell (a bincount as
    large as the table, and then its cumulative sum): the table is the one array as large as
    the cells, so it is written once.
    """
    n = len(sorted_cells)
    dtype = np.int32 if n < 2**31 else np.int64
    if n == 0:
        return np.zeros(total + 1, dtype=dtype)
    start = np.flatnonzero(np.concatenate([[True], sorted_cells[1:] != sorted_cells[:-1]]))
    cells = sorted_cells[start]
    # cells up to the first occupied one: 0 before; then up to each next occupied cell: the points before it
    widths = np.diff(np.concatenate([[-1], cells, [total]]))
    return np.repeat(np.append(start, n).astype(dtype), widths)


def _cell_index(values: np.ndarray, low: float | np.ndarray, size: float) -> np.ndarray:
    """1 + the number of whole cells between `low` and each value (0 and the last are the empty border)."""
    offset = values - low
    offset /= size
    index = offset.astype(np.int64)
    index += 1
    return index


def _bounds(group: np.ndarray, values: np.ndarray, labels: int) -> tuple[np.ndarray, np.ndarray]:
    """(lowest, highest) value per group label; inf and -inf for a label with no points."""
    low, high = np.full(labels, np.inf), np.full(labels, -np.inf)
    if len(group) == 0:
        return low, high
    step = group[1:] != group[:-1]
    if bool((group[1:][step] > group[:-1][step]).all()):  # each group one run (the usual order): reduce each
        start = np.flatnonzero(np.concatenate([[True], step]))
        low[group[start]], high[group[start]] = np.minimum.reduceat(values, start), np.maximum.reduceat(values, start)
    else:
        np.minimum.at(low, group, values)
        np.maximum.at(high, group, values)
    return low, high


def _run_batches(owner: np.ndarray, start: np.ndarray, stop: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(owner, position) for every position in [start, stop) of each owner, without a Python loop
    per owner, `PAIRS_PER_STEP` at a time (a run longer than that is cut, so a dense cluster's
    candidates never sit in memory all at once)."""
    start = start.astype(np.int64, copy=False)  # the counts table may be int32; the totals may not fit
    count = stop - start
    some = np.flatnonzero(count > 0)
    if len(some) == 0:
        return
    owner, count, start = owner[some], count[some], start[some]
    ends = np.cumsum(count)
    begins = ends - count
    total = int(ends[-1])
    for low in range(0, total, PAIRS_PER_STEP):
        high = min(low + PAIRS_PER_STEP, total)
        k0, k1 = int(np.searchsorted(ends, low, side="right")), int(np.searchsorted(begins, high, side="left"))
        first, last = np.maximum(begins[k0:k1], low), np.minimum(ends[k0:k1], high)
        taken = last - first
        offset = start[k0:k1] + (first - begins[k0:k1]) - (np.cumsum(taken) - taken)
        yield np.repeat(owner[k0:k1], taken), np.arange(high - low) + np.repeat(offset, taken)


def _join(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _close(dx: np.ndarray, dy: np.ndarray, radius: float) -> np.ndarray:
    """Which offsets are no longer than `radius`, with the same hair of slack as the cells."""
    return dx * dx + dy * dy <= (radius * (1 + 1e-9)) ** 2


@dataclass
class Tally:
    """Pairs summed up per finding key as they come, batch by batch, so that no rule keeps its pairs.

    Per key: the weighted count of its pairs, its closest pair (the least `rounded`; ties to the
    least `first`, then `second`), that pair's `value` and `face`, and the distinct objects of all
    its pairs. Nothing here grows with the pairs: a key keeps one pair and its objects.
    """

    key: np.ndarray
    count: np.ndarray
    rounded: np.ndarray
    first: np.ndarray
    second: np.ndarray
    value: np.ndarray
    face: np.ndarray
    member_key: np.ndarray  # (member_key, member): distinct, in order
    member: np.ndarray

    @classmethod
    def of(
        cls,
        key: np.ndarray,
        weight: np.ndarray,
        rounded: np.ndarray,
        first: np.ndarray,
        second: np.ndarray,
        value: np.ndarray,
        face: np.ndarray,
        members: list[np.ndarray],
    ) -> Tally:
        """One batch of pairs; `members`: the arrays (one entry per pair) whose values are the objects."""
        member_key = np.concatenate([key] * len(members)) if len(members) else np.zeros(0, np.int64)
        member = _join(members)
        keys = distinct(key)
        if len(keys) <= 16:  # the usual case, one pair of declarations or a few: a mask per key, no sort
            best = np.array([_least(key == k, rounded, first, second) for k in keys.tolist()], dtype=np.int64)
            count = np.array([weight[key == k].sum() for k in keys.tolist()], dtype=np.int64)
        else:
            order = np.lexsort((second, first, rounded, key))
            start = np.flatnonzero(np.concatenate([[True], key[order][1:] != key[order][:-1]]))
            best = order[start]
            count = np.add.reduceat(weight[order], start) if len(order) else np.zeros(0, np.int64)
        member_key, member = _distinct_rows(member_key, member)
        return cls(
            keys,
            count.astype(np.int64),
            rounded[best],
            first[best],
            second[best],
            value[best],
            face[best],
            member_key,
            member,
        )

    @classmethod
    def merge(cls, parts: list[Tally]) -> Tally:
        """The tally of several batches: counts added, the closest pair of all, the objects of all."""
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return cls(*(np.zeros(0, np.int64) for _ in cls.__dataclass_fields__))
        joined = {name: _join([getattr(p, name) for p in parts]) for name in cls.__dataclass_fields__}
        merged = cls.of(
            joined["key"],
            joined["count"],
            joined["rounded"],
            joined["first"],
            joined["second"],
            joined["value"],
            joined["face"],
            [],
        )
        merged.member_key, merged.member = _distinct_rows(joined["member_key"], joined["member"])
        return merged

    @classmethod
    def blocks(cls, rows: list[tuple[int, int, float, int, int, float, int, np.ndarray]]) -> Tally:
        """Whole blocks of pairs (`_blocks.py`), each as one row: (key, count, rounded, first,
        second, value, face, objects)."""
        if not rows:
            return cls.merge([])
        columns = list(zip(*rows, strict=True))
        ints = [np.array(c, dtype=np.int64) for c in (columns[0], columns[1], columns[3], columns[4], columns[6])]
        key, count, first, second, face = ints
        rounded, value = np.array(columns[2], dtype=np.float64), np.array(columns[5], dtype=np.float64)
        tally = cls.of(key, count, rounded, first, second, value, face, [])
        member_key = np.repeat(key, [len(m) for m in columns[7]])
        tally.member_key, tally.member = _distinct_rows(member_key, _join(list(columns[7])).astype(np.int64))
        return tally

    def members(self, k: int) -> np.ndarray:
        """The distinct objects of the pairs of the `k`-th key, in order."""
        lo, hi = (
            np.searchsorted(self.member_key, self.key[k], side="left"),
            np.searchsorted(self.member_key, self.key[k], side="right"),
        )
        return self.member[lo:hi]


def _least(mine: np.ndarray, rounded: np.ndarray, first: np.ndarray, second: np.ndarray) -> int:
    """The index of the least (rounded, first, second) among `mine`."""
    where = np.flatnonzero(mine)
    where = where[rounded[where] == rounded[where].min()]
    where = where[first[where] == first[where].min()]
    return int(where[np.argmin(second[where])])


def _distinct_rows(key: np.ndarray, value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (key, value) rows of two non-negative integer arrays, in order."""
    if len(key) == 0:
        return key.astype(np.int64), value.astype(np.int64)
    keys, code = (
        np.unique(key, return_inverse=True) if key.min() != key.max() else (key[:1], np.zeros(len(key), np.int64))
    )
    span = int(value.max()) + 1
    rows = distinct(code.astype(np.int64) * span + value)
    return keys[rows // span], rows % span
