"""MH001 core-joint-order (plugins/assemblint_melting/mh001_core_joint_order.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
The cases the melting rules share are in test_melting_shared.py, the designs in designs.py.
"""

from __future__ import annotations

import pytest
from assemblint_melting._examples import EUTECTIC, two_region

from assemblint import Severity

from .designs import JOIN, design, findings, fusible, line_of, mh_rules, only


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
