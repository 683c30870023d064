"""The melting-hierarchy rules MH001–MH011 (plugins/assemblint_melting) against CHECKS.md.

For every rule: it fires on a small design (id, severity, objects, count, the numbers in `data` and
in the message), stays quiet on the corrected design, holds its limit exactly ("exceeds", "above",
"below" are strict, "reaches" is inclusive: at the limit and 0.1 K past it), and reads its deck
parameters. Then the timeline cases the rules share: two-region masses, masses and elements formed
by later steps, `mixes` and `requires`, containment by layers, cells (one finding for every
instance) and non-fusible masses. Last, each rule's own documentation examples.
"""

from __future__ import annotations

import pytest
from assemblint_melting import RULES

from assemblint import Severity

ALL_MH = tuple(f"MH{n:03d}" for n in range(1, 13))

EUTECTIC = "masses b : Sn63Pb37 { joins die.c[*] -- sub.p[*]; height 80 um }"
JOIN = "step join { kind reflow; peak 215 C }"
# A compliant dielectric gel rated far beyond every step here, so that only the rule under test speaks.
GEL = "material gel { kind compliant; dielectric; modulus 0.3 MPa; service -65 C .. 400 C }"
LAYER = "layer g : gel { role compliant; between die, sub; thickness 100 um }"
FILL = "step fill { kind inject; temp 25 C; forms g }"


def design(masses: str, *process: str, die: str = "", sub: str = "", extra: str = "") -> str:
    """A die on an AlN substrate (2 x 2 pads each), the given masses and one process line per argument."""
    body = "\n".join(f"    {line}" for line in process)
    return f"""use std
element die : chip {{ body silicon; {die}pads c grid 2 x 2 pitch 300 um diameter 120 um }}
element sub : substrate {{ body AlN; {sub}pads p grid 2 x 2 pitch 300 um diameter 120 um }}
{extra}
{masses}
process {{
{body}
}}
"""


def masses(material: str, name: str = "b") -> str:
    return f"masses {name} : {material} {{ joins die.c[*] -- sub.p[*]; height 80 um }}"


def two_region(core: str, joint: str) -> str:
    return f"""masses b {{
    joins die.c[*] -- sub.p[*]
    region core  : {core} on die
    region joint : {joint} on sub
    height 90 um
}}"""


def fusible(name: str, solidus: float, liquidus: float | None = None) -> str:
    """A test material with its melting values exactly where a boundary needs them."""
    liquidus = solidus if liquidus is None else liquidus
    return f"material {name} {{ kind fusible; solidus {solidus} C; liquidus {liquidus} C }}"


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def findings(report, rule: str) -> list:
    return [f for f in report.findings if f.rule == rule]


def only(report, rule: str):
    """The one finding of `rule` in the report."""
    found = findings(report, rule)
    assert len(found) == 1, [(f.rule, f.object_names, f.message) for f in report.findings]
    return found[0]


def mh_rules(report) -> list[tuple[str, list[str], str]]:
    return sorted((f.rule, f.object_names, f.message) for f in report.findings if f.rule.startswith("MH"))


# ============================================================================== MH001 core-joint-order
def test_mh001_fires_when_the_core_melts_less_than_min_window_above_the_joint(check_text):
    text = design(two_region("In97Ag3", "Sn42Bi58"), "step join { kind reflow; peak 140 C }")
    f = only(check_text(text, select=("MH001",)), "MH001")
    assert f.severity is Severity.ERROR
    assert (f.object_names, f.count) == (["b[0:4]"], 4)
    assert f.location.line == line_of(text, "masses b")
    assert f.data["core_material"] == "In97Ag3" and f.data["joint_material"] == "Sn42Bi58"
    assert (f.data["core_solidus"], f.data["joint_liquidus"]) == (143, 138)
    assert (f.data["window"], f.data["min_window"]) == (5, 10)
    assert "143 °C" in f.message and "138 °C" in f.message and "only 5 K above" in f.message


def test_mh001_passes_a_high_lead_core_under_a_eutectic_joint(check_text):
    text = design(two_region("Pb95Sn5", "Sn63Pb37"), JOIN)
    assert findings(check_text(text, select=("MH001",)), "MH001") == []


def test_mh001_reports_a_core_that_melts_below_its_joint(check_text):
    text = design(two_region("Sn42Bi58", "Sn63Pb37"), JOIN)
    f = only(check_text(text, select=("MH001",)), "MH001")
    assert f.data["window"] == -45
    assert "45 K below" in f.message and "138 °C" in f.message and "183 °C" in f.message


@pytest.mark.parametrize(
    ("core_solidus", "fires"),
    [(200, False), (199.9, True)],
    ids=["window-exactly-10K-passes", "window-9.9K-fires"],
)
def test_mh001_window_boundary_uses_core_solidus_and_joint_liquidus(check_text, core_solidus, fires):
    # The joint's solidus (180) is 20 K lower than its liquidus: only the liquidus counts.
    extra = fusible("hcore", core_solidus, 210) + "\n" + fusible("ljoint", 180, 190)
    text = design(two_region("hcore", "ljoint"), "step join { kind reflow; peak 195 C }", extra=extra)
    found = findings(check_text(text, select=("MH001",)), "MH001")
    assert len(found) == fires
    if fires:
        assert found[0].data["window"] == pytest.approx(9.9)
        assert found[0].data["joint_liquidus"] == 190


@pytest.mark.parametrize(
    ("core_solidus", "min_window", "fires"),
    [(200, "20 K", True), (200, "10 K", False), (199.9, "5 K", False), (199.9, "9.9 K", False)],
)
def test_mh001_min_window_from_the_deck(check_text, core_solidus, min_window, fires):
    extra = fusible("hcore", core_solidus, 210) + "\n" + fusible("ljoint", 180, 190)
    text = design(two_region("hcore", "ljoint"), "step join { kind reflow; peak 195 C }", extra=extra)
    report = check_text(text, deck=f'[rules.MH001]\nmin_window = "{min_window}"', select=("MH001",))
    found = findings(report, "MH001")
    assert len(found) == fires
    if fires:
        assert found[0].data["min_window"] == 20
        assert "at least 20 K above" in found[0].message


def test_mh001_does_not_check_a_core_that_never_melts(check_text):
    text = design(two_region("copper", "Sn63Pb37"), JOIN)
    assert mh_rules(check_text(text, select=("MH001", "MH002"))) == []


def test_mh001_ignores_single_material_masses(check_text):
    assert findings(check_text(design(EUTECTIC, JOIN), select=("MH001",)), "MH001") == []


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


# ============================================================================== MH002 join-window
def test_mh002_fires_when_no_step_reaches_the_joining_temperature(check_text):
    text = design(EUTECTIC, "step join { kind reflow; peak 180 C }")
    f = only(check_text(text, select=("MH002",)), "MH002")
    assert f.severity is Severity.ERROR
    assert (f.object_names, f.count) == (["b[0:4]"], 4)
    assert f.location.line == line_of(text, "masses b")
    assert f.data == {"joining_temp": 183, "hottest_step": "join", "hottest_temp": 180}
    assert "180 °C" in f.message and "183 °C" in f.message and "`join`" in f.message


def test_mh002_fires_when_the_joining_step_melts_the_core(check_text):
    text = design(two_region("Pb90Sn10", "Sn63Pb37"), "step join { kind reflow; peak 280 C }")
    f = only(check_text(text, select=("MH002",)), "MH002")
    assert f.severity is Severity.ERROR
    assert (f.object_names, f.count) == (["b[0:4]"], 4)
    assert f.data["step"] == "join" and f.data["step_temp"] == 280
    assert (f.data["core_material"], f.data["core_solidus"], f.data["min_margin"]) == ("Pb90Sn10", 268, 0)
    assert "280 °C" in f.message and "268 °C" in f.message


@pytest.mark.parametrize("masses_text", [EUTECTIC, two_region("Pb90Sn10", "Sn63Pb37")], ids=["single", "two-region"])
def test_mh002_passes_when_the_joining_step_is_inside_the_window(check_text, masses_text):
    assert findings(check_text(design(masses_text, JOIN), select=("MH002",)), "MH002") == []


@pytest.mark.parametrize(
    ("masses_text", "peak", "joined"),
    [
        (masses("SAC305"), 221, True),
        (masses("SAC305"), 220.9, False),  # above the 217 °C solidus, below the 221 °C liquidus
        (two_region("Pb95Sn5", "SAC305"), 221, True),
        (two_region("Pb95Sn5", "SAC305"), 220.9, False),
    ],
    ids=["single-at-liquidus", "single-below-liquidus", "joint-at-liquidus", "joint-below-liquidus"],
)
def test_mh002_joining_temperature_is_the_joint_liquidus(check_text, masses_text, peak, joined):
    report = check_text(design(masses_text, f"step join {{ kind reflow; peak {peak} C }}"), select=("MH002",))
    found = findings(report, "MH002")
    if joined:
        assert found == []
    else:
        assert len(found) == 1 and found[0].data["joining_temp"] == 221 and found[0].data["hottest_temp"] == 220.9


@pytest.mark.parametrize(("peak", "fires"), [(220, False), (219.9, True)], ids=["superheat-20K", "superheat-19.9K"])
def test_mh002_min_superheat_boundary(check_text, peak, fires):
    text = design(masses("s200"), f"step join {{ kind reflow; peak {peak} C }}", extra=fusible("s200", 195, 200))
    report = check_text(text, deck='[rules.MH002]\nmin_superheat = "20 K"', select=("MH002",))
    found = findings(report, "MH002")
    assert len(found) == fires
    if fires:
        f = found[0]
        assert (f.data["step"], f.data["step_temp"], f.data["joining_temp"]) == ("join", 219.9, 200)
        assert f.data["superheat"] == pytest.approx(19.9) and f.data["min_superheat"] == 20
        assert "200 °C" in f.message and "19.9 K above" in f.message and "at least 20 K" in f.message


@pytest.mark.parametrize(("deck", "fires"), [(None, False), ('[rules.MH002]\nmin_superheat = "40 K"', True)])
def test_mh002_min_superheat_from_the_deck_changes_the_outcome(check_text, deck, fires):
    found = findings(check_text(design(EUTECTIC, JOIN), deck=deck, select=("MH002",)), "MH002")
    assert [f.data["superheat"] for f in found] == ([32] if fires else [])


@pytest.mark.parametrize(
    ("deck", "peak", "fires"),
    [
        (None, 308, True),  # reaches the core's 308 °C solidus
        (None, 307.9, False),
        ('[rules.MH002]\nmin_margin = "20 K"', 288, True),
        ('[rules.MH002]\nmin_margin = "20 K"', 287.9, False),
        ('[rules.MH002]\nmin_margin = "20 K"', 300, True),  # passes by default, fires with the margin
    ],
)
def test_mh002_core_margin_boundary(check_text, deck, peak, fires):
    text = design(two_region("Pb95Sn5", "Sn63Pb37"), f"step join {{ kind reflow; peak {peak} C }}")
    found = findings(check_text(text, deck=deck, select=("MH002",)), "MH002")
    assert [(f.data["core_solidus"], f.data["step_temp"]) for f in found] == ([(308, peak)] if fires else [])


def test_mh002_masses_formed_by_a_deposit_are_joined_by_the_next_reflow(check_text):
    text = design(EUTECTIC, "step bump { kind deposit; temp 25 C; forms b }", JOIN)
    assert mh_rules(check_text(text, select=("MH002", "MH003"))) == []


def test_mh002_fires_for_masses_formed_after_the_last_hot_step(check_text):
    text = design(EUTECTIC, JOIN, "step bump { kind deposit; temp 25 C; forms b }")
    f = only(check_text(text, select=("MH002",)), "MH002")
    assert (f.object_names, f.count) == (["b[0:4]"], 4)
    assert (f.data["hottest_step"], f.data["hottest_temp"]) == ("bump", 25)


def test_mh002_partial_forms_reports_only_the_masses_formed_late(check_text):
    text = design(EUTECTIC, JOIN, "step late { kind deposit; temp 25 C; forms b[0:2] }")
    f = only(check_text(text, select=("MH002",)), "MH002")
    assert (f.object_names, f.count) == (["b[0:2]"], 2)
    assert (f.data["hottest_step"], f.data["hottest_temp"]) == ("late", 25)


def test_mh002_hottest_step_is_counted_from_the_unjoined_masses_own_forming(check_text):
    text = design(EUTECTIC, JOIN, "step late { kind deposit; temp 25 C; forms b[2:4] }")
    f = only(check_text(text, select=("MH002",)), "MH002")
    assert (f.object_names, f.count) == (["b[2:4]"], 2)
    assert (f.data["hottest_step"], f.data["hottest_temp"]) == ("late", 25)


# ============================================================================== MH003 unintended-remelt
def test_mh003_fires_when_a_later_reflow_remelts_uncontained_joints(check_text):
    text = design(EUTECTIC, JOIN, "step mount { kind reflow; peak 245 C }", "operate 0 C .. 70 C")
    f = only(check_text(text, select=("MH003",)), "MH003")
    assert f.severity is Severity.ERROR
    assert (f.object_names, f.count) == (["b[0:4]"], 4)
    assert f.location.line == line_of(text, "masses b")
    assert f.data == {
        "step": "mount",
        "step_temp": 245,
        "melting_temp": 183,
        "material": "Sn63Pb37",
        "joined_at": "join",
    }
    assert "245 °C" in f.message and "183 °C" in f.message and "`join`" in f.message


def test_mh003_passes_when_later_steps_stay_below_the_melting_point(check_text):
    text = design(EUTECTIC, JOIN, "step mount { kind reflow; peak 170 C }", "operate 0 C .. 70 C")
    assert findings(check_text(text, select=("MH003",)), "MH003") == []


@pytest.mark.parametrize(
    ("material", "join", "peak", "melting"),
    [
        ("Sn63Pb37", 215, 183, 183),  # "reaches": exactly at the melting point remelts
        ("Sn63Pb37", 215, 182.9, None),
        ("SAC305", 235, 217, 217),  # the melting point is the solidus (217), not the liquidus (221)
        ("SAC305", 235, 216.9, None),
    ],
)
def test_mh003_remelt_boundary_is_reaching_the_solidus(check_text, material, join, peak, melting):
    text = design(
        masses(material), f"step join {{ kind reflow; peak {join} C }}", f"step again {{ kind rework; peak {peak} C }}"
    )
    found = findings(check_text(text, select=("MH003",)), "MH003")
    assert [(f.data["step_temp"], f.data["melting_temp"]) for f in found] == ([(peak, melting)] if melting else [])


def test_mh003_an_intended_mix_is_not_a_remelt_but_other_masses_still_are(check_text):
    text = design(
        EUTECTIC + "\nmasses c : Sn63Pb37 { joins die.d[*] -- sub.q[*]; height 80 um }",
        JOIN,
        "step mix { kind reflow; peak 245 C; mixes b }",
        die="pads d at (2 mm, 0 mm), (2.3 mm, 0 mm) diameter 120 um; ",
        sub="pads q at (2 mm, 0 mm), (2.3 mm, 0 mm) diameter 120 um; ",
    )
    report = check_text(text, select=("MH003", "MH010"))
    f = only(report, "MH003")
    assert (f.object_names, f.count, f.data["step"]) == (["c[0:2]"], 2, "mix")
    assert findings(report, "MH010") == []  # 245 °C is above the 183 °C liquidus: b mixes fully


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


@pytest.mark.parametrize(
    ("layer_text"),
    [
        "layer g : gel { role dielectric; between die, sub; thickness 100 um }",
        "layer g : gel { role adhesive; between die, sub; thickness 100 um }",
        "layer g : softmetal { role compliant; between die, sub; thickness 100 um }",
    ],
    ids=["dielectric-role", "adhesive-role", "compliant-but-not-dielectric"],  # a mold contains (CHECKS.md v2)
)
def test_mh003_a_layer_that_cannot_contain_does_not_make_it_mh004(check_text, layer_text):
    extra = GEL + "\nmaterial softmetal { kind compliant; service -65 C .. 400 C }\n" + layer_text
    text = design(EUTECTIC, JOIN, "step mount { kind reflow; peak 245 C }", extra=extra)
    report = check_text(text, select=("MH003", "MH004"))
    assert only(report, "MH003").object_names == ["b[0:4]"]
    assert findings(report, "MH004") == []


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


# ============================================================================== MH004 contained-remelt
def test_mh004_lists_a_remelt_inside_a_containing_layer(check_text):
    text = design(EUTECTIC, JOIN, FILL, "step mount { kind reflow; peak 245 C }", extra=GEL + "\n" + LAYER)
    report = check_text(text, select=("MH003", "MH004"))
    assert findings(report, "MH003") == []
    f = only(report, "MH004")
    assert f.severity is Severity.INFO
    assert (f.object_names, f.count) == (["b[0:4]"], 4)
    assert f.location.line == line_of(text, "masses b")
    assert (f.data["step"], f.data["step_temp"], f.data["melting_temp"]) == ("mount", 245, 183)
    assert (f.data["joined_at"], f.data["layer"], f.data["layer_rated_to"]) == ("join", "g", 400)
    assert "245 °C" in f.message and "183 °C" in f.message and "layer g" in f.message and "400 °C" in f.message


@pytest.mark.parametrize(("peak", "fires"), [(245, True), (183, True), (182.9, False), (170, False)])
def test_mh004_remelt_boundary(check_text, peak, fires):
    text = design(EUTECTIC, JOIN, FILL, f"step mount {{ kind reflow; peak {peak} C }}", extra=GEL + "\n" + LAYER)
    report = check_text(text, select=("MH003", "MH004"))
    assert [f.rule for f in report.findings] == (["MH004"] if fires else [])


def test_mh004_a_layer_present_from_the_start_contains_the_remelt(check_text):
    text = design(EUTECTIC, JOIN, "step mount { kind reflow; peak 245 C }", extra=GEL + "\n" + LAYER)
    report = check_text(text, select=("MH003", "MH004"))
    assert [(f.rule, f.object_names) for f in report.findings] == [("MH004", ["b[0:4]"])]


# ============================================================================== MH005 element-overtemp
def test_mh005_fires_when_a_step_exceeds_an_elements_max_temp(check_text):
    text = design(EUTECTIC, JOIN, "step mount { kind reflow; peak 265 C }", die="max_temp 260 C; ")
    f = only(check_text(text, select=("MH005",)), "MH005")
    assert f.severity is Severity.ERROR
    assert (f.object_names, f.count) == (["die"], 1)
    assert f.location.line == line_of(text, "element die")
    assert f.data == {"step": "mount", "step_temp": 265, "max_temp": 260}
    assert "265 °C" in f.message and "260 °C" in f.message and "5 K above" in f.message


def test_mh005_passes_when_every_step_stays_at_or_below_max_temp(check_text):
    text = design(EUTECTIC, JOIN, "step mount { kind reflow; peak 245 C }", die="max_temp 260 C; ")
    assert findings(check_text(text, select=("MH005",)), "MH005") == []


@pytest.mark.parametrize(("peak", "fires"), [(260, False), (260.1, True)])
def test_mh005_max_temp_boundary(check_text, peak, fires):
    text = design(EUTECTIC, f"step join {{ kind reflow; peak {peak} C }}", die="max_temp 260 C; ")
    found = findings(check_text(text, select=("MH005",)), "MH005")
    assert [f.data["step_temp"] for f in found] == ([260.1] if fires else [])
    if fires:
        assert "260.1 °C" in found[0].message and "0.1 K above" in found[0].message


def test_mh005_gives_one_finding_per_overheating_step(check_text):
    text = design(
        EUTECTIC,
        "step join { kind reflow; peak 270 C }",
        "step mount { kind reflow; peak 265 C }",
        die="max_temp 260 C; ",
    )
    found = findings(check_text(text, select=("MH005",)), "MH005")
    assert sorted((f.data["step"], f.data["step_temp"]) for f in found) == [("join", 270), ("mount", 265)]


def test_mh005_uses_the_range_top_of_a_temp_range_step(check_text):
    text = design(EUTECTIC, JOIN, "step bake { kind anneal; temp 25 C .. 230 C }", sub="max_temp 220 C; ")
    f = only(check_text(text, select=("MH005",)), "MH005")  # the 215 °C join is fine
    assert (f.object_names, f.data["step"], f.data["step_temp"]) == (["sub"], "bake", 230)


def test_mh005_an_element_is_exposed_to_the_step_that_forms_it(check_text):
    text = design(EUTECTIC, JOIN, "step place { kind reflow; peak 210 C; forms sub }", sub="max_temp 200 C; ")
    f = only(check_text(text, select=("MH005",)), "MH005")  # not at `join` (215 °C), before sub exists
    assert (f.object_names, f.data["step"], f.data["step_temp"]) == (["sub"], "place", 210)


# ============================================================================== MH006 material-overtemp
def test_mh006_fires_when_a_step_goes_above_a_layer_materials_service_range(check_text):
    layer = "layer g : silicone_gel { role compliant; between die, sub; thickness 100 um }"
    text = design(EUTECTIC, JOIN, "operate 0 C .. 70 C", extra=layer)
    f = only(check_text(text, select=("MH006",)), "MH006")
    assert f.severity is Severity.ERROR
    assert (f.object_names, f.count) == (["g"], 1)
    assert f.location.line == line_of(text, "layer g")
    assert f.data == {"moment": "join", "temp": 215, "limit": 200, "material": "silicone_gel"}
    assert "215 °C" in f.message and "200 °C" in f.message and "silicone_gel" in f.message


def test_mh006_passes_when_steps_and_ranges_stay_inside_the_service_range(check_text):
    layer = "layer g : silicone_gel { role compliant; between die, sub; thickness 100 um }"
    text = design(masses("Sn42Bi58"), "step join { kind reflow; peak 150 C }", "operate 0 C .. 70 C", extra=layer)
    assert findings(check_text(text, select=("MH006",)), "MH006") == []


@pytest.mark.parametrize(("peak", "fires"), [(200, False), (200.1, True)])
def test_mh006_step_boundary_at_the_top_of_the_service_range(check_text, peak, fires):
    layer = "layer g : silicone_gel { role compliant; between die, sub; thickness 100 um }"
    text = design(EUTECTIC, f"step join {{ kind reflow; peak {peak} C }}", extra=layer)
    found = findings(check_text(text, select=("MH006",)), "MH006")
    assert [(f.data["temp"], f.data["limit"]) for f in found] == ([(200.1, 200)] if fires else [])


@pytest.mark.parametrize(
    ("service_line", "expected"),
    [
        ("operate -45 C .. 200 C", None),
        ("operate -45.1 C .. 70 C", ("operate", -45.1, -45)),
        ("operate 0 C .. 200.1 C", ("operate", 200.1, 200)),
        ("store -45 C .. 200 C", None),
        ("store -55 C .. 60 C", ("store", -55, -45)),
        ("store -40 C .. 210 C", ("store", 210, 200)),
        ("cycle -45 C .. 200 C count 1000", None),
        ("cycle -50 C .. 125 C count 1000", ("cycle", -50, -45)),
        ("cycle 0 C .. 200.1 C count 1000", ("cycle", 200.1, 200)),
    ],
)
def test_mh006_operate_store_and_cycle_ranges_against_the_service_range(check_text, service_line, expected):
    layer = "layer g : silicone_gel { role compliant; between die, sub; thickness 100 um }"
    text = design(masses("Sn42Bi58"), "step join { kind reflow; peak 150 C }", service_line, extra=layer)
    found = findings(check_text(text, select=("MH006",)), "MH006")
    assert [(f.data["moment"], f.data["temp"], f.data["limit"]) for f in found] == ([expected] if expected else [])
    if expected:
        assert f"{expected[1]:g} °C" in found[0].message and f"{expected[2]:g} °C" in found[0].message


@pytest.mark.parametrize(("low", "fires"), [(-45, False), (-45.1, True)])
def test_mh006_a_step_range_going_below_the_service_range(check_text, low, fires):
    layer = "layer g : silicone_gel { role compliant; between die, sub; thickness 100 um }"
    text = design(
        masses("Sn42Bi58"),
        "step join { kind reflow; peak 150 C }",
        f"step chill {{ kind test; temp {low} C .. 25 C }}",
        extra=layer,
    )
    found = findings(check_text(text, select=("MH006",)), "MH006")
    assert [(f.data["moment"], f.data["temp"], f.data["limit"]) for f in found] == (
        [("chill", -45.1, -45)] if fires else []
    )
    if fires:
        assert "-45.1 °C" in found[0].message and "-45 °C" in found[0].message


def test_mh006_a_layer_formed_after_the_hot_step_is_not_exposed_to_it(check_text):
    layer = "layer g : silicone_gel { role compliant; between die, sub; thickness 100 um }"
    formed_later = design(EUTECTIC, JOIN, FILL, extra=layer)
    assert findings(check_text(formed_later, select=("MH006",)), "MH006") == []
    formed_first = design(EUTECTIC, FILL, JOIN, extra=layer)
    assert only(check_text(formed_first, select=("MH006",)), "MH006").data["moment"] == "join"


@pytest.mark.parametrize(
    ("material", "peak", "limit"),
    [
        ("material ep { kind polymer; dielectric; max_temp 150 C }", 150, None),
        ("material ep { kind polymer; dielectric; max_temp 150 C }", 150.1, 150),
        ("material ep { kind polymer; dielectric; service -40 C .. 200 C; max_temp 180 C }", 190, 180),
    ],
    ids=["max-temp-exactly", "max-temp-exceeded", "lower-of-service-top-and-max-temp"],
)
def test_mh006_max_temp_of_a_layer_material(check_text, material, peak, limit):
    extra = material + "\nlayer u : ep { role underfill; between die, sub; thickness 50 um }"
    text = design(masses("Sn42Bi58"), f"step join {{ kind reflow; peak {peak} C }}", extra=extra)
    found = findings(check_text(text, select=("MH006",)), "MH006")
    assert [(f.object_names, f.data["limit"]) for f in found] == ([(["u"], limit)] if limit else [])
    if limit == 150:
        assert "max_temp" in found[0].message


# ============================================================================== MH007 liquid-in-operation
LOW_MELT = masses("SnBiPbInCd50")
LOW_JOIN = "step join { kind reflow; peak 75 C }"


def test_mh007_lists_masses_liquid_in_the_operating_range(check_text):
    text = design(LOW_MELT, LOW_JOIN, "operate 40 C .. 85 C")
    f = only(check_text(text, select=("MH007",)), "MH007")
    assert f.severity is Severity.INFO
    assert (f.object_names, f.count) == (["b[0:4]"], 4)
    assert f.location.line == line_of(text, "masses b")
    assert f.data == {"operate_high": 85, "melting_temp": 50, "material": "SnBiPbInCd50"}
    assert "85 °C" in f.message and "50 °C" in f.message


def test_mh007_passes_when_the_operating_range_stays_below_the_melting_point(check_text):
    assert findings(check_text(design(LOW_MELT, LOW_JOIN, "operate 0 C .. 45 C"), select=("MH007",)), "MH007") == []


@pytest.mark.parametrize(("top", "fires"), [(50, True), (49.9, False)], ids=["reaches-melting", "just-below"])
def test_mh007_operating_top_boundary(check_text, top, fires):
    report = check_text(design(LOW_MELT, LOW_JOIN, f"operate 0 C .. {top} C"), select=("MH007",))
    assert [f.data["operate_high"] for f in findings(report, "MH007")] == ([50] if fires else [])


@pytest.mark.parametrize(
    ("die", "sub", "operate_high"),
    [
        ("operating 40 C .. 85 C; ", "operating -20 C .. 30 C; ", 85),
        ("operating 0 C .. 45 C; ", "operating -20 C .. 30 C; ", None),
        ("", "", None),
    ],
    ids=["union-reaches-melting", "union-below-melting", "no-operating-range-at-all"],
)
def test_mh007_default_operating_range_is_the_union_of_the_elements_ranges(check_text, die, sub, operate_high):
    text = design(LOW_MELT, LOW_JOIN, die=die, sub=sub)
    found = findings(check_text(text, select=("MH007",)), "MH007")
    assert [f.data["operate_high"] for f in found] == ([operate_high] if operate_high else [])
    if operate_high:
        assert "-20 °C .. 85 °C" in found[0].message


def test_mh007_store_and_cycle_ranges_are_not_the_operating_range(check_text):
    text = design(LOW_MELT, LOW_JOIN, "operate 0 C .. 45 C", "store -40 C .. 60 C", "cycle -40 C .. 125 C count 100")
    assert findings(check_text(text, select=("MH007",)), "MH007") == []


# ============================================================================== MH008 handling-solid
def test_mh008_warns_for_masses_liquid_at_the_handling_temperature(check_text):
    text = design(masses("galinstan"), "step join { kind reflow; peak 30 C }")
    f = only(check_text(text, select=("MH008",)), "MH008")
    assert f.severity is Severity.WARNING
    assert (f.object_names, f.count) == (["b[0:4]"], 4)
    assert f.location.line == line_of(text, "masses b")
    assert f.data == {"melting_temp": 11, "handling_temp": 20, "material": "galinstan"}
    assert "11 °C" in f.message and "20 °C" in f.message


def test_mh008_passes_masses_solid_at_room_temperature(check_text):
    assert findings(check_text(design(LOW_MELT, LOW_JOIN), select=("MH008",)), "MH008") == []


@pytest.mark.parametrize(("melts", "fires"), [(20.1, False), (20, True), (19.9, True)])
def test_mh008_handling_boundary(check_text, melts, fires):
    """CHECKS.md v2: liquid at `handling_temp` means its melting temperature is at or below it."""
    text = design(masses("rt"), "step join { kind reflow; peak 30 C }", extra=fusible("rt", melts))
    found = findings(check_text(text, select=("MH008",)), "MH008")
    assert [f.data["melting_temp"] for f in found] == ([melts] if fires else [])


@pytest.mark.parametrize(
    ("material", "handling", "fires"),
    [
        ("galinstan", "10 C", False),
        ("galinstan", "11 C", True),  # melts at 11 °C: at the handling temperature it is no longer solid
        ("SnBiPbInCd50", "60 C", True),
        ("SnBiPbInCd50", "49.9 C", False),
    ],
)
def test_mh008_handling_temp_from_the_deck(check_text, material, handling, fires):
    text = design(masses(material), LOW_JOIN)
    report = check_text(text, deck=f'[rules.MH008]\nhandling_temp = "{handling}"', select=("MH008",))
    found = findings(report, "MH008")
    assert [f.data["handling_temp"] for f in found] == ([float(handling.split()[0])] if fires else [])


# ============================================================================== MH009 inject-solid
MH009_MASSES = masses("SnBiPbInCd55")
MH009_JOIN = "step join { kind reflow; peak 75 C }"


def test_mh009_warns_when_a_cure_step_melts_masses_inside_the_layer(check_text):
    text = design(MH009_MASSES, MH009_JOIN, FILL, "step cure { kind cure; peak 60 C }", extra=GEL + "\n" + LAYER)
    f = only(check_text(text, select=("MH009",)), "MH009")
    assert f.severity is Severity.WARNING
    assert (f.object_names, f.count) == (["b[0:4]"], 4)
    assert f.location.line == line_of(text, "masses b")
    assert f.data == {"step": "cure", "step_temp": 60, "melting_temp": 55, "layer": "g"}
    assert "60 °C" in f.message and "55 °C" in f.message and "cured" in f.message


def test_mh009_passes_a_cure_below_the_melting_point(check_text):
    text = design(MH009_MASSES, MH009_JOIN, FILL, "step cure { kind cure; peak 45 C }", extra=GEL + "\n" + LAYER)
    assert findings(check_text(text, select=("MH009",)), "MH009") == []


@pytest.mark.parametrize(("peak", "fires"), [(55, True), (54.9, False)], ids=["reaches-melting", "just-below"])
def test_mh009_boundary_reaching_the_melting_point_fires(check_text, peak, fires):
    text = design(MH009_MASSES, MH009_JOIN, FILL, f"step cure {{ kind cure; peak {peak} C }}", extra=GEL + "\n" + LAYER)
    assert [f.data["step_temp"] for f in findings(check_text(text, select=("MH009",)), "MH009")] == (
        [55] if fires else []
    )


@pytest.mark.parametrize(
    ("kind", "fires"), [("inject", True), ("cure", True), ("reflow", False), ("test", False), ("anneal", False)]
)
def test_mh009_only_inject_and_cure_steps_count(check_text, kind, fires):
    step = f"step hot {{ kind {kind}; temp 25 C .. 60 C }}"
    text = design(MH009_MASSES, MH009_JOIN, FILL, step, extra=GEL + "\n" + LAYER)
    found = findings(check_text(text, select=("MH009",)), "MH009")
    assert [(f.data["step"], f.data["step_temp"]) for f in found] == ([("hot", 60)] if fires else [])
    if kind == "inject":
        assert "injected" in found[0].message


def test_mh009_the_forming_inject_step_itself_counts(check_text):
    text = design(MH009_MASSES, MH009_JOIN, "step fill { kind inject; temp 60 C; forms g }", extra=GEL + "\n" + LAYER)
    assert only(check_text(text, select=("MH009",)), "MH009").data["step"] == "fill"


def test_mh009_a_layer_formed_after_the_cure_step_does_not_count(check_text):
    text = design(MH009_MASSES, MH009_JOIN, "step cure { kind cure; peak 60 C }", FILL, extra=GEL + "\n" + LAYER)
    assert findings(check_text(text, select=("MH009",)), "MH009") == []


def test_mh009_only_masses_the_layer_surrounds(check_text):
    layer = "layer g : gel { role compliant; between die, sub; thickness 100 um; surrounds c }"
    text = design(
        MH009_MASSES + "\nmasses c : Sn63Pb37 { joins die.d[*] -- sub.q[*]; height 80 um }",
        "step join { kind reflow; peak 215 C }",
        FILL,
        "step cure { kind cure; peak 60 C }",
        die="pads d at (2 mm, 0 mm), (2.3 mm, 0 mm) diameter 120 um; ",
        sub="pads q at (2 mm, 0 mm), (2.3 mm, 0 mm) diameter 120 um; ",
        extra=GEL + "\n" + layer,
    )
    assert findings(check_text(text, select=("MH009",)), "MH009") == []


# ============================================================================== MH010 intent
MH010_MASSES = two_region("Pb95Sn5", "Sn63Pb37")


def test_mh010_fires_when_a_requires_solid_step_reaches_the_melting_point(check_text):
    text = design(MH010_MASSES, JOIN, "step test { kind test; temp 25 C .. 190 C; requires solid b }")
    f = only(check_text(text, select=("MH010",)), "MH010")
    assert f.severity is Severity.ERROR
    assert (f.object_names, f.count) == (["b[0:4]"], 4)
    assert f.location.line == line_of(text, "masses b")
    assert f.data == {"step": "test", "step_temp": 190, "intent": "requires solid", "melting_temp": 183}
    assert "190 °C" in f.message and "183 °C" in f.message


def test_mh010_passes_the_corrected_process(check_text):
    text = design(
        MH010_MASSES,
        JOIN,
        "step test { kind test; temp 25 C .. 85 C; requires solid b }",
        "step mix { kind reflow; peak 335 C; mixes b }",
    )
    assert findings(check_text(text, select=("MH010",)), "MH010") == []


@pytest.mark.parametrize(
    ("clause", "peak", "fires", "value_key", "value"),
    [
        ("requires solid", 183, True, "melting_temp", 183),
        ("requires solid", 182.9, False, "melting_temp", 183),
        # CHECKS.md v2: `requires liquid`, as `mixes`, needs the highest liquidus (fully molten)
        ("requires liquid", 311.9, True, "fully_molten_temp", 312),
        ("requires liquid", 312, False, "fully_molten_temp", 312),
        ("mixes", 311.9, True, "fully_molten_temp", 312),  # highest liquidus: Pb95Sn5's 312 °C (TopLine)
        ("mixes", 312, False, "fully_molten_temp", 312),
        ("mixes", 310, True, "fully_molten_temp", 312),  # above both solidi, not fully molten
    ],
)
def test_mh010_intent_boundaries(check_text, clause, peak, fires, value_key, value):
    text = design(MH010_MASSES, JOIN, f"step x {{ kind reflow; peak {peak} C; {clause} b }}")
    found = findings(check_text(text, select=("MH010",)), "MH010")
    assert [(f.data["intent"], f.data["step_temp"], f.data[value_key]) for f in found] == (
        [(clause, peak, value)] if fires else []
    )
    if fires:
        assert f"{peak:g} °C" in found[0].message and f"{value} °C" in found[0].message


def test_mh010_a_mix_below_the_fully_molten_temperature_is_still_not_a_remelt(check_text):
    text = design(MH010_MASSES, JOIN, "step mix { kind reflow; peak 310 C; mixes b }")
    report = check_text(text, select=("MH003", "MH004", "MH010"))
    assert [(f.rule, f.data["step"]) for f in report.findings] == [("MH010", "mix")]


@pytest.mark.parametrize(("clause", "peak"), [("requires solid", 200), ("requires liquid", 180), ("mixes", 180)])
def test_mh010_partial_selection_reports_only_the_named_masses(check_text, clause, peak):
    text = design(EUTECTIC, JOIN, f"step x {{ kind reflow; peak {peak} C; {clause} b[0:2] }}")
    f = only(check_text(text, select=("MH010",)), "MH010")
    assert (f.object_names, f.count, f.data["intent"], f.data["step_temp"]) == (["b[0:2]"], 2, clause, peak)
    assert "b[0:2]" in f.message


# ============================================================================== MH011 melt-range
MH011_DECK = '[rules.MH011]\nmin_melt = "25 C"\nmax_melt = "65 C"'


@pytest.mark.parametrize(
    ("material", "melting", "side"),
    [("In52Sn48", 118, "above the maximum"), ("galinstan", 11, "below the minimum")],
)
def test_mh011_fires_outside_the_decks_melt_range(check_text, material, melting, side):
    text = design(masses(material), "step join { kind reflow; peak 140 C }")
    f = only(check_text(text, deck=MH011_DECK, select=("MH011",)), "MH011")
    assert f.severity is Severity.ERROR
    assert (f.object_names, f.count) == (["b[0:4]"], 4)
    assert f.location.line == line_of(text, "masses b")
    assert f.data == {"melting_temp": melting, "min_melt": 25, "max_melt": 65, "material": material}
    assert f"{melting} °C" in f.message and side in f.message
    assert ("65 °C" if melting > 65 else "25 °C") in f.message


def test_mh011_passes_inside_the_range(check_text):
    report = check_text(design(LOW_MELT, LOW_JOIN), deck=MH011_DECK, select=("MH011",))
    assert findings(report, "MH011") == []


@pytest.mark.parametrize("material", ["In52Sn48", "galinstan"])
def test_mh011_checks_nothing_without_bounds(check_text, material):
    report = check_text(design(masses(material), "step join { kind reflow; peak 140 C }"), select=("MH011",))
    assert findings(report, "MH011") == []


@pytest.mark.parametrize(("melts", "fires"), [(25, False), (24.9, True), (65, False), (65.1, True)])
def test_mh011_bounds_are_inclusive(check_text, melts, fires):
    text = design(masses("x"), "step join { kind reflow; peak 140 C }", extra=fusible("x", melts, 70))
    found = findings(check_text(text, deck=MH011_DECK, select=("MH011",)), "MH011")
    assert [f.data["melting_temp"] for f in found] == ([melts] if fires else [])


def test_mh011_bounds_in_other_temperature_units(check_text):
    deck = '[rules.MH011]\nmin_melt = "298.15 K"\nmax_melt = "149 F"'
    text = design(masses("x"), "step join { kind reflow; peak 140 C }", extra=fusible("x", 24.9, 70))
    f = only(check_text(text, deck=deck, select=("MH011",)), "MH011")
    assert f.data["min_melt"] == pytest.approx(25) and f.data["max_melt"] == pytest.approx(65)


@pytest.mark.parametrize(
    ("deck", "material", "fires"),
    [
        ('[rules.MH011]\nmin_melt = "25 C"', "In52Sn48", False),
        ('[rules.MH011]\nmin_melt = "25 C"', "galinstan", True),
        ('[rules.MH011]\nmax_melt = "65 C"', "galinstan", False),
        ('[rules.MH011]\nmax_melt = "65 C"', "In52Sn48", True),
    ],
)
def test_mh011_an_unset_bound_is_not_checked(check_text, deck, material, fires):
    text = design(masses(material), "step join { kind reflow; peak 140 C }")
    assert len(findings(check_text(text, deck=deck, select=("MH011",)), "MH011")) == fires


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
def cell_design(masses_text: str, *process: str, chip: str = "", layer: str = "") -> str:
    body = "\n".join(f"    {line}" for line in process)
    return f"""use std
{GEL}
cell Unit {{
    element chip : chip {{ body silicon; {chip}pads c grid 2 x 2 pitch 500 um diameter 100 um }}
    element sheet : dielectric_sheet {{ body polyimide; pads p grid 2 x 2 pitch 500 um diameter 100 um }}
    {masses_text}
    {layer}
}}
place units : Unit grid 2 x 3 pitch 12 mm x 12 mm
process {{
{body}
}}
"""


def cell_masses(material: str) -> str:
    return f"masses m : {material} {{ joins chip.c[*] -- sheet.p[*]; height 100 um }}"


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


def test_mh005_cells_give_one_finding_for_every_instance_of_an_element(check_text):
    text = cell_design(cell_masses("Sn63Pb37"), JOIN, chip="max_temp 200 C; ")
    f = only(check_text(text, select=("MH005",)), "MH005")
    assert (f.object_names, f.count, f.data["step_temp"], f.data["max_temp"]) == (["units[0:6].chip"], 6, 215, 200)


def test_mh006_cells_give_one_finding_for_every_instance_of_a_layer(check_text):
    layer = "layer g : silicone_gel { role compliant; between chip, sheet; thickness 100 um }"
    text = cell_design(cell_masses("Sn63Pb37"), JOIN, layer=layer)
    f = only(check_text(text, select=("MH006",)), "MH006")
    assert (f.object_names, f.count, f.data["temp"], f.data["limit"]) == (["units[0:6].g"], 6, 215, 200)


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
