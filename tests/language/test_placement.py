"""`place NAME : CELL at (X, Y) [z Z] [rotate R] [mirror]`, and cells that place cells (STACK.md §2):
every position computed by hand, names by instance path, a cell placing itself E006."""

from __future__ import annotations

from pathlib import Path

import pytest

import assemblint
from assemblint.base.diagnostics import LanguageError

DIE = """use std
cell Die {
    element d : chip { body silicon; size 2 mm x 1 mm x 50 um; z 0 um; pad q at (0.5 mm, 0 mm) diameter 50 um }
}
cell Stack2 {
    place d0 : Die at (0 mm, 0 mm) z 0 um
    place d1 : Die at (0 mm, 0 mm) z 55 um
}
"""


def build(tmp_path: Path, text: str) -> assemblint.Assembly:
    path = tmp_path / "d.assy"
    path.write_text(DIE + text, encoding="utf-8")
    return assemblint.load(path)


def where(assembly: assemblint.Assembly) -> dict[str, tuple]:
    """Each element: its position, turn, mirror, z, outline, and its pad q's position."""
    out = {}
    for e in assembly.elements:
        q = e.pads["q"]
        out[e.name] = (e.position, e.rotate, e.mirror, e.z, e.outline(), (float(q.x[0]), float(q.y[0])))
    return out


def test_one_instance_at_a_position_turned(tmp_path: Path) -> None:
    a = build(tmp_path, "place cpu : Die at (-6 mm, 0 mm) rotate 90\n")
    # q at (0.5, 0) mm turned a quarter: (0, 0.5) mm, then shifted by (-6, 0) mm; the 2 x 1 mm outline stands up
    assert where(a) == {
        "cpu.d": ((-6000.0, 0.0), 90, False, 0.0, (-6500.0, -1000.0, -5500.0, 1000.0), (-6000.0, 500.0))
    }


def test_a_cell_that_places_cells_mirrored_and_raised(tmp_path: Path) -> None:
    a = build(tmp_path, "place hbm : Stack2 at (6 mm, 0 mm) mirror\n")
    assert where(a) == {
        "hbm.d0.d": ((6000.0, 0.0), 0, True, 0.0, (5000.0, -500.0, 7000.0, 500.0), (5500.0, 0.0)),
        "hbm.d1.d": ((6000.0, 0.0), 0, True, 55.0, (5000.0, -500.0, 7000.0, 500.0), (5500.0, 0.0)),
    }


def test_nested_transforms_compose(tmp_path: Path) -> None:
    """Stack2 turned 90° at (1, 2) mm, inside it Die at (1, 0) mm: Die's origin lands at (1, 3) mm."""
    text = DIE.replace("place d1 : Die at (0 mm, 0 mm) z 55 um", "place d1 : Die at (1 mm, 0 mm) z 55 um rotate 90")
    path = tmp_path / "d.assy"
    path.write_text(text + "place s : Stack2 at (1 mm, 2 mm) rotate 90 z 100 um\n", encoding="utf-8")
    a = assemblint.load(path)
    d1 = where(a)["s.d1.d"]
    # d1's q: (0.5, 0) turned 90 in d1 → (0, 0.5), + (1, 0) → (1, 0.5); turned 90 in s → (-0.5, 1), + (1, 2) → (0.5, 3)
    assert d1[0] == (1000.0, 3000.0) and d1[1] == 180 and d1[3] == 155.0 and d1[5] == (500.0, 3000.0)


def test_references_name_instances_by_path(tmp_path: Path) -> None:
    a = build(
        tmp_path,
        "place cpu : Die at (-6 mm, 0 mm)\nplace hbm : Stack2 at (6 mm, 0 mm)\n"
        "mass m : SAC305 { joins cpu.d.q -- hbm.d1.d.q; diameter 40 um; height 20 um }\n",
    )
    (group,) = a.mass_groups
    by_start = {array.start: array for array in a.pad_arrays}
    assert [by_start[int(i)].item_name(0) for i in (*group.pads_a, *group.pads_b)] == ["cpu.d.q", "hbm.d1.d.q"]


def test_a_grid_of_instances_is_unchanged(tmp_path: Path) -> None:
    a = build(tmp_path, "place dies : Die grid 1 x 2 pitch 3 mm\n")
    assert where(a)["dies[0].d"][0] == (-1500.0, 0.0)


@pytest.mark.parametrize(
    ("text", "code", "line", "column", "message"),
    [
        (
            "cell A {\n    place b : B at (0 mm, 0 mm)\n}\ncell B {\n    place a : A at (1 mm, 0 mm)\n}\n"
            "place top : A at (0 mm, 0 mm)\n",
            "E006",
            13,
            15,
            "cell `A` places itself: A → B → A",
        ),
        ("place g : Die grid 1 x 2 pitch 1 mm rotate 45\n", "E008", 9, 44, None),
        ("place g : Die at (0 mm, 0 mm) turn 90\n", "E001", 9, 31, None),
        ("place cpu : Die at (0 mm, 0 mm)\nmass m : SAC305 { joins cpu[0].d.q -- cpu.d.q }\n", "E002", 10, 25, None),
    ],
)
def test_placement_errors(tmp_path: Path, text: str, code: str, line: int, column: int, message: str | None) -> None:
    with pytest.raises(LanguageError) as raised:
        build(tmp_path, text)
    first = raised.value.diagnostics[0]
    assert (first.code, first.location.line, first.location.column) == (code, line, column)
    if message:
        assert first.message == message


def test_a_cell_never_placed_is_still_checked_and_adds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "d.assy"
    path.write_text("use std\ncell Never { element e : chip { body silicn } }\nelement ok : chip { body silicon }\n")
    with pytest.raises(LanguageError) as raised:
        assemblint.load(path)
    (error,) = raised.value.diagnostics
    assert (error.code, error.location.line, error.location.column) == ("E002", 2, 38)
    path.write_text(
        "use std\ncell Never { element e : chip { body silicon; pad p at (0 mm, 0 mm) } }\n"
        "element ok : chip { body silicon }\n"
    )
    a = assemblint.load(path)
    assert [e.name for e in a.elements] == ["ok"] and a.pad_arrays == [] and a.pad_count == 0
