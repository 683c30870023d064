"""IN004 insulator: a layer around masses of different nodes conducts."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assemblint import OBJECTS, Finding, Reduction, RuleContext, Severity, rule
from assemblint.analysis.timeline import is_dielectric
from assemblint.model.assembly import Layer

from ._examples import STRAIGHT, design
from ._tiles import band_nodes, node_keys

SILVER_GLUE = """material silver_epoxy { kind composite; resistivity 300 uohm.cm }
layer glue : silver_epoxy { role adhesive; between die, sub; thickness 60 um }
"""
PLAIN_GLUE = """layer glue : epoxy { role adhesive; between die, sub; thickness 60 um }
"""


@rule(
    id="IN004",
    name="insulator",
    severity=Severity.ERROR,
    source='seed 003 claim 1 ("electrically insulating said masses from one another")',
    examples={"fires": design(STRAIGHT, extra=SILVER_GLUE), "passes": design(STRAIGHT, extra=PLAIN_GLUE)},
    doc="""
    A layer that surrounds masses of different electrical nodes is not of a dielectric material.

    Whatever fills the space between the masses also sits between their nodes: a silver-filled
    adhesive, a conductive film or a metal-loaded gel shorts every mass it touches to its
    neighbours. Seed 003's compliant layer contains the masses and insulates them from one
    another, so it must be a dielectric. A material is dielectric when it says `dielectric` or is
    of `kind dielectric`.
    """,
)
def insulator(ctx: RuleContext) -> Iterator[Finding]:
    tl = ctx.timeline
    nodes = ctx.netlist.mass_node
    for layer in ctx.assembly.layers:
        if is_dielectric(layer.material):
            continue
        ids = tl.surrounded_by(layer)
        yield from _finding(ctx, layer, len(ids), len(np.unique(nodes[ids])))


def _finding(ctx: RuleContext, layer: Layer, masses: int, nodes: int) -> Iterator[Finding]:
    """A layer that is not a dielectric, around `masses` masses on `nodes` electrical nodes."""
    if nodes < 2:
        return
    material = layer.material.name if layer.material else "no material"
    yield ctx.finding(
        f"layer {OBJECTS} surrounds {masses} masses on {nodes} electrical nodes, and its material "
        f"{material} is not a dielectric: it connects them",
        objects=layer,
        data={"material": material, "masses": masses, "nodes": nodes},
        cause="conductive",
    )


def _tile_part(ctx: RuleContext) -> list[tuple[int, int, np.ndarray]]:
    """On a tile (`--tiles`): per layer that is not a dielectric, the masses it surrounds in the
    tile's core, counted; the nodes they lie on that lie whole in the tile (`_tiles.py`), counted;
    and the keys of the others, which the run unites with the other tiles'. Dielectric layers:
    (0, 0, no key)."""
    tl, tile = ctx.timeline, ctx.tile
    nodes = ctx.netlist.mass_node
    keys, band = node_keys(ctx), band_nodes(ctx)
    out = []
    for layer in ctx.assembly.layers:
        if is_dielectric(layer.material):
            out.append((0, 0, np.zeros(0, np.int64)))
            continue
        ids = tl.surrounded_by(layer)
        ids = ids[tile.mass_core[ids]]
        on = np.unique(nodes[ids])
        out.append((len(ids), int((~band[on]).sum()), np.unique(keys[on[band[on]]])))
    return out


def _reduce(ctx: RuleContext, parts: list[list[tuple[int, int, np.ndarray]]]) -> Iterator[Finding]:
    """On `--tiles`: each layer's masses added up over the tiles, its nodes those each tile alone
    holds plus the distinct keys of the rest."""
    layers = ctx.assembly.layers
    for part in parts:
        if len(part) != len(layers):
            raise ValueError(f"a tile sent {len(part)} layers, the design has {len(layers)}")
    for i, layer in enumerate(layers):
        if is_dielectric(layer.material):
            continue
        mine = [part[i] for part in parts]
        masses = sum(m for m, _, _ in mine)
        shared = np.unique(np.concatenate([k for _, _, k in mine] or [np.zeros(0, np.int64)]))
        yield from _finding(ctx, layer, masses, sum(n for _, n, _ in mine) + len(shared))


insulator.tiles = Reduction(part=_tile_part, reduce=_reduce)
