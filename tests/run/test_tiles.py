"""`check --executor dask --tiles SIZE` (run/tiles.py, checking/tiling.py, model/tiles.py): the
report of a design checked as tiles is the one-process report, byte for byte, in every format."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import assemblint
from assemblint import EACH, Reduction, rule
from assemblint.api import CheckOptions, check_files
from assemblint.model.tiles import Window, restrict
from assemblint.plugins.host import PluginHost
from assemblint.run import tiles

from .test_parallel import EXAMPLES, FORMATS, needs_dask, outputs, run

SYNC = ["--executor", "dask", "--scheduler", "synchronous"]

BORDER = """assembly "IN003 pairs across tile borders"
use std
element sub : substrate { body BT; size 3 mm x 3 mm x 1 mm
    pads p grid 10 x 10 pitch 100 um diameter 60 um
}
element die : chip { body silicon; size 2 mm x 2 mm x 0.5 mm
    pads c grid 10 x 10 pitch 100 um diameter 60 um
CONNECTS
}
masses m : SAC305 { joins die.c[*] -- sub.p[*]; diameter DIAMETER; height 50 um }
process { step attach { kind reflow; peak 245 C; forms m }; operate -40 C .. 125 C }
"""


def border(tmp_path: Path, connects: str = "", diameter: str = "90 um") -> Path:
    path = tmp_path / "border.assy"
    path.write_text(BORDER.replace("CONNECTS", connects).replace("DIAMETER", diameter))
    return path


def tile_for(path: Path, parts: float) -> str:
    """A tile size that cuts the design's pads into about `parts` × `parts` tiles."""
    netlist = assemblint.load(path).netlist
    assert netlist is not None
    extent = max(np.ptp(netlist.pad_x), np.ptp(netlist.pad_y), 1.0)
    return f"{extent / parts:.3f} um"


def examples() -> list[Path]:
    """Every example design, ours and the shared ones, each text once (the shared folder repeats some)."""
    found: dict[bytes, Path] = {}
    for folder in EXAMPLES:
        for path in sorted(p for p in folder.rglob("*.assy") if "broken" not in p.name):
            found.setdefault(path.read_bytes(), path)
    return list(found.values())


@pytest.mark.parametrize("path", examples(), ids=lambda p: p.name)
def test_every_example_checks_the_same_as_tiles(path: Path, tmp_path: Path, capsys) -> None:
    size = tile_for(path, 3.3)  # not a divisor: borders fall between and on pads
    single = outputs(tmp_path, "single", [str(path)], [], capsys)
    tiled = outputs(tmp_path, "tiled", [str(path)], [*SYNC, "--tiles", size], capsys)
    assert tiled[0] == single[0]
    for fmt in FORMATS:
        assert tiled[1][fmt] == single[1][fmt], fmt


@pytest.mark.parametrize("size", ["100 um", "250 um", "auto"])
def test_in003_pairs_on_and_across_borders_count_once(tmp_path: Path, size: str, capsys) -> None:
    # 10 x 10 masses of 90 µm at a 100 µm pitch: each neighbour pair is 10 µm apart, under 20 µm.
    # 2 x 10 x 9 = 180 pairs; the chain c[3]–c[4]–c[5]–c[6] puts four masses on one node, and its
    # three pairs do not count: 177. At 100 µm tiles every pair straddles a border; at 250 µm the
    # pads at x = 50 µm lie exactly on one (the grid is centred: x = -450 … 450 µm), in the core
    # of the tile to their right.
    path = border(tmp_path, "    connect c[3:6] -- c[4:7]")
    single = outputs(tmp_path, "single", [str(path)], ["--select", "IN003"], capsys)
    tiled = outputs(tmp_path, "tiled", [str(path)], ["--select", "IN003", *SYNC, "--tiles", size], capsys)
    assert b"177 pairs of masses on different electrical nodes" in single[1]["text"]
    assert b"the closest, m[0] and m[1], are 10 \xc2\xb5m apart" in single[1]["text"]
    assert tiled[1] == single[1]
    # grids, not bump maps: nothing to read by window, and the run says so rather than stay quiet
    assert tiled[2] == (
        f"assemblint: --tiles: {path} is built whole in this process: it has no bump map to read by window, "
        "and each tile's worker builds it whole too (docs/tiles.md)\n"
    )


@pytest.mark.parametrize("size", ["273 um"])
def test_the_halo_holds_a_neighbour_with_its_far_pad(tmp_path: Path, size: str, capsys) -> None:
    # The die's pads 30 µm right of the substrate's: each mass's two pads are 30 µm apart, and a
    # neighbour within IN003's reach (110 µm) is held only with both: the halo is the reach plus
    # the longest link. Every neighbour pair counts, as in `test_in003_pairs_…`: 180.
    path = border(tmp_path).with_name("offset.assy")
    path.write_text(
        border(tmp_path)
        .read_text()
        .replace("pads c grid 10 x 10 pitch 100 um", "pads c grid 10 x 10 pitch 100 um origin (-420 um, -450 um)")
    )
    single = outputs(tmp_path, "single", [str(path)], ["--select", "IN003"], capsys)
    tiled = outputs(tmp_path, "tiled", [str(path)], ["--select", "IN003", *SYNC, "--tiles", size], capsys)
    assert tiled[1]["json"] == single[1]["json"]
    assert b"180 pairs of masses on different electrical nodes" in single[1]["json"]


def test_a_pair_exactly_at_the_limit_passes_on_tiles(tmp_path: Path, capsys) -> None:
    path = border(tmp_path, diameter="80 um")  # 20 µm apart: exactly min_spacing
    code, out, _ = outputs(tmp_path, "tiled", [str(path)], ["--select", "IN003", *SYNC, "--tiles", "150 um"], capsys)
    assert code == 0
    assert b"IN003" not in out["text"]


def test_nodes_are_united_across_tiles() -> None:
    nodes = [
        tiles.NodePart(np.array([7, 9]), np.array([0, 1]), np.array([0, 1]), np.array([3, 9])),
        tiles.NodePart(np.array([7]), np.array([4]), np.array([4]), np.array([5])),
        tiles.NodePart(np.array([9, 11]), np.array([2, 2]), np.array([2]), np.array([8])),
    ]
    united = tiles.unite(nodes)
    # tile 0's node 0 shares pad 7 with tile 1's node 4: one node, keyed by its least pad, 3;
    # tile 0's node 1 shares pad 9 with tile 2's node 2: least pad 8
    assert [u[1].tolist() for u in united] == [[3, 8], [3], [8]]


def test_a_window_holds_its_halo_and_cores_partition_the_plane() -> None:
    left = Window(-np.inf, -np.inf, 100.0, np.inf, 10.0)
    right = Window(100.0, -np.inf, np.inf, np.inf, 10.0)
    x = np.array([89.0, 90.0, 99.999, 100.0, 110.0, 110.001])
    y = np.zeros(len(x))
    assert left.core(x, y).tolist() == [True, True, True, False, False, False]
    assert right.core(x, y).tolist() == [False, False, False, True, True, True]
    assert left.holds(x, y).tolist() == [True, True, True, True, True, False]
    assert right.holds(x, y).tolist() == [False, True, True, True, True, True]


def test_a_tile_keeps_global_names(tmp_path: Path) -> None:
    design = assemblint.load(border(tmp_path))
    # the grid is centred: columns at x = -450, -350, …, 450 µm
    tile = restrict(design, Window(250.0, -np.inf, 450.0, np.inf, 0.0))
    masses = tile.assembly.mass_groups[0]
    assert masses.count == 30  # x = 250, 350, 450 µm: a halo of 0 still holds the pads on its edge
    assert tile.origin[("masses", 0)].tolist()[:3] == [7, 8, 9]
    assert tile.mass_core.sum() == 20  # x = 450 µm is the next tile's core


@needs_dask
def test_tiles_on_a_local_cluster_equal_one_process(tmp_path: Path, capsys) -> None:
    path = border(tmp_path, "    connect c[3:6] -- c[4:7]")
    single = outputs(tmp_path, "single", [str(path)], [], capsys)
    tiled = outputs(tmp_path, "tiled", [str(path)], ["--executor", "dask", "--jobs", "2", "--tiles", "250 um"], capsys)
    assert tiled[:2] == single[:2]


@rule(id="TT001", name="tile-dependent", tiles=EACH)
def tile_dependent(ctx):
    count = ctx.assembly.mass_count
    if count:
        yield ctx.finding(f"{count} masses here", objects=ctx.assembly.mass_groups)


def test_a_rule_whose_findings_depend_on_the_tile_could_not_run(tmp_path: Path) -> None:
    host = PluginHost.create(extra=[("tile_dependent", _Plugin())])
    path = border(tmp_path)
    options = CheckOptions(executor="dask", scheduler="synchronous", tiled=True, tiles=250.0, select=["TT001"])
    report = check_files([path], options, host)
    outcome = report.outcomes["TT001"][0]
    assert outcome.status == "could-not-run"
    assert "depend on the tile" in outcome.reason
    assert not report.findings


class _Plugin:
    @assemblint.hookimpl
    def assemblint_rules(self):
        return [tile_dependent]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--tiles", "5 mm"], "--tiles checks a design on a Dask cluster: give it with --executor dask"),
        (["--executor", "dask", "--tiles", "5 kg"], "--tiles must be a length"),
        (["--executor", "dask", "--tiles", "0 mm"], "greater than 0"),
        (["--worker-memory", "1G"], "--worker-memory sizes the workers of a local Dask cluster"),
    ],
)
def test_bad_tile_options_exit_2(argv: list[str], message: str, tmp_path: Path, capsys) -> None:
    path = border(tmp_path)
    code, _, err = run(["check", str(path), *argv], capsys)
    assert code == 2
    assert message in err


def _masses_here(ctx):
    return int(ctx.tile.mass_core.sum())


def _all_masses(ctx, parts):
    return sum(parts)


def _share_of_all(ctx):
    return (int(ctx.tile.mass_core.sum()), ctx.shared)


def _told(ctx, parts):
    counts = [count for count, _ in parts]
    shared = {total for _, total in parts}
    yield ctx.finding(f"{sum(counts)} masses in the cores, every tile told {sorted(shared)}")


@rule(
    id="TT002",
    name="two-pass",
    tiles=Reduction(part=_share_of_all, reduce=_told, prepare=_masses_here, combine=_all_masses),
)
def two_pass(ctx):
    yield ctx.finding(f"{ctx.assembly.mass_count} masses in the cores, every tile told [{ctx.assembly.mass_count}]")


def _crashes(ctx):
    raise RuntimeError("a first pass that fails")


@rule(
    id="TT003",
    name="first-pass-crashes",
    tiles=Reduction(part=_share_of_all, reduce=_told, prepare=_crashes, combine=_all_masses),
)
def first_pass_crashes(ctx):
    return []


class _TwoPass:
    @assemblint.hookimpl
    def assemblint_rules(self):
        return [two_pass, first_pass_crashes]


def test_a_reduction_with_a_first_pass_shares_its_combined_result(tmp_path: Path) -> None:
    # 100 masses over 4 × 4 tiles of 250 µm: each tile counts its core's in the first pass, the run
    # adds them (100), and every tile's part reads that as ctx.shared
    host = PluginHost.create(extra=[("two_pass", _TwoPass())])
    options = CheckOptions(executor="dask", scheduler="synchronous", tiled=True, tiles=250.0, select=["TT002", "TT003"])
    report = check_files([border(tmp_path)], options, host)
    assert [(f.rule, f.message) for f in report.findings] == [
        ("TT002", "100 masses in the cores, every tile told [100]")
    ]
    assert report.outcomes["TT002"][0].status == "ran"
    crashed = report.outcomes["TT003"][0]
    assert crashed.status == "crashed" and "a first pass that fails" in crashed.reason
    single = check_files([border(tmp_path)], CheckOptions(select=["TT002"]), host)
    assert [(f.rule, f.message) for f in single.findings] == [
        ("TT002", "100 masses in the cores, every tile told [100]")
    ]
