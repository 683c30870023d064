"""CTE003 fatigue-life: Engelmaier's cycles to failure of a rigid solder joint, below the `cycle` count."""

from __future__ import annotations

from assemblint import Severity, falls_short, rule

from ._examples import design
from ._pairs import joined_pairs, mitigation_note, pair_key
from ._strain import by_declaration, cycles_to_failure, decisive, engelmaier_exponent, joint_strains, mass_heights


@rule(
    id="CTE003",
    name="fatigue-life",
    severity=Severity.ERROR,
    params={
        "fatigue_ductility": {
            "type": "number",
            "exclusiveMinimum": 0,
            "default": 0.325,
            "description": "εf, the fatigue ductility coefficient of the solder (0.325 for eutectic SnPb)",
        },
        "cycles_per_day": {
            "type": "number",
            "exclusiveMinimum": 0,
            "default": 24,
            "description": "f, the thermal cycles per day of the qualification test or of the field use",
        },
    },
    source="Engelmaier, 'Fatigue life of leadless chip carrier solder joints during power cycling', IEEE "
    "Trans. CHMT 6(3), 1983; IPC-SM-785 (1992); seeds 002 and 004 (CTE matching and its alternatives)",
    examples={"fires": design(grid="8 x 8"), "passes": design(grid="4 x 4")},
    doc="""
    A `cycle … count N` is given and Engelmaier's estimate of the cycles to failure of a rigid
    solder joint is below N; reported as info when an underfill or mold layer mitigates the pair.

    Engelmaier's model: Nf = ½ (Δγ / 2εf)^(1/c), with Δγ = Δα · ΔT · DNP / h the cyclic shear
    strain of the joint (CTE002), εf the fatigue ductility coefficient (`fatigue_ductility`) and
    c = −0.442 − 6·10⁻⁴ T̄ + 1.74·10⁻² ln(1 + f) the fatigue ductility exponent, T̄ the mean
    temperature of the `cycle` range in °C and f the cycles per day (`cycles_per_day`). The
    corner joint, with the largest DNP, fails first: the finding names it with every factor of
    the estimate. Only fusible joints (solder) are estimated; the model says nothing of gold or
    copper bonds. Exactly N cycles passes.
    """,
)
def fatigue_life(ctx):
    tl = ctx.timeline
    cycle = next((m for m in tl.service if m.name == "cycle"), None)
    count = ctx.assembly.process.cycle_count
    if cycle is None or count is None:
        return  # no cycling requirement: nothing to estimate against
    ductility, per_day = ctx.params["fatigue_ductility"], ctx.params["cycles_per_day"]
    mean = (cycle.low + cycle.high) / 2
    exponent = engelmaier_exponent(mean, per_day)
    delta_t = cycle.high - cycle.low
    heights = mass_heights(ctx.assembly)
    for pair in joined_pairs(ctx):
        if not pair.rigidly_joined or pair.delta_alpha is None:
            continue
        every = joint_strains(ctx.assembly, heights, pair.rigid, pair.delta_alpha, delta_t)  # DNP from all rigid joints
        life = cycles_to_failure(every.strain, ductility, exponent)
        short = tl.fusible[every.masses] & falls_short(life, count)  # Engelmaier's model is for solder
        if not short.any():
            continue
        mitigated, note = pair.mitigation is not None, mitigation_note(pair)
        for strains in by_declaration(ctx, every.subset(short)):  # one finding per `masses` statement
            lives = cycles_to_failure(strains.strain, ductility, exponent)
            k = decisive(-lives, strains.dnp)  # the shortest life; a tie past rounding: the first
            corner = ctx.netlist.node_name(ctx.assembly, ctx.netlist.pad_count + int(strains.masses[k]))
            n = len(strains.masses)
            yield ctx.finding(
                f"{n} solder joint{'s' if n != 1 else ''} between {pair.declared} are estimated to fail before the "
                f"{count} cycles of `cycle`; the corner joint {corner}: Δγ {strains.strain[k]:.3g} (DNP "
                f"{strains.dnp[k]:.0f} µm, height {strains.height[k]:g} µm, ΔT {delta_t:g} K), c {exponent:.4f} "
                f"(T̄ {mean:g} °C, {per_day:g} cycles/day), εf {ductility:g} → Nf ≈ {lives[k]:.3g} cycles{note}",
                objects=list(tl.selections(strains.masses)),
                severity="info" if mitigated else None,
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
                    "exponent": exponent,
                    "fatigue_ductility": ductility,
                    "cycles_per_day": per_day,
                    "corner": corner,
                    "mitigated_by": pair.mitigation.name if mitigated else None,
                },
                cause=f"fatigue {pair_key(pair)}",
            )
