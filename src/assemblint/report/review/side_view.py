"""The side view: a cross-section (x–z) of the stack, the elements at their heights, with the
joints and the layers between them and the gaps labelled.

Every element with a height (`z` and a thickness) is a rectangle from `z` to its top over its
outline's x extent; elements that project onto the same rectangle (cell instances in a column)
are drawn once and named together. The masses are drawn per tier, the masses that span the same
heights: a mass joining two elements spans from the lower one's top up by its `height` (across
the gap when it gives none), a deposited bump from its pad's face, up or down. A tier draws each
distinct column of masses as its shape seen from the side (a rounded rectangle as wide as the
mass); beyond `MAX_COLUMNS` columns, or when they are narrower than a pixel, it draws where the
masses are as a band, one rect per run of occupied pixels, so a million masses stay a small
picture. Everything per mass is a numpy array; the loops are per declaration, element, layer or
drawn shape (bounded).

The z axis has its own scale (heights are usually exaggerated; the caption says by how much):
`data-px-per-um-z` and `data-zero-y` on the plot give it, so that `y = zero - z * scale`.
Findings are marked as their families' markers say (`ObjectMark`: its masses, `elements` and
`layers`), numbered, with a key below. Nothing here knows a rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import drawsvg as dw
import numpy as np

from assemblint.checking.findings import Finding
from assemblint.model.assembly import Assembly, Element, Layer
from assemblint.report.review.labels import clip, compact, naming, num, phrase
from assemblint.report.review.marks import ObjectMark, Review
from assemblint.report.review.svg import (
    AMBER,
    BAND,
    GREY,
    INK,
    MUTED,
    RED,
    RULE,
    LegendItem,
    as_svg,
    attr,
    coord,
    draw_text,
    drawing,
    legend,
)

WIDTH = 640.0
PLOT_LEFT, PLOT_TOP, RIGHT_MARGIN = 16.0, 40.0, 120.0
PLOT_HEIGHT = 300.0
MAX_BOXES = 200  # element rectangles drawn
MAX_COLUMNS = 400  # mass columns drawn one shape each per tier; beyond, a band
MAX_GAPS = 12  # gap labels
MAX_MARKS = 40  # numbered finding marks
ELEMENT_FILL = "#dde3ea"
LAYER_FILL = AMBER
MASS_FILL = BAND


@dataclass(eq=False)
class _Box:
    """Elements that project onto one rectangle of the cross-section."""

    x0: float
    x1: float
    z0: float
    z1: float
    elements: list[Element] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return compact(e.name for e in self.elements)


@dataclass
class _Tier:
    """The masses spanning the same heights: their x extents, their declarations, their count."""

    z0: float
    z1: float
    unknown: bool  # no height given: drawn across the gap
    ids: list[np.ndarray] = field(default_factory=list)  # global mass ids, per declaration and pair
    groups: list[int] = field(default_factory=list)
    count: int = 0  # masses it stands for (a representative instance counts for each instance)


@dataclass(eq=False)
class _Band:
    """Layers that project onto one band between two elements."""

    x0: float
    x1: float
    z0: float
    z1: float
    layers: list[Layer] = field(default_factory=list)


@dataclass
class _Mark:
    rule: str
    label: str
    note: str
    waived: bool
    masses: np.ndarray
    elements: tuple[str, ...]
    layers: tuple[str, ...]


def side_view(assembly: Assembly, findings: Sequence[Finding], review: Review | None = None) -> str | None:
    """The cross-section of the stack as SVG, or None when no element has both a `z` and a thickness."""
    with naming(assembly):
        return _side_view(assembly, findings, review or Review())


def _side_view(assembly: Assembly, findings: Sequence[Finding], review: Review) -> str | None:
    stacked = [e for e in assembly.elements if e.has_height and e.outline() is not None]
    if not stacked:
        return None
    boxes = _boxes(stacked)
    tiers, joined = _tiers(assembly)
    bands = _bands(assembly)
    gaps = _gaps(assembly, joined)
    marks = _marks(assembly, findings, review)

    # the extent: x over the outlines, z over the elements, the joints and the layers
    x0 = min(b.x0 for b in boxes)
    x1 = max(b.x1 for b in boxes)
    z0 = min([b.z0 for b in boxes] + [t.z0 for t in tiers] + [b.z0 for b in bands])
    z1 = max([b.z1 for b in boxes] + [t.z1 for t in tiers] + [b.z1 for b in bands])
    plot_w = WIDTH - PLOT_LEFT - RIGHT_MARGIN
    sx = plot_w / max(x1 - x0, 1e-9)
    sz = PLOT_HEIGHT / max(z1 - z0, 1e-9)
    zero = PLOT_TOP + PLOT_HEIGHT + z0 * sz  # the y of z = 0

    def px(x: Any) -> Any:
        return PLOT_LEFT + (x - x0) * sx

    def py(z: Any) -> Any:
        return zero - z * sz

    missing = [e for e in assembly.elements if not (e.has_height and e.outline() is not None)]
    legend_items = _legend(bool(tiers), bool(bands), any(t.unknown for t in tiers), bool(marks))
    key_lines = _key_lines(assembly, tiers, bands, missing)
    legend_top = PLOT_TOP + PLOT_HEIGHT + 30
    legend_bottom = legend(dw.Group(), legend_items, 16, legend_top, WIDTH - 32)
    key_top = legend_bottom + 4
    shown_marks = marks[:MAX_MARKS]
    marks_top = key_top + 15 * len(key_lines) + 6
    height = marks_top + 15 * len(shown_marks) + (15 if len(marks) > len(shown_marks) else 0) + 8

    exaggeration = sz / sx
    count = len(stacked)
    label = f"Side view of the stack: {count} element{'s' if count != 1 else ''} at their heights" + (
        f"; {len(marks)} finding mark{'s' if len(marks) != 1 else ''}" if marks else ""
    )
    d = drawing(WIDTH, height, "sideview", label)
    caption = f"cross-section x–z · {count} element{'s' if count != 1 else ''} with heights"
    if abs(exaggeration - 1) > 0.05:
        caption += f" · heights × {num(exaggeration)}"
    draw_text(d, clip(caption, 100), 16, 20, size=12, fill=MUTED)
    plot = dw.Group(
        class_="stack",
        data_px_per_um_x=f"{sx:.9g}",
        data_px_per_um_z=f"{sz:.9g}",
        data_zero_x=f"{px(0.0):.9g}",
        data_zero_y=f"{zero:.9g}",
    )
    plot.append(
        dw.Rectangle(coord(PLOT_LEFT), coord(PLOT_TOP), coord(plot_w), coord(PLOT_HEIGHT), fill="none", stroke=RULE)
    )
    _draw_bands(plot, bands, px, py)
    labels = _draw_boxes(plot, boxes, px, py)
    _draw_tiers(plot, assembly, tiers, px, py, sx, plot_w)
    _draw_gaps(plot, gaps, px, py, PLOT_LEFT + plot_w)
    plot.append(labels)  # the names of thin elements, over what is drawn above them
    d.append(plot)
    _draw_marks(d, assembly, shown_marks, boxes, tiers, bands, px, py)

    legend(d, legend_items, 16, legend_top, WIDTH - 32)
    for n, line in enumerate(key_lines):
        draw_text(d, clip(line, 100), 16, key_top + 15 * n + 10, size=11, fill=MUTED, class_="stack-key")
    for number, mark in enumerate(shown_marks, start=1):
        y = marks_top + 15 * (number - 1) + 10
        group = dw.Group(class_="mark-key", data_rule=attr(mark.rule), data_number=number)
        draw_text(group, f"{number}", 16, y, size=11, fill=GREY if mark.waived else RED, bold=True)
        waived = " (waived)" if mark.waived else ""
        draw_text(group, clip(f"{mark.rule}{waived} {mark.label} — {mark.note}", 96), 34, y, size=11)
        d.append(group)
    if len(marks) > len(shown_marks):
        y = marks_top + 15 * len(shown_marks) + 10
        more = len(marks) - len(shown_marks)
        draw_text(d, f"and {more} more marked findings, not drawn", 34, y, size=11, fill=MUTED)
    return as_svg(d)


# ------------------------------------------------------------------------------------------ what is drawn
def _key(*values: float) -> tuple[float, ...]:
    return tuple(round(float(v), 6) for v in values)


def _boxes(stacked: list[Element]) -> list[_Box]:
    """The elements' rectangles, those that coincide merged; the lowest first (labels of the upper
    ones are drawn last, over them)."""
    merged: dict[tuple[float, ...], _Box] = {}
    for element in stacked:
        outline = element.outline()
        assert outline is not None and element.z is not None and element.top is not None
        key = _key(outline[0], outline[2], element.z, element.top)
        box = merged.setdefault(key, _Box(outline[0], outline[2], element.z, element.top))
        box.elements.append(element)
    return sorted(merged.values(), key=lambda b: (b.z0, b.x0, b.z1, b.x1))[:MAX_BOXES]


def _stack_arrays(assembly: Assembly) -> tuple[np.ndarray, np.ndarray]:
    """Per element (by index): its z and its top, nan without a height."""
    nan = float("nan")
    z = np.array([e.z if e.has_height and e.z is not None else nan for e in assembly.elements], dtype=float)
    top = np.array([e.top if e.has_height and e.top is not None else nan for e in assembly.elements], dtype=float)
    return z, top


def _tiers(assembly: Assembly) -> tuple[list[_Tier], set[tuple[int, int]]]:
    """The masses by the heights they span, and the pairs of elements masses join (i < j). Per
    declaration: the element pairs it joins (one pair, checked on the whole slice, in the common
    case; else one np.unique), never a loop per mass."""
    netlist = assembly.netlist
    pairs_joined: set[tuple[int, int]] = set()
    if netlist is None or netlist.mass_count == 0:
        return [], pairs_joined
    z, top = _stack_arrays(assembly)
    weight = netlist.mass_weight
    tiers: dict[tuple[Any, ...], _Tier] = {}
    for index, group in enumerate(assembly.mass_groups):
        if group.count == 0:
            continue
        ids = np.arange(group.start, group.start + group.count, dtype=np.int64)
        a = netlist.pad_element[netlist.mass_pad_a[group.start : group.start + group.count]]
        pad_b = netlist.mass_pad_b[group.start : group.start + group.count]
        b = np.where(pad_b >= 0, netlist.pad_element[np.maximum(pad_b, 0)], -1)
        if (a == a[0]).all() and (b == b[0]).all():
            pairs = [(int(a[0]), int(b[0]), ids)]
        else:
            keys = (a + 1) * (len(z) + 1) + (b + 1)
            uniq, inverse = np.unique(keys, return_inverse=True)
            pairs = [
                (int(k // (len(z) + 1)) - 1, int(k % (len(z) + 1)) - 1, ids[inverse == i]) for i, k in enumerate(uniq)
            ]
        for first, second, chosen in pairs:
            if second >= 0 and first != second:
                pairs_joined.add((min(first, second), max(first, second)))
            span = _span(assembly, group.height, first, second, z, top, netlist.pad_face[netlist.mass_pad_a[chosen[0]]])
            if span is None:
                continue
            low, high, unknown = span
            tier = tiers.setdefault((*_key(low, high), unknown), _Tier(low, high, unknown))
            tier.ids.append(chosen)
            tier.groups.append(index)
            tier.count += int(weight[chosen].sum())
    return sorted(tiers.values(), key=lambda t: (t.z0, t.z1)), pairs_joined


def _span(
    assembly: Assembly, height: float | None, first: int, second: int, z: np.ndarray, top: np.ndarray, face: int
) -> tuple[float, float, bool] | None:
    """The heights a mass spans: from the lower element's top up by its height (across the gap
    without one); a deposited bump from its pad's face, up or down. None where it has no place."""
    if second < 0:  # a deposit on one element
        element = assembly.elements[first]
        face_z = element.face_z("back" if face else "front")
        if face_z is None or height is None:
            return None
        up = element.face_up("back" if face else "front")
        return (face_z, face_z + height, False) if up else (face_z - height, face_z, False)
    if first == second or np.isnan(top[first]) or np.isnan(top[second]):
        return None
    mid_a, mid_b = (z[first] + top[first]) / 2, (z[second] + top[second]) / 2
    if mid_a == mid_b:
        return None
    lower, upper = (first, second) if mid_a < mid_b else (second, first)
    base = float(top[lower])
    if height is None:
        return base, float(z[upper]), True
    return base, base + height, False


def _bands(assembly: Assembly) -> list[_Band]:
    """The layers `between` two elements with heights: from the lower one's top up by the layer's
    thickness (to the upper one's bottom without one), under both elements' x extents."""
    merged: dict[tuple[float, ...], _Band] = {}
    for layer in assembly.layers:
        if layer.between is None:
            continue
        first, second = layer.between
        if not (first.has_height and second.has_height) or first.outline() is None or second.outline() is None:
            continue
        assert first.z is not None and first.top is not None and second.z is not None and second.top is not None
        if first.z + first.top == second.z + second.top:
            continue
        lower, upper = (first, second) if first.z + first.top < second.z + second.top else (second, first)
        assert lower.top is not None and upper.z is not None
        lo, up = lower.outline(), upper.outline()
        assert lo is not None and up is not None
        x0, x1 = max(lo[0], up[0]), min(lo[2], up[2])
        if x1 <= x0:
            x0, x1 = up[0], up[2]
        z0 = lower.top
        z1 = z0 + layer.thickness if layer.thickness is not None else upper.z
        band = merged.setdefault(_key(x0, x1, z0, z1), _Band(x0, x1, z0, z1))
        band.layers.append(layer)
    return sorted(merged.values(), key=lambda b: (b.z0, b.x0))


def _gaps(assembly: Assembly, joined: set[tuple[int, int]]) -> list[tuple[float, float, float]]:
    """(x, lower top, upper bottom) of each distinct gap between two joined elements with heights
    (joined by masses, `joined`, or a layer `between` them), at the right end of where they overlap."""
    z, top = _stack_arrays(assembly)
    pairs = set(joined)
    for layer in assembly.layers:
        if layer.between is not None:
            i, j = layer.between[0].index, layer.between[1].index
            pairs.add((min(i, j), max(i, j)))
    found: dict[tuple[float, ...], tuple[float, float, float]] = {}
    for i, j in sorted(pairs):
        if i == j or np.isnan(top[i]) or np.isnan(top[j]):
            continue
        mid_i, mid_j = z[i] + top[i], z[j] + top[j]
        if mid_i == mid_j:
            continue
        lower, upper = (i, j) if mid_i < mid_j else (j, i)
        lo, up = assembly.elements[lower].outline(), assembly.elements[upper].outline()
        if lo is None or up is None:
            continue
        x = min(lo[2], up[2])
        found.setdefault(_key(top[lower], z[upper]), (x, float(top[lower]), float(z[upper])))
    return sorted(found.values(), key=lambda g: (g[1], g[2]))[:MAX_GAPS]


def _marks(assembly: Assembly, findings: Sequence[Finding], review: Review) -> list[_Mark]:
    """The families' object marks that name masses, elements or layers of the design (an element
    not in the stack is named in the key, and in the list of elements the view leaves out)."""
    out = []
    names = {e.name for e in assembly.elements}
    layers = {layer.name for layer in assembly.layers}
    for finding, mark in review.marks(findings, assembly, ObjectMark):
        elements = tuple(e for e in mark.elements if e in names)
        own_layers = tuple(name for name in mark.layers if name in layers)
        masses = np.asarray(mark.masses)
        if len(masses) == 0 and not elements and not own_layers:
            continue
        out.append(
            _Mark(
                finding.rule,
                mark.label,
                mark.note,
                bool(getattr(finding, "waived", False)),
                masses,
                elements,
                own_layers,
            )
        )
    return sorted(out, key=lambda m: (m.rule, m.label))


# ------------------------------------------------------------------------------------------ drawing
def _draw_boxes(parent: Any, boxes: list[_Box], px: Any, py: Any) -> Any:
    """The elements' rectangles, named inside; returns the names of the thin ones (drawn above them
    by the caller, once everything else is drawn)."""
    group = dw.Group(class_="elements")
    thin = dw.Group(class_="element-labels")
    for box in boxes:
        names = box.names
        shown = phrase([e.name for e in box.elements], 2) or names[0]
        x, y = px(box.x0), py(box.z1)
        w, h = (box.x1 - box.x0) * (px(1.0) - px(0.0)), py(box.z0) - py(box.z1)
        item = dw.Group(
            class_="element",
            data_element=attr(", ".join(names)),
            data_z=num(box.z0, 9),
            data_thickness=num(box.z1 - box.z0, 9),
        )
        item.append(
            dw.Title(f"{shown}: z {num(box.z0, 6)} µm, {num(box.z1 - box.z0, 6)} µm thick, top {num(box.z1, 6)} µm")
        )
        item.append(
            dw.Rectangle(
                coord(x),
                coord(y),
                coord(max(w, 0.5)),
                coord(max(h, 0.5)),
                fill=ELEMENT_FILL,
                stroke=INK,
                stroke_width=1,
            )
        )
        room = max(int(w / 6.6), 0)
        if room >= 3:
            text = clip(shown, room)
            if h >= 13:
                draw_text(item, text, x + 4, y + min(h / 2 + 4, h - 3), size=11, class_="element-name")
            else:  # a thin element: its name just above it
                draw_text(
                    thin, text, x + 4, y - 2, size=10, halo=True, class_="element-name", data_element=attr(names[0])
                )
        group.append(item)
    parent.append(group)
    return thin


def _draw_bands(parent: Any, bands: list[_Band], px: Any, py: Any) -> None:
    group = dw.Group(class_="layers")
    for band in bands:
        names = compact(layer.name for layer in band.layers)
        material = band.layers[0].material
        item = dw.Group(
            class_="layer",
            data_layer=attr(", ".join(names)),
            data_z=num(band.z0, 9),
            data_thickness=num(band.z1 - band.z0, 9),
        )
        what = f"layer {', '.join(names)}" + (f" ({material.name})" if material is not None else "")
        item.append(dw.Title(f"{what}: from {num(band.z0, 6)} µm, {num(band.z1 - band.z0, 6)} µm thick"))
        item.append(
            dw.Rectangle(
                coord(px(band.x0)),
                coord(py(band.z1)),
                coord(max(px(band.x1) - px(band.x0), 0.5)),
                coord(max(py(band.z0) - py(band.z1), 0.5)),
                fill=LAYER_FILL,
                fill_opacity=0.25,
                stroke=LAYER_FILL,
                stroke_width=0.8,
            )
        )
        group.append(item)
    parent.append(group)


def _draw_tiers(
    parent: Any, assembly: Assembly, tiers: list[_Tier], px: Any, py: Any, sx: float, plot_w: float
) -> None:
    netlist = assembly.netlist
    if netlist is None or not tiers:
        return
    group = dw.Group(class_="masses", fill=MASS_FILL, stroke=MASS_FILL)
    for tier in tiers:
        ids = np.concatenate(tier.ids)
        x = netlist.pad_x[netlist.mass_pad_a[ids]]
        width = np.nan_to_num(netlist.mass_width[ids], nan=0.0)
        left, right = px(x - width / 2), px(x + width / 2)
        y, h = py(tier.z1), py(tier.z0) - py(tier.z1)
        names = compact(declared_name(assembly, i) for i in dict.fromkeys(tier.groups))
        # the distinct columns (by where they start, to a tenth of a pixel): one shape each, or a
        # band past MAX_COLUMNS or when they are narrower than a pixel
        first = _columns(left, plot_w)
        one_each = len(first) <= MAX_COLUMNS and float(np.median(right[first] - left[first])) >= 1.0
        extra = {"stroke_dasharray": "3 2"} if tier.unknown else {}
        item = dw.Group(
            class_="tier columns" if one_each else "tier band",
            data_masses=attr(", ".join(names)),
            data_count=tier.count,
            data_z=num(tier.z0, 9),
            data_height=num(tier.z1 - tier.z0, 9),
            fill_opacity=0.75,
            **extra,
        )
        how = "across the gap (no height given)" if tier.unknown else f"{num(tier.z1 - tier.z0, 6)} µm high"
        item.append(dw.Title(f"{phrase(names)}: {tier.count:,} masses, from {num(tier.z0, 6)} µm, {how}"))
        if one_each:
            for k in first.tolist():
                w = float(right[k] - left[k])
                corner = float(netlist.mass_corner[ids[k]])
                rx = min(corner * sx if corner == corner else 0.0, w / 2)
                item.append(
                    dw.Rectangle(coord(left[k]), coord(y), coord(w), coord(max(h, 0.5)), rx=coord(rx), stroke_width=0.6)
                )
        else:
            for start, stop in _runs(left, right, plot_w):
                item.append(
                    dw.Rectangle(
                        coord(PLOT_LEFT + start), coord(y), coord(stop - start), coord(max(h, 0.5)), stroke="none"
                    )
                )
        group.append(item)
    parent.append(group)


def declared_name(assembly: Assembly, group: int) -> str:
    return assembly.mass_groups[group].name


def _columns(left: np.ndarray, plot_w: float) -> np.ndarray:
    """The first mass of each distinct column, by its left edge to a tenth of a pixel (a bincount
    over the plot's width, not a sort of a million masses)."""
    slots = int(np.ceil(plot_w * 10)) + 21
    slot = np.clip(np.round((left - PLOT_LEFT) * 10).astype(np.int64) + 10, 0, slots - 1)
    first = np.full(slots, len(left), dtype=np.int64)
    np.minimum.at(first, slot, np.arange(len(left), dtype=np.int64))
    return np.sort(first[first < len(left)])


def _runs(left: np.ndarray, right: np.ndarray, plot_w: float) -> list[tuple[int, int]]:
    """The runs of whole pixels that some mass covers, across the plot: a start and a stop per run."""
    pixels = int(np.ceil(plot_w)) + 2
    start = np.clip(np.floor(left - PLOT_LEFT).astype(np.int64), 0, pixels - 1)
    stop = np.clip(np.ceil(right - PLOT_LEFT).astype(np.int64), 0, pixels - 1)
    stop = np.maximum(stop, start + 1)
    edges = np.bincount(start, minlength=pixels + 1) - np.bincount(stop, minlength=pixels + 1)
    covered = np.cumsum(edges)[:pixels] > 0
    change = np.diff(np.concatenate([[False], covered, [False]]).astype(np.int8))
    return list(zip(np.flatnonzero(change == 1).tolist(), np.flatnonzero(change == -1).tolist(), strict=True))


def _draw_gaps(parent: Any, gaps: list[tuple[float, float, float]], px: Any, py: Any, plot_right: float) -> None:
    group = dw.Group(class_="gaps", stroke=MUTED)
    for x, low, high in gaps:
        gap = high - low
        gx = min(px(x) + 6, plot_right + 6)
        item = dw.Group(class_="gap", data_gap=num(gap, 9), data_from=num(low, 9), data_to=num(high, 9))
        item.append(dw.Line(coord(gx), coord(py(low)), coord(gx), coord(py(high)), stroke_width=1))
        for z in (low, high):
            item.append(dw.Line(coord(gx - 3), coord(py(z)), coord(gx + 3), coord(py(z)), stroke_width=1))
        words = f"gap {num(gap, 6)} µm" if gap >= 0 else f"overlap {num(-gap, 6)} µm"
        draw_text(
            item,
            words,
            gx + 6,
            (py(low) + py(high)) / 2 + 4,
            size=11,
            fill=RED if gap < 0 else INK,
            halo=True,
            class_="gap-label",
        )
        group.append(item)
    parent.append(group)


def _draw_marks(
    d: Any,
    assembly: Assembly,
    marks: list[_Mark],
    boxes: list[_Box],
    tiers: list[_Tier],
    bands: list[_Band],
    px: Any,
    py: Any,
) -> None:
    """Each mark: a red outline round each element, layer band and tier of masses it names, numbered."""
    netlist = assembly.netlist
    tier_of = np.full(netlist.mass_count if netlist is not None else 0, -1, dtype=np.int64)
    for n, tier in enumerate(tiers):
        for ids in tier.ids:
            tier_of[ids] = n
    box_of = {e.name: box for box in boxes for e in box.elements}
    band_of = {layer.name: band for band in bands for layer in band.layers}
    for number, mark in enumerate(marks, start=1):
        colour = GREY if mark.waived else RED
        group = dw.Group(
            class_="mark",
            data_rule=attr(mark.rule),
            data_object=attr(mark.label),
            data_number=number,
            fill="none",
            stroke=colour,
            stroke_width=2,
        )
        group.append(dw.Title(f"{number}: {mark.rule} {mark.label} — {mark.note}"))
        outlines: list[tuple[float, float, float, float]] = []
        for box in dict.fromkeys(box_of[e] for e in mark.elements if e in box_of):
            outlines.append((box.x0, box.x1, box.z0, box.z1))
        for band in dict.fromkeys(band_of[name] for name in mark.layers if name in band_of):
            outlines.append((band.x0, band.x1, band.z0, band.z1))
        if len(mark.masses) and netlist is not None:
            where = tier_of[mark.masses]
            for n in np.flatnonzero(np.bincount(where[where >= 0], minlength=len(tiers))).tolist():
                ids = mark.masses[where == n]
                x = netlist.pad_x[netlist.mass_pad_a[ids]]
                half = np.nan_to_num(netlist.mass_width[ids], nan=0.0) / 2
                outlines.append((float((x - half).min()), float((x + half).max()), tiers[n].z0, tiers[n].z1))
        if not outlines:
            continue
        pad = 3 + 3 * (number % 3)  # marks on one object, a little apart
        for x0, x1, z0, z1 in outlines:
            group.append(
                dw.Rectangle(
                    coord(px(x0) - pad),
                    coord(py(z1) - pad),
                    coord(px(x1) - px(x0) + 2 * pad),
                    coord(py(z0) - py(z1) + 2 * pad),
                )
            )
        x0, _, _, z1 = outlines[0]
        draw_text(
            group,
            str(number),
            px(x0) - pad + 2,
            py(z1) - pad - 3,
            size=11,
            fill=colour,
            bold=True,
            halo=True,
            class_="mark-number",
        )
        d.append(group)


# ------------------------------------------------------------------------------------------ legend and key
def _legend(masses: bool, layers: bool, unknown: bool, marks: bool) -> list[LegendItem]:
    items: list[LegendItem] = [("rect", {"fill": ELEMENT_FILL, "stroke": INK}, "element, z to its top")]
    if masses:
        items.append(("rect", {"fill": MASS_FILL, "fill_opacity": 0.75}, "masses, at their height"))
    if unknown:
        items.append(
            (
                "rect",
                {"fill": MASS_FILL, "fill_opacity": 0.75, "stroke": MASS_FILL, "stroke_dasharray": "3 2"},
                "no height: across the gap",
            )
        )
    if layers:
        items.append(
            ("rect", {"fill": LAYER_FILL, "fill_opacity": 0.25, "stroke": LAYER_FILL}, "layer between elements")
        )
    items.append(("line", {"stroke": MUTED, "stroke_width": 1}, "gap between facing surfaces"))
    if marks:
        items.append(("rect", {"fill": "none", "stroke": RED, "stroke_width": 2}, "finding (numbered)"))
    return items


def _key_lines(assembly: Assembly, tiers: list[_Tier], bands: list[_Band], missing: list[Element]) -> list[str]:
    """What the picture holds, in words: each tier of masses, each layer band, the elements not in it."""
    lines = []
    for tier in tiers:
        names = phrase(declared_name(assembly, i) for i in dict.fromkeys(tier.groups))
        how = "across the gap, no height given" if tier.unknown else f"{num(tier.z1 - tier.z0, 6)} µm high"
        lines.append(f"masses {names}: {tier.count:,}, {how}, from z {num(tier.z0, 6)} µm")
    for band in bands:
        names = phrase(layer.name for layer in band.layers)
        material = band.layers[0].material
        made = f" ({material.name})" if material is not None else ""
        lines.append(f"layer {names}{made}: {num(band.z1 - band.z0, 6)} µm thick, from z {num(band.z0, 6)} µm")
    if missing:
        names = phrase((e.name for e in missing), 6)
        lines.append(f"not in the stack (no z or thickness): {names}")
    return lines
