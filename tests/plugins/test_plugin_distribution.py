"""A third-party plugin, end to end: a throwaway distribution is built and pip-installed (into a
private target folder, so the test environment is left as it was), and `assemblint` — run as a
separate process that finds it only through its entry point — lists its rule, fires it, survives
its crash with exit 3 and the other findings intact, and names both plugins of a duplicate id.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

DESIGN = """\
use std
element die : chip { body silicon; pads c grid 2 x 2 pitch 300 um diameter 120 um }
element sub : substrate { body AlN; pads p grid 2 x 2 pitch 300 um diameter 120 um }
masses m : SAC305 { joins die.c[*] -- sub.p[*]; height 80 um }
"""

RULES = """
from assemblint import Severity, hookimpl, rule

__version__ = "1.2.3"


@rule(id="ACME001", name="mass-budget", severity=Severity.WARNING,
      params={"max_masses": {"type": "integer", "minimum": 1, "default": 3}},
      doc="Warn when the design has more masses than the bumping line can place.")
def mass_budget(ctx):
    masses = list(ctx.assembly.masses)
    if len(masses) > ctx.params["max_masses"]:
        yield ctx.finding(f"{len(masses)} masses, over the budget of {ctx.params['max_masses']}", objects=masses)


@rule(id="ACME002", name="always-crashes", severity=Severity.ERROR, doc="A rule with a bug.")
def always_crashes(ctx):
    raise ZeroDivisionError("division by zero in acme")


@hookimpl
def assemblint_rules():
    return [mass_budget, always_crashes]
"""

COPYCAT = """
from assemblint import Severity, hookimpl, rule


@rule(id="MH003", name="copycat", severity=Severity.ERROR, doc="Takes an id the melting plugin has.")
def copycat(ctx):
    return []


@hookimpl
def assemblint_rules():
    return [copycat]
"""


def make_distribution(folder: Path, name: str, rules: str) -> Path:
    """A plugin distribution as a third party writes it: pyproject.toml and one module."""
    project = folder / name
    project.mkdir()
    module = name.replace("-", "_")
    (project / f"{module}.py").write_text(textwrap.dedent(rules), encoding="utf-8")
    (project / "pyproject.toml").write_text(
        textwrap.dedent(f"""\
            [build-system]
            requires = ["setuptools"]
            build-backend = "setuptools.build_meta"

            [project]
            name = "{name}"
            version = "1.2.3"
            dependencies = ["assemblint"]

            [project.entry-points."assemblint.plugins"]
            {module} = "{module}"

            [tool.setuptools]
            py-modules = ["{module}"]
            """),
        encoding="utf-8",
    )
    return project


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict[str, Path]:
    """Two distributions pip-installed into private targets: `acme` (ACME001 + a crashing ACME002)
    and `copycat` (a rule with the id MH003, which the melting plugin has)."""
    pytest.importorskip("setuptools")
    folder = tmp_path_factory.mktemp("plugins")
    targets = {}
    for name, rules in (("acme", RULES), ("copycat", COPYCAT)):
        project = make_distribution(folder, name, rules)
        target = folder / f"site-{name}"
        done = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation", "--target",
             str(target), str(project)],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        targets[name] = target
    return targets


def run(targets: list[Path], *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(str(t) for t in targets))
    return subprocess.run(
        [sys.executable, "-m", "assemblint", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=300
    )


def test_the_installed_plugin_is_listed_with_its_version_and_rule(installed, tmp_path) -> None:
    result = run([installed["acme"]], "plugins", cwd=tmp_path)
    assert "acme 1.2.3 (acme)" in result.stdout
    assert "    rules: ACME001, ACME002" in result.stdout
    rules = run([installed["acme"]], "rules", cwd=tmp_path)
    assert any(line.split()[:2] == ["ACME001", "mass-budget"] and "acme" in line for line in rules.stdout.splitlines())


def test_its_rule_fires_and_its_crash_is_contained(installed, tmp_path) -> None:
    (tmp_path / "d.assy").write_text(DESIGN, encoding="utf-8")
    result = run([installed["acme"]], "check", "d.assy", "--format", "json", "--select", "ACME", cwd=tmp_path)
    assert result.returncode == 3  # a rule raised: the run says so
    report = json.loads(result.stdout)
    assert [(f["rule"], f["objects"], f["count"]) for f in report["findings"]] == [("ACME001", ["m[0:4]"], 4)]
    assert report["internal_errors"][0]["plugin"] == "acme" and report["internal_errors"][0]["rule"] == "ACME002"
    assert "ZeroDivisionError: division by zero in acme" in report["internal_errors"][0]["message"]
    statuses = {r["id"]: r["status"] for r in report["rules"]}
    assert (statuses["ACME001"], statuses["ACME002"]) == ("ran", "crashed")
    text = run([installed["acme"]], "check", "d.assy", "--select", "ACME", cwd=tmp_path)
    assert "internal error in plugin `acme`, rule ACME002: ZeroDivisionError" in text.stdout
    assert "d.assy:4:8: ACME001 [warning] mass-budget: 4 masses, over the budget of 3" in text.stdout


def test_disabling_the_plugin_drops_its_rules(installed, tmp_path) -> None:
    (tmp_path / "d.assy").write_text(DESIGN, encoding="utf-8")
    result = run([installed["acme"]], "check", "d.assy", "-p", "no:acme", "--select", "ACME", cwd=tmp_path)
    assert result.returncode == 0 and "ACME" not in result.stdout


def test_a_duplicate_rule_id_is_an_error_naming_both_plugins(installed, tmp_path) -> None:
    (tmp_path / "d.assy").write_text(DESIGN, encoding="utf-8")
    result = run([installed["copycat"]], "check", "d.assy", cwd=tmp_path)
    assert result.returncode == 3
    said = result.stdout + result.stderr
    assert "rule id MH003 is registered by both plugin `melting` and plugin `copycat`" in said, said
    assert "the one from `copycat` is not run" in said  # the core's own rule keeps its id
