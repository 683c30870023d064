"""The house rules of the code (issue 15): layers that only point down, no import cycle, small modules.

The import-linter contracts in pyproject.toml (`lint-imports`, also run by CI) hold the layers and
keep the rule families out of the core; this module runs them too, so that `python -m pytest`
alone catches a wrong arrow, and adds what a contract cannot say: no cycle among the core's modules,
imports inside functions included, and no module over 700 lines.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 700


def test_the_import_linter_contracts_hold() -> None:
    command = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    done = subprocess.run([command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_no_import_cycle_in_the_core_imports_inside_functions_included() -> None:
    graph = grimp.build_graph("assemblint", exclude_type_checking_imports=True)
    edges = nx.DiGraph()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            edges.add_edge(module, imported)
    cycles = [sorted(c) for c in nx.strongly_connected_components(edges) if len(c) > 1]
    assert cycles == []


@pytest.mark.parametrize("folder", ["src/assemblint", "plugins"])
def test_no_module_is_over_700_lines(folder: str) -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path in (ROOT / folder).rglob("*.py")
        if ".venv" not in path.parts and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
