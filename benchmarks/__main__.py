"""assemblint's benchmarks, in one command: `python -m benchmarks` (docs/benchmarks.md).

    python -m benchmarks                      # the full run: 10k, 100k and 1.2M masses, a few minutes
    python -m benchmarks --quick              # 10k masses only, to try a change (targets not judged)
    python -m benchmarks --only wafer --sizes 100000 --json figures.json
    python -m benchmarks --only graph                 # `assemblint graph` of 1M masses (benchmarks/bench_graph.py)
    python -m benchmarks --only imports               # two dies of 1M CSV bumps vs json.load (bench_imports.py)
    python -m benchmarks --only tiles                 # one design as Dask tiles vs one process (bench_tiles.py)

Three generated designs (benchmarks/designs.py), each run in fresh processes so that every figure
of peak memory belongs to one design in one mode:

- wafer: a cell of 2,000 liquid-metal masses placed 5, 50 and 600 times, checked as written
  (cells) and with `--flat`; the two must give the same findings;
- explicit: one `pad` and one `mass` statement per object (a CAD export), 10k and 100k masses,
  with a `json.load` of the same data as the floor for parsing;
- grid: one `masses` statement over two pad grids, 10k to 1M masses, with IN003 against
  KLayout's `Region.space_check` of the same bumps (when `klayout` is installed).

Per phase: import (with the interpreter's start-up), parse, build (with the netlist), timeline,
each core rule family, total; each with the peak RSS so far. End to end: the command a user runs,
`python -m assemblint check FILE --format json`, timed from outside. Then the issue's targets,
each figure beside its target with PASS or FAIL. Exit status 1 if any judged target fails.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from . import designs
from .child import FAMILIES, finding_keys
from .spawn import REPO, Run, child, run

# What `--select` keeps in the end-to-end runs: the core rule families and the core's waiver
# rules, not whatever other plugins this environment happens to have installed (rohs, alpha, …).
CORE_SELECT = "MH,CT,IN,CTE,RL,WV"
FAMILY_LABELS = {"melting": "MH", "containment": "CT", "insulation": "IN", "cte": "CTE", "reliability": "RL"}
PHASES = ("import", "parse", "build", "timeline", *FAMILIES)
DEFAULT_SIZES = {
    "wafer": [10_000, 100_000, 1_200_000],
    "explicit": [10_000, 100_000],  # a 1.2M-statement file would take minutes to write and read
    "grid": [10_000, 100_000, 1_000_000],
}
BENCHMARKS = tuple(DEFAULT_SIZES)
WAFER_TARGET_MASSES = 1_200_000
EXPLICIT_TARGET_MASSES = 100_000
GRID_TARGET_MASSES = 1_000_000


@dataclass
class Target:
    """One of the issue's targets: a figure, its limit, and whether this run's size is the one the
    target is written for (a 10k run shows its figure, but judges nothing)."""

    name: str
    figure: float | bool | None  # None: not measured (skipped, or the run has no result)
    limit: float | bool
    unit: str  # "s", "MB", "x" (a ratio that must reach the limit), or "" for a yes/no
    note: str = ""  # what the figure is made of, or why it has none
    judged: bool = True

    @property
    def verdict(self) -> str:
        if self.figure is None or not self.judged:
            return "—"
        if isinstance(self.limit, bool):
            ok = self.figure is self.limit
        elif self.unit == "x":
            ok = float(self.figure) >= self.limit
        else:
            ok = float(self.figure) < self.limit
        return "PASS" if ok else "FAIL"

    def line(self) -> str:
        if isinstance(self.limit, bool):
            shown, wanted = ("—" if self.figure is None else "yes" if self.figure else "no"), "yes"
        elif self.unit == "x":
            shown = f"{self.figure:.1f}×" if self.figure is not None else "—"
            wanted = f"≥ {self.limit:g}×"
        else:
            shown = f"{self.figure:,.2f} {self.unit}" if self.figure is not None else "—"
            wanted = f"< {self.limit:,g} {self.unit}"
        note = f"  ({self.note})" if self.note else ""
        return f"  {self.verdict:<4}  {self.name:<50} {shown:>12}   target {wanted:<10}{note}".rstrip()


class Bench:
    """One run of the benchmarks: options, the folder of generated designs, and every figure."""

    def __init__(self, args: argparse.Namespace, folder: Path):
        self.args = args
        self.folder = folder
        self.figures: dict[str, Any] = {"machine": machine(), "phases": [], "end_to_end": [], "klayout": []}
        self.figures["json_floor"] = []
        self.targets: list[Target] = []
        self.written: set[Path] = set()

    # ---- designs ---------------------------------------------------------------------------------
    def write(self, design: str, n: int, suffix: str = ".assy") -> Path:
        """The file for `design` at `n` masses, written once per run (over any file a previous run
        left in --keep DIR) by a child process, so that this one stays small (benchmarks/child.py
        says why)."""
        path = self.folder / f"{design.removesuffix('-json')}-{n}{suffix}"
        if path not in self.written:
            self.written.add(path)
            done = child(["write", str(path), "--design", design, "--masses", str(n)], self.args.timeout)
            if done.result() is None:
                raise SystemExit(f"could not write {path}: {done.problem() or done.stderr[-500:]}")
        return path

    def sizes(self, design: str) -> list[int]:
        return self.args.sizes or DEFAULT_SIZES[design]

    # ---- measurements ----------------------------------------------------------------------------
    def phases(self, design: str, n: int, mode: str, limit: float | None = None) -> dict[str, Any]:
        """One design in one mode, phase by phase, in a fresh process; prints its two table rows.
        `limit`: seconds before it is stopped (default --timeout); the phases it finished are kept."""
        path = self.write(design, n)
        done = child(["phases", str(path), "--mode", mode], min(limit or self.args.timeout, self.args.timeout))
        rows = [line for line in done.lines if "phase" in line]
        result = done.result()
        entry = {
            "design": design,
            "masses": designs.mass_count(design, n),
            "mode": mode,
            "file_mb": path.stat().st_size / 1e6,
            "phases": rows,
            "total_seconds": result["total_seconds"] if result else None,
            "wall_seconds": done.wall,
            "peak_mb": done.peak_mb,
            "masses_built": result["masses_built"] if result else None,
            "rules": result["rules"] if result else {},
            "findings": result["findings"] if result else None,
            "problem": done.problem(),
        }
        self.figures["phases"].append(entry)
        print_phase_rows(entry)
        return entry

    def end_to_end(self, design: str, n: int, flat: bool, target_seconds: float) -> dict[str, Any]:
        """`python -m assemblint check FILE --format json -o REPORT` (and `--flat`), timed from
        outside: wall time and peak RSS of that one process, interpreter start-up included.
        `--stats` adds the checker's own parse / build / rules split to the report (at the cost of
        reading clocks), so the row can say which phase dominates."""
        path = self.write(design, n)
        report = self.folder / f"{path.stem}{'-flat' if flat else ''}.report.json"
        command = [sys.executable, "-m", "assemblint", "check", str(path), "--format", "json", "-o", str(report)]
        command += ["--stats", "--select", CORE_SELECT] + (["--flat"] if flat else [])
        limit = min(run_limit(target_seconds), self.args.timeout)
        done: Run | None = None
        data: dict[str, Any] | None = None
        for _ in range(self.args.repeat):  # the fastest of --repeat runs: other people's load only adds time
            report.unlink(missing_ok=True)
            attempt = run(command, limit, cwd=self.folder)
            if attempt.problem() is not None:
                done = done or attempt
                break  # a run that failed or was stopped will not do better the next time
            if done is None or attempt.wall < done.wall:
                done = attempt
                data = json.loads(report.read_text(encoding="utf-8")) if report.exists() else None
        assert done is not None
        entry: dict[str, Any] = {
            "design": design,
            "masses": designs.mass_count(design, n),
            "mode": "flat" if flat else "cells",
            "command": " ".join(["python", *command[1:]]).replace(str(self.folder) + os.sep, ""),
            "wall_seconds": done.wall,
            "peak_mb": done.peak_mb,
            "exit": done.returncode,
            "problem": done.problem(),
            "limit_seconds": limit,
            "runs": self.args.repeat,
        }
        if entry["problem"] is None and data is not None:
            entry["findings"] = finding_keys(data["findings"])
            stats = (data.get("stats") or {}).get("files") or [{}]
            entry["stats_seconds"] = stats[0].get("seconds", {})
        self.figures["end_to_end"].append(entry)
        print_end_to_end(entry)
        return entry

    # ---- the three benchmarks ----------------------------------------------------------------------
    def wafer(self) -> None:
        heading(
            "wafer: a cell of 2,000 galinstan masses in a gel, placed on a grid; as written (cells) and --flat",
            phase_table=True,
        )
        sizes = self.sizes("wafer")
        for n in sizes:
            cells = self.phases("wafer", n, "cells")
            flat = self.phases("wafer", n, "flat")
            print(f"{'':21}findings of the two modes: {same_findings(cells, flat)}")
        largest = max(sizes)
        masses = designs.mass_count("wafer", largest)
        heading(f"wafer end to end, {masses:,} masses: the command a user runs, in a fresh process")
        print_end_to_end_header()
        cells_run = self.end_to_end("wafer", largest, False, 2.0)
        flat_run = self.end_to_end("wafer", largest, True, 15.0)
        judged = masses == WAFER_TARGET_MASSES
        same = same_findings(cells_run, flat_run)
        self.targets += [
            Target(f"wafer {masses:,}, cells: wall", seconds(cells_run, 2.0), 2.0, "s", dominant(cells_run), judged),
            Target(f"wafer {masses:,}, cells: peak RSS", memory(cells_run), 500.0, "MB", "", judged),
            Target(f"wafer {masses:,}, --flat: wall", seconds(flat_run, 15.0), 15.0, "s", dominant(flat_run), judged),
            Target(f"wafer {masses:,}, --flat: peak RSS", memory(flat_run), 2500.0, "MB", "", judged),
            Target(
                f"wafer {masses:,}, --flat: the same findings",
                None if same.startswith("not compared") else same == "identical",
                True,
                "",
                same if same != "identical" else f"{len(cells_run['findings'])} findings, rule by rule",
                judged,
            ),
        ]

    def explicit(self) -> None:
        heading("explicit: one `pad` statement per pad and one `mass` statement per mass, as a CAD export writes")
        print_phase_header()
        sizes = self.sizes("explicit")
        largest = max(sizes)
        parsed: dict[int, float | None] = {}
        unfinished: dict[int, bool] = {}
        for n in sizes:
            # at the size measured end to end, the same limit: a parse 6x over its target has told enough
            entry = self.phases("explicit", n, "cells", run_limit(10.0) if n == largest else None)
            parsed[n] = next((r["seconds"] for r in entry["phases"] if r["phase"] in ("parse", "parse+build")), None)
            imported = next((r["seconds"] for r in entry["phases"] if r["phase"] == "import"), None)
            unfinished[n] = parsed[n] is None and imported is not None and entry["problem"] is not None
            if unfinished[n]:  # stopped while parsing: it took at least the rest of the run
                parsed[n] = entry["wall_seconds"] - imported
        heading("parsing against json.load of the same pads and masses (the floor for reading that much text)")
        print(
            f"{'masses':>10}  {'.assy MB':>8}  {'parse s':>8}  {'.json MB':>8}  {'json.load s':>11}  parse / json.load"
        )
        for n in sizes:
            path = self.write("explicit-json", n, ".json")
            done = child(["jsonload", str(path), "--repeat", "3"], self.args.timeout)
            result = done.result() or {}
            floor = result.get("seconds")
            ratio = parsed[n] / floor if parsed[n] and floor else None
            json_mb = path.stat().st_size / 1e6
            self.figures["json_floor"].append(
                {
                    "masses": n,
                    "json_mb": json_mb,
                    "json_load_seconds": floor,
                    "parse_seconds": parsed[n],
                    "parse_unfinished": unfinished[n],
                }
            )
            more = "more than " if unfinished[n] else ""
            shown = f"{more}{ratio:,.0f}×" + (" (the parse was stopped)" if unfinished[n] else "") if ratio else "—"
            print(
                f"{n:>10,}  {self.write('explicit', n).stat().st_size / 1e6:>8.1f}  {fmt(parsed[n], 8)}  "
                f"{json_mb:>8.1f}  {fmt(floor, 11, 3)}  " + (shown if floor else done.problem() or "—")
            )
        heading(f"explicit end to end, {largest:,} masses: the command a user runs, in a fresh process")
        print_end_to_end_header()
        e2e = self.end_to_end("explicit", largest, False, 10.0)
        judged = largest == EXPLICIT_TARGET_MASSES
        self.targets.append(Target(f"explicit {largest:,}: wall", seconds(e2e, 10.0), 10.0, "s", dominant(e2e), judged))

    def grid(self) -> None:
        heading("grid: one `masses` statement over two square pad grids, no cells (IN003 against KLayout)")
        print_phase_header()
        sizes = self.sizes("grid")
        ours: dict[int, float | None] = {}
        for n in sizes:
            entry = self.phases("grid", n, "cells")
            ours[n] = entry["rules"].get("IN003")
        heading(
            "IN003 against KLayout's flat Region.space_check of the same bumps "
            f"({designs.MASS_DIAMETER_UM:g} µm squares at {designs.PAD_PITCH_UM:g} µm pitch, 20 µm spacing)"
        )
        print(f"{'masses':>10}  {'IN003 s':>8}  {'KLayout region s':>16}  {'space_check s':>13}  space_check / IN003")
        ratios: dict[int, float | None] = {}
        for n in sizes:
            done = child(["klayout", "--masses", str(n), "--side", str(designs.grid_side(n))], self.args.timeout)
            result = done.result() or {"skipped": done.problem() or "no result"}
            result["masses"] = n
            result["in003_seconds"] = ours[n]
            self.figures["klayout"].append(result)
            if "skipped" in result:
                ratios[n] = None
                print(f"{n:>10,}  {fmt(ours[n], 8)}  skipped: {result['skipped']}")
                continue
            check = result["space_check_seconds"]
            ratios[n] = check / ours[n] if ours[n] else None
            shown = f"{ratios[n]:.1f}× ({result['violations']} violations)" if ratios[n] else "—"
            print(f"{n:>10,}  {fmt(ours[n], 8)}  {fmt(result['region_seconds'], 16)}  {fmt(check, 13)}  {shown}")
        largest = max(sizes)
        skipped = next((r["skipped"] for r in self.figures["klayout"] if "skipped" in r), None)
        self.targets.append(
            Target(
                f"grid {largest:,}: IN003 against KLayout space_check",
                ratios[largest],
                10.0,
                "x",
                skipped or "how many times faster IN003 is",
                largest == GRID_TARGET_MASSES,
            )
        )


# ---- helpers: figures ------------------------------------------------------------------------------
def run_limit(target_seconds: float) -> float:
    """How long a run measured against a target may take before it is stopped: long enough to
    show how far off it is, short enough that the full benchmark stays within minutes."""
    return max(4 * target_seconds, 60.0)


def seconds(entry: dict[str, Any], target: float) -> float | None:
    """An end-to-end run's wall time. A run stopped at its limit took at least that long: it fails
    a target it had already passed, and is not judged if it was stopped earlier than that."""
    if entry["problem"]:
        stopped = "limit" in entry["problem"]
        return entry["wall_seconds"] if stopped and entry["wall_seconds"] >= target else None
    return entry["wall_seconds"]


def memory(entry: dict[str, Any]) -> float | None:
    return None if entry["problem"] else entry["peak_mb"]


def dominant(entry: dict[str, Any]) -> str:
    """Which part of an end-to-end run took the time: the report's own split (parse, build, rules)
    and the rest (interpreter start-up, imports, plugins, deck, report writing)."""
    split = entry.get("stats_seconds") or {}
    if entry["problem"]:
        return entry["problem"]
    if not split:
        return ""
    parts = {k: float(split.get(k, 0.0)) for k in ("parse", "build", "rules")}
    parts["start-up+imports+report"] = max(0.0, entry["wall_seconds"] - float(split.get("total", 0.0)))
    name, value = max(parts.items(), key=lambda kv: kv[1])
    return f"mostly {name}: {value:.2f} s"


def same_findings(a: dict[str, Any], b: dict[str, Any]) -> str:
    """Whether two runs reported the same findings (rule, severity, objects, count, message)."""
    if a.get("findings") is None or b.get("findings") is None:
        return "not compared (a run has no result)"
    if a["findings"] == b["findings"]:
        return "identical"
    only_a = [f for f in a["findings"] if f not in b["findings"]]
    only_b = [f for f in b["findings"] if f not in a["findings"]]
    first = (only_a or only_b)[0]
    return (
        f"DIFFERENT: {len(only_a)} only in {a['mode']}, {len(only_b)} only in {b['mode']}; "
        f"e.g. {first[0]} {first[4][:90]}"
    )


def machine() -> dict[str, Any]:
    """What the figures were measured on, and how busy it was: other people's work on a shared
    machine shows up in the load average, and in every figure."""
    try:  # the version only: importing klayout here would swell this process, and so every child's peak
        klayout: str | None = importlib.metadata.version("klayout")
    except importlib.metadata.PackageNotFoundError:
        klayout = None
    try:
        head = subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=REPO, capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        head = ""
    return {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "klayout": klayout,
        "git": head,
    }


# ---- helpers: printing -----------------------------------------------------------------------------
def fmt(value: float | None, width: int, digits: int = 2) -> str:
    return f"{value:>{width}.{digits}f}" if value is not None else f"{'—':>{width}}"


def heading(text: str, phase_table: bool = False) -> None:
    print(f"\n== {text}", flush=True)
    if phase_table:
        print_phase_header()


def print_phase_header() -> None:
    labels = [FAMILY_LABELS.get(p, p) for p in PHASES]
    print(
        f"{'masses':>10}  {'mode':<6}   " + "".join(f"{label:>9}" for label in labels) + f"{'total':>9}   findings",
        flush=True,
    )


def print_phase_rows(entry: dict[str, Any]) -> None:
    """Two rows per run: seconds per phase, then the peak RSS so far (MB) at the end of each."""
    by_phase = {r["phase"]: r for r in entry["phases"]}
    if "parse+build" in by_phase:  # the loader could not be split: the whole load shows under build
        by_phase["build"] = by_phase.pop("parse+build")
    times = "".join(fmt(by_phase[p]["seconds"], 9) if p in by_phase else f"{'—':>9}" for p in PHASES)
    missing = [p for p in PHASES if p not in by_phase]
    if entry["problem"] and missing and "limit" in entry["problem"]:  # stopped: the phase it was in took the rest
        rest = entry["wall_seconds"] - sum(r["seconds"] for r in entry["phases"])
        column = PHASES.index(missing[0]) * 9
        times = times[:column] + f"{'>' + format(rest, '.1f'):>9}" + times[column + 9 :]
    peaks = "".join(f"{by_phase[p]['peak_mb']:>9,.0f}" if p in by_phase else f"{'—':>9}" for p in PHASES)
    found = sum(r.get("findings", 0) for r in entry["phases"])
    crashed = [rule for r in entry["phases"] for rule in r.get("crashed", [])]
    problems = [entry["problem"]] if entry["problem"] else []
    problems += [f"crashed: {', '.join(sorted(set(crashed)))}"] if crashed else []
    note = "   " + "; ".join(problems) if problems else ""
    total = fmt(entry["total_seconds"], 9)
    print(f"{entry['masses']:>10,}  {entry['mode']:<6} s " + times + total + f"   {found}{note}")
    print(f"{'':>10}  {'':<6} MB" + peaks + f"{entry['peak_mb']:>9,.0f}", flush=True)


def print_end_to_end_header() -> None:
    print(f"python -m assemblint check FILE --format json -o REPORT --stats --select {CORE_SELECT} [--flat]")
    print(f"{'masses':>10}  {'mode':<6}  {'wall s':>7}  {'peak MB':>8}  exit  of which (--stats): parse, build, rules")


def print_end_to_end(entry: dict[str, Any]) -> None:
    split = entry.get("stats_seconds") or {}
    inside = ", ".join(f"{split[k]:.2f}" for k in ("parse", "build", "rules") if k in split)
    shown = entry["problem"] or inside
    print(
        f"{entry['masses']:>10,}  {entry['mode']:<6}  {entry['wall_seconds']:>7.2f}  {entry['peak_mb']:>8,.0f}  "
        f"{entry['exit']:>4}  {shown}",
        flush=True,
    )


# ---- the command -----------------------------------------------------------------------------------
def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", metavar="N", help="mass counts for every design")
    parser.add_argument("--quick", action="store_true", help="10,000 masses only (the same as --sizes 10000)")
    parser.add_argument(
        "--only",
        action="append",
        choices=(*BENCHMARKS, "pathological", "graph", "imports", "tiles"),
        metavar="NAME",
        help="wafer, explicit, grid, pathological (issue 17's tiny designs: benchmarks/pathological.py), "
        "graph (`assemblint graph` of a million masses: benchmarks/bench_graph.py), "
        "imports (two dies of a million CSV bumps each, against json.load: benchmarks/bench_imports.py), "
        "or tiles (one design checked as Dask tiles against one process: benchmarks/bench_tiles.py)",
    )
    parser.add_argument("--json", metavar="FILE", help="also write every figure to FILE")
    parser.add_argument("--keep", metavar="DIR", help="write the generated designs and reports to DIR and keep them")
    parser.add_argument(
        "--repeat", type=int, default=1, metavar="N", help="end-to-end runs: the fastest of N (default 1)"
    )
    parser.add_argument(
        "--timeout", type=float, default=180.0, help="seconds after which a measured process is stopped (default 180)"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes = [10_000]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.only and "pathological" in args.only:  # a set of its own, judged on its own bar
        from . import pathological

        keep = ["--keep", args.keep] if args.keep else []
        return pathological.main(["--timeout", str(args.timeout), *keep])
    if args.only and "graph" in args.only:  # a set of its own too: the export of the graph, judged on its own bar
        from . import bench_graph

        keep = ["--keep", args.keep] if args.keep else []
        sizes = ["--sizes", *map(str, args.sizes)] if args.sizes else []
        return bench_graph.main(["--timeout", str(args.timeout), "--repeat", str(args.repeat), *keep, *sizes])
    if args.only and "imports" in args.only:  # bump maps from CSV, judged against json.load of the same rows
        from . import bench_imports

        return bench_imports.main(["--bumps", str(args.sizes[0])] if args.sizes else [])
    if args.only and "tiles" in args.only:  # one design as tiles on a local Dask cluster, against one process
        from . import bench_tiles

        return bench_tiles.main(["--bumps", str(args.sizes[0])] if args.sizes else [])
    with tempfile.TemporaryDirectory(prefix="assemblint-bench-") as scratch:
        folder = Path(args.keep) if args.keep else Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        bench = Bench(args, folder)
        info = bench.figures["machine"]
        print(
            f"assemblint benchmarks: {info['when']}, git {info['git'] or '?'}, Python {info['python']}, "
            f"{info['cpus']} CPUs, load average {info['load_average'][0]:.1f}, "
            f"klayout {info['klayout'] or 'not installed'}"
        )
        print("Each run is a fresh process; seconds are wall time; MB = 10^6 bytes, the peak RSS so far.")
        steps: dict[str, Callable[[], None]] = {"wafer": bench.wafer, "explicit": bench.explicit, "grid": bench.grid}
        for name in args.only or BENCHMARKS:
            steps[name]()
        heading("targets (issue 8)")
        for target in bench.targets:
            print(target.line())
        if not all(t.judged for t in bench.targets):
            print(
                f"  — = not judged at this size: the targets are for the wafer at {WAFER_TARGET_MASSES:,}, "
                f"the explicit design at {EXPLICIT_TARGET_MASSES:,} and the grid at {GRID_TARGET_MASSES:,} masses"
            )
        load = os.getloadavg()[0]
        print(f"\nload average at the end: {load:.1f} on {os.cpu_count()} CPUs (figures are noisier when it is high)")
        bench.figures["machine"]["load_average_end"] = os.getloadavg()
        # every child's peak is at least this (inherited through fork and exec): it must stay small
        bench.figures["machine"]["harness_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
        bench.figures["targets"] = [{**asdict(t), "verdict": t.verdict} for t in bench.targets]
        if args.json:
            Path(args.json).write_text(json.dumps(bench.figures, indent=1, default=str) + "\n", encoding="utf-8")
            print(f"figures written to {args.json}")
    return 1 if any(t.verdict == "FAIL" for t in bench.targets) else 0


if __name__ == "__main__":
    sys.exit(main())
