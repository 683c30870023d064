"""A one-line edit of a big export is read without parsing the file again (editing/rows.py): the tree
it makes is the one the whole file's parse makes, and the error of a broken line is the parse's."""

from __future__ import annotations

import pytest

from assemblint.editing.documents import split_lines
from assemblint.editing.project import parse_file
from assemblint.editing.rows import line_error, reread
from benchmarks.designs import explicit

TEXT = explicit(1500)  # past explicit.MIN_BYTES: its pads and masses are rows
LINES = split_lines(TEXT)
MASS = next(i for i, line in enumerate(LINES, start=1) if line.startswith("mass m700 "))
PAD = next(i for i, line in enumerate(LINES, start=1) if line.startswith("    pad p3 "))


def _edited(changes: dict[int, str]) -> list[str]:
    lines = list(LINES)
    for number, line in changes.items():
        lines[number - 1] = line
    return lines


@pytest.fixture(scope="module")
def good():
    parsed = parse_file("/x/export.assy", TEXT, 1)
    assert parsed.tree is not None
    return parsed


def test_changed_rows_make_the_tree_a_parse_makes(good) -> None:
    lines = _edited(
        {
            MASS: LINES[MASS - 1].replace("diameter 100 um", "diameter 90 um").replace("SAC305", "Sn63Pb37"),
            PAD: LINES[PAD - 1].replace("diameter 100 um", "diameter 2 mil"),
        }
    )
    text = "\n".join(lines)
    found = reread(good, lines, [MASS, PAD], 2, text)
    assert found is not None and found.parsed is not None
    parsed = parse_file("/x/export.assy", text, 2)
    assert parsed.tree is not None
    assert found.parsed.tree == parsed.tree
    assert found.parsed.tree != good.tree


def test_a_line_that_is_no_longer_a_row_is_read_alone_with_the_parses_error(good) -> None:
    for number, broken in ((MASS, LINES[MASS - 1] + " )"), (PAD, LINES[PAD - 1] + " )")):
        lines = _edited({number: broken})
        text = "\n".join(lines)
        found = reread(good, lines, [number], 2, text)
        assert found is not None and found.parsed is None and found.line == number
        error, exact = line_error(broken, number, found.kind, "/x/export.assy", lines[number : number + 3])
        whole = parse_file("/x/export.assy", text, 2).error
        assert whole is not None and error is not None and exact
        assert (error.code, error.message, error.location) == (whole.code, whole.message, whole.location)


def test_an_error_past_the_line_is_only_shown_until_the_parse_says_it(good) -> None:
    broken = LINES[MASS - 1].split("{")[0] + "{ joins die.c700 -- sub.p700; diameter ("  # the next lines continue it
    error, exact = line_error(broken, MASS, "mass", "/x/export.assy", LINES[MASS : MASS + 3])
    assert error is not None and not exact
    assert error.message == "the file ends before the `}` that closes `mass m700`: this `{` is never closed"


def test_a_line_that_was_not_a_row_leaves_it_to_the_parse(good) -> None:
    header = next(i for i, line in enumerate(LINES, start=1) if line.startswith("element die"))
    lines = _edited({header: LINES[header - 1].replace("chip", "package")})
    assert reread(good, lines, [header], 2, "\n".join(lines)) is None
