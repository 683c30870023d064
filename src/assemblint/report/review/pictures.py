"""The SVG pictures of the HTML review report: the melting ladder, the top views, the CTE map.

Each function returns inline SVG markup (no XML declaration) for the page to embed as it is:

- `melting_ladder(assembly)`: every fusible material's solidus–liquidus band against the process
  steps' temperatures, the operate, store and cycle ranges, and the layers' and elements'
  ratings, so that a broken melting hierarchy shows at a glance.
- `top_views(assembly, findings)`: one top view per pair of elements joined by masses, pads and
  masses to scale, coloured by electrical node, with the insulation (IN) findings marked and
  numbered. Beyond `MAX_CIRCLES` masses a view draws their density instead of one circle each.
- `cte_map(assembly, findings)`: one row per pair of elements joined directly, with their CTEs,
  Δα against the limit, whether they are rigidly joined, decoupled or mitigated (CHECKS.md, CTE
  matching), and the strain and fatigue life the CTE findings report.

The root `<svg>` of each picture has `class="picture ladder|topview|ctemap"`, `role="img"`, an
`aria-label` and a `<title>`; a `viewBox` and a width in CSS px, so it scales down with
`max-width: 100%`. Text uses the system font stack: no web font, no fetch, no ids (several
pictures share one page), no script. Colour is never the only carrier of meaning: every colour
has a legend entry, and the states are also written as text or drawn with a distinct stroke.
Drawn with `drawsvg`, which escapes text content but not attribute values: every attribute that
holds a name from the design goes through `_attr`. The output is deterministic.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import drawsvg as dw
import numpy as np

from assemblint.analysis.joints import joined_pairs
from assemblint.checking.findings import Finding, Objects, objects_phrase
from assemblint.model.assembly import Assembly, Element, Layer, MassGroup, Material, NetGroup, PadArray
from assemblint.model.hierarchy import Represented

FONT = "system-ui, sans-serif"
INK = "#1f2328"
MUTED = "#57606a"
RULE = "#d0d7de"
RED = "#c62828"
AMBER = "#b26a00"
BLUE = "#1f6fb2"
GREEN = "#2e7d32"
GREY = "#8c959f"
BAND = "#4e79a7"  # a fusible material's band
LIQUID = "#e07b00"  # liquid in service
SERVICE_COLOURS = {"operate": "#e6a117", "store": "#4a90c2", "cycle": "#8e6bb0"}
# Categorical colours for electrical nodes: no red (red marks findings), dark enough to print.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#b07aa1",
    "#76b7b2",
    "#9c755f",
    "#edc948",
    "#ff9da7",
    "#6b6ecf",
    "#8c6d31",
)
SEVERITY_COLOURS = {"error": RED, "warning": AMBER, "info": BLUE, "ok": GREEN, "waived": GREY}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2, "waived": 3, "ok": 4}

MAX_VIEWS = 12  # top views per design
MAX_CIRCLES = 5_000  # masses drawn one circle each per view; beyond, a density raster
MAX_PADS = 10_000  # pads drawn per view
DENSITY_CELLS = 200  # the density raster has at most this many cells along each side
DENSITY_LEVELS = 5  # opacity steps of the raster (runs of one level in a row are one rect)
MAX_MARKS = 40  # numbered finding marks per view
MAX_MARK_SPOTS = 24  # rings per mark
MAX_BANDS = 14  # fusible materials on the ladder
MAX_RATINGS = 10  # layer and element ratings on the ladder
MAX_ROWS = 40  # rows of the CTE map
DEFAULT_MAX_DELTA = 3.0  # ppm/K: CTE001's default limit
COLUMNS = (30, 320, 520, 700)  # x of the CTE map's columns: pair, joints, Δα bar, strain


# ============================================================================ shared helpers
def _attr(value: Any) -> str:
    """An attribute value, escaped (drawsvg writes attribute values as they are)."""
    return html.escape(str(value), quote=True)


def _r(value: float) -> float:
    """A coordinate, rounded for compact, deterministic output."""
    out = round(float(value), 2)
    return 0.0 if out == 0 else out


def _num(value: float, digits: int = 3) -> str:
    """`13.4`, `0.149`, `1000`: a number for people, at most `digits` significant figures."""
    value = float(value)
    if value != value:
        return "?"
    if abs(value) >= 10**digits:
        return f"{value:,.0f}"
    text = f"{value:.{digits}g}"
    return "0" if text == "-0" else text


def _deg(value: float) -> str:
    return f"{_num(value, 6)} °C"


def _span(low: float, high: float) -> str:
    """`40 … 85 °C`, or `183 °C` when both ends are equal."""
    return _deg(high) if low == high else f"{_num(low, 6)} … {_deg(high)}"


def _declared(name: str) -> str:
    """`units[4].chip` -> `chip`: the name as its cell declares it, so that instances merge."""
    return re.sub(r"^.*\]\.", "", name)


_REPRESENTED: ContextVar[Represented | None] = ContextVar("represented", default=None)


@contextmanager
def _naming(assembly: Assembly) -> Iterator[None]:
    """While drawing a design, name a placed-cell representative for every instance it stands for."""
    token = _REPRESENTED.set(assembly.represented)
    try:
        yield
    finally:
        _REPRESENTED.reset(token)


def _compact(names: Iterable[str]) -> list[str]:
    """`units[0].m`, `units[1].m` -> `units[0:2].m` (the names of cell instances, merged)."""
    objects = Objects()
    for name in names:
        objects.add(str(name))
    return objects.compact(_REPRESENTED.get())


def _phrase(names: Iterable[str], most: int = 3) -> str:
    compact = _compact(names)
    return objects_phrase(compact, most) if compact else ""


def _clip(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def _drawing(width: float, height: float, kind: str, label: str) -> dw.Drawing:
    width, height = math.ceil(width), math.ceil(height)
    drawing = dw.Drawing(
        width,
        height,
        **{
            "class": f"picture {kind}",
            "role": "img",
            "aria-label": _attr(label),
            "font-family": FONT,
            "font-size": "12",
            "fill": INK,
            "style": "max-width:100%;height:auto",
        },
    )
    drawing.append(dw.Title(label))
    return drawing


def _svg(drawing: dw.Drawing) -> str:
    return drawing.as_svg(header="").replace("<defs>\n</defs>\n", "", 1)


def _text(
    parent: Any,
    text: str,
    x: float,
    y: float,
    size: float = 12,
    anchor: str = "start",
    fill: str = INK,
    bold: bool = False,
    halo: bool = False,
    **attrs: Any,
) -> None:
    extra = dict(attrs)
    if bold:
        extra["font_weight"] = "600"
    if anchor != "start":
        extra["text_anchor"] = anchor
    if halo:  # readable over lines and fills: a white outline painted under the glyphs
        extra.update(stroke="#ffffff", stroke_width=3, stroke_linejoin="round", paint_order="stroke")
    parent.append(dw.Text(text, size, _r(x), _r(y), fill=fill, **extra))


def _legend(parent: Any, items: Sequence[tuple[str, dict[str, Any], str]], x: float, y: float, width: float) -> float:
    """Swatches with labels, wrapped into rows; returns the y below the legend.

    An item is (shape, attributes, label), shape `rect`, `line`, `circle` or `ring`.
    """
    group = dw.Group(class_="legend")
    cursor_x, cursor_y, row = x, y, 18
    for shape, attrs, label in items:
        item_width = 24 + 6.4 * len(label) + 18
        if cursor_x + item_width > x + width and cursor_x > x:
            cursor_x, cursor_y = x, cursor_y + row
        if shape == "rect":
            group.append(dw.Rectangle(_r(cursor_x), _r(cursor_y - 9), 16, 10, **attrs))
        elif shape == "line":
            group.append(dw.Line(_r(cursor_x), _r(cursor_y - 4), _r(cursor_x + 16), _r(cursor_y - 4), **attrs))
        elif shape in ("circle", "ring"):
            group.append(dw.Circle(_r(cursor_x + 8), _r(cursor_y - 4), 5, **attrs))
        _text(group, label, cursor_x + 22, cursor_y, size=11, fill=MUTED)
        cursor_x += item_width
    parent.append(group)
    return cursor_y + row


def _spread(items: Sequence[tuple[float, float]], top: float, bottom: float) -> list[float]:
    """Label boxes (wanted top, height) -> tops that do not overlap, kept between top and bottom when
    they fit (the order of the wanted positions is kept)."""
    order = sorted(range(len(items)), key=lambda i: (items[i][0], i))
    tops = [0.0] * len(items)
    cursor = top
    for i in order:
        tops[i] = max(items[i][0], cursor)
        cursor = tops[i] + items[i][1]
    limit = bottom
    for i in reversed(order):  # pull back up what ran past the bottom
        tops[i] = min(tops[i], limit - items[i][1])
        limit = tops[i]
    cursor = top
    for i in order:  # and never above the top (runs past the bottom if it must)
        tops[i] = max(tops[i], cursor)
        cursor = tops[i] + items[i][1]
    return tops


def _nice_step(span: float, target: int = 8) -> float:
    raw = span / max(target, 1)
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def _group_names(assembly: Assembly, group_indices: Iterable[int]) -> list[str]:
    groups = assembly.mass_groups
    return [groups[i].name for i in sorted(set(group_indices))]


def _masks_to_groups(assembly: Assembly, mask: np.ndarray) -> list[int]:
    """The mass groups (indices) with some mass in a mask over global mass ids."""
    netlist = assembly.netlist
    if netlist is None or not mask.any():
        return []
    return np.unique(netlist.mass_group[mask]).tolist()


# ============================================================================ melting ladder
@dataclass
class _Band:
    material: Material
    low: float  # solidus
    high: float  # liquidus (the solidus when none is given)
    groups: dict[str, None] = field(default_factory=dict)  # the users, in order (a dict: fast to dedupe)
    remelted_by: list[str] = field(default_factory=list)
    liquid_in: list[str] = field(default_factory=list)


@dataclass
class _Rating:
    kind: str  # `layer` or `element`
    names: list[str]
    what: str  # the material, or the element type
    low: float | None
    high: float
    max_temp: float | None
    exceeded_by: list[str]


def melting_ladder(assembly: Assembly) -> str | None:
    """The melting ladder of a design; None when it has no fusible material and no process step."""
    with _naming(assembly):
        return _melting_ladder(assembly)


def _melting_ladder(assembly: Assembly) -> str | None:
    """The drawing; `melting_ladder` names representatives for every instance."""
    tl = assembly.timeline
    bands = _bands(assembly, tl)
    if not bands and not tl.steps:
        return None
    ratings = _ratings(assembly, tl)
    step_notes = _step_notes(assembly, tl)

    values = [b.low for b in bands] + [b.high for b in bands]
    values += [m.low for m in tl.moments] + [m.high for m in tl.moments]
    low, high = min(values), max(values)
    pad = max(10.0, 0.08 * (high - low))
    tick = _nice_step(high - low + 2 * pad)
    axis_low = math.floor((low - pad) / tick) * tick
    axis_high = math.ceil((high + pad) / tick) * tick

    shown_bands, more_bands = bands[:MAX_BANDS], len(bands) - MAX_BANDS
    shown_ratings, more_ratings = ratings[:MAX_RATINGS], len(ratings) - MAX_RATINGS

    def label_width(lines: Iterable[str]) -> float:
        return max((6.3 * len(line) for line in lines), default=0)

    band_width = [max(120.0, 44 + label_width(_band_lines(b))) for b in shown_bands]
    band_width = [min(w, 260.0) for w in band_width]
    if band_width and sum(band_width) < 250:  # room for the column header
        band_width[-1] += 250 - sum(band_width)
    rating_width = [min(max(96.0, 24 + label_width(_rating_lines(r))), 220.0) for r in shown_ratings]

    axis_x = 58.0
    plot_left = axis_x + 8
    plot_top = 52.0
    plot_height = 420.0
    plot_bottom = plot_top + plot_height
    plot_right = plot_left + sum(band_width) + sum(rating_width) + 24 + (16 if shown_ratings else 0)
    plot_right = max(plot_right, plot_left + 240)
    gutter = 230.0
    width = plot_right + gutter

    def y_of(t: float) -> float:
        return plot_top + (axis_high - t) / (axis_high - axis_low) * plot_height

    step_labels = []  # (wanted top, lines, colour, y of the line, kind)
    for moment in tl.steps:
        note = step_notes.get(moment.index, [])
        remelts = any(n.startswith("remelts") for n in note)
        lines = [f"{moment.name} {_span(moment.low, moment.high)}", *note]
        step_labels.append((moment, lines, RED if remelts else INK))
    service_labels = [(m, [f"{m.name} {_span(m.low, m.high)}"], SERVICE_COLOURS.get(m.name, MUTED)) for m in tl.service]
    all_labels = step_labels + service_labels
    boxes = [(y_of(m.high) - 8, 13.0 * len(lines) + 3) for m, lines, _ in all_labels]
    tops = _spread(boxes, plot_top - 20, plot_bottom + 20)
    labels_bottom = max([t + h for t, (_, h) in zip(tops, boxes, strict=True)], default=plot_bottom)

    rating_space = 24 + 13 * max((len(_rating_lines(r)) for r in shown_ratings), default=0)
    legend_top = max(plot_bottom + rating_space, labels_bottom) + 34
    legend_items = _ladder_legend(tl, bands, ratings)
    # measure the legend by drawing it into a scratch group
    legend_bottom = _legend(dw.Group(), legend_items, 16, legend_top, width - 32)
    height = legend_bottom + (18 if more_bands > 0 or more_ratings > 0 else 4)

    label = _ladder_label(assembly, tl, bands)
    d = _drawing(width, height, "ladder", label)

    # axis and grid
    grid = dw.Group(class_="axis")
    t = axis_low
    while t <= axis_high + 1e-9:
        y = y_of(t)
        grid.append(dw.Line(_r(plot_left), _r(y), _r(plot_right), _r(y), stroke=RULE, stroke_width=0.6))
        _text(grid, f"{_num(t, 6)}", axis_x - 4, y + 4, size=11, anchor="end", fill=MUTED)
        t += tick
    grid.append(dw.Line(_r(axis_x + 4), _r(plot_top), _r(axis_x + 4), _r(plot_bottom), stroke=MUTED, stroke_width=1))
    _text(grid, "°C", axis_x - 4, plot_top - 10, size=11, anchor="end", fill=MUTED)
    d.append(grid)

    # operate / store / cycle: shaded bands across the plot
    for moment in tl.service:
        colour = SERVICE_COLOURS.get(moment.name, GREY)
        top, bottom = y_of(moment.high), y_of(moment.low)
        group = dw.Group(class_="range", data_range=_attr(moment.name))
        group.append(dw.Title(f"{moment.name} range {_span(moment.low, moment.high)}"))
        group.append(
            dw.Rectangle(
                _r(plot_left),
                _r(top),
                _r(plot_right - plot_left),
                _r(max(bottom - top, 1.5)),
                fill=colour,
                fill_opacity=0.16,
            )
        )
        for y in (top, bottom):
            group.append(
                dw.Line(
                    _r(plot_left),
                    _r(y),
                    _r(plot_right),
                    _r(y),
                    stroke=colour,
                    stroke_width=1,
                    stroke_dasharray="6 3",
                )
            )
        d.append(group)

    # steps that span a range: a light band under their line
    for moment in tl.steps:
        if moment.low != moment.high:
            top, bottom = y_of(moment.high), y_of(moment.low)
            d.append(
                dw.Rectangle(
                    _r(plot_left),
                    _r(top),
                    _r(plot_right - plot_left),
                    _r(bottom - top),
                    fill=GREY,
                    fill_opacity=0.18,
                    class_="step-range",
                )
            )

    # column headers
    x = plot_left + 12
    if shown_bands:
        _text(d, "fusible materials (solidus–liquidus)", x, plot_top - 30, size=11, fill=MUTED, bold=True)
    if shown_ratings:
        rx = x + sum(band_width) + 16
        _text(d, "ratings (service range, max temp)", rx, plot_top - 30, size=11, fill=MUTED, bold=True)

    # fusible bands
    for band, column in zip(shown_bands, band_width, strict=True):
        _draw_band(d, band, x, y_of)
        x += column
    # ratings
    if shown_ratings:
        x += 16
        d.append(dw.Line(_r(x - 8), _r(plot_top), _r(x - 8), _r(plot_bottom), stroke=RULE, stroke_width=1))
    for rating, column in zip(shown_ratings, rating_width, strict=True):
        _draw_rating(d, rating, x, y_of, axis_low, axis_high, plot_top, plot_bottom)
        x += column

    # step lines, then every label in the gutter
    for moment, _, colour in step_labels:
        y = y_of(moment.high)
        d.append(
            dw.Line(
                _r(plot_left),
                _r(y),
                _r(plot_right),
                _r(y),
                stroke=colour,
                stroke_width=2 if colour == RED else 1.2,
                class_="step",
                data_step=_attr(moment.name),
            )
        )
    for (moment, lines, colour), top in zip(all_labels, tops, strict=True):
        y, first = y_of(moment.high), top + 10
        group = dw.Group(class_="label", data_moment=_attr(moment.name))
        group.append(
            dw.Lines(
                _r(plot_right),
                _r(y),
                _r(plot_right + 10),
                _r(y),
                _r(plot_right + 18),
                _r(first - 4),
                fill="none",
                stroke=colour,
                stroke_width=0.8,
            )
        )
        for k, line in enumerate(lines):
            _text(group, line, plot_right + 22, first + 13 * k, size=12 if k == 0 else 11, fill=colour, bold=k == 0)
        d.append(group)

    legend_bottom = _legend(d, legend_items, 16, legend_top, width - 32)
    if more_bands > 0 or more_ratings > 0:
        parts = []
        if more_bands > 0:
            parts.append(f"{more_bands} more fusible materials")
        if more_ratings > 0:
            parts.append(f"{more_ratings} more ratings")
        _text(d, " and ".join(parts) + " not drawn", 16, legend_bottom + 4, size=11, fill=MUTED)
    return _svg(d)


def _bands(assembly: Assembly, tl: Any) -> list[_Band]:
    """One band per fusible material that masses use, sorted by solidus."""
    remelted, liquid = tl.remelted, tl.liquid_in_service
    steps_remelting = [(m, tl.remelted_by(m)) for m in tl.steps]
    service_liquid = [(m, tl.liquid(m)) for m in tl.service]
    bands: dict[str, _Band] = {}
    for group in assembly.mass_groups:
        if group.count == 0:
            continue
        lowest = group.melting_temp
        part = slice(group.start, group.start + group.count)
        for region_name, material in _materials_of(group):
            if material.solidus is None:
                continue
            band = bands.get(material.name)
            if band is None:
                liquidus = material.liquidus if material.liquidus is not None else material.solidus
                band = bands[material.name] = _Band(material, material.solidus, liquidus)
            user = f"{group.name} ({region_name})" if region_name else group.name
            band.groups[user] = None
            if material.solidus != lowest:  # what remelts or is liquid is the lowest-melting material
                continue
            if remelted[part].any():
                for moment, mask in steps_remelting:
                    if mask[part].any() and moment.name not in band.remelted_by:
                        band.remelted_by.append(moment.name)
            if liquid[part].any():
                for moment, mask in service_liquid:
                    if mask[part].any() and moment.name not in band.liquid_in:
                        band.liquid_in.append(moment.name)
    return sorted(bands.values(), key=lambda b: (b.low, b.high, b.material.name))


def _materials_of(group: MassGroup) -> list[tuple[str, Material]]:
    if group.regions:
        return [(r.name, r.material) for r in group.regions]
    return [("", group.material)] if group.material is not None else []


def _band_lines(band: _Band) -> list[str]:
    lines = [band.material.name, _span(band.low, band.high)]
    lines.append(_phrase(band.groups))
    if band.remelted_by:
        lines.append("remelted by " + ", ".join(band.remelted_by))
    if band.liquid_in:
        lines.append("liquid in " + ", ".join(band.liquid_in))
    return lines


def _draw_band(d: dw.Drawing, band: _Band, x: float, y_of: Any) -> None:
    top, bottom = y_of(band.high), y_of(band.low)
    if bottom - top < 5:  # a eutectic (or a narrow range): a thick line
        mid = (top + bottom) / 2
        top, bottom = mid - 2.5, mid + 2.5
    fill = RED if band.remelted_by else LIQUID if band.liquid_in else BAND
    group = dw.Group(class_="band", data_material=_attr(band.material.name))
    lines = _band_lines(band)
    group.append(dw.Title(" · ".join(lines)))
    extra: dict[str, Any] = {}
    if band.liquid_in:
        extra = {"stroke": INK, "stroke_width": 1.2, "stroke_dasharray": "3 2"}
    group.append(dw.Rectangle(_r(x), _r(top), 30, _r(bottom - top), fill=fill, **extra))
    mid = (top + bottom) / 2
    first = mid - 13 * (len(lines) - 1) / 2 + 4
    for k, line in enumerate(lines):
        colour = (
            RED if line.startswith("remelted") else LIQUID if line.startswith("liquid") else INK if k == 0 else MUTED
        )
        _text(group, line, x + 36, first + 13 * k, size=12 if k == 0 else 11, fill=colour, bold=k == 0, halo=True)
    d.append(group)


def _ratings(assembly: Assembly, tl: Any) -> list[_Rating]:
    """The layers' service ranges and max temps, and the elements' max temps (cell instances merged)."""
    merged: dict[tuple, _Rating] = {}

    def add(kind: str, obj: Layer | Element, what: str, low: float | None, high: float, max_temp: float | None) -> None:
        exceeded = [m.name for m in tl.moments if m.high > high and (not m.is_step or tl.exists(obj, m))]
        key = (kind, _declared(obj.name), what, low, high, max_temp, tuple(exceeded))
        rating = merged.get(key)
        if rating is None:
            merged[key] = _Rating(kind, [obj.name], what, low, high, max_temp, exceeded)
        else:
            rating.names.append(obj.name)

    for layer in assembly.layers:
        material = layer.material
        if material is None or (material.service is None and material.max_temp is None):
            continue
        service = material.service
        top = service[1] if service else material.max_temp
        if service and material.max_temp is not None:
            top = min(service[1], material.max_temp)
        add("layer", layer, material.name, service[0] if service else None, top, material.max_temp)  # type: ignore[arg-type]
    for element in assembly.elements:
        if element.max_temp is not None:
            add("element", element, element.type, None, element.max_temp, element.max_temp)
    return list(merged.values())


def _rating_lines(rating: _Rating) -> list[str]:
    name = _phrase(rating.names, 2)
    span = f"service {_span(rating.low, rating.high)}" if rating.low is not None else f"max {_deg(rating.high)}"
    lines = [name, f"{rating.kind} · {rating.what}", span]
    if rating.exceeded_by:
        lines.append("exceeded by " + ", ".join(rating.exceeded_by))
    return lines


def _draw_rating(
    d: dw.Drawing,
    rating: _Rating,
    x: float,
    y_of: Any,
    axis_low: float,
    axis_high: float,
    plot_top: float,
    plot_bottom: float,
) -> None:
    high = min(rating.high, axis_high)
    low = axis_low if rating.low is None else max(rating.low, axis_low)
    top, bottom = y_of(high), y_of(low) if rating.low is not None else plot_bottom
    group = dw.Group(class_="rating", data_name=_attr(rating.names[0]))
    lines = _rating_lines(rating)
    group.append(dw.Title(" · ".join(lines)))
    extra: dict[str, Any] = {"stroke": RED, "stroke_width": 2} if rating.exceeded_by else {}
    group.append(dw.Rectangle(_r(x), _r(top), 10, _r(max(bottom - top, 1)), fill=GREY, fill_opacity=0.55, **extra))
    if rating.high > axis_high:  # beyond the top of the axis: an arrow up
        group.append(dw.Lines(_r(x), _r(top), _r(x + 5), _r(top - 7), _r(x + 10), _r(top), close=True, fill=GREY))
    if rating.low is None:  # open towards the bottom: no lower limit
        group.append(
            dw.Line(
                _r(x + 5), _r(bottom), _r(x + 5), _r(bottom + 8), stroke=GREY, stroke_width=2, stroke_dasharray="2 2"
            )
        )
    first = plot_bottom + 24  # under the plot, clear of the step lines
    for k, line in enumerate(lines):
        colour = RED if line.startswith("exceeded") else INK if k == 0 else MUTED
        _text(group, line, x, first + 13 * k, size=11, fill=colour, bold=k == 0)
    d.append(group)


def _step_notes(assembly: Assembly, tl: Any) -> dict[int, list[str]]:
    """Per step index: `joins b`, `mixes b`, `remelts b` (the masses named by declaration)."""
    notes: dict[int, list[str]] = {}
    if assembly.netlist is None or assembly.mass_count == 0:
        return notes
    joined_by = tl.joined_by
    for moment in tl.steps:
        out = []
        for verb, mask in (
            ("joins", joined_by == moment.index),
            ("mixes", tl.mixes(moment)),
            ("remelts", tl.remelted_by(moment)),
        ):
            names = _group_names(assembly, _masks_to_groups(assembly, mask))
            if names:
                out.append(f"{verb} {_phrase(names, 2)}")
        if out:
            notes[moment.index] = out
    return notes


def _ladder_legend(tl: Any, bands: list[_Band], ratings: list[_Rating]) -> list[tuple[str, dict[str, Any], str]]:
    items: list[tuple[str, dict[str, Any], str]] = [("rect", {"fill": BAND}, "fusible material, solidus to liquidus")]
    if any(b.remelted_by for b in bands):
        items.append(("rect", {"fill": RED}, "remelted by a later step"))
    if any(b.liquid_in for b in bands):
        items.append(
            ("rect", {"fill": LIQUID, "stroke": INK, "stroke_dasharray": "3 2"}, "liquid in service (dashed outline)")
        )
    if tl.steps:
        items.append(("line", {"stroke": INK, "stroke_width": 1.5}, "process step (its peak)"))
    if any(m.low != m.high for m in tl.steps):
        items.append(("rect", {"fill": GREY, "fill_opacity": 0.3}, "step over a range"))
    if any(b.remelted_by for b in bands):
        items.append(("line", {"stroke": RED, "stroke_width": 2.5}, "step that remelts joined masses"))
    for moment in tl.service:
        colour = SERVICE_COLOURS.get(moment.name, GREY)
        items.append(
            (
                "rect",
                {"fill": colour, "fill_opacity": 0.3, "stroke": colour, "stroke_dasharray": "4 2"},
                f"{moment.name} range",
            )
        )
    if ratings:
        items.append(("rect", {"fill": GREY, "fill_opacity": 0.55}, "rating of a layer or element"))
    if any(r.exceeded_by for r in ratings):
        items.append(
            ("rect", {"fill": GREY, "fill_opacity": 0.55, "stroke": RED, "stroke_width": 2}, "rating exceeded")
        )
    return items


def _ladder_label(assembly: Assembly, tl: Any, bands: list[_Band]) -> str:
    parts = [f"Melting ladder of {assembly.title or assembly.path}"]
    if bands:
        parts.append("fusible materials " + ", ".join(f"{b.material.name} {_span(b.low, b.high)}" for b in bands))
    if tl.steps:
        parts.append("steps " + ", ".join(f"{m.name} {_deg(m.high)}" for m in tl.steps))
    if tl.service:
        parts.append(", ".join(f"{m.name} {_span(m.low, m.high)}" for m in tl.service))
    remelted = [b.material.name for b in bands if b.remelted_by]
    if remelted:
        parts.append("remelted: " + ", ".join(remelted))
    liquid = [b.material.name for b in bands if b.liquid_in]
    if liquid:
        parts.append("liquid in service: " + ", ".join(liquid))
    return "; ".join(parts)


# ============================================================================ top views
@dataclass
class _Mark:
    rule: str
    label: str  # what is marked: `x`, `z[0] – z[1]`, `n[8]`
    note: str  # why
    masses: np.ndarray  # global mass ids to ring and number
    pads: np.ndarray  # pad ids to box and number
    link: tuple[int, int] | None = None  # two mass ids to join with a line
    faint: np.ndarray | None = None  # further masses to ring thinly, unnumbered
    waived: bool = False


_EMPTY = np.zeros(0, dtype=np.int64)
_NAME = re.compile(r"^(?P<head>.*?)(?:\[(?P<i>\d+)\])?$")


class _Names:
    """Object names (`x`, `z[0]`, `die.c[8]`, `units[0].chip.c[0]`) -> mass or pad ids."""

    def __init__(self, assembly: Assembly):
        self.masses = {g.name: g for g in assembly.mass_groups}
        self.pads = {a.qualified_name: a for a in assembly.pad_arrays}

    def resolve(self, name: str) -> tuple[str, int] | None:
        name = name.strip()
        group = self.masses.get(name)
        if group is not None and not group.indexed and group.count:
            return "mass", group.start
        array = self.pads.get(name)
        if array is not None and not array.indexed and array.count:
            return "pad", array.start
        match = _NAME.match(name)
        if match is None or match["i"] is None:
            return None
        head, i = match["head"], int(match["i"])
        group = self.masses.get(head)
        if group is not None and i < group.count:
            return "mass", group.start + i
        array = self.pads.get(head)
        if array is not None and i < array.count:
            return "pad", array.start + i
        return None

    def ids(self, names: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        masses, pads = [], []
        for name in names:
            found = self.resolve(name)
            if found is not None:
                (masses if found[0] == "mass" else pads).append(found[1])
        return np.array(masses, dtype=np.int64), np.array(pads, dtype=np.int64)


def _finding_objects(finding: Finding) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    """The mass ids, pad ids and named objects (layers, elements, nets) a finding concerns."""
    objects = getattr(finding, "objects", None)
    masses, pads, named = [], [], []
    if isinstance(objects, Objects):
        for group, index in objects.members.values():
            if isinstance(group, MassGroup | PadArray):
                local = (
                    np.arange(group.count, dtype=np.int64) if index is None else np.array(sorted(index), dtype=np.int64)
                )
                (masses if isinstance(group, MassGroup) else pads).append(group.start + local)
            elif isinstance(group, NetGroup):
                chosen = range(group.count) if index is None else sorted(index)
                pins = [group.pins[i] for i in chosen]
                if pins:
                    pads.append(np.concatenate(pins).astype(np.int64))
                named.append((group, chosen))
        named.extend(objects.names.values())
    cat = lambda parts: np.unique(np.concatenate(parts)) if parts else _EMPTY  # noqa: E731
    return cat(masses), cat(pads), named


def _marks(assembly: Assembly, findings: Sequence[Finding]) -> list[_Mark]:
    """The insulation findings as marks on the top views."""
    names = _Names(assembly)
    out: list[_Mark] = []
    for finding in findings:
        rule = str(getattr(finding, "rule", ""))
        if not rule.startswith("IN"):
            continue
        data = getattr(finding, "data", None) or {}
        waived = bool(getattr(finding, "waived", False))
        masses, pads, named = _finding_objects(finding)
        object_names = list(getattr(finding, "object_names", []) or [])
        if rule == "IN001" and data.get("paths"):
            nets = data.get("nets") or object_names
            between = " and ".join(str(n) for n in nets[:2]) + (" …" if len(nets) > 2 else "")
            for path in data["paths"]:
                steps = str(path).replace(" is a pin of both", "").split(" — ")
                path_masses, path_pads = names.ids(steps)
                label = ", ".join(s for s in steps if names.resolve(s) and names.resolve(s)[0] == "mass")  # type: ignore[index]
                out.append(
                    _Mark(
                        rule,
                        label or ", ".join(steps),
                        f"short between {between}: {path}",
                        path_masses,
                        path_pads if len(path_masses) == 0 else _EMPTY,
                        waived=waived,
                    )
                )
            continue
        if rule == "IN002":
            net = str(data.get("net") or objects_phrase(object_names))
            groups = [str(g) for g in data.get("groups", [])]
            net_pads = pads
            if len(net_pads) == 0:  # no objects to read: the groups' pad names
                net_pads = names.ids(n for g in groups for n in g.split(", "))[1]
            note = f"open: net split into {len(groups) or 'several'} groups" + (
                ": " + "; ".join(groups) if groups else ""
            )
            out.append(_Mark(rule, net, note, _EMPTY, net_pads, waived=waived))
            continue
        if rule == "IN003" and data.get("closest"):
            first, second = (str(n) for n in data["closest"][:2])
            pair_masses, _ = names.ids([first, second])
            link = (int(pair_masses[0]), int(pair_masses[1])) if len(pair_masses) == 2 else None
            note = (
                f"closest pair {_num(data.get('min_distance', float('nan')))} µm apart edge to edge "
                f"(minimum {_num(data.get('min_spacing', float('nan')))} µm); {data.get('pairs', '?')} pairs too close"
            )
            out.append(_Mark(rule, f"{first} – {second}", note, pair_masses, _EMPTY, link, masses, waived))
            continue
        if rule == "IN005" and data.get("mass"):
            mass_ids, _ = names.ids([str(data["mass"])])
            _, pad_ids = names.ids([str(data.get("pad", ""))])
            note = f"footprint overlaps pad {data.get('pad', '?')} of another electrical node"
            if data.get("pairs", 1) > 1:
                note += f" ({data['pairs']} such pairs: {objects_phrase(object_names)})"
            out.append(
                _Mark(rule, f"{data['mass']} on {data.get('pad', '?')}", note, mass_ids, pad_ids, None, masses, waived)
            )
            continue
        if rule == "IN004":
            by_name = {layer.name: layer for layer in assembly.layers}
            layers = [by_name[o.name] for o in named if isinstance(o, Layer) and o.name in by_name]
            around = (
                np.unique(np.concatenate([assembly.timeline.surrounded_by(layer) for layer in layers]))
                if layers
                else _EMPTY
            )
            what = ", ".join(layer.name for layer in layers) or objects_phrase(object_names)
            note = (
                f"conductive layer {what} ({data.get('material', '?')}) around {data.get('masses', len(around))} masses"
            )
            out.append(_Mark(rule, what, note, around, _EMPTY, waived=waived))
            continue
        # any other insulation rule: its masses and pads, and its message
        message = str(getattr(finding, "message", ""))
        out.append(_Mark(rule, objects_phrase(object_names) or rule, message, masses, pads, waived=waived))
    return out


@dataclass
class _View:
    low: Element
    high: Element
    masses: np.ndarray  # global mass ids
    marks: list[tuple[_Mark, np.ndarray, np.ndarray]] = field(default_factory=list)  # mark, masses, pads here


def top_views(assembly: Assembly, findings: Sequence[Finding]) -> list[tuple[str, str]]:
    """One top view per pair of elements joined by masses: [(`die ↔ sub`, svg), …].

    At most `MAX_VIEWS`: the pairs with insulation findings first, then those with the most masses.
    """
    with _naming(assembly):
        return _top_views(assembly, findings)


def _top_views(assembly: Assembly, findings: Sequence[Finding]) -> list[tuple[str, str]]:
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

    for mark in sorted(_marks(assembly, findings), key=lambda m: (m.rule, m.label)):
        for number in sorted(set(pair_of[mark.masses].tolist()) - {-1}):
            view = views[number]
            here = mark.masses[pair_of[mark.masses] == number]
            view.marks.append((mark, here, _EMPTY))
        if len(mark.pads) == 0:
            continue
        pad_elements = netlist.pad_element[mark.pads]
        for view in views:
            on = (pad_elements == view.low.index) | (pad_elements == view.high.index)
            if not on.any():
                continue
            existing = next((k for k, (m, _, _) in enumerate(view.marks) if m is mark), None)
            if existing is None:
                view.marks.append((mark, _EMPTY, mark.pads[on]))
            else:
                view.marks[existing] = (mark, view.marks[existing][1], mark.pads[on])

    chosen = sorted(views, key=lambda v: (not v.marks, -len(v.masses), v.low.index, v.high.index))[:MAX_VIEWS]
    return [(_view_title(v), _draw_view(assembly, v)) for v in chosen]


def _view_title(view: _View) -> str:
    """`die ↔ sub`; for a placed-cell representative, also the instances the one drawing stands for."""
    title = f"{view.low.name} ↔ {view.high.name}"
    represented = _REPRESENTED.get()
    weight = represented.weight(view.low.name) if represented else 1
    if weight > 1:
        title += f" (one drawing for {weight} instances alike: {', '.join(_compact([view.low.name]))})"
    return title


def _draw_view(assembly: Assembly, view: _View) -> str:
    netlist = assembly.netlist
    assert netlist is not None
    ids = view.masses
    pad_a, pad_b = netlist.mass_pad_a[ids], netlist.mass_pad_b[ids]
    mx, my = netlist.pad_x[pad_a], netlist.pad_y[pad_a]
    diameter = netlist.mass_diameter[ids]
    dense = len(ids) > MAX_CIRCLES

    # the pads: every pad of the declarations the masses touch, else just the touched pads
    touched = _EMPTY if dense else np.unique(np.concatenate([pad_a, pad_b]))
    arrays = _present(netlist.pad_array, pad_a, pad_b)
    total = sum(assembly.pad_arrays[i].count for i in arrays)
    if dense:
        pads = _EMPTY
    elif total <= MAX_PADS:
        pads = np.concatenate([np.arange(assembly.pad_arrays[i].count) + assembly.pad_arrays[i].start for i in arrays])
    elif len(touched) <= MAX_PADS:
        pads = touched
    else:
        pads = _EMPTY
    faces = _faces(assembly, pad_a, pad_b, view)

    # marks, numbered in order
    marks = view.marks[:MAX_MARKS]
    mark_pads = np.concatenate([p for _, _, p in marks]) if marks else _EMPTY

    # the extent, in µm
    finite = np.where(np.isnan(diameter), 0.0, diameter)
    pad_d = np.nan_to_num(netlist.pad_diameter[pads], nan=0.0) if len(pads) else _EMPTY.astype(float)
    xs = [mx - finite / 2, mx + finite / 2]
    ys = [my - finite / 2, my + finite / 2]
    if len(pads):
        xs += [netlist.pad_x[pads] - pad_d / 2, netlist.pad_x[pads] + pad_d / 2]
        ys += [netlist.pad_y[pads] - pad_d / 2, netlist.pad_y[pads] + pad_d / 2]
    if len(mark_pads):
        xs.append(netlist.pad_x[mark_pads])
        ys.append(netlist.pad_y[mark_pads])
    xmin, xmax = float(min(x.min() for x in xs)), float(max(x.max() for x in xs))
    ymin, ymax = float(min(y.min() for y in ys)), float(max(y.max() for y in ys))
    typical = float(np.nanmedian(diameter)) if np.isfinite(diameter).any() else 100.0
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
    legend_bottom = _legend(dw.Group(), legend_items, 16, legend_top, width - 32)
    key_top = legend_bottom + 6
    height = key_top + 15 * len(marks) + (15 if len(view.marks) > len(marks) else 0) + 8

    count_text = f"{len(ids):,} mass{'es' if len(ids) != 1 else ''}"
    label = (
        f"Top view of {_view_title(view)}: {count_text}"
        + (", drawn as a density" if dense else "")
        + (f"; {len(view.marks)} insulation finding marks" if view.marks else "")
    )
    d = _drawing(width, height, "topview", label)
    caption = f"{faces} · {count_text}" + (" (density)" if dense else "")
    _text(d, _clip(caption, 100), 16, 20, size=12, fill=MUTED)
    d.append(
        dw.Rectangle(_r(plot_left), _r(plot_top), _r(plot_w), _r(plot_h), fill="none", stroke=RULE, stroke_width=1)
    )

    if not dense:
        colours = np.arange(len(PALETTE))  # node label -> palette index: label % len(PALETTE)
        _draw_masses(d, netlist, ids, mx, my, diameter, colours, px, py, scale)
        _draw_pads(d, netlist, pads, view, colours, px, py, scale)  # outlines over the masses
    else:
        _draw_density(d, mx, my, px, py, scale)

    # the marks: red rings (masses) and squares (pads), numbered
    spots: dict[tuple[int, int], list[int]] = {}
    rings: dict[tuple[int, int], int] = {}
    for number, (mark, masses, mark_pads_here) in enumerate(marks, start=1):
        colour = GREY if mark.waived else RED
        group = dw.Group(class_="mark", data_rule=_attr(mark.rule), data_object=_attr(mark.label), data_number=number)
        group.append(dw.Title(f"{number}: {mark.rule} {mark.label} — {mark.note}"))
        if mark.faint is not None and not dense:
            faint = np.setdiff1d(mark.faint[np.isin(mark.faint, ids)], masses)[:200]
            for m in faint.tolist():
                x, y = px(netlist.pad_x[netlist.mass_pad_a[m]]), py(netlist.pad_y[netlist.mass_pad_a[m]])
                r = _radius(netlist.mass_diameter[m], scale) + 2
                group.append(dw.Circle(_r(x), _r(y), _r(r), fill="none", stroke=colour, stroke_width=0.8))
        if mark.link is not None and np.isin(list(mark.link), ids).all():
            first, second = (netlist.mass_pad_a[m] for m in mark.link)
            group.append(
                dw.Line(
                    _r(px(netlist.pad_x[first])),
                    _r(py(netlist.pad_y[first])),
                    _r(px(netlist.pad_x[second])),
                    _r(py(netlist.pad_y[second])),
                    stroke=colour,
                    stroke_width=1.5,
                    stroke_dasharray="4 2",
                    class_="link",
                )
            )
        places = []
        for m in masses[:MAX_MARK_SPOTS].tolist():
            pad = netlist.mass_pad_a[m]
            places.append(("mass", px(netlist.pad_x[pad]), py(netlist.pad_y[pad]), netlist.mass_diameter[m]))
        for p in mark_pads_here[:MAX_MARK_SPOTS].tolist():
            places.append(("pad", px(netlist.pad_x[p]), py(netlist.pad_y[p]), netlist.pad_diameter[p]))
        for place, (kind, x, y, size) in enumerate(places):
            spot = (round(x), round(y))
            stacked = rings.get(spot, 0)
            rings[spot] = stacked + 1
            r = max(_radius(size, scale), 2.0) + 3 + 3 * stacked
            if kind == "mass":
                group.append(dw.Circle(_r(x), _r(y), _r(r), fill="none", stroke=colour, stroke_width=2))
            else:
                group.append(
                    dw.Rectangle(
                        _r(x - r), _r(y - r), _r(2 * r), _r(2 * r), fill="none", stroke=colour, stroke_width=1.5
                    )
                )
            if place == 0:  # the number once per mark, by its first ring
                spots.setdefault(spot, []).append(number)
        d.append(group)
    for (x, y), numbers in sorted(spots.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        offset = rings.get((x, y), 1) * 3 + 6
        _text(
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

    _scale_bar(d, plot_left, plot_top + plot_h + 22, scale, xmax - xmin)
    _legend(d, legend_items, 16, legend_top, width - 32)
    for number, (mark, _, _) in enumerate(marks, start=1):
        y = key_top + 15 * (number - 1) + 10
        group = dw.Group(class_="mark-key", data_rule=_attr(mark.rule), data_number=number)
        _text(group, f"{number}", 16, y, size=11, fill=GREY if mark.waived else RED, bold=True)
        waived = " (waived)" if mark.waived else ""
        _text(group, _clip(f"{mark.rule}{waived} {mark.label} — {mark.note}", 104), 34, y, size=11)
        d.append(group)
    if len(view.marks) > len(marks):
        y = key_top + 15 * len(marks) + 10
        _text(d, f"and {len(view.marks) - len(marks)} more marked findings, not drawn", 34, y, size=11, fill=MUTED)
    return _svg(d)


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


def _radius(diameter: float, scale: float) -> float:
    """A pad's or mass's radius in px: to scale, at least 0.6 px; 3 px when its diameter is unknown."""
    if diameter != diameter:
        return 3.0
    return max(float(diameter) * scale / 2, 0.6)


def _draw_pads(
    d: dw.Drawing, netlist: Any, pads: np.ndarray, view: _View, colours: np.ndarray, px: Any, py: Any, scale: float
) -> None:
    if len(pads) == 0:
        return
    nodes = netlist.pad_node[pads] % len(PALETTE)
    element = netlist.pad_element[pads]
    for side, (owner, dash) in enumerate(((view.low, None), (view.high, "3 2"))):
        mine = element == owner.index
        if not mine.any():
            continue
        attrs: dict[str, Any] = {"fill": "none", "stroke_width": 1.2}
        if dash:
            attrs["stroke_dasharray"] = dash
        group = dw.Group(class_="pads", data_element=_attr(owner.name), data_side=side, **attrs)
        chosen = pads[mine]
        for colour in sorted(set(colours[nodes[mine]].tolist())):
            these = chosen[colours[nodes[mine]] == colour]
            sub = dw.Group(stroke=PALETTE[colour])
            for p in these.tolist():
                r = _radius(netlist.pad_diameter[p], scale)
                sub.append(dw.Circle(_r(px(netlist.pad_x[p])), _r(py(netlist.pad_y[p])), _r(r)))
            group.append(sub)
        d.append(group)


def _draw_masses(
    d: dw.Drawing,
    netlist: Any,
    ids: np.ndarray,
    mx: np.ndarray,
    my: np.ndarray,
    diameter: np.ndarray,
    colours: np.ndarray,
    px: Any,
    py: Any,
    scale: float,
) -> None:
    nodes = netlist.mass_node[ids] % len(PALETTE)
    palette = colours[nodes]
    # a mass routed to a pad that is not opposite: a line to the pad it joins on the other element
    pad_b = netlist.mass_pad_b[ids]
    bx, by = netlist.pad_x[pad_b], netlist.pad_y[pad_b]
    away = np.hypot(bx - mx, by - my) > np.maximum(1.0, 0.25 * np.nan_to_num(diameter, nan=0.0))
    group = dw.Group(class_="masses", fill_opacity=0.55)
    for colour in sorted(set(palette.tolist())):
        here = np.flatnonzero(palette == colour)
        sub = dw.Group(fill=PALETTE[colour], stroke=PALETTE[colour])
        for k in here.tolist():
            x, y = px(mx[k]), py(my[k])
            if away[k]:
                sub.append(
                    dw.Line(_r(x), _r(y), _r(px(bx[k])), _r(py(by[k])), stroke_width=1.5, stroke_dasharray="2 2")
                )
            sub.append(dw.Circle(_r(x), _r(y), _r(_radius(diameter[k], scale)), stroke="none"))
        group.append(sub)
    d.append(group)


def _draw_density(d: dw.Drawing, mx: np.ndarray, my: np.ndarray, px: Any, py: Any, scale: float) -> None:
    """Masses counted per cell of a grid of at most DENSITY_CELLS × DENSITY_CELLS; a rect per run of
    cells of one opacity in a row (a regular array of masses: a rect per row).

    A cell spans a whole number of the masses' pitch along each axis, with the masses at the middle
    of their pitch, so that a regular array puts the same count in every cell instead of aliasing.
    """
    cell_x, left = _cells(mx)
    cell_y, low = _cells(my)
    nx = max(1, min(DENSITY_CELLS, math.ceil((mx.max() - left) / cell_x + 1e-9)))
    ny = max(1, min(DENSITY_CELLS, math.ceil((my.max() - low) / cell_y + 1e-9)))
    top = low + ny * cell_y
    ix = np.clip(((mx - left) / cell_x).astype(np.int64), 0, nx - 1)
    iy = np.clip(((top - my) / cell_y).astype(np.int64), 0, ny - 1)  # row 0 at the top
    counts = np.bincount(iy * nx + ix, minlength=nx * ny).reshape(ny, nx)
    most = int(counts.max())
    levels = np.ceil(counts / max(most, 1) * DENSITY_LEVELS).astype(np.int64)
    group = dw.Group(
        class_="density",
        fill=BAND,
        shape_rendering="crispEdges",
        data_cell_um=f"{_num(cell_x)} x {_num(cell_y)}",
        data_max_per_cell=most,
    )
    width, height = cell_x * scale, cell_y * scale
    x0, y0 = px(left), py(top)
    for row in range(ny):
        line = levels[row]
        if not line.any():
            continue
        change = np.flatnonzero(np.diff(line)) + 1
        starts = np.concatenate([[0], change])
        stops = np.concatenate([change, [nx]])
        for start, stop in zip(starts.tolist(), stops.tolist(), strict=True):
            level = int(line[start])
            if level == 0:
                continue
            group.append(
                dw.Rectangle(
                    _r(x0 + start * width),
                    _r(y0 + row * height),
                    _r((stop - start) * width),
                    _r(height),
                    fill_opacity=_r(level / DENSITY_LEVELS),
                )
            )
    group.append(dw.Title(f"density: cells of {_num(cell_x)} µm × {_num(cell_y)} µm, up to {most:,} masses per cell"))
    d.append(group)


def _cells(values: np.ndarray) -> tuple[float, float]:
    """The cell size along one axis and where the first cell starts (see `_draw_density`)."""
    ordered = np.sort(values)
    span = float(ordered[-1] - ordered[0])
    gaps = np.diff(ordered)
    gaps = gaps[gaps > max(span, 1.0) * 1e-9]
    pitch = float(np.median(gaps)) if len(gaps) else 0.0
    if pitch <= 0 or (span + pitch) / pitch > 1e9:
        cell = max(span, 1.0) / DENSITY_CELLS * (1 + 1e-9)
        return cell, float(ordered[0])
    cell = pitch * math.ceil((span + pitch) / (DENSITY_CELLS * pitch) - 1e-9)
    return cell, float(ordered[0]) - pitch / 2


def _scale_bar(d: dw.Drawing, x: float, y: float, scale: float, span: float) -> None:
    """A bar of a round length (1, 2 or 5 × 10^k µm) about a fifth of the plot wide."""
    target = span / 5
    power = 10 ** math.floor(math.log10(target)) if target > 0 else 1
    length = max((f * power for f in (1, 2, 5) if f * power <= target), default=power)
    pixels = length * scale
    group = dw.Group(class_="scale-bar")
    group.append(
        dw.Lines(
            _r(x),
            _r(y - 4),
            _r(x),
            _r(y),
            _r(x + pixels),
            _r(y),
            _r(x + pixels),
            _r(y - 4),
            fill="none",
            stroke=INK,
            stroke_width=1.5,
        )
    )
    text = f"{_num(length / 1000, 6)} mm" if length >= 1000 else f"{_num(length, 6)} µm"
    _text(group, text, x + pixels + 6, y + 1, size=11)
    d.append(group)


def _view_legend(
    view: _View, faces: str, dense: bool, pads: bool, unknown: bool
) -> list[tuple[str, dict[str, Any], str]]:
    items: list[tuple[str, dict[str, Any], str]] = []
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


# ============================================================================ CTE map
@dataclass
class _Pair:
    first: Element
    second: Element
    masses: np.ndarray
    rigid: int  # rigid joints: solid over the operating range, no flexible lead in series
    liquid: int  # joints liquid somewhere in the operating range
    flexible: int  # joints with a flexible lead in series
    mitigation: Layer | None
    operating: Any  # the Moment that decides, or None
    findings: list[Finding] = field(default_factory=list)

    @property
    def delta_alpha(self) -> float | None:
        if self.first.cte is None or self.second.cte is None:
            return None
        return abs(self.first.cte - self.second.cte)

    @property
    def classification(self) -> str:
        if self.operating is None:
            return "not classified"
        if self.rigid == 0:
            return "decoupled"
        return "mitigated" if self.mitigation is not None else "rigid"


def _pairs(assembly: Assembly) -> list[_Pair]:
    """Every pair of elements joined directly by masses (assemblint.joints: CHECKS.md, CTE matching)."""
    return [
        _Pair(
            pair.first,
            pair.second,
            pair.masses,
            len(pair.rigid),
            int(pair.liquid.sum()),
            int((pair.flexible & ~pair.liquid).sum()),
            pair.mitigation,
            pair.operating,
        )
        for pair in joined_pairs(assembly)
    ]


def _attach_findings(assembly: Assembly, pairs: list[_Pair], findings: Sequence[Finding]) -> None:
    """Each CTE finding to the pairs it concerns: by its masses, or by naming both elements."""
    netlist = assembly.netlist
    assert netlist is not None
    pair_of = np.full(netlist.mass_count, -1, dtype=np.int64)
    for number, pair in enumerate(pairs):
        pair_of[pair.masses] = number
    for finding in findings:
        if not str(getattr(finding, "rule", "")).startswith("CTE"):
            continue
        masses, _, named = _finding_objects(finding)
        hit = set(pair_of[masses].tolist()) - {-1} if len(masses) else set()
        names = {getattr(o, "name", o) for o in named if isinstance(o, Element | str)}
        names |= set(getattr(finding, "object_names", []) or [])
        data_pair = (getattr(finding, "data", None) or {}).get("pair")
        for number, pair in enumerate(pairs):
            both = {pair.first.name, pair.second.name}
            if number in hit or both <= names or (data_pair and set(map(str, data_pair)) == both and not len(masses)):
                pair.findings.append(finding)


def _status(findings: list[Finding]) -> str:
    live = [f for f in findings if not getattr(f, "waived", False)]
    if not live:
        return "waived" if findings else "ok"
    return min((f.severity.value for f in live), key=lambda s: SEVERITY_ORDER.get(s, 9))


@dataclass
class _Row:
    pairs: list[_Pair]
    status: str
    strain: float | None
    strain_limit: float | None
    cycles: float | None
    cycles_needed: float | None
    max_delta: float
    rules: list[str]


def cte_map(assembly: Assembly, findings: Sequence[Finding]) -> str | None:
    """The CTE map of a design; None when no pair of elements is joined directly."""
    with _naming(assembly):
        return _cte_map(assembly, findings)


def _cte_map(assembly: Assembly, findings: Sequence[Finding]) -> str | None:
    """The drawing; `cte_map` names representatives for every instance."""
    pairs = _pairs(assembly)
    if not pairs:
        return None
    _attach_findings(assembly, pairs, findings)
    rows = _rows(pairs)
    rows.sort(key=lambda r: (SEVERITY_ORDER.get(r.status, 9), -(r.pairs[0].delta_alpha or 0.0)))
    shown, more = rows[:MAX_ROWS], len(rows) - MAX_ROWS

    width = 880.0
    top = 34.0
    row_h = 66.0
    bar_x, bar_w = COLUMNS[2], 150.0
    limit = max((r.max_delta for r in shown), default=DEFAULT_MAX_DELTA)
    biggest = max([r.pairs[0].delta_alpha or 0.0 for r in shown] + [2 * limit])
    bar_scale = bar_w / biggest

    legend_items = [
        ("rect", {"fill": SEVERITY_COLOURS[s]}, text)
        for s, text in (
            ("error", "error"),
            ("warning", "warning"),
            ("info", "info (for review)"),
            ("ok", "no CTE finding"),
            ("waived", "waived"),
        )
        if any(r.status == s for r in shown)
    ]
    legend_items.append(("line", {"stroke": INK, "stroke_width": 1.5, "stroke_dasharray": "3 2"}, "Δα limit"))
    legend_top = top + row_h * len(shown) + 24 + (16 if more > 0 else 0)
    legend_bottom = _legend(dw.Group(), legend_items, 16, legend_top, width - 32)
    height = legend_bottom + 4

    label = "CTE map of " + (assembly.title or assembly.path) + ": " + "; ".join(_row_summary(r) for r in rows)
    d = _drawing(width, height, "ctemap", _clip(label, 2000))
    for x, text in (
        (COLUMNS[0], "joined pair (CTE)"),
        (COLUMNS[1], "joints"),
        (COLUMNS[2], "Δα against the limit"),
        (COLUMNS[3], "strain, fatigue"),
    ):
        _text(d, text, x, 20, size=11, fill=MUTED, bold=True)
    d.append(dw.Line(16, _r(top - 8), _r(width - 16), _r(top - 8), stroke=RULE, stroke_width=1))

    for k, row in enumerate(shown):
        _draw_row(d, row, top + k * row_h, row_h, bar_x, bar_scale, width)
    if more > 0:
        _text(d, f"and {more} more joined pairs, not drawn", 20, top + row_h * len(shown) + 12, size=11, fill=MUTED)
    _legend(d, legend_items, 16, legend_top, width - 32)
    return _svg(d)


def _rows(pairs: list[_Pair]) -> list[_Row]:
    """Pairs with the same declared names, classification and figures merged (a panel's cells: one row)."""
    merged: dict[tuple, _Row] = {}
    for pair in pairs:
        strain = limit = cycles = needed = None
        max_delta = DEFAULT_MAX_DELTA
        for finding in pair.findings:
            data = getattr(finding, "data", None) or {}
            if finding.rule == "CTE002" and isinstance(data.get("strain"), int | float):
                strain = max(strain or 0.0, float(data["strain"]))
                limit = data.get("max_shear_strain", limit)
            if finding.rule == "CTE003" and isinstance(data.get("cycles_to_failure"), int | float):
                value = float(data["cycles_to_failure"])
                cycles = value if cycles is None else min(cycles, value)
                needed = data.get("cycles_required", needed)
                if strain is None and isinstance(data.get("strain"), int | float):
                    strain = float(data["strain"])
            if finding.rule == "CTE001" and isinstance(data.get("max_delta"), int | float):
                max_delta = float(data["max_delta"])
        status = _status(pair.findings)
        rules = sorted({f.rule for f in pair.findings})
        key = (
            _declared(pair.first.name),
            _declared(pair.second.name),
            pair.classification,
            None if pair.delta_alpha is None else round(pair.delta_alpha, 6),
            status,
            strain,
            cycles,
            tuple(rules),
            pair.rigid,
            pair.liquid,
            pair.flexible,
            len(pair.masses),
            None if pair.mitigation is None else _declared(pair.mitigation.name),
        )
        row = merged.get(key)
        if row is None:
            merged[key] = _Row([pair], status, strain, limit, cycles, needed, max_delta, rules)
        else:
            row.pairs.append(pair)
    return list(merged.values())


def _row_names(row: _Row) -> tuple[str, str]:
    return _phrase([p.first.name for p in row.pairs], 2), _phrase([p.second.name for p in row.pairs], 2)


def _explain(pair: _Pair) -> str:
    total = len(pair.masses)
    moment = pair.operating
    if moment is None:
        return "no operating range: cannot tell"
    if pair.classification == "decoupled":
        parts = []
        if pair.liquid:
            parts.append(f"{pair.liquid} liquid in {moment.name}")
        if pair.flexible:
            parts.append(f"{pair.flexible} behind a flexible lead")
        return ", ".join(parts) + f" (of {total})"
    text = f"{pair.rigid} of {total} solid in {moment.name}"
    return text


def _mitigation(pair: _Pair) -> str:
    """`; underfill uf between` (empty when no underfill or mold lies between the pair)."""
    if pair.mitigation is None:
        return ""
    return f"; {pair.mitigation.role} {_declared(pair.mitigation.name)} between"


def _row_summary(row: _Row) -> str:
    first, second = _row_names(row)
    pair = row.pairs[0]
    parts = [f"{first} and {second}: {pair.classification}"]
    if pair.delta_alpha is not None:
        parts.append(f"Δα {_num(pair.delta_alpha)} ppm/K")
    if row.strain is not None:
        parts.append(f"strain {_num(row.strain)}")
    if row.cycles is not None:
        parts.append(f"Nf {_num(row.cycles)}")
    parts.append(row.status)
    return ", ".join(parts)


def _draw_row(
    d: dw.Drawing, row: _Row, top: float, height: float, bar_x: float, bar_scale: float, width: float
) -> None:
    pair = row.pairs[0]
    first, second = _row_names(row)
    colour = SEVERITY_COLOURS.get(row.status, GREY)
    group = dw.Group(
        class_="pair",
        data_pair=_attr(f"{first} ↔ {second}"),
        data_class=pair.classification,
        data_status=row.status,
    )
    group.append(dw.Title(_row_summary(row)))
    group.append(dw.Rectangle(16, _r(top), 6, _r(height - 8), fill=colour))
    x = COLUMNS[0]
    _text(group, _clip(f"{first} ↔ {second}", 38), x, top + 14, bold=True)
    cte = lambda e: f"{_num(e.cte)}" if e.cte is not None else "no CTE"  # noqa: E731
    times = f"{len(row.pairs)} pairs · " if len(row.pairs) > 1 else ""
    _text(group, f"{times}CTE {cte(pair.first)} ↔ {cte(pair.second)} ppm/K", x, top + 30, size=11, fill=MUTED)
    _text(
        group,
        f"{row.status}" + (f" · {', '.join(row.rules)}" if row.rules else ""),
        x,
        top + 46,
        size=11,
        fill=colour,
        bold=True,
    )

    x = COLUMNS[1]
    _text(group, pair.classification, x, top + 14, bold=True, class_="classification")
    _text(group, _clip(_explain(pair), 40), x, top + 30, size=11, fill=MUTED)
    joints = f"{len(pair.masses):,} joint{'s' if len(pair.masses) != 1 else ''}"
    _text(
        group,
        joints + (f" per pair, {len(row.pairs)} pairs" if len(row.pairs) > 1 else "") + _mitigation(pair),
        x,
        top + 46,
        size=11,
        fill=MUTED,
    )

    delta = pair.delta_alpha
    track_y = top + 24
    group.append(dw.Rectangle(_r(bar_x), _r(track_y), _r(150), 10, fill="none", stroke=RULE, stroke_width=1))
    if delta is not None:
        over = delta > row.max_delta
        fill = colour if over and pair.classification in ("rigid", "mitigated") else GREY
        group.append(dw.Rectangle(_r(bar_x), _r(track_y), _r(max(delta * bar_scale, 1)), 10, fill=fill))
        _text(group, f"Δα {_num(delta)} ppm/K", bar_x, top + 14, size=12, bold=True)
    else:
        _text(group, "Δα unknown (no CTE)", bar_x, top + 14, size=12, fill=MUTED)
    limit_x = bar_x + row.max_delta * bar_scale
    group.append(
        dw.Line(
            _r(limit_x),
            _r(track_y - 4),
            _r(limit_x),
            _r(track_y + 14),
            stroke=INK,
            stroke_width=1.5,
            stroke_dasharray="3 2",
        )
    )
    _text(group, f"limit {_num(row.max_delta)}", limit_x, top + 50, size=10, anchor="middle", fill=MUTED)

    x = COLUMNS[3]
    if row.strain is not None:
        limit = f" (max {_num(row.strain_limit)})" if row.strain_limit is not None else ""
        _text(group, f"strain {_num(row.strain)}{limit}", x, top + 14, size=12, bold=True)
    else:
        quiet = "not checked: decoupled" if pair.classification == "decoupled" else "no strain finding"
        _text(group, quiet, x, top + 14, size=11, fill=MUTED)
    if row.cycles is not None:
        need = f" (need {_num(row.cycles_needed, 6)})" if row.cycles_needed is not None else ""
        _text(group, f"Nf {_num(row.cycles)} cycles{need}", x, top + 30, size=11, fill=INK)
    if pair.mitigation is not None and row.strain is not None:
        _text(group, "mitigated: for review", x, top + 46, size=11, fill=MUTED)
    group.append(dw.Line(16, _r(top + height - 4), _r(width - 16), _r(top + height - 4), stroke=RULE, stroke_width=0.6))
    d.append(group)
