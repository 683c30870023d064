"""A design built for one window of `--tiles`: what its bump maps kept, and how to number it.

A tile's worker builds the design with a window (`load(..., window=)`): the rows of each bump map
(`pads NAME from "map.csv"`) placed outside the window are not read into the model, and the masses
`joins … by position` makes of them follow. What stays must be named as the whole design names
it, so each kept group remembers the whole design's index of each member and the group's whole
count (`rows`, `totals`). A design the window cannot number exactly (bump-map pads named by index,
a map inside a placed cell, …) says why in `inexact`: the run then builds it whole (run/tiles.py).
The run's own process builds the design with a window that holds nothing: its declarations, the
groups' whole counts, the maps' extent and the nets' names, and no rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Windowed:
    """What a windowed build kept (model/tiles.py numbers a tile with it)."""

    window: Any  # model/tiles.Window: holds(x, y) and inside(x, y, margin), bool arrays
    #: per kept group, by ("pads" | "masses", its index in the design): each member's index in the
    #: whole group, and the whole group's count
    rows: dict[tuple[str, int], np.ndarray] = field(default_factory=dict)
    totals: dict[tuple[str, int], int] = field(default_factory=dict)
    extent: list[float] = field(default_factory=lambda: [math.inf, math.inf, -math.inf, -math.inf])
    tolerance: float = 0.0  # the largest `joins … by position` tolerance between bump-map pads
    dropped: int = 0  # pads and masses not kept: the limit on objects counts them all the same
    inexact: list[str] = field(default_factory=list)
    # while building, by id(group): the same as rows/totals (the builder keys them once built)
    pending: dict[int, tuple[np.ndarray, int]] = field(default_factory=dict)
    uses: int = 0  # references to a bump map's pads
    allowed: int = 0  # of which `joins … by position` took these as whole maps
    last: Any = None  # the last map referenced: (its PadArray, whether some of it only)
    parts: list = field(default_factory=list)  # a split task's (Splitter): its map's rows, tile by tile
    nets: Any = None  # the maps' nets merged (names, each map's codes into them): the tiles take them
    net_maps: list[str] = field(default_factory=list)  # the maps with nets, in their order in `nets`
    sizes: dict[str, int] = field(default_factory=dict)  # each map's file, in bytes (`die.b`: …)
    #: 3DBlox connections whose masses (the coinciding bumps) the run counts over the tiles before
    #: they can be numbered (`Coincident`), by name; and, in a tile's first pass, the rows of the
    #: top region's bumps in its core that coincide, and the region's rows
    counting: list[str] = field(default_factory=list)
    coinciding: dict[str, tuple[np.ndarray, int]] = field(default_factory=dict)

    def extend(self, x: np.ndarray, y: np.ndarray) -> None:
        """Grow the extent by these placed positions (every row, kept or not)."""
        if len(x):
            e = self.extent
            e[0], e[1] = min(e[0], float(x.min())), min(e[1], float(y.min()))
            e[2], e[3] = max(e[2], float(x.max())), max(e[3], float(y.max()))

    def refuse(self, reason: str) -> None:
        if reason not in self.inexact:
            self.inexact.append(reason)

    def key(self, groups: dict[int, tuple[str, int]]) -> None:
        """Once built: the pending groups by their key in the design."""
        for ident, (rows, total) in self.pending.items():
            key = groups.get(ident)
            if key is None:  # a group the build dropped (an error): nothing to number
                continue
            self.rows[key], self.totals[key] = rows, total
        self.pending.clear()
        if self.uses > self.allowed and not self.inexact:
            self.refuse("it names bump-map pads other than as whole maps joined `by position`")

    def total(self, key: tuple[str, int], count: int) -> int:
        return self.totals.get(key, count)

    def global_index(self, key: tuple[str, int], local: np.ndarray) -> np.ndarray:
        rows = self.rows.get(key)
        return local if rows is None else rows[local]


class NothingHeld:
    """The window of the run's own process of `--tiles`: it holds no row (model/windowed.py).
    `counts`: each 3DBlox connection's masses, once the tiles have counted them (`Coincident`)."""

    halo = 0.0

    def __init__(self, counts: dict[str, int] | None = None):
        self.counts = counts or {}

    def holds(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.zeros(len(x), dtype=bool)

    def inside(self, x: np.ndarray, y: np.ndarray, margin: float) -> np.ndarray:
        return np.zeros(len(x), dtype=bool)

    def core(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.zeros(len(x), dtype=bool)


_POPCOUNT = np.unpackbits(np.arange(256, dtype=np.uint8)[:, None], axis=1).sum(axis=1).astype(np.int64)


class Coincident:
    """Which bumps of a 3DBlox connection's top region coincide with a bump of its bottom one, over
    the whole design: one bit per bump (its row in the bump map), gathered from every tile's core.
    A connection's masses are its coinciding top bumps in row order, so a mass's index in the whole
    design is the count of coinciding bumps before its own (`rank`): a byte per 8 bumps, not a
    number per mass."""

    def __init__(self, present: np.ndarray):
        self.bits = np.packbits(present, bitorder="little")
        self.count = int(np.count_nonzero(present))

    def rank(self, rows: np.ndarray) -> np.ndarray:
        """Each coinciding bump's mass index in the whole design, by its row."""
        starts = np.concatenate([[0], np.cumsum(_POPCOUNT[self.bits])])
        rows = np.asarray(rows, dtype=np.int64)
        byte = rows >> 3
        below = self.bits[byte] & ((np.int64(1) << (rows & 7)) - 1).astype(np.uint8)
        return starts[byte] + _POPCOUNT[below]


def stand_in(assembly: Any) -> None:
    """Make a build that holds no row the design as the run's process of `--tiles` names it: each
    bump-map group at its whole count and first id, as arrays that cost no memory (read only for
    their length), and a netlist of names alone. No rule runs on it: checking/tiling.py merges the
    tiles' findings onto it and runs the reductions, which name objects by their whole-design ids."""
    windowed = assembly.windowed
    start = 0
    for i, array in enumerate(assembly.pad_arrays):
        total = windowed.total(("pads", i), array.count)
        if total != array.count:
            nothing = np.broadcast_to(np.float64(np.nan), (total,))
            array.x, array.y, array.labels, array.diameters, array.sides = nothing, nothing, None, None, None
        array.start, start = start, start + total
    pads, start = start, 0
    for i, group in enumerate(assembly.mass_groups):
        total = windowed.total(("masses", i), group.count)
        if total != group.count:
            group.pads_a = group.pads_b = np.broadcast_to(np.int64(-1), (total,))
            group.diameter = np.broadcast_to(np.float64(np.nan), (total,))
        group.start, start = start, start + total
    assembly.netlist = Names(assembly, pads, start)


class _Owner:
    """Which group a whole-design id falls in, by the groups' first ids (no array per object)."""

    def __init__(self, starts: list[int]):
        self.starts = np.asarray(starts, dtype=np.int64)

    def __getitem__(self, ids: Any) -> Any:
        found = np.searchsorted(self.starts, ids, side="right") - 1
        return found if isinstance(found, np.ndarray) else int(found)


class Names:
    """The netlist of a stand-in design (`stand_in`): counts, and the name of a node by its id, for
    a reduction to name what the tiles found. Anything else is not there, and a rule that reads it
    fails loudly (crashed), never on made-up data."""

    def __init__(self, assembly: Any, pads: int, masses: int):
        from assemblint.model.netlist import Netlist

        self.pad_count, self.mass_count = pads, masses
        self.lead_count = sum(g.count for g in assembly.lead_groups)
        self.pad_array = _Owner([a.start for a in assembly.pad_arrays])
        self.mass_group = _Owner([g.start for g in assembly.mass_groups])
        self.lead_group = _Owner([g.start for g in assembly.lead_groups])
        self._name = Netlist.node_name

    def node_name(self, assembly: Any, node: int) -> str:
        return str(self._name(self, assembly, node))  # type: ignore[arg-type]

    def seal(self) -> None:
        """Nothing to freeze: it holds no array a rule could change."""


class Splitter:
    """The window of a split task of `--tiles`: it reads one range of one bump map's rows (`key`,
    `die.b`) once and sorts them into the tiles whose core holds each (`bin_of`), keeping none in
    the model; the other maps are not read. The tiles then build their windows from these parts (`Fed`)."""

    halo = 0.0

    def __init__(self, key: str, xs: Any, ys: Any, share: tuple[int, int] = (0, 1)):
        self.key, self.xs, self.ys = key, np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
        self.share = share  # the i-th of k byte ranges of the map's rows (importing/tables.split_rows)
        self.bins = (len(self.xs) + 1) * (len(self.ys) + 1)

    def bin_of(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The tile whose core holds each point (cores half-open, rows of tiles from the lowest y)."""
        i = np.searchsorted(self.xs, x, side="right")
        j = np.searchsorted(self.ys, y, side="right")
        return j * (len(self.xs) + 1) + i

    holds = NothingHeld.holds
    inside = NothingHeld.inside
    core = NothingHeld.core


class Fed:
    """A tile's window with its rows already read by the split tasks (`Splitter`): for each bump
    map, its rows in the window from every range (numbered, and their nets coded, as the whole
    design's), and the names of the maps' nets as the run's process merged them (a tile does not
    merge millions of names again), and each 3DBlox connection's coinciding bumps (`Coincident`,
    by name; None in the first pass, which counts them)."""

    def __init__(
        self, window: Any, parts: dict[str, list[Any]], labels: Any = None, ranks: dict[str, Coincident] | None = None
    ):
        self.window, self.parts, self.labels, self.ranks = window, parts, labels, ranks
        self.halo = window.halo

    def core(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.asarray(self.window.core(x, y))

    def holds(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.asarray(self.window.holds(x, y))

    def inside(self, x: np.ndarray, y: np.ndarray, margin: float) -> np.ndarray:
        return np.asarray(self.window.inside(x, y, margin))
