"""Elements in the stack (STACK.md §5, and an element's own `rotate`/`mirror` of §2): `z`, the
thickness (the third value of `size`), `flip`, and where each pad lands, computed by hand."""

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


def pads(assembly: assemblint.Assembly, element: str, name: str) -> list[tuple[float, float]]:
    (e,) = [e for e in assembly.elements if e.name == element]
    array = e.pads[name]
    return list(zip(np.round(array.x, 6).tolist(), np.round(array.y, 6).tolist(), strict=True))


def test_z_and_thickness_give_the_faces_height(tmp_path: Path) -> None:
    a = build(
        tmp_path,
        "element sub : substrate { body BT; size 12 mm x 12 mm x 1 mm; z 0 um }\n"
        "element die : chip { body silicon; size 5 mm x 5 mm x 0.75 mm; z 1080 um; flip }\n"
        "element lid : chip { body silicon; size 5 mm x 5 mm }\n",
    )
    sub, die, lid = a.elements
    assert (sub.z, sub.thickness, sub.top, sub.face_z("front"), sub.face_z("back")) == (0, 1000, 1000, 1000, 0)
    assert (die.z, die.thickness, die.top, die.face_z("front"), die.face_z("back")) == (1080, 750, 1830, 1080, 1830)
    assert sub.has_height and die.has_height and not lid.has_height
    assert (die.face_up("front"), sub.face_up("front")) == (False, True)
    assert lid.face_z("front") is None and lid.thickness is None


@pytest.mark.parametrize(
    ("placing", "expected"),
    [
        ("", [(1500.0, 1000.0), (3500.0, 1000.0)]),  # (0.5, 1) and (2.5, 1) mm, shifted by (1, 0) mm
        ("flip", [(500.0, 1000.0), (-1500.0, 1000.0)]),  # x → −x about the position
        ("mirror", [(500.0, 1000.0), (-1500.0, 1000.0)]),
        ("flip; mirror", [(1500.0, 1000.0), (3500.0, 1000.0)]),  # the two mirrors cancel
        ("rotate 90", [(0.0, 500.0), (0.0, 2500.0)]),  # (x, y) → (−y, x)
        ("rotate 180", [(500.0, -1000.0), (-1500.0, -1000.0)]),
        ("rotate 270", [(2000.0, -500.0), (2000.0, -2500.0)]),  # (x, y) → (y, −x)
        ("rotate -90", [(2000.0, -500.0), (2000.0, -2500.0)]),
        ("mirror; rotate 90", [(0.0, -500.0), (0.0, -2500.0)]),  # mirror first: (−x, y) → (−y, −x)
    ],
)
def test_pads_land_where_the_transforms_put_them(tmp_path: Path, placing: str, expected: list) -> None:
    a = build(
        tmp_path,
        "element die : chip { body silicon; size 4 mm x 2 mm x 0.7 mm; position (1 mm, 0 mm); "
        f"pads c at (0.5 mm, 1 mm), (2.5 mm, 1 mm) diameter 100 um; {placing} }}\n".replace("; }", " }"),
    )
    assert pads(a, "die", "c") == expected


def test_the_placing_properties_apply_wherever_they_are_written(tmp_path: Path) -> None:
    before = build(tmp_path, "element d : chip { body silicon; flip; pad q at (1 mm, 0 mm) }\n")
    after = build(tmp_path, "element d : chip { body silicon; pad q at (1 mm, 0 mm); flip }\n")
    assert pads(before, "d", "q") == pads(after, "d", "q") == [(-1000.0, 0.0)]


def test_the_outline_turns_with_the_element(tmp_path: Path) -> None:
    a = build(tmp_path, "element r : chip { body silicon; size 2 mm x 4 mm; rotate 90; position (10 mm, 0 mm) }\n")
    assert a.elements[0].outline() == (8000.0, -1000.0, 12000.0, 1000.0)


@pytest.mark.parametrize("angle", ["45", "90.5", "360.5"])
def test_a_rotation_that_is_not_a_quarter_turn_is_e008_at_the_angle(tmp_path: Path, angle: str) -> None:
    with pytest.raises(LanguageError) as raised:
        build(tmp_path, f"element d : chip {{ body silicon; rotate {angle} }}\n")
    (error,) = raised.value.diagnostics
    assert (error.code, error.location.line, error.location.column) == ("E008", 2, 41)  # `rotate ` starts at 34
    assert error.message == f"`rotate` takes 0, 90, 180 or 270 (degrees, counter-clockwise), got {angle}"


def test_flip_takes_no_value(tmp_path: Path) -> None:
    with pytest.raises(LanguageError) as raised:
        build(tmp_path, "element d : chip { body silicon; flip yes }\n")
    (error,) = raised.value.diagnostics
    assert error.code == "E001" and error.location.column == 39
