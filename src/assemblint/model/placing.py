"""The one placing transform of STACK.md §2: x → −x, a quarter turn, a shift.

Elements (their pads and outline), footprints in an element, and cell instances are all placed
by it, in that order of operations, so that a mirrored, turned or placed copy of anything lands
where the same words would put it anywhere else.
"""

from __future__ import annotations

from typing import Any


def transform(x: Any, y: Any, mirror: bool, rotate: int, shift: tuple[float, float]) -> tuple[Any, Any]:
    """Points (numbers or arrays) mirrored (x → −x), turned `rotate` degrees counter-clockwise (a
    quarter turn), then shifted: the one placing transform of STACK.md §2, for elements, footprints
    and cell instances alike."""
    if mirror:
        x = -x
    if rotate == 90:
        x, y = -y, x
    elif rotate == 180:
        x, y = -x, -y
    elif rotate == 270:
        x, y = y, -x
    return x + shift[0], y + shift[1]
