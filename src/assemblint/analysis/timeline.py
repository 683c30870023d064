"""The thermal timeline: what exists, melts, joins and is contained at each moment of the process.

The definitions of `../shared/spec/CHECKS.md` (liquid, joined, remelted, liquid in service,
contained, containing layer), implemented once so that every rule and every plugin reads the same
answers through `ctx.timeline`. The moments are the process steps in order, then the `operate`,
`store` and `cycle` ranges. Per-mass answers are numpy arrays over global mass ids (the order of
`Assembly.mass_groups`), so a design with millions of masses costs a few vector operations per
step, not a Python loop per mass.

Readings where the spec is silent (docs/timeline.md):
- A mass can be joined only once it and every element it joins exist: a solder ball on a sheet
  whose board is formed at `mount` is joined at `mount`, not by an earlier ball-attach reflow.
- The masses a layer surrounds are its `surrounds` (or the default: every mass joining the two
  elements it lies between) plus every mass declared `in` it.
- Things never disappear: once formed, an element, layer or mass exists at every later moment.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from assemblint.base.diagnostics import Location
from assemblint.base.errors import CannotRun
from assemblint.base.units import TEMPERATURE, format_quantity
from assemblint.model.assembly import Assembly, Element, Layer, MassGroup, Material, Selection, Step
from assemblint.model.readonly import frozen, frozen_list, seal

FROM_START = -1  # formed by no step: exists from the start
NEVER = np.iinfo(np.int32).max  # joined by no step / never contained
CONTAINING_ROLES = ("compliant", "underfill", "encapsulant", "mold")  # CHECKS.md: seed 004's mold holds its masses


def temp(value: float) -> str:
    """A temperature for messages: `245 °C`."""
    return format_quantity(value, TEMPERATURE)


def at_or_above(value: float, limit: float) -> str:
    """`above`, or `at` when a temperature reaches a limit exactly: for "reaches" messages."""
    return "above" if value > limit else "at"


@dataclass(frozen=True)
class Moment:
    """A process step, or one of the service ranges (`operate`, `store`, `cycle`) after the last step."""

    name: str
    index: int  # position in the timeline: steps 0..n-1, then the service ranges
    low: float
    high: float  # the moment's temperature: a step's peak or the top of its range
    loc: Location
    step: Step | None = None

    @property
    def is_step(self) -> bool:
        return self.step is not None

    @property
    def kind(self) -> str:
        """The step's kind, or `service` for operate/store/cycle."""
        return (self.step.kind or "generic") if self.step else "service"

    def describe(self) -> str:
        """`the `mount` step reaches 245 °C`, `the operate range (40 °C .. 85 °C) reaches 85 °C`."""
        if self.step is None:
            return f"the {self.name} range ({temp(self.low)} .. {temp(self.high)}) reaches {temp(self.high)}"
        if self.step.heats is not None:  # local heating: say what it heats
            names = [o.name for o in self.step.heats]
            heated = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            return f"the `{self.name}` step heats {heated or 'nothing'} to {temp(self.high)}"
        if self.low == self.high:
            return f"the `{self.name}` step reaches {temp(self.high)}"
        return f"the `{self.name}` step ({temp(self.low)} .. {temp(self.high)}) reaches {temp(self.high)}"

    def __repr__(self) -> str:
        return f"Moment({self.name}, {self.low:g}..{self.high:g})"


def selection_ids(selection: Selection) -> np.ndarray:
    """Global mass ids of a selection of a mass group."""
    group: MassGroup = selection.target
    local = np.arange(group.count) if selection.index is None else selection.index
    return (group.start + local).astype(np.int64)


class Timeline:
    """The process as moments, and the answers the MH, CT and CTE rules share. Built once per design.

    Read-only to rules, as the design is (model/readonly.py): the moments are frozen lists, every array it
    keeps is frozen as it is computed, and its attributes cannot be set once it is made. A per-call
    answer (`liquid(m)`, `remelted_by(m)`) is a fresh array the caller owns.
    """

    def __init__(self, assembly: Assembly):
        self.assembly = assembly
        process = assembly.process
        self.steps: list[Moment] = frozen_list(
            Moment(s.name, i, *(s.temp_range or (s.temp, s.temp)), s.loc, s)
            for i, s in enumerate(sorted(process.steps, key=lambda s: s.order))
            if s.temp is not None
        )
        n = len(self.steps)
        service: list[Moment] = []
        operating, operating_loc = self._operating_range()
        if operating is not None:
            service.append(Moment("operate", n, operating[0], operating[1], operating_loc))
        if process.store is not None:
            service.append(Moment("store", n + len(service), *process.store, process.store_loc or operating_loc))
        if process.cycle is not None:
            service.append(Moment("cycle", n + len(service), *process.cycle, process.cycle_loc or operating_loc))
        self.service: list[Moment] = frozen_list(service)
        self.operating: Moment | None = service[0] if operating is not None else None
        self.moments: list[Moment] = frozen_list(self.steps + service)
        self._formed: dict[int, int] = {}  # id(element or layer) -> step index
        mass_count = assembly.mass_count
        self.mass_formed = np.full(mass_count, FROM_START, dtype=np.int32)
        self._mixes: dict[int, np.ndarray] = {}
        self._exposed: dict[int, np.ndarray] = {}  # moment index -> per-mass temperature (local heating)
        self._read_steps()
        frozen(self.mass_formed)
        for mask in self._mixes.values():
            frozen(mask)
        seal(self)

    # ------------------------------------------------------------------ moments
    def _operating_range(self) -> tuple[tuple[float, float] | None, Location]:
        """`operate`, else the union of the elements' `operating` ranges (LANGUAGE.md)."""
        process = self.assembly.process
        default_loc = Location(self.assembly.path, 1, 1)
        if process.operate is not None:
            return process.operate, process.operate_loc or default_loc
        ranges = [e for e in self.assembly.elements if e.operating is not None]
        if not ranges:
            return None, default_loc
        low = min(e.operating[0] for e in ranges)  # type: ignore[index]
        high = max(e.operating[1] for e in ranges)  # type: ignore[index]
        return (low, high), ranges[0].loc

    def _read_steps(self) -> None:
        for moment in self.steps:
            step = moment.step
            assert step is not None
            for target in step.forms:
                if isinstance(target, Selection) and isinstance(target.target, MassGroup):
                    ids = selection_ids(target)
                    first = self.mass_formed[ids] == FROM_START
                    self.mass_formed[ids[first]] = moment.index
                elif isinstance(target, Element | Layer):
                    self._formed.setdefault(id(target), moment.index)
            mixed = [selection_ids(t) for t in step.mixes if isinstance(t, Selection)]
            if mixed:
                mask = np.zeros(self.assembly.mass_count, dtype=bool)
                mask[np.concatenate(mixed)] = True
                self._mixes[moment.index] = mask

    def require_steps(self) -> None:
        """For a rule about process steps: could-not-run (not a silent pass) without a process."""
        if not self.steps:
            raise CannotRun("the design declares no process steps, so there are no temperatures to check")

    def require_operating(self) -> Moment:
        """For a rule about the operating range: could-not-run without one."""
        if self.operating is None:
            raise CannotRun("no operating range: give the process an `operate` range, or the elements `operating`")
        return self.operating

    def step(self, name: str) -> Moment:
        """The step called `name` (KeyError if there is none)."""
        for moment in self.steps:
            if moment.name == name:
                return moment
        raise KeyError(name)

    # ------------------------------------------------------------------ existence
    def formed_at(self, obj: Element | Layer) -> int:
        """The index of the step that forms an element or layer; FROM_START if none does."""
        return self._formed.get(id(obj), FROM_START)

    def exists(self, obj: Element | Layer, moment: Moment) -> bool:
        return self.formed_at(obj) <= moment.index

    def masses_exist(self, moment: Moment) -> np.ndarray:
        """Which masses exist at a moment (bool per global mass id)."""
        return self.mass_formed <= moment.index

    # ------------------------------------------------------------------ per-mass temperatures
    def _per_mass(self, value) -> np.ndarray:
        """A temperature per group, spread over its masses; worked out once per kind of group.

        The value depends only on a group's materials and regions, and an explicit design has a
        group per mass but a handful of kinds, so the groups are keyed by what the value reads."""
        groups = self.assembly.mass_groups
        by_kind: dict[object, float] = {}  # keyed by the materials and regions: a tuple, or one id
        values = np.empty(len(groups), dtype=float)
        for k, g in enumerate(groups):
            key = (id(g.material), *((r.name, id(r.material)) for r in g.regions)) if g.regions else id(g.material)
            v = by_kind.get(key)
            if v is None:
                found = value(g)
                v = by_kind[key] = np.nan if found is None else found
            values[k] = v
        counts = np.fromiter((g.count for g in groups), np.int64, len(groups))
        return frozen(np.repeat(values, counts))

    @cached_property
    def melting(self) -> np.ndarray:
        """Each mass's melting temperature: the lowest solidus of its materials (nan: no fusible material)."""
        return self._per_mass(lambda g: g.melting_temp)

    @cached_property
    def joining(self) -> np.ndarray:
        """Each mass's joining temperature: the liquidus of its joint region or only material (nan: none)."""
        return self._per_mass(lambda g: joining_temp(g))

    @cached_property
    def fully_molten(self) -> np.ndarray:
        """Where every material of a mass is molten: the highest liquidus (inf if one never melts)."""
        return self._per_mass(lambda g: fully_molten_temp(g))

    @cached_property
    def fusible(self) -> np.ndarray:
        """Masses with a fusible material: the ones the MH and CT rules concern."""
        return frozen(~np.isnan(self.melting))

    def liquid(self, moment: Moment) -> np.ndarray:
        """Masses liquid at a moment: the temperature it exposes them to reaches their melting temperature."""
        return self.melting <= self.temps(moment)  # nan compares False: a non-fusible mass is never liquid

    # ------------------------------------------------------------------ what each object sees
    def temps(self, moment: Moment) -> float | np.ndarray:
        """The temperature a moment exposes each mass to: the step's own where it heats everything
        (a number, no array), else per mass: the step's for a mass joining an element it `heats`,
        its `ambient` for the rest (STACK.md §5)."""
        step = moment.step
        if step is None or step.heats is None:
            return moment.high
        cached = self._exposed.get(moment.index)
        if cached is None:
            netlist = self.assembly.netlist
            assert netlist is not None
            heated = np.zeros(len(self.assembly.elements) + 1, dtype=bool)  # the last: "no element"
            heated[[e.index for e in step.heats if isinstance(e, Element)]] = True
            pad_b = netlist.mass_pad_b
            element_b = np.where(pad_b >= 0, netlist.pad_element[np.maximum(pad_b, 0)], len(self.assembly.elements))
            joined = heated[netlist.pad_element[netlist.mass_pad_a]] | heated[element_b]
            cached = self._exposed[moment.index] = frozen(np.where(joined, moment.high, step.ambient))
        return cached

    def temp_of(self, moment: Moment, obj: Element | Layer) -> float:
        """The temperature a moment exposes an element or a layer to: the step's, unless the step
        heats only part of the assembly and not this (a layer is heated when named, or when it lies
        between two heated elements); then its ambient."""
        step = moment.step
        if step is None or step.heats is None:
            return moment.high
        named = {id(o) for o in step.heats}
        if id(obj) in named:
            return moment.high
        if isinstance(obj, Layer) and obj.between is not None and all(id(e) in named for e in obj.between):
            return moment.high
        return step.ambient

    def temp_of_mass(self, moment: Moment, mass: int) -> float:
        """The temperature a moment exposes one mass (by global id) to."""
        seen = self.temps(moment)
        return float(seen if isinstance(seen, float | int) else seen[mass])

    def heats_all(self, moment: Moment) -> bool:
        """Whether the moment exposes everything to its temperature (no `heats`)."""
        return moment.step is None or moment.step.heats is None

    # ------------------------------------------------------------------ joining and remelting
    @cached_property
    def joinable_from(self) -> np.ndarray:
        """The first step at which a mass and every element it joins exist."""
        netlist = self.assembly.netlist
        assert netlist is not None
        element_formed = np.array([self.formed_at(e) for e in self.assembly.elements] or [0], dtype=np.int32)
        start = np.maximum(self.mass_formed, element_formed[netlist.pad_element[netlist.mass_pad_a]])
        has_b = netlist.mass_pad_b >= 0
        start[has_b] = np.maximum(start[has_b], element_formed[netlist.pad_element[netlist.mass_pad_b[has_b]]])
        return frozen(start)

    @cached_property
    def joined_by(self) -> np.ndarray:
        """The index of the step that joins each mass; NEVER if none does.

        A fusible mass: the first step, at or after the one from which it can be joined, that
        reaches its joining temperature. A mass with no fusible material: the first `bond` step.
        """
        joined = np.full(self.assembly.mass_count, NEVER, dtype=np.int32)
        open_ = np.ones(self.assembly.mass_count, dtype=bool)
        fusible = self.fusible
        for moment in self.steps:
            ready = open_ & (self.joinable_from <= moment.index)
            hit = ready & fusible & (self.joining <= self.temps(moment))
            if moment.kind == "bond":
                hit |= ready & ~fusible
            joined[hit] = moment.index
            open_ &= ~hit
        return frozen(joined)

    def mixes(self, moment: Moment) -> np.ndarray:
        """Masses the step `mixes` (an intended complete melt)."""
        mask = self._mixes.get(moment.index)
        return mask if mask is not None else np.zeros(self.assembly.mass_count, dtype=bool)

    def remelted_by(self, moment: Moment) -> np.ndarray:
        """Masses the step makes liquid after the step that joined them, without `mixes`-ing them."""
        if not moment.is_step:
            return np.zeros(self.assembly.mass_count, dtype=bool)
        return (self.joined_by < moment.index) & self.liquid(moment) & ~self.mixes(moment)

    @cached_property
    def remelted(self) -> np.ndarray:
        """Masses remelted by some step."""
        out = np.zeros(self.assembly.mass_count, dtype=bool)
        for moment in self.steps:
            out |= self.remelted_by(moment)
        return frozen(out)

    def liquid_in(self, moment: Moment) -> np.ndarray:
        """Masses liquid somewhere in a service range (its top reaches their melting temperature)."""
        return self.liquid(moment)

    @cached_property
    def liquid_in_service(self) -> np.ndarray:
        """Masses liquid somewhere in the operate, store or cycle range."""
        out = np.zeros(self.assembly.mass_count, dtype=bool)
        for moment in self.service:
            out |= self.liquid(moment)
        return frozen(out)

    # ------------------------------------------------------------------ layers and containment
    @cached_property
    def _surrounded(self) -> dict[int, np.ndarray]:
        out: dict[int, list[np.ndarray]] = {id(layer): [] for layer in self.assembly.layers}
        for layer in self.assembly.layers:
            out[id(layer)].extend(selection_ids(s) for s in layer.surrounds if isinstance(s.target, MassGroup))
        for group in self.assembly.mass_groups:
            if group.layer is not None and id(group.layer) in out:
                out[id(group.layer)].append(selection_ids(Selection(group)))
        return {
            key: frozen(np.unique(np.concatenate(parts)) if parts else np.zeros(0, np.int64))
            for key, parts in out.items()
        }

    def surrounded_by(self, layer: Layer) -> np.ndarray:
        """Global ids of the masses a layer surrounds (sorted)."""
        return self._surrounded[id(layer)]

    @staticmethod
    def can_contain(layer: Layer) -> bool:
        """A layer of role compliant, underfill, encapsulant or mold, of a dielectric material."""
        return layer.role in CONTAINING_ROLES and is_dielectric(layer.material)

    @property
    def container(self) -> np.ndarray:
        """Per mass, the index (in Assembly.layers) of the first layer able to contain it; -1 if none."""
        return self._containment[0]

    @cached_property
    def _containment(self) -> tuple[np.ndarray, np.ndarray]:
        """`container` and `contained_from`, worked out together once."""
        out = np.full(self.assembly.mass_count, -1, dtype=np.int32)
        first = np.full(self.assembly.mass_count, NEVER, dtype=np.int32)
        for index, layer in enumerate(self.assembly.layers):
            if not self.can_contain(layer):
                continue
            ids = self.surrounded_by(layer)
            formed = self.formed_at(layer)
            earlier = first[ids] > formed
            out[ids[earlier]] = index
            first[ids[earlier]] = formed
        return frozen(out), frozen(first)

    @property
    def contained_from(self) -> np.ndarray:
        """Per mass, the index of the first moment at which it is contained; NEVER if it never is."""
        return self._containment[1]

    def contained(self, moment: Moment) -> np.ndarray:
        """Masses contained at a moment: a containing-role dielectric layer that exists then surrounds them."""
        return self.contained_from <= moment.index

    @cached_property
    def containing_layers(self) -> list[Layer]:
        """Layers that surround a mass that is remelted or liquid in service (whatever their role)."""
        needs = self.remelted | self.liquid_in_service
        return frozen_list(layer for layer in self.assembly.layers if needs[self.surrounded_by(layer)].any())

    def hottest_step_with(self, obj: Element | Layer) -> Moment | None:
        """The hottest step at which an element or layer exists (the first, on a tie)."""
        present = [m for m in self.steps if self.exists(obj, m)]
        return max(present, key=lambda m: m.high) if present else None

    # ------------------------------------------------------------------ grouping for findings
    def by_group(self, mask: np.ndarray) -> Iterator[Selection]:
        """The masses of a mask, as one Selection per mass group (whole groups unindexed)."""
        yield from self.selections(np.flatnonzero(mask))

    def selections(self, ids: np.ndarray) -> Iterator[Selection]:
        """Sorted global mass ids as one Selection per mass group."""
        if len(ids) == 0:
            return
        groups = self.assembly.mass_groups
        which = np.searchsorted(self._group_starts, ids, side="right") - 1
        bounds = np.flatnonzero(np.diff(which)) + 1
        for chunk, owner in zip(np.split(ids, bounds), which[np.concatenate([[0], bounds])].tolist(), strict=True):
            group = groups[owner]
            yield Selection(group) if len(chunk) == group.count else Selection(group, chunk - group.start)

    def by_declaration(self, mask: np.ndarray) -> Iterator[list[Selection]]:
        """The masses of a mask, grouped by the `masses` statement that declares them.

        A statement inside a cell makes one mass group per placed instance; a rule that reports
        per declaration makes one finding for all of them, instead of one per instance to merge.
        """
        yield from self.declarations(self.by_group(mask))

    @staticmethod
    def declarations(selections: Iterable[Selection]) -> Iterator[list[Selection]]:
        """Selections grouped by the declaration (source location) of their mass group, in order."""
        out: dict[Location, list[Selection]] = {}
        for selection in selections:
            out.setdefault(selection.target.loc, []).append(selection)
        yield from out.values()

    @cached_property
    def _group_starts(self) -> np.ndarray:
        return frozen(np.array([g.start for g in self.assembly.mass_groups], dtype=np.int64))


def timeline_of(assembly: Assembly) -> Timeline:
    """The design's timeline, built on first use and kept with the design (every rule reads one).

    Kept in the design's own `__dict__`, as `functools.cached_property` keeps a value (the design is
    sealed against attribute writes, not against that): the two refer to each other and are freed
    together. A table keyed weakly by design would never free one, since its value, the timeline,
    refers to its key."""
    timeline = assembly.__dict__.get(_KEPT)
    if timeline is None:
        timeline = assembly.__dict__[_KEPT] = Timeline(assembly)
    return timeline


_KEPT = "_timeline"


def group_selection(group: MassGroup, local: np.ndarray) -> Selection | None:
    """The masses of one group that a mask over that group's masses marks; None if none."""
    if local.all():
        return Selection(group)
    index = np.flatnonzero(local)
    return Selection(group, index) if len(index) else None


def group_slice(group: MassGroup) -> slice:
    """Where a group's masses sit in the per-mass arrays."""
    return slice(group.start, group.start + group.count)


def is_dielectric(material: Material | None) -> bool:
    return material is not None and (material.dielectric or material.kind == "dielectric")


def joining_temp(group: MassGroup) -> float | None:
    material = group.joint_material
    if material is None or material.solidus is None:
        return None
    return material.liquidus if material.liquidus is not None else material.solidus


def fully_molten_temp(group: MassGroup) -> float | None:
    values = [m.liquidus if m.liquidus is not None else m.solidus for m in group.materials]
    if not values:
        return None
    return float("inf") if any(v is None for v in values) else max(values)  # type: ignore[type-var]


def materials_text(group: MassGroup) -> str:
    """`SnBiPbInCd55`, or `Pb95Sn5 core / Sn63Pb37 joint` for a two-region mass."""
    if group.regions:
        return " / ".join(f"{r.material.name} {r.name}" for r in group.regions)
    return group.material.name if group.material else "(no material)"
