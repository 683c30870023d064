"""A one-line edit of a big export, read without parsing the whole file again.

An export declares one pad or one mass a line (explicit.py reads such lines as rows); editing one of
them is the usual edit of such a file, and parsing its 20 MB again takes more than a second. When
every line changed since the last good tree was a row of it, and the line count has not changed,
each changed line is read alone, in the place it stands (a top-level `mass`, or a `pad` directly in
an element): a line that is still a row replaces its row in a copy of the tree, at once; a line that
is not is parsed alone. Its syntax error, when found within the line, is the file's: the lines before
it are those of the last good tree, and the parser comes to the line in the state it is read in
here (the start of a statement, at the top level or in an element's block). An error found past the
line (a bracket left open), or worded after the block made up around a pad, is only shown while the
whole file is parsed again to say it exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from assemblint.base.diagnostics import Diagnostic, LanguageError, Location
from assemblint.editing.project import Parsed
from assemblint.language import explicit
from assemblint.language import syntax_tree as st
from assemblint.language.syntax import parse

MAX_LINES = 8  # more lines changed than this: the whole file is parsed again
_HEAD = "element _e : chip {\n"  # a pad row is read inside a block, as in its element


@dataclass
class Reread:
    """What re-reading the changed lines found: a new tree, or a line that is not a row."""

    parsed: Parsed | None = None  # the tree with the changed rows replaced (every line was still a row)
    line: int = 0  # else: the first line (from 1) that is not a row
    kind: str = ""  # "mass" or "pad": how it stands


def _where(good: Parsed) -> dict[int, tuple[int, int, int]]:
    """Each row line of a tree: (statement, property or -1, row) indexes, cached with the tree."""
    cached = good.cache.get("rows")
    if cached is not None:
        return cached
    found: dict[int, tuple[int, int, int]] = {}
    for s, stmt in enumerate(good.tree.statements if good.tree else []):
        if isinstance(stmt, st.MassRows):
            for r, row in enumerate(stmt.rows):
                found[row[0]] = (s, -1, r)
        elif isinstance(stmt, st.Declaration) and stmt.keyword == "element":
            for p, prop in enumerate(stmt.properties):
                if isinstance(prop, st.PadRows):
                    for r, row in enumerate(prop.rows):
                        found[row[0]] = (s, p, r)
    good.cache["rows"] = found
    return found


def reread(good: Parsed, lines: list[str], changed: list[int], version: int, text: str) -> Reread | None:
    """The new version's tree from the last good one, or the line to parse alone; None when the
    edit is not one this can read (the whole file is parsed, as for any other edit)."""
    if good.tree is None or not changed or len(changed) > MAX_LINES:
        return None
    where = _where(good)  # empty for a file too small for the fast path: nothing to do here
    rows: dict[int, tuple] = {}
    for line in changed:  # from 1
        place = where.get(line)
        if place is None:
            return None
        kind = "mass" if place[1] < 0 else "pad"
        row = _row(lines[line - 1], line, kind, good.file)
        if row is None:
            return Reread(line=line, kind=kind)
        rows[line] = row
    parsed = Parsed(good.file, version, text, _patched(good.tree, where, rows))
    parsed.cache["rows"] = where  # the rows stand where they stood
    return Reread(parsed=parsed)


def _row(line: str, number: int, kind: str, path: str) -> tuple | None:
    """The line read as a row where it stands, renumbered; None when it is not a row."""
    if kind == "mass":
        found = explicit.recognise(line + "\n", path)
        row = found.masses[0] if found and found.masses else None
    else:
        found = explicit.recognise(_HEAD + line + "\n}\n", path)
        pads = list(found.pads.values()) if found else []
        row = pads[0][0] if pads and pads[0] else None
    if not isinstance(row, tuple):
        return None  # not a row, or a mass of another shape (a Declaration): Lark decides
    return (number, *row[1:])


def _patched(tree: st.SourceFile, where: dict[int, tuple[int, int, int]], rows: dict[int, tuple]) -> st.SourceFile:
    """A copy of the tree with rows replaced: the containers that change are copied, the rest shared."""
    statements = list(tree.statements)
    for line, row in rows.items():
        s, p, r = where[line]
        stmt = statements[s]
        if p < 0:
            assert isinstance(stmt, st.MassRows)
            new_rows = list(stmt.rows)
            new_rows[r] = row
            statements[s] = st.MassRows(stmt.path, new_rows, stmt.read_line)
        else:
            assert isinstance(stmt, st.Declaration)
            properties = list(stmt.properties)
            pads = properties[p]
            assert isinstance(pads, st.PadRows)
            new_pads = list(pads.rows)
            new_pads[r] = row
            properties[p] = st.PadRows(pads.path, new_pads, pads.read_line, pads.name)
            statements[s] = st.Declaration(stmt.loc, stmt.keyword, stmt.name, stmt.base, stmt.base_loc, properties)
    return st.SourceFile(tree.path, statements)


def line_error(line: str, number: int, kind: str, path: str, following: list[str]) -> tuple[Diagnostic | None, bool]:
    """The syntax error of one line read alone where it stands (in the parsing thread), at its place
    in the file, and whether it is exactly the file's; (None, False) when the line parses alone.

    Exactly the file's: found within the line, and found the same when the lines that follow it in
    the file are read after it (so not an error of the text ending there, as `the file ends before
    the }` would be, nor one a bracket left open carries into the next lines)."""
    alone = _error(line, kind, path, [])
    if alone is None:
        return None, False
    shift = number - (1 if kind == "mass" else 2)
    loc = alone.location
    if "`element _e`" in alone.message:
        return None, False  # it speaks of the block made up around the line: the file's parse will say
    within = loc.line + shift == number and loc.end_line in (None, loc.line)
    if not within:
        where = Location(path, number, len(line) + 1, number, len(line) + 2)  # past the line: at its end
        return Diagnostic(alone.code, alone.message, where), False
    followed = _error(line, kind, path, following)
    exact = followed is not None and (followed.message, followed.location) == (alone.message, alone.location)
    return Diagnostic(alone.code, alone.message, Location(path, number, loc.column, number, loc.end_column)), exact


def _error(line: str, kind: str, path: str, following: list[str]) -> Diagnostic | None:
    after = "".join(f"{more}\n" for more in following)
    text = f"{line}\n{after}" if kind == "mass" else f"{_HEAD}{line}\n{after}}}\n"
    try:
        parse(text, path)
    except LanguageError as error:
        return error.diagnostics[0]
    return None
