"""MH012 melt-data (plugins/assemblint_melting/mh012_melt_data.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
Last, the right answers of issue 14: a fusible material without full melting data. The cases the
melting rules share are in test_melting_shared.py, the designs in designs.py.
"""

from __future__ import annotations

import pytest

from ..designs import design_with


@pytest.mark.parametrize(
    ("material", "cause"),
    [
        ("material paste { kind fusible; composition Sn 63 %, Pb 37 % }", "no melting data"),
        ("material paste { kind fusible; liquidus 183 C }", "liquidus only"),
    ],
)
def test_mh012_fusible_material_without_melting_data(check_text, material, cause):
    masses = "masses b : paste { joins die.c[*] -- sub.p[*]; height 80 um }"
    report = check_text(design_with(masses, "step join { kind reflow; peak 215 C }", extra=material))
    mh012 = [f for f in report.findings if f.rule == "MH012"]
    assert [(f.severity.value, f.object_names, f.count) for f in mh012] == [("warning", ["b[0:4]"], 4)]
    assert mh012[0].data["material"] == "paste"
    if cause == "no melting data":
        assert "gives no solidus, liquidus or `melts`" in mh012[0].message
        assert not [f for f in report.findings if f.rule == "MH002"]  # skipped, not "never joined"
    else:
        assert "gives only a liquidus (183 °C)" in mh012[0].message


def test_mh012_quiet_for_full_data_melts_and_metals(check_text):
    for material in ("material paste { kind fusible; melts 183 C }", "material paste { kind metal; cte 14 ppm/K }"):
        masses = "masses b : paste { joins die.c[*] -- sub.p[*]; height 80 um }"
        report = check_text(design_with(masses, "step join { kind reflow; peak 215 C }", extra=material))
        assert [f for f in report.findings if f.rule == "MH012"] == []


def test_mh012_a_child_that_gives_the_solidus_is_complete(check_text):
    extra = "material paste { kind fusible; liquidus 183 C }\nmaterial paste2 : paste { solidus 179 C }"
    masses = "masses b : paste2 { joins die.c[*] -- sub.p[*]; height 80 um }"
    report = check_text(design_with(masses, "step join { kind reflow; peak 215 C }", extra=extra))
    assert [f for f in report.findings if f.rule == "MH012"] == []
