"""IN006 unjoined-mass (plugins/assemblint_insulation/in006_unjoined_mass.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
The cases the insulation rules share are in test_insulation_shared.py, the helpers in designs.py.
"""

from __future__ import annotations

from assemblint_insulation._examples import STRAIGHT, design
from assemblint_insulation.in006_unjoined_mass import BUMPS

from .designs import fired, line_of


def test_in006_fires_on_one_sided_masses(check_text) -> None:
    text = design(BUMPS)
    [finding] = fired(check_text, text, "IN006")
    assert finding.severity.value == "warning"
    assert finding.object_names == ["m[0:4]"]
    assert finding.count == 4
    assert finding.data == {"elements": 1}
    assert (
        finding.message == "m[0:4] join pads of one element only (die): a bump that nothing joins to a second element"
    )
    assert finding.location.line == line_of(text, "masses m")


def test_in006_fires_on_masses_joining_two_pads_of_one_element(check_text) -> None:
    text = design(
        "masses m : SAC305 { joins die.c[0:2] -- sub.p[0:2]; diameter 100 um }\n"
        "mass k : SAC305 { joins die.c[2] -- die.c[0]; diameter 100 um }"
    )
    [finding] = fired(check_text, text, "IN006")
    assert finding.object_names == ["k"]
    assert finding.count == 1
    assert finding.data == {"elements": 1}
    assert finding.message == "k join two pads of the same element (die)"
    assert finding.location.line == line_of(text, "mass k")


def test_in006_is_silent_on_masses_joining_two_elements(check_text) -> None:
    assert fired(check_text, design(STRAIGHT), "IN006") == []
