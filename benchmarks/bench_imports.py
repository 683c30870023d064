"""Bump maps from other tools at scale (issue 19): two dies of N bumps each, read from CSV and joined
`by position`, checked end to end with every core rule, against `json.load` of the same rows.

    python -m benchmarks.bench_imports                 # 2 x 1,000,000 bumps
    python -m benchmarks.bench_imports --bumps 100000  # a quicker try

Each figure comes from a fresh process, the best of `--rounds`: `json.load` of the two tables
written as JSON rows (the floor STACK.md §6 sets: reading the rows at all), and `assemblint check
design.assy --format json` timed from outside with its peak resident memory, serially and with
`--jobs 2` (the rules shared with a forked helper, checking/sharing.py). The target: the check in
at most twice the time of `json.load`, in under 2 GB. The package's bytecode is compiled first, as
installing it does (a checkout run with PYTHONDONTWRITEBYTECODE would compile 160 modules, 0.2 s,
in every run).
"""

from __future__ import annotations

import argparse
import compileall
import json
import math
import sys
import tempfile
from pathlib import Path

from .spawn import run

PITCH = 40.0  # µm, a microbump pitch
SELECT = "MH,CT,IN,CTE,ST,WV"


def write_design(folder: Path, bumps: int) -> tuple[Path, Path]:
    """Two CSV bump maps (die, substrate) of `bumps` rows each, their JSON twins, and the design."""
    import numpy as np

    side = math.isqrt(bumps - 1) + 1
    index = np.arange(bumps)
    x = (index % side - (side - 1) / 2) * PITCH
    y = (index // side - (side - 1) / 2) * PITCH
    nets = np.where(index % 4 == 0, "VSS", np.where(index % 4 == 1, "VDD", np.char.add("S", index.astype(str))))
    extent_mm = (side + 2) * PITCH / 1000
    rows = {}
    for name, flip in (("die", True), ("sub", False)):
        xs = -x if flip else x  # the die's map is in its own frame: flipping it brings each bump onto its partner
        lines = ["pin,x_um,y_um,net"]
        lines += [
            f"{name}_{i},{a:.3f},{b:.3f},{n}"
            for i, a, b, n in zip(index.tolist(), xs.tolist(), y.tolist(), nets.tolist(), strict=True)
        ]
        (folder / f"{name}.csv").write_text("\n".join(lines) + "\n")
        rows[name] = [
            {"pin": f"{name}_{i}", "x": a, "y": b, "net": n}
            for i, a, b, n in zip(index.tolist(), xs.tolist(), y.tolist(), nets.tolist(), strict=True)
        ]
    json_path = folder / "rows.json"
    json_path.write_text(json.dumps(rows))
    design = folder / "design.assy"
    design.write_text(
        f"""assembly "two dies of {bumps:,} bumps from CSV"
use std
element sub : substrate {{ body BT; size {extent_mm + 2:.3f} mm x {extent_mm + 2:.3f} mm x 1 mm; z 0 um
  pads b from "sub.csv" columns (name pin, x x_um, y y_um, net net) unit um diameter 20 um
}}
element die : chip {{ body silicon; size {extent_mm:.3f} mm x {extent_mm:.3f} mm x 0.75 mm; z 1030 um; flip
  pads b from "die.csv" columns (name pin, x x_um, y y_um, net net) unit um diameter 20 um
}}
masses j : SAC305 {{ joins die.b[*] -- sub.b[*] by position; height 30 um }}
process {{
  step attach {{ kind reflow; peak 245 C; forms j }}
  operate -40 C .. 125 C
}}
"""
    )
    return design, json_path


def written_by_child(module: str, folder: str, bumps: int, extra: tuple[str, ...] = ()) -> bool:
    """Have `python -m module --write folder --bumps N [extra]` write the design (False, and its
    error on stderr, if it fails): a process forked from one that held the rows would start with
    their memory in its peak (Linux counts the forking process's pages until the exec)."""
    made = run([sys.executable, "-m", module, "--write", folder, "--bumps", str(bumps), *extra], 1800)
    if made.returncode != 0:
        sys.stderr.write(made.stderr[-2000:])
    return made.returncode == 0


def timed(command: list[str]) -> tuple[float, float, int]:
    """Seconds, peak RSS of that process alone (MB) and exit status (spawn.run: os.wait4)."""
    done = run(command, timeout=1800)
    if done.returncode not in (0, 1):
        sys.stderr.write(done.stdout[-2000:] + done.stderr[-2000:])
    return done.wall, done.peak_mb, done.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bumps", type=int, default=1_000_000, help="bumps per die (default 1,000,000)")
    parser.add_argument("--rounds", type=int, default=3, help="each figure the best of this many runs (default 3)")
    parser.add_argument("--write", metavar="FOLDER", help=argparse.SUPPRESS)  # the design, made in a child
    args = parser.parse_args(argv)
    if args.write:
        write_design(Path(args.write), args.bumps)
        return 0
    _compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="assemblint-imports-") as tmp:
        folder = Path(tmp)
        if not written_by_child("benchmarks.bench_imports", tmp, args.bumps):
            return 1
        design, json_path = folder / "design.assy", folder / "rows.json"
        floor = [sys.executable, "-c", f"import json; json.load(open({str(json_path)!r}))"]
        check = [sys.executable, "-m", "assemblint", "check", str(design), "--format", "json", "--select", SELECT]
        json_s, json_mb, _ = best(floor, args.rounds)
        serial_s, serial_mb, status = best(check, args.rounds)
        shared_s, shared_mb, _ = best([*check, "--jobs", "2"], args.rounds)
        ratio = shared_s / json_s
        print(
            f"two dies of {args.bumps:,} bumps from CSV, joined by position "
            f"({2 * args.bumps:,} pads, {args.bumps:,} masses), best of {args.rounds}"
        )
        print(f"  json.load of the same rows  {json_s:7.2f} s  {json_mb:7.0f} MB (with the interpreter's start-up)")
        print(f"  check (exit {status})         {serial_s:7.2f} s  {serial_mb:7.0f} MB (every core rule: {SELECT})")
        print(f"  check --jobs 2           {shared_s:7.2f} s  {shared_mb:7.0f} MB (the rules shared with a helper)")
        print(f"  ratio serial {serial_s / json_s:.2f}, --jobs 2 {ratio:.2f}")
        verdict = "PASS" if ratio <= 2.0 and max(serial_mb, shared_mb) < 2048 else "FAIL"
        print(f"  --jobs 2: ratio {ratio:.2f} (target ≤ 2.00), peak {shared_mb:.0f} MB (target < 2048): {verdict}")
    return 0 if verdict == "PASS" else 1


def best(command: list[str], rounds: int) -> tuple[float, float, int]:
    """The fastest of `rounds` runs: (seconds, its peak MB, exit status)."""
    return min((timed(command) for _ in range(max(rounds, 1))), key=lambda run: run[0])


def _compile_bytecode() -> None:
    """The bytecode of assemblint and its plugins, written as installing the package writes it."""
    import importlib.util

    for name in ("assemblint", *(f"assemblint_{family}" for family in FAMILIES)):
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations:
            for folder in spec.submodule_search_locations:
                compileall.compile_dir(folder, quiet=1)


FAMILIES = ("melting", "containment", "insulation", "cte", "stack", "reliability", "waivers")


if __name__ == "__main__":
    sys.exit(main())
