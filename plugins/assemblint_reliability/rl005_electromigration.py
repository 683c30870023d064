"""RL005 electromigration: the current density through a joint, at its smaller pad."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from assemblint import OBJECTS, Finding, RuleContext, Severity, exceeds, quantity, rule
from assemblint.model.assembly import Assembly, SplitPins

from ._common import UM2_TO_CM2, rounded_area, short, worst_per_declaration
from ._examples import flip_chip


def mass_currents(assembly: Assembly) -> np.ndarray:
    """The current through each mass (A; NaN: none given): its own `current`, else its net's current
    spread evenly over the net's masses (a mass on the pins of two nets with a current takes the larger share)."""
    net = assembly.netlist
    assert net is not None
    current = np.full(net.mass_count, np.nan)
    pad_net = np.full(net.pad_count, -1, dtype=np.int64)
    net_current: list[float] = []
    for group in assembly.net_groups:
        if group.current is None:
            continue
        pins = group.pins
        if isinstance(pins, SplitPins):
            numbers = np.repeat(np.arange(len(pins)) + len(net_current), pins.sizes())
            pad_net[pins.ids] = numbers
        else:
            for k, ids in enumerate(pins):
                pad_net[ids] = len(net_current) + k
        net_current.extend([group.current] * group.count)
    if net_current:
        amps = np.array(net_current)
        mass_ids = np.arange(net.mass_count)
        on_a = pad_net[net.mass_pad_a]
        on_b = np.where(net.mass_pad_b >= 0, pad_net[np.maximum(net.mass_pad_b, 0)], -1)
        # each (mass, net) once, whichever of its pads the net's pins hold: the net's masses
        pairs = np.unique(
            np.concatenate([np.stack([mass_ids, on_a], 1), np.stack([mass_ids, on_b], 1)])[
                np.concatenate([on_a, on_b]) >= 0
            ],
            axis=0,
        )
        masses_per_net = np.bincount(pairs[:, 1], minlength=len(amps))
        each = amps / np.maximum(masses_per_net, 1)
        share = np.full(net.mass_count, np.nan)
        np.fmax.at(share, pairs[:, 0], each[pairs[:, 1]])
        current = share
    own = (
        np.concatenate([np.full(g.count, np.nan if g.current is None else g.current) for g in assembly.mass_groups])
        if assembly.mass_groups
        else np.zeros(0)
    )
    return np.where(np.isnan(own), current, own)


@rule(
    id="RL005",
    name="electromigration",
    severity=Severity.WARNING,
    params={
        "max_current_density": quantity(
            "current density", "10000 A/cm2", "the most current per area of a joint's smaller pad"
        )
    },
    source="K. N. Tu, 'Recent advances on electromigration in very-large-scale-integration of interconnects', "
    "J. Appl. Phys. 94, 5451 (2003): flip-chip solder bumps fail from about 10^4 A/cm2",
    examples={
        "fires": flip_chip(mass="diameter 100 um; height 80 um; current 1 A"),
        "passes": flip_chip(mass="diameter 100 um; height 80 um; current 0.5 A"),
    },
    doc="""
    The current through a joint divided by the area of the smaller of its two pads is more than
    `max_current_density`.

    At current densities near 10⁴ A/cm² the electron wind in a solder bump moves atoms: voids grow
    at the cathode's contact, where the current crowds into the pad, and the joint opens within
    hundreds of hours at operating temperature (K. N. Tu). Small bumps on power nets reach it
    first. A mass's current is its own `current`, else its net's (`net VDD { …; current 2 A }`)
    spread evenly over the masses on the net's pins. The area is that of the smaller pad (its
    shape: round, rectangle, oblong). A design without any `current` is not checked; a joint
    with a current but pads of no size is reported once per declaration (info). A density exactly
    at the limit passes.
    """,
)
def electromigration(ctx: RuleContext) -> Iterator[Finding]:
    assembly, net = ctx.assembly, ctx.netlist
    if net.mass_count == 0 or (
        all(g.current is None for g in assembly.net_groups) and all(g.current is None for g in assembly.mass_groups)
    ):
        return
    limit = ctx.params["max_current_density"]
    amps = mass_currents(assembly)
    area = rounded_area(net.pad_width, net.pad_height, net.pad_corner)
    a, b = net.mass_pad_a, net.mass_pad_b
    smaller = np.where(b >= 0, np.minimum(area[a], area[np.maximum(b, 0)]), area[a])  # NaN if either has no size
    through = np.where(b >= 0, np.where(area[a] <= np.nan_to_num(area[np.maximum(b, 0)], nan=np.inf), a, b), a)
    with np.errstate(invalid="ignore", divide="ignore"):
        density = amps / (smaller * UM2_TO_CM2)
    carrying = ~np.isnan(amps) & (amps > 0)
    unknown = carrying & np.isnan(smaller)
    over = carrying & ~np.isnan(density) & exceeds(np.nan_to_num(density), limit)
    tl = ctx.timeline
    for masses in tl.declarations(tl.selections(np.flatnonzero(unknown))):
        yield ctx.finding(
            f"{OBJECTS} carry a current but their pads have no size (`diameter`, `size`): RL005 cannot find the "
            "current density",
            objects=masses,
            severity=Severity.INFO,
            data={"missing": "pad size"},
            cause=f"no pad size: {short(masses[0].target.name)}",
        )
    pad_name = _pad_namer(assembly)
    for masses, worst, group in worst_per_declaration(ctx, over, density):
        yield ctx.finding(
            f"{OBJECTS} carry more than {limit:g} A/cm² through their smaller pad; the worst, "
            f"{group.item_name(worst - group.start)}: {amps[worst]:.4g} A through {smaller[worst]:.4g} µm² "
            f"({pad_name(int(through[worst]))}) = {density[worst]:.4g} A/cm²",
            objects=masses,
            data={
                "current_density": float(density[worst]),
                "max_current_density": limit,
                "current": float(amps[worst]),
                "area": float(smaller[worst]),
                "worst": group.item_name(worst - group.start),
            },
            cause=f"electromigration: {short(masses[0].target.name)}",
        )


def _pad_namer(assembly: Assembly) -> Callable[[int], str]:
    starts = np.array([p.start for p in assembly.pad_arrays], dtype=np.int64)

    def name(pad: int) -> str:
        array = assembly.pad_arrays[int(np.searchsorted(starts, pad, side="right") - 1)]
        return array.item_name(pad - array.start)

    return name
