"""MH010 intent (plugins/assemblint_melting/mh010_intent.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
Last, the right answers of issue 14: `requires liquid` means at or above the liquidus. The cases the
melting rules share are in test_melting_shared.py, the designs in designs.py.
"""

from __future__ import annotations

import pytest
from assemblint_melting._examples import EUTECTIC, two_region

from assemblint import Severity

from ..designs import design_with
from .designs import JOIN, design, findings, line_of, only

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


PASTY = "material pasty { kind fusible; solidus 179 C; liquidus 189 C }"
PASTY_MASSES = "masses b : pasty { joins die.c[*] -- sub.p[*]; height 80 um }"


@pytest.mark.parametrize(("temp", "fires"), [("185 C", True), ("188.9 C", True), ("189 C", False), ("200 C", False)])
def test_mh010_requires_liquid_means_at_or_above_the_liquidus(check_text, temp, fires):
    text = design_with(
        PASTY_MASSES,
        "step join { kind reflow; peak 210 C }",
        f"step hold {{ kind test; temp {temp}; requires liquid b }}",
        extra=PASTY,
    )
    findings = check_text(text, select=("MH010",)).findings
    assert bool(findings) is fires
    if fires:
        assert "below the 189 °C liquidus of pasty: they are not fully liquid" in findings[0].message
        assert findings[0].data["fully_molten_temp"] == 189.0
