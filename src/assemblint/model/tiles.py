"""One square tile of a flat design, with a halo: the design as a worker of `--tiles` checks it.

A tile's model is the whole design's declarations (materials, elements, layers, the process, every
pad array and mass group, in the same order) holding only the objects near the tile: the pads in
its window (the core square grown by the halo on every side), the masses whose pads all lie in
it, the leads and `connect`s whose ends do. Every object keeps its global index, so what a tile
finds is named as the whole design names it (`origin`), and every object knows whether it lies in
the core (`core`): a finding is kept by the one tile whose core holds its anchor.

A point belongs to exactly one core: cores are half-open squares [x0, x1) × [y0, y1), and the
outermost ones reach to infinity, so nothing is lost at the design's edge.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assemblint.model.assembly import Assembly, MassGroup, NetGroup, Selection
from assemblint.model.netlist import Netlist
from assemblint.model.split_pins import SplitPins


@dataclass(frozen=True)
class Window:
    """A tile's core [x0, x1) × [y0, y1) (µm, the assembly's frame; ±inf at the design's edge) and its halo."""

    x0: float
    y0: float
    x1: float
    y1: float
    halo: float

    def holds(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Within the core grown by the halo (closed: a pad exactly a halo away is held)."""
        h = self.halo
        return (x >= self.x0 - h) & (x <= self.x1 + h) & (y >= self.y0 - h) & (y <= self.y1 + h)

    def inside(self, x: np.ndarray, y: np.ndarray, margin: float) -> np.ndarray:
        """Held, and at least `margin` from the window's outer edge: all within `margin` of it is held too."""
        h = self.halo - margin
        return (x >= self.x0 - h) & (x <= self.x1 + h) & (y >= self.y0 - h) & (y <= self.y1 + h)

    def core(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return (x >= self.x0) & (x < self.x1) & (y >= self.y0) & (y < self.y1)

    def band(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Held, and within a halo of the core's edge (inside or out): what a neighbour also holds."""
        h = self.halo
        inner = (x >= self.x0 + h) & (x < self.x1 - h) & (y >= self.y0 + h) & (y < self.y1 - h)
        return self.holds(x, y) & ~inner


@dataclass
class Tile:
    """A tile's model and how its objects map to the whole design's.

    `origin[key]`: for each group (`("pads", i)`, `("masses", i)`, `("leads", i)`), the global
    index of each of its local members; `core[key]`: which of them lie in the core (a mass by its
    first pad, where it sits); `pad_global`: each local pad id's global pad id.
    """

    window: Window
    assembly: Assembly
    origin: dict[tuple[str, int], np.ndarray]
    core: dict[tuple[str, int], np.ndarray]
    pad_global: np.ndarray
    pad_core: np.ndarray  # per local pad id
    pad_band: np.ndarray  # per local pad id: a neighbouring tile holds it too
    mass_global: np.ndarray  # per local mass id: its global mass id
    mass_core: np.ndarray  # per local mass id: it sits (by its first pad) in the core
    #: per electrical node of the tile's netlist (its `node_labels`), the whole design's key of that
    #: node, equal in every tile that holds part of it (set by run/tiles.py before the rules run)
    node_key: np.ndarray | None = None
    #: by rule id, what a reduction's `combine` made of every tile's `prepare` (checking/tiling.py)
    shared: dict[str, Any] = field(default_factory=dict)

    def key_of(self, group: Any) -> tuple[str, int] | None:
        """A group of this tile's model as the whole design's key (None: not a tiled group)."""
        return self._keys.get(id(group))

    def __post_init__(self) -> None:
        a = self.assembly
        self._keys = {id(g): ("pads", i) for i, g in enumerate(a.pad_arrays)}
        self._keys.update({id(g): ("masses", i) for i, g in enumerate(a.mass_groups)})
        self._keys.update({id(g): ("leads", i) for i, g in enumerate(a.lead_groups)})
        self._keys.update({id(g): ("nets", i) for i, g in enumerate(a.net_groups)})


def restrict(assembly: Assembly, window: Window) -> Tile:
    """The tile of `assembly` in `window`: its own Assembly (unsealed, with a netlist of its own)."""
    netlist = assembly.netlist if assembly.netlist is not None else Netlist.build(assembly)
    px, py = netlist.pad_x, netlist.pad_y
    keep_pad = window.holds(px, py)
    pad_new = np.cumsum(keep_pad) - 1  # global pad id -> local (where kept)
    held = np.flatnonzero(keep_pad)
    origin: dict[tuple[str, int], np.ndarray] = {}
    core: dict[tuple[str, int], np.ndarray] = {}
    new_of: dict[int, Any] = {}  # id(old object) -> its tile copy

    arrays = []
    start = 0
    for i, array in enumerate(assembly.pad_arrays):
        mine = keep_pad[array.start : array.start + array.count]
        local = np.flatnonzero(mine)
        changes: dict[str, Any] = {"x": array.x[local], "y": array.y[local], "start": start}
        if array.labels is not None:
            changes["labels"] = _pick(array.labels, local)
        for name in ("diameters", "sides"):
            if getattr(array, name) is not None:
                changes[name] = getattr(array, name)[local]
        copy = _copy(array, **changes)
        new_of[id(array)] = copy
        origin[("pads", i)] = local
        core[("pads", i)] = window.core(copy.x, copy.y)
        arrays.append(copy)
        start += len(local)

    layers = [_copy(layer) for layer in assembly.layers]
    new_of.update({id(old): new for old, new in zip(assembly.layers, layers, strict=True)})
    groups = []
    start = 0
    for i, group in enumerate(assembly.mass_groups):
        a = group.pads_a
        keep = keep_pad[a] if group.pads_b is None else keep_pad[a] & ((group.pads_b < 0) | keep_pad[group.pads_b])
        local = np.flatnonzero(keep)
        pads_b = None if group.pads_b is None else _moved(group.pads_b[local], pad_new)
        copy = _copy(
            group,
            pads_a=pad_new[a[local]],
            pads_b=pads_b,
            diameter=group.diameter[local],
            start=start,
            layer=new_of.get(id(group.layer), group.layer) if group.layer is not None else None,
            regions=list(group.regions),
        )
        new_of[id(group)] = copy
        origin[("masses", i)] = local
        core[("masses", i)] = window.core(px[a[local]], py[a[local]])
        groups.append(copy)
        start += len(local)
    mass_new = _mass_ids(assembly, groups, origin)

    leads = []
    start = 0
    for i, lead in enumerate(assembly.lead_groups):
        to_mass_ok = (lead.to_masses < 0) | (mass_new[np.maximum(lead.to_masses, 0)] >= 0)
        to_pad_ok = (lead.to_pads < 0) | keep_pad[np.maximum(lead.to_pads, 0)]
        local = np.flatnonzero(keep_pad[lead.from_pads] & to_mass_ok & to_pad_ok)
        copy = _copy(
            lead,
            from_pads=pad_new[lead.from_pads[local]],
            to_masses=_moved(lead.to_masses[local], mass_new),
            to_pads=_moved(lead.to_pads[local], pad_new),
            start=start,
        )
        origin[("leads", i)] = local
        core[("leads", i)] = window.core(px[lead.from_pads[local]], py[lead.from_pads[local]])
        leads.append(copy)
        start += len(local)

    origin_of = {id(new_of[id(g)]): origin[("pads", i)] for i, g in enumerate(assembly.pad_arrays)}
    origin_of.update({id(new_of[id(g)]): origin[("masses", i)] for i, g in enumerate(assembly.mass_groups)})
    nets = [_net(net, keep_pad, pad_new) for net in assembly.net_groups]
    connects = []
    for a, b, loc in assembly.connects:
        both = keep_pad[a] & keep_pad[b]
        connects.append((pad_new[a[both]], pad_new[b[both]], loc))

    for old, new in zip(assembly.layers, layers, strict=True):
        if old.surrounds_explicit is not None:
            new.surrounds_explicit = [_selection(s, new_of, origin_of) for s in old.surrounds_explicit]
        new.surrounds = []
    steps = [
        _copy(
            step,
            forms=[_selection(s, new_of, origin_of) for s in step.forms],
            mixes=[_selection(s, new_of, origin_of) for s in step.mixes],
            requires_solid=[_selection(s, new_of, origin_of) for s in step.requires_solid],
            requires_liquid=[_selection(s, new_of, origin_of) for s in step.requires_liquid],
            heats=None if step.heats is None else [new_of.get(id(h), h) for h in step.heats],
            extra=dict(step.extra),
        )
        for step in assembly.process.steps
    ]
    tile_assembly = _copy(
        assembly,
        pad_arrays=arrays,
        mass_groups=groups,
        layers=layers,
        lead_groups=leads,
        net_groups=nets,
        process=_copy(assembly.process, steps=steps),
        connects=connects,
        materials=dict(assembly.materials),
        elements=list(assembly.elements),
        waivers=list(assembly.waivers),
        placements=list(assembly.placements),
        files=list(assembly.files),
        netlist=None,
    )
    tile_assembly.netlist = Netlist.build(tile_assembly)
    lx, ly = px[held], py[held]
    windowed = assembly.windowed
    if windowed is not None:  # built for a window (model/windowed.py): its members' whole-design indices
        origin = {key: windowed.global_index(key, local) for key, local in origin.items()}
    pad_starts, mass_starts = whole_starts(assembly)
    pad_global = np.concatenate(
        [pad_starts[i] + origin[("pads", i)] for i in range(len(arrays))] or [np.zeros(0, np.int64)]
    ).astype(np.int64)
    mass_global = np.concatenate(
        [mass_starts[i] + origin[("masses", i)] for i in range(len(groups))] or [np.zeros(0, np.int64)]
    ).astype(np.int64)
    mass_core = np.concatenate([core[("masses", i)] for i in range(len(groups))] or [np.zeros(0, bool)])
    return Tile(
        window,
        tile_assembly,
        origin,
        core,
        pad_global,
        window.core(lx, ly),
        window.band(lx, ly),
        mass_global,
        mass_core,
    )


def whole_starts(assembly: Assembly) -> tuple[np.ndarray, np.ndarray]:
    """Each pad array's and mass group's first id in the whole design (a windowed build holds only
    some of each: its whole counts say where each starts)."""
    windowed = assembly.windowed
    pads = [a.count for a in assembly.pad_arrays]
    masses = [g.count for g in assembly.mass_groups]
    if windowed is not None:
        pads = [windowed.total(("pads", i), n) for i, n in enumerate(pads)]
        masses = [windowed.total(("masses", i), n) for i, n in enumerate(masses)]
    return (
        np.concatenate([[0], np.cumsum(pads, dtype=np.int64)]),
        np.concatenate([[0], np.cumsum(masses, dtype=np.int64)]),
    )


def span(assembly: Assembly) -> float:
    """The longest reach of a conducting link between pads (µm): a mass's two pads, a lead's ends,
    a `connect`. A tile's halo is at least this, so every link of a core object is held whole."""
    netlist = assembly.netlist
    if netlist is None:
        return 0.0
    x, y = netlist.pad_x, netlist.pad_y
    longest = 0.0
    for a, b in (
        (netlist.mass_pad_a, netlist.mass_pad_b),
        (netlist.lead_pad, netlist.lead_to_pad),
        (netlist.connect_a, netlist.connect_b),
    ):
        both = b >= 0
        if both.any():
            longest = max(longest, float(np.hypot(x[a[both]] - x[b[both]], y[a[both]] - y[b[both]]).max()))
    if netlist.lead_count:
        to_mass = netlist.lead_mass >= 0
        if to_mass.any():
            pads = netlist.mass_pad_a[netlist.lead_mass[to_mass]]
            a = netlist.lead_pad[to_mass]
            longest = max(longest, float(np.hypot(x[a] - x[pads], y[a] - y[pads]).max()))
    return longest


def _copy(obj: Any, **changes: Any) -> Any:
    """A shallow copy of a model object, of its unsealed class (readonly.py), with `changes`."""
    out = copy.copy(obj)
    for name, value in changes.items():
        setattr(out, name, value)
    return out


def _pick(labels: Any, index: np.ndarray) -> Any:
    """Some of a pad array's labels (a list, or the tables' `Strings`), in the same kind."""
    picked = getattr(labels, "take", None)
    if picked is not None:
        return picked(index)
    return [labels[i] for i in index.tolist()]


def _moved(ids: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Global ids (−1: none) as the tile numbers them."""
    return np.where(ids >= 0, new[np.maximum(ids, 0)], -1).astype(np.int64)


def _mass_ids(assembly: Assembly, groups: list[MassGroup], origin: dict) -> np.ndarray:
    """Global mass id -> the tile's (−1 where the tile does not hold the mass)."""
    out = np.full(assembly.mass_count, -1, dtype=np.int64)
    for i, (old, new) in enumerate(zip(assembly.mass_groups, groups, strict=True)):
        local = origin[("masses", i)]
        out[old.start + local] = new.start + np.arange(len(local))
    return out


def _net(net: NetGroup, keep_pad: np.ndarray, pad_new: np.ndarray) -> NetGroup:
    """A net group with only the pins the tile holds; every net stays (its index is its name)."""
    if isinstance(net.pins, SplitPins):
        ids = net.pins.ids
        held = keep_pad[ids]
        which = np.repeat(np.arange(len(net.pins)), net.pins.sizes())[held]
        offsets = np.zeros(len(net.pins) + 1, dtype=np.int64)
        np.cumsum(np.bincount(which, minlength=len(net.pins)), out=offsets[1:])
        return _copy(net, pins=SplitPins(pad_new[ids[held]], offsets))
    return _copy(net, pins=[pad_new[p[keep_pad[p]]] for p in net.pins])


def _selection(item: Any, new_of: dict[int, Any], origin_of: dict[int, np.ndarray]) -> Any:
    """A Selection (or Layer, Element) of the design as the tile holds it: members renumbered."""
    if not isinstance(item, Selection):
        return new_of.get(id(item), item)
    target = new_of.get(id(item.target), item.target)
    if item.index is None or target is item.target:
        return Selection(target, item.index)
    local = origin_of[id(target)]  # sorted global indices of the members the tile holds
    if len(local) == 0:
        return Selection(target, np.zeros(0, dtype=np.int64))
    where = np.searchsorted(local, item.index)
    found = (where < len(local)) & (local[np.minimum(where, max(len(local) - 1, 0))] == item.index)
    return Selection(target, where[found].astype(np.int64))
