"""The names a file declares and uses, read from its syntax tree: what go to definition looks for
and what find references lists.

Each occurrence is a namespace (LANGUAGE.md: materials and steps have their own; pads belong to
their element, keyed `element.pad`; everything else shares one), a name, where it is written, and
whether it is the declaration. A big export is hundreds of thousands of one-line rows: with `want`,
only the rows that name what is looked for make a location.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from assemblint.base.diagnostics import Location
from assemblint.editing.cursor import PAD_OPTIONS
from assemblint.language import syntax_tree as st

_PART = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\[[^\]]*\]")
_SKIP_WORDS = {"kind", "role", "shape", "face", "requires"}  # properties whose values are fixed words
_STEP_WORDS = {"solid", "liquid"}
_PLACE_WORDS = {"grid", "x", "pitch", "at", "origin"}

Lines = Callable[[int], str]  # a file's line by number (from 1)


@dataclass(frozen=True, slots=True)
class Occurrence:
    namespace: str  # "material", "step", "name", "pad"
    name: str  # a pad's is `element.pad`
    loc: Location
    declares: bool = False
    scope: str = ""  # the cell it is written in ("" at the top level)
    kind: str = ""  # a declaration's keyword: element, masses, pad, step…


class _Walk:
    def __init__(self, path: str, lines: Lines, want: tuple[str, str] | None):
        self.path = path
        self.lines = lines
        self.want = want

    def wanted(self, namespace: str, name: str) -> bool:
        return self.want is None or self.want == (namespace, name)

    def at(self, line: int, column: int, width: int) -> Location:
        return Location(self.path, line, column, line, column + width)

    # -- statements
    def statements(self, statements: list[st.Statement], scope: str) -> Iterator[Occurrence]:
        for stmt in statements:
            yield from self.statement(stmt, scope)

    def statement(self, stmt: st.Statement | st.MassRows, scope: str) -> Iterator[Occurrence]:
        if isinstance(stmt, st.MassRows):
            yield from self.mass_rows(stmt, scope)
        elif isinstance(stmt, st.Declaration):
            yield from self.declaration(stmt, scope)
        elif isinstance(stmt, st.NetDecl):
            yield from self.declared("name", stmt.name, stmt.loc, scope, stmt.keyword)
            for member in stmt.members:
                yield from self.ref(member, scope)
        elif isinstance(stmt, st.ProcessDecl):
            for step in stmt.steps:
                yield from self.declared("step", step.name, step.loc, scope, "step")
                for prop in step.properties:
                    if prop.name not in _SKIP_WORDS or prop.name == "requires":
                        yield from self.values(prop.args, scope, skip=_STEP_WORDS)
        elif isinstance(stmt, st.CellDecl):
            yield from self.declared("name", stmt.name, stmt.loc, scope, "cell")
            yield from self.statements(stmt.statements, stmt.name)
        elif isinstance(stmt, st.Place):
            yield from self.declared("name", stmt.name, stmt.loc, scope, "place")
            if self.wanted("name", stmt.cell):
                yield Occurrence("name", stmt.cell, stmt.cell_loc, scope=scope)
            yield from self.values(stmt.args, scope, skip=_PLACE_WORDS)
        elif isinstance(stmt, st.Let):
            yield from self.declared("name", stmt.name, stmt.loc, scope, "let")
            yield from self.values([stmt.expr], scope)
        elif isinstance(stmt, st.Waive):
            for pattern in stmt.patterns:
                yield from self.ref(pattern, scope)
        elif isinstance(stmt, st.Refine):
            yield from self.ref(stmt.target, scope)
            for prop in stmt.properties:
                yield from self.element_property(prop, stmt.target.head, scope)

    def declared(self, namespace: str, name: str, loc: Location, scope: str, kind: str) -> Iterator[Occurrence]:
        if self.wanted(namespace, name):
            yield Occurrence(namespace, name, loc, True, scope, kind)

    def declaration(self, decl: st.Declaration, scope: str) -> Iterator[Occurrence]:
        namespace = "material" if decl.keyword == "material" else "name"
        yield from self.declared(namespace, decl.name, decl.loc, scope, decl.keyword)
        based = decl.keyword in ("material", "mass", "masses", "layer", "lead", "leads")
        if based and decl.base and decl.base_loc and self.wanted("material", decl.base):
            yield Occurrence("material", decl.base, decl.base_loc, scope=scope)
        for prop in decl.properties:
            if isinstance(prop, st.PadRows):
                yield from self.pad_rows(prop, decl.name, scope)
            elif decl.keyword in ("element", "footprint"):
                yield from self.element_property(prop, decl.name, scope)
            elif decl.keyword == "material":
                if prop.name != "kind":
                    yield from self.values(prop.args, scope)
            elif prop.name == "region":
                yield from self.region(prop, scope)
            elif prop.name not in _SKIP_WORDS:
                yield from self.values(prop.args, scope)

    def element_property(self, prop: st.Property, element: str, scope: str) -> Iterator[Occurrence]:
        if prop.name in ("pad", "pads"):
            first = prop.args[0] if prop.args else None
            if isinstance(first, st.Ref) and first.is_name:
                yield from self.declared("pad", f"{element}.{first.head}", first.loc, scope, prop.name)
            yield from self.pad_options(prop.args[1:], scope)
        elif prop.name == "body":
            yield from self.values(prop.args, scope, namespace="material")
        elif prop.name == "connect":
            for value in prop.args:
                if isinstance(value, st.Ref):
                    head = self.parts(value)[0]
                    if self.wanted("pad", f"{element}.{head[0]}"):
                        yield Occurrence("pad", f"{element}.{head[0]}", head[1], scope=scope)
        elif prop.name not in _SKIP_WORDS:
            yield from self.values(prop.args, scope)

    def pad_options(self, args: list[st.Value], scope: str) -> Iterator[Occurrence]:
        materials = False
        for value in args:
            if isinstance(value, st.Ref) and value.is_name and value.head in PAD_OPTIONS:
                materials = value.head in ("barrier", "finish")
                continue
            if isinstance(value, st.Ref) and value.is_name:
                yield from self.values([value], scope, namespace="material" if materials else "name")
                materials = False
            elif isinstance(value, st.Punct) and value.text == ",":
                materials = True if _finishing(args, value) else materials
            else:
                yield from self.values([value], scope)

    def region(self, prop: st.Property, scope: str) -> Iterator[Occurrence]:
        """`region core : Pb95Sn5 on die`: a material after the colon, an element after `on`."""
        namespace = "keyword"
        for value in prop.args:
            if isinstance(value, st.Punct) and value.text == ":":
                namespace = "material"
            elif isinstance(value, st.Ref) and value.is_name and value.head == "on":
                namespace = "name"
            elif isinstance(value, st.Ref) and namespace != "keyword":
                yield from self.values([value], scope, namespace=namespace)

    def values(
        self, values: list, scope: str, namespace: str = "name", skip: set[str] | frozenset[str] = frozenset()
    ) -> Iterator[Occurrence]:
        for value in values:
            if isinstance(value, st.Ref):
                if not (value.is_name and value.head in skip):
                    yield from self.ref(value, scope, namespace)
            elif isinstance(value, st.BinOp):
                yield from self.values([value.left, value.right], scope)
            elif isinstance(value, st.Neg):
                yield from self.values([value.operand], scope)
            elif isinstance(value, st.Group):
                yield from self.values(value.items, scope)

    def ref(self, ref: st.Ref, scope: str, namespace: str = "name") -> Iterator[Occurrence]:
        """A reference's first name, and its second (a pad) when written right after it."""
        head = ref.head
        pad = ref.parts[1] if len(ref.parts) > 1 and isinstance(ref.parts[1], str) else None
        want_head = self.wanted(namespace, head)
        want_pad = pad is not None and namespace == "name" and self.wanted("pad", f"{head}.{pad}")
        if not (want_head or want_pad):
            return
        located = self.parts(ref)
        if want_head:
            yield Occurrence(namespace, head, located[0][1], scope=scope)
        if want_pad and len(located) > 1:
            yield Occurrence("pad", f"{head}.{pad}", located[1][1], scope=scope)

    def parts(self, ref: st.Ref) -> list[tuple[str, Location]]:
        """The names of a reference, each with its own location (read from the line it is on)."""
        loc = ref.loc
        if loc.end_line != loc.line or loc.end_column is None:
            return [(ref.head, self.at(loc.line, loc.column, len(ref.head)))]
        segment = self.lines(loc.line)[loc.column - 1 : loc.end_column - 1]
        found = [
            (m.group(0), self.at(loc.line, loc.column + m.start(), len(m.group(0))))
            for m in _PART.finditer(segment)
            if not m.group(0).startswith("[")
        ]
        return found or [(ref.head, self.at(loc.line, loc.column, len(ref.head)))]

    # -- the rows of a big export, read without Lark (explicit.py)
    def pad_rows(self, rows: st.PadRows, element: str, scope: str) -> Iterator[Occurrence]:
        want = self.want
        for line, column, name, *_rest, text in rows.rows:
            key = f"{element}.{name}"
            if want is not None and want != ("pad", key):
                continue
            start = text.find(name, column - 1 + len(rows.name))
            yield Occurrence("pad", key, self.at(line, start + 1, len(name)), True, scope, "pad")

    def mass_rows(self, rows: st.MassRows, scope: str) -> Iterator[Occurrence]:
        want = self.want
        for line, column, name, material, material_column, joins_column, pad_a, pad_b, *_rest, text in rows.rows:
            if want is None or want == ("name", name):
                yield Occurrence("name", name, self.at(line, column, len(name)), True, scope, "mass")
            if want is None or want == ("material", material):
                yield Occurrence("material", material, self.at(line, material_column, len(material)), scope=scope)
            for pad in (pad_a, pad_b):
                element, _, rest = pad.partition(".")
                pad_name = _PART.match(rest)
                key = f"{element}.{pad_name.group(0)}" if pad_name else ""
                if want is not None and want != ("name", element) and want != ("pad", key):
                    continue
                start = text.find(pad, joins_column - 1) + 1
                if want is None or want == ("name", element):
                    yield Occurrence("name", element, self.at(line, start, len(element)), scope=scope)
                if key and (want is None or want == ("pad", key)):
                    width = len(key) - len(element) - 1
                    yield Occurrence("pad", key, self.at(line, start + len(element) + 1, width), scope=scope)


def _finishing(args: list[st.Value], comma: st.Punct) -> bool:
    """A comma inside `finish M T, M T`: the last option word before it is `finish`."""
    last = None
    for value in args:
        if value is comma:
            break
        if isinstance(value, st.Ref) and value.is_name and value.head in PAD_OPTIONS:
            last = value.head
    return last == "finish"


def occurrences(
    tree: st.SourceFile, lines: Lines, want: tuple[str, str] | None = None, scope: str = ""
) -> Iterator[Occurrence]:
    """Every declaration and use of a name in `tree` (only those of `want`, a namespace and name)."""
    return _Walk(tree.path, lines, want).statements(tree.statements, scope)
