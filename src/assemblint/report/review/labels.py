"""How the review pictures write numbers and object names, apart from drawing them.

Separate from `svg.py` so that the drawing contract (`marks.py`), which plugins import when they
load, writes numbers the way the pictures do without loading drawsvg. The naming context lets a
picture of a placed-cell representative name every instance it stands for (hierarchy.py), as the
findings do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from assemblint.checking.findings import Objects, objects_phrase
from assemblint.model.assembly import Assembly
from assemblint.model.hierarchy import Represented


def num(value: float, digits: int = 3) -> str:
    """`13.4`, `0.149`, `1000`: a number for people, at most `digits` significant figures."""
    value = float(value)
    if value != value:
        return "?"
    if abs(value) >= 10**digits:
        return f"{value:,.0f}"
    text = f"{value:.{digits}g}"
    return "0" if text == "-0" else text


def deg(value: float) -> str:
    return f"{num(value, 6)} °C"


def span(low: float, high: float) -> str:
    """`40 … 85 °C`, or `183 °C` when both ends are equal."""
    return deg(high) if low == high else f"{num(low, 6)} … {deg(high)}"


def declared(name: str) -> str:
    """`units[4].chip` -> `chip`: the name as its cell declares it, so that instances merge."""
    return re.sub(r"^.*\]\.", "", name)


def clip(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


_REPRESENTED: ContextVar[Represented | None] = ContextVar("represented", default=None)


@contextmanager
def naming(assembly: Assembly) -> Iterator[None]:
    """While drawing a design, name a placed-cell representative for every instance it stands for."""
    token = _REPRESENTED.set(assembly.represented)
    try:
        yield
    finally:
        _REPRESENTED.reset(token)


def represented() -> Represented | None:
    """The representatives of the design being drawn (inside `naming`), else None."""
    return _REPRESENTED.get()


def compact(names: Iterable[str]) -> list[str]:
    """`units[0].m`, `units[1].m` -> `units[0:2].m` (the names of cell instances, merged)."""
    objects = Objects()
    for name in names:
        objects.add(str(name))
    return objects.compact(_REPRESENTED.get())


def phrase(names: Iterable[str], most: int = 3) -> str:
    names = compact(names)
    return objects_phrase(names, most) if names else ""
