"""Hierarchical checking (hierarchy.py): one representative per kind of placed instance, same findings as flat."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import assemblint
from assemblint.base.diagnostics import Location
from assemblint.checking.findings import _merge_instances
from assemblint.cli import main
from assemblint.language import syntax_tree as st
from assemblint.model.hierarchy import Reach, Represented, plan_instances

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HERE = Location("d.assy", 1, 1)

# 12 instances; units[5] is joined to the board and units[7] named by a step: 10 are alike.
WAFER = """use std
material gelx : silicone_gel { service -40 C .. 125 C; modulus 0.3 MPa }
cell Unit {
    element chip : chip { body silicon; size 2 mm x 2 mm x 0.5 mm; pads c grid 4 x 4 pitch 100 um diameter 60 um }
    element sheet : substrate {
        body fr4
        pads p grid 4 x 4 pitch 100 um diameter 60 um
        pads t grid 2 x 2 pitch 1 mm diameter 200 um face back
    }
    masses m : ALLOY { joins chip.c[*] -- sheet.p[*]; diameter 90 um; height 15 um; in g }
    layer g : gelx { role compliant; between chip, sheet; thickness 20 um }
    nets n { chip.c[0:8], sheet.p[0:8] }
}
place units : Unit grid 3 x 4 pitch 5 mm
element board : circuit_board { body fr4; pads q grid 2 x 2 pitch 1 mm diameter 250 um }
masses tb : Sn42Bi58 { joins units[5].sheet.t[*] -- board.q[*]; diameter 220 um; height 50 um }
process {
    step bump { kind deposit; temp 25 C; forms units[*].m }
    step fill { kind inject; temp 25 C; forms units[*].g }
    step mount { kind reflow; peak 165 C; forms board, tb; requires solid units[7].m }
    operate 0 C .. 100 C
    cycle -40 C .. 125 C count 1000
}
"""

DESIGNS = {
    "wafer-liquid": WAFER.replace("ALLOY", "SnBiPbInCd55"),
    "wafer-solder": WAFER.replace("ALLOY", "SAC305").replace("requires solid units[7].m", "requires liquid units[7].m"),
    "panel-of-cells": (EXAMPLES / "panel-of-cells.assy").read_text(encoding="utf-8"),
    # version 2: instances turned, mirrored and raised; and in the stack, so that the ST rules judge them
    "wafer-turned": WAFER.replace("ALLOY", "SAC305").replace(
        "place units : Unit grid 3 x 4 pitch 5 mm", "place units : Unit grid 3 x 4 pitch 5 mm rotate 90 mirror z 100 um"
    ),
    # a panel of units held by nothing in common: the representative's own instances float too (ST001)
    "panel-floating": """use std
cell Unit {
    element chip : chip { body silicon; size 2 mm x 2 mm x 0.5 mm; z 100 um
        pads c grid 2 x 2 pitch 1 mm diameter 100 um }
    element sheet : substrate { body fr4; size 3 mm x 3 mm x 100 um; z 0 um
        pads p grid 2 x 2 pitch 1 mm diameter 100 um }
    masses m : SAC305 { joins chip.c[*] -- sheet.p[*]; diameter 90 um; height 10 um }
}
place units : Unit grid 3 x 4 pitch 5 mm
""",
    "wafer-stacked": WAFER.replace("ALLOY", "SAC305")
    .replace("size 2 mm x 2 mm x 0.5 mm;", "size 2 mm x 2 mm x 0.5 mm; z 35 um;")
    .replace(
        "        body fr4\n        pads p grid 4",
        "        body fr4\n        size 3 mm x 3 mm x 20 um; z 0 um\n        pads p grid 4",
    ),
}


def reach(text: str, uniform: bool = False) -> Reach:
    """`units[3].m` -> a Reach, as the builder makes from a reference."""
    parts: list[str | st.Index] = []
    for piece in text.split("."):
        name, _, index = piece.partition("[")
        parts.append(name)
        if index:
            body = index.rstrip("]")
            if body == "*":
                parts.append(st.Index("every"))
            elif ":" in body:
                lo, hi = body.split(":")
                parts.append(st.Index("slice", int(lo) if lo else None, int(hi) if hi else None))
            else:
                parts.append(st.Index("at", int(body)))
    return Reach(tuple(parts), uniform)


# ---------------------------------------------------------------------------------------- planning


def test_instances_nothing_names_are_represented_by_the_lowest() -> None:
    plan = plan_instances("units", 6, [reach("units[*].m", uniform=True), reach("other.x")])
    assert plan.built == [0]
    assert plan.represents[0].tolist() == [0, 1, 2, 3, 4, 5]


def test_an_instance_named_one_by_one_is_built_on_its_own() -> None:
    plan = plan_instances("units", 6, [reach("units[2].sheet.t[0]"), reach("units[0:2].m", uniform=True)])
    assert plan.built == [0, 1, 2, 3]  # 0 and 1 by the step's slice, 2 by the join, 3 for 3, 4, 5
    assert plan.represents[3].tolist() == [3, 4, 5]
    assert [r.parts for r in plan.reaches[2]] == [("sheet", "t", st.Index("at", 0))]


def test_a_wildcard_outside_process_steps_makes_every_instance_distinct() -> None:
    plan = plan_instances("units", 4, [reach("units[*].sheet.t[0]")])  # e.g. masses joining every instance to a board
    assert plan.built == [0, 1, 2, 3] and plan.represents == {}


def test_a_step_slice_covering_every_instance_is_uniform() -> None:
    assert plan_instances("units", 4, [reach("units[0:4].m", uniform=True)]).built == [0]
    assert plan_instances("units", 4, [reach("units[0:3].m", uniform=True)]).built == [0, 1, 2, 3]


def test_flat_builds_every_instance() -> None:
    plan = plan_instances("units", 5, [], hierarchical=False)
    assert plan.built == [0, 1, 2, 3, 4] and plan.represents == {}


def test_a_single_unnamed_instance_is_built_and_represents_nothing_else() -> None:
    plan = plan_instances("units", 1, [])
    assert plan.built == [0] and plan.represents == {}


# ---------------------------------------------------------------------------------------- naming


def nested_names() -> Represented:
    """The language has no `place` inside a cell yet; the naming is ready for it."""
    represented = Represented()
    represented.add("modules[0].", ["modules[0].", "modules[1].", "modules[2]."])
    represented.add("modules[0].dies[0].", ["modules[0].dies[0].", "modules[0].dies[1]."])
    return represented


def test_a_representative_name_expands_over_every_level() -> None:
    represented = nested_names()
    assert represented.expand("modules[0].dies[0].m") == [
        "modules[0].dies[0].m",
        "modules[1].dies[0].m",
        "modules[2].dies[0].m",
        "modules[0].dies[1].m",
        "modules[1].dies[1].m",
        "modules[2].dies[1].m",
    ]
    assert represented.weight("modules[0].dies[0].m") == 6
    assert represented.weight("modules[0].lid") == 3
    assert represented.weight("board") == 1 and represented.expand("board") == ["board"]


def test_instances_compact_level_by_level() -> None:
    names = [(n, ("[0:9]",)) for n in nested_names().expand("modules[0].dies[0].m")]
    assert _merge_instances(names) == ["modules[0:3].dies[0:2].m[0:9]"]
    assert _merge_instances([("units[0].m", ("[0:4]",)), ("units[1].m", ("[0:4]",)), ("units[3].m", ("[0:2]",))]) == [
        "units[0:2].m[0:4]",
        "units[3].m[0:2]",
    ]


# ---------------------------------------------------------------------------------------- built designs


def load(tmp_path: Path, text: str, flat: bool = False) -> assemblint.Assembly:
    path = tmp_path / "d.assy"
    path.write_text(text, encoding="utf-8")
    return assemblint.load(path, flat=flat)


def test_the_wafer_builds_one_unit_for_the_ten_alike(tmp_path: Path) -> None:
    design = load(tmp_path, DESIGNS["wafer-liquid"])
    kept = [0, 1, 2, 3, 4, 6, 8, 9, 10, 11]
    assert design.represented["units[0]."] == [f"units[{i}]." for i in kept]
    assert [g.name for g in design.mass_groups] == ["units[0].m", "units[5].m", "units[7].m", "tb"]
    assert (design.mass_count, design.total_masses) == (3 * 16 + 4, 12 * 16 + 4)
    flat = load(tmp_path, DESIGNS["wafer-liquid"], flat=True)
    assert (flat.mass_count, flat.total_masses, flat.total_pads) == (12 * 16 + 4, 12 * 16 + 4, design.total_pads)
    assert flat.represented == {}


def test_the_netlist_graph_of_a_placed_cell_is_not_copied_per_instance(tmp_path: Path) -> None:
    text = DESIGNS["wafer-liquid"].replace("grid 3 x 4 pitch 5 mm", "grid 30 x 40 pitch 5 mm")
    design = load(tmp_path, text)
    assert design.total_masses == 1200 * 16 + 4
    assert design.graph.number_of_nodes() < 400  # three units and the board, not 1,200 units
    assert design.graph.graph["represented"]["units[0]."][:3] == ["units[0].", "units[1].", "units[2]."]


# ---------------------------------------------------------------------------------------- same findings as flat


def findings_json(tmp_path: Path, text: str, flat: bool) -> list[dict]:
    path = tmp_path / "d.assy"
    path.write_text(text, encoding="utf-8")
    report = assemblint.check(path, flat=flat)
    assert report.problems == [] and report.errors == []
    return report.to_json()["findings"]


@pytest.mark.parametrize("name", sorted(DESIGNS))
def test_hierarchical_findings_equal_flat_ones(tmp_path: Path, name: str) -> None:
    hierarchical = findings_json(tmp_path, DESIGNS[name], flat=False)
    flat = findings_json(tmp_path, DESIGNS[name], flat=True)
    assert hierarchical == flat
    assert hierarchical, "a design that gives no finding proves nothing"


def test_the_wafer_designs_fire_every_family_in_the_cell(tmp_path: Path) -> None:
    rules = {f["rule"] for n in ("wafer-liquid", "wafer-solder") for f in findings_json(tmp_path, DESIGNS[n], False)}
    assert {"MH007", "CT004", "IN003", "CTE001", "CTE002"} <= rules


def test_pair_counts_cover_every_instance(tmp_path: Path) -> None:
    [spacing] = [f for f in findings_json(tmp_path, DESIGNS["wafer-liquid"], False) if f["rule"] == "IN003"]
    # 24 neighbouring pairs of other nodes per unit (4 x 4 grid, nets split it 8 / 8), 12 units
    per_unit = findings_json(
        tmp_path,
        DESIGNS["wafer-liquid"]
        .replace("grid 3 x 4", "grid 1 x 1")
        .replace("units[5]", "units[0]")
        .replace("units[7]", "units[0]"),
        False,
    )
    [one] = [f for f in per_unit if f["rule"] == "IN003"]
    assert spacing["count"] == 12 * one["count"] and spacing["data"]["pairs"] == spacing["count"]
    assert spacing["objects"] == ["units[0:12].m[0:16]"]


def test_a_waiver_of_one_instance_does_not_waive_its_representative_s_others(tmp_path: Path) -> None:
    text = DESIGNS["wafer-liquid"] + 'waive MH007 on units[3].m[*] because "units[3] only" by "qa"\n'
    for flat in (False, True):
        [finding] = [f for f in findings_json(tmp_path, text, flat) if f["rule"] == "MH007"]
        assert finding["waived"] is False and finding["objects"] == ["units[0:12].m[0:16]"]
    everything = DESIGNS["wafer-liquid"] + 'waive MH007 on units[*].m[*] because "liquid by design" by "qa"\n'
    [waived] = [f for f in findings_json(tmp_path, everything, False) if f["rule"] == "MH007"]
    assert waived["waived"] is True


def test_the_command_line_flat_option_gives_the_same_report(tmp_path: Path, capsys) -> None:
    path = tmp_path / "wafer.assy"
    path.write_text(DESIGNS["wafer-solder"], encoding="utf-8")
    outputs = []
    for extra in ([], ["--flat"]):
        code = main(["check", str(path), "--format", "json", "--stats", *extra])
        outputs.append((code, json.loads(capsys.readouterr().out)))
    (code_h, hier), (code_f, flat) = outputs
    assert code_h == code_f == 1
    assert hier["findings"] == flat["findings"] and hier["summary"] == flat["summary"]
    [stats_h], [stats_f] = hier["stats"]["files"], flat["stats"]["files"]
    assert stats_h["masses"] == stats_f["masses"] == 12 * 16 + 4
    assert stats_h["built"]["masses"] < stats_f["built"]["masses"] == 12 * 16 + 4


def test_instance_weights_reach_rules_that_count_pairs(tmp_path: Path) -> None:
    design = load(tmp_path, DESIGNS["wafer-liquid"])
    weights = design.netlist.mass_weight
    assert weights.tolist() == [10] * 16 + [1] * 16 + [1] * 16 + [1] * 4
    assert int(np.sum(weights)) == design.total_masses
