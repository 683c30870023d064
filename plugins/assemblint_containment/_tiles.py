"""CT002 and CT004 on the tiles of `--tiles` (docs/tiles.md): what a layer's masses come to.

Both rules read, per containing layer, only aggregates of the masses it surrounds: whether one of
them must be contained (remelted or liquid in service), the lowest melting point of those, and the
tallest height with its first mass. Each tile sends these per layer over the masses in its core
(every mass lies in exactly one core, with the whole design's id); the run takes the least, the
largest and the first, as one process does over all the masses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assemblint import RuleContext

NO_MASS = np.iinfo(np.int64).max


@dataclass
class LayerPart:
    """Per layer of the design (`Assembly.layers`, in order), over the masses it surrounds."""

    needed: np.ndarray  # how many must be contained (remelted or liquid in service)
    lowest: np.ndarray  # the lowest melting point of those (inf: none)
    tallest: np.ndarray  # the tallest known height (-inf: none)
    tallest_mass: np.ndarray  # the whole design's id of the first mass of that height (NO_MASS: none)

    @classmethod
    def of(cls, ctx: RuleContext) -> LayerPart:
        """On a tile: the masses in its core."""
        tile = ctx.tile
        tl = ctx.timeline
        needs = tl.remelted | tl.liquid_in_service
        heights = ctx.assembly.mass_heights
        n = len(ctx.assembly.layers)
        out = cls(np.zeros(n, np.int64), np.full(n, np.inf), np.full(n, -np.inf), np.full(n, NO_MASS, np.int64))
        for i, layer in enumerate(ctx.assembly.layers):
            ids = tl.surrounded_by(layer)
            ids = ids[tile.mass_core[ids]]
            need = ids[needs[ids]]
            out.needed[i] = len(need)
            if len(need):
                out.lowest[i] = float(tl.melting[need].min())
            known = ids[~np.isnan(heights[ids])]
            if len(known):
                tallest = float(heights[known].max())
                out.tallest[i] = tallest
                out.tallest_mass[i] = int(tile.mass_global[known[heights[known] == tallest]].min())
        return out

    @classmethod
    def merge(cls, parts: list[LayerPart], layers: int) -> LayerPart:
        """The design's, from its tiles': counts added, the least, the largest and its first mass."""
        out = cls(
            np.zeros(layers, np.int64), np.full(layers, np.inf), np.full(layers, -np.inf), np.full(layers, NO_MASS)
        )
        for part in parts:
            if len(part.needed) != layers:
                raise ValueError(f"a tile sent {len(part.needed)} layers, the design has {layers}")
            out.needed += part.needed
            out.lowest = np.minimum(out.lowest, part.lowest)
            first = np.minimum(out.tallest_mass, part.tallest_mass)
            tied = np.where(part.tallest == out.tallest, first, out.tallest_mass)
            out.tallest_mass = np.where(part.tallest > out.tallest, part.tallest_mass, tied)
            out.tallest = np.maximum(out.tallest, part.tallest)
        return out
