"""A big file's syntax error (E001) comes as fast as a successful parse, and is exactly Lark's own.

explicit.py reads a big export's one-line pads and masses without Lark; Lark reads the rest. Where
that rest has a syntax error, `syntax.parse` has Lark alone read only the lines that decide it
(`explicit.error_window`), never the whole file again (a minute and more for a 20 MB export): the
error must still be the one Lark alone gives for the whole file, word for word and place for place.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fuzz_strategies import Source, source_for, write_explicit
from hypothesis import given, settings
from hypothesis import strategies as hs

from assemblint.base.diagnostics import LanguageError
from assemblint.base.limits import DEFAULT_MAX_EXPRESSION_DEPTH
from assemblint.language import explicit, syntax
from assemblint.language import syntax_tree as st

ROWS = 40


def small_export() -> str:
    """Two elements of one-line pads and one-line masses, with lines of other shapes among them."""
    lines = ['assembly "export"', "use std", "material glue : epoxy { kind adhesive }"]
    for name, prefix in (("die", "c"), ("sub", "p")):
        lines += [f"element {name} : chip {{", "    body silicon"]
        lines += [f"    pad {prefix}{i} at ({i * 50} um, -{i % 7} um) diameter 25 um" for i in range(ROWS)]
        lines.append("}")
    for i in range(ROWS):
        lines.append(f"mass m{i} : SAC305 {{ joins die.c{i} -- sub.p{i}; diameter 30 um; height 100 um }}")
        if i == ROWS // 2:
            lines.append("let pitch = 50 um")
    lines.append("process { step join { kind reflow; peak 245 C }; operate 20 C .. 85 C }")
    return "\n".join(lines) + "\n"


SUB = small_export().split("\n").index("element sub : chip {") + 1  # its line
MASSES = SUB + ROWS + 3  # the line of the first mass


@contextmanager
def min_bytes(value: int) -> Iterator[None]:
    saved = explicit.MIN_BYTES
    explicit.MIN_BYTES = value
    try:
        yield
    finally:
        explicit.MIN_BYTES = saved


def outcome(text: str, fast: bool, depth: int = DEFAULT_MAX_EXPRESSION_DEPTH) -> tuple:
    """The statements (rows expanded), or each diagnostic's code, message, location and notes."""
    with min_bytes(0 if fast else 10**12):
        try:
            return "parsed", st.expand_rows(syntax.parse(text, "d.assy", depth).statements)
        except LanguageError as error:
            return "error", [(d.code, d.message, d.location, d.notes) for d in error.diagnostics]


def assert_as_lark_alone(text: str, depth: int = DEFAULT_MAX_EXPRESSION_DEPTH) -> tuple:
    lark, fast = outcome(text, False, depth), outcome(text, True, depth)
    assert fast == lark
    return lark


def edited(line: int, new: str, how: str = "replace") -> str:
    """The small export with its line `line` (from 1) replaced by `new`, or `new` inserted before it."""
    lines = small_export().split("\n")
    lines[line - 1 : line - 1 + (how == "replace")] = [new]
    return "\n".join(lines)


CASES = {
    # at the top level
    "a stray `}` among the masses": (MASSES + 5, "}", "insert"),
    "a `}` too many after an element": (SUB - 1, "} }"),
    "an unknown statement among the masses": (MASSES + 7, "step attach { kind reflow; peak 245 }", "insert"),
    "an element closed twice among the masses": (MASSES + 30, "element oops : chip { body }}", "insert"),
    "a `let` that ends too soon, before a mass": (MASSES + 3, "let x = 5 um +", "insert"),
    "a `let` with no value, before a mass": (MASSES + 3, "let x =", "insert"),
    "an unclosed text": (MASSES + 3, 'assembly "unclosed', "insert"),
    "a character the language has not": (MASSES + 3, "@", "insert"),
    # inside an element block among pad rows
    "right after a row": (SUB + 10, "    5 um", "insert"),
    "before the first row": (SUB + 2, "    5 um", "insert"),
    "right after the `{`": (SUB + 1, "    ( 5 um", "insert"),
    "at the closing brace": (SUB + ROWS + 2, "} }"),
    "a line that looks like a row but is not": (SUB + 12, "    pad p11 at (1 um 2 um) diameter 25 um"),
    "a row without its `)`": (SUB + 12, "    pad p11 at (1 um, 2 um diameter 25 um"),
    "a row that goes on to the next line": (SUB + 12, "    pad p11 at (1 um,"),
    "a row ending in `-`": (SUB + 12, "    pad p11 at (1 um, 2 um) -"),
    "a statement where a property goes": (SUB + 12, "    element x : chip {"),
    "a misspelt keyword in a block": (SUB + 12, "    stpe x {"),
    "an unknown unit in a row": (SUB + 12, "    pad p11 at (5 uum, 2 um)"),
    # inside a mass's braces
    "an unclosed parenthesis in a mass": (MASSES + 4, "mass m3 : SAC305 { joins (die.c3 -- sub.p3 }"),
    "a mass with a brace too many": (MASSES + 4, "mass m3 : SAC305 { joins die.c3 -- sub.p3 } }"),
    "a mass that is not closed": (MASSES + 4, "mass m3 : SAC305 { joins die.c3 -- sub.p3"),
    "a mass opened twice": (MASSES + 4, "mass m3 : SAC305 {{ joins die.c3 -- sub.p3 }"),
    # the parser's own errors, among the rows
    "an index too long": (SUB + 12, "    at die.c[12345678901234567890123]"),
    "an expression too deep": (MASSES + 3, "let d = " + "(" * 300 + "1 um" + ")" * 300, "insert"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_kind_of_error_reads_as_lark_alone_gives_it(case: str) -> None:
    text = edited(*CASES[case])
    kind, diagnostics = assert_as_lark_alone(text)
    assert kind == "error", diagnostics
    assert assert_as_lark_alone(text.replace("\n", "\r\n")) == (kind, diagnostics)


CUTS = {
    "inside a block among rows": lambda lines: "\n".join(lines[: SUB + 10]) + "\n",
    "after the last row, the block unclosed, no line end": lambda lines: "\n".join(lines[: SUB + ROWS + 1]),
    "in the middle of a mass": lambda lines: "\n".join(lines[: MASSES + 5])[:-20],
    "after a mass, no line end": lambda lines: "\n".join(lines[: MASSES + ROWS - 1]),
}


@pytest.mark.parametrize("cut", sorted(CUTS))
def test_a_file_cut_short_reads_as_lark_alone_gives_it(cut: str) -> None:
    kind, diagnostics = assert_as_lark_alone(CUTS[cut](small_export().split("\n")))
    assert kind == ("parsed" if cut == "after a mass, no line end" else "error"), diagnostics


def test_a_header_whose_brace_comes_after_masses_is_lark_s_error() -> None:
    """`_NL? block`: a block's `{` may come on a later line, so the masses before it are no statements."""
    lines = small_export().split("\n")
    lines[MASSES + 2 : MASSES + 2] = ["material late : epoxy"]
    lines[MASSES + 6 : MASSES + 6] = ["{ kind adhesive }"]
    kind, diagnostics = assert_as_lark_alone("\n".join(lines))
    assert kind == "error" and "got `mass`" in diagnostics[0][1]


def test_rows_after_an_element_opened_on_a_closing_line_are_that_element_s() -> None:
    lines = small_export().split("\n")
    lines.insert(SUB - 20, "} element half : chip {")
    kind, statements = assert_as_lark_alone("\n".join(lines))
    assert kind == "parsed"
    half = next(s for s in statements if isinstance(s, st.Declaration) and s.name == "half")
    assert len(half.properties) == lines.index("}", SUB - 20) - (SUB - 20) - 1


@pytest.mark.parametrize("depth", [0, 1])
def test_rows_too_deep_for_the_parser_are_its_error_where_lark_finds_it(depth: int) -> None:
    kind, diagnostics = assert_as_lark_alone(small_export(), depth)
    assert kind == "error" and diagnostics[0][0] == "E009"
    assert assert_as_lark_alone(edited(SUB + 12, "    5 um"), depth) == (kind, diagnostics)


def test_lark_reads_only_the_lines_that_decide_the_error() -> None:
    """An error deep in a block of rows: Lark reads the element's other lines, the last row and on."""
    error = SUB + ROWS - 3
    text = edited(error, "    5 um")
    found = explicit.recognise(text, "d.assy")
    assert found is not None
    window = explicit.error_window(text, found, error)
    lines, read = text.split("\n"), window.split("\n")
    assert len(read) == len(lines)  # every line where it was
    assert [line for line in read[: error - 2] if line] == ["element sub : chip {", "    body silicon"]
    assert read[error - 2 :] == lines[error - 2 :]  # from the row before the error on, as written


# ---------------------------------------------------------------- CAD exports, thinned

# `outcome` sets explicit.MIN_BYTES itself (0 for the fast path, 10**12 for Lark alone), so an export
# needs no 200 kB to be read by the fast path: write_explicit's with one pad and mass number in
# STRIDE kept reads the same way, in a tenth of the time. 13 is prime to 2 and 3, so every variant
# of a row it writes (chosen by `i % 2` and `i % 3`) still comes, and both coordinates still take
# negative, zero and positive values (x = 0 at 260, y = 0 at 806 on its 40-wide grid).
STRIDE = 13
ROW_NUMBER = re.compile(r"(?:    pad [cp]|mass m)(\d+) ")


def thinned(export: str) -> str:
    """The export with only the pads and masses whose number is a multiple of STRIDE (the same in
    both elements and among the masses, so that each kept mass still joins two kept pads)."""
    kept = (line for line in export.split("\n") if (row := ROW_NUMBER.match(line)) is None or int(row[1]) % STRIDE == 0)
    return "\n".join(kept)


# Lines that break a design where they stand, in an element block or at the top level: a statement
# that ends too soon (its error is at the line end, which runs on over the rows the fast path
# blanks), a line of a wrong shape; and braces and parentheses, anywhere.
TOO_SOON = {
    True: ("    pad x at (1 um, 2 um) -", "    pad x at -"),
    False: ("let x = 5 um +", "let x =", "material late : epoxy"),
}
WRONG = {
    True: (
        "    5 um",
        "    pad x at (1 um 2 um)",
        "    pad x at (",
        "    pad x at (1 um, 2 um) diameter 25 um }",
        "    element x : chip {",
        "    @",
    ),
    False: (
        "mass m : SAC305 {",
        "mass m : SAC305 { joins (die.c1 -- sub.p1 }",
        "element oops : chip { body }}",
        "step attach { kind reflow; peak 245 }",
        '"unclosed',
    ),
}
ANYWHERE = ("}", "} }", "{", "(", ")")


def places(lines: list[str]) -> dict[str, list[int]]:
    """Where in an export a line is worth breaking, by kind of place (indices in `lines`)."""
    heads = [i for i, line in enumerate(lines) if line.startswith("element ")]
    closes = [i for i, line in enumerate(lines) if line == "}"]
    masses = [i for i, line in enumerate(lines) if line.startswith("mass ")]
    return {
        "a block's header": heads,
        "right after a header": [i + 1 for i in heads],
        "the first row": [i + 2 for i in heads],
        "among the rows": [i for h, c in zip(heads, closes, strict=True) for i in range(h + 3, c - 1)],
        "the last row": [i - 1 for i in closes],
        "a block's `}`": closes,
        "among the masses": masses,
        "the last lines": [len(lines) - 3, len(lines) - 2],
    }


def broken_export(src: Source) -> tuple[str, str]:
    """A CAD export (tests/fuzz_strategies.py, `thinned`) with a line broken, inserted, dropped or
    cut short (the file ending there: smaller, read by the fast path all the same in `outcome`), at
    a place of each kind, now and then with CR LF or without its last line end; and what was done."""
    lines = thinned(write_explicit(src)).split("\n")
    where = src.choice(sorted(places(lines)))
    at = src.choice(places(lines)[where])
    in_block = where not in ("a block's header", "among the masses", "the last lines")
    droppable = where in ("a block's header", "a block's `}`")  # a row dropped breaks nothing
    how = src.choice(["replace", "insert", "drop" if droppable else "insert", "cut"])
    if how == "drop":
        del lines[at]
    elif how == "cut":
        lines = [*lines[:at], lines[at][: src.integer(0, len(lines[at]))]]
    else:
        # the line end running on over blanked rows is the subtle case: one time in two
        broken = src.choice(src.choice([TOO_SOON[in_block], TOO_SOON[in_block], WRONG[in_block], ANYWHERE]))
        lines[at : at + (how == "replace")] = [broken]
        how += f" {broken!r}"
    text = "\n".join(lines)
    if src.chance(50):
        text, how = text.rstrip("\n"), how + ", no last line end"
    if src.chance(25):
        text, how = text.replace("\n", "\r\n"), how + ", CR LF"
    return text, f"{how} at line {at + 1} ({where})"


# hypothesis draws the seed, a seeded random.Random the rest: the examples differ from each other
# more than hypothesis's few first drawings of a long composite strategy do
@given(seed=hs.integers(0, 2**32))
@settings(max_examples=16, derandomize=True, database=None, deadline=None)  # each runs Lark alone on ~20 kB: 0.03 s
def test_one_line_broken_in_an_export_reads_as_lark_alone_gives_it(seed: int) -> None:
    text, done = broken_export(source_for(seed))
    assert outcome(text, fast=True) == outcome(text, fast=False), done
