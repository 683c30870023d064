"""Benchmark: when `check --jobs N` and `--executor dask` pay off (docs/scale.md).

    python benchmarks/bench_parallel.py                  # start-up, many files, large files
    python benchmarks/bench_parallel.py --only parse     # one Lark-parsed design, whole and in parts
    python benchmarks/bench_parallel.py --dask           # also a Dask LocalCluster

Figures are seconds of `check_files` (or of the parse) in this process, so the interpreter's own
start-up (about a second) is left out of both sides. The variants being compared run in turn,
`--repeat` rounds, and each figure is its best round. Two sets of columns: the wall clock, and an
estimate from CPU time of the same run on an idle machine (this process's CPU time plus its
workers' divided by N): on a machine shared with other work, the wall clock mostly measures that
work, so the load average is printed with each table.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from bench_parse_build import flat
from designs import explicit

from assemblint.api import CheckOptions, check_files
from assemblint.language.syntax import parse
from assemblint.plugins.host import PluginHost
from assemblint.run import parallel, partition

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


CPU: dict[str, float] = {}  # the last race's estimate per run, from CPU time (see `race`)


def race(repeat: int, workers: int = 1, **runs: Callable[[], object]) -> dict[str, float]:
    """Each run's best wall-clock time over `repeat` rounds, the runs taking turns in each round.

    Also, in CPU, each run's best estimate of its time on an otherwise idle machine: this
    process's CPU time plus its finished workers' CPU time divided by `workers` (they share
    the work evenly). On a shared machine the wall clock mostly measures the other work.
    """
    times: dict[str, list[float]] = {name: [] for name in runs}
    estimates: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            own, children = time.process_time(), _children()
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
            estimates[name].append(time.process_time() - own + (_children() - children) / workers)
    CPU.clear()
    CPU.update({name: min(values) for name, values in estimates.items()})
    return {name: min(values) for name, values in times.items()}


def _children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def _plugins(spec: parallel.HostSpec) -> int:
    """In a spawned worker: build the plugin host, as a worker that inherits nothing must."""
    parallel._host(spec)
    return os.getpid()


def _started(start: Callable[[int], parallel.Pool], jobs: int, task: Callable[..., object], *args: object) -> None:
    pool = start(jobs)
    for future in [pool.submit(task, *args) for _ in range(jobs)]:
        future.result()
    pool.close()


def _spawn_pool(jobs: int) -> parallel.Pool:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    executor = ProcessPoolExecutor(jobs, get_context("spawn"))
    return parallel.Pool(executor.submit, jobs, lambda cancel: executor.shutdown())


def startup(jobs: int, repeat: int, dask: bool) -> None:
    print(f"\n== starting {jobs} workers, one task on each, stopping them ({load()})")
    spec = parallel.HostSpec.of(PluginHost.create())
    runs = {
        "fork (Linux; plugins inherited)": partial(_started, parallel.process_pool, jobs, os.getpid),
        "spawn (plugins built in each)": partial(_started, _spawn_pool, jobs, _plugins, spec),
    }
    if dask:
        runs["Dask LocalCluster (plugins built)"] = partial(
            _started, lambda n: parallel.dask_pool(None, n), jobs, _plugins, spec
        )
    for name, seconds in race(repeat, **runs).items():
        print(f"{name:<36} {seconds:7.3f} s")


def files(jobs: int, repeat: int, counts: list[int], dask: bool) -> None:
    print(f"\n== many small files: copies of the valid examples/, {jobs} jobs ({load()})")
    host = PluginHost.create()
    valid = [p for p in sorted(EXAMPLES.glob("*.assy")) if not p.name.startswith("broken")]
    print(
        f"{'files':>6} {'serial':>8} {'jobs':>8} {'speedup':>8}   {'serial':>8} {'jobs':>8} {'speedup':>8}"
        + (f" {'dask':>8}" if dask else "")
    )
    client = parallel.dask_pool(None, jobs) if dask else None
    original = parallel.dask_pool
    if client is not None:  # one cluster for every run: its start is timed in `startup`
        kept = parallel.Pool(client.submit, client.workers, lambda cancel: None)
        parallel.dask_pool = lambda scheduler, workers: kept  # type: ignore[assignment]
    try:
        for count in counts:
            with tempfile.TemporaryDirectory() as folder:
                for i in range(count):
                    source = valid[i % len(valid)]
                    shutil.copy(source, Path(folder) / f"{i:04d}-{source.name}")
                run = partial(check_files, [Path(folder)], host=host)
                runs = {"serial": partial(run, CheckOptions()), "jobs": partial(run, CheckOptions(jobs=jobs))}
                if client is not None:
                    runs["dask"] = partial(run, CheckOptions(executor="dask"))
                t = race(repeat, jobs, **runs)
                line = f"{count:>6} {t['serial']:8.3f} {t['jobs']:8.3f} {t['serial'] / t['jobs']:7.2f}x"
                line += f"   {CPU['serial']:8.3f} {CPU['jobs']:8.3f} {CPU['serial'] / CPU['jobs']:7.2f}x"
                print(line + (f" {t['dask']:8.3f}" if client is not None else ""))
    finally:
        parallel.dask_pool = original  # type: ignore[assignment]
        if client is not None:
            client.close()


def _in_parts(pool: parallel.Pool | None, jobs: int, text: str, path: Path) -> None:
    """Parse `text` in `jobs` parts on `pool` (None: a pool started and stopped for this parse)."""
    own = pool or parallel.process_pool(jobs)
    partition.gather(partition.submit_parts(text, str(path), path.name, own.submit, jobs), text, path.name)
    if pool is None:
        own.close()


def parse_parts(jobs: int, repeat: int, sizes: list[int], shape: str = "flat") -> None:
    """`flat`: `mass m17 : SAC305 { joins die.c[17] -- sub.p[17]; … }`, which Lark parses;
    `explicit`: `pad c17 at (…)` and `… joins die.c17 -- sub.p17 …`, which explicit.py reads."""
    write = flat if shape == "flat" else explicit
    print(f"\n== one {shape} design, one statement per mass: parsed whole and in {jobs} parts ({load()})")
    print(
        f"{'masses':>7} {'bytes':>11} {'whole':>8} {'parts':>8} {'+start':>8} {'speedup':>8}"
        f"   {'whole':>8} {'+start':>8} {'speedup':>8}"
    )
    pool = parallel.process_pool(jobs)
    try:
        pool.submit(os.getpid).result()
        with tempfile.TemporaryDirectory() as folder:
            for size in sizes:
                text = write(size)
                path = Path(folder) / f"{shape}{size}.assy"
                path.write_text(text, encoding="utf-8")
                t = race(
                    repeat,
                    jobs,
                    whole=partial(parse, text, path.name),
                    parts=partial(_in_parts, pool, jobs, text, path),
                    cold=partial(_in_parts, None, jobs, text, path),
                )
                print(
                    f"{size:>7} {len(text):>11,} {t['whole']:8.3f} {t['parts']:8.3f} {t['cold']:8.3f}"
                    f" {t['whole'] / t['cold']:7.2f}x   {CPU['whole']:8.3f} {CPU['cold']:8.3f}"
                    f" {CPU['whole'] / CPU['cold']:7.2f}x"
                )
    finally:
        pool.close()


def large(jobs: int, repeat: int, sizes: list[int]) -> None:
    print(f"\n== one flat design checked end to end: parse, build, rules; {jobs} jobs ({load()})")
    host = PluginHost.create()
    print(f"{'masses':>7} {'serial':>8} {'jobs':>8} {'speedup':>8}   {'serial':>8} {'jobs':>8} {'speedup':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = Path(folder) / f"flat{size}.assy"
            path.write_text(flat(size), encoding="utf-8")
            run = partial(check_files, [path], host=host)
            t = race(repeat, jobs, serial=partial(run, CheckOptions()), jobs=partial(run, CheckOptions(jobs=jobs)))
            print(
                f"{size:>7} {t['serial']:8.3f} {t['jobs']:8.3f} {t['serial'] / t['jobs']:7.2f}x"
                f"   {CPU['serial']:8.3f} {CPU['jobs']:8.3f} {CPU['serial'] / CPU['jobs']:7.2f}x"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=("startup", "files", "parse", "explicit", "large"))
    parser.add_argument("--files", type=int, nargs="+", default=[2, 4, 8, 16, 32, 128])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 1000, 3000, 10000])
    parser.add_argument("--explicit", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--large", type=int, nargs="+", default=[3000, 10000])
    parser.add_argument("--dask", action="store_true", help="also time a Dask LocalCluster")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cpu, Python {sys.version.split()[0]}, best of {args.repeat} rounds")
    if args.only in (None, "startup"):
        startup(args.jobs, args.repeat, args.dask)
    if args.only in (None, "files"):
        files(args.jobs, args.repeat, args.files, args.dask)
    if args.only in (None, "parse"):
        parse_parts(args.jobs, args.repeat, args.sizes)
    if args.only in (None, "explicit"):
        parse_parts(args.jobs, args.repeat, args.explicit, "explicit")
    if args.only in (None, "large"):
        large(args.jobs, args.repeat, args.large)


if __name__ == "__main__":
    main()
