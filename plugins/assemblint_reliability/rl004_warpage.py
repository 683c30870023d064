"""RL004 warpage: the bimetal bow of a rigidly joined pair, from its joining step down to 25 °C."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

import numpy as np

from assemblint import OBJECTS, CannotRun, Finding, Reduction, RuleContext, Severity, exceeds, quantity, rule
from assemblint.analysis.joints import JoinedPair, joined_pairs, operating_moment
from assemblint.analysis.timeline import NEVER
from assemblint.model.assembly import Element

from ._common import ROOM, length, short, temp
from ._examples import flip_chip

PPM = 1e-6


def curvature(delta_alpha: float, delta_t: float, t1: float, t2: float, e1: float, e2: float) -> float:
    """Timoshenko's bimetal curvature (1/µm, thicknesses in µm): κ = 6 Δα ΔT (1+m)² / (h (3(1+m)² +
    (1+mn)(m² + 1/(mn)))), m = t1/t2, n = E1/E2, h = t1 + t2 (S. Timoshenko, "Analysis of
    bi-metal thermostats", J. Opt. Soc. Am. 11, 233 (1925), eq. 4)."""
    m, n, h = t1 / t2, e1 / e2, t1 + t2
    return 6 * delta_alpha * delta_t * (1 + m) ** 2 / (h * (3 * (1 + m) ** 2 + (1 + m * n) * (m**2 + 1 / (m * n))))


def diagonal(element: Element) -> float | None:
    box = element.outline()
    return None if box is None else math.hypot(box[2] - box[0], box[3] - box[1])


@rule(
    id="RL004",
    name="warpage",
    severity=Severity.WARNING,
    params={"max_warpage": quantity("length", "100 um", "the most bow across the smaller element's diagonal")},
    source="S. Timoshenko, J. Opt. Soc. Am. 11, 233 (1925), bimetal curvature; JEDEC JESD22-B112 (package warpage)",
    examples={
        "fires": flip_chip(die="size 20 mm x 20 mm x 0.3 mm"),
        "passes": flip_chip(),
    },
    doc="""
    The bimetal (Timoshenko) warpage of two rigidly joined elements, from the temperature of the
    step that joins them down to 25 °C, over the diagonal of the smaller one, is more than
    `max_warpage`.

    A die soldered to a substrate of another CTE is stress-free at the solder's freezing point;
    cooled to room temperature the pair bows like a bimetal strip. Too much bow at the next
    reflow leaves corner joints open (head-in-pillow, non-wets), and a bowed package does not
    seat on its board (JEDEC JESD22-B112 measures it). With m = t1/t2, n = E1/E2 and h = t1 + t2:
    κ = 6 Δα ΔT (1+m)² / (h (3(1+m)² + (1+mn)(m² + 1/(mn)))), and the bow over a length L is
    w = κ L² / 8, L the diagonal of the smaller element (by outline area). Thicknesses are the
    third value of `size`, moduli the body materials' `modulus`, Δα from the elements' CTEs. A
    pair with Δα > 0 that lacks a thickness, a modulus or an outline is reported once (info); a
    bow exactly at `max_warpage` passes.
    """,
)
def warpage(ctx: RuleContext) -> Iterator[Finding]:
    tl = ctx.timeline
    if operating_moment(tl) is None:
        raise CannotRun(NO_OPERATING_RANGE)
    limit = ctx.params["max_warpage"]
    for pair in joined_pairs(ctx.assembly):
        if not pair.rigidly_joined or not pair.delta_alpha:
            continue
        yield from _pair(ctx, pair, limit, partial(_joined, ctx, pair.rigid))


NO_OPERATING_RANGE = "no operating range: give the process an `operate` range, or the elements `operating`"


@dataclass(frozen=True)
class Joined:
    """What RL004 reads of a pair's rigid joints: the first of them (the whole design's id), and the
    first step that joins one, the first joint it joins and the temperature that joint sees there
    (NEVER, -1, nan: the process joins none of them)."""

    first: int
    step: int
    joint: int
    temp: float

    def before(self, other: Joined) -> bool:
        """Whether this joint is joined first (the earlier step, then the lower id)."""
        return (self.step, self.joint) < (other.step, other.joint)


def _joined(ctx: RuleContext, rigid: np.ndarray, ids: np.ndarray | None = None) -> Joined:
    """`Joined` of the rigid joints `rigid` (the ids the rule sees, ascending); `ids`: their whole
    design's ids (on a tile), else the same."""
    tl = ctx.timeline
    ids = rigid if ids is None else ids
    joined = tl.joined_by[rigid]
    known = joined != NEVER
    if not known.any():
        return Joined(int(ids[0]), int(NEVER), -1, float("nan"))
    first_join = int(np.argmin(np.where(known, joined, NEVER)))
    moment = tl.steps[int(joined[first_join])]
    start = tl.temp_of_mass(moment, int(rigid[first_join]))  # what the joints see at the step that joins them
    return Joined(int(ids[0]), int(joined[first_join]), int(ids[first_join]), start)


def _pair(ctx: RuleContext, pair: JoinedPair, limit: float, joined_of: Callable[[], Joined]) -> Iterator[Finding]:
    tl = ctx.timeline
    # the smaller element first, then the other: the finding reads the same whatever the design's
    # order or names (an equal area falls back to the declaration order)
    first, second = sorted((pair.first, pair.second), key=_area)
    moduli = [e.body.modulus if e.body is not None else None for e in (first, second)]
    thick = [e.thickness for e in (first, second)]
    smaller = first
    span = diagonal(smaller)
    incomplete = False
    for element, t, m in zip((first, second), thick, moduli, strict=True):
        missing = [what for what, value in (("thickness", t), ("modulus", m)) if value is None]
        if element.outline() is None:
            missing.append("outline (`size`)")
        if not missing:
            continue
        incomplete = True
        other = second if element is first else first
        yield ctx.finding(
            f"{OBJECTS} is rigidly joined to {short(other.name)} with CTEs {pair.delta_alpha:g} ppm/K apart, but "
            f"its {' and '.join(missing)} {'are' if len(missing) > 1 else 'is'} not given: RL004 cannot estimate "
            "their warpage",
            objects=element,
            severity=Severity.INFO,
            data={"missing": missing, "joined_to": short(other.name)},
            cause=f"warpage data: {short(element.name)}",
        )
    if incomplete:
        return
    joined = joined_of()
    joints = ctx.assembly.mass_groups[int(ctx.netlist.mass_group[joined.first])].loc  # where the pair is made
    if joined.step == NEVER:
        return  # never joined in the process: no stress-free temperature to start from (MH rules say why)
    moment = tl.steps[joined.step]
    start = joined.temp
    delta_t = start - ROOM
    assert pair.delta_alpha is not None and span is not None
    t1, t2 = float(thick[0]), float(thick[1])  # type: ignore[arg-type]
    e1, e2 = float(moduli[0]), float(moduli[1])  # type: ignore[arg-type]
    kappa = curvature(pair.delta_alpha * PPM, delta_t, t1, t2, e1, e2)
    bow = kappa * span**2 / 8
    if not exceeds(abs(bow), limit):
        return
    yield ctx.finding(
        f"{OBJECTS} bow {length(abs(bow))} over the {length(span)} diagonal of {short(smaller.name)} cooling from "
        f"{moment.name} ({temp(start)}) to 25 °C, more than {length(limit)}: κ = 6 × Δα {pair.delta_alpha:g} ppm/K × "
        f"ΔT {delta_t:g} K × (1+m)² / (h (3(1+m)² + (1+mn)(m² + 1/(mn)))) = {kappa * 1e6:.4g} /m with "
        f"t {t1:g} / {t2:g} µm, E {e1 / 1000:g} / {e2 / 1000:g} GPa (m {t1 / t2:.4g}, n {e1 / e2:.4g}); w = κL²/8",
        objects=[first, second],
        location=joints,
        data={
            "warpage": abs(bow),
            "max_warpage": limit,
            "curvature_per_um": kappa,
            "delta_alpha": pair.delta_alpha,
            "delta_t": delta_t,
            "step": moment.name,
            "thickness": [t1, t2],
            "modulus": [e1, e2],
            "diagonal": span,
        },
        cause=f"warpage {short(first.name)}–{short(second.name)}",
    )


Parts = dict[tuple[int, int], Joined]


def _tile_part(ctx: RuleContext) -> Parts:
    """On a tile (`--tiles`): per rigidly joined pair (its elements' indices), `Joined` of its rigid
    joints in the tile's core, with the whole design's ids."""
    tile = ctx.tile
    if operating_moment(ctx.timeline) is None:
        raise CannotRun(NO_OPERATING_RANGE)
    out: Parts = {}
    for pair in joined_pairs(ctx.assembly):
        rigid = pair.rigid
        rigid = rigid[tile.mass_core[rigid]]
        if len(rigid) and pair.delta_alpha:
            out[(pair.first.index, pair.second.index)] = _joined(ctx, rigid, tile.mass_global[rigid])
    return out


def _reduce(ctx: RuleContext, parts: list[Parts]) -> Iterator[Finding]:
    """On `--tiles`: each pair's first rigid joint and first joined one over the tiles; the rest is
    the design's declarations."""
    if operating_moment(ctx.timeline) is None:
        raise CannotRun(NO_OPERATING_RANGE)
    limit = ctx.params["max_warpage"]
    merged: Parts = {}
    for part in parts:
        for key, mine in part.items():
            seen = merged.get(key)
            if seen is None:
                merged[key] = mine
                continue
            joined = mine if mine.before(seen) else seen
            merged[key] = Joined(min(seen.first, mine.first), joined.step, joined.joint, joined.temp)
    elements = ctx.assembly.elements
    for key in sorted(merged):
        pair = JoinedPair(elements[key[0]], elements[key[1]], np.zeros(0, np.int64), *_none(), None, None)
        yield from _pair(ctx, pair, limit, partial(merged.__getitem__, key))


def _none() -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)


warpage.tiles = Reduction(part=_tile_part, reduce=_reduce)


def _area(element: Element) -> float:
    box = element.outline()
    return np.inf if box is None else (box[2] - box[0]) * (box[3] - box[1])
