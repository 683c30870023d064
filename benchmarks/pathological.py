"""The pathological set (issue 17): tiny valid designs that once took minutes or gigabytes.

    python -m benchmarks --only pathological          # every design, each in a fresh process
    python -m benchmarks.pathological --keep DIR      # the same, keeping the generated files

Each design is a few hundred bytes of `.assy` (the waiver design excepted: its 10,000 patterns are
the point) that describes hundreds of thousands of objects or millions of pairs. Each is checked
by `python -m assemblint check FILE --format json` in a fresh process (benchmarks/spawn.py), timed
from outside with its own peak RSS, and judged against the issue's bar: a verdict within seconds
(`LIMIT_SECONDS`) and under 1 GB, exit 0, 1 or 2 and no traceback.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .spawn import run

LIMIT_SECONDS = 10.0
LIMIT_MB = 1000.0
HEADER = "use std\n"


def _pads(rows: int, cols: int, pitch: str = "200 um") -> str:
    return (
        f"element die : chip {{ body silicon; pads c grid {rows} x {cols} pitch {pitch} diameter 100 um }}\n"
        f"element sub : interposer {{ body silicon; pads p grid {rows} x {cols} pitch {pitch} diameter 100 um }}\n"
    )


MASSES = "masses m : SAC305 { joins die.c[*] -- sub.p[*]; diameter 100 um; height 60 um }\n"


def overlapping(side: int) -> str:
    """side² masses within 0.1 µm of each other, each on its own pads: every pair overlaps (IN003, IN005)."""
    return HEADER + _pads(side, side, "0.001 um") + MASSES


def one_net(pads: int) -> str:
    """One net over every pad of two grids and no mass: one IN002 finding with `2 * pads` groups."""
    rows = max(1, pads // 400)
    return HEADER + _pads(rows, pads // rows) + "net n { die.c[*], sub.p[*] }\n"


def two_nets(pads: int) -> str:
    """Two `nets` statements over the same pins: io[k] and jo[k] share both pins, pads shorts (IN001)."""
    rows = max(1, pads // 400)
    nets = "nets io { die.c[*], sub.p[*] }\nnets jo { die.c[*], sub.p[*] }\n"
    return HEADER + _pads(rows, pads // rows) + MASSES + nets


def net_and_nets(pads: int) -> str:
    """`net n` over every pad and `nets io` over the same pads: each io[k] shorts n (IN001)."""
    rows = max(1, pads // 1000)
    nets = "net n { die.c[*], sub.p[*] }\nnets io { die.c[*], sub.p[*] }\n"
    return HEADER + _pads(rows, pads // rows) + MASSES + nets


def dense_cell(units: int, side: int = 40) -> str:
    """A cell of side² masses 10 µm apart edge to edge (every neighbour pair breaks IN003 and IN005)
    placed `units` times: checked as written and with `--flat`."""
    rows = max(1, int(units**0.5))
    cell = _pads(side, side, "110 um").replace("\n", "\n    ")
    return (
        HEADER
        + f"cell U {{\n    {cell}{MASSES}}}\n"
        + f"place u : U grid {rows} x {units // rows} pitch 10 mm x 10 mm\n"
    )


def many_patterns(patterns: int, findings: int = 400) -> str:
    """One `waive` of IN002 with `patterns` patterns over `findings` open nets (IN002 findings)."""
    on = ", ".join(f"io[{k}]" for k in reversed(range(patterns)))
    return (
        HEADER
        + _pads(1, findings)
        + "nets io { die.c[*], sub.p[*] }\n"
        + f'waive IN002 on {on} because "the nets are joined on the board"\n'
    )


@dataclass
class Case:
    name: str
    text: Callable[[], str]
    flat: bool = False


CASES = [
    Case("overlap-3600", lambda: overlapping(60)),
    Case("overlap-10000", lambda: overlapping(100)),
    Case("one-net-320000-pins", lambda: one_net(160_000)),
    Case("two-nets-160000-pins", lambda: two_nets(80_000)),
    Case("net-and-nets-2000000-pads", lambda: net_and_nets(1_000_000)),
    Case("dense-cell-hierarchical", lambda: dense_cell(400)),
    Case("dense-cell-flat", lambda: dense_cell(400), flat=True),
    Case("waive-10000-patterns-400-findings", lambda: many_patterns(10_000)),
]


def measure(case: Case, folder: Path, timeout: float) -> dict:
    """One design in a fresh process: seconds, peak MB, exit status, report size and the verdict."""
    path = folder / f"{case.name.removesuffix('-flat').removesuffix('-hierarchical')}.assy"
    if not path.exists():
        path.write_text(case.text(), encoding="utf-8")
    command = [sys.executable, "-m", "assemblint", "check", str(path), "--format", "json", "-q"]
    command += ["--select", "MH,CT,IN,CTE,WV", "--fail-on", "never"] + (["--flat"] if case.flat else [])
    # in the designs' folder, beside an empty assemblint.toml: no configuration of the checkout or
    # above it applies, and the report is the same whoever runs it
    (folder / "assemblint.toml").touch()
    done = run(command, timeout, cwd=folder)
    ok = (
        not done.timed_out
        and done.returncode in (0, 1, 2)
        and "Traceback" not in done.stderr
        and done.wall < LIMIT_SECONDS
        and done.peak_mb < LIMIT_MB
    )
    return {
        "design": case.name,
        "bytes": path.stat().st_size,
        "seconds": done.wall,
        "peak_mb": done.peak_mb,
        "exit": "stopped" if done.timed_out else done.returncode,
        "report_mb": len(done.stdout.encode()) / 1e6,
        "verdict": "PASS" if ok else "FAIL",
    }


def line(row: dict) -> str:
    seconds = f"{row['seconds']:.1f}" + ("+" if row["exit"] == "stopped" else "")
    return (
        f"  {row['verdict']:<4}  {row['design']:<36} {row['bytes']:>7,} B  {seconds:>8} s  "
        f"{row['peak_mb']:>8,.0f} MB  exit {row['exit']!s:<7}  report {row['report_mb']:,.2f} MB"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pathological", description=__doc__)
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds before a run is stopped (default 180)")
    parser.add_argument("--keep", metavar="DIR", help="write the designs to DIR and keep them")
    parser.add_argument("--case", action="append", metavar="NAME", help="only these designs (repeatable)")
    args = parser.parse_args(argv)
    print(f"pathological designs: each a fresh process; PASS = exit 0/1/2, < {LIMIT_SECONDS:g} s, < {LIMIT_MB:g} MB")
    with tempfile.TemporaryDirectory(prefix="assemblint-patho-") as scratch:
        folder = Path(args.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        rows = []
        for case in CASES:
            if args.case and case.name not in args.case:
                continue
            rows.append(measure(case, folder, args.timeout))
            print(line(rows[-1]), flush=True)
    return 1 if any(r["verdict"] == "FAIL" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
