"""CTE001 mismatch: rigidly joined elements whose CTEs differ by more than `max_delta`."""

from __future__ import annotations

from collections.abc import Iterator

from assemblint import OBJECTS, Finding, Reduction, RuleContext, Severity, exceeds, quantity, rule
from assemblint.analysis.joints import JoinedPair
from assemblint.base.units import format_quantity

from ._examples import design
from ._pairs import joined_pairs, pair_key
from ._tiles import Pairs, merged_pairs, pair_part


def ppm(value: float) -> str:
    return format_quantity(value, "expansion")


@rule(
    id="CTE001",
    name="mismatch",
    severity=Severity.WARNING,
    params={
        "max_delta": quantity("expansion", "3 ppm/K", "the largest CTE difference between rigidly joined elements")
    },
    source='seed 002 claims 2 and 27 (an interconnect element whose CTE is "substantially equal" to the chip\'s)',
    examples={"fires": design(), "passes": design(board_cte="4.5 ppm/K")},
    doc="""
    Two elements joined directly by a rigid joint, with nothing between them to mitigate, whose
    CTEs differ by more than `max_delta`.

    When the assembly heats and cools, each element expands at its own rate; a rigid joint
    between them is sheared by the difference. Seed 002 avoids this by joining the chip to an
    interconnect element of substantially the same CTE. A pair is rigidly joined when a mass
    that stays solid over the whole operating range, with no flexible lead in series, joins
    them; it is decoupled (not reported) when every joining mass is liquid somewhere in that
    range (seed 003) or has a flexible lead in series (seed 000 claim 2); it is mitigated (not
    reported here) when an `underfill` or `mold` layer lies between them. An element's CTE is
    its `cte`, else its body material's. Exactly `max_delta` passes.
    """,
)
def mismatch(ctx: RuleContext) -> Iterator[Finding]:
    for pair in joined_pairs(ctx):
        if pair.rigidly_joined:
            yield from _finding(ctx, pair, len(pair.rigid))


def _finding(ctx: RuleContext, pair: JoinedPair, rigid: int) -> Iterator[Finding]:
    """A rigidly joined pair, with `rigid` rigid joints."""
    limit = ctx.params["max_delta"]
    delta_alpha, first_cte, second_cte = pair.delta_alpha, pair.first.cte, pair.second.cte
    if pair.mitigation is not None or first_cte is None or second_cte is None:
        return  # a missing CTE (no delta_alpha) is CTE005's
    if delta_alpha is None or not exceeds(delta_alpha, limit):
        return
    yield ctx.finding(
        f"{OBJECTS} are rigidly joined ({rigid} solid joint{'s' if rigid != 1 else ''}, no "
        "underfill or mold between them) and "
        f"their CTEs differ by {ppm(delta_alpha)} ({pair.first.name.rsplit('.', 1)[-1]} "
        f"{ppm(first_cte)}, {pair.second.name.rsplit('.', 1)[-1]} {ppm(second_cte)}), more than "
        f"{ppm(limit)}",
        objects=[pair.first, pair.second],
        data={
            "delta_alpha": delta_alpha,
            "cte": [first_cte, second_cte],
            "max_delta": limit,
            "rigid_joints": rigid,
        },
        cause=f"mismatch {pair_key(pair)}",
    )


def _reduce(ctx: RuleContext, parts: list[Pairs]) -> Iterator[Finding]:
    """On `--tiles`: each pair's rigid joints counted over the tiles (`_tiles.py`)."""
    for merged in merged_pairs(ctx, parts):
        yield from _finding(ctx, merged.pair, merged.count)


mismatch.tiles = Reduction(part=pair_part, reduce=_reduce)
