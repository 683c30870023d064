"""Footprints (STACK.md §1): a pad pattern written once, added to elements mirrored, turned and
shifted; the flip-chip pair coincides pad for pad; errors at the statement that causes them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import assemblint
from assemblint.base.diagnostics import LanguageError

BUMPS = """use std
footprint bumps {
    pads io grid 2 x 3 pitch 150 um diameter 90 um
    pad  sense at (2.4 mm, 2.4 mm) diameter 120 um
}
"""


def build(tmp_path: Path, text: str) -> assemblint.Assembly:
    path = tmp_path / "d.assy"
    path.write_text(BUMPS + text, encoding="utf-8")
    return assemblint.load(path)


def xy(assembly: assemblint.Assembly, element: str, pads: str) -> list[tuple[float, float]]:
    (e,) = [e for e in assembly.elements if e.name == element]
    array = e.pads[pads]
    return list(zip(np.round(array.x, 6).tolist(), np.round(array.y, 6).tolist(), strict=True))


def test_the_flip_chip_pair_coincides_pad_for_pad(tmp_path: Path) -> None:
    a = build(
        tmp_path,
        "element sub : substrate { body BT; size 12 mm x 12 mm x 1 mm; z 0 um; footprint bumps mirror }\n"
        "element die : chip { body silicon; size 5 mm x 5 mm x 0.75 mm; z 1080 um; flip; footprint bumps }\n",
    )
    # the grid is centred: columns at −150, 0, 150 µm, rows at −75, 75 µm; both copies mirrored in x
    assert xy(a, "sub", "io") == xy(a, "die", "io") == [
        (150.0, -75.0), (0.0, -75.0), (-150.0, -75.0), (150.0, 75.0), (0.0, 75.0), (-150.0, 75.0)
    ]  # fmt: skip
    assert xy(a, "sub", "sense") == xy(a, "die", "sense") == [(-2400.0, 2400.0)]
    assert a.elements[0].pads["io"].diameter == 90.0


def test_rotate_and_at_place_the_footprint_in_its_element(tmp_path: Path) -> None:
    a = build(
        tmp_path,
        "element d : chip { body silicon; position (10 mm, 0 mm); footprint bumps rotate 90 at (1 mm, 0 mm) }\n",
    )
    # sense (2.4, 2.4) mm turned: (−2.4, 2.4), shifted by (1, 0) in the element, then by its position (10, 0)
    assert xy(a, "d", "sense") == [(8600.0, 2400.0)]


@pytest.mark.parametrize(
    ("text", "code", "line", "column", "message"),
    [
        (
            "element d : chip { body silicon; footprint bump }\n",
            "E002",
            6,
            44,
            "unknown footprint `bump` (did you mean `bumps`?)",
        ),
        (
            "element d : chip { body silicon; footprint bumps; footprint bumps at (5 mm, 0 mm) }\n",
            "E004",
            3,
            10,
            "pad `io` is declared twice on `d`",
        ),
        ("element d : chip { body silicon; footprint bumps turn 90 }\n", "E001", 6, 50, None),
        ("footprint bad {\n    body silicon\n}\nelement d : chip { footprint bad }\n", "E010", 7, 5, None),
    ],
)
def test_footprint_errors(tmp_path: Path, text: str, code: str, line: int, column: int, message: str | None) -> None:
    with pytest.raises(LanguageError) as raised:
        build(tmp_path, text)
    first = raised.value.diagnostics[0]
    assert (first.code, first.location.line, first.location.column) == (code, line, column)
    if message:
        assert first.message == message
