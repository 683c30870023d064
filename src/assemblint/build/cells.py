"""Scopes and cells: a scope's objects built in dependency order, and `place` grids of cell instances.

The two belong together because they recurse into each other: building a scope places its cells,
and placing a cell builds each instance as a scope of its own (`units[4].chip`). Only the
instances that references tell apart are built; one representative stands for the others
(hierarchy.py, unless the build is flat). The object limit counts every instance all the same.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assemblint.base.diagnostics import did_you_mean
from assemblint.base.units import LENGTH
from assemblint.build.elements import Elements, pitch, rotation
from assemblint.build.layers import Layers
from assemblint.build.leads import Leads
from assemblint.build.masses import Masses
from assemblint.build.namespaces import Declared, Namespaces
from assemblint.build.nets import Nets
from assemblint.build.state import MassRow, Origin, PlacedCell, Scope
from assemblint.language import syntax_tree as st
from assemblint.language.values import MAX_COORDINATE, Args, Problem, too_far
from assemblint.model.assembly import Layer, Placement
from assemblint.model.hierarchy import plan_instances, reaches_of


class Cells(Namespaces, Elements, Layers, Masses, Leads, Nets):
    """A scope built in dependency order, and the cell instances it places."""

    def _build_scope(self, scope: Scope, statements: list[Declared]) -> None:
        """Build one scope's objects in dependency order: elements, cells, layers, masses, leads, nets."""
        placements = {s.name for s in statements if isinstance(s, st.Place)}
        # a MassRow holds no reference to a placement: reaches_of passes over it
        scope.reaches = [*reaches_of(statements, placements), *scope.reaches]  # type: ignore[arg-type]
        by_kind: dict[str, list[Any]] = {}
        for stmt in statements:
            key = stmt.keyword if isinstance(stmt, st.Declaration) else type(stmt).__name__
            by_kind.setdefault({"masses": "mass", "leads": "lead", "MassRow": "mass"}.get(key, key), []).append(stmt)
        for decl in by_kind.get("element", []):
            self._guard(self._element, scope, decl)
        for item in by_kind.get("ImportedElement", []):
            self._guard(self._imported_element, scope, item)
        for place in by_kind.get("Place", []):
            if self.limit_hit:
                return
            self._guard(self._place, scope, place)
        for decl in by_kind.get("layer", []):
            self._guard(self._layer, scope, decl)
        for decl in by_kind.get("mass", []):
            if self.limit_hit:
                return
            if isinstance(decl, MassRow):
                self._mass_row(scope, decl)
            else:
                self._guard(self._mass, scope, decl)
        for conn in by_kind.get("ImportedConnection", []):
            self._guard(self._imported_connection, scope, conn)
        for decl in by_kind.get("lead", []):
            self._guard(self._lead, scope, decl)
        for decl in by_kind.get("layer", []):
            layer = scope.objects.get(decl.name)
            if isinstance(layer, Layer):
                self._guard(self._layer_surrounds, scope, decl, layer)
        for decl in by_kind.get("NetDecl", []):
            self._guard(self._net, scope, decl)
        if scope is self.top:
            self._imported_net_groups()

    def _place(self, scope: Scope, place: st.Place) -> None:
        assert self.assembly is not None
        cell = self.cells.get(place.cell)
        if cell is None:
            raise Problem("E002", f"unknown cell `{place.cell}`" + did_you_mean(place.cell, self.cells), place.cell_loc)
        self.placed_cells.add(place.cell)
        chain = [*self.placing, place.cell]
        if place.cell in self.placing:
            shown = " → ".join(chain[chain.index(place.cell) :])
            raise Problem("E006", f"cell `{place.cell}` places itself: {shown}", place.cell_loc)
        args = Args(st.Property("place", place.args, place.loc), self.lets)
        indexed = not args.accept_keyword("at")
        if indexed:
            args.keyword("grid")
            rows = args.count("the number of rows")
            args.keyword("x")
            cols = args.count("the number of columns")
            args.keyword("pitch")
            px = pitch(args)
            py = pitch(args) if args.accept_keyword("x") else px
            origin = args.point() if args.accept_keyword("origin") else (-(cols - 1) * px / 2, -(rows - 1) * py / 2)
        else:
            at = args.point()
            rows = cols = 1
            px = py = 0.0
            origin = at
        z, rotate, mirror = 0.0, 0, False
        while not args.at_end():
            if args.accept_keyword("z"):
                z = args.quantity(LENGTH)
            elif args.accept_keyword("rotate"):
                rotate = rotation(args)
            elif args.accept_keyword("mirror"):
                mirror = True
            else:
                raise args.fail("`z`, `rotate` or `mirror`")
        count = rows * cols
        self._count_objects(place.loc, pads=count)  # at least one object per instance; checked before allocating
        index = np.arange(count)
        with np.errstate(over="ignore", invalid="ignore"):  # a huge pitch: caught below
            local = np.stack([origin[0] + (index % cols) * px, origin[1] + (index // cols) * py], axis=1)
            offsets = (
                np.array([scope.to_world(x, y) for x, y in local.tolist()])
                if scope.rotate or scope.mirror
                else (local + np.array(scope.offset))
            )
            far = np.abs(offsets).max()
        if not far <= MAX_COORDINATE:  # also NaN
            raise too_far(f"the instances of `{place.name}` would reach", far, place.loc)
        turned_mirror, turned_rotate = scope.turned(mirror, rotate)
        placement = Placement(scope.qualified(place.name), place.cell, place.loc, count, offsets, indexed)
        self.assembly.placements.append(placement)
        placed = PlacedCell(placement, [None] * count)
        scope.objects[place.name] = placed
        plan = plan_instances(place.name, count, scope.reaches, self.hierarchical)
        # Build the first instance with errors reported; a broken cell is reported once.
        errors_before = len(self.errors)
        objects_before = self.pad_total + self.mass_total
        for n, i in enumerate(plan.built):
            inner = Scope(
                f"{placement.name}[{i}]." if indexed else f"{placement.name}.",
                (float(offsets[i, 0]), float(offsets[i, 1])),
                mirror=turned_mirror,
                rotate=turned_rotate,
                z=scope.z + z,
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
            self.placing.append(place.cell)
            try:
                self._build_scope(inner, [s for s, _ in inner.declarations.values()])
            finally:
                self.placing.pop()
            placed.instances[i] = inner
            if len(self.errors) > errors_before or self.limit_hit:
                return
            if n == 0:  # the limit counts every instance, built or represented, before building the others
                per_instance = self.pad_total + self.mass_total - objects_before
                self._count_objects(place.loc, pads=per_instance * (count - 1))

    def _check_unplaced_cells(self) -> None:
        """A cell that is never placed is still checked for language errors (STACK.md §2): built
        once at the origin in a scope of its own, its errors kept, the objects it made taken back."""
        assert self.assembly is not None
        asm = self.assembly
        for name, cell in self.cells.items():
            if name in self.placed_cells or self.limit_hit:
                continue
            kept = {key: len(getattr(asm, key)) for key in _BUILT_LISTS}
            totals = (self.pad_total, self.mass_total)
            scope = Scope(f"{name}.")
            for stmt in cell.statements:
                if getattr(stmt, "name", None) is not None and not isinstance(stmt, st.Let):
                    self._declare_shared(scope, stmt.name, stmt, Origin())  # type: ignore[attr-defined]
            self.placing.append(name)
            try:
                self._build_scope(scope, [s for s, _ in scope.declarations.values()])
            finally:
                self.placing.pop()
            for key, length in kept.items():
                del getattr(asm, key)[length:]
            self.pad_total, self.mass_total = totals


_BUILT_LISTS = (
    "elements",
    "pad_arrays",
    "mass_groups",
    "layers",
    "lead_groups",
    "net_groups",
    "placements",
    "connects",
)
