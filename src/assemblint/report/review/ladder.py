"""The melting ladder: every fusible material's melting range against the thermal process.

Each fusible material that masses use is a band from its solidus to its liquidus, beside the peak
of every process step, the operate, store and cycle ranges, and the ratings of the layers and
elements, so that a broken melting hierarchy shows at a glance: a band a later step reaches is
red (remelted), a band liquid in service is orange with a dashed outline, a rating a step exceeds
has a red outline. It reads the design and its timeline (ladder_data.py); the rule families add
their own labelled temperatures through the review contract (`LadderLine`, marks.py): a limit
dashed, a transition dotted, red when a step exceeds the limit or a finding of its rule concerns
it, labelled at the right beside the steps. Without such lines it is drawn from the design alone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import drawsvg as dw

from assemblint.analysis.timeline import timeline_of
from assemblint.checking.findings import Finding
from assemblint.model.assembly import Assembly
from assemblint.report.review.labels import clip, deg, naming, num, phrase, span
from assemblint.report.review.ladder_data import (
    Band,
    Line,
    Rating,
    fusible_bands,
    ladder_lines,
    notes_of_steps,
    ratings_of,
)
from assemblint.report.review.marks import Review
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

LIQUID = "#e07b00"  # liquid in service
SERVICE_COLOURS = {"operate": "#e6a117", "store": "#4a90c2", "cycle": "#8e6bb0"}
MAX_BANDS = 14  # fusible materials on the ladder
MAX_RATINGS = 10  # layer and element ratings on the ladder
MAX_LINES = 12  # the families' lines on the ladder
LINE_STYLE = {  # kind -> colour and dashes (red instead of the colour when exceeded or with a finding)
    "limit": ("#795548", "7 4"),
    "transition": ("#00796b", "2 3"),
}
LINE_LEGEND = {
    "limit": "limit a rule family checks the steps against (dashed)",
    "transition": "transition a rule family marks (dotted)",
}
LINE_ALARM_LEGEND = {
    "limit": "limit a step exceeds, or with a finding of its rule",
    "transition": "transition with a finding of its rule",
}
GUTTER = 230.0  # the labels' column at the right
WIDEST_GUTTER = 380.0


def melting_ladder(assembly: Assembly, findings: Sequence[Finding] = (), review: Review | None = None) -> str | None:
    """The melting ladder of a design; None when it has no fusible material and no process step.

    `review`: the families' declarations (marks.py), whose ladder sources add their lines, red
    where a step exceeds them or one of `findings` (the design's) concerns them; without it, or
    when no family gives a line, the ladder shows the design alone.
    """
    with naming(assembly):
        return _melting_ladder(assembly, findings, review)


def _melting_ladder(assembly: Assembly, findings: Sequence[Finding], review: Review | None) -> str | None:
    """The drawing; `melting_ladder` names representatives for every instance."""
    tl = timeline_of(assembly)
    bands = fusible_bands(assembly, tl)
    if not bands and not tl.steps:
        return None
    ratings = ratings_of(assembly, tl)
    step_notes = notes_of_steps(assembly, tl)
    family_lines = sorted(ladder_lines(assembly, tl, findings, review), key=lambda d: not d.alarming)  # red first
    shown_lines, more_lines = family_lines[:MAX_LINES], len(family_lines) - MAX_LINES

    values = [b.low for b in bands] + [b.high for b in bands]
    values += [m.low for m in tl.moments] + [m.high for m in tl.moments]
    values += [drawn.line.temperature for drawn in shown_lines]
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
    gutter = GUTTER
    if shown_lines:  # room for the lines' labels, which are often longer than the steps'
        widest = max(7.0 * len(_line_lines(d)[0][0]) for d in shown_lines)
        widest = max([widest] + [6.3 * len(text) for d in shown_lines for text, _ in _line_lines(d)[1:]])
        gutter = min(max(GUTTER, 30 + widest), WIDEST_GUTTER)
    width = plot_right + gutter

    def y_of(t: float) -> float:
        return plot_top + (axis_high - t) / (axis_high - axis_low) * plot_height

    step_labels = []  # (wanted top, lines, colour, y of the line, kind)
    for moment in tl.steps:
        note = step_notes.get(moment.index, [])
        remelts = any(n.startswith("remelts") for n in note)
        lines = [f"{moment.name} {span(moment.low, moment.high)}", *note]
        step_labels.append((moment, lines, RED if remelts else INK))
    service_labels = [(m, [f"{m.name} {span(m.low, m.high)}"], SERVICE_COLOURS.get(m.name, MUTED)) for m in tl.service]
    all_labels = step_labels + service_labels
    boxes = [(y_of(m.high) - 8, 13.0 * len(lines) + 3) for m, lines, _ in all_labels]
    boxes += [(y_of(d.line.temperature) - 8, 13.0 * len(_line_lines(d)) + 3) for d in shown_lines]
    tops = _spread(boxes, plot_top - 20, plot_bottom + 20)
    tops, line_tops = tops[: len(all_labels)], tops[len(all_labels) :]
    labels_bottom = max([t + h for t, (_, h) in zip(tops + line_tops, boxes, strict=True)], default=plot_bottom)

    rating_space = 24 + 13 * max((len(_rating_lines(r)) for r in shown_ratings), default=0)
    legend_top = max(plot_bottom + rating_space, labels_bottom) + 34
    legend_items = _ladder_legend(tl, bands, ratings) + _lines_legend(shown_lines)
    # measure the legend by drawing it into a scratch group
    legend_bottom = legend(dw.Group(), legend_items, 16, legend_top, width - 32)
    height = legend_bottom + (18 if more_bands > 0 or more_ratings > 0 or more_lines > 0 else 4)

    label = _ladder_label(assembly, tl, bands)
    if shown_lines:
        label += "; lines " + ", ".join(d.line.label[0] for d in shown_lines)
    d = drawing(width, height, "ladder", label)

    # axis and grid
    grid = dw.Group(class_="axis")
    t = axis_low
    while t <= axis_high + 1e-9:
        y = y_of(t)
        grid.append(dw.Line(coord(plot_left), coord(y), coord(plot_right), coord(y), stroke=RULE, stroke_width=0.6))
        draw_text(grid, f"{num(t, 6)}", axis_x - 4, y + 4, size=11, anchor="end", fill=MUTED)
        t += tick
    grid.append(
        dw.Line(coord(axis_x + 4), coord(plot_top), coord(axis_x + 4), coord(plot_bottom), stroke=MUTED, stroke_width=1)
    )
    draw_text(grid, "°C", axis_x - 4, plot_top - 10, size=11, anchor="end", fill=MUTED)
    d.append(grid)

    # operate / store / cycle: shaded bands across the plot
    for moment in tl.service:
        colour = SERVICE_COLOURS.get(moment.name, GREY)
        top, bottom = y_of(moment.high), y_of(moment.low)
        group = dw.Group(class_="range", data_range=attr(moment.name))
        group.append(dw.Title(f"{moment.name} range {span(moment.low, moment.high)}"))
        group.append(
            dw.Rectangle(
                coord(plot_left),
                coord(top),
                coord(plot_right - plot_left),
                coord(max(bottom - top, 1.5)),
                fill=colour,
                fill_opacity=0.16,
            )
        )
        for y in (top, bottom):
            group.append(
                dw.Line(
                    coord(plot_left),
                    coord(y),
                    coord(plot_right),
                    coord(y),
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
                    coord(plot_left),
                    coord(top),
                    coord(plot_right - plot_left),
                    coord(bottom - top),
                    fill=GREY,
                    fill_opacity=0.18,
                    class_="step-range",
                )
            )

    # column headers
    x = plot_left + 12
    if shown_bands:
        draw_text(d, "fusible materials (solidus–liquidus)", x, plot_top - 30, size=11, fill=MUTED, bold=True)
    if shown_ratings:
        rx = x + sum(band_width) + 16
        draw_text(d, "ratings (service range, max temp)", rx, plot_top - 30, size=11, fill=MUTED, bold=True)

    # fusible bands
    for band, column in zip(shown_bands, band_width, strict=True):
        _draw_band(d, band, x, y_of)
        x += column
    # ratings
    if shown_ratings:
        x += 16
        d.append(dw.Line(coord(x - 8), coord(plot_top), coord(x - 8), coord(plot_bottom), stroke=RULE, stroke_width=1))
    for rating, column in zip(shown_ratings, rating_width, strict=True):
        _draw_rating(d, rating, x, y_of, axis_low, axis_high, plot_top, plot_bottom)
        x += column

    # the families' lines under the steps' (a step that exceeds one stays visible above it)
    for drawn in shown_lines:
        _draw_line(d, drawn, y_of(drawn.line.temperature), plot_left, plot_right)

    # step lines, then every label in the gutter
    for moment, _, colour in step_labels:
        y = y_of(moment.high)
        d.append(
            dw.Line(
                coord(plot_left),
                coord(y),
                coord(plot_right),
                coord(y),
                stroke=colour,
                stroke_width=2 if colour == RED else 1.2,
                class_="step",
                data_step=attr(moment.name),
            )
        )
    for (moment, lines, colour), top in zip(all_labels, tops, strict=True):
        y, first = y_of(moment.high), top + 10
        group = dw.Group(class_="label", data_moment=attr(moment.name))
        group.append(
            dw.Lines(
                coord(plot_right),
                coord(y),
                coord(plot_right + 10),
                coord(y),
                coord(plot_right + 18),
                coord(first - 4),
                fill="none",
                stroke=colour,
                stroke_width=0.8,
            )
        )
        for k, line in enumerate(lines):
            draw_text(group, line, plot_right + 22, first + 13 * k, size=12 if k == 0 else 11, fill=colour, bold=k == 0)
        d.append(group)
    for drawn, top in zip(shown_lines, line_tops, strict=True):
        _draw_line_label(d, drawn, y_of(drawn.line.temperature), top + 10, plot_right, gutter - 30)

    legend_bottom = legend(d, legend_items, 16, legend_top, width - 32)
    if more_bands > 0 or more_ratings > 0 or more_lines > 0:
        parts = []
        if more_bands > 0:
            parts.append(f"{more_bands} more fusible materials")
        if more_ratings > 0:
            parts.append(f"{more_ratings} more ratings")
        if more_lines > 0:
            parts.append(f"{more_lines} more lines")
        draw_text(d, " and ".join(parts) + " not drawn", 16, legend_bottom + 4, size=11, fill=MUTED)
    return as_svg(d)


def _band_lines(band: Band) -> list[str]:
    lines = [band.material.name, span(band.low, band.high)]
    lines.append(phrase(band.groups))
    if band.remelted_by:
        lines.append("remelted by " + ", ".join(band.remelted_by))
    if band.liquid_in:
        lines.append("liquid in " + ", ".join(band.liquid_in))
    return lines


def _draw_band(d: dw.Drawing, band: Band, x: float, y_of: Any) -> None:
    top, bottom = y_of(band.high), y_of(band.low)
    if bottom - top < 5:  # a eutectic (or a narrow range): a thick line
        mid = (top + bottom) / 2
        top, bottom = mid - 2.5, mid + 2.5
    fill = RED if band.remelted_by else LIQUID if band.liquid_in else BAND
    group = dw.Group(class_="band", data_material=attr(band.material.name))
    lines = _band_lines(band)
    group.append(dw.Title(" · ".join(lines)))
    extra: dict[str, Any] = {}
    if band.liquid_in:
        extra = {"stroke": INK, "stroke_width": 1.2, "stroke_dasharray": "3 2"}
    group.append(dw.Rectangle(coord(x), coord(top), 30, coord(bottom - top), fill=fill, **extra))
    mid = (top + bottom) / 2
    first = mid - 13 * (len(lines) - 1) / 2 + 4
    for k, line in enumerate(lines):
        colour = (
            RED if line.startswith("remelted") else LIQUID if line.startswith("liquid") else INK if k == 0 else MUTED
        )
        draw_text(group, line, x + 36, first + 13 * k, size=12 if k == 0 else 11, fill=colour, bold=k == 0, halo=True)
    d.append(group)


def _rating_lines(rating: Rating) -> list[str]:
    name = phrase(rating.names, 2)
    limits = f"service {span(rating.low, rating.high)}" if rating.low is not None else f"max {deg(rating.high)}"
    lines = [name, f"{rating.kind} · {rating.what}", limits]
    if rating.exceeded_by:
        lines.append("exceeded by " + ", ".join(rating.exceeded_by))
    return lines


def _draw_rating(
    d: dw.Drawing,
    rating: Rating,
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
    group = dw.Group(class_="rating", data_name=attr(rating.names[0]))
    lines = _rating_lines(rating)
    group.append(dw.Title(" · ".join(lines)))
    extra: dict[str, Any] = {"stroke": RED, "stroke_width": 2} if rating.exceeded_by else {}
    group.append(
        dw.Rectangle(coord(x), coord(top), 10, coord(max(bottom - top, 1)), fill=GREY, fill_opacity=0.55, **extra)
    )
    if rating.high > axis_high:  # beyond the top of the axis: an arrow up
        group.append(
            dw.Lines(
                coord(x), coord(top), coord(x + 5), coord(top - 7), coord(x + 10), coord(top), close=True, fill=GREY
            )
        )
    if rating.low is None:  # open towards the bottom: no lower limit
        group.append(
            dw.Line(
                coord(x + 5),
                coord(bottom),
                coord(x + 5),
                coord(bottom + 8),
                stroke=GREY,
                stroke_width=2,
                stroke_dasharray="2 2",
            )
        )
    first = plot_bottom + 24  # under the plot, clear of the step lines
    for k, line in enumerate(lines):
        colour = RED if line.startswith("exceeded") else INK if k == 0 else MUTED
        draw_text(group, line, x, first + 13 * k, size=11, fill=colour, bold=k == 0)
    d.append(group)


def _line_colour(drawn: Line) -> str:
    return RED if drawn.alarming else LINE_STYLE[drawn.line.kind][0]


def _line_lines(drawn: Line) -> list[tuple[str, str]]:
    """The label of a family's line, each text with its colour: the family's lines, then the steps
    that exceed it and the findings of its rule."""
    colour = _line_colour(drawn)
    out = [(text, colour if k == 0 else MUTED) for k, text in enumerate(drawn.line.label)]
    if drawn.exceeded_by:
        out.append(("exceeded by " + ", ".join(f"{step} ({deg(t)})" for step, t in drawn.exceeded_by), RED))
    rule = drawn.line.rule
    if drawn.findings:
        out.append((f"{rule}: {drawn.findings} finding{'s' if drawn.findings != 1 else ''}", RED))
    elif drawn.waived:
        out.append((f"{rule}: {drawn.waived} waived or in the baseline", GREY))
    return out


def _line_state(drawn: Line) -> str:
    if drawn.exceeded_by:
        return "exceeded"
    if drawn.findings:
        return "finding"
    return "waived" if drawn.waived else "clear"


def _draw_line(d: dw.Drawing, drawn: Line, y: float, left: float, right: float) -> None:
    """A family's line across the plot: dashed (a limit) or dotted (a transition), red when alarming."""
    line = drawn.line
    group = dw.Group(
        class_="ladder-line over" if drawn.alarming else "ladder-line",
        data_kind=attr(line.kind),
        data_temperature=attr(num(line.temperature, 6)),
        data_family=attr(drawn.family),
        data_rule=attr(line.rule or ""),
        data_objects=attr(" ".join(drawn.objects)),
        data_state=_line_state(drawn),
    )
    group.append(dw.Title(" · ".join(text for text, _ in _line_lines(drawn))))
    group.append(
        dw.Line(
            coord(left),
            coord(y),
            coord(right),
            coord(y),
            stroke=_line_colour(drawn),
            stroke_width=2 if drawn.alarming else 1.4,
            stroke_dasharray=LINE_STYLE[line.kind][1],
        )
    )
    d.append(group)


def _draw_line_label(d: dw.Drawing, drawn: Line, y: float, first: float, right: float, room: float) -> None:
    """A family line's label in the gutter, with a leader from the line's right end (clipped to `room` px)."""
    colour = _line_colour(drawn)
    group = dw.Group(class_="line-label", data_temperature=attr(num(drawn.line.temperature, 6)))
    group.append(
        dw.Lines(
            coord(right),
            coord(y),
            coord(right + 10),
            coord(y),
            coord(right + 18),
            coord(first - 4),
            fill="none",
            stroke=colour,
            stroke_width=0.8,
            stroke_dasharray="2 2",
        )
    )
    for k, (text, fill) in enumerate(_line_lines(drawn)):
        most = int(room / (7.0 if k == 0 else 6.3))
        draw_text(
            group, clip(text, most), right + 22, first + 13 * k, size=12 if k == 0 else 11, fill=fill, bold=k == 0
        )
    d.append(group)


def _lines_legend(lines: list[Line]) -> list[LegendItem]:
    """The families' lines in the legend: per kind drawn, an entry in its colour, and one in red if
    a line of that kind is red."""
    items: list[LegendItem] = []
    for kind, (colour, dashes) in LINE_STYLE.items():
        if any(d.line.kind == kind and not d.alarming for d in lines):
            items.append(
                ("line", {"stroke": colour, "stroke_width": 1.5, "stroke_dasharray": dashes}, LINE_LEGEND[kind])
            )
        if any(d.line.kind == kind and d.alarming for d in lines):
            items.append(
                ("line", {"stroke": RED, "stroke_width": 2, "stroke_dasharray": dashes}, LINE_ALARM_LEGEND[kind])
            )
    return items


def _ladder_legend(tl: Any, bands: list[Band], ratings: list[Rating]) -> list[LegendItem]:
    items: list[LegendItem] = [("rect", {"fill": BAND}, "fusible material, solidus to liquidus")]
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


def _ladder_label(assembly: Assembly, tl: Any, bands: list[Band]) -> str:
    parts = [f"Melting ladder of {assembly.title or assembly.path}"]
    if bands:
        parts.append("fusible materials " + ", ".join(f"{b.material.name} {span(b.low, b.high)}" for b in bands))
    if tl.steps:
        parts.append("steps " + ", ".join(f"{m.name} {deg(m.high)}" for m in tl.steps))
    if tl.service:
        parts.append(", ".join(f"{m.name} {span(m.low, m.high)}" for m in tl.service))
    remelted = [b.material.name for b in bands if b.remelted_by]
    if remelted:
        parts.append("remelted: " + ", ".join(remelted))
    liquid = [b.material.name for b in bands if b.liquid_in]
    if liquid:
        parts.append("liquid in service: " + ", ".join(liquid))
    return "; ".join(parts)


# ------------------------------------------------------------------------------------------ helpers
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
