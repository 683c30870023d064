"""MH011 melt-range (plugins/assemblint_melting/mh011_melt_range.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
The cases the melting rules share are in test_melting_shared.py, the designs in designs.py.
"""

from __future__ import annotations

import pytest

from assemblint import Severity

from .designs import LOW_JOIN, LOW_MELT, MH011_DECK, design, findings, fusible, line_of, masses, only


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
