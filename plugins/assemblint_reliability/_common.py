"""What the reliability rules share: shape areas, the service range's top, naming."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from assemblint import CannotRun, RuleContext
from assemblint.analysis.timeline import Moment, Timeline, selection_ids
from assemblint.base.units import format_quantity
from assemblint.model.assembly import MassGroup, Selection

GOLD_DENSITY = 19.3  # g/cm³ (CRC Handbook of Chemistry and Physics: gold, 19.32 g/cm³ at 20 °C)
UM3_TO_CM3 = 1e-12
UM2_TO_CM2 = 1e-8
ROOM = 25.0  # °C: where warpage is measured (JEDEC JESD22-B112 reads it at room temperature too)


def rounded_area(width: np.ndarray, height: np.ndarray, corner: np.ndarray) -> np.ndarray:
    """The area of a rounded rectangle W x H with corners of radius r (a round pad: D x D, r = D/2), µm²."""
    return width * height - (4 - math.pi) * corner**2


def service_top(tl: Timeline) -> tuple[float, Moment]:
    """The highest temperature of the operating and cycle ranges, and the range that reaches it;
    could-not-run without either (a rule about service temperatures must not pass silently)."""
    ranges = [m for m in tl.service if m.name in ("operate", "cycle")]
    if not ranges:
        raise CannotRun("no operate or cycle range: nothing says how hot the assembly gets in service")
    top = max(ranges, key=lambda m: m.high)
    return top.high, top


def worst_per_declaration(
    ctx: RuleContext, mask: np.ndarray, values: np.ndarray
) -> Iterator[tuple[list[Selection], int, MassGroup]]:
    """The masses of `mask` by declaration (one finding each), with each declaration's worst mass
    (the largest of `values`, by global id) and its group: what a per-mass rule's finding names."""
    tl, groups, net = ctx.timeline, ctx.assembly.mass_groups, ctx.netlist
    for masses in tl.declarations(tl.selections(np.flatnonzero(mask))):
        ids = np.concatenate([selection_ids(s) for s in masses])
        worst = int(ids[np.argmax(values[ids])])
        yield masses, worst, groups[int(net.mass_group[worst])]


def temp(value: float) -> str:
    return format_quantity(value, "temperature")


def length(value: float) -> str:
    return format_quantity(value, "length")


def short(name: str) -> str:
    """`units[4].die` -> `die`: a name as its declaration writes it (causes merge every instance)."""
    return name.rsplit(".", 1)[-1]
