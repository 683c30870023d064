"""Design data from other tools into the model (STACK.md §6): imported chiplets, their bumps and
connections, bump maps read from tables (`pads NAME from "f.csv" columns (…) unit um`), the nets a
bump map names, and `refine`, which adds what no such file carries (materials, sizes).

The importers (assemblint.importing) give arrays; this module makes them elements, pad arrays,
masses and nets directly, never through statements, so a million bumps cost what their arrays do.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assemblint.base.diagnostics import Location, did_you_mean
from assemblint.base.units import LENGTH, to_base
from assemblint.build import coincide
from assemblint.build.materials import Materials
from assemblint.build.references import References
from assemblint.build.state import Scope
from assemblint.build.windowed_bumps import SAME_PLACE, WindowedBumps
from assemblint.importing.problems import ImportProblem
from assemblint.importing.stack import ImportedConnection, ImportedElement, ImportedPads
from assemblint.importing.tables import Table
from assemblint.language import syntax_tree as st
from assemblint.language.values import MAX_COORDINATE, Args, Problem, too_far
from assemblint.model.assembly import Element, MassGroup, NetGroup, PadArray, SplitPins
from assemblint.model.windowed import Fed

#: reads a data file a design names: (path as written, where) → (bytes, shown path, resolved path)
ReadData = Callable[[str, Location], tuple[bytes, str, Path]]
TABLE_ROLES = ("name", "x", "y", "net", "diameter", "size")
REFINE_PLACING = ("size", "position", "z", "flip", "rotate", "mirror")  # what a 3DBlox file already says
REFINE_PADS = ("diameter", "size", "oblong", "barrier", "finish")
REFINE_MASSES = ("material", "diameter")


class Imports(References, Materials, WindowedBumps):
    """Imported elements and connections, table pads, imported nets and `refine`."""

    # -- tables: `pads NAME from "file.csv" columns (…) unit U [options]` ------------------------

    def _pads_from(self, e: Element, prop: st.Property, args: Args, name: str) -> None:
        assert self.assembly is not None
        path_item = args.peek()
        written = args.string()
        args.keyword("columns")
        columns = args.next()
        if not isinstance(columns, st.Columns):
            raise Problem("E001", "expected the column mapping: `columns (name PIN, x X, y Y, …)`", columns.loc)
        mapping = []
        for role, header, loc in columns.mapping:
            if role not in TABLE_ROLES:
                raise Problem(
                    "E010",
                    f"unknown column role `{role}`{did_you_mean(role, TABLE_ROLES)}; known: {', '.join(TABLE_ROLES)}",
                    loc,
                )
            mapping.append((role, header, loc))
        for role in ("name", "x", "y"):
            if role not in {m[0] for m in mapping}:
                raise Problem("E001", f"the column mapping has no `{role}`: name, x and y are required", columns.loc)
        args.keyword("unit")
        unit_item = args.peek()
        unit = args.word("a length unit such as `um`")
        try:
            scale, dimension = to_base(1.0, unit)
        except (ValueError, KeyError):
            scale, dimension = 1.0, ""
        if dimension != LENGTH:
            assert unit_item is not None
            raise Problem("E003", f"`{unit}` is not a unit of length (um, mm, mil, …)", unit_item.loc)
        options = self._pad_options(args, allow_origin=False)  # type: ignore[attr-defined]
        if self.read_data is None:
            raise Problem("E006", "this design is read from text: a table it names cannot be read", prop.loc)
        assert path_item is not None
        try:
            table = self._table(e, name, written, path_item.loc, mapping, scale)
        except ImportProblem as problem:
            raise Problem(problem.diagnostic.code, problem.diagnostic.message, problem.diagnostic.location) from None
        total = table.rows if table.total is None else table.total
        self._count_objects(prop.loc, pads=total)
        x, y = e.place(table.numbers["x"] * scale, table.numbers["y"] * scale)
        if total:
            with np.errstate(invalid="ignore"):
                far = max(float(np.abs(x).max(initial=0)), float(np.abs(y).max(initial=0)))
                if self.windowed is not None and table.total is not None:  # every row, kept or not
                    far = max([far, *(abs(v) for v in self.windowed.extent if np.isfinite(v))])
            if not far <= MAX_COORDINATE:
                raise too_far(f"pads `{name}` would reach", far, prop.loc)
        diameters = table.numbers["diameter"] * scale if "diameter" in table.numbers else None
        sides = table.numbers["size"] * scale if "size" in table.numbers else None
        for values, what in ((diameters, "diameter"), (sides, "size")):
            if values is not None and (values[~np.isnan(values)] <= 0).any():
                raise Problem(
                    "E008", f"a pad of `{name}` in {table.path} has a {what} that is not positive", path_item.loc
                )
        pads = ImportedPads(
            name,
            options.get("face", "front"),
            x,
            y,
            table.names if table.names is not None else [],
            table.net_codes if table.net_codes is not None else np.full(table.rows, -1),
            table.net_names if table.net_names is not None else [],
            prop.loc,
            diameters,
            sides,
        )
        self._add_imported_pads(e, pads, options)
        if self.windowed is not None and table.rows_kept is not None:
            self.windowed.pending[id(e.pads[name])] = (table.rows_kept, total)
            self.windowed.dropped += total - table.rows

    def _table(self, e: Element, name: str, written: str, loc: Location, mapping: list, scale: float) -> Table:
        """A bump map's mapped columns: whole, or (a window of `--tiles`) the rows placed in the
        window, read in blocks or taken from the tiles' parts (model/windowed.py); a map the window
        cannot take is read whole."""
        from assemblint.importing import tables  # here: only designs with tables pay for it

        def placed(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            return e.place(x * scale, y * scale)

        def split(file: Path, shown: str, bin_of: Any, bins: int, share: Any) -> list[Table]:
            return tables.split_rows(file, shown, mapping, bin_of, bins, placed, share=share)

        if self.open_data is not None:
            table = self._rows_in_window(
                f"{e.name}.{name}",
                "a bump map",
                lambda: self._open(written, loc),
                split,
                lambda shown, total: tables.no_rows(shown or written, mapping, total),
            )
            if table is not None:
                return table
        assert self.read_data is not None
        data, shown, _ = self.read_data(written, loc)
        return tables.read_table(data, shown, mapping)

    def _open(self, written: str, loc: Location) -> tuple[Path, str]:
        assert self.open_data is not None
        file, shown = self.open_data(written, loc)
        return Path(file), shown

    # -- 3DBlox: elements, their regions' bumps, connections -----------------------------------

    def _imported_element(self, scope: Scope, item: ImportedElement) -> None:
        assert self.assembly is not None
        element = Element(
            scope.qualified(item.name),
            item.type,
            item.loc,
            size=item.size,
            position=item.position,
            z=item.z,
            flip=item.flip,
            index=len(self.assembly.elements),
        )
        scope.objects[item.name] = element
        self.assembly.elements.append(element)
        for pads in item.pads:
            numbering = None
            if pads.source is not None:  # `--tiles`: the rows of the window (windowed_bumps.py)
                pads, numbering = self._bumps_by_window(element, pads)
            total = len(pads.x) if numbering is None else numbering[1]
            self._count_objects(pads.loc, pads=total)
            options: dict = {}
            for refine in self.refines.pop(f"{item.name}.{pads.name}", []):
                for prop in refine.properties:
                    refined = self._guard(self._refine_pads, prop)
                    if refined:
                        options.update(refined)
            self._add_imported_pads(element, pads, options)
            if numbering is not None and self.windowed is not None:
                self.windowed.pending[id(element.pads[pads.name])] = numbering
                self.windowed.dropped += total - len(pads.x)
        for refine in self.refines.pop(item.name, []):  # after the regions: `connect` may name their pads
            for prop in refine.properties:
                self._guard(self._refine_element, element, prop)

    def _refine_element(self, e: Element, prop: st.Property) -> None:
        if prop.name in ("pad", "pads", "footprint"):
            raise Problem(
                "E010",
                f"`{prop.name}` cannot be added to the imported `{e.name}` by `refine`: its pads are its regions' "
                "bumps, placed where the 3DBlox design puts them; a bump map of its own is a region of the design",
                prop.loc,
            )
        if prop.name in REFINE_PLACING:
            raise Problem(
                "E004",
                f"`{prop.name}` of `{e.name}` is already given by the imported design ({e.loc}); `refine` adds "
                "what it does not give",
                prop.loc,
            )
        self._element_property(e, prop)  # type: ignore[attr-defined]

    def _refine_pads(self, prop: st.Property) -> dict:
        if prop.name not in REFINE_PADS:
            raise Problem(
                "E010",
                f"`refine` of a region takes {', '.join(REFINE_PADS)}, not `{prop.name}`"
                + did_you_mean(prop.name, REFINE_PADS),
                prop.loc,
            )
        as_option = st.Property("pads", [st.Ref([prop.name], prop.loc), *prop.args], prop.loc)
        return self._pad_options(Args(as_option, self.lets), allow_origin=False)  # type: ignore[attr-defined]

    def _add_imported_pads(self, e: Element, pads: ImportedPads, options: dict) -> None:
        assert self.assembly is not None
        if pads.name in e.pads:
            raise self._dup_pad(e, pads.name, None)  # type: ignore[attr-defined]
        width = height = corner = None
        if "shape" in options:
            width, height, corner = options["shape"]
        array = PadArray(
            e,
            pads.name,
            True,
            np.ascontiguousarray(pads.x, dtype=float),
            np.ascontiguousarray(pads.y, dtype=float),
            options.get("diameter"),
            options.get("barrier"),
            options.get("barrier_thickness"),
            pads.face,
            pads.loc,
            start=self.pad_total,
            width=width,
            height=height,
            corner=corner,
            labels=pads.labels if len(pads.labels) == len(pads.x) and len(pads.x) else None,
            diameters=pads.diameters,
            sides=pads.sides,
            finish=options.get("finish"),
        )
        self._add_pads(e, array)  # type: ignore[attr-defined]
        self._imported_pad_nets(array, pads)

    def _imported_pad_nets(self, array: PadArray, pads: ImportedPads) -> None:
        """Keep a bump map's nets (codes into its names) until every pad is read: nets of the same
        name are one design-level net whichever map names them (`_imported_net_groups`)."""
        # a window of `--tiles` may hold none of a map's rows: its nets are the design's all the same
        if len(pads.net_names) and (len(pads.net_codes) or self.windowed is not None):
            self.imported_nets.append((array.start, pads.net_codes, pads.net_names, pads.loc))
            if self.windowed is not None:
                self.windowed.net_maps.append(array.qualified_name)

    def _imported_connection(self, scope: Scope, conn: ImportedConnection) -> None:
        """Masses joining the two regions' bumps that coincide (exactly, on the file's grid)."""
        assert self.assembly is not None
        sides: list[PadArray | None] = []
        for end in (conn.top, conn.bottom):
            if end is None:
                sides.append(None)
                continue
            element = scope.objects.get(end[0])
            sides.append(element.pads.get(end[1]) if isinstance(element, Element) else None)
        top, bottom = sides
        a = b = np.zeros(0, dtype=np.int64)
        numbering = None
        if top is not None and bottom is not None and top.count and bottom.count:
            a, b = _coinciding(top, bottom)
        windowed = self.windowed
        if (
            windowed is not None
            and top is not None
            and bottom is not None
            and (id(top) in windowed.pending or id(bottom) in windowed.pending)
        ):  # `--tiles`: the masses the window keeps, numbered as the whole design's
            a, b, numbering = self._coinciding_in_window(scope.qualified(conn.name), top, a, b)
        if len(a):
            assert top is not None and bottom is not None
            a, b = a + top.start, b + bottom.start
        material = None
        diameter: float | None = None
        for refine in self.refines.pop(conn.name, []):
            for prop in refine.properties:
                if prop.name not in REFINE_MASSES:
                    self._error(
                        "E010",
                        f"`refine` of a connection takes {', '.join(REFINE_MASSES)}, not `{prop.name}`"
                        + did_you_mean(prop.name, REFINE_MASSES),
                        prop.loc,
                    )
                    continue
                args = Args(prop, self.lets)
                if prop.name == "material":
                    word = args.peek()
                    assert word is not None
                    material = self._guard(self._material_ref, args.word("a material"), word.loc)
                else:
                    value = self._guard(args.quantity, LENGTH)
                    if value is not None and not value > 0:
                        self._error("E008", f"a diameter must be positive, got {value:g} µm", prop.args[0].loc)
                    elif value is not None:
                        diameter = value
        total = len(a) if numbering is None else numbering[1]
        self._count_objects(conn.loc, masses=total)
        if diameter is not None:
            diam = np.full(len(a), diameter)
        else:
            assert self.assembly is not None
            pad_diameters = [arr.diameter_of_each() if arr is not None else np.zeros(0) for arr in (top, bottom)]
            diam = (
                np.fmin(pad_diameters[0][a - top.start], pad_diameters[1][b - bottom.start])
                if len(a) and top is not None and bottom is not None
                else np.zeros(0)
            )
        group = MassGroup(
            scope.qualified(conn.name), True, conn.loc, material, [], a, b, diam, conn.thickness, start=self.mass_total
        )
        group.joins_loc = conn.loc
        self.mass_total += len(a)
        scope.objects[conn.name] = group
        self.assembly.mass_groups.append(group)
        if windowed is not None and numbering is not None:
            windowed.pending[id(group)] = numbering
            windowed.dropped += total - len(a)

    # -- nets and leftovers ----------------------------------------------------------------------

    def _imported_pins_of(self, name: str) -> np.ndarray | None:
        """The pads a bump map puts on net `name`, taken from the imported nets (a design's own `net`
        of that name adds its pins to them); None when no bump map names it."""
        found = []
        for start, codes, names, _loc in self.imported_nets:
            k = _index_of(names, name)
            if k >= 0:
                found.append(np.flatnonzero(codes == k) + start)
        if not found:
            return None
        self.imported_taken.add(name)
        return np.concatenate(found)

    def _imported_net_groups(self) -> None:
        """The nets the bump maps name that no `net` of the design took up, as one group of nets
        named as the files name them, their pins as two arrays (not one array per net)."""
        assert self.assembly is not None
        if not self.imported_nets:
            return
        window = self.windowed.window if self.windowed is not None else None
        pad_ids = np.concatenate([np.arange(s, s + len(c), dtype=np.int64) for s, c, _, _ in self.imported_nets])
        if isinstance(window, Fed):  # the rows' codes are the run's merged ones already
            labels = window.labels
            codes = np.concatenate([c for _, c, _, _ in self.imported_nets]).astype(np.int64)
        else:
            labels, to_global = _merged_names([names for _, _, names, _ in self.imported_nets])
            codes = np.concatenate(
                [np.append(g, -1)[c] for (_, c, _, _), g in zip(self.imported_nets, to_global, strict=True)]
            )  # a code of -1 (no net) reads the appended -1
            if self.windowed is not None:  # the run's process: the tiles take these
                self.windowed.nets = (labels, to_global)
        taken = np.zeros(len(labels), dtype=bool)
        for name in self.imported_taken:
            k = _index_of(labels, name)
            if k >= 0:
                codes[codes == k] = -1
                taken[k] = True
        kept = codes >= 0
        codes, pad_ids = codes[kept], pad_ids[kept]
        order = np.argsort(codes, kind="stable")
        counts = np.bincount(codes, minlength=len(labels))
        # every name a map gives but those a `net` took up: each has pins in the whole design (a
        # name is in a map because a row gives it), maybe none in a window of `--tiles`
        present = np.flatnonzero(~taken)
        offsets = np.concatenate([[0], np.cumsum(counts[present])]).astype(np.int64)
        pins = SplitPins(np.ascontiguousarray(pad_ids[order]), offsets)
        names = labels if len(present) == len(labels) else [labels[k] for k in present.tolist()]
        group = NetGroup("imported_nets", True, self.imported_nets[0][3], pins, names)
        self.assembly.net_groups.append(group)
        self.imported_nets.clear()

    def _unused_refines(self) -> None:
        for target, refines in self.refines.items():
            for refine in refines:
                self._error(
                    "E002",
                    f"`refine {target}`: no imported element, region or connection is named `{target}`; `refine` adds "
                    "to what an import brings, a design's own objects take their properties where they are declared",
                    refine.target.loc,
                )
        self.refines.clear()


def _coinciding(top: PadArray, bottom: PadArray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs of pads at the same place, as OpenROAD pairs bumps: exactly, on the file's grid
    (positions that are equal there are equal here, to far below a database unit)."""
    distance, nearest = coincide.nearest(top.x, top.y, bottom.x, bottom.y, SAME_PLACE)
    found = np.flatnonzero(distance <= SAME_PLACE)
    return found.astype(np.int64), nearest[found]


def _index_of(names: Sequence[str], name: str) -> int:
    finder = getattr(names, "index_of", None)  # importing.tables.Strings: no loop over the names
    if finder is not None:
        return int(finder(name))
    return list(names).index(name) if name in names else -1


def _merged_names(parts: list[Sequence[str]]) -> tuple[Sequence[str], list[np.ndarray]]:
    """One list of distinct names for several lists, and each list's names as indices into it: in
    pyarrow when the names are pyarrow's (a dictionary encoding of them all), else with a dict."""
    from assemblint.importing.tables import Strings

    if all(isinstance(p, Strings) for p in parts):
        import pyarrow as pa

        encoded = pa.concat_arrays([p.array for p in parts]).dictionary_encode()  # type: ignore[attr-defined]
        indices = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
        bounds = np.cumsum([0] + [len(p) for p in parts])
        merged = Strings(encoded.dictionary), [indices[a:b].copy() for a, b in itertools.pairwise(bounds)]
        del encoded, indices
        pa.default_memory_pool().release_unused()  # the encoding's hash table back to the system
        return merged
    index: dict[str, int] = {}
    mapped = [np.array([index.setdefault(n, len(index)) for n in p], dtype=np.int64) for p in parts]
    return list(index), mapped
