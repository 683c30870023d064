"""The top views: one per pair of elements joined by masses, with the findings marked.

Pads and masses are drawn to scale as their shapes (round, rounded rectangles, oblongs: the
netlist's arrays, in the assembly's frame, so turned and mirrored with their elements), over the
elements' outlines, coloured by electrical node; a mass routed to a pad that is
not opposite gets a dashed line to it. Beyond `MAX_CIRCLES` masses a view draws their density
instead of one circle each (the layers: gaps_layers.py). The findings are marked as their
families' markers say (marks.py): red rings on masses, red squares on pads, numbered, with a
key below the view. Nothing here knows a rule: a finding is drawn only through the
`ObjectMark`s its family's marker returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import drawsvg as dw
import numpy as np

from assemblint.checking.findings import Finding
from assemblint.model.assembly import Assembly, Element
from assemblint.report.review.gaps_layers import PALETTE, draw_density, draw_masses, draw_pads, radius, scale_bar
from assemblint.report.review.labels import clip, compact, naming, num, represented
from assemblint.report.review.marks import EMPTY, ObjectMark, Review
from assemblint.report.review.svg import (
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

MAX_VIEWS = 12  # top views per design
MAX_CIRCLES = 5_000  # masses drawn one circle each per view; beyond, a density raster
MAX_PADS = 10_000  # pads drawn per view
MAX_MARKS = 40  # numbered finding marks per view
MAX_MARK_SPOTS = 24  # rings per mark


@dataclass
class _Mark:
    """An `ObjectMark` with the finding it marks: its rule (the key's first word) and whether it is waived."""

    rule: str
    label: str
    note: str
    masses: np.ndarray
    pads: np.ndarray
    link: tuple[int, int] | None
    faint: np.ndarray | None
    waived: bool


def _marks(assembly: Assembly, findings: Sequence[Finding], review: Review) -> list[_Mark]:
    return [
        _Mark(
            finding.rule,
            mark.label,
            mark.note,
            np.asarray(mark.masses),
            np.asarray(mark.pads),
            mark.link,
            None if mark.others is None else np.asarray(mark.others),
            bool(getattr(finding, "waived", False)),
        )
        for finding, mark in review.marks(findings, assembly, ObjectMark)
    ]


@dataclass
class _View:
    low: Element
    high: Element
    masses: np.ndarray  # global mass ids
    marks: list[tuple[_Mark, np.ndarray, np.ndarray]] = field(default_factory=list)  # mark, masses, pads here


def top_views(assembly: Assembly, findings: Sequence[Finding], review: Review | None = None) -> list[tuple[str, str]]:
    """One top view per pair of elements joined by masses: [(`die ↔ sub`, svg), …].

    The findings are marked as their families' markers say (`review`, marks.py; none without it).
    At most `MAX_VIEWS`: the pairs with marks first, then those with the most masses.
    """
    with naming(assembly):
        return _top_views(assembly, findings, review or Review())


def _top_views(assembly: Assembly, findings: Sequence[Finding], review: Review) -> list[tuple[str, str]]:
    """The drawing; `top_views` names representatives for every instance."""
    netlist = assembly.netlist
    if netlist is None or netlist.mass_count == 0:
        return []
    joined = np.flatnonzero(netlist.mass_pad_b >= 0)
    if len(joined) == 0:
        return []
    a = netlist.pad_element[netlist.mass_pad_a[joined]]
    b = netlist.pad_element[netlist.mass_pad_b[joined]]
    elements = max(len(assembly.elements), 1)
    keys = np.minimum(a, b) * elements + np.maximum(a, b)
    order = np.argsort(keys, kind="stable")
    keys, joined = keys[order], joined[order]
    bounds = np.flatnonzero(np.diff(keys)) + 1
    starts = np.concatenate([[0], bounds])
    views = []
    pair_of = np.full(netlist.mass_count, -1, dtype=np.int64)
    for number, (chunk, key) in enumerate(zip(np.split(joined, bounds), keys[starts].tolist(), strict=True)):
        low, high = divmod(int(key), elements)
        views.append(_View(assembly.elements[low], assembly.elements[high], np.sort(chunk)))
        pair_of[chunk] = number

    for mark in sorted(_marks(assembly, findings, review), key=lambda m: (m.rule, m.label)):
        for number in sorted(set(pair_of[mark.masses].tolist()) - {-1}):
            view = views[number]
            here = mark.masses[pair_of[mark.masses] == number]
            view.marks.append((mark, here, EMPTY))
        if len(mark.pads) == 0:
            continue
        pad_elements = netlist.pad_element[mark.pads]
        for view in views:
            on = (pad_elements == view.low.index) | (pad_elements == view.high.index)
            if not on.any():
                continue
            existing = next((k for k, (m, _, _) in enumerate(view.marks) if m is mark), None)
            if existing is None:
                view.marks.append((mark, EMPTY, mark.pads[on]))
            else:
                view.marks[existing] = (mark, view.marks[existing][1], mark.pads[on])

    chosen = sorted(views, key=lambda v: (not v.marks, -len(v.masses), v.low.index, v.high.index))[:MAX_VIEWS]
    return [(_view_title(v), _draw_view(assembly, v)) for v in chosen]


def _view_title(view: _View) -> str:
    """`die ↔ sub`; for a placed-cell representative, also the instances the one drawing stands for."""
    title = f"{view.low.name} ↔ {view.high.name}"
    instances = represented()
    weight = instances.weight(view.low.name) if instances else 1
    if weight > 1:
        title += f" (one drawing for {weight} instances alike: {', '.join(compact([view.low.name]))})"
    return title


def _draw_view(assembly: Assembly, view: _View) -> str:
    netlist = assembly.netlist
    assert netlist is not None
    ids = view.masses
    pad_a, pad_b = netlist.mass_pad_a[ids], netlist.mass_pad_b[ids]
    mx, my = netlist.pad_x[pad_a], netlist.pad_y[pad_a]
    diameter = np.fmax(netlist.mass_width[ids], netlist.mass_height[ids])  # the larger side; nan if unknown
    dense = len(ids) > MAX_CIRCLES

    # the pads: every pad of the declarations the masses touch, else just the touched pads
    touched = EMPTY if dense else np.unique(np.concatenate([pad_a, pad_b]))
    arrays = _present(netlist.pad_array, pad_a, pad_b)
    total = sum(assembly.pad_arrays[i].count for i in arrays)
    if dense:
        pads = EMPTY
    elif total <= MAX_PADS:
        pads = np.concatenate([np.arange(assembly.pad_arrays[i].count) + assembly.pad_arrays[i].start for i in arrays])
    elif len(touched) <= MAX_PADS:
        pads = touched
    else:
        pads = EMPTY
    faces = _faces(assembly, pad_a, pad_b, view)

    # marks, numbered in order
    marks = view.marks[:MAX_MARKS]
    mark_pads = np.concatenate([p for _, _, p in marks]) if marks else EMPTY

    # the extent, in µm
    mass_w = np.nan_to_num(netlist.mass_width[ids], nan=0.0)
    mass_h = np.nan_to_num(netlist.mass_height[ids], nan=0.0)
    xs = [mx - mass_w / 2, mx + mass_w / 2]
    ys = [my - mass_h / 2, my + mass_h / 2]
    if len(pads):
        pad_w = np.nan_to_num(netlist.pad_width[pads], nan=0.0)
        pad_h = np.nan_to_num(netlist.pad_height[pads], nan=0.0)
        xs += [netlist.pad_x[pads] - pad_w / 2, netlist.pad_x[pads] + pad_w / 2]
        ys += [netlist.pad_y[pads] - pad_h / 2, netlist.pad_y[pads] + pad_h / 2]
    if len(mark_pads):
        xs.append(netlist.pad_x[mark_pads])
        ys.append(netlist.pad_y[mark_pads])
    xmin, xmax = float(min(x.min() for x in xs)), float(max(x.max() for x in xs))
    ymin, ymax = float(min(y.min() for y in ys)), float(max(y.max() for y in ys))
    sizes = np.fmax(netlist.mass_width[ids], netlist.mass_height[ids])
    typical = float(np.nanmedian(sizes)) if np.isfinite(sizes).any() else 100.0
    margin = max(typical, 0.03 * max(xmax - xmin, ymax - ymin))
    xmin, xmax, ymin, ymax = xmin - margin, xmax + margin, ymin - margin, ymax + margin

    width = 640.0
    plot_left, plot_top = 16.0, 40.0
    box_w, box_h = width - 2 * plot_left, 520.0
    scale = min(box_w / (xmax - xmin), box_h / (ymax - ymin))
    plot_w, plot_h = (xmax - xmin) * scale, (ymax - ymin) * scale
    plot_left = (width - plot_w) / 2

    def px(x: np.ndarray | float) -> Any:
        return plot_left + (x - xmin) * scale

    def py(y: np.ndarray | float) -> Any:
        return plot_top + (ymax - y) * scale  # y grows upwards in the design, downwards in SVG

    # the legend and the list of marks, measured first so that the drawing knows its height
    unknown = bool(np.isnan(diameter).any())
    legend_items = _view_legend(view, faces, dense, bool(len(pads)), unknown)
    legend_top = plot_top + plot_h + 46
    legend_bottom = legend(dw.Group(), legend_items, 16, legend_top, width - 32)
    key_top = legend_bottom + 6
    height = key_top + 15 * len(marks) + (15 if len(view.marks) > len(marks) else 0) + 8

    count_text = f"{len(ids):,} mass{'es' if len(ids) != 1 else ''}"
    label = (
        f"Top view of {_view_title(view)}: {count_text}"
        + (", drawn as a density" if dense else "")
        + (f"; {len(view.marks)} finding mark{'s' if len(view.marks) != 1 else ''}" if view.marks else "")
    )
    d = drawing(width, height, "topview", label)
    caption = f"{faces} · {count_text}" + (" (density)" if dense else "")
    draw_text(d, clip(caption, 100), 16, 20, size=12, fill=MUTED)
    d.append(
        dw.Rectangle(
            coord(plot_left), coord(plot_top), coord(plot_w), coord(plot_h), fill="none", stroke=RULE, stroke_width=1
        )
    )

    _draw_outlines(d, view, (xmin, ymin, xmax, ymax), px, py)
    if not dense:
        colours = np.arange(len(PALETTE))  # node label -> palette index: label % len(PALETTE)
        draw_masses(d, netlist, ids, mx, my, diameter, colours, px, py, scale)
        draw_pads(d, netlist, pads, view.low, view.high, colours, px, py, scale)  # outlines over the masses
    else:
        draw_density(d, mx, my, px, py, scale)

    # the marks: red rings (masses) and squares (pads), numbered
    spots: dict[tuple[int, int], list[int]] = {}
    rings: dict[tuple[int, int], int] = {}
    for number, (mark, masses, mark_pads_here) in enumerate(marks, start=1):
        colour = GREY if mark.waived else RED
        group = dw.Group(class_="mark", data_rule=attr(mark.rule), data_object=attr(mark.label), data_number=number)
        group.append(dw.Title(f"{number}: {mark.rule} {mark.label} — {mark.note}"))
        if mark.faint is not None and not dense:
            faint = np.setdiff1d(mark.faint[np.isin(mark.faint, ids)], masses)[:200]
            for m in faint.tolist():
                x, y = px(netlist.pad_x[netlist.mass_pad_a[m]]), py(netlist.pad_y[netlist.mass_pad_a[m]])
                r = radius(np.fmax(netlist.mass_width[m], netlist.mass_height[m]), scale) + 2
                group.append(dw.Circle(coord(x), coord(y), coord(r), fill="none", stroke=colour, stroke_width=0.8))
        if mark.link is not None and np.isin(list(mark.link), ids).all():
            first, second = (netlist.mass_pad_a[m] for m in mark.link)
            group.append(
                dw.Line(
                    coord(px(netlist.pad_x[first])),
                    coord(py(netlist.pad_y[first])),
                    coord(px(netlist.pad_x[second])),
                    coord(py(netlist.pad_y[second])),
                    stroke=colour,
                    stroke_width=1.5,
                    stroke_dasharray="4 2",
                    class_="link",
                )
            )
        places = []
        for m in masses[:MAX_MARK_SPOTS].tolist():
            pad = netlist.mass_pad_a[m]
            size = np.fmax(netlist.mass_width[m], netlist.mass_height[m])
            places.append(("mass", px(netlist.pad_x[pad]), py(netlist.pad_y[pad]), size))
        for p in mark_pads_here[:MAX_MARK_SPOTS].tolist():
            size = np.fmax(netlist.pad_width[p], netlist.pad_height[p])
            places.append(("pad", px(netlist.pad_x[p]), py(netlist.pad_y[p]), size))
        for place, (kind, x, y, size) in enumerate(places):
            spot = (round(x), round(y))
            stacked = rings.get(spot, 0)
            rings[spot] = stacked + 1
            r = max(radius(size, scale), 2.0) + 3 + 3 * stacked
            if kind == "mass":
                group.append(dw.Circle(coord(x), coord(y), coord(r), fill="none", stroke=colour, stroke_width=2))
            else:
                group.append(
                    dw.Rectangle(
                        coord(x - r),
                        coord(y - r),
                        coord(2 * r),
                        coord(2 * r),
                        fill="none",
                        stroke=colour,
                        stroke_width=1.5,
                    )
                )
            if place == 0:  # the number once per mark, by its first ring
                spots.setdefault(spot, []).append(number)
        d.append(group)
    for (x, y), numbers in sorted(spots.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        offset = rings.get((x, y), 1) * 3 + 6
        draw_text(
            d,
            ",".join(str(n) for n in numbers),
            min(x + offset, width - 4),
            max(y - offset, plot_top + 10),
            size=11,
            fill=RED,
            bold=True,
            halo=True,
            class_="mark-number",
        )

    scale_bar(d, plot_left, plot_top + plot_h + 22, scale, xmax - xmin)
    legend(d, legend_items, 16, legend_top, width - 32)
    for number, (mark, _, _) in enumerate(marks, start=1):
        y = key_top + 15 * (number - 1) + 10
        group = dw.Group(class_="mark-key", data_rule=attr(mark.rule), data_number=number)
        draw_text(group, f"{number}", 16, y, size=11, fill=GREY if mark.waived else RED, bold=True)
        waived = " (waived)" if mark.waived else ""
        draw_text(group, clip(f"{mark.rule}{waived} {mark.label} — {mark.note}", 104), 34, y, size=11)
        d.append(group)
    if len(view.marks) > len(marks):
        y = key_top + 15 * len(marks) + 10
        draw_text(d, f"and {len(view.marks) - len(marks)} more marked findings, not drawn", 34, y, size=11, fill=MUTED)
    return as_svg(d)


def _draw_outlines(d: dw.Drawing, view: _View, extent: tuple[float, float, float, float], px: Any, py: Any) -> None:
    """The two elements' outlines (`Element.outline()`: turned with them), where they fall in the view."""
    group = dw.Group(class_="outlines", fill="none", stroke=GREY, stroke_width=1)
    for side, element in enumerate((view.low, view.high)):
        outline = element.outline()
        if outline is None:
            continue
        x0, y0 = max(outline[0], extent[0]), max(outline[1], extent[1])
        x1, y1 = min(outline[2], extent[2]), min(outline[3], extent[3])
        if x1 <= x0 or y1 <= y0:
            continue
        extra = {"stroke_dasharray": "6 3"} if side else {}
        box = dw.Rectangle(
            coord(px(x0)),
            coord(py(y1)),
            coord(px(x1) - px(x0)),
            coord(py(y0) - py(y1)),
            class_="outline",
            data_element=attr(element.name),
            **extra,
        )
        box.append_title(f"{element.name}: outline {num(outline[2] - outline[0])} × {num(outline[3] - outline[1])} µm")
        group.append(box)
    d.append(group)


def _present(values: np.ndarray, *ids: np.ndarray) -> list[int]:
    """The distinct small non-negative ints `values[ids]` takes (a count, not a hash: fast on millions)."""
    seen = np.zeros(int(values.max()) + 1 if len(values) else 1, dtype=bool)
    for part in ids:
        seen[values[part]] = True
    return np.flatnonzero(seen).tolist()


def _faces(assembly: Assembly, pad_a: np.ndarray, pad_b: np.ndarray, view: _View) -> str:
    """`die front ↔ sub front`: the faces the masses touch on each element."""
    netlist = assembly.netlist
    assert netlist is not None
    keys = netlist.pad_element.astype(np.int64) * 2 + netlist.pad_face
    present = set(_present(keys, pad_a, pad_b))
    parts = []
    for element in (view.low, view.high):
        faces = [name for f, name in enumerate(("front", "back")) if element.index * 2 + f in present]
        parts.append(f"{element.name} " + "+".join(faces))
    return " ↔ ".join(parts)


def _view_legend(view: _View, faces: str, dense: bool, pads: bool, unknown: bool) -> list[LegendItem]:
    items: list[LegendItem] = []
    if pads:
        items.append(("ring", {"fill": "none", "stroke": INK, "stroke_width": 1.2}, f"pad of {view.low.name}"))
        items.append(
            (
                "ring",
                {"fill": "none", "stroke": INK, "stroke_width": 1.2, "stroke_dasharray": "3 2"},
                f"pad of {view.high.name} (dashed)",
            )
        )
    if dense:
        items.append(("rect", {"fill": BAND, "fill_opacity": 0.6}, "masses per cell (darker: more)"))
    else:
        items.append(("circle", {"fill": PALETTE[0], "fill_opacity": 0.55}, "mass; colour: electrical node"))
        items.append(
            (
                "line",
                {"stroke": PALETTE[0], "stroke_width": 1.5, "stroke_dasharray": "2 2"},
                "to the pad it joins, if not opposite",
            )
        )
    if view.marks:
        items.append(("ring", {"fill": "none", "stroke": RED, "stroke_width": 2}, "finding on a mass (numbered)"))
        items.append(("rect", {"fill": "none", "stroke": RED, "stroke_width": 1.5}, "finding on a pad"))
    if unknown:
        items.append(("circle", {"fill": GREY}, "diameter unknown: a 6 px dot"))
    return items
