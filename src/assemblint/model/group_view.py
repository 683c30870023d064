"""One object per item of a list of groups, made only when asked (`Assembly.masses`, `.pads`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np


class GroupView(Sequence):
    """A read-only sequence over every item of a list of groups, made lazily."""

    def __init__(self, groups: list, make: type, size: str = "count"):
        self._groups = groups
        self._make = make
        self._size = size
        self._starts = np.cumsum([0] + [getattr(g, size) for g in groups])

    def __len__(self) -> int:
        return int(self._starts[-1])

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        g = int(np.searchsorted(self._starts, i, side="right") - 1)
        return self._make(self._groups[g], i - int(self._starts[g]))

    def __iter__(self) -> Iterator:
        for group in self._groups:
            for i in range(getattr(group, self._size)):
                yield self._make(group, i)
