"""Masses: `mass`/`masses NAME : MATERIAL { joins a -- b; diameter …; height …; in …; region … }`.

A mass declaration becomes one `MassGroup` of numpy arrays, its masses numbered globally in build
order. One-line `mass` statements that explicit.py has already read (`MassRow`) take a fast path
that joins two single pads directly; a row that is anything but plain goes the ordinary way, so it
is reported exactly as any other `mass` would be.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assemblint.base.diagnostics import Location
from assemblint.base.units import CURRENT, LENGTH, format_quantity
from assemblint.build import coincide
from assemblint.build.materials import Materials
from assemblint.build.references import References
from assemblint.build.state import MassRow, PadSel, Scope
from assemblint.language import syntax_tree as st
from assemblint.language.values import MAX_COORDINATE, Args, Problem, describe
from assemblint.model.assembly import Element, Layer, MassGroup, PadArray, Region

MASS_PROPERTIES = ("joins", "diameter", "size", "height", "in", "region", "current")


class Masses(References, Materials):
    """Mass declarations, and the fast path for explicit one-line masses."""

    _joined: tuple[np.ndarray, int] | None = None  # `--tiles`: the rows of the masses _joins just made

    def _mass(self, scope: Scope, decl: st.Declaration) -> None:
        assert self.assembly is not None
        self._joined = None
        material = None
        if decl.base is not None:
            assert decl.base_loc is not None
            material = self._material_ref(decl.base, decl.base_loc)
        joins: tuple[PadSel, PadSel | None] | None = None
        joins_loc = None
        diameter = height = current = None
        extent: tuple[float, float] | None = None
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
                elif prop.name == "size":  # a preform, a die-attach layer: the rectangle it covers
                    extent = args.sides()
                elif prop.name == "height":
                    height = args.quantity(LENGTH)
                    if height <= 0:
                        raise Problem("E008", "a height must be positive", prop.args[0].loc)
                elif prop.name == "current":
                    current = positive_current(args)
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
                    assert mat_item is not None  # args.word() has read it
                    regions.append((region_name, mat_name, mat_item.loc, on_ref, prop.loc))
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
        assert joins_loc is not None  # set with joins
        if extent is not None and diameter is not None:
            self._error("E005", f"mass `{decl.name}` has both a `diameter` and a `size`: give one", decl.loc)
            return
        if extent is not None and len(left) and self.assembly.elements[int(left.element[0])].rotate % 180 == 90:
            extent = (extent[1], extent[0])  # turned with the element of its first pad
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
            extent=extent,
            current=current,
        )
        self._add_masses(scope, decl.name, group)
        if self._joined is not None and self.windowed is not None:  # its masses numbered by their rows
            self.windowed.pending[id(group)] = self._joined
        self._joined = None

    def _add_masses(self, scope: Scope, name: str, group: MassGroup) -> None:
        """A built mass declaration joins its scope and the design, after the masses before it."""
        assert self.assembly is not None
        self.mass_total += group.count
        scope.objects[name] = group
        self.assembly.mass_groups.append(group)

    def _mass_row(self, scope: Scope, handle: MassRow) -> None:
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
        windowed = self.windowed
        uses = windowed.uses if windowed is not None else 0
        left_ref = args.ref("pads such as `die.c[*]`")
        left = self._pads_of(scope, left_ref)
        map_left = windowed.last if windowed is not None and windowed.uses == uses + 1 else None
        right = None
        right_ref = None
        if args.accept_punct("--"):
            right_ref = args.ref("pads such as `sub.p[*]`")
            right = self._pads_of(scope, right_ref)
        if right is not None and args.accept_keyword("by"):
            args.keyword("position")
            tolerance = args.quantity(LENGTH) if args.accept_keyword("tolerance") else POSITION_TOLERANCE
            args.end()
            if windowed is not None and windowed.uses > uses:
                return self._partners_in_window(left, right, tolerance, prop, map_left, windowed.uses - uses)
            return left, self._partners(left, right, tolerance, prop)
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

    def _partners(self, left: PadSel, right: PadSel, tolerance: float, prop: st.Property) -> PadSel:
        """`joins A -- B by position`: for each pad of A, the pad of B at the same place (within the
        tolerance, after every transform); a pad of A without one is E005, naming the nearest."""
        lx, ly = self._pad_positions(left.ids)
        rx, ry = self._pad_positions(right.ids)
        if not len(right):
            raise Problem("E005", "`joins … by position`: the second side names no pad", prop.span)
        distance, nearest = coincide.nearest(lx, ly, rx, ry, tolerance)
        alone = np.flatnonzero(~(distance <= tolerance))
        if len(alone):
            first = int(alone[0])
            more = f" (and {len(alone) - 1} more pads without one)" if len(alone) > 1 else ""
            pad, partner = self._pad_name(int(left.ids[first])), self._pad_name(int(right.ids[nearest[first]]))
            raise Problem(
                "E005",
                f"`joins … by position`: pad {pad} has no partner within {format_quantity(tolerance, LENGTH)}; "
                f"the nearest is {partner}, {format_quantity(float(distance[first]), LENGTH)} away{more}",
                prop.span,
            )
        return PadSel(right.ids[nearest], right.diameter[nearest], right.element[nearest])

    def _partners_in_window(
        self, left: PadSel, right: PadSel, tolerance: float, prop: st.Property, map_left: Any, uses: int
    ) -> tuple[PadSel, PadSel]:
        """`joins A -- B by position` on bump maps read for one window of `--tiles`: A must be one
        whole map, so that each mass is numbered by its pad's row. Only the pads of A at least
        `tolerance` inside the window make masses: their partners, the nearest as in the whole
        design, lie in the window too (a pad nearer the edge is out of the core and beyond the reach
        of the core's objects: the run's halo is grown by the tolerance, run/tiles.py)."""
        windowed = self.windowed
        assert windowed is not None
        if map_left is None or map_left[1] or uses > 2 or len(left) != map_left[0].count:
            return left, self._partners(left, right, tolerance, prop)  # refused when built (uses > allowed)
        windowed.allowed += uses
        windowed.tolerance = max(windowed.tolerance, tolerance)
        array = map_left[0]
        rows, total = windowed.pending[id(array)]
        lx, ly = self._pad_positions(left.ids)
        kept = np.flatnonzero(windowed.window.inside(lx, ly, tolerance))  # partners, if any, in the window too
        left = PadSel(left.ids[kept], left.diameter[kept], left.element[kept])
        self._joined = (rows[kept], total)
        windowed.dropped += total - len(kept)
        if not len(left):  # nothing of the map in the window: no mass
            return left, left
        return left, self._partners(left, right, tolerance, prop)

    def _pad_positions(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The positions of pads by global id, read from the arrays that hold them (only those: a
        design of many `joins … by position` statements must not gather every pad for each)."""
        assert self.assembly is not None
        arrays = self.assembly.pad_arrays
        if len(self._pad_starts) != len(arrays):  # arrays grow while building: extend, once each
            known = self._pad_starts.tolist() if len(self._pad_starts) < len(arrays) else []  # or taken back
            self._pad_starts = np.array(known + [a.start for a in arrays[len(known) :]], dtype=np.int64)
        which = np.searchsorted(self._pad_starts, ids, side="right") - 1
        x, y = np.empty(len(ids)), np.empty(len(ids))
        for k in np.unique(which).tolist():  # one pass per array named, not per pad
            at = which == k
            local = ids[at] - arrays[k].start
            x[at], y[at] = arrays[k].x[local], arrays[k].y[local]
        return x, y

    def _pad_name(self, pad_id: int) -> str:
        assert self.assembly is not None
        self._pad_positions(np.array([pad_id]))  # the starts, up to date
        array = self.assembly.pad_arrays[int(np.searchsorted(self._pad_starts, pad_id, side="right")) - 1]
        return array.item_name(pad_id - array.start)


POSITION_TOLERANCE = 1.0  # µm: `joins … by position` without a tolerance (STACK.md §4)


def _diameter(array: PadArray) -> float:
    return np.nan if array.diameter is None else array.diameter


def positive_current(args: Args) -> float:
    """`current I` (A, mA): the current through each mass, or each net of a `net` (RL005); above 0."""
    item = args.peek()
    value = args.quantity(CURRENT)
    if not value > 0:
        assert item is not None
        raise Problem("E008", f"a current must be above 0, got {describe(item)}", item.loc)
    return value
