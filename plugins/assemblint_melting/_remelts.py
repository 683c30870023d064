"""The remelts MH003 and MH004 share: which masses each step melts again, contained or not."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from assemblint.analysis.timeline import Moment, Timeline
from assemblint.base.diagnostics import Location
from assemblint.model.assembly import Layer, MassGroup, Selection


@dataclass
class Remelt:
    step: Moment
    joined_at: Moment  # the step that joined these masses
    masses: list[Selection]  # of the mass groups of one declaration (one per placed cell instance)
    container: Layer | None  # a layer that contains them at that step (one instance's), None if uncontained

    @property
    def group(self) -> MassGroup:
        return self.masses[0].target


def remelts(tl: Timeline, layers: list[Layer], contained: bool) -> Iterator[Remelt]:
    """Every remelt by a step, by mass declaration, joining step and containing layer declaration.

    Vectorised: one sort of the remelted masses per step, then a Python step per finding only.
    """
    for step in tl.steps:
        melted = tl.remelted_by(step)
        if not melted.any():
            continue
        inside = tl.contained(step)
        ids = np.flatnonzero(melted & (inside if contained else ~inside))
        if len(ids) == 0:
            continue
        holders = tl.container[ids] if contained else np.full(len(ids), -1, dtype=np.int32)
        # the containing layer's declaration, so that the instances of a cell's layer count as one
        holder_decl = np.where(holders >= 0, _layer_declarations(layers)[np.maximum(holders, 0)] + 1, 0)
        keys = tl.joined_by[ids].astype(np.int64) * (len(layers) + 1) + holder_decl
        for key in np.unique(keys).tolist():
            part = ids[keys == key]
            joined = key // (len(layers) + 1)
            first_holder = int(holders[keys == key][0])
            for masses in tl.declarations(tl.selections(part)):
                yield Remelt(step, tl.steps[joined], masses, layers[first_holder] if first_holder >= 0 else None)


def _layer_declarations(layers: list[Layer]) -> np.ndarray:
    """Per layer, the index of the first layer with the same declaration (a cell's instances share one)."""
    first: dict[Location, int] = {}
    return np.array([first.setdefault(layer.loc, i) for i, layer in enumerate(layers)] or [0], dtype=np.int64)
