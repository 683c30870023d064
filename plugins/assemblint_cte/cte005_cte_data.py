"""CTE005 cte-data: an element, layer or joint lacks what the CTE rules need to decide."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assemblint import OBJECTS, Finding, Reduction, RuleContext, Severity, rule
from assemblint.analysis.joints import JoinedPair
from assemblint.model.assembly import Element

from ._examples import design
from ._pairs import joined_pairs
from ._tiles import Pairs, merged_pairs, pair_part
from .cte004_closer_cte import compared_layers


@rule(
    id="CTE005",
    name="cte-data",
    severity=Severity.WARNING,
    source="seeds 002, 003, 004 (every CTE comparison needs both CTEs; strain needs the joint's height)",
    examples={"fires": design(height=""), "passes": design()},
    doc="""
    A rigidly joined element, or a `mold` or `dielectric` layer that CTE004 compares, has no CTE,
    or a rigid joint has no `height`, so the CTE rules cannot check it.

    A check that cannot decide says so rather than passing silently. An element's CTE is its own
    `cte`, else its body material's; a layer's is its material's. A joint's height is the `height`
    of its `masses` statement: without it there is no shear strain (CTE002) and no fatigue
    estimate (CTE003). Decoupled pairs (every joint liquid in operation or behind a flexible
    lead) need no CTE and are not reported. For a missing height, the objects are the joints.
    """,
)
def cte_data(ctx: RuleContext) -> Iterator[Finding]:
    heights = ctx.assembly.mass_heights
    rigid = [(pair, pair.rigid[np.isnan(heights[pair.rigid])]) for pair in joined_pairs(ctx) if pair.rigidly_joined]
    yield from _findings(ctx, rigid)


def _findings(ctx: RuleContext, rigid: list[tuple[JoinedPair, np.ndarray]]) -> Iterator[Finding]:
    """The findings, from the rigidly joined pairs in element order, each with its rigid joints
    that have no height."""
    assembly = ctx.assembly
    reported: set[int] = set()
    for pair, missing in rigid:
        for element in (pair.first, pair.second):
            if element.cte is None and id(element) not in reported:
                reported.add(id(element))
                yield ctx.finding(
                    f"{OBJECTS} is rigidly joined to {(pair.second if element is pair.first else pair.first).name} "
                    "but has no CTE (no `cte`, and its body material gives none): CTE001–CTE003 cannot check the pair",
                    objects=element,
                    data={"missing": "cte"},
                    cause="element cte",
                )
        for masses in ctx.timeline.declarations(ctx.timeline.selections(np.sort(missing))):
            yield ctx.finding(
                f"the rigid joints {OBJECTS} between {pair.name} have no `height`: CTE002 and CTE003 cannot "
                "estimate their strain",
                objects=masses,
                data={"missing": "height"},
                cause="joint height",
            )
    for element, mold, dielectric in compared_layers(assembly):
        for thing in (element, mold, dielectric):
            cte = thing.cte if isinstance(thing, Element) else (thing.material.cte if thing.material else None)
            if cte is None and id(thing) not in reported:
                reported.add(id(thing))
                yield ctx.finding(
                    f"{OBJECTS} has no CTE: CTE004 cannot compare the mold and dielectric layers of {element.name}",
                    objects=thing,
                    data={"missing": "cte"},
                    cause="layer cte",
                )


def _reduce(ctx: RuleContext, parts: list[Pairs]) -> Iterator[Finding]:
    """On `--tiles`: the rigidly joined pairs and their joints without a height, from every tile
    (`_tiles.py`); the rest is the design's declarations."""
    yield from _findings(ctx, [(merged.pair, merged.missing) for merged in merged_pairs(ctx, parts)])


def _missing(ctx: RuleContext) -> Pairs:
    return pair_part(ctx, missing=True)


cte_data.tiles = Reduction(part=_missing, reduce=_reduce)
