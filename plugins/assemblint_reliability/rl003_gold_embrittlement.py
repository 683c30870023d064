"""RL003 gold-embrittlement: gold from the pads' finishes over a few percent of a tin-based joint."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assemblint import OBJECTS, Finding, RuleContext, Severity, exceeds, quantity, rule
from assemblint.checking.ranked import mass_name, ranked, worst_rank
from assemblint.model.assembly import Assembly, Material

from ._common import GOLD_DENSITY, UM3_TO_CM3, rounded_area, short, worst_per_declaration
from ._examples import flip_chip

TIN_BASED = 40.0  # wt % Sn or more (CHECKS.md)
GOLD = 99.0  # wt % Au or more: a gold finish (or std `gold`)


def is_gold(material: Material) -> bool:
    if material.composition is not None:
        return material.composition.get("Au", 0.0) >= GOLD
    return material.name == "gold" and material.library == "std"


def is_tin_based(material: Material | None) -> bool:
    return (
        material is not None and material.composition is not None and material.composition.get("Sn", 0.0) >= TIN_BASED
    )


def gold_thickness(assembly: Assembly) -> np.ndarray:
    """Each pad's gold: the thickness (µm) of the gold layers of its array's `finish`, 0 without one."""
    netlist = assembly.netlist
    assert netlist is not None
    per_array = np.array(
        [sum(t for m, t in (a.finish or ()) if is_gold(m)) for a in assembly.pad_arrays] or [0.0], dtype=float
    )
    return per_array[netlist.pad_array] if len(assembly.pad_arrays) else np.zeros(0)


@rule(
    id="RL003",
    name="gold-embrittlement",
    severity=Severity.WARNING,
    params={"max_gold": quantity("fraction", "3 %", "the most gold in a tin-based joint, by weight")},
    source="IPC J-STD-001 (gold removal: more than about 3 wt % Au embrittles SnPb and SAC joints); CHECKS.md RL003",
    examples={
        "fires": flip_chip(finish="finish nickel 5 um, gold 2 um"),
        "passes": flip_chip(finish="finish nickel 5 um, gold 0.1 um"),
    },
    doc="""
    The gold the pads' finishes bring to a tin-based joint is more than `max_gold` of the joint's
    weight.

    Gold dissolves into molten tin solder within seconds and, as the joint cools, forms AuSn4
    intermetallic needles through it; past about 3 wt % the joint turns brittle and cracks under
    shock and thermal cycling (IPC J-STD-001 asks for gold to be removed from thick-gold leads
    before soldering). The gold of a joint is that of both its pads: the pad's area (its shape)
    times the gold thickness of its `finish` times 19.3 g/cm³. The solder's weight is its volume,
    the joint's footprint (`diameter` or `size`) times its `height`, times its material's
    `density`. A solder is tin-based at 40 wt % Sn or more; a finish layer is gold at 99 wt % Au or
    more, or std `gold`. A pad without a `finish` brings no gold, and a joint that is not tin-based
    is not checked. A joint with gold but no height, footprint or solder density is reported once
    per declaration (info). A fraction exactly at `max_gold` passes.
    """,
)
def gold_embrittlement(ctx: RuleContext) -> Iterator[Finding]:
    for finding, _ in _told(ctx):
        yield finding


def _told(ctx: RuleContext) -> Iterator[tuple[Finding, tuple | None]]:
    """The findings, each with its rank on a tile (`_tiles.py`): a finding over the limit tells its
    worst mass, which a tile may not hold."""
    assembly, net = ctx.assembly, ctx.netlist
    if not any(a.finish for a in assembly.pad_arrays) or net.mass_count == 0:
        return
    limit = ctx.params["max_gold"]
    gold_t = gold_thickness(assembly)
    pad_area = rounded_area(net.pad_width, net.pad_height, net.pad_corner)
    a, b = net.mass_pad_a, net.mass_pad_b
    has_b = b >= 0
    gold_um3 = np.nan_to_num(pad_area[a] * gold_t[a])
    gold_um3[has_b] += np.nan_to_num(pad_area[b[has_b]] * gold_t[b[has_b]])
    gold_g = gold_um3 * UM3_TO_CM3 * GOLD_DENSITY
    groups = assembly.mass_groups
    tin = np.array([is_tin_based(g.joint_material) for g in groups] or [False], dtype=bool)
    density = np.array([(g.joint_material.density if g.joint_material else None) or np.nan for g in groups] or [np.nan])
    footprint = rounded_area(net.mass_width, net.mass_height, net.mass_corner)
    solder_um3 = footprint * assembly.mass_heights
    solder_g = solder_um3 * UM3_TO_CM3 * density[net.mass_group]
    with np.errstate(invalid="ignore", divide="ignore"):
        fraction = 100.0 * gold_g / (gold_g + solder_g)
    checked = tin[net.mass_group] & (gold_g > 0)
    unknown = checked & np.isnan(fraction)
    over = checked & ~np.isnan(fraction) & exceeds(np.nan_to_num(fraction), limit)
    tl = ctx.timeline
    for masses in tl.declarations(tl.selections(np.flatnonzero(unknown))):
        group = masses[0].target
        solder = group.joint_material.name if group.joint_material is not None else "its solder"
        yield (
            ctx.finding(
                f"{OBJECTS} join pads with gold in their finish, but the joint's weight cannot be found (its `height`, "
                f"its `diameter` or `size`, or the `density` of {solder} is missing): RL003 cannot "
                "tell the gold's share",
                objects=masses,
                severity=Severity.INFO,
                data={"missing": "solder weight"},
                cause=f"no solder weight: {short(group.name)}",
            ),
            None,
        )
    for masses, worst, _group in worst_per_declaration(ctx, over, fraction):
        name = mass_name(ctx, worst)
        finding = ctx.finding(
            f"the gold of the pads' finishes is more than {limit:g} % of the weight of {OBJECTS}; the worst, "
            f"{name}: gold {gold_um3[worst]:.4g} µm³ × 19.3 g/cm³ = "
            f"{gold_g[worst] * 1e6:.4g} µg against solder {solder_um3[worst]:.4g} µm³ ({footprint[worst]:.4g} µm² × "
            f"{assembly.mass_heights[worst]:g} µm) × {density[net.mass_group[worst]]:g} g/cm³ = "
            f"{solder_g[worst] * 1e6:.4g} µg: {fraction[worst]:.3g} % Au",
            objects=masses,
            data={
                "gold_fraction": float(fraction[worst]),
                "max_gold": limit,
                "gold_volume": float(gold_um3[worst]),
                "gold_weight_g": float(gold_g[worst]),
                "solder_volume": float(solder_um3[worst]),
                "solder_weight_g": float(solder_g[worst]),
                "solder_density": float(density[net.mass_group[worst]]),
                "worst": name,
            },
            cause=f"gold over {limit:g} %: {short(masses[0].target.name)}",
        )
        yield finding, worst_rank(ctx, fraction[worst], worst)


gold_embrittlement.tiles = ranked(_told)
