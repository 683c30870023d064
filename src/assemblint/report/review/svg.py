"""The SVG toolkit the review pictures share: the root element, text, legends, colours.

Every picture is drawn with `drawsvg` and has the same root: `class="picture KIND"`,
`role="img"`, an `aria-label` and a `<title>` first, a `viewBox` and a width in CSS px (so it
scales down with `max-width: 100%`), and the system font stack: no web font, no fetch, no ids
(several pictures share one page), no script. drawsvg escapes text content but not attribute
values, so every attribute that holds a name from the design goes through `attr`. Coordinates
go through `coord`, so that the output is compact and deterministic.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

import drawsvg as dw

FONT = "system-ui, sans-serif"
INK = "#1f2328"
MUTED = "#57606a"
RULE = "#d0d7de"
RED = "#c62828"
AMBER = "#b26a00"
BLUE = "#1f6fb2"
GREEN = "#2e7d32"
GREY = "#8c959f"
BAND = "#4e79a7"  # a fusible material's band, and the density of masses

# an item of a legend: (shape, attributes, label); shape `rect`, `line`, `circle` or `ring`
LegendItem = tuple[str, dict[str, Any], str]


def attr(value: Any) -> str:
    """An attribute value, escaped (drawsvg writes attribute values as they are)."""
    return html.escape(str(value), quote=True)


def coord(value: float) -> float:
    """A coordinate, rounded for compact, deterministic output."""
    out = round(float(value), 2)
    return 0.0 if out == 0 else out


def drawing(width: float, height: float, kind: str, label: str) -> dw.Drawing:
    """The root of a picture of class `picture KIND`, labelled and titled with `label`."""
    width, height = math.ceil(width), math.ceil(height)
    root = dw.Drawing(
        width,
        height,
        **{
            "class": f"picture {kind}",
            "role": "img",
            "aria-label": attr(label),
            "font-family": FONT,
            "font-size": "12",
            "fill": INK,
            "style": "max-width:100%;height:auto",
        },
    )
    root.append(dw.Title(label))
    return root


def as_svg(root: dw.Drawing) -> str:
    """Inline SVG markup: no XML declaration, no empty `<defs>`."""
    return root.as_svg(header="").replace("<defs>\n</defs>\n", "", 1)


def draw_text(
    parent: Any,
    words: str,
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
    parent.append(dw.Text(words, size, coord(x), coord(y), fill=fill, **extra))


def legend(parent: Any, items: Sequence[LegendItem], x: float, y: float, width: float) -> float:
    """Swatches with labels, wrapped into rows; returns the y below the legend.

    Colour is never the only carrier of meaning: every colour a picture uses has an entry here.
    """
    group = dw.Group(class_="legend")
    cursor_x, cursor_y, row = x, y, 18
    for shape, attrs, label in items:
        item_width = 24 + 6.4 * len(label) + 18
        if cursor_x + item_width > x + width and cursor_x > x:
            cursor_x, cursor_y = x, cursor_y + row
        if shape == "rect":
            group.append(dw.Rectangle(coord(cursor_x), coord(cursor_y - 9), 16, 10, **attrs))
        elif shape == "line":
            group.append(
                dw.Line(coord(cursor_x), coord(cursor_y - 4), coord(cursor_x + 16), coord(cursor_y - 4), **attrs)
            )
        elif shape in ("circle", "ring"):
            group.append(dw.Circle(coord(cursor_x + 8), coord(cursor_y - 4), 5, **attrs))
        draw_text(group, label, cursor_x + 22, cursor_y, size=11, fill=MUTED)
        cursor_x += item_width
    parent.append(group)
    return cursor_y + row
