"""The element pairs that masses join directly, and how they are joined (CHECKS.md, CTE matching).

A pair is **rigidly joined** when a mass joins it that is solid over the whole operating range
(and the `cycle` range, where one is given) and has no flexible lead in series; **decoupled** when
every joining mass is liquid somewhere in those ranges or has a flexible lead in series;
**mitigated** when an `underfill` or `mold` layer lies between the two elements. The CTE rules and
the review report's CTE map both read these answers, so they are worked out once, here, from the
timeline and the netlist.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from assemblint.analysis.timeline import Moment, Timeline, timeline_of
from assemblint.model.assembly import FLEXIBLE_LEAD_SHAPES, Assembly, Element, Layer
from assemblint.model.readonly import frozen, frozen_list, seal

MITIGATING_ROLES = ("underfill", "mold")
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass
class JoinedPair:
    first: Element  # the one declared first
    second: Element
    masses: np.ndarray  # global ids of every mass joining the two
    liquid: np.ndarray  # per mass of `masses`: liquid somewhere in the operating or cycle range
    flexible: np.ndarray  # per mass of `masses`: a flexible lead in series
    mitigation: Layer | None  # an underfill or mold layer between them
    operating: Moment | None  # the range that decided (operate, else cycle); None: none given

    @property
    def rigid(self) -> np.ndarray:
        """Global ids of the rigid joints: solid over the operating range, no flexible lead in series."""
        return self.masses[~self.liquid & ~self.flexible]

    @property
    def rigidly_joined(self) -> bool:
        return bool((~self.liquid & ~self.flexible).any())

    @property
    def classification(self) -> str:
        """`rigid`, `decoupled`, `mitigated`, or `not classified` without an operating range."""
        if self.operating is None:
            return "not classified"
        if not self.rigidly_joined:
            return "decoupled"
        return "mitigated" if self.mitigation is not None else "rigid"

    @property
    def name(self) -> str:
        return f"{self.first.name}–{self.second.name}"

    @property
    def declared(self) -> str:
        """The pair by declared names (`chip–sheet` for every placed instance): a cause that merges cells."""
        return f"{self.first.name.rsplit('.', 1)[-1]}–{self.second.name.rsplit('.', 1)[-1]}"

    @property
    def delta_alpha(self) -> float | None:
        if self.first.cte is None or self.second.cte is None:
            return None
        return abs(self.first.cte - self.second.cte)


def operating_moment(tl: Timeline) -> Moment | None:
    """The range that decides whether a joint is solid: `operate` (or the elements' ranges), else `cycle`."""
    return tl.operating or next((m for m in tl.service if m.name == "cycle"), None)


def joined_pairs(assembly: Assembly) -> list[JoinedPair]:
    """Every pair of elements joined directly by masses, in element order (computed once per design).

    Shared by every rule, so read-only as the design is: the arrays frozen, the pairs sealed."""
    cached = _CACHE.get(assembly)
    if cached is None:
        pairs = _joined_pairs(assembly)
        for pair in pairs:
            frozen(pair.masses)
            frozen(pair.liquid)
            frozen(pair.flexible)
            seal(pair)
        cached = _CACHE[assembly] = frozen_list(pairs)
    return cached


def _joined_pairs(assembly: Assembly) -> list[JoinedPair]:
    netlist, tl = assembly.netlist, timeline_of(assembly)
    if netlist is None:
        return []
    joined = np.flatnonzero(netlist.mass_pad_b >= 0)
    a = netlist.pad_element[netlist.mass_pad_a[joined]]
    b = netlist.pad_element[netlist.mass_pad_b[joined]]
    apart = a != b
    joined, a, b = joined[apart], a[apart], b[apart]
    if len(joined) == 0:
        return []
    operating = operating_moment(tl)
    liquid = tl.liquid(operating) if operating is not None else np.zeros(netlist.mass_count, dtype=bool)
    cycle = next((m for m in tl.service if m.name == "cycle"), None)
    if cycle is not None:  # CHECKS.md: rigid only if solid over the cycle range as well as the operating range
        liquid = liquid | tl.liquid(cycle)
    flexible = np.zeros(netlist.mass_count, dtype=bool)
    for lead in assembly.lead_groups:
        if lead.shape in FLEXIBLE_LEAD_SHAPES:
            flexible[lead.to_masses[lead.to_masses >= 0]] = True
    mitigations: dict[tuple[int, int], Layer] = {}
    for layer in assembly.layers:
        if layer.role in MITIGATING_ROLES and layer.between is not None:
            first, second = sorted((layer.between[0].index, layer.between[1].index))
            mitigations.setdefault((first, second), layer)
    elements = len(assembly.elements)
    keys = np.minimum(a, b).astype(np.int64) * elements + np.maximum(a, b)
    order = np.argsort(keys, kind="stable")
    keys, joined = keys[order], joined[order]
    bounds = np.flatnonzero(np.diff(keys)) + 1
    pairs = []
    for chunk, key in zip(np.split(joined, bounds), keys[np.concatenate([[0], bounds])].tolist(), strict=True):
        first, second = divmod(key, elements)
        pairs.append(
            JoinedPair(
                assembly.elements[first],
                assembly.elements[second],
                chunk,
                liquid[chunk],
                flexible[chunk],
                mitigations.get((first, second)),
                operating,
            )
        )
    return pairs
