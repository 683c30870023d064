"""Explicit designs read fast: the one-line `pad` and `mass` statements a CAD export writes, without Lark.

A design exported by another tool spells out every pad and every mass, one statement a line:

    pad c17 at (850 um, 1200 um) diameter 25 um          (inside an `element … {` block)
    mass m17 : SAC305 { joins die.c17 -- sub.p17; diameter 30 um; height 100 um }

A hundred thousand masses are some 300,000 such lines. Lark's LALR parser in pure Python takes
tens of microseconds a line; these lines have a fixed shape, so one regular expression a line
reads them in a few microseconds into compact rows (`st.PadRows`, `st.MassRows`: names and
numbers in base units), which the builder turns into pads and masses without a syntax-tree node
per value; `expand()` gives the very nodes Lark would have made, locations included.
Every other line, and any line whose shape is the least bit different, is left to Lark: the
recognised lines are blanked (their line ends kept, so every location stays put), Lark parses the
rest, and the recognised statements are put back in source order. If Lark finds a syntax error,
Lark alone reads the few lines that decide it (`error_window`), so the error reads exactly as
without this path, in about the time of a successful parse.

A line is taken only where Lark would read it as a statement of its own: at the top level (a
`mass`) or directly inside a one-line `element NAME : TYPE {` header's block (a `pad`), never
inside parentheses, after a line that continues (`,` or `..` at its end) or after a block's
header whose `{` is on a later line. tests/language/test_explicit.py checks that the trees are
equal to Lark's, tests/language/test_large_file_errors.py that the errors are.
"""

from __future__ import annotations

import heapq
import math
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from assemblint.base.diagnostics import Location
from assemblint.base.units import UNIT_PATTERN, UNITS, to_base
from assemblint.language import syntax_tree as st

#: files smaller than this are read by Lark alone: the fast path pays off on exported designs
MIN_BYTES = 200_000
#: how deep a row's expressions nest: a pad's `(X, Y)` and a sign in it (a mass row has none); a parser
#: that allows less reads every line itself (E009 where it finds one)
ROW_DEPTH = 2

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_NUM = r"(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?"
_UNIT = rf"(?:{UNIT_PATTERN})(?![A-Za-z0-9_µμ°])"
_QTY = rf"{_NUM}[ \t]*{_UNIT}"
_TAIL = r"[ \t]*;?[ \t]*(?:#[^\n]*)?$"  # an optional `;` and comment: still one statement


# A length's unit as a word, looked up afterwards: faster than trying every unit symbol in turn,
# and a word that is not a length unit leaves the line to Lark.
_LENGTH_UNIT = r"[A-Za-zµμ]+(?![A-Za-z0-9_µμ°])"


def _signed_quantity(tag: str) -> str:
    return rf"(?P<{tag}s>-[ \t]*)?(?P<{tag}>(?P<{tag}n>{_NUM})[ \t]*(?P<{tag}u>{_LENGTH_UNIT}))"


_PAD = re.compile(
    rf"^[ \t]*(?P<kw>pad)[ \t]+(?P<name>{_NAME})[ \t]+(?P<at>at)[ \t]*(?P<lp>\()[ \t]*{_signed_quantity('x')}"
    rf"[ \t]*,[ \t]*{_signed_quantity('y')}[ \t]*(?P<rp>\))"
    rf"(?:[ \t]+(?P<dkw>diameter)[ \t]+(?P<d>(?P<dn>{_NUM})[ \t]*(?P<du>{_LENGTH_UNIT})))?{_TAIL}"
)
_MASS = re.compile(
    rf"^[ \t]*mass[ \t]+(?P<name>{_NAME})[ \t]*:[ \t]*(?P<base>{_NAME})[ \t]*\{{(?P<body>[^{{}}#\"()\[\]]*)\}}{_TAIL}"
)
_REF2 = rf"{_NAME}\.{_NAME}"
# the usual body, in the usual order: one regular expression reads it all
_MASS_BODY = re.compile(
    rf"[ \t]*(?P<joins>joins)[ \t]+(?P<a>{_REF2})[ \t]*--[ \t]*(?P<b>{_REF2})[ \t]*"
    rf"(?:;[ \t]*diameter[ \t]+(?P<dn>{_NUM})[ \t]*(?P<du>{_LENGTH_UNIT})[ \t]*)?"
    rf"(?:;[ \t]*height[ \t]+(?P<hn>{_NUM})[ \t]*(?P<hu>{_LENGTH_UNIT})[ \t]*)?;?[ \t]*$"
)
_ELEMENT_HEAD = re.compile(rf"^[ \t]*element[ \t]+{_NAME}[ \t]*:[ \t]*{_NAME}[ \t]*\{{[ \t]*(?:#[^\n]*)?$")
_ARG = re.compile(
    rf"[ \t]*(?:(?P<q>(?P<qn>{_NUM})[ \t]*(?P<qu>{_UNIT}))|(?P<ref>{_NAME}(?:\.{_NAME})+)"
    rf"|(?P<name>{_NAME})|(?P<arrow>--))"
)
_PROPERTY = re.compile(rf"[ \t]*(?P<name>{_NAME})")
_STRINGS_AND_COMMENTS = re.compile(r'"(?:\\.|[^"\\\n])*"|#[^\n]*')
_MASS_PROPERTIES = frozenset({"joins", "diameter", "height", "in"})
# the statements whose `{` may come on a later line (`_NL? block` in grammar.lark)
_HEADS = "material element footprint refine layer mass masses lead leads net nets process cell"
_BLOCK_HEADS = frozenset(_HEADS.split())
_FIRST_WORD = re.compile(rf"[ \t]*({_NAME})")


def _keywords() -> frozenset[str]:
    """The grammar's literal words: a name spelled like one may lex as the keyword, so Lark decides."""
    grammar = resources.files("assemblint.language").joinpath("grammar.lark").read_text(encoding="utf-8")
    return frozenset(re.findall(r'"([A-Za-z_]+)"', grammar))


_KEYWORDS = _keywords()


@dataclass
class Recognised:
    """What the fast path read: pad rows per element header line, and top-level masses, by line."""

    text: str  # the file with the recognised lines blanked, for Lark
    pads: dict[int, list[tuple]] = field(default_factory=dict)
    masses: list[tuple | st.Declaration] = field(default_factory=list)  # a row, or a Declaration of another shape

    @property
    def lines(self) -> int:
        return sum(len(p) for p in self.pads.values()) + len(self.masses)


def recognise(text: str, path: str) -> Recognised | None:
    """Read the explicit lines of a file; None when there are none (Lark reads it all)."""
    lines = text.split("\n")
    found = Recognised(text="")
    depth = 0  # braces
    parens = 0  # parentheses and brackets: a line inside them continues a statement
    continues = False  # the previous line ends with `,` or `..`
    awaits_brace = False  # the previous line is a block's header without its `{`
    element_line = 0  # the header line of the element block we are directly in, else 0
    for number, raw in enumerate(lines, start=1):
        line = raw[:-1] if raw.endswith("\r") else raw
        free = depth == 0 and parens == 0 and not continues and not awaits_brace
        if free and line.lstrip().startswith("mass"):
            mass = _mass_row(line, number) or mass_declaration(line, number, path)
            if mass is not None:
                found.masses.append(mass)
                lines[number - 1] = ""
                continue
        elif element_line and depth == 1 and parens == 0 and not continues and line.lstrip().startswith("pad"):
            pad = _pad_row(line, number)
            if pad is not None:
                found.pads.setdefault(element_line, []).append(pad)
                lines[number - 1] = ""
                continue
        code = _STRINGS_AND_COMMENTS.sub("", line) if ('"' in line or "#" in line) else line
        if free and _ELEMENT_HEAD.match(line):
            element_line = number
        elif element_line and "}" in code and _closes(code, depth):
            element_line = 0  # `} element b : chip {`: what follows is not in the block we were in
        depth += code.count("{") - code.count("}")
        parens += code.count("(") + code.count("[") - code.count(")") - code.count("]")
        if depth <= 0 or parens < 0:
            depth, parens, element_line = max(depth, 0), max(parens, 0), 0
        stripped = code.rstrip()
        if stripped:
            continues = stripped.endswith((",", ".."))
            awaits_brace = _awaits_brace(code)
    if found.lines == 0:
        return None
    found.text = "\n".join(lines)
    return found


def _closes(code: str, depth: int) -> bool:
    """Whether a `}` of this line closes the block the line starts in (`depth` deep)."""
    for char in code:
        depth += (char == "{") - (char == "}")
        if depth <= 0:
            return True
    return False


def _awaits_brace(code: str) -> bool:
    """Whether a line ends with a block's header and no `{` (`material glue : epoxy`): the grammar lets
    the `{` come on a later line, so a `mass` line before it is no statement of its own (Lark's error)."""
    tail = code[code.rfind("}") + 1 :]
    for statement in reversed(tail.split(";")):
        if statement.strip():
            word = _FIRST_WORD.match(statement)
            return word is not None and word[1] in _BLOCK_HEADS and "{" not in statement
    return False


def splice(statements: list[st.Statement], found: Recognised, path: str) -> list | None:
    """Lark's statements with the recognised ones put back in source order; None if they don't fit.

    Consecutive rows become one PadRows or MassRows; a mass of another shape is a Declaration."""
    pads = dict(found.pads)
    for stmt in statements:
        if isinstance(stmt, st.Declaration) and stmt.keyword == "element" and stmt.loc.line in pads:
            rows = pads.pop(stmt.loc.line)
            stmt.properties = _runs(stmt.properties, rows, lambda run: st.PadRows(path, run, pad_property))
    if pads:  # a header we saw that Lark did not make an element of: let Lark read everything
        return None
    return _runs(statements, found.masses, lambda run: st.MassRows(path, run, mass_declaration))


def _runs(nodes: list, rows: list, make: Callable[[list], Any]) -> list:
    """Nodes and rows merged by line; each run of rows not parted by a node or a Declaration becomes one."""
    out: list = []
    run: list = []
    merged = heapq.merge(
        ((n.loc.line, n.loc.column, 0, n) for n in nodes),
        ((r.loc.line, r.loc.column, 1, r) if isinstance(r, st.Declaration) else (r[0], r[1], 2, r) for r in rows),
        key=lambda item: (item[0], item[1]),
    )
    for _line, _column, kind, item in merged:
        if kind == 2:
            run.append(item)
            continue
        if run:
            out.append(make(run))
            run = []
        out.append(item)
    if run:
        out.append(make(run))
    return out


def parse_explicit(text: str, path: str, lark_parse: Callable[[str], list[st.Statement]]) -> list | None:
    """The statements of a file read with the fast path, or None when Lark should read it alone."""
    found = recognise(text, path)
    if found is None:
        return None
    return splice(lark_parse(found.text), found, path)


def first_error(
    text: str, found: Recognised, error: Exception, lark_parse: Callable[[str], object]
) -> tuple[UnexpectedInput, str] | None:
    """The file's first syntax error as Lark alone reports it, and the text Lark read for it (a
    character's position counts there), from `error`, Lark's first in `found.text`. The parser's own
    errors in that text (E009, an index) are raised as they come. The expressions of rows must not
    be too deep for the parser (`ROW_DEPTH`), or the whole file decides which error comes first."""
    window = error_window(text, found, error_line(error))
    try:
        lark_parse(window)
    except UnexpectedInput as exact:
        return exact, window
    return None  # the window holds the error (error_window); should it not, Lark reads the whole file


def error_line(error: Exception) -> float:
    """The line of an error of the parser; infinity at the end of the file, after every line."""
    loc = getattr(error, "loc", None)  # the parser's own errors (E009, an index) carry a Location
    if isinstance(loc, Location):
        return loc.line
    if isinstance(error, UnexpectedCharacters):
        return error.line
    if isinstance(error, UnexpectedToken) and error.token.type != "$END" and isinstance(error.token.line, int):
        return error.token.line
    return math.inf


def error_window(text: str, found: Recognised, line: float) -> str:
    """The text Lark alone reads to give a big file's first syntax error exactly as for the whole file;
    `line` is that of the error Lark found in `found.text` (infinity: at the end of the file).

    Lark's LALR parser reads left to right, and every recognised line is a complete statement where
    it stands, so the whole file's first error is at the token where the blanked text's is; only the
    parser's state before it can differ (after `{` where the file has a statement before). The window:
    - empty lines up to the top-level statement holding the last recognised line before the error
      (that mass, or the header of that pad's element): inside a top-level statement, Lark's states
      are the same whatever came before it;
    - the blanked text from there up to that recognised line;
    - that line and all the rest as written: after a statement Lark's state is the same however many
      came before, and what follows the error (a line end running on over blanked lines, the end of
      the file) is the file's.
    Lark reads it from the window's start to the error: a few lines in an element of 100,000 pads.
    No recognised line before the error: the file itself, read up to the error."""
    last = start = 0
    for header, rows in found.pads.items():
        i = bisect_left(rows, line, key=_row_line)
        if i and rows[i - 1][0] > last:
            last, start = rows[i - 1][0], header
    i = bisect_left(found.masses, line, key=_row_line)
    if i and _row_line(found.masses[i - 1]) > last:
        last = start = _row_line(found.masses[i - 1])
    if not last:
        return text
    blanked = found.text.split("\n", last - 1)[start - 1 : last - 1]
    rest = text.split("\n", last - 1)[-1]
    return "\n" * (start - 1) + "".join(f"{row}\n" for row in blanked) + rest


def _row_line(row: tuple | st.Declaration) -> int:
    return row.loc.line if isinstance(row, st.Declaration) else row[0]


_MICROMETRES = frozenset(sym for sym, u in UNITS.items() if u.dimension == "length" and u.fractions() == (1, 0))


_LENGTH_UNITS = frozenset(sym for sym, u in UNITS.items() if u.dimension == "length")


def _length(number: str, unit: str) -> float | None:
    """A length in µm; None for a word that is not a length unit (Lark and the builder say what is wrong)."""
    if unit in _MICROMETRES:  # what exports mostly write: the number is the value, no conversion to round
        return float(number)
    if unit not in _LENGTH_UNITS:
        return None
    return to_base(float(number), unit)[0]


def _pad_row(line: str, number: int) -> tuple | None:
    m = _PAD.match(line)
    if m is None:
        return None
    name, xs, xn, xu, ys, yn, yu, dn, du = m.group("name", "xs", "xn", "xu", "ys", "yn", "yu", "dn", "du")
    if name in _KEYWORDS:
        return None
    # what exports mostly write, micrometres, read inline: this runs once per pad of a design
    x = float(xn) if xu in _MICROMETRES else _length(xn, xu)
    y = float(yn) if yu in _MICROMETRES else _length(yn, yu)
    d = None if dn is None else float(dn) if du in _MICROMETRES else _length(dn, du)
    if x is None or y is None or (dn is not None and d is None):
        return None
    return (number, m.start(1) + 1, name, -x if xs else x, -y if ys else y, d, line)


def _mass_row(line: str, number: int) -> tuple | None:
    m = _MASS.match(line)
    if m is None or m["name"] in _KEYWORDS or m["base"] in _KEYWORDS:
        return None
    body = _MASS_BODY.match(m["body"])
    if body is None or any(p in _KEYWORDS for p in (*body["a"].split("."), *body["b"].split("."))):
        return None
    d = _length(body["dn"], body["du"]) if body["dn"] is not None else None
    h = _length(body["hn"], body["hu"]) if body["hn"] is not None else None
    if (body["dn"] is not None and d is None) or (body["hn"] is not None and h is None):
        return None
    offset = m.start("body")
    return (
        number,
        m.start("name") + 1,
        m["name"],
        m["base"],
        m.start("base") + 1,
        offset + body.start("joins") + 1,
        body["a"],
        body["b"],
        d,
        h,
        line,
    )


# ------------------------------------------------------------------ one line each


def _loc(path: str, line: int, start: int, end: int) -> Location:
    return Location(path, line, start + 1, line, end + 1)


def _quantity(m: re.Match, tag: str, line: int, path: str) -> st.Expr:
    """A quantity as Lark's transformer makes it; a sign makes a `Neg` at the quantity's place."""
    value, dimension = to_base(float(m[tag + "n"]), m[tag + "u"])
    loc = _loc(path, line, m.start(tag), m.end(tag))
    quantity = st.Quantity(value, dimension, m[tag], loc, m[tag + "u"])
    return st.Neg(quantity, loc) if m[tag + "s"] else quantity


def pad_property(line: str, number: int, path: str) -> st.Property | None:
    m = _PAD.match(line)
    if m is None or m["name"] in _KEYWORDS:
        return None
    x, y = _quantity(m, "x", number, path), _quantity(m, "y", number, path)
    args: list[st.Value] = [
        st.Ref([m["name"]], _loc(path, number, m.start("name"), m.end("name"))),
        st.Ref(["at"], _loc(path, number, m.start("at"), m.end("at"))),
        st.Group([x, y], _loc(path, number, m.start("lp"), m.end("rp"))),
    ]
    if m["d"] is not None:
        value, dimension = to_base(float(m["dn"]), m["du"])
        args.append(st.Ref(["diameter"], _loc(path, number, m.start("dkw"), m.end("dkw"))))
        args.append(st.Quantity(value, dimension, m["d"], _loc(path, number, m.start("d"), m.end("d")), m["du"]))
    return st.Property("pad", args, _loc(path, number, m.start("kw"), m.end("kw")))


def mass_declaration(line: str, number: int, path: str) -> st.Declaration | None:
    m = _MASS.match(line)
    if m is None or m["name"] in _KEYWORDS or m["base"] in _KEYWORDS:
        return None
    properties: list[st.Property] = []
    offset = m.start("body")
    for part in m["body"].split(";"):
        if part.strip():
            prop = _mass_property(part, offset, number, path)
            if prop is None:
                return None
            properties.append(prop)
        offset += len(part) + 1
    return st.Declaration(
        _loc(path, number, m.start("name"), m.end("name")),
        "mass",
        m["name"],
        m["base"],
        _loc(path, number, m.start("base"), m.end("base")),
        properties,
    )


def _mass_property(part: str, offset: int, number: int, path: str) -> st.Property | None:
    """`joins die.c1 -- sub.p1`, `diameter 30 um`, `height 100 um`, `in gel`: its words and values."""
    head = _PROPERTY.match(part)
    if head is None or head["name"] not in _MASS_PROPERTIES:
        return None
    args: list[st.Value] = []
    pos = head.end()
    rest = part.rstrip(" \t")
    while pos < len(rest):
        arg = _ARG.match(rest, pos)
        if arg is None:
            return None
        if arg["q"] is not None:
            value, dimension = to_base(float(arg["qn"]), arg["qu"])
            loc = _loc(path, number, offset + arg.start("q"), offset + arg.end("q"))
            args.append(st.Quantity(value, dimension, arg["q"], loc, arg["qu"]))
        elif arg["ref"] is not None:
            parts: list[str | st.Index] = list(arg["ref"].split("."))
            if any(p in _KEYWORDS for p in parts):
                return None
            args.append(st.Ref(parts, _loc(path, number, offset + arg.start("ref"), offset + arg.end("ref"))))
        elif arg["name"] is not None:
            if arg["name"] in _KEYWORDS:
                return None
            args.append(st.Ref([arg["name"]], _loc(path, number, offset + arg.start("name"), offset + arg.end("name"))))
        else:
            args.append(st.Punct("--", _loc(path, number, offset + arg.start("arrow"), offset + arg.end("arrow"))))
        pos = arg.end()
    if not args:
        return None
    return st.Property(head["name"], args, _loc(path, number, offset + head.start("name"), offset + head.end("name")))
