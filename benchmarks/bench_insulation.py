"""Benchmark: IN001 (short), IN002 (open), IN003 (spacing) and IN005 (misalignment), and the other
IN and CTE rules, as designs grow.

    python benchmarks/bench_insulation.py                          # 10k, 100k and 1M masses
    python benchmarks/bench_insulation.py --sizes 10000 --repeat 5

Two ways of writing N masses: `grid` (a die on an interposer, one `masses` statement over two
square pad grids: one big face per element) and `cells` (a cell of 100 masses placed N/100 times:
N/50 small faces). Every mass has 4 neighbours within reach, none too close, so the searches do
their full work and report nothing; `--tight` puts the masses 10 µm apart to measure the cost of
reporting ~2N pairs. Figures are CPU seconds / wall seconds of each rule, run in the order the
plugin registers them (IN001 builds the pins IN002 reuses, IN003 the masses' placement IN005
reuses), the best of `--repeat` runs. The spatial search is a cell list over every face at once
(see plugins/assemblint_insulation/_geometry.py); `--per-face` also times the alternative it
replaced, scipy's cKDTree with one 2-D tree per face and `query_pairs`, for comparison.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from assemblint_insulation import _geometry, _nets
from scipy.spatial import cKDTree

from assemblint.build.loader import load
from assemblint.checking.deck import load_deck
from assemblint.checking.engine import run_rules
from assemblint.plugins.host import PluginHost

HEADER = """use std
process { step reflow { kind reflow; peak 245 C }; operate 0 C .. 85 C; cycle -40 C .. 125 C count 1000 }
"""


def grid(n: int, pitch: float) -> str:
    side = math.ceil(math.sqrt(n))
    pads = f"grid {side} x {side} pitch {pitch} um diameter 100 um"
    return HEADER + (
        f"element die : chip {{ body silicon; pads c {pads} }}\n"
        f"element sub : interposer {{ body silicon; pads p {pads} }}\n"
        f"masses m : SAC305 {{ joins die.c[0:{n}] -- sub.p[0:{n}]; diameter 100 um; height 60 um }}\n"
        f"nets s {{ die.c[0:{n}], sub.p[0:{n}] }}\n"
    )


def cells(n: int, pitch: float) -> str:
    units = max(1, n // 100)
    side = math.ceil(math.sqrt(units))
    rows = math.ceil(units / side)
    pads = f"grid 10 x 10 pitch {pitch} um diameter 100 um"
    return HEADER + (
        "cell Unit {\n"
        f"    element chip : chip {{ body silicon; pads c {pads} }}\n"
        f"    element sheet : interposer {{ body silicon; pads p {pads} }}\n"
        "    masses m : SAC305 { joins chip.c[*] -- sheet.p[*]; diameter 100 um; height 60 um }\n"
        "    nets s { chip.c[*], sheet.p[*] }\n"
        "}\n"
        f"place units : Unit grid {rows} x {side} pitch 10 mm x 10 mm\n"
    )


def best(repeat: int, work):
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), result


def per_face_trees(assembly, radius: float) -> int:
    """The alternative to one 3-D tree: a 2-D tree per (element, face). Returns the pairs found."""
    netlist = assembly.netlist
    pads = np.concatenate([netlist.mass_pad_a, netlist.mass_pad_b])
    owner = np.concatenate([np.arange(netlist.mass_count)] * 2)
    key = netlist.pad_element[pads] * 2 + netlist.pad_face[pads]
    first = netlist.mass_pad_a[owner]
    order = np.argsort(key, kind="stable")
    bounds = np.flatnonzero(np.diff(key[order])) + 1
    found = 0
    for chunk in np.split(order, bounds):
        tree = cKDTree(np.column_stack([netlist.pad_x[first[chunk]], netlist.pad_y[first[chunk]]]))
        found += len(tree.query_pairs(radius, output_type="ndarray"))
    return found


def measure(style: str, n: int, repeat: int, folder: Path, tight: bool, per_face: bool) -> None:
    pitch = 110.0 if tight else 200.0
    path = folder / f"{style}-{n}.assy"
    path.write_text({"grid": grid, "cells": cells}[style](n, pitch), encoding="utf-8")
    host = PluginHost.default()
    # flat: every placed unit built, so `cells` measures N/50 small faces (not one representative)
    load_s, assembly = best(1, lambda: load(path, extensions=host.language_extensions(), max_objects=10**9, flat=True))
    nodes_s, _ = best(1, lambda: assembly.netlist.node_labels)
    rules = [r for r in host.rules() if r.family in ("IN", "CTE")]
    deck = load_deck(None, rules)
    seconds: dict[str, float] = {}
    cpu: dict[str, float] = {}
    counts: dict[str, int] = {}
    for _ in range(repeat):
        _nets._PINS.clear()  # every repeat pays for what the rules share, as a single run does
        _geometry._PLACEMENTS.clear()
        for rule in rules:  # one at a time, in order, for each rule's CPU time
            started = time.process_time()
            result = run_rules(assembly, [rule], deck, [], [])
            cpu[rule.id] = min(cpu.get(rule.id, math.inf), time.process_time() - started)
            seconds[rule.id] = min(seconds.get(rule.id, math.inf), result.outcomes[0].seconds)
            counts[rule.id] = sum(f.count for f in result.findings)
    shown = ("IN001", "IN002", "IN003", "IN005")
    others = sum(s for rid, s in cpu.items() if rid not in shown)
    line = f"{style:<6} {assembly.mass_count:>9,} masses  load {load_s:6.2f}  nodes {nodes_s:5.2f}  " + "  ".join(
        f"{rid} {cpu[rid]:.3f}/{seconds[rid]:.3f}" + (f" ({counts[rid]} pairs)" if rid in ("IN003", "IN005") else "")
        for rid in shown
    )
    line += f"  other IN+CTE {others:6.3f}"
    if per_face:
        face_s, _ = best(repeat, lambda: per_face_trees(assembly, 100.0 + 20.0))
        line += f"  [per-face 2-D trees: {face_s:.3f}]"
    print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--styles", nargs="+", default=["grid", "cells"], choices=["grid", "cells"])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--tight", action="store_true", help="masses 10 µm apart: every neighbour is a finding")
    parser.add_argument("--per-face", action="store_true", help="also time one 2-D tree per face")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        for n in args.sizes:
            for style in args.styles:
                measure(style, n, args.repeat, Path(folder), args.tight, args.per_face)
                sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
