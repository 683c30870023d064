"""Elements and their pads: `element die : chip { body …; pads c grid … }`, and `connect` between pads.

Pads are made as numpy arrays, one `PadArray` per `pad`/`pads` declaration, numbered globally in
the order they are built. One-line `pad` properties that explicit.py has already read (`PadRows`)
take a fast path that makes them without a syntax node per value; anything unusual about a row
sends it the ordinary way, so it is reported exactly as any other `pad` would be.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from assemblint.base.diagnostics import Location, Note, did_you_mean
from assemblint.base.units import EXPANSION, LENGTH, NUMBER, TEMPERATURE
from assemblint.build.imports import Imports
from assemblint.build.state import PadSel, Scope
from assemblint.language import explicit
from assemblint.language import syntax_tree as st
from assemblint.language.values import MAX_COORDINATE, Args, Lets, Problem, describe, too_far
from assemblint.model.assembly import FACES, Element, Material, PadArray
from assemblint.model.placing import transform

ELEMENT_PROPERTIES = (
    "body",
    "cte",
    "size",
    "position",
    "z",
    "flip",
    "rotate",
    "mirror",
    "operating",
    "max_temp",
    "pad",
    "pads",
    "footprint",
    "connect",
    "msl",
)
PLACING = ("position", "z", "flip", "rotate", "mirror")  # read before the pads: they say where the pads land
ROTATIONS = (0, 90, 180, 270)

T = TypeVar("T")


class Elements(Imports):
    """Elements, their pads and their `connect`s."""

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
        props = decl.properties
        # where it is and how it is turned first (in its scope's frame, then the assembly's): its
        # pads are placed with it
        for prop in props:
            if not isinstance(prop, st.PadRows) and prop.name in PLACING:
                self._guard(self._placing, element, prop)
        element.position = scope.to_world(*element.position)
        element.mirror, element.rotate = scope.turned(element.mirror, element.rotate)
        if element.z is not None:
            element.z += scope.z
        known = (*ELEMENT_PROPERTIES, *self.extra_element)
        scope.objects[decl.name] = element
        self.assembly.elements.append(element)
        for prop in props:
            if isinstance(prop, st.PadRows):
                self._pad_rows(element, prop)
            elif prop.name not in known:
                self._unknown_property(prop, known, "element")
            elif prop.name not in PLACING:
                self._guard(self._element_property, element, prop)

    def _pad_rows(self, e: Element, rows: st.PadRows) -> None:
        """One-line `pad` properties read by explicit.py: made directly, without a syntax node per value.

        A row that is anything but plain (a name declared twice, a `let` name, out of range, past the
        object limit) goes the ordinary way, which reports it exactly as for any other `pad`."""
        assert self.assembly is not None
        raw_x = np.fromiter((row[3] for row in rows.rows), float, len(rows.rows))
        raw_y = np.fromiter((row[4] for row in rows.rows), float, len(rows.rows))
        xs, ys = e.place(raw_x, raw_y)  # every pad's own array is a view into these
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

    def _placing(self, e: Element, prop: st.Property) -> None:
        """`position (X, Y)`, `z Z`, `flip`, `rotate R`, `mirror`: where it and its pads land, in its scope."""
        args = Args(prop, self.lets)
        if prop.name == "position":
            e.position = args.point()
        elif prop.name == "z":
            e.z = args.quantity(LENGTH)
        elif prop.name == "rotate":
            e.rotate = rotation(args)
        else:  # flip, mirror: words alone
            setattr(e, prop.name, True)
        args.end()

    def _element_property(self, e: Element, prop: st.Property) -> None:
        args = Args(prop, self.lets)
        name = prop.name
        if name == "body":
            word = args.peek()
            body = args.word("a material")
            assert word is not None  # args.word() has just read it
            e.body = self._material_ref(body, word.loc)
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
        elif name == "msl":
            level_item = args.peek()
            level = args.count("a moisture sensitivity level")
            if level > 6:
                assert level_item is not None
                raise Problem(
                    "E008",
                    f"a moisture sensitivity level is 1 to 6 (J-STD-020), got {describe(level_item)}",
                    level_item.loc,
                )
            e.msl = level
        elif name in ("pad", "pads"):
            self._pads(e, prop, args)
            return
        elif name == "footprint":
            self._footprint(e, args)
            return
        elif name == "connect":
            self._connect(e, prop, args)
            return
        else:
            e.extra[name] = args.quantity(self.extra_element[name])
        args.end()

    def _footprint(self, e: Element, args: Args) -> None:
        """`footprint NAME [mirror] [rotate R] [at (X, Y)]`: its pads, with their names, on this element;
        mirrored, turned and shifted in the element's frame, then placed with the element."""
        item = args.peek()
        name = args.word("a footprint name")
        entry = self.footprints.get(name)
        if entry is None:
            where = item.loc if item is not None else args.prop.loc
            raise Problem("E002", f"unknown footprint `{name}`" + did_you_mean(name, self.footprints), where)
        frame = Frame()
        while not args.at_end():
            if args.accept_keyword("mirror"):
                frame.mirror = True
            elif args.accept_keyword("rotate"):
                frame.rotate = rotation(args)
            elif args.accept_keyword("at"):
                frame.at = args.point()
            else:
                raise args.fail("`mirror`, `rotate` or `at`")
        for prop in entry[0].properties:
            if isinstance(prop, st.PadRows):  # one-line pads read by explicit.py: each the ordinary way here
                for row in prop.rows:
                    line, text = row[0], row[6]
                    self._guard(self._footprint_pads, e, explicit.pad_property(text, line, prop.path), frame)
            else:
                self._guard(self._footprint_pads, e, prop, frame)

    def _footprint_pads(self, e: Element, prop: st.Property, frame: Frame) -> None:
        if prop.name not in ("pad", "pads"):
            raise Problem("E010", f"a footprint holds `pad` and `pads` statements, not `{prop.name}`", prop.loc)
        self._pads(e, prop, Args(prop, self.lets), frame)

    def _pads(self, e: Element, prop: st.Property, args: Args, frame: Frame | None = None) -> None:
        assert self.assembly is not None
        name_item = args.peek()
        name = args.word("a pad name")
        if name in e.pads:
            raise self._dup_pad(e, name, name_item)
        if prop.name == "pads" and frame is None and args.accept_keyword("from"):
            self._pads_from(e, prop, args, name)
            return
        if args.accept_keyword("grid"):
            rows = args.count("the number of rows")
            args.keyword("x")
            cols = args.count("the number of columns")
            args.keyword("pitch")
            px = pitch(args)
            py = pitch(args) if args.accept_keyword("x") else px
            self._count_objects(prop.loc, pads=rows * cols)
            origin = None
            options = self._pad_options(args, allow_origin=True)
            origin = options.pop("origin", None)
            if origin is None:
                origin = (-(cols - 1) * px / 2, -(rows - 1) * py / 2)
            index = np.arange(rows * cols)
            row, col = index // cols, index % cols
            keep = _kept(row, col, rows, cols, options, prop.loc)
            row, col = row[keep], col[keep]
            with np.errstate(over="ignore", invalid="ignore"):  # a huge pitch: caught below
                x = origin[0] + col * px + np.where(row % 2 == 1, px / 2, 0.0) * options.pop("stagger", False)
                y = origin[1] + row * py
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
            if frame is not None:
                x, y = frame.place(x, y)
            x, y = e.place(x, y)
            far = max(np.abs(x).max(), np.abs(y).max())
        if not far <= MAX_COORDINATE:  # also NaN
            raise too_far(f"pads `{name}` would reach", far, prop.loc)
        if "shape" in options and "diameter" in options:
            raise Problem("E005", f"pads `{name}` have both a `diameter` and a `size` or `oblong`: give one", prop.loc)
        width = height = corner = None
        if "shape" in options:
            width, height, corner = options["shape"]
            if ((frame.rotate if frame is not None else 0) + e.rotate) % 180 == 90:  # turned a quarter: sides swap
                width, height = height, width
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
            width=width,
            height=height,
            corner=corner,
            finish=options.get("finish"),
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
        assert problem.diagnostic is not None  # a Problem made with a code has one
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
                barrier = args.word("a barrier material")
                assert word is not None  # args.word() has just read it
                options["barrier"] = self._material_ref(barrier, word.loc)
                nxt = args.peek()
                if isinstance(nxt, st.Quantity | st.Number) or (
                    isinstance(nxt, st.Ref) and nxt.head in self.lets.exprs
                ):
                    options["barrier_thickness"] = args.quantity(LENGTH)
            elif args.accept_keyword("face"):
                options["face"] = args.word("`front` or `back`", FACES, what="face")
            elif args.accept_keyword("finish"):
                options["finish"] = self._finish(args)
            elif allow_origin and args.accept_keyword("keep"):
                if args.accept_keyword("ring"):
                    options["ring"] = args.count("the number of rows and columns kept")
                else:
                    args.keyword("inside")
                    options.setdefault("inside", []).append(args.grid_block())
            elif allow_origin and args.accept_keyword("without"):
                options.setdefault("without", []).append(args.grid_block())
            elif allow_origin and args.accept_keyword("stagger"):
                options["stagger"] = True
            elif args.accept_keyword("size"):
                width, height = args.sides()
                corner = 0.0
                if args.accept_keyword("round"):
                    radius_item = args.peek()
                    corner = args.quantity(LENGTH)
                    if not 0 <= corner <= min(width, height) / 2:
                        assert radius_item is not None
                        raise Problem(
                            "E008",
                            f"a corner radius must be between 0 and half the smaller side, got {describe(radius_item)}",
                            radius_item.loc,
                        )
                options["shape"] = (width, height, corner)
            elif args.accept_keyword("oblong"):
                width, height = args.sides()
                options["shape"] = (width, height, min(width, height) / 2)
            else:
                wanted = (
                    "`origin`, `keep ring`, `keep inside`, `without`, `stagger`, `diameter`, `size`, `oblong`, "
                    "`barrier`, `finish` or `face`"
                    if allow_origin
                    else "`diameter`, `size`, `oblong`, `barrier`, `finish` or `face`"
                )
                assert item is not None  # not at the end
                raise Problem("E010", f"unknown pad option `{describe(item)}`; known: {wanted}", item.loc)
        return options

    def _finish(self, args: Args) -> tuple[tuple[Material, float], ...]:
        """`finish nickel 5 um, gold 0.1 um`: the plating stack, each layer a material and a thickness."""
        layers = []
        while True:
            word = args.peek()
            name = args.word("a finish material such as `gold`")
            assert word is not None
            material = self._material_ref(name, word.loc)
            item = args.peek()
            thickness = args.quantity(LENGTH)
            if not thickness > 0:
                assert item is not None
                raise Problem("E008", f"a finish layer's thickness must be above 0, got {describe(item)}", item.loc)
            layers.append((material, thickness))
            if not args.accept_punct(","):
                return tuple(layers)

    def _connect(self, e: Element, prop: st.Property, args: Args) -> None:
        assert self.assembly is not None
        left_ref = args.ref("pads such as `c[*]`")
        if args.at_end():  # `connect vdd[*]`: a plane, every pad of it one node (STACK.md §4)
            plane = self._element_pads(e, left_ref)
            self.assembly.connects.append((plane.ids[:-1], plane.ids[1:], prop.loc))
            return
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


def _read(prop: st.Property, lets: Lets, fn: Callable[[Args], T]) -> T:
    args = Args(prop, lets)
    value = fn(args)
    args.end()
    return value


def pitch(args: Args) -> float:
    """A grid's pitch: a positive length (E008 otherwise: a zero pitch puts every member on one spot)."""
    item = args.peek()
    value = args.quantity(LENGTH)
    if not value > 0:  # also NaN
        where = item.loc if item is not None else args.prop.loc
        raise Problem("E008", f"a pitch must be positive, got {describe(item) if item is not None else value}", where)
    return value


class Frame:
    """Where a footprint's pads go in their element: x → −x (`mirror`), turned (`rotate`), shifted (`at`)."""

    def __init__(self) -> None:
        self.mirror = False
        self.rotate = 0
        self.at = (0.0, 0.0)

    def place(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        out: tuple[np.ndarray, np.ndarray] = transform(x, y, self.mirror, self.rotate, self.at)
        return out


def _kept(row: np.ndarray, col: np.ndarray, rows: int, cols: int, options: dict[str, Any], loc: Location) -> np.ndarray:
    """Which positions of a full grid a partial one keeps (STACK.md §3): `keep ring K` the K outermost
    rows and columns, `keep inside` only its blocks, `without` all but its blocks."""
    inside, without = options.pop("inside", []), options.pop("without", [])
    for block in (*inside, *without):
        if block.rows[1] > rows or block.columns[1] > cols:
            raise Problem("E008", f"the block reaches past the grid of {rows} x {cols}", block.loc)
    keep = np.ones(len(row), dtype=bool)
    ring = options.pop("ring", None)
    if ring is not None:
        keep &= (np.minimum(row, rows - 1 - row) < ring) | (np.minimum(col, cols - 1 - col) < ring)
    if inside:
        keep &= np.logical_or.reduce([_in_block(row, col, block) for block in inside])
    for block in without:
        keep &= ~_in_block(row, col, block)
    if not keep.any():
        raise Problem("E008", "the grid keeps no pad: its options remove every position", loc)
    return keep


def _in_block(row: np.ndarray, col: np.ndarray, block: st.GridBlock) -> np.ndarray:
    (r0, r1), (c0, c1) = block.rows, block.columns
    return (row >= r0) & (row < r1) & (col >= c0) & (col < c1)


def rotation(args: Args) -> int:
    """`rotate R`: a quarter turn, in degrees counter-clockwise (E008 otherwise); −90 is 270."""
    item = args.peek()
    value = args.quantity(NUMBER)
    turn = int(value) % 360 if value == int(value) else -1
    if turn not in ROTATIONS:
        where = item.loc if item is not None else args.prop.loc
        shown = describe(item) if item is not None else str(value)
        raise Problem("E008", f"`rotate` takes 0, 90, 180 or 270 (degrees, counter-clockwise), got {shown}", where)
    return turn
