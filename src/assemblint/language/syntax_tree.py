"""The syntax tree the parser produces: statements, properties and values, each with its location.

The tree is deliberately generic below the statement level — a property is a name and a list of
values — so that property names are checked (E010) by the builder and plugins can add new ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from assemblint.base.diagnostics import Location

_Node = TypeVar("_Node")

# ---------------------------------------------------------------- values


@dataclass(slots=True)
class Quantity:
    """A number with a unit, already converted to the base unit of its dimension.

    `unit` is the symbol as written: a temperature's scale decides its arithmetic (a `K` term
    shifts an absolute temperature; two `C` terms cannot be added), so it must survive parsing."""

    value: float
    dimension: str
    text: str
    loc: Location
    unit: str = ""


@dataclass(slots=True)
class Number:
    value: float
    text: str
    loc: Location


@dataclass(slots=True)
class String:
    value: str
    loc: Location


@dataclass(slots=True)
class Date:
    value: str
    loc: Location


@dataclass(slots=True)
class Punct:
    """`,`, `..`, `--` or `:` between the values of a property."""

    text: str
    loc: Location


@dataclass(slots=True)
class Index:
    """`[3]` (kind "at"), `[*]` ("every") or `[10:20]` ("slice", either end optional)."""

    kind: str
    start: int | None = None
    stop: int | None = None

    def __str__(self) -> str:
        if self.kind == "at":
            return f"[{self.start}]"
        if self.kind == "every":
            return "[*]"
        return f"[{'' if self.start is None else self.start}:{'' if self.stop is None else self.stop}]"


@dataclass(slots=True)
class Ref:
    """A dotted reference: `chip28.c[3]`, `units[*].m[*]`, or a bare name.

    `parts` alternates names (str) and Index selectors, starting with a name.
    """

    parts: list[str | Index]
    loc: Location

    @property
    def is_name(self) -> bool:
        return len(self.parts) == 1

    @property
    def head(self) -> str:
        return self.parts[0]  # type: ignore[return-value]

    def __str__(self) -> str:
        out = ""
        for part in self.parts:
            out += str(part) if isinstance(part, Index) else ("." if out else "") + part
        return out


@dataclass(slots=True)
class BinOp:
    op: str
    left: Expr
    right: Expr
    loc: Location


@dataclass(slots=True)
class Neg:
    operand: Expr
    loc: Location


@dataclass(slots=True)
class Group:
    """A parenthesised list of expressions: a point `(x, y)` or a single `(expr)`."""

    items: list[Expr]
    loc: Location


@dataclass(slots=True)
class GridBlock:
    """`(R0:R1, C0:C1)`: rows R0 to R1−1 and columns C0 to C1−1 of a grid of pads (STACK.md §3)."""

    rows: tuple[int, int]
    columns: tuple[int, int]
    loc: Location


@dataclass(slots=True)
class Columns:
    """`(name pin, x "X (um)")`: which column of a table gives what (STACK.md §6): role → header."""

    mapping: list[tuple[str, str, Location]]  # (role, header as written, where the pair is)
    loc: Location


Expr = Quantity | Number | Ref | BinOp | Neg
Value = Quantity | Number | String | Punct | Ref | Group | Date | GridBlock | Columns

# ---------------------------------------------------------------- properties and statements


@dataclass(slots=True)
class Property:
    name: str
    args: list[Value]
    loc: Location  # the property's name

    @property
    def span(self) -> Location:
        """From the property's name to the end of its last value."""
        if not self.args:
            return self.loc
        last = self.args[-1].loc
        return Location(self.loc.path, self.loc.line, self.loc.column, last.end_line, last.end_column)


@dataclass(slots=True)
class Statement:
    loc: Location  # the declared name (or the keyword's argument)


@dataclass(slots=True)
class AssemblyTitle(Statement):
    title: str


@dataclass(slots=True)
class Use(Statement):
    library: str


@dataclass(slots=True)
class Import(Statement):
    path: str


@dataclass(slots=True)
class Let(Statement):
    name: str
    expr: Expr


@dataclass(slots=True)
class Declaration(Statement):
    """material / element / layer / mass(es) / lead(s): `KEYWORD NAME [: BASE] { properties }`."""

    keyword: str
    name: str
    base: str | None
    base_loc: Location | None
    properties: list[Property] = field(default_factory=list)


@dataclass(slots=True)
class Refine(Statement):
    """`refine TARGET { properties }`: what another tool's file does not carry (materials, sizes),
    added to an imported element, region or connection (STACK.md §6)."""

    target: Ref
    properties: list[Property] = field(default_factory=list)


@dataclass(slots=True)
class NetDecl(Statement):
    keyword: str  # "net" or "nets"
    name: str
    members: list[Ref] = field(default_factory=list)
    properties: list[Property] = field(default_factory=list)  # `current 2 A`


@dataclass(slots=True)
class Step(Statement):
    name: str
    properties: list[Property]


@dataclass(slots=True)
class ProcessDecl(Statement):
    steps: list[Step]
    properties: list[Property]


@dataclass(slots=True)
class CellDecl(Statement):
    name: str
    statements: list[Statement]


@dataclass(slots=True)
class Place(Statement):
    name: str
    cell: str
    cell_loc: Location
    args: list[Value]


@dataclass(slots=True)
class Waive(Statement):
    rule: str
    patterns: list[Ref]
    reason: str
    by: str | None
    until: Date | None


@dataclass(slots=True)
class PadRows:
    """A run of one-line `pad NAME at (X, Y) [diameter D]` properties, read by explicit.py without Lark.

    In an element's `properties` where those `pad` properties stand. `rows` holds what building
    needs, already in base units: (line, column of `pad`, name, x, y, diameter or None, the line's
    text); `expand()` gives the ordinary Property nodes, for anything that needs the whole tree.
    """

    path: str
    rows: list[tuple[int, int, str, float, float, float | None, str]]
    # explicit.py's reader of one line, handed in by explicit.py so that this module needs not import it
    read_line: Callable[[str, int, str], Property | None] = field(default=lambda *_: None, compare=False, repr=False)
    name: str = "pad"

    @property
    def loc(self) -> Location:
        line, column, *_ = self.rows[0]
        return Location(self.path, line, column, line, column + 3)

    def expand(self) -> list[Property]:
        return [_read(self.read_line(row[6], row[0], self.path)) for row in self.rows]


@dataclass(slots=True)
class MassRows:
    """A run of one-line `mass NAME : MATERIAL { joins E.P -- E.P[; diameter D][; height H] }` statements.

    Read by explicit.py without Lark; `rows` holds (line, column of the name, name, material,
    column of the material, column of `joins`, first pad, second pad, diameter or None, height or
    None, the line's text), quantities in base units; `expand()` gives the ordinary Declarations.
    """

    path: str
    rows: list[tuple[int, int, str, str, int, int, str, str, float | None, float | None, str]]
    read_line: Callable[[str, int, str], Declaration | None] = field(default=lambda *_: None, compare=False, repr=False)

    @property
    def loc(self) -> Location:
        line, column, name, *_ = self.rows[0]
        return Location(self.path, line, column, line, column + len(name))

    def expand(self) -> list[Declaration]:
        return [_read(self.read_line(row[10], row[0], self.path)) for row in self.rows]


def _read(node: _Node | None) -> _Node:
    """A row's line read again: rows hold only lines their reader accepted."""
    assert node is not None
    return node


def expand_rows(statements: list[Statement | MassRows]) -> list[Statement]:
    """Statements with every PadRows and MassRows expanded into ordinary nodes (as Lark makes them)."""
    out: list[Statement] = []
    for stmt in statements:
        if isinstance(stmt, MassRows):
            out.extend(stmt.expand())
            continue
        if isinstance(stmt, Declaration) and any(isinstance(p, PadRows) for p in stmt.properties):
            props: list[Property] = []
            for prop in stmt.properties:
                props.extend(prop.expand() if isinstance(prop, PadRows) else [prop])
            stmt = Declaration(stmt.loc, stmt.keyword, stmt.name, stmt.base, stmt.base_loc, props)
        out.append(stmt)
    return out


@dataclass(slots=True)
class SourceFile:
    path: str
    statements: list[Statement]
