"""From syntax trees to the resolved model: names, references, properties, cells — and E002–E010.

The builder reports every semantic error of a design in one run: each declaration and each
property is read on its own, a failure is recorded and the builder moves on to the next one.
Pads and masses are made as numpy arrays per declaration; a `place` grid instantiates its cell
once per instance, each instance a scope of its own (`units[4].chip`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assemblint.language import explicit
from assemblint.language import syntax_tree as st
from assemblint.base.diagnostics import Diagnostic, LanguageError, Location, Note, did_you_mean, suggestion_budget
from assemblint.model.hierarchy import Reach, plan_instances, reaches_of
from assemblint.base.limits import DEFAULT_MAX_OBJECTS, how_to_raise
from assemblint.model.assembly import (
    ELEMENT_TYPES,
    FACES,
    LAYER_ROLES,
    LEAD_SHAPES,
    MATERIAL_KINDS,
    STEP_KINDS,
    Assembly,
    Element,
    Layer,
    LeadGroup,
    MassGroup,
    Material,
    NetGroup,
    PadArray,
    Placement,
    Region,
    Selection,
    Step,
    Waiver,
)
from assemblint.base.units import (
    EXPANSION,
    FRACTION,
    LENGTH,
    MODULUS,
    NUMBER,
    RESISTIVITY,
    TEMPERATURE,
)
from assemblint.language.values import MAX_COORDINATE, Args, Lets, Problem, describe, too_far

MATERIAL_PROPERTIES = (
    "kind",
    "composition",
    "solidus",
    "liquidus",
    "melts",
    "cte",
    "modulus",
    "service",
    "max_temp",
    "resistivity",
    "dielectric",
    "exemption",
    "tg",
    "cte_above_tg",
    "fatigue_ductility",
    "fatigue_exponent",
)
ELEMENT_PROPERTIES = ("body", "cte", "size", "position", "operating", "max_temp", "pad", "pads", "connect")
LAYER_PROPERTIES = ("role", "between", "thickness", "surrounds")
MASS_PROPERTIES = ("joins", "diameter", "height", "in", "region")
LEAD_PROPERTIES = ("from", "shape")
STEP_PROPERTIES = ("kind", "peak", "temp", "forms", "mixes", "requires")
PROCESS_PROPERTIES = ("operate", "store", "cycle")

_SCALAR_MATERIAL = {
    "solidus": TEMPERATURE,
    "liquidus": TEMPERATURE,
    "cte": EXPANSION,
    "modulus": MODULUS,
    "max_temp": TEMPERATURE,
    "resistivity": RESISTIVITY,
    "tg": TEMPERATURE,
    "cte_above_tg": EXPANSION,
}


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
    def concat(parts: list[PadSel]) -> PadSel:
        if len(parts) == 1:
            return parts[0]
        return PadSel(
            np.concatenate([p.ids for p in parts]),
            np.concatenate([p.diameter for p in parts]),
            np.concatenate([p.element for p in parts]),
        )


@dataclass
class Scope:
    """The shared namespace of the top level or of one cell instance."""

    prefix: str  # "" at top level, "units[4]." in an instance
    offset: tuple[float, float] = (0.0, 0.0)
    declarations: dict[str, tuple[st.Statement, Origin]] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    reaches: list[Reach] = field(default_factory=list)  # references into this scope (hierarchy.py)

    def qualified(self, name: str) -> str:
        return self.prefix + name


@dataclass
class PlacedCell:
    placement: Placement
    instances: list[Scope | None]  # None: an instance a representative stands for (hierarchy.py)

    def built(self, chosen: Iterable[int]) -> list[Scope]:
        """The built instances among those chosen (a uniform reference skips the represented ones)."""
        return [s for s in (self.instances[i] for i in chosen) if s is not None]


class Builder:
    def __init__(
        self,
        *,
        extra_material_properties: dict[str, str] | None = None,
        extra_element_properties: dict[str, str] | None = None,
        element_types: Iterable[str] = (),
        max_objects: int = DEFAULT_MAX_OBJECTS,
        hierarchical: bool = True,
    ):
        self.hierarchical = hierarchical  # build one representative per kind of placed instance
        self.errors: list[Diagnostic] = []
        self.lets = Lets()
        self.extra_material = dict(extra_material_properties or {})
        self.extra_element = dict(extra_element_properties or {})
        self.element_types = tuple(dict.fromkeys((*ELEMENT_TYPES, *element_types)))
        self.max_objects = max_objects
        self.material_decls: dict[str, tuple[st.Declaration, Origin]] = {}
        self.materials: dict[str, Material] = {}
        self.cells: dict[str, st.CellDecl] = {}
        self.top = Scope("")
        self.assembly: Assembly | None = None
        self.pad_total = 0
        self.mass_total = 0
        self.lead_total = 0
        self.limit_hit = False

    # ------------------------------------------------------------------ entry point
    def build(self, path: str, statements: list[tuple[st.Statement, Origin]]) -> Assembly:
        with suggestion_budget():  # thousands of unknown names among thousands: seconds, not minutes
            return self._build(path, statements)

    def _build(self, path: str, statements: list[tuple[st.Statement, Origin]]) -> Assembly:
        self.assembly = asm = Assembly(path=path)
        steps: list[st.Step] = []
        process_decls: list[st.ProcessDecl] = []
        waives: list[st.Waive] = []
        self._collect(statements, steps, process_decls, waives)
        self._build_materials()
        asm.materials = self.materials
        for name, let in self.lets.exprs.items():  # every `let`, used or not, is checked
            self._guard(self.lets.get, name, let.loc)
        placements = {n for n, (s, _) in self.top.declarations.items() if isinstance(s, st.Place)}
        self.top.reaches = reaches_of(process_decls, placements)  # steps' references treat every instance alike
        self._build_scope(self.top, [s for s, _ in self.top.declarations.values()])
        if not self.limit_hit:
            self._build_process(process_decls)
            for waive in waives:
                self._guard(self._build_waiver, waive)
        if self.errors:
            raise LanguageError(self.errors)
        return asm

    def _error(self, code: str, message: str, loc: Location, notes: list[Note] | None = None) -> None:
        self.errors.append(Diagnostic(code, message, loc, notes or []))

    def _guard(self, fn: Callable, *args: Any) -> Any:
        """Run one reading step; a Problem becomes a recorded error and None."""
        try:
            return fn(*args)
        except Problem as problem:
            self._record(problem)
            return None

    def _record(self, problem: Problem) -> None:
        if problem.diagnostic is not None:  # None: a name whose own declaration already failed
            self.errors.append(problem.diagnostic)

    # ------------------------------------------------------------------ pass 1: names
    def _collect(
        self, statements: list[tuple[st.Statement, Origin]], steps: list, process_decls: list, waives: list
    ) -> None:
        for stmt, origin in statements:
            if isinstance(stmt, st.AssemblyTitle):
                if origin.library is None:
                    if self.assembly and self.assembly.title is not None:
                        self._error("E004", "the assembly title is given twice", stmt.loc)
                    elif self.assembly:
                        self.assembly.title = stmt.title
            elif isinstance(stmt, st.Declaration) and stmt.keyword == "material":
                self._declare(self.material_decls, stmt.name, stmt, origin, "material")
            elif isinstance(stmt, st.CellDecl):
                self._declare_shared(self.top, stmt.name, stmt, origin)
                self.cells.setdefault(stmt.name, stmt)
            elif isinstance(stmt, st.Let):
                self._declare_shared(self.top, stmt.name, stmt, origin)
                if stmt.name not in self.lets.exprs or origin.library is None:
                    self.lets.exprs[stmt.name] = stmt
            elif isinstance(stmt, st.ProcessDecl):
                if origin.library is None:
                    if process_decls:
                        self._error(
                            "E004",
                            "the process is declared twice",
                            stmt.loc,
                            [Note(process_decls[0].loc, "first declared here")],
                        )
                    else:
                        process_decls.append(stmt)
            elif isinstance(stmt, st.Waive):
                if origin.library is None:
                    waives.append(stmt)
            elif isinstance(stmt, st.Declaration | st.NetDecl | st.Place):
                self._declare_shared(self.top, stmt.name, stmt, origin)
            elif isinstance(stmt, st.MassRows):
                for i, row in enumerate(stmt.rows):
                    handle = _MassRow(stmt, i)
                    if row[2] in self.top.declarations:  # declared twice, or shadowing a library: the ordinary way
                        self._declare_shared(self.top, row[2], handle.declaration(), origin)
                    else:
                        self.top.declarations[row[2]] = (handle, origin)

    def _declare(self, table: dict, name: str, stmt: st.Statement, origin: Origin, what: str) -> None:
        previous = table.get(name)
        if previous is not None:
            prev_stmt, prev_origin = previous
            if prev_origin.library is None and origin.library is None:
                self._error(
                    "E004",
                    f"{what} `{name}` is declared twice",
                    stmt.loc,
                    [Note(prev_stmt.loc, f"`{name}` is first declared here")],
                )
                return
            if origin.library is not None and prev_origin.library is None:
                return  # the design's own declaration shadows the library's, silently
        table[name] = (stmt, origin)

    def _declare_shared(self, scope: Scope, name: str, stmt: st.Statement, origin: Origin) -> None:
        self._declare(scope.declarations, name, stmt, origin, "the name")

    # ------------------------------------------------------------------ materials
    def _build_materials(self) -> None:
        building: set[str] = set()

        def build(name: str) -> Material | None:
            if name in self.materials:
                return self.materials[name]
            decl, origin = self.material_decls[name]
            if name in building:
                self._error("E008", f"material `{name}` inherits from itself", decl.loc)
                return None
            building.add(name)
            parent = None
            if decl.base is not None:
                if decl.base not in self.material_decls:
                    assert decl.base_loc is not None
                    self._error(
                        "E002",
                        f"unknown material `{decl.base}`" + did_you_mean(decl.base, self.material_decls),
                        decl.base_loc,
                    )
                else:
                    parent = build(decl.base)
            material = self._material(decl, origin, parent)
            building.discard(name)
            self.materials[name] = material
            return material

        for name in list(self.material_decls):
            build(name)

    def _material(self, decl: st.Declaration, origin: Origin, parent: Material | None) -> Material:
        m = Material(decl.name, decl.loc, library=origin.library)
        if parent is not None:
            for attr in (
                "kind",
                "composition",
                "solidus",
                "liquidus",
                "cte",
                "modulus",
                "service",
                "max_temp",
                "resistivity",
                "dielectric",
                "exemption",
                "tg",
                "cte_above_tg",
                "fatigue_ductility",
                "fatigue_exponent",
                "solidus_assumed",
            ):
                setattr(m, attr, getattr(parent, attr))
            m.extra = dict(parent.extra)
            m.parent = parent
        given: dict[str, st.Property] = {}
        known = (*MATERIAL_PROPERTIES, *self.extra_material)
        for prop in decl.properties:
            if prop.name not in known:
                self._unknown_property(prop, known, "material")
                continue
            given[prop.name] = prop
            self._guard(self._material_property, m, prop)
        if "melts" in given and ("solidus" in given or "liquidus" in given):
            self._error("E008", "`melts` sets both solidus and liquidus; do not give them as well", given["melts"].loc)
        if "solidus" in given or "melts" in given:
            m.solidus_assumed = False
        if m.kind == "fusible" or "solidus" in given or "liquidus" in given:
            if m.solidus is None and m.liquidus is not None and "liquidus" in given:
                m.solidus = m.liquidus  # optimistic for every remelt check: MH012 says so
                m.solidus_assumed = True
            elif m.liquidus is None and m.solidus is not None and "solidus" in given:
                m.liquidus = m.solidus
            elif m.solidus_assumed and "liquidus" in given:
                m.solidus = m.liquidus  # a child that changes only the liquidus of a liquidus-only parent
        if m.solidus is not None and m.liquidus is not None and m.solidus > m.liquidus:
            where = given.get("solidus") or given.get("liquidus")
            self._error(
                "E008",
                f"solidus {m.solidus:g} °C is above liquidus {m.liquidus:g} °C",
                where.loc if where else decl.loc,
            )
        if m.kind == "dielectric":
            m.dielectric = True
        return m

    def _material_property(self, m: Material, prop: st.Property) -> None:
        args = Args(prop, self.lets)
        name = prop.name
        if name == "kind":
            m.kind = args.word("a kind such as `fusible`", MATERIAL_KINDS, what="material kind")
        elif name in _SCALAR_MATERIAL:
            setattr(m, name, args.quantity(_SCALAR_MATERIAL[name]))
        elif name == "melts":
            m.solidus = m.liquidus = args.quantity(TEMPERATURE)
        elif name == "service":
            m.service = args.range(TEMPERATURE)
        elif name == "dielectric":
            args.none()
            m.dielectric = True
        elif name == "exemption":
            m.exemption = args.string()
        elif name == "composition":
            m.composition = self._composition(args)
        elif name == "fatigue_ductility":
            item = args.peek()
            value = args.quantity(NUMBER)
            if not value > 0:
                assert item is not None
                raise Problem("E008", f"`fatigue_ductility` must be above 0, got {describe(item)}", item.loc)
            m.fatigue_ductility = value
        elif name == "fatigue_exponent":
            first = args.peek()
            terms = args.list_of(lambda: args.quantity(NUMBER))
            if len(terms) != 3:
                assert first is not None
                raise Problem(
                    "E001",
                    f"`fatigue_exponent` takes three numbers c0, c1, c2 (c = c0 + c1·T̄ + c2·ln(1 + f), "
                    f"such as `-0.442, -0.0006, 0.0174`), got {len(terms)}",
                    first.loc,
                )
            m.fatigue_exponent = (terms[0], terms[1], terms[2])
        else:
            m.extra[name] = args.quantity(self.extra_material[name])
        args.end()

    def _composition(self, args: Args) -> dict[str, float]:
        parts: dict[str, float] = {}
        first = args.peek()

        def one() -> None:
            symbol = args.word("a chemical element such as `Sn`")
            parts[symbol] = parts.get(symbol, 0.0) + args.quantity(FRACTION)

        args.list_of(one)
        total = sum(parts.values())
        if abs(total - 100.0) > 0.5:
            assert first is not None
            last = args.items[-1]
            raise Problem(
                "E007",
                f"the composition sums to {total:g} %, not 100 ± 0.5 %",
                Location(first.loc.path, first.loc.line, first.loc.column, last.loc.end_line, last.loc.end_column),
            )
        return parts

    def _unknown_property(self, prop: st.Property, known: Iterable[str], what: str) -> None:
        known = list(known)
        self._error(
            "E010",
            f"unknown {what} property `{prop.name}`{did_you_mean(prop.name, known)}; known: {', '.join(known)}",
            prop.loc,
        )

    def _material_ref(self, name: str, loc: Location) -> Material:
        material = self.materials.get(name)
        if material is None:
            raise Problem("E002", f"unknown material `{name}`" + did_you_mean(name, self.material_decls), loc)
        return material

    # ------------------------------------------------------------------ scopes
    def _build_scope(self, scope: Scope, statements: list[st.Statement]) -> None:
        """Build one scope's objects in dependency order: elements, cells, layers, masses, leads, nets."""
        placements = {s.name for s in statements if isinstance(s, st.Place)}
        scope.reaches = [*reaches_of(statements, placements), *scope.reaches]
        by_kind: dict[str, list] = {}
        for stmt in statements:
            key = stmt.keyword if isinstance(stmt, st.Declaration) else type(stmt).__name__
            by_kind.setdefault({"masses": "mass", "leads": "lead", "_MassRow": "mass"}.get(key, key), []).append(stmt)
        for decl in by_kind.get("element", []):
            self._guard(self._element, scope, decl)
        for place in by_kind.get("Place", []):
            if self.limit_hit:
                return
            self._guard(self._place, scope, place)
        for decl in by_kind.get("layer", []):
            self._guard(self._layer, scope, decl)
        for decl in by_kind.get("mass", []):
            if self.limit_hit:
                return
            if isinstance(decl, _MassRow):
                self._mass_row(scope, decl)
            else:
                self._guard(self._mass, scope, decl)
        for decl in by_kind.get("lead", []):
            self._guard(self._lead, scope, decl)
        for decl in by_kind.get("layer", []):
            layer = scope.objects.get(decl.name)
            if isinstance(layer, Layer):
                self._guard(self._layer_surrounds, scope, decl, layer)
        for decl in by_kind.get("NetDecl", []):
            self._guard(self._net, scope, decl)

    def _count_objects(self, loc: Location, pads: int = 0, masses: int = 0) -> None:
        """E009 before allocating: the limit on pads and masses counted out of grids and cells."""
        total = self.pad_total + self.mass_total + pads + masses
        if total > self.max_objects:
            self.limit_hit = True
            raise Problem(
                "E009",
                f"the design has more than {self.max_objects:,} pads and masses once grids and "
                f"cells are counted out (at least {total:,} here); "
                + how_to_raise("--max-objects", "max-objects", "N"),
                loc,
            )

    # ------------------------------------------------------------------ elements and pads
    def _element(self, scope: Scope, decl: st.Declaration) -> None:
        assert self.assembly is not None
        type_name = decl.base or ""
        if type_name not in self.element_types:
            assert decl.base_loc is not None
            self._error(
                "E010",
                f"unknown element type `{type_name}`{did_you_mean(type_name, self.element_types)}; "
                f"known: {', '.join(self.element_types)}",
                decl.base_loc,
            )
        element = Element(scope.qualified(decl.name), type_name, decl.loc, index=len(self.assembly.elements))
        element.position = scope.offset
        props = decl.properties
        # position first: pads are placed relative to it
        for prop in props:
            if prop.name == "position":
                xy = self._guard(lambda p: _read(p, self.lets, lambda a: a.point()), prop)
                if xy:
                    element.position = (scope.offset[0] + xy[0], scope.offset[1] + xy[1])
        known = (*ELEMENT_PROPERTIES, *self.extra_element)
        scope.objects[decl.name] = element
        self.assembly.elements.append(element)
        for prop in props:
            if isinstance(prop, st.PadRows):
                self._pad_rows(element, prop)
            elif prop.name not in known:
                self._unknown_property(prop, known, "element")
            elif prop.name != "position":
                self._guard(self._element_property, element, prop)

    def _pad_rows(self, e: Element, rows: st.PadRows) -> None:
        """One-line `pad` properties read by explicit.py: made directly, without a syntax node per value.

        A row that is anything but plain (a name declared twice, a `let` name, out of range, past the
        object limit) goes the ordinary way, which reports it exactly as for any other `pad`."""
        assert self.assembly is not None
        px, py = e.position
        raw_x = np.fromiter((row[3] for row in rows.rows), float, len(rows.rows))
        raw_y = np.fromiter((row[4] for row in rows.rows), float, len(rows.rows))
        xs, ys = raw_x + px, raw_y + py  # every pad's own array is a view into these
        in_range = np.maximum.reduce([np.abs(raw_x), np.abs(raw_y), np.abs(xs), np.abs(ys)]) <= MAX_COORDINATE
        for k, (line, column, name, _x, _y, diameter, text) in enumerate(rows.rows):
            if (
                name in e.pads
                or name in self.lets.exprs
                or not in_range[k]
                or (diameter is not None and not 0 < diameter <= MAX_COORDINATE)  # also inf and NaN
                or self.pad_total + self.mass_total >= self.max_objects
            ):
                self._guard(self._element_property, e, explicit.pad_property(text, line, rows.path))
                continue
            loc = Location(rows.path, line, column, line, column + 3)
            array = PadArray(
                e, name, False, xs[k : k + 1], ys[k : k + 1], diameter, None, None, "front", loc, start=self.pad_total
            )
            self._add_pads(e, array)

    def _element_property(self, e: Element, prop: st.Property) -> None:
        args = Args(prop, self.lets)
        name = prop.name
        if name == "body":
            word = args.peek()
            body = args.word("a material")
            e.body = self._material_ref(body, word.loc)  # type: ignore[union-attr]
        elif name == "cte":
            e.cte_override = args.quantity(EXPANSION)
        elif name == "size":
            dims = [args.quantity(LENGTH)]
            while args.accept_keyword("x"):
                dims.append(args.quantity(LENGTH))
            if len(dims) not in (2, 3):
                raise Problem("E001", "`size`: expected `X x Y` or `X x Y x Z`", prop.loc)
            for value, item in zip(dims, prop.args[::2], strict=False):
                if value <= 0:
                    raise Problem("E008", f"a size must be positive, got {describe(item)}", item.loc)
            e.size = tuple(dims)
        elif name == "operating":
            e.operating = args.range(TEMPERATURE)
        elif name == "max_temp":
            e.max_temp = args.quantity(TEMPERATURE)
        elif name in ("pad", "pads"):
            self._pads(e, prop, args)
            return
        elif name == "connect":
            self._connect(e, prop, args)
            return
        else:
            e.extra[name] = args.quantity(self.extra_element[name])
        args.end()

    def _pads(self, e: Element, prop: st.Property, args: Args) -> None:
        assert self.assembly is not None
        name_item = args.peek()
        name = args.word("a pad name")
        if name in e.pads:
            raise self._dup_pad(e, name, name_item)
        if args.accept_keyword("grid"):
            rows = args.count("the number of rows")
            args.keyword("x")
            cols = args.count("the number of columns")
            args.keyword("pitch")
            px = args.quantity(LENGTH)
            py = args.quantity(LENGTH) if args.accept_keyword("x") else px
            self._count_objects(prop.loc, pads=rows * cols)
            origin = None
            options = self._pad_options(args, allow_origin=True)
            origin = options.pop("origin", None)
            if origin is None:
                origin = (-(cols - 1) * px / 2, -(rows - 1) * py / 2)
            index = np.arange(rows * cols)
            with np.errstate(over="ignore", invalid="ignore"):  # a huge pitch: caught below
                x = origin[0] + (index % cols) * px
                y = origin[1] + (index // cols) * py
            indexed = True
        elif args.accept_keyword("at"):
            points = args.list_of(args.point)
            if prop.name == "pad" and len(points) != 1:
                raise Problem("E005", f"`pad {name}` is one pad; use `pads` for {len(points)} positions", prop.loc)
            self._count_objects(prop.loc, pads=len(points))
            x = np.array([p[0] for p in points], dtype=float)
            y = np.array([p[1] for p in points], dtype=float)
            options = self._pad_options(args, allow_origin=False)
            indexed = prop.name == "pads"
        else:
            raise args.fail("`grid` or `at`")
        if prop.name == "pad" and len(x) != 1:
            raise Problem("E005", f"`pad {name}` is one pad; use `pads` for a grid", prop.loc)
        with np.errstate(over="ignore", invalid="ignore"):
            x, y = x + e.position[0], y + e.position[1]
            far = max(np.abs(x).max(), np.abs(y).max())
        if not far <= MAX_COORDINATE:  # also NaN
            raise too_far(f"pads `{name}` would reach", far, prop.loc)
        array = PadArray(
            e,
            name,
            indexed,
            x,
            y,
            options.get("diameter"),
            options.get("barrier"),
            options.get("barrier_thickness"),
            options.get("face", "front"),
            prop.loc,
            start=self.pad_total,
        )
        self._add_pads(e, array)

    def _add_pads(self, e: Element, array: PadArray) -> None:
        """A built pad declaration joins its element and the design, after the pads before it."""
        assert self.assembly is not None
        self.pad_total += array.count
        e.pads[array.name] = array
        self.assembly.pad_arrays.append(array)

    def _dup_pad(self, e: Element, name: str, item: st.Value | None) -> Problem:
        first = e.pads[name].loc
        problem = Problem("E004", f"pad `{name}` is declared twice on `{e.name}`", item.loc if item else first)
        problem.diagnostic.notes.append(Note(first, "first declared here"))
        return problem

    def _pad_options(self, args: Args, allow_origin: bool) -> dict[str, Any]:
        options: dict[str, Any] = {}
        while not args.at_end():
            item = args.peek()
            if allow_origin and args.accept_keyword("origin"):
                options["origin"] = args.point()
            elif args.accept_keyword("diameter"):
                value = args.quantity(LENGTH)
                if value <= 0:
                    raise Problem(
                        "E008",
                        f"a diameter must be positive, got {describe(args.items[args.pos - 1])}",
                        args.items[args.pos - 1].loc,
                    )
                options["diameter"] = value
            elif args.accept_keyword("barrier"):
                word = args.peek()
                options["barrier"] = self._material_ref(args.word("a barrier material"), word.loc)  # type: ignore[union-attr]
                nxt = args.peek()
                if isinstance(nxt, st.Quantity | st.Number) or (
                    isinstance(nxt, st.Ref) and nxt.head in self.lets.exprs
                ):
                    options["barrier_thickness"] = args.quantity(LENGTH)
            elif args.accept_keyword("face"):
                options["face"] = args.word("`front` or `back`", FACES, what="face")
            else:
                wanted = (
                    "`origin`, `diameter`, `barrier` or `face`" if allow_origin else "`diameter`, `barrier` or `face`"
                )
                raise Problem(
                    "E010",
                    f"unknown pad option `{describe(item)}`; known: {wanted}",  # type: ignore[arg-type]
                    item.loc,
                )  # type: ignore[union-attr]
        return options

    def _connect(self, e: Element, prop: st.Property, args: Args) -> None:
        assert self.assembly is not None
        left_ref = args.ref("pads such as `c[*]`")
        args.punct("--")
        right_ref = args.ref("pads such as `t[*]`")
        args.end()
        left = self._element_pads(e, left_ref)
        right = self._element_pads(e, right_ref)
        if len(left) != len(right):
            raise Problem(
                "E005",
                f"`connect` zips {len(left)} pads of `{left_ref}` with {len(right)} of "
                f"`{right_ref}`: the two sides must have the same length",
                prop.span,
            )
        self.assembly.connects.append((left.ids, right.ids, prop.loc))

    def _element_pads(self, e: Element, ref: st.Ref) -> PadSel:
        array = e.pads.get(ref.head)
        if array is None:
            raise Problem(
                "E002", f"element `{e.name}` has no pad `{ref.head}`" + did_you_mean(ref.head, e.pads), ref.loc
            )
        return self._pad_selection(array, ref.parts[1:], ref)

    def _pad_selection(self, array: PadArray, rest: list, ref: st.Ref) -> PadSel:
        if len(rest) > 1 or (rest and not isinstance(rest[0], st.Index)):
            raise Problem("E002", f"`{ref}`: a pad has no parts", ref.loc)
        local = None
        if rest:
            if not array.indexed:
                raise Problem(
                    "E002",
                    f"`{array.qualified_name}` is a single pad, not an array: write it without `{rest[0]}`",
                    ref.loc,
                )
            local = _select(rest[0], array.count, array.qualified_name, ref.loc)
        if local is None:
            local = np.arange(array.count)
        diam = np.full(len(local), np.nan if array.diameter is None else array.diameter)
        return PadSel(local + array.start, diam, np.full(len(local), array.element.index))

    # ------------------------------------------------------------------ references
    def _lookup(self, scope: Scope, name: str, loc: Location) -> Any:
        if name in scope.objects:
            return scope.objects[name]
        if name in scope.declarations:
            raise _Unbuilt()
        known = (n for n, (s, _) in scope.declarations.items() if not isinstance(s, st.Let | st.CellDecl))
        where = f" in cell instance `{scope.prefix[:-1]}`" if scope.prefix else ""
        raise Problem("E002", f"unknown name `{name}`{where}" + did_you_mean(name, known), loc)

    def resolve(self, scope: Scope, ref: st.Ref) -> list[Any]:
        """Resolve a reference to a list of objects: PadSel, Selection (masses/leads/nets), Element,
        Layer, or Scope (a cell instance)."""
        target = self._lookup(scope, ref.head, ref.loc)
        return self._walk(target, ref.parts[1:], ref)

    def _walk(self, target: Any, rest: list, ref: st.Ref) -> list[Any]:
        if isinstance(target, PlacedCell):
            if not rest or not isinstance(rest[0], st.Index):
                if not rest:
                    return target.built(range(target.placement.count))
                raise Problem(
                    "E002",
                    f"`{target.placement.name}` is a grid of cells: select instances, as in "
                    f"`{target.placement.name}[*].{rest[0]}`",
                    ref.loc,
                )
            chosen = _select(rest[0], target.placement.count, target.placement.name, ref.loc)
            rest = rest[1:]
            if not rest:
                return target.built(chosen.tolist())
            name = rest[0]
            out: list[Any] = []
            for instance in target.built(chosen.tolist()):
                inner = self._lookup(instance, name, ref.loc)
                out.extend(self._walk(inner, rest[1:], ref))
            return out
        if isinstance(target, Element):
            if not rest:
                return [target]
            name = rest[0]
            if isinstance(name, st.Index):
                raise Problem("E002", f"`{target.name}` is an element, not an array", ref.loc)
            array = target.pads.get(name)
            if array is None:
                raise Problem(
                    "E002", f"element `{target.name}` has no pad `{name}`" + did_you_mean(name, target.pads), ref.loc
                )
            return [self._pad_selection(array, rest[1:], ref)]
        if isinstance(target, MassGroup | LeadGroup | NetGroup):
            if not rest:
                return [Selection(target)]
            if len(rest) > 1 or not isinstance(rest[0], st.Index):
                raise Problem("E002", f"`{ref}`: `{target.name}` has no parts", ref.loc)
            if not target.indexed:
                raise Problem(
                    "E002", f"`{target.name}` is a single object, not an array: write it without `{rest[0]}`", ref.loc
                )
            return [Selection(target, _select(rest[0], target.count, target.name, ref.loc))]
        if isinstance(target, Layer):
            if rest:
                raise Problem("E002", f"`{ref}`: layer `{target.name}` has no parts", ref.loc)
            return [target]
        raise Problem("E002", f"`{ref}` does not name a pad, mass, layer or element", ref.loc)

    def _pads_of(self, scope: Scope, ref: st.Ref) -> PadSel:
        found = self.resolve(scope, ref)
        if not all(isinstance(x, PadSel) for x in found) or not found:
            raise Problem("E002", f"`{ref}` does not name pads (write it as `element.pad[…]`)", ref.loc)
        return PadSel.concat(found)

    def _masses_of(self, scope: Scope, ref: st.Ref) -> list[Selection]:
        found = self.resolve(scope, ref)
        out: list[Selection] = []
        for item in found:
            if isinstance(item, Scope):
                out.extend(Selection(o) for o in item.objects.values() if isinstance(o, MassGroup))
            elif isinstance(item, Selection) and isinstance(item.target, MassGroup):
                out.append(item)
            else:
                raise Problem("E002", f"`{ref}` does not name masses", ref.loc)
        return out

    def _element_of(self, scope: Scope, ref: st.Ref) -> Element:
        found = self.resolve(scope, ref)
        if len(found) != 1 or not isinstance(found[0], Element):
            raise Problem("E002", f"`{ref}` does not name one element", ref.loc)
        return found[0]

    # ------------------------------------------------------------------ layers
    def _layer(self, scope: Scope, decl: st.Declaration) -> None:
        assert self.assembly is not None and decl.base is not None and decl.base_loc is not None
        material = self._guard(self._material_ref, decl.base, decl.base_loc)
        layer = Layer(scope.qualified(decl.name), material, decl.loc)
        scope.objects[decl.name] = layer
        self.assembly.layers.append(layer)
        for prop in decl.properties:
            if prop.name not in LAYER_PROPERTIES:
                self._unknown_property(prop, LAYER_PROPERTIES, "layer")
            elif prop.name != "surrounds":
                self._guard(self._layer_property, scope, layer, prop)

    def _layer_property(self, scope: Scope, layer: Layer, prop: st.Property) -> None:
        args = Args(prop, self.lets)
        if prop.name == "role":
            layer.role = args.word("a role such as `compliant`", LAYER_ROLES, what="layer role")
        elif prop.name == "between":
            first = self._element_of(scope, args.ref("an element"))
            args.punct(",")
            second = self._element_of(scope, args.ref("an element"))
            layer.between = (first, second)
        elif prop.name == "thickness":
            item = args.peek()
            layer.thickness = args.quantity(LENGTH)
            if layer.thickness <= 0:
                raise Problem("E008", f"a thickness must be positive, got {describe(item)}", item.loc)  # type: ignore[union-attr]
        args.end()

    def _layer_surrounds(self, scope: Scope, decl: st.Declaration, layer: Layer) -> None:
        for prop in decl.properties:
            if prop.name == "surrounds":
                args = Args(prop, self.lets)
                refs = args.list_of(lambda a=args: a.ref("masses"))
                args.end()
                layer.surrounds_explicit = [sel for ref in refs for sel in self._masses_of(scope, ref)]

    # ------------------------------------------------------------------ masses
    def _mass(self, scope: Scope, decl: st.Declaration) -> None:
        assert self.assembly is not None
        material = None
        if decl.base is not None:
            assert decl.base_loc is not None
            material = self._material_ref(decl.base, decl.base_loc)
        joins: tuple[PadSel, PadSel | None] | None = None
        joins_loc = None
        diameter = height = None
        layer = None
        regions: list[tuple[str, str, Location, st.Ref, Location]] = []
        failed = False
        for prop in decl.properties:
            if prop.name not in MASS_PROPERTIES:
                self._unknown_property(prop, MASS_PROPERTIES, "mass")
                continue
            try:
                args = Args(prop, self.lets)
                if prop.name == "joins":
                    joins = self._joins(scope, decl, prop, args)
                    joins_loc = prop.loc
                elif prop.name == "diameter":
                    diameter = args.quantity(LENGTH)
                    if diameter <= 0:
                        raise Problem("E008", "a diameter must be positive", prop.args[0].loc)
                elif prop.name == "height":
                    height = args.quantity(LENGTH)
                    if height <= 0:
                        raise Problem("E008", "a height must be positive", prop.args[0].loc)
                elif prop.name == "in":
                    ref = args.ref("a layer")
                    found = self.resolve(scope, ref)
                    if len(found) != 1 or not isinstance(found[0], Layer):
                        raise Problem("E002", f"`{ref}` is not a layer", ref.loc)
                    layer = found[0]
                elif prop.name == "region":
                    region_name = args.word("a region name such as `core`")
                    args.punct(":")
                    mat_item = args.peek()
                    mat_name = args.word("a material")
                    args.keyword("on")
                    on_ref = args.ref("an element")
                    regions.append((region_name, mat_name, mat_item.loc, on_ref, prop.loc))  # type: ignore[union-attr]
                args.end()
            except Problem as problem:
                self._record(problem)
                failed = True
        built_regions = []
        for region_name, mat_name, mat_loc, on_ref, loc in regions:
            region_material = self._guard(self._material_ref, mat_name, mat_loc)
            on = self._guard(self._element_of, scope, on_ref)
            if region_material is None:
                failed = True
                continue
            built_regions.append(Region(region_name, region_material, on, loc))
        if material is not None and built_regions:
            self._error("E008", f"mass `{decl.name}` has both a material and regions; give one or the other", decl.loc)
            return
        if material is None and not regions and not failed:
            self._error(
                "E008",
                f"mass `{decl.name}` has no material: write `{decl.keyword} {decl.name} : MATERIAL` "
                "or give its `region`s",
                decl.loc,
            )
            return
        if joins is None:
            if not failed:
                self._error("E001", f"mass `{decl.name}` has no `joins`: say which pads it joins", decl.loc)
            return
        if failed:
            return
        left, right = joins
        self._count_objects(joins_loc, masses=len(left))
        if diameter is not None:
            diam = np.full(len(left), diameter)
        else:
            diam = left.diameter if right is None else np.fmin(left.diameter, right.diameter)
        group = MassGroup(
            scope.qualified(decl.name),
            decl.keyword == "masses",
            decl.loc,
            material,
            built_regions,
            left.ids,
            right.ids if right is not None else None,
            diam,
            height,
            layer,
            start=self.mass_total,
            joins_loc=joins_loc,
        )
        self._add_masses(scope, decl.name, group)

    def _add_masses(self, scope: Scope, name: str, group: MassGroup) -> None:
        """A built mass declaration joins its scope and the design, after the masses before it."""
        assert self.assembly is not None
        self.mass_total += group.count
        scope.objects[name] = group
        self.assembly.mass_groups.append(group)

    def _mass_row(self, scope: Scope, handle: _MassRow) -> None:
        """A one-line `mass` read by explicit.py, made directly; anything but plain goes the ordinary way."""
        assert self.assembly is not None
        line, column, name, base, _base_column, joins_column, a, b, diameter, height, _text = handle.row
        material = self.materials.get(base)
        pad_a, pad_b = self._single_pad(scope, a), self._single_pad(scope, b)
        if (
            material is None
            or pad_a is None
            or pad_b is None
            or (diameter is not None and not 0 < diameter <= MAX_COORDINATE)  # also inf and NaN
            or (height is not None and not 0 < height <= MAX_COORDINATE)
            or self.pad_total + self.mass_total >= self.max_objects
        ):
            self._guard(self._mass, scope, handle.declaration())
            return
        if diameter is None:
            diameter = float(np.fmin(_diameter(pad_a), _diameter(pad_b)))
        path = handle.rows.path
        group = MassGroup(
            scope.qualified(name),
            False,
            Location(path, line, column, line, column + len(name)),
            material,
            [],
            np.array([pad_a.start]),
            np.array([pad_b.start]),
            np.array([diameter]),
            height,
            None,
            start=self.mass_total,
            joins_loc=Location(path, line, joins_column, line, joins_column + 5),
        )
        self._add_masses(scope, name, group)

    @staticmethod
    def _single_pad(scope: Scope, ref: str) -> PadArray | None:
        """`die.c17` when it names one single `pad` of an element in this scope; else None."""
        head, _, pad = ref.partition(".")
        element = scope.objects.get(head)
        if not isinstance(element, Element):
            return None
        array = element.pads.get(pad)
        return array if array is not None and not array.indexed else None

    def _joins(self, scope: Scope, decl: st.Declaration, prop: st.Property, args: Args) -> tuple[PadSel, PadSel | None]:
        left_ref = args.ref("pads such as `die.c[*]`")
        left = self._pads_of(scope, left_ref)
        right = None
        right_ref = None
        if args.accept_punct("--"):
            right_ref = args.ref("pads such as `sub.p[*]`")
            right = self._pads_of(scope, right_ref)
        args.end()
        if right is not None and len(left) != len(right):
            raise Problem(
                "E005",
                f"`joins` zips {len(left)} pads of `{left_ref}` with {len(right)} pads of "
                f"`{right_ref}`: the two sides must have the same length",
                prop.span,
            )
        if decl.keyword == "mass" and len(left) != 1:
            raise Problem(
                "E005",
                f"`mass {decl.name}` joins one pad on each side, but `{left_ref}` names "
                f"{len(left)}: use `masses` for an array",
                prop.span,
            )
        return left, right

    # ------------------------------------------------------------------ leads
    def _lead(self, scope: Scope, decl: st.Declaration) -> None:
        assert self.assembly is not None and decl.base is not None and decl.base_loc is not None
        material = self._guard(self._material_ref, decl.base, decl.base_loc)
        start = end = None
        shape = None
        for prop in decl.properties:
            if prop.name not in LEAD_PROPERTIES:
                self._unknown_property(prop, LEAD_PROPERTIES, "lead")
                continue
            args = Args(prop, self.lets)
            if prop.name == "shape":
                shape = self._guard(lambda a: a.word("a shape such as `s`", LEAD_SHAPES, what="lead shape"), args)
                self._guard(args.end)
            else:
                result = self._guard(self._lead_ends, scope, decl, prop, args)
                if result:
                    start, end = result
        if start is None or end is None:
            if not any(p.name == "from" for p in decl.properties):
                self._error("E001", f"lead `{decl.name}` has no `from … to …`", decl.loc)
            return
        n = len(start)
        to_masses = np.full(n, -1, dtype=np.int64)
        to_pads = np.full(n, -1, dtype=np.int64)
        if isinstance(end, PadSel):
            to_pads = end.ids
        else:
            to_masses = np.concatenate([_mass_ids(sel) for sel in end]) if end else to_masses
        group = LeadGroup(
            scope.qualified(decl.name),
            decl.keyword == "leads",
            decl.loc,
            material,
            shape,
            start.ids,
            to_masses,
            to_pads,
            start=self.lead_total,
        )
        self.lead_total += group.count
        scope.objects[decl.name] = group
        self.assembly.lead_groups.append(group)

    def _lead_ends(self, scope: Scope, decl: st.Declaration, prop: st.Property, args: Args):
        from_ref = args.ref("pads such as `chip.c[*]`")
        start = self._pads_of(scope, from_ref)
        args.keyword("to")
        to_ref = args.ref("masses or pads")
        args.end()
        found = self.resolve(scope, to_ref)
        end: PadSel | list[Selection]
        if found and all(isinstance(x, PadSel) for x in found):
            end = PadSel.concat(found)
            n_end = len(end)
        else:
            end = self._masses_of(scope, to_ref)
            n_end = sum(s.count for s in end)
        if n_end != len(start):
            raise Problem(
                "E005",
                f"the lead zips {len(start)} pads of `{from_ref}` with {n_end} of `{to_ref}`: "
                "the two sides must have the same length",
                prop.span,
            )
        if decl.keyword == "lead" and len(start) != 1:
            raise Problem("E005", f"`lead {decl.name}` is one lead; use `leads` for {len(start)}", prop.loc)
        return start, end

    # ------------------------------------------------------------------ nets
    def _net(self, scope: Scope, decl: st.NetDecl) -> None:
        assert self.assembly is not None
        members: list[tuple[st.Ref, PadSel]] = []
        for ref in decl.members:
            pads = self._guard(self._pads_of, scope, ref)
            if pads is not None:
                members.append((ref, pads))
        if len(members) != len(decl.members):
            return
        if decl.keyword == "net":
            ids = np.concatenate([p.ids for _, p in members]) if members else np.zeros(0, dtype=np.int64)
            pins = [ids]
        else:
            lengths = {len(p) for _, p in members}
            if len(lengths) > 1:
                detail = ", ".join(f"`{r}` {len(p)}" for r, p in members)
                self._error("E005", f"`nets {decl.name}` zips members of different lengths: {detail}", decl.loc)
                return
            matrix = np.stack([p.ids for _, p in members], axis=1) if members else np.zeros((0, 0), dtype=np.int64)
            pins = list(matrix)
        group = NetGroup(scope.qualified(decl.name), decl.keyword == "nets", decl.loc, pins)
        scope.objects[decl.name] = group
        self.assembly.net_groups.append(group)

    # ------------------------------------------------------------------ cells
    def _place(self, scope: Scope, place: st.Place) -> None:
        assert self.assembly is not None
        cell = self.cells.get(place.cell)
        if cell is None:
            raise Problem("E002", f"unknown cell `{place.cell}`" + did_you_mean(place.cell, self.cells), place.cell_loc)
        args = Args(st.Property("place", place.args, place.loc), self.lets)
        args.keyword("grid")
        rows = args.count("the number of rows")
        args.keyword("x")
        cols = args.count("the number of columns")
        args.keyword("pitch")
        px = args.quantity(LENGTH)
        py = args.quantity(LENGTH) if args.accept_keyword("x") else px
        origin = args.point() if args.accept_keyword("origin") else (-(cols - 1) * px / 2, -(rows - 1) * py / 2)
        args.end()
        count = rows * cols
        self._count_objects(place.loc, pads=count)  # at least one object per instance; checked before allocating
        index = np.arange(count)
        with np.errstate(over="ignore", invalid="ignore"):  # a huge pitch: caught below
            offsets = np.stack([origin[0] + (index % cols) * px, origin[1] + (index // cols) * py], axis=1)
            far = np.abs(offsets).max() + max(abs(scope.offset[0]), abs(scope.offset[1]))
        if not far <= MAX_COORDINATE:  # also NaN
            raise too_far(f"the instances of `{place.name}` would reach", far, place.loc)
        placement = Placement(scope.qualified(place.name), place.cell, place.loc, count, offsets)
        self.assembly.placements.append(placement)
        placed = PlacedCell(placement, [None] * count)
        scope.objects[place.name] = placed
        plan = plan_instances(place.name, count, scope.reaches, self.hierarchical)
        # Build the first instance with errors reported; a broken cell is reported once.
        errors_before = len(self.errors)
        objects_before = self.pad_total + self.mass_total
        for n, i in enumerate(plan.built):
            inner = Scope(
                f"{placement.name}[{i}].",
                (scope.offset[0] + offsets[i, 0], scope.offset[1] + offsets[i, 1]),
            )
            for stmt in cell.statements:
                name = getattr(stmt, "name", None)
                if isinstance(stmt, st.Let):
                    self._error("E010", "`let` belongs at the top level, not inside a cell", stmt.loc)
                    continue
                if name is not None:
                    self._declare_shared(inner, name, stmt, Origin())
            inner.reaches = plan.reaches[i]
            if i in plan.represents:
                self.assembly.represented.add(inner.prefix, [f"{placement.name}[{k}]." for k in plan.represents[i]])
            self._build_scope(inner, [s for s, _ in inner.declarations.values()])
            placed.instances[i] = inner
            if len(self.errors) > errors_before or self.limit_hit:
                return
            if n == 0:  # the limit counts every instance, built or represented, before building the others
                per_instance = self.pad_total + self.mass_total - objects_before
                self._count_objects(place.loc, pads=per_instance * (count - 1))

    # ------------------------------------------------------------------ process
    def _build_process(self, decls: list[st.ProcessDecl]) -> None:
        assert self.assembly is not None
        process = self.assembly.process
        if not decls:
            return
        decl = decls[0]
        process.declared = True
        seen: dict[str, st.Step] = {}
        for order, step_decl in enumerate(decl.steps):
            if step_decl.name in seen:
                self._error(
                    "E004",
                    f"step `{step_decl.name}` is declared twice",
                    step_decl.loc,
                    [Note(seen[step_decl.name].loc, "first declared here")],
                )
                continue
            seen[step_decl.name] = step_decl
            step = Step(step_decl.name, None, step_decl.loc, order)
            process.steps.append(step)
            for prop in step_decl.properties:
                if prop.name not in STEP_PROPERTIES:
                    self._unknown_property(prop, STEP_PROPERTIES, "step")
                else:
                    self._guard(self._step_property, step, prop)
            given = {p.name for p in step_decl.properties}
            if step.temp is None and not given & {"peak", "temp"}:
                self._error("E001", f"step `{step.name}` has no temperature: give `peak T` or `temp T`", step.loc)
            if step.kind is None and "kind" not in given:
                self._error("E001", f"step `{step.name}` has no `kind`; known: {', '.join(STEP_KINDS)}", step.loc)
        for prop in decl.properties:
            if prop.name not in PROCESS_PROPERTIES:
                self._unknown_property(prop, PROCESS_PROPERTIES, "process")
            else:
                self._guard(self._process_property, prop)

    def _step_property(self, step: Step, prop: st.Property) -> None:
        args = Args(prop, self.lets)
        if prop.name == "kind":
            step.kind = args.word("a step kind such as `reflow`", STEP_KINDS, what="step kind")
        elif prop.name in ("peak", "temp") and step.temp_range is not None:
            raise Problem(
                "E008", f"step `{step.name}` gives its temperature twice: use `peak T` or `temp T`, not both", prop.loc
            )
        elif prop.name == "peak":
            step.temp = args.quantity(TEMPERATURE)
            step.temp_range = (step.temp, step.temp)
        elif prop.name == "temp":
            step.temp_range = args.temperature_or_range()
            step.temp = step.temp_range[1]
        elif prop.name in ("forms", "mixes"):
            targets = args.list_of(lambda: self._step_target(args))
            getattr(step, prop.name).extend(t for group in targets for t in group)
        elif prop.name == "requires":
            which = args.word("`solid` or `liquid`", ("solid", "liquid"), what="requirement")
            targets = args.list_of(lambda: self._step_target(args))
            getattr(step, f"requires_{which}").extend(t for group in targets for t in group)
        args.end()

    def _step_target(self, args: Args) -> list[Any]:
        ref = args.ref("a mass, layer or element")
        found = self.resolve(self.top, ref)
        out: list[Any] = []
        for item in found:
            if isinstance(item, Scope):
                out.extend(
                    Selection(o) if isinstance(o, MassGroup) else o
                    for o in item.objects.values()
                    if isinstance(o, MassGroup | Layer | Element)
                )
            elif isinstance(item, PadSel):
                raise Problem("E002", f"`{ref}` names pads; a step forms masses, layers or elements", ref.loc)
            else:
                out.append(item)
        return out

    def _process_property(self, prop: st.Property) -> None:
        assert self.assembly is not None
        process = self.assembly.process
        args = Args(prop, self.lets)
        rng = args.range(TEMPERATURE)
        if prop.name == "operate":
            process.operate, process.operate_loc = rng, prop.loc
        elif prop.name == "store":
            process.store, process.store_loc = rng, prop.loc
        else:
            process.cycle, process.cycle_loc = rng, prop.loc
            if args.accept_keyword("count"):
                process.cycle_count = args.count("the cycle count")
        args.end()

    # ------------------------------------------------------------------ waivers
    def _build_waiver(self, waive: st.Waive) -> None:
        assert self.assembly is not None
        if waive.until is not None:
            try:
                dt.date.fromisoformat(waive.until.value)
            except ValueError:
                raise Problem("E008", f"`{waive.until.value}` is not a date", waive.until.loc) from None
        self.assembly.waivers.append(
            Waiver(
                waive.rule,
                [str(p) for p in waive.patterns],
                waive.reason,
                waive.by,
                waive.until.value if waive.until else None,
                waive.loc,
            )
        )


@dataclass(slots=True)
class _MassRow:
    """One row of an `st.MassRows`, standing in the scope's declarations like a Declaration would."""

    rows: st.MassRows
    index: int

    @property
    def row(self) -> tuple:
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


def _diameter(array: PadArray) -> float:
    return np.nan if array.diameter is None else array.diameter


class _Unbuilt(Problem):
    """A name that is declared but whose declaration failed: its users stay quiet (no cascade)."""

    def __init__(self) -> None:
        Exception.__init__(self, "unbuilt")
        self.diagnostic = None  # type: ignore[assignment]


def _read(prop: st.Property, lets: Lets, fn: Callable[[Args], Any]) -> Any:
    args = Args(prop, lets)
    value = fn(args)
    args.end()
    return value


def _select(index: st.Index, count: int, what: str, loc: Location) -> np.ndarray:
    """Indices chosen by `[i]`, `[*]` or `[a:b]` in an array of `count`, checked (E002)."""
    if index.kind == "every":
        return np.arange(count)
    if index.kind == "at":
        assert index.start is not None
        if index.start >= count:
            raise Problem(
                "E002", f"`{what}{index}` does not exist: `{what}` has {count} (indices 0 to {count - 1})", loc
            )
        return np.array([index.start])
    start = 0 if index.start is None else index.start
    stop = count if index.stop is None else index.stop
    if stop > count:
        raise Problem(
            "E002", f"`{what}{index}` goes past the end: `{what}` has {count} (indices 0 to {count - 1})", loc
        )
    if start >= stop:
        raise Problem("E008", f"`{what}{index}` is empty", loc)
    return np.arange(start, stop)


def _mass_ids(sel: Selection) -> np.ndarray:
    group: MassGroup = sel.target
    local = np.arange(group.count) if sel.index is None else sel.index
    return local + group.start


NUMBER_DIMENSION = NUMBER  # re-exported for plugins that register dimensionless properties
