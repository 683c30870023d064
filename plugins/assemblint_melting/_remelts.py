"""The remelts MH003 and MH004 share: which masses each step melts again, contained or not."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from assemblint.model import Layer, Selection
from assemblint.timeline import Moment, Timeline


@dataclass
class Remelt:
    step: Moment
    joined_at: Moment  # the step that joined these masses
    masses: Selection  # of one mass group
    container: Layer | None  # the layer that contains them at that step, None if uncontained


def remelts(tl: Timeline, layers: list[Layer], contained: bool) -> Iterator[Remelt]:
    """Every remelt by a step, split by mass group, joining step and containing layer."""
    for step in tl.steps:
        melted = tl.remelted_by(step)
        if not melted.any():
            continue
        inside = tl.contained(step)
        melted &= inside if contained else ~inside
        for joined in np.unique(tl.joined_by[melted]).tolist():
            same_join = melted & (tl.joined_by == joined)
            holders = np.unique(tl.container[same_join]).tolist() if contained else [-1]
            for holder in holders:
                mask = same_join & (tl.container == holder) if contained else same_join
                for selection in tl.by_group(mask):
                    yield Remelt(step, tl.steps[joined], selection, layers[holder] if holder >= 0 else None)
