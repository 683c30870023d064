"""The true shapes of masses and pads (STACK.md §3), and the distances IN003 and IN005 measure.

Every pad and mass is a rounded rectangle in the assembly's frame, axis-aligned (an element turns
only by quarter turns, already applied in the netlist): width w, height h, corner radius r. A
circle of diameter D is D x D with corner D/2, a rectangle has corner 0, a stadium (`oblong`)
corner min(w, h)/2. A rounded rectangle is the Minkowski sum of its inner box, (w − 2r) x (h − 2r),
and a disc of radius r; so the signed distance between two of them is the signed distance
between their inner boxes less r₁ + r₂, exactly, for every pair of such shapes:

- the inner boxes' offset per axis, o = |Δ| − (half-side₁ + half-side₂), is the gap between them
  along that axis (negative: they overlap along it);
- apart (some o > 0): the box-to-box distance, hypot(max(oₓ, 0), max(o_y, 0));
- overlapping (both o ≤ 0): −min(|oₓ|, |o_y|) = max(oₓ, o_y), the penetration depth, the least
  move that separates them; the rounded shapes then overlap by that depth plus r₁ + r₂.

For two circles the inner boxes are points, o = |Δ|, and the distance is the centre distance
less the radii: the same floating-point operations as before the shapes, so round designs give
the same numbers to the bit. Everything is numpy over arrays of pairs; no geometry library is
needed for axis-aligned shapes (shapely 2 would build a polygon per shape, and its distance is
not signed). A shape without a size (nan) is a point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assemblint.base.units import format_quantity


@dataclass
class Shapes:
    """Rounded rectangles, one per object, as the rules need them."""

    half_w: np.ndarray  # half the inner box's width, (w − 2r) / 2
    half_h: np.ndarray  # half the inner box's height
    corner: np.ndarray  # r
    all_round: bool  # every shape a circle (a point, of corner 0, among them): half_w, half_h all 0

    @classmethod
    def of(cls, width: np.ndarray, height: np.ndarray, corner: np.ndarray) -> Shapes:
        # circles (D x D, corner D/2; nan: no size) are the usual case and cost a few comparisons
        if all_circles(width, height, corner):
            zero = np.broadcast_to(0.0, np.shape(width))
            return cls(zero, zero, np.nan_to_num(corner, nan=0.0) if np.isnan(corner).any() else corner, True)
        w, h = np.nan_to_num(width, nan=0.0), np.nan_to_num(height, nan=0.0)
        r = np.minimum(np.nan_to_num(corner, nan=0.0), np.minimum(w, h) / 2)
        half_w, half_h = np.maximum(w / 2 - r, 0.0), np.maximum(h / 2 - r, 0.0)
        return cls(half_w, half_h, r, bool(((half_w == 0) & (half_h == 0)).all()))

    @property
    def round(self) -> np.ndarray:
        """Which shapes are circles (a point, of corner 0, among them)."""
        if self.all_round:
            return np.broadcast_to(True, self.corner.shape)
        return (self.half_w == 0) & (self.half_h == 0)

    @property
    def diameter(self) -> np.ndarray:
        """The diameter of each round shape (2r, which is D to the bit), nan for the others."""
        return 2 * self.corner if self.all_round else np.where(self.round, 2 * self.corner, np.nan)

    @property
    def reach(self) -> np.ndarray:
        """The half-diagonal: the farthest point of each shape from its centre."""
        return self.corner if self.all_round else np.hypot(self.half_w, self.half_h) + self.corner

    @property
    def inscribed(self) -> np.ndarray:
        """The radius of the largest disc about the centre that the shape holds: min(w, h) / 2."""
        return self.corner if self.all_round else np.minimum(self.half_w, self.half_h) + self.corner


def all_circles(width: np.ndarray, height: np.ndarray, corner: np.ndarray) -> bool:
    """Whether every shape is D x D with corner D/2, or has no size (nan): a few comparisons, as a
    design with no shape of its own pays for them."""
    if not np.isnan(width).any():
        return bool((width == height).all()) and bool((width == 2 * corner).all())
    return np.array_equal(width, height, equal_nan=True) and np.array_equal(width, 2 * corner, equal_nan=True)


def box_distance(
    dx: np.ndarray, dy: np.ndarray, half_w: np.ndarray | None, half_h: np.ndarray | None, root=np.hypot
) -> np.ndarray:
    """The signed distance between inner boxes whose centres are (dx, dy) apart, of summed
    half-sides `half_w`, `half_h` (None: points, the centre distance itself); `root(a, b)`:
    how √(a² + b²) is taken (np.hypot, or the rule's own formula, so that circles keep theirs)."""
    if half_w is None or half_h is None:
        return root(dx, dy)
    ox = np.abs(dx)
    ox -= half_w
    oy = np.abs(dy)
    oy -= half_h
    deepest = np.maximum(ox, oy)
    apart = root(np.maximum(ox, 0.0), np.maximum(oy, 0.0))
    return np.where(deepest > 0, apart, deepest)


def sqrt_of_squares(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """√(a² + b²) as IN005 has always computed it (as scipy's cKDTree does, bit for bit)."""
    return np.sqrt(a * a + b * b)


def describe(width: float, height: float, corner: float) -> str:
    """`⌀100 µm`, `200 × 100 µm`, `200 × 100 µm, corners 20 µm`, `300 × 100 µm oblong`."""

    def um(value: float) -> str:
        return format_quantity(value, "length")

    if width == height and corner * 2 == width:
        return f"⌀{um(width)}"
    sides = f"{format_quantity(width, 'length').removesuffix(' µm')} × {um(height)}"
    if corner == 0:
        return sides
    if corner * 2 == min(width, height):
        return f"{sides} oblong"
    return f"{sides}, corners {um(corner)}"
