"""MH002 join-window (plugins/assemblint_melting/mh002_join_window.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
The cases the melting rules share are in test_melting_shared.py, the designs in designs.py.
"""

from __future__ import annotations

import pytest
from assemblint_melting._examples import EUTECTIC, two_region

from assemblint import Severity

from .designs import JOIN, design, findings, fusible, line_of, masses, mh_rules, only


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
