"""The melting-hierarchy family (plugins/assemblint_melting) as a whole, against CHECKS.md.

The timeline cases the MH rules share: two-region masses read by region name, masses and elements
formed by later steps, containment by layers, cells (one finding for every instance) and
non-fusible masses; then each rule's own documentation examples and the family's registration.
One rule's own tests are in test_mhNNN_<name>.py, named after its module; the designs in designs.py.
"""

from __future__ import annotations

import pytest
from assemblint_melting import RULES
from assemblint_melting._examples import EUTECTIC

from assemblint import Severity

from .designs import (
    FILL,
    GEL,
    JOIN,
    LAYER,
    LOW_JOIN,
    MH011_DECK,
    cell_design,
    cell_masses,
    design,
    findings,
    line_of,
    masses,
    mh_rules,
    only,
)

ALL_MH = tuple(f"MH{n:03d}" for n in range(1, 13))


# ============================================================================== two-region masses
def test_two_region_mass_reads_core_and_joint_by_region_name_not_order(check_text):
    text = design(
        """masses b {
    joins die.c[*] -- sub.p[*]
    region joint : Sn63Pb37 on sub
    region core  : Pb95Sn5 on die
    height 90 um
}""",
        JOIN,
    )
    assert mh_rules(check_text(text, select=("MH001", "MH002"))) == []


# ======================================================================== masses and elements formed by later steps
BUMP = "step bump { kind deposit; temp 25 C; forms b }"
MOUNT = "step mount { kind reflow; peak 245 C }"


@pytest.mark.parametrize(
    ("layer", "process", "expected"),
    [
        ("", [BUMP, JOIN, MOUNT], "MH003"),
        (LAYER, [BUMP, JOIN, FILL, MOUNT], "MH004"),
        (LAYER, [BUMP, JOIN, MOUNT, FILL], "MH003"),
    ],
    ids=["no-layer", "layer-formed-before-the-remelt", "layer-formed-after-the-remelt"],
)
def test_deposited_masses_joined_by_reflow_then_remelted_are_mh003_unless_contained(
    check_text, layer, process, expected
):
    text = design(EUTECTIC, *process, extra=GEL + "\n" + layer)
    report = check_text(text, select=("MH002", "MH003", "MH004"))
    f = only(report, expected)
    assert (f.object_names, f.count, f.data["step"], f.data["joined_at"]) == (["b[0:4]"], 4, "mount", "join")
    assert [x.rule for x in report.findings] == [expected]


BOARD = """use std
element die : chip {{ body silicon; pads c grid 2 x 2 pitch 300 um diameter 120 um }}
element sub : substrate {{
    body AlN; pads p grid 2 x 2 pitch 300 um diameter 120 um
    pads t grid 1 x 2 pitch 1 mm diameter 300 um face back
}}
element board : circuit_board {{ body fr4; max_temp 200 C; pads q grid 1 x 2 pitch 1 mm diameter 300 um }}
masses b : Sn63Pb37 {{ joins die.c[*] -- sub.p[*]; height 80 um }}
masses tb : Sn42Bi58 {{ joins sub.t[*] -- board.q[*]; height 50 um }}
process {{
    step join {{ kind reflow; peak 215 C }}
    step mount {{ kind reflow; peak 165 C{forms} }}
{more}}}
"""


def test_a_mass_is_joined_only_once_both_its_elements_exist(check_text):
    # tb's board is formed at `mount`: the 215 °C `join` neither joins tb nor heats the board.
    report = check_text(BOARD.format(forms="; forms board", more=""), select=ALL_MH)
    assert mh_rules(report) == []


def test_a_mass_joined_at_its_elements_forming_step_is_remelted_by_a_later_step(check_text):
    text = BOARD.format(forms="; forms board", more="    step rework { kind rework; peak 150 C }\n")
    f = only(check_text(text, select=ALL_MH), "MH003")
    assert (f.object_names, f.count) == (["tb[0:2]"], 2)
    assert (f.data["step"], f.data["joined_at"], f.data["melting_temp"]) == ("rework", "mount", 138)


def test_with_every_element_present_from_the_start_the_hot_join_joins_and_overheats(check_text):
    report = check_text(BOARD.format(forms="", more=""), select=ALL_MH)
    remelt = only(report, "MH003")
    assert (remelt.object_names, remelt.data["step"], remelt.data["joined_at"]) == (["tb[0:2]"], "mount", "join")
    over = only(report, "MH005")
    assert (over.object_names, over.data["step"], over.data["step_temp"]) == (["board"], "join", 215)


# ============================================================================== non-fusible masses
@pytest.mark.parametrize("material", ["gold", "copper"])
def test_non_fusible_masses_are_never_reported_by_mh_rules(check_text, material):
    text = design(
        masses(material),
        "step bond { kind bond; temp 350 C }",
        FILL,
        "step cure { kind cure; peak 150 C }",
        "step mount { kind reflow; peak 380 C }",
        "operate -40 C .. 150 C",
        extra=GEL + "\n" + LAYER,
    )
    deck = '[rules.MH011]\nmin_melt = "25 C"\nmax_melt = "65 C"\n[rules.MH008]\nhandling_temp = "500 C"'
    assert mh_rules(check_text(text, deck=deck, select=ALL_MH)) == []


def test_non_fusible_masses_with_no_bond_step_are_not_mh002(check_text):
    assert mh_rules(check_text(design(masses("gold"), JOIN), select=ALL_MH)) == []


# ============================================================================== cells
CELL_LAYER = "layer g : gel { role compliant; between chip, sheet; thickness 100 um }"
CELL_FILL = "step fill { kind inject; temp 25 C; forms units[*].g }"
CELL_CASES = {
    "MH001": (
        cell_design(
            "masses m { joins chip.c[*] -- sheet.p[*]\n"
            "        region core : In97Ag3 on chip; region joint : Sn42Bi58 on sheet }",
            "step join { kind reflow; peak 140 C }",
        ),
        None,
    ),
    "MH002": (cell_design(cell_masses("Sn63Pb37"), "step join { kind reflow; peak 180 C }"), None),
    "MH003": (cell_design(cell_masses("Sn63Pb37"), JOIN, "step mount { kind reflow; peak 245 C }"), None),
    "MH004": (
        cell_design(
            cell_masses("Sn63Pb37"), JOIN, CELL_FILL, "step mount { kind reflow; peak 245 C }", layer=CELL_LAYER
        ),
        None,
    ),
    "MH007": (cell_design(cell_masses("SnBiPbInCd50"), LOW_JOIN, "operate 40 C .. 85 C"), None),
    "MH008": (cell_design(cell_masses("galinstan"), "step join { kind reflow; peak 30 C }"), None),
    "MH009": (
        cell_design(
            cell_masses("SnBiPbInCd55"), LOW_JOIN, CELL_FILL, "step cure { kind cure; peak 60 C }", layer=CELL_LAYER
        ),
        None,
    ),
    "MH010": (
        cell_design(
            cell_masses("Sn63Pb37"), JOIN, "step test { kind test; temp 25 C .. 190 C; requires solid units[*].m[*] }"
        ),
        None,
    ),
    "MH011": (cell_design(cell_masses("In52Sn48"), "step join { kind reflow; peak 140 C }"), MH011_DECK),
}


@pytest.mark.parametrize("rule_id", sorted(CELL_CASES))
def test_cells_give_one_finding_for_every_instance_of_a_cells_masses(check_text, rule_id):
    text, deck = CELL_CASES[rule_id]
    f = only(check_text(text, deck=deck, select=(rule_id,)), rule_id)
    assert (f.object_names, f.count) == (["units[0:6].m[0:4]"], 24)
    assert f.location.line == line_of(text, "masses m")
    assert "units[0:6].m[0:4]" in f.message


def test_cells_a_partial_forming_splits_the_instances(check_text):
    text = cell_design(
        cell_masses("Sn63Pb37"),
        JOIN,
        "step late { kind deposit; temp 25 C; forms units[0].m }",
        "step mount { kind reflow; peak 245 C }",
    )
    f = only(check_text(text, select=("MH002", "MH003")), "MH003")  # units[0].m is joined at mount
    assert (f.object_names, f.count, f.data["joined_at"]) == (["units[1:6].m[0:4]"], 20, "join")


# ============================================================================== documentation examples
@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_documentation_examples_fire_and_pass(check_text, rule):
    deck = rule.examples.get("deck")
    fired = findings(check_text(rule.examples["fires"], deck=deck, select=(rule.id,)), rule.id)
    assert fired and all(f.severity is rule.severity for f in fired)
    assert findings(check_text(rule.examples["passes"], deck=deck, select=(rule.id,)), rule.id) == []


def test_every_mh_rule_is_registered_with_its_default_severity():
    expected = {
        "MH001": Severity.ERROR,
        "MH002": Severity.ERROR,
        "MH003": Severity.ERROR,
        "MH004": Severity.INFO,
        "MH005": Severity.ERROR,
        "MH006": Severity.ERROR,
        "MH007": Severity.INFO,
        "MH008": Severity.WARNING,
        "MH009": Severity.WARNING,
        "MH010": Severity.ERROR,
        "MH012": Severity.WARNING,
        "MH011": Severity.ERROR,
    }
    assert {r.id: r.severity for r in RULES} == expected
