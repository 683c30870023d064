"""Benchmark: `assemblint graph` of a flat design of a million masses, as graphml and as json.

    python -m benchmarks --only graph                        # 1,000,000 masses, each format in a fresh process
    python -m benchmarks.bench_graph --sizes 100000 1000000 --repeat 3
    python -m benchmarks.bench_graph --networkx --sizes 100000   # also the networkx export, for comparison

The design is the grid design (benchmarks/designs.py): a die on an interposer, two square pad grids
and one `masses` statement, no cells, so every one of its 2M pads and 1M masses is a node of the
graph. Each run is the command a user runs, in a fresh process timed from outside with its own
peak RSS (benchmarks/spawn.py):

- `python -m assemblint graph FILE --format F > OUT`: the text streamed to standard output, what
  the target (`LIMIT_SECONDS`) is judged on;
- `... -o OUT`: the same text written whole and atomically (base/atomic.py), which holds it in
  memory and waits for the disk (fsync); shown, not judged.

`--networkx` adds the export through the networkx graph (`graph.export(assembly.graph, F)`), the
way `assemblint graph` wrote it before graph_export.py; at a million masses it needs minutes and
tens of gigabytes, so it is meant for the smaller sizes.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from . import designs
from .spawn import run

FORMATS = ("graphml", "json")
LIMIT_SECONDS = 10.0
TARGET_MASSES = 1_000_000
NETWORKX = (
    "import sys, assemblint; from assemblint.model.graph import export; "
    "sys.stdout.write(export(assemblint.load(sys.argv[1]).graph, sys.argv[2]))"
)


def measure(command: list[str], out: Path, redirect: bool, repeat: int, timeout: float) -> dict:
    """The fastest of `repeat` runs of `command`, which writes `out` (with `redirect`, its standard
    output goes there, through a shell that execs it: the time and peak are the command's own)."""
    best: dict = {}
    for _ in range(repeat):
        out.unlink(missing_ok=True)
        shell = f"exec {shlex.join(command)}" + (f" > {shlex.quote(str(out))}" if redirect else "")
        done = run(["/bin/sh", "-c", shell], timeout)
        row = {
            "seconds": done.wall,
            "peak_mb": done.peak_mb,
            "problem": done.problem() or (None if done.returncode == 0 else f"exit {done.returncode}"),
            "output_mb": out.stat().st_size / 1e6 if out.exists() else 0.0,
        }
        if row["problem"]:
            return row
        if not best or row["seconds"] < best["seconds"]:
            best = row
    out.unlink(missing_ok=True)
    return best


def line(label: str, masses: int, fmt: str, row: dict, judged: bool) -> str:
    verdict = "—"
    if judged and not row["problem"]:
        verdict = "PASS" if row["seconds"] < LIMIT_SECONDS else "FAIL"
    elif judged:
        verdict = "FAIL"
    shown = row["problem"] or f"{row['seconds']:7.2f} s {row['peak_mb']:8,.0f} MB  {row['output_mb']:8,.1f} MB out"
    return f"  {verdict:<4}  {masses:>10,}  {fmt:<8} {label:<10} {shown}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_graph", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[TARGET_MASSES], metavar="N", help="mass counts")
    parser.add_argument("--repeat", type=int, default=1, metavar="N", help="the fastest of N runs (default 1)")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds before a run is stopped (default 180)")
    parser.add_argument("--keep", metavar="DIR", help="write the designs to DIR and keep them")
    parser.add_argument("--networkx", action="store_true", help="also time the export through networkx")
    args = parser.parse_args(argv)
    print(
        f"assemblint graph of the grid design, each run a fresh process; PASS = `> OUT` under {LIMIT_SECONDS:g} s "
        f"at {TARGET_MASSES:,} masses; seconds are wall time, MB = 10^6 bytes (peak RSS)"
    )
    failed = False
    with tempfile.TemporaryDirectory(prefix="assemblint-graph-") as scratch:
        folder = Path(args.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for n in args.sizes:
            path = folder / f"grid-{n}.assy"
            path.write_text(designs.grid(n), encoding="utf-8")
            for fmt in FORMATS:
                out = folder / f"grid-{n}.{fmt}"
                command = [sys.executable, "-m", "assemblint", "graph", str(path), "--format", fmt]
                runs = {"> OUT": command, "-o OUT": [*command, "-o", str(out)]}
                if args.networkx:
                    runs["networkx"] = [sys.executable, "-c", NETWORKX, str(path), fmt]
                for label, cmd in runs.items():
                    row = measure(cmd, out, label != "-o OUT", args.repeat, args.timeout)
                    judged = label == "> OUT" and n == TARGET_MASSES
                    failed |= judged and (bool(row["problem"]) or row["seconds"] >= LIMIT_SECONDS)
                    print(line(label, n, fmt, row, judged), flush=True)
        print("command: python -m assemblint graph grid-N.assy --format graphml|json > OUT  (grid-N: designs.grid(N))")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
