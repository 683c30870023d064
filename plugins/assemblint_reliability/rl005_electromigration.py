"""RL005 electromigration: the current density through a joint, at its smaller pad."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from assemblint import OBJECTS, Finding, Reduction, RuleContext, Severity, exceeds, quantity, rule
from assemblint.analysis.timeline import selection_ids
from assemblint.base.arrays import distinct_pairs
from assemblint.model.assembly import Assembly, MassGroup, SplitPins

from ._common import UM2_TO_CM2, rounded_area, short, worst_per_declaration
from ._examples import flip_chip


def mass_currents(assembly: Assembly) -> np.ndarray:
    """The current through each mass (A; NaN: none given): its own `current`, else its net's current
    spread evenly over the net's masses (a mass on the pins of two nets with a current takes the larger share)."""
    net = assembly.netlist
    assert net is not None
    current = np.full(net.mass_count, np.nan)
    pad_net, amps = current_nets(assembly)
    if len(amps):
        mass_ids = np.arange(net.mass_count)
        on_a, on_b = mass_nets(assembly, pad_net)
        # each (mass, net) once, whichever of its pads the net's pins hold: the net's masses
        on = np.concatenate([on_a, on_b])
        pairs = distinct_pairs(np.concatenate([mass_ids, mass_ids])[on >= 0], on[on >= 0])
        masses_per_net = np.bincount(pairs[:, 1], minlength=len(amps))
        each = amps / np.maximum(masses_per_net, 1)
        share = np.full(net.mass_count, np.nan)
        np.fmax.at(share, pairs[:, 0], each[pairs[:, 1]])
        current = share
    own = own_currents(assembly)
    return np.where(np.isnan(own), current, own)


def current_nets(assembly: Assembly) -> tuple[np.ndarray, np.ndarray]:
    """Each pad's net among the nets with a `current` (numbered over those, in declaration order;
    -1: none; a pad of two such nets: the later's), and each such net's current (A)."""
    net = assembly.netlist
    assert net is not None
    pad_net = np.full(net.pad_count, -1, dtype=np.int64)
    numbered = 0
    for group in assembly.net_groups:
        if group.current is None:
            continue
        pins = group.pins
        if isinstance(pins, SplitPins):
            numbers = np.repeat(np.arange(len(pins)) + numbered, pins.sizes())
            pad_net[pins.ids] = numbers
        else:
            for k, ids in enumerate(pins):
                pad_net[ids] = numbered + k
        numbered += group.count
    return pad_net, net_currents(assembly)


def net_currents(assembly: Assembly) -> np.ndarray:
    """The current (A) of each net with a `current`, numbered over those in declaration order."""
    net_current: list[float] = []
    for group in assembly.net_groups:
        if group.current is not None:
            net_current.extend([group.current] * group.count)
    return np.array(net_current, dtype=float)


def mass_nets(assembly: Assembly, pad_net: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each mass's net with a current by its first pad, and by its second (-1: none)."""
    net = assembly.netlist
    assert net is not None
    on_a = pad_net[net.mass_pad_a]
    on_b = np.where(net.mass_pad_b >= 0, pad_net[np.maximum(net.mass_pad_b, 0)], -1)
    return on_a, on_b


def own_currents(assembly: Assembly) -> np.ndarray:
    """Each mass's own `current` (NaN: its statement gives none)."""
    return (
        np.concatenate([np.full(g.count, np.nan if g.current is None else g.current) for g in assembly.mass_groups])
        if assembly.mass_groups
        else np.zeros(0)
    )


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
    assembly = ctx.assembly
    if not _checked(ctx):
        return
    limit = ctx.params["max_current_density"]
    amps = mass_currents(assembly)
    smaller, through = _smaller_pads(ctx)
    with np.errstate(invalid="ignore", divide="ignore"):
        density = amps / (smaller * UM2_TO_CM2)
    carrying = ~np.isnan(amps) & (amps > 0)
    unknown = carrying & np.isnan(smaller)
    over = carrying & ~np.isnan(density) & exceeds(np.nan_to_num(density), limit)
    yield from _unknown(ctx, np.flatnonzero(unknown))
    pad_name = _pad_namer(assembly)
    for masses, worst, group in worst_per_declaration(ctx, over, density):
        figures = (float(amps[worst]), float(smaller[worst]), float(density[worst]))
        yield _over(ctx, masses, worst, group, figures, pad_name(int(through[worst])))


def _checked(ctx: RuleContext) -> bool:
    """Whether the design is checked: it has masses, and a `current` on a net or a mass."""
    assembly = ctx.assembly
    return ctx.netlist.mass_count > 0 and not (
        all(g.current is None for g in assembly.net_groups) and all(g.current is None for g in assembly.mass_groups)
    )


def _smaller_pads(ctx: RuleContext) -> tuple[np.ndarray, np.ndarray]:
    """Per mass, the area of the smaller of its pads (µm²; NaN if either has no size) and that pad."""
    net = ctx.netlist
    area = rounded_area(net.pad_width, net.pad_height, net.pad_corner)
    a, b = net.mass_pad_a, net.mass_pad_b
    smaller = np.where(b >= 0, np.minimum(area[a], area[np.maximum(b, 0)]), area[a])  # NaN if either has no size
    through = np.where(b >= 0, np.where(area[a] <= np.nan_to_num(area[np.maximum(b, 0)], nan=np.inf), a, b), a)
    return smaller, through


def _unknown(ctx: RuleContext, ids: np.ndarray) -> Iterator[Finding]:
    """The masses (sorted ids) that carry a current through pads of no size, per declaration."""
    tl = ctx.timeline
    for masses in tl.declarations(tl.selections(ids)):
        yield ctx.finding(
            f"{OBJECTS} carry a current but their pads have no size (`diameter`, `size`): RL005 cannot find the "
            "current density",
            objects=masses,
            severity=Severity.INFO,
            data={"missing": "pad size"},
            cause=f"no pad size: {short(masses[0].target.name)}",
        )


def _over(
    ctx: RuleContext, masses: list, worst: int, group: MassGroup, figures: tuple[float, float, float], pad: str
) -> Finding:
    """A declaration's masses over the limit; `figures`: the worst's current, smaller pad's area and
    current density; `pad`: the name of that pad."""
    limit = ctx.params["max_current_density"]
    amps, smaller, density = figures
    return ctx.finding(
        f"{OBJECTS} carry more than {limit:g} A/cm² through their smaller pad; the worst, "
        f"{group.item_name(worst - group.start)}: {amps:.4g} A through {smaller:.4g} µm² "
        f"({pad}) = {density:.4g} A/cm²",
        objects=masses,
        data={
            "current_density": density,
            "max_current_density": limit,
            "current": amps,
            "area": smaller,
            "worst": group.item_name(worst - group.start),
        },
        cause=f"electromigration: {short(masses[0].target.name)}",
    )


@dataclass
class _Part:
    """A tile's masses over the limit, in its core (the whole design's ids), once every net's current
    is shared over all its masses (`ctx.shared`: the first pass); and those that carry a current
    through pads of no size. The masses over the limit come in classes of equal current density
    (their group, their nets with a current, the smaller pad's area), each with its figures, its
    masses and the pad of its first: a tile sends what its findings tell, not every mass."""

    unknown: np.ndarray
    figures: np.ndarray  # per class: current (A), the smaller pad's area (µm²), current density (A/cm²)
    through: np.ndarray  # per class: the smaller pad of its first mass (the whole design's pad id)
    masses: np.ndarray  # every class's mass ids, class after class
    offsets: np.ndarray  # class k's masses: masses[offsets[k]:offsets[k + 1]]


def _core_nets(ctx: RuleContext) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """A tile's core masses and their nets with a current (by the first pad, by the second), and how
    many of its core masses lie on each such net (None: the design is not checked)."""
    if not _checked(ctx):
        return None
    pad_net, amps = current_nets(ctx.assembly)
    on_a, on_b = mass_nets(ctx.assembly, pad_net)
    core = np.flatnonzero(ctx.tile.mass_core)
    pairs = distinct_pairs(np.concatenate([core, core]), np.concatenate([on_a[core], on_b[core]]))
    pairs = pairs[pairs[:, 1] >= 0]
    return core, on_a, on_b, np.bincount(pairs[:, 1], minlength=len(amps))


def _count_per_net(ctx: RuleContext) -> np.ndarray | None:
    """The first pass on a tile: how many of its core masses lie on each net with a current."""
    found = _core_nets(ctx)
    return None if found is None else found[3]


def _share(ctx: RuleContext, counts: list[np.ndarray | None]) -> np.ndarray | None:
    """Once, in the run: each net's current over all of its masses, the tiles' counts added."""
    if not _checked(ctx):
        return None
    amps = net_currents(ctx.assembly)
    per_net = np.zeros(len(amps), dtype=np.int64)
    for count in counts:  # None: a tile without masses
        if count is None:
            continue
        if len(count) != len(amps):
            raise ValueError(f"a tile counts {len(count)} nets with a current, the design has {len(amps)}")
        per_net += count
    return amps / np.maximum(per_net, 1)


def _tile_part(ctx: RuleContext) -> _Part | None:
    """On a tile (`--tiles`): `_Part` of the masses in its core, each net's share read from `ctx.shared`."""
    found = _core_nets(ctx)
    if found is None:
        return None
    core, on_a, on_b, _ = found
    each = ctx.shared
    own = own_currents(ctx.assembly)
    group_of = ctx.netlist.mass_group
    own_core = own[core]
    carrying = (~np.isnan(own_core) & (own_core > 0)) | (np.isnan(own_core) & ((on_a[core] >= 0) | (on_b[core] >= 0)))
    core = core[carrying]
    smaller, through = _smaller_pads(ctx)
    unknown = np.isnan(smaller[core])
    known = core[~unknown]
    by_own = ~np.isnan(own[known])
    nets_a, nets_b = np.where(by_own, -1, on_a[known]), np.where(by_own, -1, on_b[known])
    shared = (
        np.fmax(
            np.where(nets_a >= 0, each[np.maximum(nets_a, 0)], np.nan),
            np.where(nets_b >= 0, each[np.maximum(nets_b, 0)], np.nan),
        )
        if len(each)
        else np.full(len(known), np.nan)
    )
    current = np.where(by_own, own[known], shared)
    with np.errstate(invalid="ignore", divide="ignore"):
        density = current / (smaller[known] * UM2_TO_CM2)
    over = ~np.isnan(density) & exceeds(np.nan_to_num(density), ctx.params["max_current_density"])
    known, nets_a, nets_b = known[over], nets_a[over], nets_b[over]
    current, density = current[over], density[over]
    rows = np.column_stack([group_of[known], nets_a, nets_b, smaller[known].view(np.int64)])
    _, first_row, kind = np.unique(rows, axis=0, return_index=True, return_inverse=True)
    kind = kind.reshape(-1)
    order = np.argsort(kind, kind="stable")  # within a class, in id order: its first is the least
    first = known[first_row]
    return _Part(
        ctx.tile.mass_global[core[unknown]],
        np.column_stack([current[first_row], smaller[first], density[first_row]]),
        ctx.tile.pad_global[through[first]],
        ctx.tile.mass_global[known[order]],
        np.concatenate([[0], np.cumsum(np.bincount(kind, minlength=len(first)))]).astype(np.int64),
    )


def _reduce(ctx: RuleContext, parts: list[_Part | None]) -> Iterator[Finding]:
    """On `--tiles`: the masses over the limit by declaration, with the worst (the highest density,
    the least id), as one process finds them; those of unsized pads per declaration."""
    if not _checked(ctx):
        return
    mine = [p for p in parts if p is not None]
    yield from _unknown(ctx, np.unique(np.concatenate([p.unknown for p in mine] or [np.zeros(0, np.int64)])))
    over_ids = [p.masses for p in mine]
    over_class: list[np.ndarray] = []
    figures: list[np.ndarray] = []
    pads: list[np.ndarray] = []
    classes = 0
    for part in mine:
        over_class.append(classes + np.repeat(np.arange(len(part.through)), np.diff(part.offsets)))
        figures.append(part.figures)
        pads.append(part.through)
        classes += len(part.through)
    if not classes:
        return
    ids = np.concatenate(over_ids)
    order = np.argsort(ids, kind="stable")
    ids, of = ids[order], np.concatenate(over_class)[order]
    figure, pad = np.concatenate(figures), np.concatenate(pads)
    density_of = figure[of, 2]
    tl, names, groups = ctx.timeline, _pad_namer(ctx.assembly), ctx.assembly.mass_groups
    for masses in tl.declarations(tl.selections(ids)):
        chosen = np.concatenate([selection_ids(s) for s in masses])
        at = np.searchsorted(ids, chosen)
        worst_at = int(at[np.argmax(density_of[at])])
        worst = int(ids[worst_at])
        group = groups[int(ctx.netlist.mass_group[worst])]
        k = int(of[worst_at])
        amps, area, density = (float(v) for v in figure[k])
        yield _over(ctx, masses, worst, group, (amps, area, density), names(int(pad[k])))


electromigration.tiles = Reduction(part=_tile_part, reduce=_reduce, prepare=_count_per_net, combine=_share)


def _pad_namer(assembly: Assembly) -> Callable[[int], str]:
    starts = np.array([p.start for p in assembly.pad_arrays], dtype=np.int64)

    def name(pad: int) -> str:
        array = assembly.pad_arrays[int(np.searchsorted(starts, pad, side="right") - 1)]
        return array.item_name(pad - array.start)

    return name
