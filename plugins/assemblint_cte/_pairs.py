"""The element pairs that masses join directly, and how (CHECKS.md, CTE matching).

A pair is **rigidly joined** when a mass joins it that is solid over the whole operating range
and has no flexible lead in series; **decoupled** when every joining mass is liquid somewhere in
the operating range or has a flexible lead in series (then nothing is reported); **mitigated**
when an `underfill` or `mold` layer lies between the two elements.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from assemblint import CannotRun
from assemblint.model import Element, Layer

MITIGATING_ROLES = ("underfill", "mold")


@dataclass
class JoinedPair:
    first: Element  # the one declared first
    second: Element
    masses: np.ndarray  # global ids of every mass joining the two
    rigid: np.ndarray  # the rigid joints among them
    mitigation: Layer | None  # an underfill or mold layer between them

    @property
    def rigidly_joined(self) -> bool:
        return len(self.rigid) > 0

    @property
    def name(self) -> str:
        return f"{self.first.name}–{self.second.name}"

    @property
    def declared(self) -> str:
        """The pair by declared names (`chip–sheet` for every placed instance): a cause that merges cells."""
        return f"{self.first.name.rsplit('.', 1)[-1]}–{self.second.name.rsplit('.', 1)[-1]}"

    @property
    def mitigation_note(self) -> str:
        """`; the underfill uf couples the elements: for review` (empty when nothing mitigates)."""
        if self.mitigation is None:
            return ""
        return (
            f"; the {self.mitigation.role} {self.mitigation.name.rsplit('.', 1)[-1]} couples the elements: for review"
        )

    @cached_property
    def delta_alpha(self) -> float | None:
        if self.first.cte is None or self.second.cte is None:
            return None
        return abs(self.first.cte - self.second.cte)


def operating_range(tl):
    """The range that decides whether a joint is solid: `operate` (or the elements' ranges), else `cycle`."""
    moment = tl.operating or next((m for m in tl.service if m.name == "cycle"), None)
    if moment is None:
        raise CannotRun("no operating range: give the process an `operate` range, or the elements `operating`")
    return moment


def joined_pairs(ctx) -> list[JoinedPair]:
    """Every pair of elements joined directly by masses, with its rigid joints and mitigation."""
    assembly, netlist, tl = ctx.assembly, ctx.netlist, ctx.timeline
    operating = operating_range(tl)
    joined = np.flatnonzero(netlist.mass_pad_b >= 0)
    a = netlist.pad_element[netlist.mass_pad_a[joined]]
    b = netlist.pad_element[netlist.mass_pad_b[joined]]
    apart = a != b
    joined, a, b = joined[apart], a[apart], b[apart]
    if len(joined) == 0:
        return []
    flexible = np.zeros(netlist.mass_count, dtype=bool)
    for lead in assembly.lead_groups:
        if lead.flexible:
            ends = lead.to_masses[lead.to_masses >= 0]
            flexible[ends] = True
    rigid_mask = ~tl.liquid(operating) & ~flexible
    elements = len(assembly.elements)
    keys = np.minimum(a, b).astype(np.int64) * elements + np.maximum(a, b)
    order = np.argsort(keys, kind="stable")
    keys, joined = keys[order], joined[order]
    bounds = np.flatnonzero(np.diff(keys)) + 1
    mitigations = _mitigating_layers(assembly.layers)
    pairs = []
    for chunk, key in zip(np.split(joined, bounds), keys[np.concatenate([[0], bounds])].tolist(), strict=True):
        first, second = divmod(key, elements)
        pairs.append(
            JoinedPair(
                assembly.elements[first],
                assembly.elements[second],
                chunk,
                chunk[rigid_mask[chunk]],
                mitigations.get((first, second)),
            )
        )
    return pairs


def _mitigating_layers(layers: list[Layer]) -> dict[tuple[int, int], Layer]:
    out: dict[tuple[int, int], Layer] = {}
    for layer in layers:
        if layer.role in MITIGATING_ROLES and layer.between is not None:
            key = tuple(sorted((layer.between[0].index, layer.between[1].index)))
            out.setdefault(key, layer)  # type: ignore[arg-type]
    return out
