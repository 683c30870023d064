"""`--tiles` on bump maps: each tile's worker reads only its window's rows (model/windowed.py,
importing/tables.read_rows_in) and the run's own process holds none, and the report is still the
one-process report, byte for byte."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import assemblint
from assemblint import rule
from assemblint.api import CheckOptions, check_files
from assemblint.base.diagnostics import Location
from assemblint.importing.tables import read_rows_in, read_table
from assemblint.plugins.host import PluginHost
from assemblint.run import tiles

from .test_parallel import FORMATS, needs_dask, outputs
from .test_tiles import SYNC

DESIGN = """assembly "two bump maps joined by position"
use std
element sub : substrate { body BT; size 2 mm x 2 mm x 1 mm; z 0 um
  pads b from "sub.csv" columns (name pin, x x_um, y y_um, net net) unit um diameter 30 um
}
element die : chip { body silicon; size 1 mm x 1 mm x 0.75 mm; z 1030 um; flip
  pads b from "die.csv" columns (name pin, x x_um, y y_um, net net) unit um diameter 30 um
}
masses j : SAC305 { joins die.b[*] -- sub.b[*] by position; height 30 um }
process {
  step attach { kind reflow; peak 245 C; forms j }
  operate -40 C .. 125 C
}
EXTRA
"""


def bump_maps(folder: Path, side: int = 6, pitch: float = 40.0, extra: str = "", shift: float = 0.0) -> Path:
    """A side × side grid of bumps at `pitch` on each map (the die's mirrored: flipped onto the
    substrate's, `shift` µm off it), nets VSS, VDD, S2, S3, VSS, … in row order; 30 µm bumps."""
    index = np.arange(side * side)
    x = (index % side) * pitch
    y = (index // side) * pitch
    nets = np.where(index % 4 == 0, "VSS", np.where(index % 4 == 1, "VDD", np.char.add("S", index.astype(str))))
    for name, sign in (("sub", 1), ("die", -1)):
        off = shift if name == "die" else 0.0
        rows = [f"{name}_{i},{sign * a - off:.3f},{b:.3f},{n}" for i, a, b, n in zip(index, x, y, nets, strict=True)]
        (folder / f"{name}.csv").write_text("pin,x_um,y_um,net\n" + "\n".join(rows) + "\n")
    path = folder / "design.assy"
    tolerance = f" tolerance {shift + 1:g} um" if shift else ""
    path.write_text(DESIGN.replace("EXTRA", extra).replace("by position;", f"by position{tolerance};"))
    return path


@pytest.fixture
def passes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many tiles ran pass 0 (only a windowed run has it: the run's process built no row)."""
    ran: list[int] = []
    reach = tiles.tile_reach

    def counted(job: tiles.TileJob, fed: object = None) -> tuple[float, float]:
        ran.append(job.index)
        return reach(job, fed)

    monkeypatch.setattr(tiles, "tile_reach", counted)
    split = tiles.tile_split

    def sorted_once(job: tiles.SplitJob) -> object:
        ran.append(-1)  # a map read once, its rows sorted into the tiles
        return split(job)

    monkeypatch.setattr(tiles, "tile_split", sorted_once)
    return ran


@pytest.mark.parametrize("size", ["40 um", "auto"])
def test_windowed_tiles_equal_one_process(size: str, tmp_path: Path, passes: list[int], capsys) -> None:
    # 30 µm bumps at a 40 µm pitch: a 10 µm gap, closer than IN003's 20 µm, between every two
    # neighbours in a row or a column, each mass its own electrical node: 2 × 6 × 5 = 60 pairs,
    # and no diagonal pair (56.6 − 30 = 26.6 µm apart). At 40 µm tiles every border runs through
    # a column of bumps.
    path = bump_maps(tmp_path)
    single = outputs(tmp_path, "single", [str(path)], ["--select", "IN003"], capsys)
    tiled = outputs(tmp_path, "tiled", [str(path)], ["--select", "IN003", *SYNC, "--tiles", size], capsys)
    assert passes.count(-1) == 2, "each map read once, by one split task (a small file)"
    assert len(passes) > 2, "the run built the design whole"
    assert tiled[0] == single[0] == 1
    for fmt in FORMATS:
        assert tiled[1][fmt] == single[1][fmt], fmt
    assert b"60 pairs of masses on different electrical nodes are closer than 20" in single[1]["json"]


@pytest.mark.parametrize("quoted", [False, True])
def test_maps_split_by_ranges_of_rows(
    quoted: bool, tmp_path: Path, passes: list[int], monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    # Ranges of 300 bytes: each 36-row map (about 900 bytes) is read by 4 split tasks, each a few
    # rows; the rows are numbered and their nets named as one read of the file names them. A
    # quoted field may hold a line end: then the first range reads every row, the others none.
    monkeypatch.setattr(tiles, "SPLIT_BYTES", 300)
    path = bump_maps(tmp_path)
    if quoted:
        for name in ("die", "sub"):
            rows = (tmp_path / f"{name}.csv").read_text().replace(",VDD\n", ',"VDD"\n')
            (tmp_path / f"{name}.csv").write_text(rows)
    single = outputs(tmp_path, "single", [str(path)], ["--select", "IN003"], capsys)
    tiled = outputs(tmp_path, "tiled", [str(path)], ["--select", "IN003", *SYNC, "--tiles", "60 um"], capsys)
    assert passes.count(-1) == 8
    assert tiled[1]["json"] == single[1]["json"]
    assert b"60 pairs of masses on different electrical nodes" in single[1]["json"]


@pytest.mark.parametrize("size", ["40 um"])
def test_misaligned_bumps_read_by_window(size: str, tmp_path: Path, passes: list[int], capsys) -> None:
    # The die's bumps 12 µm off the substrate's (joined `by position tolerance 13 um`): each mass, at
    # its die bump, is 28 µm from the next substrate bump in its row, less than its footprint's
    # 15 + 10 µm plus the pad's 15 µm; 52 µm from the one behind, 41.8 µm from those above and
    # below, 40 µm (touching: passes) from the die's own neighbours. 6 rows of 5: 30 pairs (IN005).
    path = bump_maps(tmp_path, shift=12.0)
    single = outputs(tmp_path, "single", [str(path)], ["--select", "IN005"], capsys)
    tiled = outputs(tmp_path, "tiled", [str(path)], ["--select", "IN005", *SYNC, "--tiles", size], capsys)
    assert len(passes) > 2
    assert tiled[0] == single[0] == 1
    for fmt in FORMATS:
        assert tiled[1][fmt] == single[1][fmt], fmt
    assert b"30 mass footprints overlap pads of other electrical nodes; the footprint of j[" in single[1]["json"]


def test_the_halo_is_measured_on_the_rows(tmp_path: Path, passes: list[int], capsys) -> None:
    # 8 x 8 bumps at a 40 µm pitch, 20 µm across but those at x > 160 µm and y > 200 µm, 62 µm
    # (a `diameter` column): only the run's pass 0 sees them. Two big ones 80 µm apart in a row are
    # 18 µm apart edge to edge, closer than 20 µm: the halo must be 2 x 31 + 20 = 82 µm, not the
    # 40 µm the small ones need. The pairs are counted here as IN003 defines them, by brute force.
    path = bump_maps(tmp_path, side=8)
    big: list[bool] = []
    for name in ("sub", "die"):
        lines = (tmp_path / f"{name}.csv").read_text().splitlines()
        rows = [lines[0] + ",dia"]
        big = []
        for line in lines[1:]:
            x, y = (abs(float(v)) for v in line.split(",")[1:3])
            big.append(x > 160 and y > 200)
            rows.append(f"{line},{62 if big[-1] else 20}")
        (tmp_path / f"{name}.csv").write_text("\n".join(rows) + "\n")
    path.write_text(path.read_text().replace("net net) unit um diameter 30 um", "net net, diameter dia) unit um"))
    index = np.arange(64)
    x, y, d = (index % 8) * 40.0, (index // 8) * 40.0, np.where(big, 62.0, 20.0)
    a, b = np.triu_indices(64, 1)  # every mass its own electrical node: nets join nothing
    close = np.hypot(x[a] - x[b], y[a] - y[b]) - (d[a] + d[b]) / 2 < 20
    pairs = int(close.sum())
    assert (pairs, int((close & (np.abs(x[a] - x[b]) == 80)).sum())) == (25, 2)  # 2 of them 80 µm apart
    single = outputs(tmp_path, "single", [str(path)], ["--select", "IN003"], capsys)
    tiled = outputs(tmp_path, "tiled", [str(path)], ["--select", "IN003", *SYNC, "--tiles", "40 um"], capsys)
    assert len(passes) > 2
    assert tiled[1]["json"] == single[1]["json"]
    assert f"{pairs} pairs of masses on different electrical nodes are closer than 20".encode() in single[1]["json"]


@needs_dask
def test_windowed_tiles_on_a_local_cluster(tmp_path: Path, capsys) -> None:
    path = bump_maps(tmp_path)
    single = outputs(tmp_path, "single", [str(path)], ["--select", "IN003"], capsys)
    options = ["--select", "IN003", "--executor", "dask", "--jobs", "2", "--tiles", "100 um"]
    tiled = outputs(tmp_path, "tiled", [str(path)], options, capsys)
    assert tiled[0] == single[0] == 1
    assert tiled[1]["json"] == single[1]["json"]


def test_a_design_naming_map_pads_by_index_is_built_whole(tmp_path: Path, passes: list[int], capsys) -> None:
    path = bump_maps(tmp_path, extra="net tap { die.b[3], sub.b[3] }")
    single = outputs(tmp_path, "single", [str(path)], ["--select", "IN003"], capsys)
    tiled = outputs(tmp_path, "tiled", [str(path)], ["--select", "IN003", *SYNC, "--tiles", "100 um"], capsys)
    assert not passes
    assert tiled[2].endswith("design.assy is built whole in this process: it names bump-map pads by index\n")
    assert tiled[1]["json"] == single[1]["json"]


@rule(id="TW001", name="whole-design-only")
def whole_design_only(ctx):
    yield ctx.finding(f"{ctx.netlist.mass_count} masses", objects=ctx.assembly.mass_groups)


class _Plugin:
    @assemblint.hookimpl
    def assemblint_rules(self):
        return [whole_design_only]


def test_a_rule_that_does_not_run_on_tiles_builds_the_design_whole(tmp_path: Path, passes: list[int], capsys) -> None:
    host = PluginHost.create(extra=[("whole_design_only", _Plugin())])
    path = bump_maps(tmp_path)
    options = CheckOptions(executor="dask", scheduler="synchronous", tiled=True, tiles=100.0, select=["TW001", "IN003"])
    report = check_files([path], options, host)
    assert not passes
    assert "built whole in this process: rules TW001 run on the whole design, not on tiles" in capsys.readouterr().err
    assert [(f.rule, f.message) for f in report.findings][-1] == ("TW001", "36 masses")


def test_a_bad_row_in_a_tile_is_told_as_one_process_tells_it(tmp_path: Path, capsys) -> None:
    path = bump_maps(tmp_path)
    rows = (tmp_path / "sub.csv").read_text().splitlines()
    rows[20] = "sub_19,forty,80.000,S19"
    (tmp_path / "sub.csv").write_text("\n".join(rows) + "\n")
    single = outputs(tmp_path, "single", [str(path)], ["--select", "IN003"], capsys)
    tiled = outputs(tmp_path, "tiled", [str(path)], ["--select", "IN003", *SYNC, "--tiles", "100 um"], capsys)
    assert single[0] == tiled[0] == 2
    assert single[2] == tiled[2]
    assert "sub.csv:21:8: E001 `forty` in column `x_um` is not a number" in single[2]


def test_rows_read_in_blocks_are_the_rows_read_whole(tmp_path: Path) -> None:
    here = Location("t.csv", 1, 1)
    mapping = [("name", "pin", here), ("x", "x", here), ("y", "y", here), ("net", "net", here)]
    rng = np.random.default_rng(7)
    nets = ["VSS", " A", "-", "", '"B,C"']
    lines = ["pin,x,y,net"] + [
        f"p{i},{rng.uniform(0, 100):.3f},{rng.uniform(0, 100):.3f},{nets[i % 5] if i % 7 else f'S{i % 500}'}"
        for i in range(100_000)  # a dozen blocks of 256 kB
    ]
    path = tmp_path / "t.csv"
    path.write_text("\n".join(lines) + "\n")
    whole = read_table(path.read_bytes(), "t.csv", mapping)
    part = read_rows_in(path, "t.csv", mapping, lambda x, y: (x < 30) & (y >= 50))
    chosen = np.flatnonzero((whole.numbers["x"] < 30) & (whole.numbers["y"] >= 50))
    assert part.total == 100_000 and part.rows == len(chosen) > 0
    assert part.rows_kept is not None and np.array_equal(part.rows_kept, chosen)
    assert np.array_equal(part.numbers["y"], whole.numbers["y"][chosen])
    assert part.names is not None and whole.names is not None
    assert [part.names[k] for k in (0, 1, len(chosen) - 1)] == [whole.names[int(chosen[k])] for k in (0, 1, -1)]
    assert part.net_names is not None and whole.net_names is not None
    assert list(part.net_names) == list(whole.net_names)  # every net of the table, in its order
    assert part.net_codes is not None and whole.net_codes is not None
    assert np.array_equal(part.net_codes, whole.net_codes[chosen])


class KilledWorker(Exception):
    """As distributed names the error of a task whose workers died (a nanny past its memory limit)."""


def test_a_lost_worker_fails_the_run_with_exit_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    def lost(job: tiles.TileJob, fed: object = None) -> object:
        raise KilledWorker("Attempted to run task 'tile_nodes' on 4 different workers, but all those workers died")

    monkeypatch.setattr(tiles, "tile_nodes", lost)
    path = bump_maps(tmp_path)
    code, out, _ = outputs(tmp_path, "tiled", [str(path)], ["--select", "IN003", *SYNC, "--tiles", "100 um"], capsys)
    assert code == 3
    assert b"KilledWorker: Attempted to run task 'tile_nodes' on 4 different workers" in out["json"]
    assert b"give the workers more memory, or smaller --tiles" in out["json"]


class FutureCancelledError(Exception):
    """As distributed names the result of a task cancelled when the worker holding its input was lost."""


class _Future:
    def __init__(self, status: str) -> None:
        self.status = status


class _Client:
    def nthreads(self) -> dict[str, int]:
        return {"tcp://worker": 1}

    def compute(self, task: object) -> _Future:
        return _Future(str(task))


def test_a_task_cancelled_with_its_worker_fails_the_run_never_gives_its_error_as_a_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # distributed's as_completed(with_results=True) gives a cancelled future's error as its result:
    # taken as a tile's part it would fail later, where nothing says why (an AttributeError)
    import distributed

    def as_completed(futures: list[_Future], with_results: bool) -> list[tuple[_Future, object]]:
        gone = FutureCancelledError("tile_nodes-3 cancelled for reason: lost dependencies")
        return [(f, gone if f.status == "cancelled" else f.status) for f in futures]

    monkeypatch.setattr(distributed, "as_completed", as_completed)
    assert tiles._in_flight(_Client(), ["finished", "finished"]) == ["finished", "finished"]
    with pytest.raises(FutureCancelledError, match="lost dependencies"):
        tiles._in_flight(_Client(), ["finished", "cancelled"])
    (problem,) = tiles._failed(Path("w.assy"), FutureCancelledError("x")).problems
    assert "give the workers more memory" in problem.message


def test_a_worker_with_other_plugins_fails_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(tiles, "tile_signature", lambda job: (("builtin", "0.1.0"), ("alloys", "2.0")))
    path = bump_maps(tmp_path)
    code, out, _ = outputs(tmp_path, "tiled", [str(path)], ["--select", "IN003", *SYNC, "--tiles", "100 um"], capsys)
    assert code == 3
    assert b"only there: alloys 2.0" in out["json"]
