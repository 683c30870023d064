"""Benchmark: what running rules in forked workers costs (`--isolate`, checking/isolation.py).

    python -m benchmarks.bench_isolation                 # the 1.2M wafer (cells and --flat), 1,000 files
    python -m benchmarks.bench_isolation --repeat 1 --files 200 --masses 100000   # a quick look

Each figure is the best of `--repeat` runs of the command a user runs, `python -m assemblint check
… --format json -o …`, timed from outside, in each mode: `none` (every rule in process), `plugins`
(the default: rules of plugins outside assemblint forked, one worker per rule and design) and
`all` (every rule forked: the upper bound). What `plugins` costs depends on how many third-party
rules are installed: the figures print them. Every mode must give the same findings; the
benchmark checks that too.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from . import designs
from .spawn import REPO, run

MODES = ("none", "plugins", "all")
EXAMPLES = REPO / "examples"


def third_party_rules() -> list[str]:
    """The installed rules that `--isolate plugins` forks: those of plugins outside assemblint."""
    from assemblint.plugins.host import PluginHost

    host = PluginHost.create()
    core = {p.name for p in host.plugins if p.distribution == "assemblint"}
    return sorted(rule.id for rule in host.rules() if rule.plugin not in core)


def measure(label: str, paths: list[str], extra: list[str], repeat: int, folder: Path) -> None:
    best: dict[str, float] = {}
    peak: dict[str, float] = {}
    findings: dict[str, str] = {}
    for _ in range(repeat):
        for mode in MODES:
            out = folder / f"report-{mode}.json"
            command = [sys.executable, "-m", "assemblint", "check", *paths, "-q", "--format", "json"]
            done = run([*command, "-o", str(out), "--isolate", mode, *extra], timeout=3600, cwd=folder)
            if done.problem():
                raise SystemExit(f"{label}, --isolate {mode}: {done.problem()}")
            best[mode] = min(best.get(mode, float("inf")), done.wall)
            peak[mode] = max(peak.get(mode, 0.0), done.peak_mb)
            findings[mode] = json.dumps(json.loads(out.read_text(encoding="utf-8"))["findings"])
    same = len(set(findings.values())) == 1
    base = best["none"]
    cells = "  ".join(
        f"{mode} {best[mode]:7.2f} s {peak[mode]:6.0f} MB ({(best[mode] - base) / base:+6.1%})" for mode in MODES
    )
    print(f"{label:<34} {cells}  findings {'equal' if same else 'DIFFER'}", flush=True)
    if not same:
        raise SystemExit(f"{label}: the modes gave different findings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--masses", type=int, default=1_200_000, help="masses of the wafer (default 1.2M)")
    parser.add_argument("--files", type=int, default=1000, help="copies of the valid examples (default 1,000)")
    args = parser.parse_args()
    rules = third_party_rules()
    print(f"== --isolate: best of {args.repeat}; forked under `plugins`: {', '.join(rules) or 'no rule'}")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        wafer = folder / "wafer.assy"
        wafer.write_text(designs.wafer(args.masses), encoding="utf-8")
        measure(f"wafer {args.masses:,} masses, cells", [wafer.name], [], args.repeat, folder)
        measure(f"wafer {args.masses:,} masses, --flat", [wafer.name], ["--flat"], args.repeat, folder)
        many = folder / "many"
        many.mkdir()
        valid = [p for p in sorted(EXAMPLES.glob("*.assy")) if not p.name.startswith("broken")]
        for i in range(args.files):
            shutil.copy(valid[i % len(valid)], many / f"{i:04d}-{valid[i % len(valid)].name}")
        measure(f"{args.files:,} example files", ["many"], [], args.repeat, folder)
        measure(f"{args.files:,} example files, --jobs 2", ["many"], ["--jobs", "2"], args.repeat, folder)


if __name__ == "__main__":
    main()
