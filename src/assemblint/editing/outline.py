"""The outline of a file (document symbols): its declarations, elements with their pads as children,
the process with its steps, cells with what they hold.

A CAD export declares one pad or one mass per line: a run of more than `RUN` such rows is one entry
(`c0 … c99999`, 100,000 pads) rather than a hundred thousand, which no editor's outline can show.
"""

from __future__ import annotations

from lsprotocol import types

from assemblint.base.diagnostics import Location
from assemblint.editing.documents import Document, to_range
from assemblint.language import syntax_tree as st

RUN = 50
S = types.SymbolKind
_KINDS = {
    "material": S.Constant,
    "element": S.Class,
    "footprint": S.Class,
    "layer": S.Struct,
    "mass": S.Variable,
    "masses": S.Array,
    "lead": S.Variable,
    "leads": S.Array,
    "net": S.Interface,
    "nets": S.Interface,
}


def outline(tree: st.SourceFile, doc: Document) -> list[types.DocumentSymbol]:
    return _runs([symbol for stmt in tree.statements for symbol in _statement(stmt, doc)], "mass", "masses")


def _runs(symbols: list[types.DocumentSymbol], detail: str, plural: str) -> list[types.DocumentSymbol]:
    """More than `RUN` symbols in a row whose detail starts with `detail` (one-line `mass` or `pad`
    declarations of a small export, read by Lark) as one symbol, as for the rows of a big one."""
    out: list[types.DocumentSymbol] = []
    run: list[types.DocumentSymbol] = []

    def flush() -> None:
        if len(run) > RUN:
            first, last = run[0], run[-1]
            kind = S.Array if plural == "masses" else first.kind
            whole = types.Range(first.range.start, last.range.end)
            name = f"{first.name} … {last.name}"
            out.append(types.DocumentSymbol(name, kind, whole, first.selection_range, f"{len(run):,} {plural}"))
        else:
            out.extend(run)
        run.clear()

    for symbol in symbols:
        if (symbol.detail or "").split(" ", 1)[0] == detail and not symbol.children:
            run.append(symbol)
            continue
        flush()
        out.append(symbol)
    flush()
    return out


def _symbol(
    name: str,
    kind: types.SymbolKind,
    loc: Location,
    last: Location,
    doc: Document,
    detail: str | None = None,
    children: list[types.DocumentSymbol] | None = None,
) -> types.DocumentSymbol:
    """A symbol whose range runs from the start of its name's line to the end of `last`."""
    selection = to_range(loc, doc)
    end = to_range(last, doc).end
    start = types.Position(selection.start.line, 0)
    if (end.line, end.character) < (selection.end.line, selection.end.character):
        end = selection.end
    return types.DocumentSymbol(
        name=name or "?",
        kind=kind,
        range=types.Range(start, end),
        selection_range=selection,
        detail=detail,
        children=children or None,
    )


def _last(properties: list, fallback: Location) -> Location:
    """Where a block's last property ends."""
    for prop in reversed(properties):
        if isinstance(prop, st.PadRows):
            line, *_rest, text = prop.rows[-1]
            return Location(fallback.path, line, 1, line, len(text) + 1)
        if isinstance(prop, st.Property):
            return prop.span
    return fallback


def _statement(stmt: st.Statement | st.MassRows, doc: Document) -> list[types.DocumentSymbol]:
    if isinstance(stmt, st.MassRows):
        return _mass_rows(stmt, doc)
    if isinstance(stmt, st.Declaration):
        children = _pads(stmt, doc) if stmt.keyword in ("element", "footprint") else []
        last = _last(stmt.properties, stmt.loc)
        return [_symbol(stmt.name, _KINDS.get(stmt.keyword, S.Variable), stmt.loc, last, doc, _detail(stmt), children)]
    if isinstance(stmt, st.NetDecl):
        last = stmt.members[-1].loc if stmt.members else stmt.loc
        return [_symbol(stmt.name, _KINDS[stmt.keyword], stmt.loc, last, doc, stmt.keyword)]
    if isinstance(stmt, st.ProcessDecl):
        steps = [
            _symbol(step.name, S.Event, step.loc, _last(step.properties, step.loc), doc, _kind(step.properties))
            for step in stmt.steps
        ]
        ends = [_last(stmt.properties, stmt.loc), *(_last(s.properties, s.loc) for s in stmt.steps)]
        last = max(ends, key=lambda loc: (loc.end_line or loc.line, loc.end_column or loc.column))
        return [_symbol("process", S.Namespace, stmt.loc, last, doc, f"{len(stmt.steps)} steps", steps)]
    if isinstance(stmt, st.CellDecl):
        inner = [symbol for s in stmt.statements for symbol in _statement(s, doc)]
        symbol = _symbol(stmt.name, S.Module, stmt.loc, stmt.loc, doc, "cell", inner)
        if inner:
            symbol.range = types.Range(symbol.range.start, inner[-1].range.end)
        return [symbol]
    if isinstance(stmt, st.Place):
        return [
            _symbol(stmt.name, S.Object, stmt.loc, stmt.args[-1].loc if stmt.args else stmt.cell_loc, doc, stmt.cell)
        ]
    if isinstance(stmt, st.Let):
        return [_symbol(stmt.name, S.Variable, stmt.loc, stmt.expr.loc, doc, "let")]
    if isinstance(stmt, st.Refine):
        return [_symbol(str(stmt.target), S.Object, stmt.loc, _last(stmt.properties, stmt.loc), doc, "refine")]
    if isinstance(stmt, st.Waive):
        return [_symbol(f"waive {stmt.rule}", S.Key, stmt.loc, stmt.loc, doc, stmt.reason)]
    return []


def _detail(decl: st.Declaration) -> str:
    return f"{decl.keyword} : {decl.base}" if decl.base else decl.keyword


def _kind(properties: list[st.Property]) -> str | None:
    for prop in properties:
        if prop.name == "kind" and prop.args and isinstance(prop.args[0], st.Ref):
            return prop.args[0].head
    return None


def _pads(decl: st.Declaration, doc: Document) -> list[types.DocumentSymbol]:
    out = []
    for prop in decl.properties:
        if isinstance(prop, st.PadRows):
            out.extend(_pad_rows(prop, doc))
        elif prop.name in ("pad", "pads") and prop.args and isinstance(prop.args[0], st.Ref):
            first = prop.args[0]
            out.append(_symbol(first.head, S.Field, first.loc, prop.span, doc, prop.name))
    return _runs(out, "pad", "pads")


def _pad_rows(rows: st.PadRows, doc: Document) -> list[types.DocumentSymbol]:
    def located(row: tuple) -> Location:
        line, column, name, *_rest, text = row
        start = text.find(name, column - 1 + len(rows.name)) + 1
        return Location(rows.path, line, start, line, start + len(name))

    def whole(row: tuple) -> Location:
        return Location(rows.path, row[0], 1, row[0], len(row[-1]) + 1)

    if len(rows.rows) <= RUN:
        return [_symbol(row[2], S.Field, located(row), whole(row), doc, "pad") for row in rows.rows]
    first, last = rows.rows[0], rows.rows[-1]
    name = f"{first[2]} … {last[2]}"
    return [_symbol(name, S.Field, located(first), whole(last), doc, f"{len(rows.rows):,} pads")]


def _mass_rows(rows: st.MassRows, doc: Document) -> list[types.DocumentSymbol]:
    def located(row: tuple) -> Location:
        return Location(rows.path, row[0], row[1], row[0], row[1] + len(row[2]))

    def whole(row: tuple) -> Location:
        return Location(rows.path, row[0], 1, row[0], len(row[-1]) + 1)

    if len(rows.rows) <= RUN:
        return [_symbol(row[2], S.Variable, located(row), whole(row), doc, f"mass : {row[3]}") for row in rows.rows]
    first, last = rows.rows[0], rows.rows[-1]
    name = f"{first[2]} … {last[2]}"
    return [_symbol(name, S.Array, located(first), whole(last), doc, f"{len(rows.rows):,} masses")]
