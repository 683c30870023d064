"""Partial and staggered grids (STACK.md §3), `joins … by position` and planes (§4): positions and
counts worked out by hand, errors at the statement with their numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import assemblint
from assemblint.base.diagnostics import LanguageError


def build(tmp_path: Path, body: str) -> assemblint.Assembly:
    path = tmp_path / "d.assy"
    path.write_text("use std\n" + body, encoding="utf-8")
    return assemblint.load(path)


def grid(tmp_path: Path, options: str, size: str = "6 x 6") -> list[tuple[float, float]]:
    a = build(
        tmp_path, f"element d : chip {{ body silicon; pads p grid {size} pitch 100 um diameter 50 um {options} }}\n"
    )
    (array,) = a.pad_arrays
    return list(zip(array.x.tolist(), array.y.tolist(), strict=True))


def test_keep_ring_keeps_the_outer_rows_and_columns(tmp_path: Path) -> None:
    kept = grid(tmp_path, "keep ring 1")
    assert len(kept) == 36 - 16  # a 6 x 6 grid without its 4 x 4 centre
    assert (-50.0, -50.0) not in kept and (-250.0, -50.0) in kept
    assert len(grid(tmp_path, "keep ring 2")) == 36 - 4
    assert len(grid(tmp_path, "keep ring 3")) == 36


def test_keep_inside_and_without_blocks(tmp_path: Path) -> None:
    assert grid(tmp_path, "keep inside (2:4, 2:4)") == [(-50.0, -50.0), (50.0, -50.0), (-50.0, 50.0), (50.0, 50.0)]
    hollow = grid(tmp_path, "without (1:2, 1:2)", "3 x 3")
    assert len(hollow) == 8 and (0.0, 0.0) not in hollow
    both = grid(tmp_path, "without (0:1, 0:6) without (5:6, 0:6)")  # two rows removed: 24 kept, row-major
    assert len(both) == 24 and both[0] == (-250.0, -150.0)


def test_stagger_shifts_odd_rows_half_a_pitch(tmp_path: Path) -> None:
    assert grid(tmp_path, "stagger", "2 x 2") == [(-50.0, -50.0), (50.0, -50.0), (0.0, 50.0), (100.0, 50.0)]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("keep inside (2:9, 0:2)", "the block reaches past the grid of 6 x 6"),
        ("without (3:3, 0:2)", "the block `3:3` is empty: the end comes after the start"),
        ("keep inside (0:1, 0:1) without (0:1, 0:1)", "the grid keeps no pad: its options remove every position"),
    ],
)
def test_impossible_blocks_are_e008(tmp_path: Path, options: str, message: str) -> None:
    with pytest.raises(LanguageError) as raised:
        grid(tmp_path, options)
    (error,) = raised.value.diagnostics
    assert (error.code, error.message) == ("E008", message)


FLIP_CHIP = """footprint bumps {
    pads io grid 3 x 3 pitch 150 um diameter 90 um keep ring 1
}
element sub : substrate { body BT; size 12 mm x 12 mm x 1 mm; z 0 um; footprint bumps mirror }
element die : chip { body silicon; size 5 mm x 5 mm x 0.75 mm; z 1080 um; flip; footprint bumps }
"""


def test_joins_by_position_pairs_the_pads_that_coincide(tmp_path: Path) -> None:
    a = build(tmp_path, FLIP_CHIP + "masses b : SAC305 { joins die.io[*] -- sub.io[*] by position; height 80 um }\n")
    (group,) = a.mass_groups
    n = a.netlist
    assert group.count == 8
    np.testing.assert_array_equal(n.pad_x[group.pads_a], n.pad_x[group.pads_b])
    np.testing.assert_array_equal(n.pad_y[group.pads_a], n.pad_y[group.pads_b])
    # by index the two mirrored copies would pair io[0] (x = 150) with io[0] (x = 150): the same here,
    # and a die not mirrored would pair the opposite corners; by position never does
    assert (n.pad_element[group.pads_a] == 1).all() and (n.pad_element[group.pads_b] == 0).all()


def test_a_pad_without_a_partner_is_e005_naming_the_nearest(tmp_path: Path) -> None:
    text = FLIP_CHIP.replace("flip; footprint bumps", "flip; position (0 um, 3 um); footprint bumps")
    with pytest.raises(LanguageError) as raised:
        build(tmp_path, text + "masses b : SAC305 { joins die.io[*] -- sub.io[*] by position tolerance 2 um }\n")
    (error,) = raised.value.diagnostics
    assert error.code == "E005" and (error.location.line, error.location.column) == (7, 21)
    assert error.message == (
        "`joins … by position`: pad die.io[0] has no partner within 2 µm; the nearest is sub.io[0], 3 µm away "
        "(and 7 more pads without one)"
    )
    # within 3 µm they pair
    build(tmp_path, text + "masses b : SAC305 { joins die.io[*] -- sub.io[*] by position tolerance 3 um }\n")


def test_a_plane_joins_every_pad_of_it_into_one_node(tmp_path: Path) -> None:
    a = build(
        tmp_path, "element d : chip { body silicon; pads vdd grid 1 x 5 pitch 1 mm diameter 100 um; connect vdd[*] }\n"
    )
    labels = a.netlist.node_labels[: a.netlist.pad_count]
    assert len(set(labels.tolist())) == 1
