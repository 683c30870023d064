"""What runs inside each fresh benchmark process: the phases of one design in one mode, KLayout's
spacing check of the grid design's bumps, or a `json.load` of the explicit design's data.

Each measurement gets its own process because peak memory (`ru_maxrss`) is a high-water mark
that never comes down: only a fresh process tells what one design in one mode costs. The parent
passes the wall-clock time at which it spawned this process, so the first phase, `import`,
includes the interpreter's own start-up as a user's `assemblint check` pays it. Each phase is
printed as a JSON line as soon as it ends, and the result as a last line `{"result": {...}}`.

    python -m benchmarks.child phases FILE --mode cells|flat --spawned T
    python -m benchmarks.child klayout --masses N --side S --spawned T
    python -m benchmarks.child jsonload FILE --repeat 3 --spawned T
    python -m benchmarks.child write FILE --design wafer|explicit|grid|explicit-json --masses N

Designs are written by a child too, so that the parent process stays small: a child inherits its
parent's memory high-water mark through fork and exec on Linux (ru_maxrss is carried across
`execve`), and a parent that had just built a 30 MB string would raise every later child's peak.

Only the public API is used to drive assemblint (`assemblint.load`, `assemblint.check`,
`Assembly.netlist`, `timeline_of`, `PluginHost`), because the builder's internals are
changing; the single exception, the split between parse and build, degrades to one `load` figure
if the loader's `read_file` ever goes away.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

# The rule families measured one by one: the plugin names the four core families register under.
FAMILIES = ("melting", "containment", "insulation", "cte", "reliability")
# The timeline's lazily computed parts that the MH and CT rules read (docs/timeline.md): computed in
# the timeline phase, so that the first rule to touch them is not charged with the timeline's cost.
TIMELINE_PARTS = ("melting", "joined_by", "remelted", "liquid_in_service", "container", "containing_layers")


def peak_mb() -> float:
    """The process's peak resident set so far, in MB of 10^6 bytes, the unit the targets are
    written in (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


class Phases:
    """Phase boundaries: each `mark` closes the phase that began at the previous one, recording its
    seconds and the peak RSS so far."""

    def __init__(self, spawned: float):
        self.last = spawned
        self.spawned = spawned
        self.rows: list[dict[str, Any]] = []

    def mark(self, name: str, **extra: Any) -> None:
        now = time.time()
        row = {"phase": name, "seconds": now - self.last, "peak_mb": peak_mb(), **extra}
        self.rows.append(row)
        print(json.dumps(row), flush=True)  # streamed, so a run stopped by the parent's timeout still tells its phases
        self.last = now


def _on_parse_end(callback: Callable[[], None]) -> bool:
    """Call `callback` when the loader has read and parsed every file (the outermost `read_file`
    returns), so `load()` can be split into parse and build without driving the builder ourselves.
    Returns False, and splits nothing, if the loader no longer has that method."""
    try:
        from assemblint.build.loader import Loader
    except ImportError:
        return False
    original = getattr(Loader, "read_file", None)
    if original is None:
        return False
    depth = 0

    def read_file(self: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal depth
        depth += 1
        try:
            return original(self, *args, **kwargs)
        finally:
            depth -= 1
            if depth == 0:
                callback()

    Loader.read_file = read_file  # type: ignore[method-assign]
    return True


def finding_keys(findings: list[dict[str, Any]]) -> list[list[Any]]:
    """What two runs must agree on for their findings to be the same: rule, severity, objects,
    count and message (not the location's line, nor the fingerprint's inputs)."""
    return sorted([f["rule"], f["severity"], list(f["objects"]), f["count"], f["message"]] for f in findings)


def run_phases(path: str, mode: str, spawned: float) -> dict[str, Any]:
    """import, parse, build (with the netlist's electrical nodes), timeline, one phase per rule
    family, total; with the findings, so that the two modes can be compared."""
    phases = Phases(spawned)
    import assemblint
    from assemblint.analysis.timeline import timeline_of
    from assemblint.plugins.host import PluginHost

    host = PluginHost.default()
    rules = host.rules()
    try:  # the deck and its JSON Schema validation, which `check` pays once before any design
        from assemblint.checking.deck import load_deck

        load_deck(None, rules)
    except ImportError:
        pass
    phases.mark("import")

    split = _on_parse_end(lambda: phases.mark("parse"))
    assembly = assemblint.load(path, host=host, flat=mode == "flat")
    netlist = assembly.netlist
    if netlist is not None:
        _ = netlist.node_labels  # electrical nodes: computed on first use, part of building the netlist
    phases.mark("build" if split else "parse+build")

    timeline = timeline_of(assembly)
    for part in TIMELINE_PARTS:
        # a design the timeline cannot model makes the rules raise CannotRun, which they report
        with contextlib.suppress(Exception):
            getattr(timeline, part, None)
    phases.mark("timeline")

    findings: list[dict[str, Any]] = []
    per_rule: dict[str, float] = {}
    for family in FAMILIES:
        ids = [r.id for r in rules if r.plugin == family]
        if not ids:
            phases.mark(family, skipped="plugin not installed")
            continue
        report = assemblint.check(assembly, select=ids, host=host)
        for rule_id, outcomes in report.outcomes.items():
            ran = [o.seconds for o in outcomes if o.status in ("ran", "could-not-run", "crashed")]
            if ran:
                per_rule[rule_id] = sum(ran)
        found = report.to_json()["findings"]
        findings += found
        phases.mark(family, findings=len(found), crashed=[p.rule for p in report.problems])

    total = time.time() - spawned
    return {
        "phases": phases.rows,
        "total_seconds": total,
        "total_peak_mb": peak_mb(),
        "masses_built": assembly.mass_count,
        "rules": per_rule,
        "findings": finding_keys(findings),
    }


def run_klayout(masses: int, side: int, spawned: float, pitch_um: float, size_um: float, space_um: float) -> dict:
    """KLayout's flat spacing check of the grid design's bumps: `masses` squares of the bump
    diameter, row by row on a `side`-wide grid at the pad pitch, copied into one flat Region (from a
    cell array through a recursive shape iterator, in C++, not one Python call per bump), then
    `Region.space_check` with its defaults (Euclidean metrics, merged semantics), as a user calls
    it. Building the region is timed apart: it is the counterpart of our parse and build, not of
    IN003."""
    try:
        import klayout.db as db
    except ImportError:
        return {"skipped": "klayout is not installed (pip install klayout, or pip install -e '.[bench]')"}
    imported = time.time()
    layout = db.Layout()
    layout.dbu = 0.001  # 1 nm
    top = layout.create_cell("TOP")
    bump = layout.create_cell("BUMP")
    layer = layout.layer(1, 0)
    half = round(size_um / 2 / layout.dbu)
    bump.shapes(layer).insert(db.Box(-half, -half, half, half))
    step = round(pitch_um / layout.dbu)
    full_rows, rest = divmod(masses, side)
    along, across = db.Vector(step, 0), db.Vector(0, step)
    if full_rows:
        top.insert(db.CellInstArray(bump.cell_index(), db.Trans(), along, across, side, full_rows))
    if rest:  # the last, partial row: the grid design's masses fill the pad grid row by row
        top.insert(db.CellInstArray(bump.cell_index(), db.Trans(0, full_rows * step), along, across, rest, 1))
    started = time.perf_counter()
    region = db.Region()  # a flat region holding every bump as its own polygon (not a lazy view of the array)
    region.insert(top.begin_shapes_rec(layer))
    count = region.count()
    built = time.perf_counter()
    violations = region.space_check(round(space_um / layout.dbu))
    found = violations.count()
    checked = time.perf_counter()
    return {
        "version": db.__version__ if hasattr(db, "__version__") else "",
        "import_seconds": imported - spawned,
        "shapes": count,
        "region_seconds": built - started,
        "space_check_seconds": checked - built,
        "violations": found,
        "peak_mb": peak_mb(),
    }


def run_jsonload(path: str, repeat: int) -> dict[str, Any]:
    """The best of `repeat` `json.load`s of the file: the floor for reading that much data in Python."""
    best = float("inf")
    items = 0
    for _ in range(repeat):
        started = time.perf_counter()
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        best = min(best, time.perf_counter() - started)
        items = sum(len(e["pads"]) for e in data["elements"]) + len(data["masses"])
        del data
    return {"seconds": best, "items": items, "peak_mb": peak_mb()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.child", description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["phases", "klayout", "jsonload", "write"])
    parser.add_argument("file", nargs="?")
    parser.add_argument("--mode", choices=["cells", "flat"], default="cells")
    parser.add_argument("--design", choices=["wafer", "explicit", "grid", "explicit-json"], default="wafer")
    parser.add_argument("--spawned", type=float, default=None)
    parser.add_argument("--masses", type=int, default=0)
    parser.add_argument("--side", type=int, default=0)
    parser.add_argument("--pitch-um", type=float, default=200.0)
    parser.add_argument("--size-um", type=float, default=100.0)
    parser.add_argument("--space-um", type=float, default=20.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    spawned = args.spawned if args.spawned is not None else time.time()
    if args.what == "phases":
        result = run_phases(args.file, args.mode, spawned)
    elif args.what == "klayout":
        result = run_klayout(args.masses, args.side, spawned, args.pitch_um, args.size_um, args.space_um)
    elif args.what == "jsonload":
        result = run_jsonload(args.file, args.repeat)
    else:
        from . import designs

        make = designs.explicit_json if args.design == "explicit-json" else designs.GENERATORS[args.design]
        with open(args.file, "w", encoding="utf-8") as handle:
            handle.write(make(args.masses))
        result = {"written": args.file}
    print(json.dumps({"result": result}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
