"""3DBlox read as OpenROAD reads it (importing/threedblox.py, build/imports.py; STACK.md §6), on
OpenROAD's own test inputs (tests/data/openroad_3dblox/, see its README.md).

`example.3dbx` is the input of OpenROAD's src/odb/test/check_3dblox.tcl: one chiplet `SoC` (design
area 955 × 1082 µm, 300 µm thick, precision 2000 database units per µm) placed twice at loc
(100, 200): `soc_inst` at z 0, R0, and `soc_inst_duplicate` at z 300, MZ (face down, on top of it).
Its region `back_reg` has two bumps (example.bmap: (100, 200) and (150, 200), no nets); `front_reg`
has none. check_3dblox.tcl then moves the duplicate and adds a third instance; each scenario is
replayed here on a modified copy of example.3dbx, with OpenROAD's figures turned into µm.

`3dic_cross.3dbx` (OpenROAD's src/dbSta/test/) puts chipB face down on chipA (20 × 20 µm each); bump
`d` of chipB lands on bump `q` of chipA, which OpenROAD reports as a logical connectivity mismatch
(ODB-0208) and assemblint as IN001, a short between nets d and q.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import assemblint

DATA = Path(__file__).resolve().parent.parent / "data" / "openroad_3dblox"

# the duplicate's Stack entry in example.3dbx (lines 31-33), which the scenarios move
DUPLICATE = "  soc_inst_duplicate:\n    loc: [100.0, 200.0]\n    z: 300.0\n"
# check_3dblox.tcl's figures, from the chiplet in database units (precision 2000)
W1, H1, T1 = 955.0, 1082.0, 300.0  # getWidth, getHeight, getThickness / 2000
X1, Y1, Z1 = 100.0, 200.0, 0.0  # soc_inst's getLoc / 2000


def example(tmp_path: Path, *replacements: tuple[str, str], bmap: str = "example.bmap") -> Path:
    """A copy of example.3dbx with text replaced, example.3dbv (reading `bmap`) and the bump maps beside."""
    for name in ("example.3dbv", "example.bmap", "example1.bmap", "example3.bmap"):
        shutil.copy(DATA / name, tmp_path / name)
    if bmap != "example.bmap":
        chiplet = (tmp_path / "example.3dbv").read_text(encoding="utf-8")
        (tmp_path / "example.3dbv").write_text(chiplet.replace("bmap: example.bmap", f"bmap: {bmap}"), "utf-8")
    text = (DATA / "example.3dbx").read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "example.3dbx"
    path.write_text(text, encoding="utf-8")
    return path


def with_inst3(loc: tuple[float, float], z: float) -> tuple[tuple[str, str], tuple[str, str]]:
    """The replacements adding check_3dblox.tcl's `inst3`, another SoC, placed at `loc`, `z`, R0."""
    return (
        ("\nStack:\n", "  inst3:\n    reference: SoC\n\nStack:\n"),
        ("\nConnection:\n", f"  inst3:\n    loc: [{loc[0]}, {loc[1]}]\n    z: {z}\n    orient: R0\n\nConnection:\n"),
    )


def rules_fired(report, prefix: str = "") -> list:
    assert not report.errors, [d.message for d in report.errors]
    assert not report.problems, [p.message for p in report.problems]
    return [f for f in report.findings if f.rule.startswith(prefix)]


def pad_names(asm: assemblint.Assembly) -> dict[int, str]:
    """Every pad's name by its global id: `soc_inst.back_reg[0]`."""
    return {arr.start + i: arr.item_name(i) for e in asm.elements for arr in e.pads.values() for i in range(arr.count)}


def nets_of(asm: assemblint.Assembly) -> dict[str, set[str]]:
    """Each net's name and the names of its pins, however the model groups the nets."""
    names = pad_names(asm)
    return {
        group.item_name(i): {names[int(p)] for p in group.pins[i]}
        for group in asm.net_groups
        for i in range(group.count)
    }


def joined(asm: assemblint.Assembly, group: str) -> list[tuple[str, str]]:
    """The pads each mass of a group joins, by name."""
    names = pad_names(asm)
    [masses] = [m for m in asm.mass_groups if m.name == group]
    assert masses.pads_b is not None
    return [(names[int(a)], names[int(b)]) for a, b in zip(masses.pads_a, masses.pads_b, strict=True)]


# ------------------------------------------------------------------------ example.3dbx as it is
def test_example_imports_two_elements_placed_as_openroad_places_them() -> None:
    asm = assemblint.load(DATA / "example.3dbx")
    soc, dup = asm.elements
    assert [e.name for e in asm.elements] == ["soc_inst", "soc_inst_duplicate"]
    assert (soc.type, dup.type) == ("chip", "chip")  # type: die
    # the outline from loc (100, 200) to loc + design area (no seal ring or scribe line)
    assert soc.size == dup.size == (955.0, 1082.0, 300.0)
    assert soc.outline() == dup.outline() == (100.0, 200.0, 1055.0, 1282.0)
    assert soc.position == dup.position == (100.0 + 955.0 / 2, 200.0 + 1082.0 / 2) == (577.5, 741.0)
    assert (soc.z, soc.top, soc.flip) == (0.0, 300.0, False)
    assert (dup.z, dup.top, dup.flip) == (300.0, 600.0, True)  # MZ: face down, on top of soc_inst
    assert (dup.rotate, dup.mirror) == (0, False)
    # an element is declared where the Stack places it
    assert (Path(soc.loc.path).name, soc.loc.line, soc.loc.column) == ("example.3dbx", 27, 3)
    assert (dup.loc.line, dup.loc.column) == (31, 3)


def test_example_regions_are_pad_arrays_with_their_bumps_where_openroad_puts_them() -> None:
    asm = assemblint.load(DATA / "example.3dbx")
    soc, dup = asm.elements
    assert list(soc.pads) == list(dup.pads) == ["front_reg", "back_reg"]
    for element in (soc, dup):
        front, back = element.pads["front_reg"], element.pads["back_reg"]
        assert (front.face, front.count) == ("front", 0)
        assert (back.face, back.count) == ("back", 2)
        assert list(back.labels) == ["bump1", "bump2"]
        # chip frame (100, 200) and (150, 200), offset 0, then moved by loc (100, 200); MZ (the
        # duplicate) does not mirror x or y
        assert back.x.tolist() == [200.0, 250.0]
        assert back.y.tolist() == [400.0, 400.0]
        assert back.diameter is None  # 3DBlox gives bumps no size
        assert back.item_name(0) == f"{element.name}.back_reg[0]"
    assert sum(arr.count for e in asm.elements for arr in e.pads.values()) == 4
    assert asm.netlist.pad_x.tolist() == [200.0, 250.0, 200.0, 250.0]
    assert nets_of(asm) == {}  # the net column is `-` throughout


def test_example_connections_are_mass_groups_joining_nothing_here() -> None:
    asm = assemblint.load(DATA / "example.3dbx")
    assert [m.name for m in asm.mass_groups] == ["soc_to_soc", "soc_to_virtual"]
    for masses in asm.mass_groups:
        assert masses.count == 0  # front_reg has no bumps; a connection to ~ joins nothing
        assert masses.height == 0.0  # thickness 0.0
        assert masses.material is None
    soc_to_soc = asm.mass_groups[0]
    assert (soc_to_soc.loc.line, soc_to_soc.loc.column) == (37, 3)


def test_example_checks_clean_as_openroads_initial_check() -> None:
    # check "Initial overlap count" 0 (ODB-0156 → ST002); "Initial floating count" 0 (ODB-0151 → ST001)
    report = assemblint.check(DATA / "example.3dbx")
    assert rules_fired(report) == []
    assert report.summary["exit_code"] == 0


def test_path_assertions_imports_and_its_path_section_is_ignored() -> None:
    asm = assemblint.load(DATA / "path_assertions.3dbx")
    assert [e.name for e in asm.elements] == ["soc_inst", "soc_inst_duplicate"]
    assert [(m.name, m.count) for m in asm.mass_groups] == [("soc_to_soc", 0)]
    assert rules_fired(assemblint.check(DATA / "path_assertions.3dbx"), "ST") == []


# ------------------------------------------------------------------------ check_3dblox.tcl's scenarios
def test_scenario_touching_chips_are_not_floating(tmp_path: Path) -> None:
    # 2. inst2 at z1 + t1: resting on inst1 (what example.3dbx already says, written out again)
    path = example(tmp_path, (DUPLICATE, DUPLICATE.replace("300.0", f"{Z1 + T1}")))
    assert rules_fired(assemblint.check(path), "ST") == []


def test_scenario_a_vertical_gap_floats_the_duplicate(tmp_path: Path) -> None:
    # 3. inst2 at z1 + t1 + 10000 database units: 5 µm above inst1, joined by no mass (soc_to_soc
    # has no bumps), so one floating group: OpenROAD's "Found 1 floating chip sets"
    path = example(tmp_path, (DUPLICATE, DUPLICATE.replace("300.0", "305.0")))
    [finding] = rules_fired(assemblint.check(path), "ST")
    assert finding.rule == "ST001"
    assert finding.object_names == ["soc_inst_duplicate"]
    assert finding.data == {
        "elements": ["soc_inst_duplicate"],
        "group_size": 1,
        "largest_group": 1,
        "largest_holds": "soc_inst",  # a tie: the first declared stays
        "groups": 2,
    }
    assert (finding.location.line, finding.location.column) == (31, 3)


def test_scenario_a_third_chip_far_away_makes_two_floating_sets(tmp_path: Path) -> None:
    # 4. inst3 at (x1 + 10 w1, y1 + 10 h1, z1), the gap of 3. kept: "Found 2 floating chip sets"
    far = (X1 + 10 * W1, Y1 + 10 * H1)
    assert far == (9650.0, 11020.0)
    path = example(tmp_path, (DUPLICATE, DUPLICATE.replace("300.0", "305.0")), *with_inst3(far, Z1))
    findings = rules_fired(assemblint.check(path), "ST")
    assert [(f.rule, f.object_names) for f in findings] == [
        ("ST001", ["soc_inst_duplicate"]),
        ("ST001", ["inst3"]),
    ]
    assert {f.data["groups"] for f in findings} == {3}


def overlap_replacement() -> tuple[str, str]:
    # 5. inst2 at (x1 + w1/4, y1 + h1/4, z1 + t1/2): w1/4 = 1910000/4 DBU = 238.75 µm, h1/4 = 270.5 µm
    loc = (X1 + W1 / 4, Y1 + H1 / 4)
    assert loc == (338.75, 470.5)
    return DUPLICATE, f"  soc_inst_duplicate:\n    loc: [{loc[0]}, {loc[1]}]\n    z: {Z1 + T1 / 2}\n"


def test_scenario_a_partial_overlap_is_one_st002(tmp_path: Path) -> None:
    path = example(tmp_path, overlap_replacement())
    [finding] = rules_fired(assemblint.check(path), "ST")
    assert finding.rule == "ST002"
    assert finding.object_names == ["soc_inst", "soc_inst_duplicate"]
    # x: 338.75 … 1055 (716.25 µm), y: 470.5 … 1282 (811.5 µm), z: 150 … 300
    assert finding.data == {
        "elements": ["soc_inst", "soc_inst_duplicate"],
        "area": pytest.approx(716.25 * 811.5),
        "overlap_x": [338.75, 1055.0],
        "overlap_y": [470.5, 1282.0],
        "bottom": 150.0,
        "top": 300.0,
        "height": 150.0,
    }
    assert finding.message == (
        "soc_inst and soc_inst_duplicate overlap in space: 716.25 µm × 811.5 µm of their outlines "
        "(0.581237 mm²) over the heights 150 µm to 300 µm (150 µm) are in both"
    )


def test_scenario_a_partial_overlap_with_inst3_still_there(tmp_path: Path) -> None:
    # 5. as check_3dblox.tcl runs it, inst3 still far away: "Found 1 overlapping chips". (OpenROAD
    # also counts 2 floating sets there: overlapping chips do not hold each other for it; for ST001
    # two elements that interpenetrate touch, so only inst3 floats, and ST002 reports the overlap.)
    path = example(tmp_path, overlap_replacement(), *with_inst3((X1 + 10 * W1, Y1 + 10 * H1), Z1))
    findings = rules_fired(assemblint.check(path), "ST")
    assert sorted((f.rule, tuple(f.object_names)) for f in findings) == [
        ("ST001", ("inst3",)),
        ("ST002", ("soc_inst", "soc_inst_duplicate")),
    ]


# ------------------------------------------------------------------------ nets of a bump map
def test_the_same_net_on_two_chiplets_is_one_net(tmp_path: Path) -> None:
    # example1.bmap: bump1 on SIG1, bump2 on SIG2; both instances of SoC read it
    asm = assemblint.load(example(tmp_path, bmap="example1.bmap"))
    assert nets_of(asm) == {
        "SIG1": {"soc_inst.back_reg[0]", "soc_inst_duplicate.back_reg[0]"},
        "SIG2": {"soc_inst.back_reg[1]", "soc_inst_duplicate.back_reg[1]"},
    }


def test_two_bumps_of_one_net_in_one_map(tmp_path: Path) -> None:
    asm = assemblint.load(example(tmp_path, bmap="example3.bmap"))  # both bumps on SIG1
    assert nets_of(asm) == {
        "SIG1": {f"{inst}.back_reg[{i}]" for inst in ("soc_inst", "soc_inst_duplicate") for i in (0, 1)}
    }


def test_a_net_of_the_assy_adds_pins_to_the_imported_net(tmp_path: Path) -> None:
    example(tmp_path, bmap="example1.bmap")
    design = tmp_path / "d.assy"
    design.write_text(
        'use std\nimport "example.3dbx"\n'
        "element probe : chip { body silicon; pad p at (0 um, 0 um) }\n"
        "net SIG1 { probe.p }\n",
        encoding="utf-8",
    )
    nets = nets_of(assemblint.load(design))
    assert nets["SIG1"] == {"soc_inst.back_reg[0]", "soc_inst_duplicate.back_reg[0]", "probe.p"}
    assert nets["SIG2"] == {"soc_inst.back_reg[1]", "soc_inst_duplicate.back_reg[1]"}


# ------------------------------------------------------------------------ 3dic_cross.3dbx
def test_3dic_cross_places_chip_b_face_down_without_mirroring_its_bumps() -> None:
    asm = assemblint.load(DATA / "3dic_cross.3dbx")
    chip_a, chip_b = asm.elements
    assert (chip_a.name, chip_a.z, chip_a.flip, chip_a.size) == ("chipA", 0.0, False, (20.0, 20.0, 300.0))
    assert (chip_b.name, chip_b.z, chip_b.flip, chip_b.size) == ("chipB", 300.0, True, (20.0, 20.0, 300.0))
    a, b = chip_a.pads["front_reg"], chip_b.pads["front_reg"]
    assert list(zip(a.x.tolist(), a.y.tolist(), strict=True)) == [(15.0, 17.0), (15.0, 19.0), (19.0, 19.0)]
    assert list(zip(b.x.tolist(), b.y.tolist(), strict=True)) == [(15.0, 17.0), (19.0, 19.0), (19.0, 17.0)]
    assert list(a.labels) == list(b.labels) == ["bump_clk", "bump_d", "bump_q"]
    # the facing fronts meet at z 300: chipA's front on top, chipB's (face down) at its z
    assert chip_a.face_z("front") == chip_b.face_z("front") == 300.0


def test_3dic_cross_bond_joins_exactly_the_bumps_at_the_same_place() -> None:
    asm = assemblint.load(DATA / "3dic_cross.3dbx")
    assert joined(asm, "bond_a_to_b") == [
        ("chipB.front_reg[0]", "chipA.front_reg[0]"),  # clk on clk at (15, 17)
        ("chipB.front_reg[1]", "chipA.front_reg[2]"),  # B's d on A's q at (19, 19)
    ]
    netlist = asm.netlist
    pads = np.concatenate([netlist.mass_pad_a, netlist.mass_pad_b])
    assert sorted(zip(netlist.pad_x[pads].tolist(), netlist.pad_y[pads].tolist(), strict=True)) == [
        (15.0, 17.0),
        (15.0, 17.0),
        (19.0, 19.0),
        (19.0, 19.0),
    ]
    [bond] = [m for m in asm.mass_groups if m.name == "bond_a_to_b"]
    assert (bond.height, bond.material) == (0.0, None)  # no thickness: a direct bond, of no material yet
    assert np.isnan(bond.diameter).all()
    assert joined(asm, "to_pkg") == []  # to ~


def test_3dic_cross_nets_span_both_chips() -> None:
    asm = assemblint.load(DATA / "3dic_cross.3dbx")
    assert nets_of(asm) == {
        "clk": {"chipA.front_reg[0]", "chipB.front_reg[0]"},
        "d": {"chipA.front_reg[1]", "chipB.front_reg[1]"},
        "q": {"chipA.front_reg[2]", "chipB.front_reg[2]"},
    }


def test_3dic_cross_reports_the_short_openroad_reports_as_a_connectivity_mismatch() -> None:
    # OpenROAD: [ODB-0208] logical connectivity mismatch at (19, 19), chipB's d on chipA's q
    report = assemblint.check(DATA / "3dic_cross.3dbx")
    [short] = rules_fired(report, "IN001")
    assert short.object_names == ["d", "q"]
    assert short.data == {
        "nets": ["d", "q"],
        "paths": ["chipB.front_reg[1] — bond_a_to_b[1] — chipA.front_reg[2]"],
    }
    assert short.message == (
        "nets d and q are on one electrical node: chipB.front_reg[1] — bond_a_to_b[1] — chipA.front_reg[2]"
    )
    assert rules_fired(report, "ST") == []  # stacked face to face, the bond of height 0 in the gap of 0


# ------------------------------------------------------------------------ orientations, generated
CHIPLET = """\
Header:
  version: 2.5
  unit: micron
  precision: 2000

ChipletDef:
  small:
    type: die
    design_area: [30, 20]
    seal_ring_width: [1, 2, 3, 4]
    thickness: 50
    offset: [2, 3]
    regions:
      front_reg:
        side: front
        coords:
          - [0, 0]
          - [30, 0]
          - [30, 20]
          - [0, 20]
        bmap: small.bmap
"""

PLACED = """\
Header:
  unit: micron
  precision: 2000
  include:
    - small.3dbv

ChipletInst:
  u:
    reference: small

Stack:
  u:
    loc: [100, 50]
    z: 10
    orient: {orient}
"""

# The chiplet's box: design area 30 × 20 plus the seal ring (left 1, bottom 2, right 3, top 4):
# W 34, H 26. Bumps (5, 7) and (20, 4), plus the offset (2, 3): (7, 10) and (22, 7) in its frame.
# Turned (dbTransform: R90 (x, y) → (−y, x), R180 (−x, −y), R270 (y, −x), MX (x, −y), MY (−x, y),
# MX_R90 (y, x), MY_R90 (−y, −x)), then moved so that the turned box's lower left is loc (100, 50).
# R90: box corners → x in [−26, 0], y in [0, 34]: moved by (126, 50); (7, 10) → (−10, 7) → (116, 57).
WIDE, TALL = (100.0, 50.0, 134.0, 76.0), (100.0, 50.0, 126.0, 84.0)
ORIENTATIONS = {
    "R0": (WIDE, False, [(107.0, 60.0), (122.0, 57.0)]),
    "R90": (TALL, False, [(116.0, 57.0), (119.0, 72.0)]),
    "R180": (WIDE, False, [(127.0, 66.0), (112.0, 69.0)]),
    "R270": (TALL, False, [(110.0, 77.0), (107.0, 62.0)]),
    "MX": (WIDE, False, [(107.0, 66.0), (122.0, 69.0)]),
    "MY": (WIDE, False, [(127.0, 60.0), (112.0, 57.0)]),
    "MX_R90": (TALL, False, [(110.0, 57.0), (107.0, 72.0)]),
    "MY_R90": (TALL, False, [(116.0, 77.0), (119.0, 62.0)]),
    "MZ_R90": (TALL, True, [(116.0, 57.0), (119.0, 72.0)]),  # face down: x and y as R90
    "MZ_MX": (WIDE, True, [(107.0, 66.0), (122.0, 69.0)]),
    "MY_R180": (WIDE, False, [(107.0, 66.0), (122.0, 69.0)]),  # OpenROAD's other name of MX
    "MZ_MX_R180": (WIDE, True, [(127.0, 60.0), (112.0, 57.0)]),  # … of MZ_MY
    "W": (TALL, False, [(116.0, 57.0), (119.0, 72.0)]),  # the LEF name of R90
    "FS": (WIDE, False, [(107.0, 66.0), (122.0, 69.0)]),  # … of MX
}


def small_chiplet(tmp_path: Path, orient: str, bumps: str = "b1 BUMP 5 7 - -\nb2 BUMP 20 4 - -\n") -> Path:
    (tmp_path / "small.3dbv").write_text(CHIPLET, encoding="utf-8")
    (tmp_path / "small.bmap").write_text(bumps, encoding="utf-8")
    path = tmp_path / "small.3dbx"
    path.write_text(PLACED.format(orient=orient), encoding="utf-8")
    return path


@pytest.mark.parametrize("orient", list(ORIENTATIONS))
def test_orientations_turn_the_box_and_the_bumps_with_the_offset(tmp_path: Path, orient: str) -> None:
    outline, flip, bumps = ORIENTATIONS[orient]
    [u] = assemblint.load(small_chiplet(tmp_path, orient)).elements
    assert u.outline() == outline
    x0, y0, x1, y1 = outline
    assert u.size == (x1 - x0, y1 - y0, 50.0)
    assert u.position == ((x0 + x1) / 2, (y0 + y1) / 2)
    assert (u.z, u.flip, u.rotate, u.mirror) == (10.0, flip, 0, False)
    pads = u.pads["front_reg"]
    assert list(zip(pads.x.tolist(), pads.y.tolist(), strict=True)) == bumps
    assert list(pads.labels) == ["b1", "b2"]


def test_bumps_land_on_the_database_grid(tmp_path: Path) -> None:
    # precision 2000: a database unit is 0.0005 µm; 5.0002 µm is 10000.4 units → 10000, and
    # 20.00026 µm is 40000.52 units → 40001, i.e. 20.0005 µm
    [u] = assemblint.load(small_chiplet(tmp_path, "R0", "b1 BUMP 5.0002 7 - -\nb2 BUMP 20.00026 4 - -\n")).elements
    assert u.pads["front_reg"].x.tolist() == [107.0, 122.0005]


PAIR = """\
Header:
  unit: micron
  precision: 2000
  include:
    - small.3dbv
    - other.3dbv

ChipletInst:
  low:
    reference: small
  high:
    reference: other

Stack:
  low:
    loc: [0, 0]
    z: 0
    orient: R0
  high:
    loc: [0, 0]
    z: 50
    orient: MZ

Connection:
  bond:
    top: high.regions.front_reg
    bot: low.regions.front_reg
"""


def test_a_connection_joins_bumps_equal_on_the_database_grid_and_no_others(tmp_path: Path) -> None:
    # low's bumps at (7, 10), (22, 7) (offset 2, 3; seal ring 1, 2 on the left and bottom is in
    # the box, not in the bump positions); high's map: one 0.0002 µm off (the same database unit),
    # one a whole unit (0.0005 µm) off, which OpenROAD does not pair either
    small_chiplet(tmp_path, "R0")
    other = CHIPLET.replace("small", "other").replace("offset: [2, 3]", "offset: [0, 0]")
    (tmp_path / "other.3dbv").write_text(other, encoding="utf-8")
    (tmp_path / "other.bmap").write_text("h1 BUMP 7.0002 10 - -\nh2 BUMP 22.0005 7 - -\n", encoding="utf-8")
    path = tmp_path / "pair.3dbx"
    path.write_text(PAIR, encoding="utf-8")
    asm = assemblint.load(path)
    assert asm.elements[1].pads["front_reg"].x.tolist() == [7.0, 22.0005]
    assert joined(asm, "bond") == [("high.front_reg[0]", "low.front_reg[0]")]


@pytest.mark.parametrize(
    ("kind", "element_type"), [("die", "chip"), ("ip", "chip"), ("rdl", "interposer"), ("substrate", "substrate")]
)
def test_chiplet_types_become_element_types(tmp_path: Path, kind: str, element_type: str) -> None:
    path = small_chiplet(tmp_path, "R0")
    (tmp_path / "small.3dbv").write_text(CHIPLET.replace("type: die", f"type: {kind}"), encoding="utf-8")
    [u] = assemblint.load(path).elements
    assert u.type == element_type


@pytest.mark.parametrize(("z", "fires"), [("320.0", False), ("325.0", False), ("325.5", True), ("330.0", True)])
def test_a_connection_thickness_is_the_masses_height_that_st003_checks(tmp_path: Path, z: str, fires: bool) -> None:
    # OpenROAD's ODB-0207 (a gap that does not match the connection's thickness) is ST003 here: the
    # bond 20 µm thick between chipA's top (300) and chipB's bottom (z), within 5 µm
    text = (DATA / "3dic_cross.3dbx").read_text(encoding="utf-8")
    text = text.replace("    z: 300.0", f"    z: {z}").replace(
        "    bot: chipA.regions.front_reg\n", "    bot: chipA.regions.front_reg\n    thickness: 20\n"
    )
    for name in ("3dic_cross_flop.3dbv", "3dic_cross_flop_a.bmap", "3dic_cross_flop_b.bmap"):
        shutil.copy(DATA / name, tmp_path / name)
    path = tmp_path / "thick.3dbx"
    path.write_text(text, encoding="utf-8")
    bond = next(m for m in assemblint.load(path).mass_groups if m.name == "bond_a_to_b")
    assert (bond.height, bond.count) == (20.0, 2)
    findings = rules_fired(assemblint.check(path), "ST")
    assert [f.rule for f in findings] == (["ST003"] if fires else [])
    if fires:
        assert findings[0].data["gap"] == float(z) - 300.0
        assert (findings[0].data["lower"], findings[0].data["upper"]) == ("chipA", "chipB")
