"""CTE003 fatigue-life: Engelmaier's cycles to failure of a rigid solder joint, below the `cycle` count."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assemblint import Finding, Reduction, RuleContext, Severity, falls_short, rule
from assemblint.analysis.joints import JoinedPair
from assemblint.analysis.timeline import Moment

from ._examples import design
from ._pairs import joined_pairs, pair_key
from ._strain import (
    HARD_SOLDER,
    FatigueConstants,
    Strains,
    by_declaration,
    cycles_to_failure,
    decisive,
    engelmaier_exponent,
    fatigue_constants,
    joint_strains,
)
from ._tiles import Centres, Pairs, centre_sums, centres, merged_pairs, strained_part


@rule(
    id="CTE003",
    name="fatigue-life",
    severity=Severity.ERROR,
    params={
        "fatigue_ductility": {
            "type": "number",
            "exclusiveMinimum": 0,
            "default": 0.325,
            "description": "εf, the fatigue ductility coefficient of a solder whose material gives none "
            "(0.325 for eutectic SnPb)",
        },
        "cycles_per_day": {
            "type": "number",
            "exclusiveMinimum": 0,
            "default": 24,
            "description": "f, the thermal cycles per day of the qualification test or of the field use",
        },
        "strain_factor": {
            "type": "number",
            "exclusiveMinimum": 0,
            "default": 1.0,
            "description": "F, Engelmaier's empirical strain factor (0.5–1.5; 1 for the plain DNP strain)",
        },
    },
    source="Engelmaier, 'Fatigue life of leadless chip carrier solder joints during power cycling', IEEE "
    "Trans. CHMT 6(3), 1983; IPC-SM-785 (1992); seeds 002 and 004 (CTE matching and its alternatives)",
    examples={"fires": design(grid="8 x 8"), "passes": design(grid="4 x 4")},
    doc="""
    A `cycle … count N` is given and Engelmaier's estimate of the cycles to failure of a rigid
    solder joint is below N.

    Engelmaier's model: Nf = ½ (Δγ / 2εf)^(1/c), with Δγ = F · Δα · ΔT · DNP / h the cyclic shear
    strain of the joint (CTE002's, times the empirical `strain_factor` F; DNP to the farthest
    point of the joint's shape, so a single preform is strained by its own half-diagonal), εf the fatigue
    ductility coefficient and c = c0 + c1·T̄ + c2·ln(1 + f) the fatigue ductility exponent, T̄ the
    mean temperature of the `cycle` range in °C and f the cycles per day (`cycles_per_day`). The
    constants are Engelmaier–Wild's for eutectic SnPb (εf = `fatigue_ductility`, c0 −0.442,
    c1 −6·10⁻⁴, c2 1.74·10⁻²) unless the joint's material gives its own `fatigue_ductility` or
    `fatigue_exponent` (c0, c1, c2); the message says which were used. The corner joint, with the
    largest DNP, fails first: the finding names it with every factor of the estimate. Exactly N
    cycles passes.

    Where the model does not apply there is no estimate: a mitigated pair (an underfill or mold
    couples the elements and carries the load) whose unmitigated estimate would fall short gets
    one info finding, without a number, for review; joints that are not solder (gold, copper
    bonds), hard solders (a solidus above 250 °C: Au–Sn, Au–Ge) and joints that melt within the
    operating or cycle range (their pair is not rigid) get no CTE003 finding at all.
    """,
)
def fatigue_life(ctx: RuleContext) -> Iterator[Finding]:
    tl = ctx.timeline
    cycle = next((m for m in tl.service if m.name == "cycle"), None)
    count = ctx.assembly.process.cycle_count
    if cycle is None or count is None:
        return  # no cycling requirement: nothing to estimate against
    factor = ctx.params["strain_factor"]
    delta_t = cycle.high - cycle.low
    heights = ctx.assembly.mass_heights
    constants = _Constants.of(ctx, cycle)
    for pair in joined_pairs(ctx):
        if not pair.rigidly_joined or pair.delta_alpha is None:
            continue
        # Δγ = F·Δα·ΔT·DNP / h, the DNP from all rigid joints
        every = joint_strains(ctx.assembly, heights, pair.rigid, factor * pair.delta_alpha, delta_t)
        yield from _findings(ctx, pair, every, cycle, constants)


class _Constants:
    """Per mass group its FatigueConstants (from its joint material), εf, c, and whether Engelmaier's
    model is for it (a soft solder: not gold or copper bonds, not hard solders); per mass by its group."""

    def __init__(self, used: list[FatigueConstants], ductility: np.ndarray, exponent: np.ndarray, in_model: np.ndarray):
        self.used, self.ductility, self.exponent, self.in_model = used, ductility, exponent, in_model

    @classmethod
    def of(cls, ctx: RuleContext, cycle: Moment) -> _Constants:
        mean = (cycle.low + cycle.high) / 2
        per_day = ctx.params["cycles_per_day"]
        default = ctx.params["fatigue_ductility"]
        groups = ctx.assembly.mass_groups
        cache: dict[int, FatigueConstants] = {}
        used = [cache.setdefault(id(g.joint_material), fatigue_constants(g.joint_material, default)) for g in groups]
        exponents = {id(k): engelmaier_exponent(mean, per_day, k.exponent) for k in cache.values()}
        # the timeline's melting point of a group: the lowest solidus of its materials (nan: none fusible)
        melting = np.array([np.nan if g.melting_temp is None else g.melting_temp for g in groups], dtype=float)
        return cls(
            used,
            np.array([k.ductility for k in used], dtype=float),
            np.array([exponents[id(k)] for k in used], dtype=float),
            ~np.isnan(melting) & ~(np.nan_to_num(melting, nan=-np.inf) > HARD_SOLDER),
        )


def _findings(
    ctx: RuleContext, pair: JoinedPair, every: Strains, cycle: Moment, constants: _Constants
) -> Iterator[Finding]:
    """A rigidly joined pair's findings, from the strains of all its rigid joints."""
    count = ctx.assembly.process.cycle_count
    assert count is not None
    tl = ctx.timeline
    per_day, factor = ctx.params["cycles_per_day"], ctx.params["strain_factor"]
    mean = (cycle.low + cycle.high) / 2
    delta_t = cycle.high - cycle.low
    group = np.asarray(ctx.netlist.mass_group[every.masses], dtype=np.int64)
    ductility, exponent = constants.ductility[group], constants.exponent[group]
    life = cycles_to_failure(every.strain, ductility, exponent)
    short = constants.in_model[group] & falls_short(life, count)
    if not short.any():
        return
    if pair.mitigation is not None:
        yield _mitigated(ctx, pair, every.masses[short], count)
        return
    for strains in by_declaration(ctx, every.subset(short)):  # one finding per `masses` statement
        mine = np.asarray(ctx.netlist.mass_group[strains.masses], dtype=np.int64)
        lives = cycles_to_failure(strains.strain, constants.ductility[mine], constants.exponent[mine])
        k = decisive(-lives, strains.dnp)  # the shortest life; a tie past rounding: the first
        mass = int(strains.masses[k])
        used = constants.used[int(mine[k])]
        c, eps = float(constants.exponent[mine[k]]), float(constants.ductility[mine[k]])
        corner = ctx.netlist.node_name(ctx.assembly, ctx.netlist.pad_count + mass)
        n = len(strains.masses)
        shown_factor = f"F {factor:g} × " if factor != 1 else ""
        yield ctx.finding(
            f"{n} solder joint{'s' if n != 1 else ''} between {pair.declared} are estimated to fail before the "
            f"{count} cycles of `cycle`; the corner joint {corner}: Δγ {shown_factor}{strains.strain[k]:.3g} (DNP "
            f"{strains.dnp[k]:.0f} µm, height {strains.height[k]:g} µm, ΔT {delta_t:g} K), c {c:.4f} "
            f"(T̄ {mean:g} °C, {per_day:g} cycles/day), εf {eps:g} → Nf ≈ {lives[k]:.3g} cycles, with "
            f"{used.describe()}",
            objects=list(tl.selections(strains.masses)),
            data={
                "pair": [pair.first.name, pair.second.name],
                "cycles_required": count,
                "cycles_to_failure": float(lives[k]),
                "strain": float(strains.strain[k]),
                "dnp": float(strains.dnp[k]),
                "height": float(strains.height[k]),
                "delta_alpha": pair.delta_alpha,
                "delta_t": delta_t,
                "mean_temp": mean,
                "exponent": c,
                "exponent_constants": list(used.exponent),
                "fatigue_ductility": eps,
                "constants": "material" if used.own_ductility or used.own_exponent else "SnPb",
                "strain_factor": factor,
                "cycles_per_day": per_day,
                "corner": corner,
                "mitigated_by": None,
            },
            cause=f"fatigue {pair_key(pair)}",
        )


def _reduce(ctx: RuleContext, parts: list[Pairs | None]) -> Iterator[Finding]:
    """On `--tiles`: each pair's joints estimated to fall short from every tile (`_tiles.py`), in
    the design's order, their strains measured from the centroid of all the pair's joints."""
    tl = ctx.timeline
    cycle = next((m for m in tl.service if m.name == "cycle"), None)
    if cycle is None or ctx.assembly.process.cycle_count is None:
        return
    constants = _Constants.of(ctx, cycle)
    for merged in merged_pairs(ctx, [p for p in parts if p is not None]):
        if merged.pair.delta_alpha is None or merged.strained is None:
            continue
        yield from _findings(ctx, merged.pair, merged.strained, cycle, constants)


def _short(ctx: RuleContext) -> Pairs | None:
    """On a tile: each pair's joints in the core estimated to fail before the cycles required, if
    there is a cycling requirement to estimate against."""
    cycle = next((m for m in ctx.timeline.service if m.name == "cycle"), None)
    count = ctx.assembly.process.cycle_count
    if cycle is None or count is None:
        return None
    constants = _Constants.of(ctx, cycle)

    def falling_short(strains: Strains) -> np.ndarray:
        group = np.asarray(ctx.netlist.mass_group[strains.masses], dtype=np.int64)
        life = cycles_to_failure(strains.strain, constants.ductility[group], constants.exponent[group])
        return np.asarray(constants.in_model[group] & falls_short(life, count), dtype=bool)

    return strained_part(ctx, ctx.params["strain_factor"], cycle.high - cycle.low, falling_short)


def _first_pass(ctx: RuleContext) -> Pairs | None:
    cycle = next((m for m in ctx.timeline.service if m.name == "cycle"), None)
    return None if cycle is None or ctx.assembly.process.cycle_count is None else centre_sums(ctx)


def _centres(ctx: RuleContext, parts: list[Pairs | None]) -> Centres:
    return centres(ctx, [p for p in parts if p is not None])


fatigue_life.tiles = Reduction(part=_short, reduce=_reduce, prepare=_first_pass, combine=_centres)


def _mitigated(ctx: RuleContext, pair: JoinedPair, masses: np.ndarray, count: int) -> Finding:
    """One info finding for a mitigated pair whose unmitigated estimate falls short: no number (CHECKS.md)."""
    layer = pair.mitigation
    assert layer is not None  # called for a mitigated pair only
    n = len(masses)
    return ctx.finding(
        f"{n} solder joint{'s' if n != 1 else ''} between {pair.declared} would be estimated to fail before the "
        f"{count} cycles of `cycle` without the {layer.role} {layer.name.rsplit('.', 1)[-1]}; Engelmaier's model "
        "does not hold under underfill or mold, so no life is estimated: for review (qualify the assembly by test)",
        objects=list(ctx.timeline.selections(np.sort(masses))),
        severity="info",
        data={
            "pair": [pair.first.name, pair.second.name],
            "cycles_required": count,
            "mitigated_by": layer.name,
        },
        cause=f"fatigue {pair_key(pair)}",
    )
