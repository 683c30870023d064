"""What the ST rules share: the elements' boxes and heights as arrays, the joined element pairs, and
the pairs of elements whose outlines overlap, found by a sort-and-sweep rather than all pairs.

Elements are few (tens to thousands), masses and pads many (millions): every per-mass or per-pad
quantity is a numpy array indexed by the netlist's global ids, and what is per element is an array
indexed by `Element.index`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from assemblint import Finding, Reduction, RuleContext
from assemblint.base.units import format_quantity
from assemblint.model.assembly import Assembly

#: the most candidate pairs of elements one block of the sweep holds (memory stays bounded)
BLOCK = 1 << 21


def length(value: float) -> str:
    """A length as messages write it (`80 µm`, `1.2 mm`)."""
    return format_quantity(float(value), "length")


def declared(name: str) -> str:
    """An element's or layer's name with the instance of a placed grid left open (`units[4].chip` ->
    `units[*].chip`; `hbm.d1.die` stays): what messages, data and causes say, so that a grid's
    instances merge into one finding (their objects still name each instance), whether the design
    is checked as cells or `--flat`, while two single placements stay apart."""
    return _INSTANCE.sub("[*]", name)


_INSTANCE = re.compile(r"\[\d+\]")


def describes_a_stack(assembly: Assembly) -> bool:
    """Whether the design places anything in height: a version-1 design (no `z` anywhere) says
    nothing about the stack, and the ST rules say nothing about it."""
    return any(e.z is not None for e in assembly.elements)


def positive(value: np.ndarray | float, scale: np.ndarray | float) -> np.ndarray:
    """`value > 0` past binary rounding at the size of the coordinates involved: two outlines that
    share an edge (2.5 mm − 2.5 mm) overlap by zero, not by 1e-13."""
    return np.asarray(value) > np.abs(scale) * 1e-9 + 1e-9


@dataclass(frozen=True)
class Elements:
    """The elements as arrays indexed by `Element.index`: heights (nan without one) and outlines."""

    z: np.ndarray  # lower surface, µm
    top: np.ndarray  # upper surface, µm
    box: np.ndarray  # (n, 4): x0, y0, x1, y1 of the outline; nan without a `size`
    flip: np.ndarray  # bool: face down

    @classmethod
    def of(cls, assembly: Assembly) -> Elements:
        elements = assembly.elements
        nan = float("nan")
        z = np.array([nan if e.z is None else e.z for e in elements], dtype=float)
        thick = np.array([nan if e.thickness is None else e.thickness for e in elements], dtype=float)
        boxes = [e.outline() or (nan, nan, nan, nan) for e in elements]
        box = np.array(boxes, dtype=float).reshape(len(elements), 4)
        flip = np.array([e.flip for e in elements], dtype=bool)
        return cls(z, z + thick, box, flip)

    @property
    def has_height(self) -> np.ndarray:
        return ~np.isnan(self.top)

    @property
    def has_outline(self) -> np.ndarray:
        return ~np.isnan(self.box[:, 0])

    @property
    def middle(self) -> np.ndarray:
        """Mid-height: which of two elements is the lower one."""
        return (self.z + self.top) / 2


def mass_elements(ctx: RuleContext) -> tuple[np.ndarray, np.ndarray]:
    """Per mass, the elements of its two pads (−1 for the second of a deposited bump)."""
    net = ctx.netlist
    a = net.pad_element[net.mass_pad_a]
    b = np.full(len(a), -1, dtype=np.int64)
    joined = net.mass_pad_b >= 0
    b[joined] = net.pad_element[net.mass_pad_b[joined]]
    return a, b


def joined_pairs(ctx: RuleContext) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of distinct elements a mass, a lead or a layer's `between` joins: (i, j), i < j,
    each once. Masses and leads are reduced with np.unique on pair keys, never a loop per mass."""
    net = ctx.netlist
    a, b = mass_elements(ctx)
    parts_a, parts_b = [a], [b]
    lead_from = net.pad_element[net.lead_pad]
    to_pad = net.lead_to_pad >= 0
    parts_a.append(lead_from[to_pad])
    parts_b.append(net.pad_element[net.lead_to_pad[to_pad]])
    to_mass = net.lead_mass >= 0
    parts_a.append(lead_from[to_mass])
    parts_b.append(a[net.lead_mass[to_mass]])
    between = [(layer.between[0].index, layer.between[1].index) for layer in ctx.assembly.layers if layer.between]
    if between:
        parts_a.append(np.array([p[0] for p in between], dtype=np.int64))
        parts_b.append(np.array([p[1] for p in between], dtype=np.int64))
    first = np.concatenate(parts_a).astype(np.int64)
    second = np.concatenate(parts_b).astype(np.int64)
    keep = (first >= 0) & (second >= 0) & (first != second)
    low, high = np.minimum(first[keep], second[keep]), np.maximum(first[keep], second[keep])
    n = max(len(ctx.assembly.elements), 1)
    keys = np.unique(low * n + high)
    return keys // n, keys % n


def joined_on_tiles(findings: Callable[[RuleContext, tuple[np.ndarray, np.ndarray]], Iterator[Finding]]) -> Reduction:
    """The exact reduction of a rule that reads the joined pairs of elements (`findings(ctx,
    pairs)`) and otherwise only the elements and layers: each tile sends back the pairs its masses
    and leads join (every mass and lead lies whole in the core of one tile), and the run unites them
    and runs the rule on the design's declarations."""

    def reduce(ctx: RuleContext, parts: list[tuple[np.ndarray, np.ndarray]]) -> Iterator[Finding]:
        n = max(len(ctx.assembly.elements), 1)
        keys = np.unique(np.concatenate([a * n + b for a, b in parts] or [np.zeros(0, np.int64)]).astype(np.int64))
        yield from findings(ctx, (keys // n, keys % n))

    return Reduction(part=joined_pairs, reduce=reduce)


def outline_pairs(box: np.ndarray, candidates: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Blocks of pairs (i, j) of the candidate elements whose outlines overlap with positive area.

    A sort-and-sweep on x: sorted by left edge, element k meets only the elements after it whose
    left edge is before its right edge (np.searchsorted), so the pairs tried grow with the overlaps
    in x, not with n²; those are made in blocks of at most BLOCK and kept where y overlaps too.
    """
    ids = np.flatnonzero(candidates)
    if len(ids) < 2:
        return
    order = ids[np.argsort(box[ids, 0], kind="stable")]
    x0, x1 = box[order, 0], box[order, 2]
    n = len(order)
    ends = np.searchsorted(x0, x1, side="left")  # later left edges strictly before my right edge
    counts = np.maximum(ends - np.arange(n) - 1, 0)
    cumulative = np.cumsum(counts)
    start = 0
    while start < n:
        before = int(cumulative[start - 1]) if start else 0
        stop = max(int(np.searchsorted(cumulative, before + BLOCK, side="right")), start + 1)
        stop = min(stop, n)
        sizes = counts[start:stop]
        total = int(sizes.sum())
        start_next = stop
        if total:
            first = np.repeat(np.arange(start, stop), sizes)
            offset = np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)
            second = first + 1 + offset
            i, j = order[first], order[second]
            yield from _overlapping(box, i, j)
        start = start_next


def _overlapping(box: np.ndarray, i: np.ndarray, j: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """The pairs among (i, j) whose outlines overlap with positive width and depth."""
    scale = np.abs(box[i]).max(axis=1) + np.abs(box[j]).max(axis=1)
    width = np.minimum(box[i, 2], box[j, 2]) - np.maximum(box[i, 0], box[j, 0])
    depth = np.minimum(box[i, 3], box[j, 3]) - np.maximum(box[i, 1], box[j, 1])
    keep = positive(width, scale) & positive(depth, scale)
    if keep.any():
        low, high = np.minimum(i[keep], j[keep]), np.maximum(i[keep], j[keep])
        yield low, high
