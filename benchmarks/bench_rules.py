"""Benchmark: the thermal timeline and each rule, as designs grow.

    python benchmarks/bench_rules.py                       # 10k and 100k masses
    python benchmarks/bench_rules.py --sizes 10000 100000 1000000

The design is seed 003's chip-scale package (liquid-interconnect.assy) grown to N masses between
chip and sheet plus N masses between sheet and board, in two styles: `grid` (one `masses`
statement per level) and `cells` (a cell of 100 masses placed N/100 times, so the rules see
N/100 mass groups and N/100 layers). The process has six steps and three service ranges, and
the design fires MH004, MH007, CT002 and CT005 on every mass, so the findings' cost is measured
too. Figures are seconds, the best of `--repeat` runs.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

from assemblint.analysis.timeline import Timeline
from assemblint.build.loader import load
from assemblint.checking.deck import load_deck
from assemblint.checking.engine import run_rules
from assemblint.plugins.host import PluginHost

MATERIALS = """use std
material gel577 { kind compliant; dielectric; modulus 0.3 MPa; service -65 C .. 150 C }
"""
PROCESS = """process {{
    step bump  {{ kind deposit; temp 25 C; forms {m} }}
    step join  {{ kind reflow;  peak 75 C }}
    step fill  {{ kind inject;  temp 25 C; forms {g} }}
    step cure  {{ kind cure;    peak 45 C; requires solid {m} }}
    step mount {{ kind reflow;  peak 165 C; forms board, tb }}
    step test  {{ kind test;    temp 25 C .. 85 C }}
    operate 40 C .. 85 C
    store -40 C .. 60 C
    cycle -40 C .. 125 C count 1000
}}
"""


def grid(n: int) -> str:
    side = math.ceil(math.sqrt(n))
    pads = f"grid {side} x {side} pitch 500 um"
    return (
        MATERIALS
        + f"element chip : chip {{ body silicon; max_temp 260 C; pads c {pads} diameter 100 um }}\n"
        + f"element sheet : dielectric_sheet {{ body polyimide; pads p {pads} diameter 100 um; "
        f"pads t {pads} diameter 200 um face back; connect p[*] -- t[*] }}\n"
        + f"element board : circuit_board {{ body fr4; max_temp 260 C; pads q {pads} diameter 250 um }}\n"
        + "layer gel : gel577 { role compliant; between chip, sheet; thickness 100 um }\n"
        + f"masses m : SnBiPbInCd50 {{ joins chip.c[0:{n}] -- sheet.p[0:{n}]; height 100 um }}\n"
        + f"masses tb : Sn42Bi58 {{ joins sheet.t[0:{n}] -- board.q[0:{n}]; height 50 um }}\n"
        + PROCESS.format(m="m", g="gel")
    )


def cells(n: int) -> str:
    units = max(1, n // 100)
    side = math.ceil(math.sqrt(units))
    rows = math.ceil(units / side)
    return (
        MATERIALS + "cell Unit {\n"
        "    element chip : chip { body silicon; max_temp 260 C; pads c grid 10 x 10 pitch 500 um diameter 100 um }\n"
        "    element sheet : dielectric_sheet { body polyimide; pads p grid 10 x 10 pitch 500 um diameter 100 um\n"
        "        pads t grid 10 x 10 pitch 500 um diameter 200 um face back; connect p[*] -- t[*] }\n"
        "    layer gel : gel577 { role compliant; between chip, sheet; thickness 100 um }\n"
        "    masses m : SnBiPbInCd50 { joins chip.c[*] -- sheet.p[*]; height 100 um }\n"
        "}\n"
        f"place units : Unit grid {rows} x {side} pitch 6 mm x 6 mm\n"
        f"element board : circuit_board {{ body fr4; max_temp 260 C; pads q grid {units} x 100 pitch 500 um "
        "diameter 250 um }\n"
        f"masses tb : Sn42Bi58 {{ joins units[0:{units}].sheet.t[*] -- board.q[*]; height 50 um }}\n"
        + PROCESS.format(m="units[*].m", g="units[*].gel")
    )


def best(repeat: int, work):
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), result


def measure(style: str, n: int, repeat: int, folder: Path) -> None:
    path = folder / f"{style}-{n}.assy"
    path.write_text({"grid": grid, "cells": cells}[style](n), encoding="utf-8")
    host = PluginHost.default()
    extensions = host.language_extensions()
    load_s, assembly = best(repeat, lambda: load(path, extensions=extensions, max_objects=10**9))
    nodes_s, _ = best(1, lambda: assembly.netlist.node_labels)

    def timeline() -> Timeline:
        tl = Timeline(assembly)
        _ = tl.joined_by, tl.remelted, tl.liquid_in_service, tl.container, tl.containing_layers
        return tl

    timeline_s, tl = best(repeat, timeline)
    assembly.__dict__["timeline"] = tl  # the rules below share this one, as in a real run
    rules = [r for r in host.rules() if r.family in ("MH", "CT")]
    deck = load_deck(None, rules)
    per_rule: dict[str, float] = {}
    findings = 0
    for _ in range(repeat):
        result = run_rules(assembly, rules, deck, [], [])
        findings = len(result.findings)
        for outcome in result.outcomes:
            per_rule[outcome.rule.id] = min(per_rule.get(outcome.rule.id, math.inf), outcome.seconds)
    slowest = sorted(per_rule.items(), key=lambda kv: -kv[1])[:4]
    print(
        f"{style:<6} {assembly.mass_count:>9,} masses  load {load_s:7.3f}  nodes {nodes_s:6.3f}  "
        f"timeline {timeline_s:6.3f}  MH+CT rules {sum(per_rule.values()):7.3f}  ({findings} findings; "
        + ", ".join(f"{rid} {s:.3f}" for rid, s in slowest)
        + ")"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--styles", nargs="+", default=["grid", "cells"], choices=["grid", "cells"])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        for n in args.sizes:
            for style in args.styles:
                measure(style, n, args.repeat, Path(folder))
                sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
