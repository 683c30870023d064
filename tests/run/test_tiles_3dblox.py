"""`--tiles` on a 3DBlox design: each tile reads its window's rows of the bump maps, a connection's
masses are counted over the tiles' cores and numbered by their rank (build/windowed_bumps.py,
model/windowed.Coincident), and the report is the one-process report, byte for byte."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

import assemblint
from assemblint.importing import bmap
from assemblint.importing.bmap import read_bmap, split_bumps
from assemblint.importing.tables import NotStreamed
from assemblint.importing.threedblox import Placement
from assemblint.model.windowed import Coincident
from assemblint.run import tiles

from .test_parallel import FORMATS, outputs
from .test_tiles import SYNC
from .test_tiles_windowed import passes  # noqa: F401 (a fixture)

OTHERS = ["--ignore", "AL,RH,TPL"]  # the example plugins' rules run on the whole design only

STACK = """Header:
  version: "1.0"
  unit: "micron"
  precision: 1000
ChipletDef:
  Die:
    type: die
    design_area: [DIE, DIE]
    thickness: 100
    regions:
      front_reg:
        side: front
        coords: [[0, 0], [DIE, 0], [DIE, DIE], [0, DIE]]
        bmap: die.bmap
  Base:
    type: rdl
    design_area: [BASE, BASE]
    thickness: 100
    regions:
      top_reg:
        side: front
        coords: [[0, 0], [BASE, 0], [BASE, BASE], [0, BASE]]
        bmap: base.bmap
ChipletInst:
  die:
    reference: Die
  base:
    reference: Base
Stack:
  base:
    loc: [0.0, 0.0]
    z: 0.0
    orient: R0
  die:
    loc: [50.0, 50.0]
    z: 130.0
    orient: MZ
Connection:
  ubumps:
    top: die.regions.front_reg
    bot: base.regions.top_reg
    thickness: 30.0
"""

DESIGN = """assembly "3DBlox on tiles"
use std
import "stack.3dbx"
refine die { body silicon }
refine base { body silicon }
refine die.front_reg { diameter 30 um }
refine base.top_reg { diameter 30 um }
refine ubumps { material SAC305 }
process { step attach { kind reflow; peak 245 C; forms ubumps }; operate -40 C .. 125 C }
"""


def stack(folder: Path, side: int = 6, pitch: float = 40.0) -> Path:
    """A die face down on a base, side × side bumps at `pitch` from (100, 100) µm in the assembly,
    30 µm each: every bump of the die on the base's but every 7th (0.5 µm off: no mass). Both maps
    list their bumps in a shuffled order (a mass's index is its rank among the coinciding bumps in
    the die's map, not its place), with comments, a blank line, tabs and CR LF."""
    rng = np.random.default_rng(3)
    index = np.arange(side * side)
    x, y = 100 + (index % side) * pitch, 100 + (index // side) * pitch
    nets = np.where(index % 3 == 0, "VSS", np.char.add("S", index.astype(str)))
    off = np.where(index % 7 == 3, 0.5, 0.0)
    die = [f"d{k} UBUMP {x[k] - 50 + off[k]:.3f} {y[k] - 50:.3f} {nets[k]} {nets[k]}" for k in rng.permutation(index)]
    base = [f"b{k}\tUBUMP  {x[k]:.3f} {y[k]:.3f} {nets[k]} {nets[k]}\r" for k in rng.permutation(index)]
    (folder / "die.bmap").write_text(
        "# the die's bumps\n" + "\n".join(die[:5]) + "\n\n# the rest\n" + "\n".join(die[5:])
    )
    (folder / "base.bmap").write_text("\n".join(base) + "\n")
    edge = 100 + side * pitch
    (folder / "stack.3dbx").write_text(STACK.replace("DIE", str(edge - 50)).replace("BASE", str(edge + 200)))
    (folder / "design.assy").write_text(DESIGN)
    return folder / "design.assy"


@pytest.mark.parametrize("size", ["40 um", "70 um", "auto"])
def test_a_3dblox_design_on_tiles_reports_as_one_process(size: str, tmp_path: Path, passes: list[int], capsys) -> None:  # noqa: F811
    # 36 bumps, 5 of the die's off their partners (rows 3, 10, 17, 24, 31: columns and rows (3, 0),
    # (4, 1), (5, 2), (0, 4), (1, 5)): 31 masses. Of the 60 neighbouring pairs 10 µm apart (30 µm
    # bumps at 40 µm, IN003's limit 20 µm) the missing masses take 3 + 4 + 3 + 3 + 3 = 16: 44 pairs.
    # 40 µm tiles from the first column (x 100 µm) put every border on a column of bumps.
    path = stack(tmp_path)
    single = outputs(tmp_path, "single", [str(path)], OTHERS, capsys)
    tiled = outputs(tmp_path, "tiled", [str(path)], [*OTHERS, *SYNC, "--tiles", size], capsys)
    assert "built whole" not in tiled[2]
    assert passes.count(-1) == 2, "each map read once, by one split task"
    assert len(passes) > 2, "the run built the design whole"
    assert tiled[0] == single[0] == 1
    for fmt in FORMATS:
        assert tiled[1][fmt] == single[1][fmt], fmt
    report = single[1]["json"]
    assert "44 pairs of masses on different electrical nodes are closer than 20 µm".encode() in report
    assert [(g.name, g.count) for g in assemblint.load(path).mass_groups] == [("ubumps", 31)]


def test_bump_maps_split_by_ranges_of_rows(tmp_path: Path, passes: list[int], monkeypatch, capsys) -> None:  # noqa: F811
    # ranges of 200 bytes: each map (about 1.3 kB) read by 7 split tasks, its rows numbered and its
    # nets named as one read of the file does
    monkeypatch.setattr(tiles, "SPLIT_BYTES", 200)
    path = stack(tmp_path)
    single = outputs(tmp_path, "single", [str(path)], OTHERS, capsys)
    tiled = outputs(tmp_path, "tiled", [str(path)], [*OTHERS, *SYNC, "--tiles", "55 um"], capsys)
    assert passes.count(-1) == 14
    assert tiled[1]["json"] == single[1]["json"]


def test_a_bad_bump_in_a_tile_is_told_as_one_process_tells_it(tmp_path: Path, capsys) -> None:
    path = stack(tmp_path)
    rows = (tmp_path / "base.bmap").read_text().split("\n")
    rows[20] = "b19 UBUMP forty 80.000 S19 S19"
    (tmp_path / "base.bmap").write_text("\n".join(rows))
    single = outputs(tmp_path, "single", [str(path)], OTHERS, capsys)
    tiled = outputs(tmp_path, "tiled", [str(path)], [*OTHERS, *SYNC, "--tiles", "100 um"], capsys)
    assert single[0] == tiled[0] == 2
    assert single[1]["json"] == tiled[1]["json"]
    assert "base.bmap:21:11: E001 `forty` is not a number (x of bump `b19`)" in single[2]


def test_old_mac_line_ends_build_the_design_whole(tmp_path: Path, passes: list[int], capsys) -> None:  # noqa: F811
    path = stack(tmp_path)
    (tmp_path / "die.bmap").write_bytes((tmp_path / "die.bmap").read_bytes().replace(b"\n", b"\r"))
    single = outputs(tmp_path, "single", [str(path)], OTHERS, capsys)
    tiled = outputs(tmp_path, "tiled", [str(path)], [*OTHERS, *SYNC, "--tiles", "100 um"], capsys)
    assert tiled[1]["json"] == single[1]["json"]
    assert "design.assy is built whole in this process: " in tiled[2]
    assert tiled[2].endswith("/die.bmap cannot be read in blocks (old Mac line ends)\n")
    assert passes == []


def test_bumps_read_in_blocks_are_the_bumps_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bmap, "BLOCK", 100)  # blocks of a few lines: every cut falls somewhere else
    rng = np.random.default_rng(5)
    lines = ["# bumps", ""]
    for i in range(400):
        net = ("VSS", "-", f"S{i % 50}")[i % 3]
        lines.append(f"  u{i}\tUBUMP {rng.uniform(0, 100):.3f}   {rng.uniform(0, 100):.3f} {net} {net} ")
        if i % 37 == 0:
            lines.append("# a comment")
    data = ("\r\n".join(lines) + "\r\n").encode()
    path = tmp_path / "m.bmap"
    path.write_bytes(b"\xef\xbb\xbf" + data)
    whole = read_bmap(path.read_bytes(), "m.bmap")
    place = pickle.loads(pickle.dumps(Placement(1000, (5, 0), (0, -1, 1, 0), (200_000, 0))))  # R90, as a worker gets it
    gx, gy = place(whole.x, whole.y)
    assert (gx[0], gy[0]) == (200 - whole.y[0], whole.x[0] + 0.005)

    def left(px: np.ndarray, py: np.ndarray) -> np.ndarray:
        return np.where(px < 150, 0, 1)

    parts = split_bumps(path, "m.bmap", left, 2, place)
    assert [p.total for p in parts] == [400, 400] and parts[0].rows + parts[1].rows == 400
    for part, chosen in zip(parts, (np.flatnonzero(gx < 150), np.flatnonzero(gx >= 150)), strict=True):
        assert part.rows_kept is not None and np.array_equal(part.rows_kept, chosen)
        assert np.array_equal(part.numbers["px"], gx[chosen]) and np.array_equal(part.numbers["py"], gy[chosen])
        assert part.names is not None and list(part.names) == [whole.names[int(k)] for k in chosen]
        assert part.net_names is not None and list(part.net_names) == list(whole.net_names)
        assert part.net_codes is not None and np.array_equal(part.net_codes, whole.net_codes[chosen])
    shares = [split_bumps(path, "m.bmap", left, 2, place, share=(i, 3))[0] for i in range(3)]
    assert sum(s.total or 0 for s in shares) == 400  # three ranges, every bump in one of them


def test_a_bump_map_the_blocks_cannot_read_is_not_streamed(tmp_path: Path) -> None:
    path = tmp_path / "m.bmap"
    path.write_text("u1 UBUMP 1.0 2.0 A A\nu2 UBUMP 1e400 2.0 A A\n")

    def everything(px: np.ndarray, py: np.ndarray) -> np.ndarray:
        return np.zeros(len(px), dtype=np.int64)

    with pytest.raises(NotStreamed, match="not a finite number"):
        split_bumps(path, "m.bmap", everything, 1, Placement(1000, (0, 0), (1, 0, 0, 1), (0, 0)))
    path.write_text("u1 UBUMP 1.0 2.0 A\n")
    with pytest.raises(NotStreamed):
        split_bumps(path, "m.bmap", everything, 1, Placement(1000, (0, 0), (1, 0, 0, 1), (0, 0)))


def test_a_mass_is_numbered_by_the_coinciding_bumps_before_its_own() -> None:
    present = np.zeros(20, dtype=bool)
    present[[0, 3, 8, 9, 15, 19]] = True
    ranks = pickle.loads(pickle.dumps(Coincident(present)))
    assert ranks.count == 6
    assert ranks.rank(np.array([19, 0, 9, 8, 15, 3])).tolist() == [5, 0, 3, 2, 4, 1]


OPENROAD = Path(__file__).parents[1] / "data" / "openroad_3dblox"


@pytest.mark.parametrize("name", ["3dic_cross.3dbx", "example.3dbx", "path_assertions.3dbx"])
def test_openroads_3dblox_inputs_on_tiles_report_as_one_process(name: str, tmp_path: Path, capsys) -> None:
    # OpenROAD's own test designs (src/odb/test), checked as they are: read by window, each bump
    # map by the split tasks, the connections' masses counted over the tiles
    path = str(OPENROAD / name)
    single = outputs(tmp_path, "single", [path], OTHERS, capsys)
    tiled = outputs(tmp_path, "tiled", [path], [*OTHERS, *SYNC, "--tiles", "50 um"], capsys)
    assert "built whole" not in tiled[2]
    assert tiled[0] == single[0]
    for fmt in FORMATS:
        assert tiled[1][fmt] == single[1][fmt], fmt


def test_a_design_naming_a_connections_masses_by_index_is_built_whole(
    tmp_path: Path,
    passes: list[int],  # noqa: F811
    capsys,
) -> None:
    # a window cannot number `ubumps[0:3]` (the whole design's first three coinciding bumps): the
    # design is built whole, and the run says why
    path = stack(tmp_path)
    path.write_text(
        path.read_text()
        + "layer glue : uf1173 { role underfill; between die, base; thickness 30 um; surrounds ubumps[0:3] }\n"
    )
    single = outputs(tmp_path, "single", [str(path)], OTHERS, capsys)
    tiled = outputs(tmp_path, "tiled", [str(path)], [*OTHERS, *SYNC, "--tiles", "100 um"], capsys)
    assert not passes
    assert tiled[2].endswith(
        "design.assy is built whole in this process: it names masses joined to bump-map pads by index\n"
    )
    assert tiled[1]["json"] == single[1]["json"]


@pytest.mark.parametrize("size", ["40 um", "70 um"])
def test_duplicated_bumps_pair_in_tiles_as_in_one_process(size: str, tmp_path: Path, passes: list[int], capsys) -> None:  # noqa: F811
    # every bump of the base twice, at the very same place, the copy on a net of its own and the
    # lines shuffled: each die bump coincides with both, and the one of lower row in the base map
    # is its partner (build/coincide.py), in a tile as in the whole design; which one it is
    # decides the nets the masses short
    path = stack(tmp_path)
    lines = (tmp_path / "base.bmap").read_text().splitlines()
    copies = [line.replace("\tUBUMP", "x\tUBUMP").replace(" S", " X").replace(" VSS", " XSS") for line in lines]
    order = np.random.default_rng(11).permutation(len(lines) * 2)
    both = lines + copies
    (tmp_path / "base.bmap").write_text("\n".join(both[k] for k in order) + "\n")
    single = outputs(tmp_path, "single", [str(path)], OTHERS, capsys)
    tiled = outputs(tmp_path, "tiled", [str(path)], [*OTHERS, *SYNC, "--tiles", size], capsys)
    assert "built whole" not in tiled[2]
    for fmt in FORMATS:
        assert tiled[1][fmt] == single[1][fmt], fmt
    assembly = assemblint.load(path)
    (group,) = assembly.mass_groups
    base = next(a for a in assembly.pad_arrays if a.element.name == "base")
    rows = np.asarray(group.pads_b) - base.start
    # each partner is the first of the two copies in the shuffled map
    first_of = {}
    for row, k in enumerate(order):
        first_of.setdefault(k % len(lines), row)
    die = next(a for a in assembly.pad_arrays if a.element.name == "die")
    assert len(rows) == 31 and all(row == first_of[k % len(lines)] for row, k in zip(rows, order[rows], strict=True))
    assert die.count == 36
