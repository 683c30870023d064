"""Transformations of `.assy` designs that must not change what assemblint finds (issue 9, part 4).

Each transformation works on the syntax tree (`assemblint.language.syntax.parse`) and prints the result back
to text with `print_design`, a small pretty-printer: one statement or property per line, every
expression in parentheses, comments dropped. tests/app/test_invariants.py checks that the findings of
the printed design equal the original's, up to what the transformation is allowed to change.

- `rename`: every user-declared name (materials, elements, pads, masses, layers, leads, nets,
  cells, placements, steps, lets), consistently, in declarations, references and `waive` patterns;
- `reorder`: top-level statements, and the statements of each cell, in another order;
- `translate`: the whole assembly moved by a vector (element positions, pad positions and grid
  origins, placement origins), in exact decimal arithmetic;
- `convert_units`: every quantity written in another unit of its dimension;
- `split`: the statements spread over several files joined by `import`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, getcontext
from fractions import Fraction
from pathlib import Path

from assemblint.base.units import to_base
from assemblint.language import syntax_tree as st
from assemblint.language.syntax import parse

getcontext().prec = 60
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# ---------------------------------------------------------------------------------------- parsing


def parse_design(text: str, path: str = "<design>") -> list[st.Statement]:
    return parse(text, path).statements


# ---------------------------------------------------------------------------------------- printing


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def print_expr(expr: st.Expr | st.Group) -> str:
    """An expression as the grammar reads it back; every operation in parentheses."""
    if isinstance(expr, st.Quantity | st.Number):
        return expr.text
    if isinstance(expr, st.Ref):
        return str(expr)
    if isinstance(expr, st.BinOp):
        return f"({print_expr(expr.left)} {expr.op} {print_expr(expr.right)})"
    if isinstance(expr, st.Neg):
        inner = expr.operand
        simple = isinstance(inner, st.Quantity | st.Number | st.Ref) and not inner_is_negative(inner)
        return f"-{print_expr(inner)}" if simple else f"-({print_expr(inner)})"
    if isinstance(expr, st.Group):
        return "(" + ", ".join(print_expr(item) for item in expr.items) + ")"
    raise TypeError(f"not an expression: {expr!r}")


def inner_is_negative(value: st.Quantity | st.Number | st.Ref) -> bool:
    return isinstance(value, st.Quantity | st.Number) and value.text.startswith("-")


def print_value(value: st.Value) -> str:
    if isinstance(value, st.String):
        return _string(value.value)
    if isinstance(value, st.Date):
        return value.value
    if isinstance(value, st.Punct):
        return value.text
    if isinstance(value, st.GridBlock):
        return f"({value.rows[0]}:{value.rows[1]}, {value.columns[0]}:{value.columns[1]})"
    return print_expr(value)  # type: ignore[arg-type]


def print_property(prop: st.Property) -> str:
    return " ".join([prop.name, *(print_value(v) for v in prop.args)])


def _block(head: str, lines: Iterable[str], indent: str) -> list[str]:
    return [f"{indent}{head} {{", *(f"{indent}    {line}" for line in lines), f"{indent}}}"]


def print_statement(stmt: st.Statement, indent: str = "") -> list[str]:
    """The lines of one statement."""
    if isinstance(stmt, st.AssemblyTitle):
        return [f"{indent}assembly {_string(stmt.title)}"]
    if isinstance(stmt, st.Use):
        return [f"{indent}use {stmt.library}"]
    if isinstance(stmt, st.Import):
        return [f"{indent}import {_string(stmt.path)}"]
    if isinstance(stmt, st.Let):
        return [f"{indent}let {stmt.name} = {print_expr(stmt.expr)}"]
    if isinstance(stmt, st.Declaration):
        head = f"{stmt.keyword} {stmt.name}" + (f" : {stmt.base}" if stmt.base is not None else "")
        return _block(head, (print_property(p) for p in stmt.properties), indent)
    if isinstance(stmt, st.NetDecl):
        return [f"{indent}{stmt.keyword} {stmt.name} {{ {', '.join(str(m) for m in stmt.members)} }}"]
    if isinstance(stmt, st.ProcessDecl):
        lines = [f"step {s.name} {{ {'; '.join(print_property(p) for p in s.properties)} }}" for s in stmt.steps]
        lines += [print_property(p) for p in stmt.properties]
        return _block("process", lines, indent)
    if isinstance(stmt, st.CellDecl):
        inner = [line for s in stmt.statements for line in print_statement(s, indent + "    ")]
        return [f"{indent}cell {stmt.name} {{", *inner, f"{indent}}}"]
    if isinstance(stmt, st.Place):
        return [f"{indent}place {stmt.name} : {stmt.cell} " + " ".join(print_value(v) for v in stmt.args)]
    if isinstance(stmt, st.Waive):
        text = f"{indent}waive {stmt.rule} on {', '.join(str(p) for p in stmt.patterns)} because {_string(stmt.reason)}"
        if stmt.by is not None:
            text += f" by {_string(stmt.by)}"
        if stmt.until is not None:
            text += f" until {stmt.until.value}"
        return [text]
    raise TypeError(f"cannot print {stmt!r}")


def print_design(statements: Sequence[st.Statement]) -> str:
    return "\n".join(line for stmt in statements for line in print_statement(stmt)) + "\n"


# ---------------------------------------------------------------------------------------- walking


def walk_statements(statements: Iterable[st.Statement]) -> Iterable[st.Statement]:
    """Every statement, cells' statements included."""
    for stmt in statements:
        yield stmt
        if isinstance(stmt, st.CellDecl):
            yield from walk_statements(stmt.statements)


def _walk_expr(expr) -> Iterable:
    yield expr
    if isinstance(expr, st.BinOp):
        yield from _walk_expr(expr.left)
        yield from _walk_expr(expr.right)
    elif isinstance(expr, st.Neg):
        yield from _walk_expr(expr.operand)
    elif isinstance(expr, st.Group):
        for item in expr.items:
            yield from _walk_expr(item)


def all_values(statements: Iterable[st.Statement]) -> Iterable:
    """Every value and sub-expression in the design (property arguments, `let`s, `place`)."""
    for stmt in walk_statements(statements):
        props: list[st.Property] = []
        if isinstance(stmt, st.Declaration):
            props = stmt.properties
        elif isinstance(stmt, st.ProcessDecl):
            props = [p for s in stmt.steps for p in s.properties] + stmt.properties
        elif isinstance(stmt, st.Let):
            yield from _walk_expr(stmt.expr)
        elif isinstance(stmt, st.Place):
            for value in stmt.args:
                yield from _walk_expr(value)
        for prop in props:
            for value in prop.args:
                yield from _walk_expr(value)


# ---------------------------------------------------------------------------------------- renaming


@dataclass
class Names:
    """The user-declared names of a design, by namespace."""

    materials: set[str] = field(default_factory=set)
    shared: set[str] = field(default_factory=set)  # lets, elements, layers, masses, leads, nets, cells, places
    lets: set[str] = field(default_factory=set)
    elements: set[str] = field(default_factory=set)
    steps: set[str] = field(default_factory=set)
    pads: set[str] = field(default_factory=set)

    def count(self) -> int:
        return len(self.materials) + len(self.shared) + len(self.steps) + len(self.pads)


def declared_names(statements: Sequence[st.Statement]) -> Names:
    names = Names()
    for stmt in walk_statements(statements):
        if isinstance(stmt, st.Declaration):
            if stmt.keyword == "material":
                names.materials.add(stmt.name)
                continue
            names.shared.add(stmt.name)
            if stmt.keyword in ("element", "footprint"):
                if stmt.keyword == "element":
                    names.elements.add(stmt.name)
                for prop in stmt.properties:
                    if prop.name in ("pad", "pads") and prop.args and isinstance(prop.args[0], st.Ref):
                        names.pads.add(prop.args[0].head)
        elif isinstance(stmt, st.Let):
            names.shared.add(stmt.name)
            names.lets.add(stmt.name)
        elif isinstance(stmt, st.NetDecl | st.CellDecl | st.Place):
            names.shared.add(stmt.name)
        elif isinstance(stmt, st.ProcessDecl):
            names.steps.update(s.name for s in stmt.steps)
    return names


@dataclass
class Renaming:
    """New names per namespace; every new name is distinct from every other and from the old ones."""

    materials: dict[str, str]
    shared: dict[str, str]
    steps: dict[str, str]
    pads: dict[str, str]
    names: Names

    @property
    def inverse(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for mapping in (self.materials, self.shared, self.steps, self.pads):
            for old, new in mapping.items():
                assert new not in out, new
                out[new] = old
        return out

    # -- references
    def material(self, name: str) -> str:
        return self.materials.get(name, name)

    def let(self, name: str) -> str:
        return self.shared[name] if name in self.names.lets else name

    def ref(self, ref: st.Ref, first: str = "shared") -> st.Ref:
        """An object reference: `units[2].chip.c[0:4]`; `first` is "pad" for a `connect`."""
        parts: list[str | st.Index] = []
        previous: str | None = None
        for part in ref.parts:
            if isinstance(part, st.Index):
                parts.append(part)
                continue
            if previous is None:
                new = self.pads.get(part, part) if first == "pad" else self.shared.get(part, part)
            elif previous in self.names.elements:
                new = self.pads.get(part, part)
            else:
                new = self.shared.get(part, part)
            parts.append(new)
            previous = part
        return st.Ref(parts, ref.loc)

    def expr(self, expr):
        """Let names inside an expression or a point."""
        if isinstance(expr, st.Ref) and expr.is_name:
            return st.Ref([self.let(expr.head)], expr.loc)
        if isinstance(expr, st.BinOp):
            return st.BinOp(expr.op, self.expr(expr.left), self.expr(expr.right), expr.loc)
        if isinstance(expr, st.Neg):
            return st.Neg(self.expr(expr.operand), expr.loc)
        if isinstance(expr, st.Group):
            return st.Group([self.expr(i) for i in expr.items], expr.loc)
        return expr


def _is_word(value: st.Value, word: str) -> bool:
    return isinstance(value, st.Ref) and value.is_name and value.head == word


# What follows a keyword inside `pads`/`pad`/`place` arguments (bare names in those slots are values).
_FOLLOWS = {
    "grid": ["let"],
    "x": ["let"],
    "pitch": ["let"],
    "diameter": ["let"],
    "barrier": ["material", "optional-let"],
    "face": ["keyword"],
    "count": ["let"],
    # version 2 (STACK.md): shapes, partial grids, placement
    "size": ["let"],
    "round": ["let"],
    "oblong": ["let"],
    "ring": ["let"],
    "z": ["let"],
    "rotate": ["let"],
    "tolerance": ["let"],
}


def _rename_slots(args: list[st.Value], r: Renaming, first: list[str]) -> list[st.Value]:
    """Bare names in `pads`-like argument lists: a queue of what the next values are."""
    out: list[st.Value] = []
    queue = list(first)
    for value in args:
        if isinstance(value, st.Punct):
            out.append(value)
            continue
        if isinstance(value, st.Ref) and value.is_name:
            role = queue.pop(0) if queue else "keyword"
            if role == "optional-let":
                role = "let" if value.head in r.names.lets else "keyword"
            if role == "keyword":
                out.append(value)
                queue = list(_FOLLOWS.get(value.head, []))
                continue
            word = {"let": r.let, "material": r.material, "pad": lambda n: r.pads.get(n, n)}[role](value.head)
            out.append(st.Ref([word], value.loc))
            continue
        if queue:
            queue.pop(0)
        out.append(r.expr(value) if isinstance(value, st.Group | st.Ref) else value)
    return out


def _rename_property(kind: str, prop: st.Property, r: Renaming) -> st.Property:
    name, args = prop.name, prop.args

    def objects(first: str = "shared", keep: Sequence[str] = ()) -> list[st.Value]:
        return [r.ref(v, first) if isinstance(v, st.Ref) and not (v.is_name and v.head in keep) else v for v in args]

    def lets() -> list[st.Value]:
        return [r.expr(v) if isinstance(v, st.Ref | st.Group) else v for v in args]

    if kind == "material":
        new = list(args) if name in ("kind", "composition", "exemption", "dielectric") else lets()
    elif kind == "element":
        if name == "body":
            new = [st.Ref([r.material(args[0].head)], args[0].loc), *args[1:]]  # type: ignore[union-attr]
        elif name == "size":
            new = [v if _is_word(v, "x") and i % 2 else r.expr(v) for i, v in enumerate(args)]
        elif name in ("pad", "pads"):
            new = _rename_slots(args, r, ["pad"])
        elif name == "connect":
            new = objects("pad")
        elif name == "footprint":  # footprint NAME [mirror] [rotate R] [at (X, Y)]
            new = [st.Ref([r.shared.get(args[0].head, args[0].head)], args[0].loc), *_rename_slots(args[1:], r, [])]  # type: ignore[union-attr]
        else:
            new = lets()
    elif kind == "footprint":
        new = _rename_slots(args, r, ["pad"])
    elif kind == "layer":
        if name == "role":
            new = list(args)
        elif name in ("between", "surrounds"):
            new = objects()
        else:
            new = lets()
    elif kind in ("mass", "masses"):
        if name == "joins":
            new = objects(keep=("by", "position", "tolerance"))
        elif name == "in":
            new = objects()
        elif name == "size":
            new = [v if _is_word(v, "x") and i % 2 else r.expr(v) for i, v in enumerate(args)]
        elif name == "region":
            new = list(args)
            # region NAME : MATERIAL on ELEMENT
            new[2] = st.Ref([r.material(args[2].head)], args[2].loc)  # type: ignore[union-attr]
            new[4] = r.ref(args[4])  # type: ignore[arg-type]
        else:
            new = lets()
    elif kind in ("lead", "leads"):
        new = objects(keep=("to",)) if name == "from" else list(args)
    elif kind == "step":
        if name == "kind":
            new = list(args)
        elif name in ("forms", "mixes", "heats"):
            new = objects()
        elif name == "requires":
            new = [args[0], *(r.ref(v) if isinstance(v, st.Ref) else v for v in args[1:])]
        else:
            new = lets()
    elif kind == "process":
        new = [v if _is_word(v, "count") else r.expr(v) for v in args]
    else:
        raise ValueError(kind)
    return st.Property(name, new, prop.loc)


def _rename_statement(stmt: st.Statement, r: Renaming) -> st.Statement:
    if isinstance(stmt, st.Let):
        return st.Let(stmt.loc, r.shared[stmt.name], r.expr(stmt.expr))
    if isinstance(stmt, st.Declaration):
        if stmt.keyword == "material":
            name, base = r.material(stmt.name), stmt.base and r.material(stmt.base)
        else:
            name = r.shared[stmt.name]
            base = stmt.base if stmt.keyword == "element" else stmt.base and r.material(stmt.base)
        props = [_rename_property(stmt.keyword, p, r) for p in stmt.properties]
        return st.Declaration(stmt.loc, stmt.keyword, name, base, stmt.base_loc, props)
    if isinstance(stmt, st.NetDecl):
        return st.NetDecl(stmt.loc, stmt.keyword, r.shared[stmt.name], [r.ref(m) for m in stmt.members])
    if isinstance(stmt, st.ProcessDecl):
        steps = [
            st.Step(s.loc, r.steps[s.name], [_rename_property("step", p, r) for p in s.properties]) for s in stmt.steps
        ]
        return st.ProcessDecl(stmt.loc, steps, [_rename_property("process", p, r) for p in stmt.properties])
    if isinstance(stmt, st.CellDecl):
        return st.CellDecl(stmt.loc, r.shared[stmt.name], [_rename_statement(s, r) for s in stmt.statements])
    if isinstance(stmt, st.Place):
        args = _rename_slots(stmt.args, r, [])
        return st.Place(stmt.loc, r.shared[stmt.name], r.shared[stmt.cell], stmt.cell_loc, args)
    if isinstance(stmt, st.Waive):
        return st.Waive(stmt.loc, stmt.rule, [r.ref(p) for p in stmt.patterns], stmt.reason, stmt.by, stmt.until)
    return stmt


def make_renaming(statements: Sequence[st.Statement], fresh: Sequence[str]) -> Renaming:
    """A renaming that takes new names from `fresh` (distinct, not used anywhere in the design)."""
    names = declared_names(statements)
    pool = iter(fresh)
    return Renaming(
        {n: next(pool) for n in sorted(names.materials)},
        {n: next(pool) for n in sorted(names.shared)},
        {n: next(pool) for n in sorted(names.steps)},
        {n: next(pool) for n in sorted(names.pads)},
        names,
    )


def rename(statements: Sequence[st.Statement], renaming: Renaming) -> list[st.Statement]:
    return [_rename_statement(s, renaming) for s in statements]


def map_names(text: str, inverse: dict[str, str]) -> str:
    """Every identifier of `text` that is a new name, back to its old name."""
    return IDENTIFIER.sub(lambda m: inverse.get(m.group(0), m.group(0)), text)


# ---------------------------------------------------------------------------------------- reordering


def reorder(statements: Sequence[st.Statement], order: Callable[[list], list]) -> list[st.Statement]:
    """Top-level statements in `order(list)`, and each cell's statements too.

    The process keeps its steps in order (their order is the process); statements are otherwise
    independent (docs/language.md: "Top-level declarations may come in any order").
    """
    out = []
    for stmt in statements:
        if isinstance(stmt, st.CellDecl):
            stmt = st.CellDecl(stmt.loc, stmt.name, order(list(stmt.statements)))
        out.append(stmt)
    return order(out)


# ---------------------------------------------------------------------------------------- translating


def decimal_text(value: Fraction | Decimal) -> str:
    """An exact decimal for a value with a terminating expansion (no exponent)."""
    d = Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction) else value
    text = format(d.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _length(value: Decimal) -> st.Quantity:
    text = f"{decimal_text(value)} um"
    return st.Quantity(float(value), "length", text, _NOWHERE, "um")


_NOWHERE = st.Location("<transform>", 1, 1)


def _shift_point(group: st.Group, by: tuple[Decimal, Decimal]) -> st.Group:
    items = [
        st.BinOp("+", item, _length(d), item.loc) if d else item
        for item, d in zip(group.items, by, strict=True)  # type: ignore[arg-type]
    ]
    return st.Group(items, group.loc)


def _point(by: tuple[Decimal, Decimal]) -> st.Group:
    return st.Group([_length(by[0]), _length(by[1])], _NOWHERE)


def _default_origin(args: list[st.Value], by: tuple[Decimal, Decimal]) -> st.Group:
    """`origin` for a grid that has none: centred, `(-(COLS - 1) * PX / 2, -(ROWS - 1) * PY / 2)`, shifted."""
    i = next(i for i, v in enumerate(args) if isinstance(v, st.Ref) and v.is_name and v.head == "grid")
    rows, cols, px = args[i + 1], args[i + 3], args[i + 5]
    py = args[i + 7] if len(args) > i + 7 and isinstance(args[i + 6], st.Ref) and args[i + 6].head == "x" else px

    def centred(count, pitch, shift: Decimal):
        one = st.Number(1.0, "1", _NOWHERE)
        two = st.Number(2.0, "2", _NOWHERE)
        half = st.BinOp("/", st.BinOp("*", st.BinOp("-", count, one, _NOWHERE), pitch, _NOWHERE), two, _NOWHERE)
        return st.BinOp("+", st.Neg(half, _NOWHERE), _length(shift), _NOWHERE)

    return st.Group([centred(cols, px, by[0]), centred(rows, py, by[1])], _NOWHERE)


def _with_origin(args: list[st.Value], by: tuple[Decimal, Decimal]) -> list[st.Value]:
    """A grid's arguments with its origin moved by `by` (an explicit origin added where there is none)."""
    for i, value in enumerate(args):
        if isinstance(value, st.Ref) and value.is_name and value.head == "origin":
            return [*args[: i + 1], _shift_point(args[i + 1], by), *args[i + 2 :]]  # type: ignore[arg-type]
    return [*args, st.Ref(["origin"], _NOWHERE), _default_origin(args, by)]


def _translate_pads(prop: st.Property, by: tuple[Decimal, Decimal]) -> st.Property:
    args = prop.args
    if len(args) > 1 and isinstance(args[1], st.Ref) and args[1].head == "grid":
        return st.Property(prop.name, _with_origin(args, by), prop.loc)
    # `at (X, Y), (X, Y) …`: every point until the options
    new = [_shift_point(v, by) if isinstance(v, st.Group) and _in_at(args, i) else v for i, v in enumerate(args)]
    return st.Property(prop.name, new, prop.loc)


def _in_at(args: list[st.Value], index: int) -> bool:
    """Whether the point at `index` is one of the `at` positions (not an `origin`)."""
    previous = args[index - 1]
    return (isinstance(previous, st.Ref) and previous.head == "at") or isinstance(previous, st.Punct)


@dataclass
class Translation:
    """Where the shift goes: the assembly moves by `vector` in exact arithmetic.

    Top-level elements move by `element`; pads by `pads` within their element; a placement's
    origin by `vector - element_in_cell - pads` and elements inside cells by `element_in_cell`.
    """

    vector: tuple[Decimal, Decimal]
    pads: tuple[Decimal, Decimal]
    element_in_cell: tuple[Decimal, Decimal]

    def top_element(self) -> tuple[Decimal, Decimal]:
        return (self.vector[0] - self.pads[0], self.vector[1] - self.pads[1])

    def placement(self) -> tuple[Decimal, Decimal]:
        return tuple(v - p - c for v, p, c in zip(self.vector, self.pads, self.element_in_cell, strict=True))  # type: ignore[return-value]


def _translate_element(decl: st.Declaration, element_by, pads_by) -> st.Declaration:
    props = []
    has_position = False
    for prop in decl.properties:
        if prop.name == "position":
            has_position = True
            prop = st.Property("position", [_shift_point(prop.args[0], element_by)], prop.loc)  # type: ignore[arg-type]
        elif prop.name in ("pad", "pads"):
            prop = _translate_pads(prop, pads_by)
        props.append(prop)
    if not has_position:
        props.insert(0, st.Property("position", [_point(element_by)], _NOWHERE))
    return st.Declaration(decl.loc, decl.keyword, decl.name, decl.base, decl.base_loc, props)


def translate(statements: Sequence[st.Statement], t: Translation) -> list[st.Statement]:
    out: list[st.Statement] = []
    for stmt in statements:
        if isinstance(stmt, st.Declaration) and stmt.keyword == "element":
            stmt = _translate_element(stmt, t.top_element(), t.pads)
        elif isinstance(stmt, st.CellDecl):
            inner = [
                _translate_element(s, t.element_in_cell, t.pads)
                if isinstance(s, st.Declaration) and s.keyword == "element"
                else s
                for s in stmt.statements
            ]
            stmt = st.CellDecl(stmt.loc, stmt.name, inner)
        elif isinstance(stmt, st.Place):
            stmt = st.Place(stmt.loc, stmt.name, stmt.cell, stmt.cell_loc, _with_origin(stmt.args, t.placement()))
        out.append(stmt)
    return out


# ---------------------------------------------------------------------------------------- units

# For each dimension, units and their exact size in the base unit (value_base = value * scale + offset).
# Only exact rational factors, so that the new text is the same quantity in exact arithmetic.
UNIT_CHOICES: dict[str, list[tuple[str, Fraction, Fraction]]] = {
    "temperature": [
        ("C", Fraction(1), Fraction(0)),
        ("°C", Fraction(1), Fraction(0)),
        ("degC", Fraction(1), Fraction(0)),
        ("K", Fraction(1), Fraction(-27315, 100)),
        ("F", Fraction(5, 9), Fraction(-160, 9)),
        ("°F", Fraction(5, 9), Fraction(-160, 9)),
        ("degF", Fraction(5, 9), Fraction(-160, 9)),
    ],
    "length": [
        ("nm", Fraction(1, 1000), Fraction(0)),
        ("um", Fraction(1), Fraction(0)),
        ("µm", Fraction(1), Fraction(0)),
        ("μm", Fraction(1), Fraction(0)),
        ("mm", Fraction(1000), Fraction(0)),
        ("cm", Fraction(10000), Fraction(0)),
        ("m", Fraction(1000000), Fraction(0)),
        ("mil", Fraction(254, 10), Fraction(0)),
    ],
    "expansion": [
        ("ppm/K", Fraction(1), Fraction(0)),
        ("ppm/C", Fraction(1), Fraction(0)),
        ("/K", Fraction(1000000), Fraction(0)),
    ],
    "modulus": [
        ("Pa", Fraction(1, 1000000), Fraction(0)),
        ("kPa", Fraction(1, 1000), Fraction(0)),
        ("MPa", Fraction(1), Fraction(0)),
        ("GPa", Fraction(1000), Fraction(0)),
        ("psi", Fraction("0.006894757293168361"), Fraction(0)),  # as units.py defines them
        ("ksi", Fraction("6.894757293168361"), Fraction(0)),
    ],
    "resistivity": [
        ("uohm.cm", Fraction(1), Fraction(0)),
        ("µohm.cm", Fraction(1), Fraction(0)),
        ("μohm.cm", Fraction(1), Fraction(0)),
        ("ohm.cm", Fraction(1000000), Fraction(0)),
        ("ohm.m", Fraction(100000000), Fraction(0)),
    ],
    "time": [("s", Fraction(1), Fraction(0)), ("min", Fraction(60), Fraction(0)), ("h", Fraction(3600), Fraction(0))],
}
_BY_SYMBOL = {symbol: (dim, scale, offset) for dim, units in UNIT_CHOICES.items() for symbol, scale, offset in units}
_QUANTITY_TEXT = re.compile(r"^(?P<sign>-?)(?P<num>(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?)[ \t]*(?P<unit>.+)$")


def _exact(text: str) -> Fraction:
    return Fraction(Decimal(text))


def _terminates(value: Fraction) -> bool:
    d = value.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    return d == 1


def _nearest_text(value: Fraction, symbol: str, target: float) -> str | None:
    """The shortest decimal near `value` (15 to 20 significant digits) that the tool reads as
    `target`: a value with no exact decimal in this unit (100 µm in mil, 0.3 MPa in psi)."""
    for digits in range(15, 21):
        text = decimal_text(_round(value, digits))
        if to_base(float(text), symbol)[0] == target:
            return text
    return None


def _round(value: Fraction, digits: int) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(format(exact, f".{digits}g"))


def convert_quantity(q: st.Quantity, choose: Callable[[list[str]], str], differences: bool) -> st.Quantity:
    """`q` written in a unit that `choose` picks: the same quantity as an exact decimal where there
    is one, else the shortest decimal that reads as the same number (`_nearest_text`).

    `differences`: the quantity is inside an expression (`190 C + 10 K`, `125 C - 85 C`), where a
    temperature's scale decides the arithmetic (a K term shifts, two C terms cannot be added): a
    temperature there keeps its scale (K stays K; C, °C, degC; F, °F, degF).
    """
    match = _QUANTITY_TEXT.match(q.text)
    assert match, q.text
    unit = match["unit"]
    if unit not in _BY_SYMBOL:
        return q
    dim, scale, offset = _BY_SYMBOL[unit]
    sign = -1 if match["sign"] else 1
    number = _exact(match["num"]) * sign
    base = number * scale + offset
    target = to_base(sign * float(match["num"]), unit)[0]
    options: dict[str, str] = {}
    for symbol, s, o in UNIT_CHOICES[dim]:
        if differences and dim == "temperature" and (s, o) != (scale, offset):
            continue
        value = (base - o) / s
        text = decimal_text(value) if _terminates(value) else _nearest_text(value, symbol, target)
        if text is not None:
            options[symbol] = text
    symbol = choose(sorted(options))
    return st.Quantity(q.value, q.dimension, f"{options[symbol]} {symbol}", q.loc, symbol)


def convert_units(statements: Sequence[st.Statement], choose: Callable[[list[str]], str]) -> list[st.Statement]:
    """Every quantity in a unit `choose` picks; temperatures inside expressions keep their scale."""
    statements = copy.deepcopy(list(statements))

    def in_expr(expr, nested: bool):
        if isinstance(expr, st.Quantity):
            return convert_quantity(expr, choose, nested)
        if isinstance(expr, st.BinOp):
            return st.BinOp(expr.op, in_expr(expr.left, True), in_expr(expr.right, True), expr.loc)
        if isinstance(expr, st.Neg):
            return st.Neg(in_expr(expr.operand, True), expr.loc)
        if isinstance(expr, st.Group):
            return st.Group([in_expr(i, nested) for i in expr.items], expr.loc)
        return expr

    def props(properties: list[st.Property]) -> list[st.Property]:
        return [st.Property(p.name, [in_expr(v, False) for v in p.args], p.loc) for p in properties]

    def convert(stmt: st.Statement) -> st.Statement:
        if isinstance(stmt, st.Let):
            return st.Let(stmt.loc, stmt.name, in_expr(stmt.expr, False))
        if isinstance(stmt, st.Declaration):
            return st.Declaration(stmt.loc, stmt.keyword, stmt.name, stmt.base, stmt.base_loc, props(stmt.properties))
        if isinstance(stmt, st.ProcessDecl):
            steps = [st.Step(s.loc, s.name, props(s.properties)) for s in stmt.steps]
            return st.ProcessDecl(stmt.loc, steps, props(stmt.properties))
        if isinstance(stmt, st.CellDecl):
            return st.CellDecl(stmt.loc, stmt.name, [convert(s) for s in stmt.statements])
        if isinstance(stmt, st.Place):
            return st.Place(stmt.loc, stmt.name, stmt.cell, stmt.cell_loc, [in_expr(v, False) for v in stmt.args])
        return stmt

    return [convert(s) for s in statements]


# ---------------------------------------------------------------------------------------- splitting


def split(statements: Sequence[st.Statement], parts: Sequence[int], folder: Path, name: str = "design") -> Path:
    """Write the design as a main file and `max(parts)` others: statement i goes to file parts[i].

    File 0 is the main file; it imports the others, which import nothing. Returns the main file.
    """
    count = max(parts, default=0) + 1
    files: list[list[st.Statement]] = [[] for _ in range(count)]
    for stmt, part in zip(statements, parts, strict=True):
        files[part].append(stmt)
    folder.mkdir(parents=True, exist_ok=True)
    main = folder / f"{name}.assy"
    imports = [st.Import(_NOWHERE, f"parts/{name}-{k}.assy") for k in range(1, count)]
    main.write_text(print_design([*imports, *files[0]]), encoding="utf-8")
    for k in range(1, count):
        path = folder / "parts" / f"{name}-{k}.assy"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(print_design(files[k]), encoding="utf-8")
    return main
