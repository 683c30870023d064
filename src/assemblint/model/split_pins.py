"""The pins of many nets in two arrays (STACK.md §6: the nets a bump map names)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class SplitPins(Sequence):
    """The pins of many nets as two arrays, not one array per net: a bump map naming 500,000 nets
    costs two arrays. Reads as a sequence of each net's pad ids (views), as `NetGroup.pins` does."""

    def __init__(self, ids: np.ndarray, offsets: np.ndarray):
        self.ids = ids  # pad ids, net after net
        self.offsets = offsets  # net i's pins are ids[offsets[i]:offsets[i + 1]]
        ids.setflags(write=False)
        offsets.setflags(write=False)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self.ids[self.offsets[i] : self.offsets[i + 1]]

    def sizes(self) -> np.ndarray:
        return np.diff(self.offsets)
