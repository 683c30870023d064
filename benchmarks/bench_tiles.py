"""One design checked as square tiles on a local Dask cluster, against the same check in one process:
two dies of N bumps each from CSV (bench_imports.write_design), 30 µm bumps at a 40 µm pitch so that
IN003 finds every neighbour pair closer than its 20 µm, rule IN003 (the run's process then holds no
row; the maps are split by ranges of rows on the workers, and each tile builds from its window's
rows, docs/tiles.md). `--source 3dblox`: the same two dies as a 3DBlox design (two `.bmap` files,
a `Connection` between the regions, `refine` for sizes and solder), whose masses the tiles count.

    python -m benchmarks --only tiles                  # 2 x 200,000 bumps
    python -m benchmarks.bench_tiles --bumps 50000     # a quicker try
    python -m benchmarks.bench_tiles --bumps 5000000 --tiles "4 mm,8 mm" --jobs 2 --worker-memory 1G
    python -m benchmarks.bench_tiles --bumps 5000000 --source 3dblox --tiles auto --jobs 2 --worker-memory 1G

Rows: `assemblint check design.assy --format json --select IN003` in one process, then the same with
`--executor dask --jobs N --tiles SIZE` for each tile size and N (default tiles of 2 mm, 4 mm and `auto`,
N = 1 and 2; `--jobs 1` with --tiles starts os.cpu_count() workers: the procs column shows how many ran). Each
figure comes from a fresh process, the fastest of `--rounds`: wall seconds, the peak RSS of the main
process, the ratio to the single process's wall time, and the exit status. For one process the peak
is os.wait4's (benchmarks/spawn.py); wait4 also counts the children a process waited for (the Dask
workers), so with workers, and psutil installed, every process's RSS is sampled every 0.2 s instead:
the main process's own, the largest worker (any descendant of the main process), the largest sum
over the whole tree of processes and the most worker processes at once; a peak between two samples
is missed. Every tiled run's `findings` must equal the single process's, list for list
(PASS / FAIL per row; exit status 1 on any FAIL).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .bench_imports import _compile_bytecode, written_by_child
from .spawn import run

TILES = ("2 mm", "4 mm", "auto")
PITCH = 40.0  # µm, as bench_imports
WORKERS = (1, 2)
SAMPLE_SECONDS = 0.2

try:
    import psutil
except ImportError:  # the worker columns then say "—"
    psutil = None


@dataclass
class Row:
    """One measured command: the fastest of its rounds."""

    label: str
    wall: float
    main_mb: float
    worker_mb: float | None  # the largest single descendant of the main process, sampled
    tree_mb: float | None  # the largest sum of the main process and its descendants, sampled
    workers: int | None  # the most worker processes (descendants but multiprocessing's tracker) seen at once
    exit: int
    findings: list[Any] | None = None  # None: no JSON report to read
    problem: str | None = None


class Sampler:
    """The RSS of this process's descendants every SAMPLE_SECONDS while one measured command runs
    (this process has one child at a time: the command; everything below it is its own)."""

    def __init__(self) -> None:
        self.worker_mb: float | None = None
        self.main_mb: float | None = None  # the measured command's own process, sampled
        self.tree_mb: float | None = None
        self.workers: int | None = None
        self._names: dict[int, bool] = {}  # pid: whether it is multiprocessing's resource tracker
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> Sampler:
        if psutil is not None:
            self.worker_mb, self.tree_mb, self.workers = 0.0, 0.0, 0
            self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        if self._thread.is_alive():
            self._thread.join()

    def _loop(self) -> None:
        me = psutil.Process(os.getpid())
        while not self._done.wait(SAMPLE_SECONDS):
            total, largest, count, main = 0, 0, 0, 0
            try:
                descendants = me.children(recursive=True)
            except psutil.Error:
                continue
            for process in descendants:
                try:
                    rss = process.memory_info().rss
                    direct = process.ppid() == me.pid
                    if process.pid not in self._names:
                        self._names[process.pid] = "resource_tracker" in " ".join(process.cmdline())
                except psutil.Error:  # ended between the listing and the reading
                    continue
                total += rss
                if direct:
                    main = max(main, rss)
                else:
                    largest = max(largest, rss)
                    count += not self._names[process.pid]
            self.tree_mb = max(self.tree_mb or 0.0, total / 1e6)
            self.main_mb = max(self.main_mb or 0.0, main / 1e6)
            self.worker_mb = max(self.worker_mb or 0.0, largest / 1e6)
            self.workers = max(self.workers or 0, count)


def measure(label: str, command: list[str], rounds: int, cwd: Path) -> Row:
    """The fastest of `rounds` runs of `command`, with its findings and the sampled worker memory."""
    best: Row | None = None
    for _ in range(max(rounds, 1)):
        with Sampler() as sampler:
            done = run(command, timeout=1800, cwd=cwd)
        findings = None
        if done.returncode in (0, 1) and not done.timed_out:
            with contextlib.suppress(json.JSONDecodeError, KeyError, TypeError):  # problem says why
                findings = json.loads(done.stdout)["findings"]
        problem = done.problem()
        if problem is None and findings is None:
            problem = "no JSON report on stdout"
        if problem is not None:
            sys.stderr.write(f"{label}: {problem}\n{done.stderr[-2000:]}\n")
        # wait4's peak of a process counts the children it waited for (the Dask workers): with them,
        # the main process's own figure is the sampled one
        own = sampler.main_mb if sampler.workers else done.peak_mb
        memory = (own or done.peak_mb, sampler.worker_mb, sampler.tree_mb, sampler.workers)
        row = Row(label, done.wall, *memory, done.returncode)
        row.findings = findings
        row.problem = problem
        if best is None or (row.problem is None, -row.wall) > (best.problem is None, -best.wall):
            best = row
    assert best is not None
    return best


DESIGN = """assembly "two dies of {bumps:,} bumps from CSV"
use std
element sub : substrate {{ body BT; size {board:.3f} mm x {board:.3f} mm x 1 mm; z 0 um
  pads b from "sub.csv" columns (name pin, x x_um, y y_um, net net) unit um diameter 30 um
}}
element die : chip {{ body silicon; size {die:.3f} mm x {die:.3f} mm x 0.75 mm; z 1030 um; flip
  pads b from "die.csv" columns (name pin, x x_um, y y_um, net net) unit um diameter 30 um
}}
masses j : SAC305 {{ joins die.b[*] -- sub.b[*] by position; height 30 um }}
process {{
  step attach {{ kind reflow; peak 245 C; forms j }}
  operate -40 C .. 125 C
}}
"""
CHUNK = 1_000_000  # rows written at a time
STACK = """Header:
  version: "1.0"
  unit: "micron"
  precision: 1000
ChipletDef:
  Die:
    type: die
    design_area: [{die}, {die}]
    thickness: 750
    regions:
      front_reg: {{side: front, coords: [[0, 0], [{die}, 0], [{die}, {die}], [0, {die}]], bmap: die.bmap}}
  Board:
    type: substrate
    design_area: [{board}, {board}]
    thickness: 1000
    regions:
      top_reg: {{side: front, coords: [[0, 0], [{board}, 0], [{board}, {board}], [0, {board}]], bmap: sub.bmap}}
ChipletInst:
  die: {{reference: Die}}
  sub: {{reference: Board}}
Stack:
  sub: {{loc: [0.0, 0.0], z: 0.0, orient: R0}}
  die: {{loc: [1000.0, 1000.0], z: 1030.0, orient: MZ}}
Connection:
  j: {{top: die.regions.front_reg, bot: sub.regions.top_reg, thickness: 30.0}}
"""
STACK_DESIGN = """assembly "two dies of {bumps:,} bumps from 3DBlox"
use std
import "stack.3dbx"
refine die {{ body silicon }}
refine sub {{ body BT }}
refine die.front_reg {{ diameter 30 um }}
refine sub.top_reg {{ diameter 30 um }}
refine j {{ material SAC305 }}
process {{
  step attach {{ kind reflow; peak 245 C; forms j }}
  operate -40 C .. 125 C
}}
"""


def write_design(folder: Path, bumps: int) -> Path:
    """bench_imports' two dies of `bumps` bumps at a 40 µm pitch (nets VSS, VDD, then one per bump),
    with 30 µm bumps: every neighbour pair in a row or a column is 10 µm apart, closer than IN003's
    20 µm. Written with pyarrow a million rows at a time, so ten million take seconds, not minutes."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    schema = pa.schema([("pin", pa.string()), ("x_um", pa.float64()), ("y_um", pa.float64()), ("net", pa.string())])
    side = math.isqrt(bumps - 1) + 1
    options = pacsv.WriteOptions(quoting_style="none")
    for name, sign in (("die", -1), ("sub", 1)):  # the die's map in its own frame: flipped onto the substrate's
        with pacsv.CSVWriter(folder / f"{name}.csv", schema, write_options=options) as out:
            for start in range(0, bumps, CHUNK):
                index = np.arange(start, min(start + CHUNK, bumps))
                x = np.round((index % side - (side - 1) / 2) * PITCH * sign, 3)
                y = np.round((index // side - (side - 1) / 2) * PITCH, 3)
                text = pa.array(index.astype(str))
                signal = np.char.add("S", index.astype(str))
                net = np.where(index % 4 == 0, "VSS", np.where(index % 4 == 1, "VDD", signal))
                pin = pc.binary_join_element_wise(f"{name}_", text, "")
                out.write_table(pa.table([pin, x, y, pa.array(net)], schema=schema))
    extent = (side + 2) * PITCH / 1000
    path = folder / "design.assy"
    path.write_text(DESIGN.format(bumps=bumps, board=extent + 2, die=extent))
    return path


def write_stack(folder: Path, bumps: int) -> Path:
    """The same two dies as a 3DBlox design: the die face down (MZ keeps x and y) at (1, 1) mm on the
    substrate, each bump of its map on the substrate's, the maps `.bmap` lines written by pyarrow."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    names = ("name", "cell", "x", "y", "port", "net")
    schema = pa.schema([(n, pa.float64() if n in ("x", "y") else pa.string()) for n in names])
    side = math.isqrt(bumps - 1) + 1
    options = pacsv.WriteOptions(quoting_style="none", delimiter=" ", include_header=False)
    for name, shift in (("die", 0.0), ("sub", 1000.0)):  # µm: the die's frame, the substrate's
        with pacsv.CSVWriter(folder / f"{name}.bmap", schema, write_options=options) as out:
            for start in range(0, bumps, CHUNK):
                index = np.arange(start, min(start + CHUNK, bumps))
                x = np.round(PITCH + (index % side) * PITCH + shift, 3)
                y = np.round(PITCH + (index // side) * PITCH + shift, 3)
                text = pa.array(index.astype(str))
                signal = np.char.add("S", index.astype(str))
                net = pa.array(np.where(index % 4 == 0, "VSS", np.where(index % 4 == 1, "VDD", signal)))
                cell = pa.array(np.full(len(index), "UBUMP"))
                pin = pc.binary_join_element_wise(f"{name}_", text, "")
                out.write_table(pa.table([pin, cell, x, y, net, net], schema=schema))
    die = (side + 1) * PITCH
    (folder / "stack.3dbx").write_text(STACK.format(die=f"{die:.3f}", board=f"{die + 2000:.3f}"))
    path = folder / "design.assy"
    path.write_text(STACK_DESIGN.format(bumps=bumps))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bumps", type=int, default=200_000, help="bumps per die (default 200,000)")
    parser.add_argument("--rounds", type=int, default=1, help="each figure the best of this many runs (default 1)")
    parser.add_argument("--tiles", default=",".join(TILES), help=f"tile sizes, by commas (default {','.join(TILES)})")
    parser.add_argument("--jobs", default=",".join(map(str, WORKERS)), help="worker counts, by commas (default 1,2)")
    parser.add_argument("--worker-memory", help="--worker-memory for every tiled run")
    parser.add_argument("--no-single", action="store_true", help="skip the one-process run (its memory may not fit)")
    parser.add_argument(
        "--source", choices=("csv", "3dblox"), default="csv", help="the bump maps' format (default csv)"
    )
    parser.add_argument(
        "--select",
        default="IN003",
        help="the rules checked (default IN003); `all`: every rule that runs on tiles (the example plugins' "
        "AL, RH and TPL, which run on the whole design only, ignored)",
    )
    parser.add_argument("--write", metavar="FOLDER", help=argparse.SUPPRESS)  # the design, made in a child
    args = parser.parse_args(argv)
    if args.write:
        (write_stack if args.source == "3dblox" else write_design)(Path(args.write), args.bumps)
        return 0
    _compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="assemblint-tiles-") as tmp:
        folder = Path(tmp)
        if not written_by_child("benchmarks.bench_tiles", tmp, args.bumps, ("--source", args.source)):
            return 1
        chosen = ["--ignore", "AL,RH,TPL"] if args.select == "all" else ["--select", args.select]
        check = [sys.executable, "-m", "assemblint", "check", "design.assy", "--format", "json", *chosen]
        joined = "joined by position" if args.source == "csv" else "joined by a 3DBlox Connection"
        print(
            f"two dies of {args.bumps:,} bumps from {'CSV' if args.source == 'csv' else '3DBlox'}, {joined} "
            f"({args.bumps:,} masses of 30 µm at a 40 µm pitch), "
            f"{'every rule that runs on tiles' if args.select == 'all' else 'rules ' + args.select}, "
            f"best of {args.rounds}; "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}"
        )
        print(
            "main MB: peak RSS of the main process alone: wait4's for one process; sampled (psutil) when it has "
            "workers, as wait4 counts the children it waited for."
        )
        if psutil is None:
            print("worker MB, tree MB: not measured (psutil is not installed); Dask workers are out of wait4's reach.")
        else:
            print(
                f"worker MB: the largest descendant of the main process (a Dask worker), tree MB: the largest "
                f"sum of the main process and its descendants; both sampled every {SAMPLE_SECONDS:g} s (psutil)."
            )
            print("procs: the most processes under the main one at once (not multiprocessing's resource tracker).")
        print(
            "The maps are split by ranges of rows on the workers; each tile builds from its window's rows; "
            "the main process holds no row (docs/tiles.md).\n"
        )
        print(
            f"  {'run':<26} {'wall s':>7} {'main MB':>8} {'worker MB':>9} {'tree MB':>8} {'procs':>5} {'ratio':>6} "
            f"{'exit':>4} {'findings':>8}  same findings"
        )
        if args.no_single:
            single = Row("single process (not run)", 0.0, 0.0, None, None, None, 0)
        else:
            single = measure("single process", check, args.rounds, folder)
            print_row(single, single, None)
        failed = single.findings is None and not args.no_single
        runs: list[tuple[Row, int]] = []
        memory = ["--worker-memory", args.worker_memory] if args.worker_memory else []
        for size in args.tiles.split(","):
            for jobs in (int(j) for j in args.jobs.split(",")):
                label = f"tiles {size}, --jobs {jobs}"
                command = [*check, "--executor", "dask", "--jobs", str(jobs), "--tiles", size, *memory]
                row = measure(label, command, args.rounds, folder)
                runs.append((row, jobs))
                verdict = verdict_of(row, single) if not args.no_single else _alone(row)
                failed = failed or not verdict.startswith("PASS")
                print_row(row, single, verdict)
        if psutil is not None and any(r.workers and r.workers > jobs for r, jobs in runs):
            print(
                "\n  note: more worker processes than --jobs: `--jobs 1` with --tiles starts os.cpu_count() "
                f"({os.cpu_count()}) workers (src/assemblint/run/tiles.py)."
            )
        if single.findings is not None and not single.findings:
            print("\n  note: the single process found nothing, so the comparison of findings is only of empty lists.")
    return 1 if failed else 0


def _alone(row: Row) -> str:
    """Without a one-process run to compare with: the findings' count, or why there are none."""
    if row.findings is None:
        return f"FAIL ({row.problem})"
    total = sum(int(f.get("count") or 1) for f in row.findings)
    return f"PASS? (not compared; {total:,} pairs)"


def verdict_of(row: Row, single: Row) -> str:
    """PASS if the tiled run's findings equal the single process's, list for list."""
    if row.findings is None or single.findings is None:
        return f"FAIL ({row.problem or 'no single-process findings to compare'})"
    if row.findings == single.findings:
        return "PASS"
    key = lambda finding: json.dumps(finding, sort_keys=True)  # noqa: E731
    if sorted(row.findings, key=key) == sorted(single.findings, key=key):
        return "FAIL (the same findings in another order)"
    return f"FAIL ({len(row.findings)} findings against {len(single.findings)})"


def print_row(row: Row, single: Row, verdict: str | None) -> None:
    def mb(value: float | None, width: int) -> str:
        return f"{value:>{width},.0f}" if value is not None else f"{'—':>{width}}"

    ratio = row.wall / single.wall if single.wall else float("nan")
    procs = f"{row.workers:>5}" if row.workers is not None else f"{'—':>5}"
    count = f"{len(row.findings):>8,}" if row.findings is not None else f"{'—':>8}"
    print(
        f"  {row.label:<26} {row.wall:>7.2f} {mb(row.main_mb, 8)} {mb(row.worker_mb, 9)} {mb(row.tree_mb, 8)} {procs} "
        f"{ratio:>5.2f}× {row.exit:>4} {count}  {verdict or '(reference)'}",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
