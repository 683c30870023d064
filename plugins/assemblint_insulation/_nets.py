"""The declared nets as flat arrays: every pin with its net, and names for nets and pad groups."""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass

import numpy as np

from assemblint.checking.findings import Objects
from assemblint.model.assembly import Assembly, NetGroup, Selection, SplitPins

_PINS: weakref.WeakKeyDictionary[Assembly, Pins] = weakref.WeakKeyDictionary()


@dataclass
class Pins:
    pad: np.ndarray  # pad id of each pin
    number: np.ndarray  # global net number of each pin: ascending, so each net's pins are one run
    net_groups: list[NetGroup]
    net_starts: np.ndarray  # global number of each group's first net

    @classmethod
    def of(cls, assembly: Assembly) -> Pins:
        """The pins of an assembly's nets, built once and shared by IN001 and IN002."""
        cached = _PINS.get(assembly)
        if cached is None:
            cached = _PINS[assembly] = cls._build(assembly)
        return cached

    @classmethod
    def _build(cls, assembly: Assembly) -> Pins:
        groups = assembly.net_groups
        parts: list[np.ndarray] = []
        sizes_of: list[np.ndarray] = []
        for group in groups:
            if isinstance(group.pins, SplitPins):  # the nets a bump map names: already flat
                parts.append(group.pins.ids)
                sizes_of.append(group.pins.sizes())
            else:
                parts.extend(group.pins)
                sizes_of.append(np.fromiter(map(len, group.pins), dtype=np.int64, count=len(group.pins)))
        sizes = np.concatenate(sizes_of) if sizes_of else np.zeros(0, np.int64)
        starts = np.cumsum([0] + [g.count for g in groups])[:-1]
        return cls(
            pad=np.concatenate(parts).astype(np.int64, copy=False) if parts else np.zeros(0, np.int64),
            number=np.repeat(np.arange(len(sizes)), sizes),
            net_groups=groups,
            net_starts=np.asarray(starts, dtype=np.int64),
        )

    @classmethod
    def names_of(cls, assembly: Assembly) -> Pins:
        """The nets of an assembly, to name and number them, without their pins (what a reduction of
        `--tiles` needs: the run's design may hold no pin)."""
        groups = assembly.net_groups
        starts = np.cumsum([0] + [g.count for g in groups])[:-1]
        empty = np.zeros(0, np.int64)
        return cls(pad=empty, number=empty, net_groups=groups, net_starts=np.asarray(starts, dtype=np.int64))

    @property
    def net_count(self) -> int:
        return sum(g.count for g in self.net_groups)

    def net(self, number: int) -> Selection:
        """Global net number -> a selection of one net of its group."""
        g = int(np.searchsorted(self.net_starts, number, side="right") - 1)
        group = self.net_groups[g]
        return Selection(group, np.array([number - int(self.net_starts[g])]))

    def declaration(self, numbers: np.ndarray) -> np.ndarray:
        """Global net numbers -> the index of the `net` or `nets` statement each belongs to."""
        return np.searchsorted(self.net_starts, numbers, side="right") - 1

    def nets(self, numbers: np.ndarray) -> list[Selection]:
        """Global net numbers -> one selection per statement (compacted to ranges by the finding)."""
        numbers = np.unique(numbers)
        group = self.declaration(numbers)
        return [
            Selection(self.net_groups[g], numbers[group == g] - int(self.net_starts[g]))
            for g in np.unique(group).tolist()
        ]

    def net_name(self, number: int) -> str:
        selection = self.net(number)
        assert selection.index is not None  # net() selects by index
        return selection.target.item_name(int(selection.index[0]))


def runs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(start, stop) of each run of equal values in an array (sorted, so every value is one run)."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    start = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    return start, np.append(start[1:], len(keys))


def declared(name: str) -> str:
    """`units[4].n[2]` -> `n[2]`: a name as its cell declares it, so that every instance merges."""
    return re.sub(r"^.*\]\.", "", name)


def pad_names(assembly: Assembly, pad_ids: np.ndarray) -> str:
    """Pad ids as compact names: `die.c[0:4], sub.p[8]`."""
    netlist = assembly.netlist
    assert netlist is not None
    objects = Objects()
    arrays = netlist.pad_array[pad_ids]
    for index in np.unique(arrays).tolist():
        array = assembly.pad_arrays[index]
        objects.add(Selection(array, np.sort(pad_ids[arrays == index]) - array.start))
    return ", ".join(objects.compact())
