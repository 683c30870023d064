"""The resolved, typed model of an assembly: what rules read.

Every quantity is in its base unit (°C, µm, ppm/K, MPa, µΩ·cm, s, %, cph/cm²) and every object
has a source location. Arrays of pads and masses are stored as numpy arrays per declaration, not
as one Python object per pad or mass, so a design written with grids and cells can reach millions
of masses; `Assembly.masses` and `Assembly.pads` still offer one object per item for rules that
want them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from assemblint.base.diagnostics import Location
from assemblint.model.group_view import GroupView
from assemblint.model.hierarchy import Represented
from assemblint.model.placing import transform
from assemblint.model.readonly import (
    frozen,
    frozen_dict,
    frozen_dict_or_none,
    frozen_list,
    frozen_or_none,
    is_sealed,
    seal,
)
from assemblint.model.split_pins import SplitPins

if TYPE_CHECKING:
    import networkx as nx

    from assemblint.model.netlist import Netlist

Range = tuple[float, float]

MATERIAL_KINDS = ("fusible", "metal", "dielectric", "compliant", "semiconductor", "ceramic", "polymer", "composite")
ELEMENT_TYPES = (
    "chip",
    "wafer",
    "package",
    "circuit_board",
    "dielectric_sheet",
    "circuit_panel",
    "connection_component",
    "interposer",
    "substrate",
    "plate",
    "heat_sink",
    "lead_frame",
)
LAYER_ROLES = ("compliant", "underfill", "encapsulant", "mold", "dielectric", "adhesive")
LEAD_SHAPES = ("s", "beam", "flexible", "wire", "rigid")
FLEXIBLE_LEAD_SHAPES = frozenset({"s", "beam", "flexible", "wire"})
STEP_KINDS = (
    "deposit",
    "reflow",
    "bond",
    "inject",
    "cure",
    "test",
    "rework",
    "anneal",
    "dice",
    "store",
    "ship",
    "generic",
)
FACES = ("front", "back")


@dataclass(eq=False)
class Material:
    name: str
    loc: Location
    kind: str | None = None
    parent: Material | None = None
    composition: dict[str, float] | None = None
    solidus: float | None = None
    liquidus: float | None = None
    cte: float | None = None
    modulus: float | None = None
    service: Range | None = None
    max_temp: float | None = None
    resistivity: float | None = None
    dielectric: bool = False
    exemption: str | None = None
    tg: float | None = None  # glass transition temperature (°C)
    density: float | None = None  # g/cm³ (RL003: the weight of a joint's solder)
    cte_above_tg: float | None = None  # α2, the CTE above the glass transition (ppm/K)
    fatigue_ductility: float | None = None  # Engelmaier's εf for this solder (the fatigue-life rule)
    fatigue_exponent: tuple[float, float, float] | None = None  # Engelmaier's c0, c1 (per °C), c2
    solidus_assumed: bool = False  # only a liquidus was given: the solidus is taken equal to it (and a rule says so)
    library: str | None = None  # the `use` library it came from, None for the design's own
    extra: dict[str, Any] = field(default_factory=dict)  # plugin-registered properties

    @property
    def fusible(self) -> bool:
        """A material that melts in the temperatures the rules consider: it has a solidus."""
        return self.solidus is not None

    @property
    def lacks_melting_data(self) -> bool:
        """Declared fusible with no solidus, liquidus or `melts`: no rule can tell when it melts (one says so)."""
        return self.kind == "fusible" and self.solidus is None and self.liquidus is None

    def __repr__(self) -> str:
        return f"Material({self.name})"


@dataclass(eq=False, slots=True)  # slots: an explicit design has one per pad
class PadArray:
    """One `pad` or `pads` declaration on one element (instance)."""

    element: Element
    name: str
    indexed: bool  # `pads` (NAME[i]) rather than `pad` (NAME)
    x: np.ndarray  # assembly coordinates, µm
    y: np.ndarray
    diameter: float | None
    barrier: Material | None
    barrier_thickness: float | None
    face: str
    loc: Location
    start: int = 0  # global pad id of the first pad
    # a pad that is not round (STACK.md §3): its extent in x and y in the assembly's frame (turned
    # with its element) and its corner radius: 0 for `size W x H`, R for `size W x H round R`,
    # half the smaller side for `oblong W x H`; None for a round pad (`diameter`)
    width: float | None = None
    height: float | None = None
    corner: float | None = None
    # pads read from another tool's file (STACK.md §6): each pad's name as the file gives it (a bump
    # name), and each pad's own diameter where the file gives one (NaN: the array's `diameter`)
    labels: Sequence[str] | None = None
    diameters: np.ndarray | None = None
    sides: np.ndarray | None = None  # each pad's side, a square pad (a table's `size` column); NaN: none
    # the plating stack of the pads' surface (`finish nickel 5 um, gold 0.1 um`), outermost last: (material, µm)
    finish: tuple[tuple[Material, float], ...] | None = None

    def diameter_of_each(self) -> np.ndarray:
        """Each pad's diameter, µm (NaN where none is given)."""
        default = np.nan if self.diameter is None else self.diameter
        if self.diameters is None:
            return np.full(self.count, default)
        return np.where(np.isnan(self.diameters), default, self.diameters)

    @property
    def shape(self) -> str:
        """`round`, `rect` (corners of radius `corner`, 0 or more) or `oblong` (a stadium)."""
        if self.width is None:
            return "round"
        assert self.height is not None
        return "oblong" if self.corner == min(self.width, self.height) / 2 else "rect"

    @property
    def count(self) -> int:
        return len(self.x)

    @property
    def qualified_name(self) -> str:
        return f"{self.element.name}.{self.name}"

    def item_name(self, i: int) -> str:
        return f"{self.qualified_name}[{i}]" if self.indexed else self.qualified_name

    def __repr__(self) -> str:
        return f"PadArray({self.qualified_name}, {self.count})"


@dataclass(eq=False)
class Element:
    name: str  # qualified: `die`, `units[4].chip`
    type: str
    loc: Location
    body: Material | None = None
    cte_override: float | None = None
    size: tuple[float, ...] | None = None
    position: tuple[float, float] = (0.0, 0.0)
    operating: Range | None = None
    max_temp: float | None = None
    pads: dict[str, PadArray] = field(default_factory=dict)
    index: int = 0  # position in Assembly.elements
    extra: dict[str, Any] = field(default_factory=dict)
    z: float | None = None  # height of its lower surface above the reference plane, µm (STACK.md §5)
    flip: bool = False  # face down: front face at z, pads and outline mirrored in x about its position
    rotate: int = 0  # degrees counter-clockwise about its position: 0, 90, 180 or 270
    mirror: bool = False  # x → −x about its position, before the rotation
    msl: int | None = None  # J-STD-020 moisture sensitivity level, 1 to 6 (RL002)

    @property
    def thickness(self) -> float | None:
        """The third value of `size`, µm (None without one)."""
        return self.size[2] if self.size is not None and len(self.size) == 3 else None

    @property
    def has_height(self) -> bool:
        """Both `z` and a thickness: the stack rules can place it."""
        return self.z is not None and self.thickness is not None

    @property
    def top(self) -> float | None:
        return None if self.z is None or self.thickness is None else self.z + self.thickness

    def face_z(self, face: str) -> float | None:
        """The height of its `front` or `back` face: front on top unless the element is flipped."""
        if self.z is None or self.thickness is None:
            return None
        upper = (face == "front") != self.flip
        return self.z + self.thickness if upper else self.z

    def face_up(self, face: str) -> bool:
        """Whether a face of it looks up (+z): the front, unless flipped."""
        return (face == "front") != self.flip

    def outline(self) -> tuple[float, float, float, float] | None:
        """Its `size` rectangle turned with it, centred on its position: (x0, y0, x1, y1), µm."""
        if self.size is None:
            return None
        w, h = self.size[0], self.size[1]
        if self.rotate in (90, 270):
            w, h = h, w
        x, y = self.position
        return (x - w / 2, y - h / 2, x + w / 2, y + h / 2)

    def place(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Points written in its own frame, where they lie in the assembly: mirrored (`flip`,
        `mirror`: x → −x; both cancel), turned `rotate` degrees counter-clockwise, then shifted by
        its position."""
        return transform(x, y, self.flip != self.mirror, self.rotate, self.position)

    @property
    def cte(self) -> float | None:
        """The element's CTE: its own `cte`, else its body material's."""
        if self.cte_override is not None:
            return self.cte_override
        return self.body.cte if self.body else None

    def __repr__(self) -> str:
        return f"Element({self.name})"


DEFAULT_AMBIENT = 25.0  # °C: what a step that heats only part of the assembly exposes the rest to


@dataclass(eq=False)
class Region:
    """One region of a two-region mass: `region core : Pb95Sn5 on die`."""

    name: str
    material: Material
    on: Element | None
    loc: Location


@dataclass(eq=False)
class Layer:
    name: str
    material: Material | None
    loc: Location
    role: str | None = None
    between: tuple[Element, Element] | None = None
    thickness: float | None = None
    surrounds_explicit: list[Selection] | None = None
    surrounds: list[Selection] = field(default_factory=list)  # resolved (explicit or default)
    extra: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Layer({self.name})"


@dataclass(eq=False, slots=True)  # slots: an explicit design has one per mass
class MassGroup:
    """One `mass` or `masses` declaration (in one cell instance): `count` masses sharing materials."""

    name: str
    indexed: bool
    loc: Location
    material: Material | None
    regions: list[Region]
    pads_a: np.ndarray  # global pad ids on the first element
    pads_b: np.ndarray | None  # None for a deposited bump not yet joined
    diameter: np.ndarray  # µm per mass; nan where neither the mass nor its pads give one
    height: float | None
    layer: Layer | None = None  # `in LAYER`
    start: int = 0  # global mass id of the first mass
    joins_loc: Location | None = None
    extent: tuple[float, float] | None = None  # `size W x H`: the rectangle it covers, in the assembly's frame
    current: float | None = None  # A through each mass (`current 0.5 A`), before any net's share (RL005)

    @property
    def count(self) -> int:
        return len(self.pads_a)

    @property
    def materials(self) -> list[Material]:
        return [r.material for r in self.regions] if self.regions else [self.material] if self.material else []

    @property
    def melting_temp(self) -> float | None:
        """The lowest solidus of its materials (LANGUAGE.md): where the mass starts to melt."""
        values = [m.solidus for m in self.materials if m.solidus is not None]
        return min(values) if values else None

    @property
    def joint_region(self) -> Region | None:
        """The region named `joint`; without one, the last region (LANGUAGE.md writes it second)."""
        if not self.regions:
            return None
        return next((r for r in self.regions if r.name == "joint"), self.regions[-1])

    @property
    def core_region(self) -> Region | None:
        """The region named `core`; without one, the first region that is not the joint."""
        joint = self.joint_region
        others = [r for r in self.regions if r is not joint]
        if not others:
            return None
        return next((r for r in others if r.name == "core"), others[0])

    @property
    def joint_material(self) -> Material | None:
        """The material whose liquidus joins the mass: the joint region's, or its only material."""
        joint = self.joint_region
        return joint.material if joint is not None else self.material

    @property
    def core_material(self) -> Material | None:
        """A two-region mass's core material (the bump that must stay solid); None otherwise."""
        core = self.core_region
        return core.material if core is not None else None

    def item_name(self, i: int) -> str:
        return f"{self.name}[{i}]" if self.indexed else self.name

    def select(self, index: np.ndarray | Sequence[int] | None = None) -> Selection:
        return Selection(self, None if index is None else np.asarray(index, dtype=np.int64))

    def __repr__(self) -> str:
        return f"MassGroup({self.name}, {self.count})"


@dataclass(eq=False)
class LeadGroup:
    name: str
    indexed: bool
    loc: Location
    material: Material | None
    shape: str | None
    from_pads: np.ndarray  # global pad ids
    to_masses: np.ndarray  # global mass ids, -1 where the lead ends on a pad
    to_pads: np.ndarray  # global pad ids, -1 where the lead ends on a mass
    start: int = 0

    @property
    def count(self) -> int:
        return len(self.from_pads)

    @property
    def flexible(self) -> bool:
        return self.shape in FLEXIBLE_LEAD_SHAPES

    def item_name(self, i: int) -> str:
        return f"{self.name}[{i}]" if self.indexed else self.name


@dataclass(eq=False)
class NetGroup:
    """`net` (one net) or `nets` (count nets, zipped): pins[i] are the pad ids of net i.

    The nets bump maps name (STACK.md §6) are one group with `labels`, each net's name as the file
    gives it (`VDD`), and their pins as SplitPins."""

    name: str
    indexed: bool
    loc: Location
    pins: list[np.ndarray] | SplitPins
    labels: Sequence[str] | None = None
    current: float | None = None  # A carried by each net of the group (`current 2 A`), shared by its masses (RL005)

    @property
    def count(self) -> int:
        return len(self.pins)

    def item_name(self, i: int) -> str:
        if self.labels is not None:
            return self.labels[i]
        return f"{self.name}[{i}]" if self.indexed else self.name


@dataclass(eq=False)
class Selection:
    """Some members of a group (None index: all of them). What rules pass as finding objects."""

    target: Any
    index: np.ndarray | None = None

    @property
    def count(self) -> int:
        if self.index is not None:
            return len(self.index)
        return getattr(self.target, "count", 1)


@dataclass(eq=False)
class Step:
    name: str
    kind: str | None
    loc: Location
    order: int
    temp: float | None = None  # the step's temperature: its peak, or the top of its temp range
    temp_range: Range | None = None
    forms: list[Any] = field(default_factory=list)  # Selection | Layer | Element
    mixes: list[Any] = field(default_factory=list)
    requires_solid: list[Any] = field(default_factory=list)
    requires_liquid: list[Any] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    #: local heating (STACK.md §5): the elements and layers the step heats (None: everything); every
    #: mass joining a heated element and every layer between two heated elements is heated too;
    #: the rest sees `ambient` (°C)
    heats: list[Any] | None = None  # Element | Layer
    ambient: float = DEFAULT_AMBIENT

    def __repr__(self) -> str:
        return f"Step({self.name})"


@dataclass(eq=False)
class Process:
    steps: list[Step] = field(default_factory=list)
    operate: Range | None = None
    operate_loc: Location | None = None
    store: Range | None = None
    store_loc: Location | None = None
    cycle: Range | None = None
    cycle_count: int | None = None
    cycle_loc: Location | None = None
    declared: bool = False


@dataclass(eq=False)
class Waiver:
    rule: str
    patterns: list[str]
    reason: str
    by: str | None
    until: str | None  # YYYY-MM-DD
    loc: Location


@dataclass(eq=False)
class Placement:
    name: str
    cell: str
    loc: Location
    count: int
    offsets: np.ndarray  # (count, 2) µm
    indexed: bool = True  # a grid (`units[4].chip`); `place cpu : C at (…)` is one instance (`cpu.chip`)


@dataclass(frozen=True)
class Mass:
    """One mass, made on demand from its group (for rules that want one object per mass)."""

    group: MassGroup
    index: int

    @property
    def name(self) -> str:
        return self.group.item_name(self.index)

    @property
    def materials(self) -> list[Material]:
        return self.group.materials

    @property
    def diameter(self) -> float:
        return float(self.group.diameter[self.index])

    @property
    def height(self) -> float | None:
        return self.group.height

    @property
    def loc(self) -> Location:
        return self.group.loc

    @property
    def global_id(self) -> int:
        return self.group.start + self.index


@dataclass(frozen=True)
class Pad:
    array: PadArray
    index: int

    @property
    def name(self) -> str:
        return self.array.item_name(self.index)

    @property
    def element(self) -> Element:
        return self.array.element

    @property
    def position(self) -> tuple[float, float]:
        return float(self.array.x[self.index]), float(self.array.y[self.index])

    @property
    def loc(self) -> Location:
        return self.array.loc


@dataclass(eq=False)
class Assembly:
    """A checked design: everything a rule may read (see docs/architecture.md for what is stable)."""

    path: str
    title: str | None = None
    materials: dict[str, Material] = field(default_factory=dict)
    elements: list[Element] = field(default_factory=list)
    pad_arrays: list[PadArray] = field(default_factory=list)
    mass_groups: list[MassGroup] = field(default_factory=list)
    layers: list[Layer] = field(default_factory=list)
    lead_groups: list[LeadGroup] = field(default_factory=list)
    net_groups: list[NetGroup] = field(default_factory=list)
    process: Process = field(default_factory=Process)
    waivers: list[Waiver] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    connects: list[tuple[np.ndarray, np.ndarray, Location]] = field(default_factory=list)
    files: list[tuple[str, str]] = field(default_factory=list)  # (path, sha256) of every file read
    #: placed-cell representatives and the instances each stands for (hierarchy.py); empty when flat
    represented: Represented = field(default_factory=Represented)
    netlist: Netlist | None = None
    timings: Any = None  # loader.Timings: seconds spent parsing and building
    windowed: Any = None  # model/windowed.Windowed: built for one window of `--tiles`; None: whole

    @property
    def masses(self) -> GroupView:
        return GroupView(self.mass_groups, Mass)

    @property
    def pads(self) -> GroupView:
        return GroupView(self.pad_arrays, Pad)

    @property
    def leads(self) -> list[LeadGroup]:
        return self.lead_groups

    @property
    def nets(self) -> list[NetGroup]:
        return self.net_groups

    @property
    def mass_count(self) -> int:
        """Masses built (the length of every per-mass array); `total_masses` counts every instance."""
        if self.netlist is not None:  # built: its arrays have the count, no loop over the groups
            return self.netlist.mass_count
        return sum(g.count for g in self.mass_groups)

    @property
    def pad_count(self) -> int:
        """Pads built; `total_pads` counts every instance."""
        if self.netlist is not None:
            return self.netlist.pad_count
        return sum(a.count for a in self.pad_arrays)

    @property
    def total_masses(self) -> int:
        """Masses in the design, every placed instance counted (`mass_count`: those built)."""
        return sum(g.count * self.represented.weight(g.name) for g in self.mass_groups)

    @property
    def total_pads(self) -> int:
        """Pads in the design, every placed instance counted (`pad_count`: those built)."""
        return sum(a.count * self.represented.weight(a.qualified_name) for a in self.pad_arrays)

    def element(self, name: str) -> Element | None:
        return next((e for e in self.elements if e.name == name), None)

    @cached_property
    def mass_heights(self) -> np.ndarray:
        """Each mass's height in µm, by global mass id (nan where its statement gives none); read-only.
        Worked out once per design for the rules that read heights (strain, containment)."""
        groups = self.mass_groups
        values = np.array([g.height if g.height is not None else np.nan for g in groups], dtype=float)
        heights = np.repeat(values, [g.count for g in groups]) if groups else np.zeros(0)
        heights.setflags(write=False)
        return heights

    @cached_property
    def graph(self) -> nx.Graph:
        """The networkx netlist graph, built on first use (see docs/graph.md); frozen once sealed."""
        import networkx as nx

        from assemblint.model.graph import build_graph

        graph = build_graph(self)
        return nx.freeze(graph) if self.sealed else graph

    @property
    def sealed(self) -> bool:
        """Built and read-only to rules (seal)."""
        return is_sealed(self)

    def seal(self) -> None:
        """Make the built design read-only to rules (readonly.py): arrays frozen, lists and dicts made
        FrozenList and FrozenDict, every object sealed. The loader calls it once the netlist is built."""
        if self.sealed:
            return

        def seal_targets(targets: list[Any]) -> list[Any]:
            for target in targets:
                if isinstance(target, Selection) and not is_sealed(target):
                    frozen_or_none(target.index)
                    seal(target)
            return frozen_list(targets)

        for material in self.materials.values():
            if is_sealed(material):  # shared with the design a tile was cut from (model/tiles.py)
                continue
            material.composition = frozen_dict_or_none(material.composition)
            material.extra = frozen_dict(material.extra)
            seal(material)
        for element in (e for e in self.elements if not is_sealed(e)):
            element.pads = frozen_dict(element.pads)
            element.extra = frozen_dict(element.extra)
            seal(element)
        for array in self.pad_arrays:  # one per pad in an explicit design: kept to the bare calls
            array.x.setflags(write=False)
            array.y.setflags(write=False)
            seal(array)
        for layer in self.layers:
            if layer.surrounds_explicit is not None:
                layer.surrounds_explicit = seal_targets(layer.surrounds_explicit)
            layer.surrounds = seal_targets(layer.surrounds)
            layer.extra = frozen_dict(layer.extra)
            seal(layer)
        no_regions: list[Region] = frozen_list([])  # shared: most groups have none
        for group in self.mass_groups:
            for region in group.regions:
                if not is_sealed(region):
                    seal(region)
            group.regions = frozen_list(group.regions) if group.regions else no_regions
            group.pads_a.setflags(write=False)
            if group.pads_b is not None:
                group.pads_b.setflags(write=False)
            group.diameter.setflags(write=False)
            seal(group)
        for lead in self.lead_groups:
            frozen(lead.from_pads)
            frozen(lead.to_masses)
            frozen(lead.to_pads)
            seal(lead)
        for net in self.net_groups:
            if not isinstance(net.pins, SplitPins):  # SplitPins are read-only as made
                for pins in net.pins:
                    frozen(pins)
                net.pins = frozen_list(net.pins)
            seal(net)
        for step in self.process.steps:
            step.forms = seal_targets(step.forms)
            step.mixes = seal_targets(step.mixes)
            step.requires_solid = seal_targets(step.requires_solid)
            step.requires_liquid = seal_targets(step.requires_liquid)
            step.extra = frozen_dict(step.extra)
            seal(step)
        for waiver in (w for w in self.waivers if not is_sealed(w)):
            waiver.patterns = frozen_list(waiver.patterns)
            seal(waiver)
        for placement in (p for p in self.placements if not is_sealed(p)):
            frozen(placement.offsets)
            seal(placement)
        for a, b, _loc in self.connects:
            frozen(a)
            frozen(b)
        self.process.steps = frozen_list(self.process.steps)
        seal(self.process)
        if not is_sealed(self.represented):
            self.represented.seal()
        if self.netlist is not None:
            self.netlist.seal()
        self.materials = frozen_dict(self.materials)
        self.elements = frozen_list(self.elements)
        self.pad_arrays = frozen_list(self.pad_arrays)
        self.mass_groups = frozen_list(self.mass_groups)
        self.layers = frozen_list(self.layers)
        self.lead_groups = frozen_list(self.lead_groups)
        self.net_groups = frozen_list(self.net_groups)
        self.waivers = frozen_list(self.waivers)
        self.placements = frozen_list(self.placements)
        self.connects = frozen_list(self.connects)
        self.files = frozen_list(self.files)
        seal(self)
