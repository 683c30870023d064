"""MH008 handling-solid (plugins/assemblint_melting/mh008_handling_solid.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
Last, the right answers of issue 14: the handling temperature itself counts as liquid. The cases the
melting rules share are in test_melting_shared.py, the designs in designs.py.
"""

from __future__ import annotations

import pytest

from assemblint import Severity

from ..designs import design_with
from .designs import LOW_JOIN, LOW_MELT, design, findings, fusible, line_of, masses, only


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


def test_mh008_fires_exactly_at_the_handling_temperature(check_text):
    at = "material paste { kind fusible; melts 20 C }"
    above = "material paste { kind fusible; melts 20.1 C }"
    masses = "masses m : paste { joins die.c[*] -- sub.p[*]; height 80 um }"
    (finding,) = check_text(
        design_with(masses, "step join { kind reflow; peak 40 C }", extra=at), select=("MH008",)
    ).findings
    assert finding.rule == "MH008" and "melts at 20 °C, at the 20 °C handling temperature" in finding.message
    quiet = check_text(design_with(masses, "step join { kind reflow; peak 40 C }", extra=above), select=("MH008",))
    assert quiet.findings == []
