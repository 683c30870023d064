"""The reliability family (plugins/assemblint_reliability) as a whole (CHECKS.md, "Reliability beyond
the seeds").

The plugin ships RL001–RL005 with their defaults; each rule's documentation examples fire and pass
(`assemblint explain`, `assemblint rules --verify`); the base design, which gives none of the data the
rules ask for beyond what it checks, gives no RL finding; placed cells give one finding per rule and
cause for every instance, the same findings as `--flat`. One rule's own tests are in
test_rlNNN_<name>.py, named after its module; the designs in designs.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from assemblint_reliability import RULES
from conftest import OTHER_PLUGINS

import assemblint
from assemblint import Severity, cli
from assemblint.plugins.host import PluginHost

from .designs import MATERIALS, RL, design, findings, line_of


def rl(report) -> list:
    return [f for f in report.findings if f.rule.startswith("RL")]


# ============================================================================== registration
def test_the_family_ships_rl001_to_rl005_with_their_defaults() -> None:
    assert [(r.id, r.name, r.severity) for r in RULES] == [
        ("RL001", "polymer-tg", Severity.WARNING),
        ("RL002", "moisture-reflow", Severity.ERROR),
        ("RL003", "gold-embrittlement", Severity.WARNING),
        ("RL004", "warpage", Severity.WARNING),
        ("RL005", "electromigration", Severity.WARNING),
    ]
    assert [r.default_params() for r in RULES] == [
        {"margin": "0 K"},
        {"lead_free": True},
        {"max_gold": "3 %"},
        {"max_warpage": "100 um"},
        {"max_current_density": "10000 A/cm2"},
    ]
    assert all(r.family == "RL" for r in RULES)


def test_the_family_is_registered_through_its_entry_point() -> None:
    host = PluginHost.default()
    assert {r.id for r in host.rules() if r.plugin == "reliability"} == set(RL)
    # left out, the rules are gone, and nothing else is
    without = PluginHost.create(disable=("reliability",))
    assert not {r.id for r in without.rules()} & set(RL)


# ============================================================================== documentation examples
@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_documentation_examples_fire_and_pass(check_text, rule) -> None:
    fired = findings(check_text(rule.examples["fires"], select=(rule.id,)), rule.id)
    assert fired and all(f.severity is rule.severity for f in fired)
    assert findings(check_text(rule.examples["passes"], select=(rule.id,)), rule.id) == []


def test_rules_verify_runs_the_examples_of_every_rl_rule(monkeypatch, capsys) -> None:
    """`assemblint rules --verify` over the family alone (the core's own rules beside it)."""
    others = tuple(p for p in OTHER_PLUGINS if p != "reliability")
    monkeypatch.setattr(cli, "_host", lambda flags: PluginHost.create(disable=others))
    assert cli.main(["rules", "--verify"]) == 0
    out = capsys.readouterr().out
    for rule in RL:
        assert f"{rule}    ok" in out
    assert "FAIL" not in out
    assert out.rstrip().endswith("every rule's examples behave as documented")


def test_explain_shows_what_the_fires_example_reports(capsys) -> None:
    assert cli.main(["explain", "RL002"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("RL002 moisture-reflow: error by default")
    assert "J-STD-020" in out and "lead_free" in out
    assert "RL002 [error] step reflow heats die to 265 °C" in out


# ============================================================================== the base design
def test_the_base_design_gives_no_rl_finding(check_text) -> None:
    # No msl, finish or current; Tg 180 °C above the 100 °C cycle; a 34.4 µm bow (test_rl004).
    report = check_text(design(), select=RL)
    assert rl(report) == []
    statuses = {r["id"]: r["status"] for r in report.to_json()["rules"] if r["id"] in RL}
    assert statuses == dict.fromkeys(RL, "ran")


# ============================================================================== cells
CELL = f"""use std
{MATERIALS}
material sn60 {{ kind fusible; composition Sn 60 %, Pb 40 %; solidus 183 C; liquidus 190 C; density 9.65 g/cm3 }}
material gel {{ kind polymer; dielectric; cte 30 ppm/K }}
cell Unit {{
    element die : chip {{ body si; size 20 mm x 20 mm x 0.3 mm; msl 3
        pads c grid 2 x 2 pitch 1 mm size 100 um x 100 um finish nickel 5 um, gold 2 um }}
    element sub : substrate {{ body lam; size 20 mm x 20 mm x 1 mm; pads p grid 2 x 2 pitch 1 mm size 100 um x 100 um }}
    masses s : sn60 {{ joins die.c[*] -- sub.p[*]; size 100 um x 100 um; height 80 um }}
    layer uf : resin {{ role underfill; between die, sub; surrounds s }}
    layer g : gel {{ role mold; between die, sub }}
    net V {{ die.c[*], sub.p[*]; current 4.4 A }}
}}
place units : Unit grid 2 x 2 pitch 30 mm x 30 mm
process {{
    step reflow {{ kind reflow; peak 265 C; forms units[*].s }}
    operate -40 C .. 125 C
}}
"""


def cell_findings(tmp_path: Path, flat: bool) -> list[dict]:
    path = tmp_path / "cells.assy"
    path.write_text(CELL, encoding="utf-8")
    report = assemblint.check(path, flat=flat, select=RL)
    assert report.errors == [] and report.problems == []
    return report.to_json()["findings"]


def test_cells_give_one_finding_per_rule_and_cause_for_every_instance(tmp_path: Path) -> None:
    # Per unit: the underfill's Tg 120 °C below 125 °C and a mold without Tg (RL001); the 0.3 mm die,
    # 120 mm³: Tc 260 °C < 265 °C (RL002); 2 µm of gold on 10⁴ µm² against 8·10⁵ µm³ of 9.65 g/cm³
    # solder: 38.6 / (38.6 + 772) = 4.76 % (RL003); the 246.5 µm bow of test_rl004 at ΔT 240 K:
    # 268.9 µm (RL004); 4.4 A over four joints, 1.1 A through 10⁴ µm²: 1.1·10⁴ A/cm² (RL005).
    found = cell_findings(tmp_path, flat=False)
    got = {(f["rule"], f["severity"]): (f["objects"], f["count"]) for f in found}
    assert got == {
        ("RL001", "warning"): (["units[0:4].uf"], 4),
        ("RL001", "info"): (["units[0:4].g"], 4),
        ("RL002", "error"): (["units[0:4].die"], 4),
        ("RL003", "warning"): (["units[0:4].s[0:4]"], 16),
        ("RL004", "warning"): (["units[0:4].die", "units[0:4].sub"], 8),
        ("RL005", "warning"): (["units[0:4].s[0:4]"], 16),
    }
    assert len(found) == 6
    by_rule = {(f["rule"], f["severity"]): f for f in found}
    assert by_rule["RL002", "error"]["data"]["classification_temperature"] == 260.0
    assert by_rule["RL003", "warning"]["data"]["gold_fraction"] == pytest.approx(100 * 38.6 / (38.6 + 772))
    assert by_rule["RL004", "warning"]["data"]["delta_t"] == 240.0
    assert by_rule["RL005", "warning"]["data"]["current"] == pytest.approx(1.1)
    assert by_rule["RL003", "warning"]["location"]["line"] == line_of(CELL, "masses s")


def test_cells_give_the_same_findings_as_flat(tmp_path: Path) -> None:
    hierarchical = cell_findings(tmp_path, flat=False)
    flat = cell_findings(tmp_path, flat=True)
    assert hierarchical == flat
    assert hierarchical, "a design that gives no finding proves nothing"


def test_the_command_line_flat_option_gives_the_same_rl_findings(tmp_path: Path, capsys) -> None:
    import json

    path = tmp_path / "cells.assy"
    path.write_text(CELL, encoding="utf-8")
    outputs = []
    for extra in ([], ["--flat"]):
        cli.main(["check", str(path), "--format", "json", "--select", ",".join(RL), *extra])
        outputs.append(json.loads(capsys.readouterr().out))
    assert outputs[0]["findings"] == outputs[1]["findings"]
    assert {f["rule"] for f in outputs[0]["findings"]} == set(RL)
