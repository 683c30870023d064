"""What every part of the builder shares: one build's state, the types it is made of, and its helpers.

The builder is split by concept — materials.py, elements.py, references.py, layers.py, masses.py,
leads.py, nets.py, cells.py, process.py, waivers.py — each a mixin of `Builder` (builder.py). They
all read and write the same state (the errors so far, the `let`s, the materials, the top scope, the
running pad, mass and lead counts), so it lives here, below all of them, with what every part uses:
turning a `Problem` into a recorded error, reporting an unknown property (E010) and the object
limit (E009).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias, TypeVar

import numpy as np

from assemblint.base.diagnostics import Diagnostic, Location, Note, did_you_mean
from assemblint.base.limits import DEFAULT_MAX_OBJECTS, how_to_raise
from assemblint.importing.stack import ImportedConnection, ImportedElement, ImportedStack
from assemblint.language import explicit
from assemblint.language import syntax_tree as st
from assemblint.language.values import Lets, Problem
from assemblint.model.assembly import (
    ELEMENT_TYPES,
    Assembly,
    Element,
    Layer,
    LeadGroup,
    MassGroup,
    Material,
    NetGroup,
    Placement,
    Selection,
)
from assemblint.model.hierarchy import Reach
from assemblint.model.placing import transform
from assemblint.model.windowed import Windowed

T = TypeVar("T")


#: what the builder reads: the statements of the design's files, the one-line masses explicit.py
#: gathered, and the designs read from other tools' files (importing/)
BuildInput: TypeAlias = "st.Statement | st.MassRows | ImportedStack"


@dataclass
class Origin:
    """Where a statement came from: the design's own files (library None) or a `use` library."""

    library: str | None = None


@dataclass
class PadSel:
    """Resolved pads: global ids, diameters (nan: none given) and the element index of each."""

    ids: np.ndarray
    diameter: np.ndarray
    element: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)

    @staticmethod
    def concat(parts: Sequence[PadSel]) -> PadSel:
        if len(parts) == 1:
            return parts[0]
        return PadSel(
            np.concatenate([p.ids for p in parts]),
            np.concatenate([p.diameter for p in parts]),
            np.concatenate([p.element for p in parts]),
        )


@dataclass(slots=True)
class MassRow:
    """One row of an `st.MassRows`, standing in the scope's declarations like a Declaration would."""

    rows: st.MassRows
    index: int

    @property
    def row(self) -> tuple[int, int, str, str, int, int, str, str, float | None, float | None, str]:
        return self.rows.rows[self.index]

    @property
    def name(self) -> str:
        return self.row[2]

    @property
    def loc(self) -> Location:
        line, column, name = self.row[:3]
        return Location(self.rows.path, line, column, line, column + len(name))

    def declaration(self) -> st.Declaration:
        declaration = explicit.mass_declaration(self.row[10], self.row[0], self.rows.path)
        assert declaration is not None  # the row was read from this very line
        return declaration


@dataclass
class Scope:
    """The shared namespace of the top level or of one cell instance."""

    prefix: str  # "" at top level, "units[4]." in an instance
    offset: tuple[float, float] = (0.0, 0.0)
    declarations: dict[str, tuple[st.Statement | MassRow | ImportedElement | ImportedConnection, Origin]] = field(
        default_factory=dict
    )
    objects: dict[str, Built] = field(default_factory=dict)
    reaches: list[Reach] = field(default_factory=list)  # references into this scope (hierarchy.py)
    # how the instance is placed (STACK.md §2): x → −x first, then turned counter-clockwise, then
    # shifted by `offset`; every height inside it raised by `z`
    mirror: bool = False
    rotate: int = 0
    z: float = 0.0

    def qualified(self, name: str) -> str:
        return self.prefix + name

    def to_world(self, x: float, y: float) -> tuple[float, float]:
        """A point written in this scope, where it lies in the assembly."""
        out: tuple[float, float] = transform(x, y, self.mirror, self.rotate, self.offset)
        return out

    def turned(self, mirror: bool, rotate: int) -> tuple[bool, int]:
        """An object's own mirror and rotation, seen from the assembly: a mirror reverses the sense
        of the turns that follow it."""
        return mirror != self.mirror, (self.rotate + (-rotate if self.mirror else rotate)) % 360


@dataclass
class PlacedCell:
    placement: Placement
    instances: list[Scope | None]  # None: an instance a representative stands for (hierarchy.py)

    def built(self, chosen: Iterable[int]) -> list[Scope]:
        """The built instances among those chosen (a uniform reference skips the represented ones)."""
        return [s for s in (self.instances[i] for i in chosen) if s is not None]


# What a name in a scope stands for once built, and what a reference resolves to (references.py).
Built: TypeAlias = Element | Layer | MassGroup | LeadGroup | NetGroup | PlacedCell
Resolved: TypeAlias = PadSel | Selection | Element | Layer | Scope


class Unbuilt(Problem):
    """A name that is declared but whose declaration failed: its users stay quiet (no cascade)."""

    def __init__(self) -> None:
        Exception.__init__(self, "unbuilt")
        self.diagnostic = None


class BuildState:
    """One build's state, and the helpers every part of the builder uses; `Builder` is made of it."""

    def __init__(
        self,
        *,
        extra_material_properties: Mapping[str, str] | None = None,
        extra_element_properties: Mapping[str, str] | None = None,
        element_types: Iterable[str] = (),
        max_objects: int = DEFAULT_MAX_OBJECTS,
        hierarchical: bool = True,
        read_data: Callable[[str, Location], tuple[bytes, str, Any]] | None = None,
        open_data: Callable[[str, Location], tuple[Any, str]] | None = None,
        window: Any = None,
    ) -> None:
        self.hierarchical = hierarchical  # build one representative per kind of placed instance
        self.read_data = read_data  # reads the data files a design names (tables, imports.py); None: none
        self.open_data = open_data  # the same, as a path to read in blocks (a window's rows, imports.py)
        # `--tiles`: keep only the bump-map rows placed in `window` (model/windowed.py); None: every row
        self.windowed = Windowed(window) if window is not None else None
        self.stack_title: str | None = None  # an imported 3DBlox design's name (namespaces.py)
        self.refines: dict[str, list[st.Refine]] = {}  # `refine TARGET {…}` by target, taken as targets are built
        # the nets bump maps name, per map: (its first pad id, each pad's code, the names, where)
        self.imported_nets: list[tuple[int, np.ndarray, Sequence[str], Location]] = []
        self.imported_taken: set[str] = set()  # imported nets a design's own `net` of that name took up
        self.errors: list[Diagnostic] = []
        self.lets = Lets()
        self.extra_material = dict(extra_material_properties or {})
        self.extra_element = dict(extra_element_properties or {})
        self.element_types = tuple(dict.fromkeys((*ELEMENT_TYPES, *element_types)))
        self.max_objects = max_objects
        self.material_decls: dict[str, tuple[st.Declaration, Origin]] = {}
        self.materials: dict[str, Material] = {}
        self.cells: dict[str, st.CellDecl] = {}
        self.footprints: dict[str, tuple[st.Declaration, Origin]] = {}  # `footprint NAME { pads … }`
        self.placing: list[str] = []  # the cells being placed, outermost first: a cell placing itself is E006
        self._pad_starts = np.zeros(0, dtype=np.int64)  # each pad array's first global id (masses.py)
        self.placed_cells: set[str] = set()  # the cells some `place` names: the others are checked alone
        self.top = Scope("")
        self.assembly: Assembly | None = None
        self.pad_total = 0
        self.mass_total = 0
        self.lead_total = 0
        self.limit_hit = False

    def _error(self, code: str, message: str, loc: Location, notes: list[Note] | None = None) -> None:
        self.errors.append(Diagnostic(code, message, loc, notes or []))

    def _guard(self, fn: Callable[..., T], *args: Any) -> T | None:
        """Run one reading step; a Problem becomes a recorded error and None."""
        try:
            return fn(*args)
        except Problem as problem:
            self._record(problem)
            return None

    def _record(self, problem: Problem) -> None:
        if problem.diagnostic is not None:  # None: a name whose own declaration already failed
            self.errors.append(problem.diagnostic)

    def _unknown_property(self, prop: st.Property, known: Iterable[str], what: str) -> None:
        known = list(known)
        self._error(
            "E010",
            f"unknown {what} property `{prop.name}`{did_you_mean(prop.name, known)}; known: {', '.join(known)}",
            prop.loc,
        )

    def _count_objects(self, loc: Location, pads: int = 0, masses: int = 0) -> None:
        """E009 before allocating: the limit on pads and masses counted out of grids and cells."""
        total = self.pad_total + self.mass_total + pads + masses + (self.windowed.dropped if self.windowed else 0)
        if total > self.max_objects:
            self.limit_hit = True
            raise Problem(
                "E009",
                f"the design has more than {self.max_objects:,} pads and masses once grids and "
                f"cells are counted out (at least {total:,} here); "
                + how_to_raise("--max-objects", "max-objects", "N"),
                loc,
            )
