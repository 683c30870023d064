"""What hover and completion need of a built design, as plain data the checking process sends back.

The Assembly itself stays in the worker that built it (a 100,000-mass design is hundreds of
megabytes of objects): this is its names, and for pads their positions and shapes as one pair of
arrays per element, so that an export with one declaration per pad costs one tuple per pad, not
one object with arrays of its own. It is what a file keeps while it does not parse: the last good
model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from assemblint.model.assembly import Assembly, Element, Material


class PadSet(NamedTuple):
    """One `pad` or `pads` declaration of an element: its pads are `start` to `start + count` of the
    element's arrays."""

    name: str
    indexed: bool
    start: int
    total: int  # how many pads
    diameter: float | None
    shape: str  # round, rect, oblong
    width: float | None
    height: float | None
    corner: float | None
    face: str
    barrier: str | None
    path: str
    line: int


class _Sets:
    """Many small declarations as columns: the names, one row each of starts, counts and lines, and a
    code into a table of the distinct rest (an export's 100,000 pads share one or two)."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.starts: list[int] = []
        self.counts: list[int] = []
        self.lines: list[int] = []
        self.codes: list[int] = []
        self.table: list[tuple] = []
        self._codes: dict[tuple, int] = {}
        self._rows: dict[str, int] | None = None

    def add(self, name: str, start: int, count: int, line: int, rest: tuple) -> None:
        code = self._codes.get(rest)
        if code is None:
            code = self._codes[rest] = len(self.table)
            self.table.append(rest)
        self.names.append(name)
        self.starts.append(start)
        self.counts.append(count)
        self.lines.append(line)
        self.codes.append(code)

    def row(self, name: str) -> int | None:
        if self._rows is None:
            self._rows = {n: i for i, n in enumerate(self.names)}
        return self._rows.get(name)

    def __getstate__(self) -> dict:
        return {
            "names": self.names,
            "table": self.table,
            "columns": np.array([self.starts, self.counts, self.lines, self.codes], dtype=np.int64).reshape(4, -1),
        }

    def __setstate__(self, state: dict) -> None:
        self.names, self.table = state["names"], state["table"]
        self.starts, self.counts, self.lines, self.codes = (c.tolist() for c in state["columns"])
        self._codes, self._rows = {}, None


@dataclass
class ElementInfo:
    name: str
    type: str
    body: str | None
    position: tuple[float, float]
    size: tuple[float, ...] | None
    path: str
    line: int
    sets: _Sets = field(default_factory=_Sets)
    x: np.ndarray = field(default_factory=lambda: np.zeros(0))  # µm, in the assembly's frame
    y: np.ndarray = field(default_factory=lambda: np.zeros(0))
    diameters: np.ndarray | None = None  # each pad's own diameter where a table gives one (NaN: none)

    @property
    def pad_names(self) -> list[str]:
        return self.sets.names

    def pads(self, name: str) -> PadSet | None:
        row = self.sets.row(name)
        if row is None:
            return None
        s = self.sets
        indexed, diameter, shape, width, height, corner, face, barrier, path = s.table[s.codes[row]]
        return PadSet(
            name, indexed, s.starts[row], s.counts[row], diameter, shape, width, height, corner, face, barrier, path,
            s.lines[row],
        )  # fmt: skip

    def pad_at(self, pads: PadSet, index: int) -> tuple[float, float, float | None]:
        """(x, y, diameter) of pad `index` of a pad set."""
        i = pads.start + index
        diameter = pads.diameter
        if self.diameters is not None and not np.isnan(self.diameters[i]):
            diameter = float(self.diameters[i])
        return float(self.x[i]), float(self.y[i]), diameter


class MassInfo(NamedTuple):
    name: str
    indexed: bool
    total: int  # how many masses
    materials: str  # `SAC305`, or `core Pb95Sn5 on die, joint Sn63Pb37 on sub`
    diameter: float | None  # when every mass of the group has the same
    height: float | None
    layer: str | None
    path: str
    line: int


class Masses(_Sets):
    def get(self, name: str) -> MassInfo | None:
        row = self.row(name)
        if row is None:
            return None
        indexed, materials, diameter, height, layer, path = self.table[self.codes[row]]
        return MassInfo(name, indexed, self.counts[row], materials, diameter, height, layer, path, self.lines[row])

    def __contains__(self, name: str) -> bool:
        return self.row(name) is not None


class StepInfo(NamedTuple):
    name: str
    kind: str | None
    temp: float | None
    temp_range: tuple[float, float] | None
    order: int
    path: str
    line: int


class MaterialInfo(NamedTuple):
    name: str
    kind: str | None
    library: str | None  # None: the design's own
    parent: str | None
    solidus: float | None
    liquidus: float | None
    cte: float | None
    path: str
    line: int


class NamedInfo(NamedTuple):
    """Any other declared name: a layer, lead, net, placement."""

    kind: str
    name: str
    detail: str
    path: str
    line: int


@dataclass
class ModelIndex:
    title: str | None = None
    elements: dict[str, ElementInfo] = field(default_factory=dict)
    masses: Masses = field(default_factory=Masses)
    materials: dict[str, MaterialInfo] = field(default_factory=dict)
    steps: dict[str, StepInfo] = field(default_factory=dict)
    others: dict[str, NamedInfo] = field(default_factory=dict)
    pad_count: int = 0
    mass_count: int = 0

    def names(self) -> dict[str, str]:
        """Every name of the shared namespace, with what it is (element, masses, layer, net…)."""
        found = {name: "element" for name in self.elements}
        masses = self.masses
        found.update(
            {
                name: "masses" if masses.table[code][0] else "mass"
                for name, code in zip(masses.names, masses.codes, strict=True)
            }
        )
        found.update({name: info.kind for name, info in self.others.items()})
        return found


def index_of(assembly: Assembly) -> ModelIndex:
    """The names and pad geometry of a built design."""
    index = ModelIndex(title=assembly.title, pad_count=assembly.pad_count, mass_count=assembly.mass_count)
    for material in assembly.materials.values():
        index.materials[material.name] = _material(material)
    for element in assembly.elements:
        index.elements[element.name] = _element(element)
    for group in assembly.mass_groups:
        diameters = group.diameter
        first = float(diameters[0]) if diameters.size else np.nan
        same = first == first and (diameters.size == 1 or bool(np.all(diameters == first)))
        if group.regions:
            materials = ", ".join(
                f"{r.name} {r.material.name}" + (f" on {r.on.name}" if r.on else "") for r in group.regions
            )
        else:
            materials = group.material.name if group.material else ""
        layer = group.layer.name if group.layer else None
        rest = (group.indexed, materials, first if same else None, group.height, layer, group.loc.path)
        index.masses.add(group.name, 0, group.count, group.loc.line, rest)
    for step in assembly.process.steps:
        index.steps[step.name] = StepInfo(
            step.name, step.kind, step.temp, step.temp_range, step.order, step.loc.path, step.loc.line
        )
    for each in assembly.layers:
        between = f" between {each.between[0].name} and {each.between[1].name}" if each.between else ""
        made_of = each.material.name if each.material else "?"
        detail = f"{each.role or 'layer'} of {made_of}{between}"
        index.others[each.name] = NamedInfo("layer", each.name, detail, each.loc.path, each.loc.line)
    for lead in assembly.lead_groups:
        made_of = lead.material.name if lead.material else "?"
        detail = f"{lead.count:,} lead{'s' * (lead.count != 1)} of {made_of}" + (
            f", shape {lead.shape}" if lead.shape else ""
        )
        index.others[lead.name] = NamedInfo("lead", lead.name, detail, lead.loc.path, lead.loc.line)
    for net in assembly.net_groups:
        detail = f"{net.count:,} nets" if net.indexed else "a net"
        index.others[net.name] = NamedInfo("net", net.name, detail, net.loc.path, net.loc.line)
    for placement in assembly.placements:
        detail = f"{placement.count:,} instance{'s' * (placement.count != 1)} of cell {placement.cell}"
        where = placement.loc
        index.others[placement.name] = NamedInfo("place", placement.name, detail, where.path, where.line)
    return index


def _material(material: Material) -> MaterialInfo:
    return MaterialInfo(
        material.name,
        material.kind,
        material.library,
        material.parent.name if material.parent else None,
        material.solidus,
        material.liquidus,
        material.cte,
        material.loc.path,
        material.loc.line,
    )


def _element(element: Element) -> ElementInfo:
    info = ElementInfo(
        element.name,
        element.type,
        element.body.name if element.body else None,
        (float(element.position[0]), float(element.position[1])),
        tuple(float(s) for s in element.size) if element.size else None,
        element.loc.path,
        element.loc.line,
    )
    arrays = list(element.pads.values())
    start = 0
    for array in arrays:
        count = array.count
        barrier = array.barrier.name if array.barrier else None
        shape = (array.width, array.height, array.corner)
        rest = (array.indexed, array.diameter, array.shape, *shape, array.face, barrier, array.loc.path)
        info.sets.add(array.name, start, count, array.loc.line, rest)
        start += count
    if arrays:
        info.x = np.concatenate([a.x for a in arrays]).astype(float, copy=False)
        info.y = np.concatenate([a.y for a in arrays]).astype(float, copy=False)
        if any(a.diameters is not None for a in arrays):
            info.diameters = np.concatenate(
                [a.diameters if a.diameters is not None else np.full(a.count, np.nan) for a in arrays]
            )
    return info
