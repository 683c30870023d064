"""CTE002 joint-strain: the shear strain of a rigid joint, Δα·ΔT·DNP / h, above `max_shear_strain`."""

from __future__ import annotations

from collections.abc import Iterator

from assemblint import Finding, Reduction, RuleContext, Severity, exceeds, rule
from assemblint.analysis.joints import JoinedPair
from assemblint.analysis.timeline import Moment, Timeline
from assemblint.base.units import format_quantity

from ._examples import design
from ._pairs import joined_pairs, mitigation_note, operating_range, pair_key
from ._strain import Strains, by_declaration, joint_strains
from ._tiles import Pairs, centre_sums, centres, merged_pairs, strained_part


def swing(tl: Timeline) -> Moment:
    """ΔT: the `cycle` range if given, else the operating range."""
    return next((m for m in tl.service if m.name == "cycle"), None) or operating_range(tl)


@rule(
    id="CTE002",
    name="joint-strain",
    severity=Severity.ERROR,
    params={
        "max_shear_strain": {
            "type": "number",
            "exclusiveMinimum": 0,
            "default": 0.02,
            "description": "the largest cyclic shear strain a rigid joint may take",
        }
    },
    source="seed 002 claims 2, 27; seeds 003, 004; the distance-to-neutral-point shear model "
    "(Engelmaier, 'Fatigue life of leadless chip carrier solder joints', 1983; Lau, 'Solder Joint Reliability', 1991)",
    examples={"fires": design(), "passes": design(grid="3 x 3")},
    doc="""
    The shear strain of a rigid joint between two elements, Δγ = Δα · ΔT · DNP / h, exceeds
    `max_shear_strain`; reported as info when an underfill or mold layer mitigates the pair.

    Δα is the difference of the two elements' CTEs, ΔT the temperature swing (the `cycle` range
    if given, else the operating range), DNP the distance from the neutral point (the centroid
    of the rigid joints' centres between the pair: the point that does not move) to the farthest
    point of the joint's shape, and h the joint's `height`. The shape is the true one (STACK.md
    §3): a round joint's DNP is its centre's distance plus its radius, a rectangular joint's
    (`size W x H`, or a joint that takes its rectangular pad's shape) reaches its farthest
    corner, so a single large joint (one preform under a die, whose neutral point is its own
    centre) is strained by its own half-diagonal. The corner joints, farthest from the neutral
    point, take the most strain and fail first; the finding names the corner joint that decides and gives every factor.
    An underfill or mold couples the two elements and carries most of the load, so a mitigated
    pair is listed for review instead (seed 004). Joints without a height are CTE005's.
    Exactly `max_shear_strain` passes.
    """,
)
def joint_strain(ctx: RuleContext) -> Iterator[Finding]:
    moment = swing(ctx.timeline)
    delta_t = moment.high - moment.low
    heights = ctx.assembly.mass_heights
    for pair in joined_pairs(ctx):
        if not pair.rigidly_joined or pair.delta_alpha is None:
            continue
        every = joint_strains(ctx.assembly, heights, pair.rigid, pair.delta_alpha, delta_t)  # DNP from all rigid joints
        yield from _findings(ctx, pair, every, moment)


def _findings(ctx: RuleContext, pair: JoinedPair, every: Strains, moment: Moment) -> Iterator[Finding]:
    """A rigidly joined pair's findings, from the strains of all its rigid joints."""
    limit = ctx.params["max_shear_strain"]
    delta_t = moment.high - moment.low
    assert pair.delta_alpha is not None
    over = exceeds(every.strain, limit)
    if not over.any():
        return
    mitigated, note = pair.mitigation is not None, mitigation_note(pair)
    for strains in by_declaration(ctx, every.subset(over)):  # one finding per `masses` statement
        k = strains.corner()
        corner = ctx.netlist.node_name(ctx.assembly, ctx.netlist.pad_count + int(strains.masses[k]))
        count = len(strains.masses)
        yield ctx.finding(
            f"{count} rigid joint{'s' if count != 1 else ''} between {pair.declared} shear by more than "
            f"{limit:g}; the corner joint {corner}: Δα {format_quantity(pair.delta_alpha, 'expansion')} × "
            f"ΔT {delta_t:g} K ({moment.name}) × DNP {strains.dnp[k]:.0f} µm / height {strains.height[k]:g} µm "
            f"= {strains.strain[k]:.3g}{note}",
            objects=list(ctx.timeline.selections(strains.masses)),
            severity="info" if mitigated else None,
            data={
                "pair": [pair.first.name, pair.second.name],
                "delta_alpha": pair.delta_alpha,
                "delta_t": delta_t,
                "dnp": float(strains.dnp[k]),
                "height": float(strains.height[k]),
                "strain": float(strains.strain[k]),
                "max_shear_strain": limit,
                "corner": corner,
                "mitigated_by": pair.mitigation.name if pair.mitigation is not None else None,
            },
            cause=f"strain {pair_key(pair)}",
        )


def _reduce(ctx: RuleContext, parts: list[Pairs]) -> Iterator[Finding]:
    """On `--tiles`: each pair's joints past the limit from every tile (`_tiles.py`), in the
    design's order, their strains measured from the centroid of all the pair's joints."""
    moment = swing(ctx.timeline)
    for merged in merged_pairs(ctx, parts):
        if merged.pair.delta_alpha is None or merged.strained is None:
            continue
        yield from _findings(ctx, merged.pair, merged.strained, moment)


def _past_limit(ctx: RuleContext) -> Pairs:
    moment = swing(ctx.timeline)
    limit = ctx.params["max_shear_strain"]
    return strained_part(ctx, 1.0, moment.high - moment.low, lambda strains: exceeds(strains.strain, limit))


joint_strain.tiles = Reduction(part=_past_limit, reduce=_reduce, prepare=centre_sums, combine=centres)
