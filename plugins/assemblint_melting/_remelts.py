"""The remelts MH003 and MH004 share: which masses each step melts again, contained or not."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from assemblint.model import Layer, Selection
from assemblint.timeline import Moment, Timeline, selection_ids


@dataclass
class Remelt:
    step: Moment
    joined_at: Moment  # the step that joined these masses
    masses: Selection  # of one mass group
    container: Layer | None  # the layer that contains them at that step, None if uncontained


def remelts(tl: Timeline, layers: list[Layer], contained: bool) -> Iterator[Remelt]:
    """Every remelt by a step, split by mass group, joining step and containing layer.

    One pass over the remelted masses per step: within a group, the joining step and the
    container are nearly always the same for every mass, and are split only where they differ.
    """
    for step in tl.steps:
        melted = tl.remelted_by(step)
        if not melted.any():
            continue
        inside = tl.contained(step)
        for selection in tl.by_group(melted & (inside if contained else ~inside)):
            group = selection.target
            ids = selection_ids(selection)
            holders = tl.container[ids] if contained else np.full(len(ids), -1)
            keys = tl.joined_by[ids].astype(np.int64) * (len(layers) + 1) + (holders + 1)
            for key in np.unique(keys).tolist():
                part = ids if (keys == key).all() else ids[keys == key]
                joined, holder = divmod(key, len(layers) + 1)
                masses = selection if len(part) == len(ids) else Selection(group, part - group.start)
                yield Remelt(step, tl.steps[joined], masses, layers[holder - 1] if holder else None)
