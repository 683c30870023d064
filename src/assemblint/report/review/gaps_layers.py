"""The layers a top view is drawn in: the masses (or their density), the pads, the scale bar.

Apart from the view itself (gaps.py), which places them and marks the findings over them. Every
pad and mass is drawn to scale as its shape (round, a rounded rectangle or an oblong, from the
netlist's width, height and corner arrays, which are in the assembly's frame: already turned and
mirrored with its element), coloured by its electrical node; beyond `gaps.MAX_CIRCLES`
masses the view draws their density on a raster of at most `DENSITY_CELLS` cells a side, one
rect per run of cells of one shade, so a million masses stay a small picture.
"""

from __future__ import annotations

import math
from typing import Any

import drawsvg as dw
import numpy as np

from assemblint.model.assembly import Element
from assemblint.report.review.labels import num
from assemblint.report.review.svg import BAND, INK, attr, coord, draw_text

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
DENSITY_CELLS = 200  # the density raster has at most this many cells along each side
DENSITY_LEVELS = 5  # opacity steps of the raster (runs of one level in a row are one rect)


def radius(diameter: float, scale: float) -> float:
    """A pad's or mass's radius in px: to scale, at least 0.6 px; 3 px when its diameter is unknown."""
    if diameter != diameter:
        return 3.0
    return max(float(diameter) * scale / 2, 0.6)


def shapes(
    x: np.ndarray, y: np.ndarray, width: np.ndarray, height: np.ndarray, corner: np.ndarray, scale: float
) -> list[tuple[str, tuple[float, ...]]]:
    """Pads or masses as their shapes, in px, worked out on whole arrays (x, y: the centres in px;
    width, height, corner in µm, in the assembly's frame, so already turned and mirrored):
    `("circle", (cx, cy, r))` for a round one (a square with corners of half its side),
    `("rect", (x, y, w, h, rx))` for a rectangle with rounded corners or a stadium (rx: the corner
    radius, at most half the smaller side). Unknown sizes are dots of `radius(nan)`."""
    known = ~(np.isnan(width) | np.isnan(height))
    w = np.where(known, np.maximum(np.nan_to_num(width) * scale, 1.2), 2 * radius(float("nan"), scale))
    h = np.where(known, np.maximum(np.nan_to_num(height) * scale, 1.2), w)
    r = np.minimum(np.nan_to_num(corner, nan=np.inf) * scale, np.minimum(w, h) / 2)
    r = np.where(known, r, w / 2)
    round_ = np.isclose(w, h) & (r >= w / 2 - 1e-9)
    cx, cy = np.round(x, 2), np.round(y, 2)
    left, top = np.round(x - w / 2, 2), np.round(y - h / 2, 2)
    w, h, r = np.round(w, 2), np.round(h, 2), np.round(r, 2)
    out: list[tuple[str, tuple[float, ...]]] = []
    for k, is_round in enumerate(round_.tolist()):  # one SVG element per drawn shape (capped by the caller)
        if is_round:
            out.append(("circle", (cx[k], cy[k], w[k] / 2)))
        else:
            out.append(("rect", (left[k], top[k], w[k], h[k], r[k])))
    return out


def shape_element(kind: str, values: tuple[float, ...], **attrs: Any) -> Any:
    """The drawsvg element of one of `shapes`."""
    if kind == "circle":
        cx, cy, r = values
        return dw.Circle(coord(cx), coord(cy), coord(r), **attrs)
    x, y, w, h, rx = values
    if rx > 0:
        attrs["rx"] = coord(rx)
    return dw.Rectangle(coord(x), coord(y), coord(w), coord(h), **attrs)


def draw_pads(
    d: dw.Drawing,
    netlist: Any,
    pads: np.ndarray,
    low: Element,
    high: Element,
    colours: np.ndarray,
    px: Any,
    py: Any,
    scale: float,
) -> None:
    """Each pad as its shape (round, rounded rectangle or oblong), turned and mirrored with its element."""
    if len(pads) == 0:
        return
    nodes = netlist.pad_node[pads] % len(PALETTE)
    element = netlist.pad_element[pads]
    for side, (owner, dash) in enumerate(((low, None), (high, "3 2"))):
        mine = element == owner.index
        if not mine.any():
            continue
        attrs: dict[str, Any] = {"fill": "none", "stroke_width": 1.2}
        if dash:
            attrs["stroke_dasharray"] = dash
        group = dw.Group(class_="pads", data_element=attr(owner.name), data_side=side, **attrs)
        chosen = pads[mine]
        palette = colours[nodes[mine]]
        drawn = shapes(
            px(netlist.pad_x[chosen]),
            py(netlist.pad_y[chosen]),
            netlist.pad_width[chosen],
            netlist.pad_height[chosen],
            netlist.pad_corner[chosen],
            scale,
        )
        for colour in sorted(set(palette.tolist())):
            sub = dw.Group(stroke=PALETTE[colour])
            for k in np.flatnonzero(palette == colour).tolist():
                sub.append(shape_element(*drawn[k]))
            group.append(sub)
        d.append(group)


def draw_masses(
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
    x, y = px(mx), py(my)
    drawn = shapes(x, y, netlist.mass_width[ids], netlist.mass_height[ids], netlist.mass_corner[ids], scale)
    group = dw.Group(class_="masses", fill_opacity=0.55)
    for colour in sorted(set(palette.tolist())):
        here = np.flatnonzero(palette == colour)
        sub = dw.Group(fill=PALETTE[colour], stroke=PALETTE[colour])
        for k in here.tolist():
            if away[k]:
                sub.append(
                    dw.Line(
                        coord(x[k]),
                        coord(y[k]),
                        coord(px(bx[k])),
                        coord(py(by[k])),
                        stroke_width=1.5,
                        stroke_dasharray="2 2",
                    )
                )
            sub.append(shape_element(*drawn[k], stroke="none"))
        group.append(sub)
    d.append(group)


def draw_density(d: dw.Drawing, mx: np.ndarray, my: np.ndarray, px: Any, py: Any, scale: float) -> None:
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
        data_cell_um=f"{num(cell_x)} x {num(cell_y)}",
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
                    coord(x0 + start * width),
                    coord(y0 + row * height),
                    coord((stop - start) * width),
                    coord(height),
                    fill_opacity=coord(level / DENSITY_LEVELS),
                )
            )
    group.append(dw.Title(f"density: cells of {num(cell_x)} µm × {num(cell_y)} µm, up to {most:,} masses per cell"))
    d.append(group)


def _cells(values: np.ndarray) -> tuple[float, float]:
    """The cell size along one axis and where the first cell starts (see `draw_density`)."""
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


def scale_bar(d: dw.Drawing, x: float, y: float, scale: float, span: float) -> None:
    """A bar of a round length (1, 2 or 5 × 10^k µm) about a fifth of the plot wide."""
    target = span / 5
    power = 10 ** math.floor(math.log10(target)) if target > 0 else 1
    length = max((f * power for f in (1, 2, 5) if f * power <= target), default=power)
    pixels = length * scale
    group = dw.Group(class_="scale-bar")
    group.append(
        dw.Lines(
            coord(x),
            coord(y - 4),
            coord(x),
            coord(y),
            coord(x + pixels),
            coord(y),
            coord(x + pixels),
            coord(y - 4),
            fill="none",
            stroke=INK,
            stroke_width=1.5,
        )
    )
    text = f"{num(length / 1000, 6)} mm" if length >= 1000 else f"{num(length, 6)} µm"
    draw_text(group, text, x + pixels + 6, y + 1, size=11)
    d.append(group)
