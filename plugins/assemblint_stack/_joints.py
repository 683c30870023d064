"""The masses that join two elements with heights, as arrays: which element is below, which above.

ST003 (gap) and ST006 (facing) judge the same masses; each reports the offending ones grouped by
their declaration and the pair of elements, one finding per group (never a loop per mass).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from assemblint import RuleContext
from assemblint.model.assembly import MassGroup

from ._stack import Elements, mass_elements


@dataclass(frozen=True)
class StackJoints:
    """The masses joining two distinct elements that both have heights, at different mid-heights."""

    ids: np.ndarray  # global mass ids
    lower: np.ndarray  # element index of the lower element
    upper: np.ndarray
    lower_pad: np.ndarray  # global pad id on the lower element
    upper_pad: np.ndarray

    @classmethod
    def of(cls, ctx: RuleContext, stack: Elements) -> StackJoints:
        net = ctx.netlist
        a, b = mass_elements(ctx)
        ok = (b >= 0) & (a != b)
        ok[ok] &= stack.has_height[a[ok]] & stack.has_height[b[ok]]
        ids = np.flatnonzero(ok)
        a, b = a[ids], b[ids]
        mid_a, mid_b = stack.middle[a], stack.middle[b]
        level = mid_a != mid_b  # side by side: neither faces the other (ST002 reports the overlap)
        ids, a, b = ids[level], a[level], b[level]
        a_below = mid_a[level] < mid_b[level]
        pad_a, pad_b = net.mass_pad_a[ids], net.mass_pad_b[ids]
        return cls(
            ids,
            np.where(a_below, a, b),
            np.where(a_below, b, a),
            np.where(a_below, pad_a, pad_b),
            np.where(a_below, pad_b, pad_a),
        )

    def gap(self, stack: Elements) -> np.ndarray:
        """Per mass, the lower element's top to the upper element's bottom (negative: they interpenetrate)."""
        return stack.z[self.upper] - stack.top[self.lower]


def by_group_and_pair(
    ctx: RuleContext, ids: np.ndarray, lower: np.ndarray, upper: np.ndarray, cause: np.ndarray | None = None
) -> Iterator[tuple[MassGroup, np.ndarray, int, int, int]]:
    """(group, local indices, lower, upper, cause code) for each mass declaration, element pair and
    cause among the masses `ids`: the grouping is one np.unique, the loop is per group of findings."""
    if len(ids) == 0:
        return
    code = np.zeros(len(ids), dtype=np.int64) if cause is None else cause.astype(np.int64)
    n = max(len(ctx.assembly.elements), 1)
    group = ctx.netlist.mass_group[ids]
    keys = ((group * n + lower) * n + upper) * 4 + code  # one int64 per mass: codes < 4, ids < n
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    bounds = np.flatnonzero(np.diff(sorted_keys)) + 1
    heads = sorted_keys[np.r_[0, bounds]]
    rest, code_of = np.divmod(heads, 4)
    rest, upper_of = np.divmod(rest, n)
    group_of, lower_of = np.divmod(rest, n)
    unique = np.stack([group_of, lower_of, upper_of, code_of], axis=1)
    for key, chunk in zip(unique.tolist(), np.split(order, bounds), strict=True):
        mass_group = ctx.assembly.mass_groups[key[0]]
        yield mass_group, np.sort(ids[chunk]) - mass_group.start, key[1], key[2], key[3]
