"""Benchmark: the cost of parsing, building and connectivity as designs grow.

    python benchmarks/bench_parse_build.py            # 10k and 100k masses
    python benchmarks/bench_parse_build.py --sizes 10000 100000 1000000

Three ways of writing N masses, because they stress different phases:
- flat:  N `mass` statements (what a CAD export writes): parse and per-statement build dominate;
- grid:  one `masses` statement over two N-pad grids: array building only;
- cells: a cell with 100 masses placed N/100 times: per-instance building.
Each figure is the best of `--repeat` runs, in seconds.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

from assemblint.build.builder import Builder
from assemblint.build.loader import Loader
from assemblint.model.netlist import Netlist
from assemblint.plugins.host import PluginHost

HEADER = """use std
process { step join { kind reflow; peak 245 C } ; operate 0 C .. 85 C }
"""


def flat(n: int) -> str:
    side = math.ceil(math.sqrt(n))
    lines = [
        HEADER,
        f"element die : chip {{ body silicon; pads c grid {side} x {side} pitch 200 um diameter 100 um }}",
        f"element sub : substrate {{ body AlN; pads p grid {side} x {side} pitch 200 um diameter 100 um }}",
    ]
    lines += [
        f"mass m{i} : SAC305 {{ joins die.c[{i}] -- sub.p[{i}]; diameter 100 um; height 60 um }}" for i in range(n)
    ]
    return "\n".join(lines) + "\n"


def grid(n: int) -> str:
    side = math.ceil(math.sqrt(n))
    return HEADER + (
        f"element die : chip {{ body silicon; pads c grid {side} x {side} pitch 200 um diameter 100 um }}\n"
        f"element sub : substrate {{ body AlN; pads p grid {side} x {side} pitch 200 um diameter 100 um }}\n"
        f"masses m : SAC305 {{ joins die.c[0:{n}] -- sub.p[0:{n}]; height 60 um }}\n"
    )


def cells(n: int) -> str:
    units = max(1, n // 100)
    side = math.ceil(math.sqrt(units))
    rows = math.ceil(units / side)
    return HEADER + (
        "cell Unit {\n"
        "    element chip : chip { body silicon; pads c grid 10 x 10 pitch 200 um diameter 100 um }\n"
        "    element sheet : dielectric_sheet { body polyimide; pads p grid 10 x 10 pitch 200 um diameter 100 um }\n"
        "    masses m : SAC305 { joins chip.c[*] -- sheet.p[*]; height 60 um }\n"
        "}\n"
        f"place units : Unit grid {rows} x {side} pitch 3 mm\n"
    )


def measure(text: str, path: Path, extensions) -> dict[str, float]:
    path.write_text(text)
    loader = Loader(path.parent, extensions)
    started = time.perf_counter()
    loader.read_file(path)
    parsed = time.perf_counter()
    builder = Builder(
        extra_material_properties=extensions.material_properties,
        extra_element_properties=extensions.element_properties,
        element_types=extensions.element_types,
        max_objects=10**9,
    )
    assembly = builder.build(str(path), loader.statements)
    built = time.perf_counter()
    netlist = Netlist.build(assembly)
    labels = netlist.node_labels
    connected = time.perf_counter()
    assert netlist.mass_count > 0 and len(labels) > 0
    return {
        "parse": parsed - started,
        "build": built - parsed,
        "netlist": connected - built,
        "total": connected - started,
        "masses": assembly.mass_count,
        "bytes": len(text),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--styles", nargs="+", default=["flat", "grid", "cells"], choices=["flat", "grid", "cells"])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    extensions = PluginHost.create().language_extensions()
    makers = {"flat": flat, "grid": grid, "cells": cells}
    print(
        f"{'style':<6} {'masses':>9} {'text':>9} {'parse s':>9} {'build s':>9} {'netlist s':>10} {'total s':>9}"
        f" {'µs/mass':>8}"
    )
    with tempfile.TemporaryDirectory() as folder:
        for style in args.styles:
            for size in args.sizes:
                text = makers[style](size)
                best: dict[str, float] | None = None
                for _ in range(args.repeat):
                    result = measure(text, Path(folder) / f"{style}-{size}.assy", extensions)
                    if best is None or result["total"] < best["total"]:
                        best = result
                assert best is not None
                print(
                    f"{style:<6} {best['masses']:>9,} {best['bytes'] / 1e6:>7.1f}MB {best['parse']:>9.3f} "
                    f"{best['build']:>9.3f} {best['netlist']:>10.3f} {best['total']:>9.3f} "
                    f"{best['total'] / best['masses'] * 1e6:>8.2f}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
