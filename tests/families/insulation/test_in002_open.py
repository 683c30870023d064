"""IN002 open (plugins/assemblint_insulation/in002_open.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
The cases the insulation rules share are in test_insulation_shared.py, the helpers in designs.py.
"""

from __future__ import annotations

from assemblint_insulation._examples import NETS, STRAIGHT, design
from assemblint_insulation.in002_open import MISSING

from .designs import fired, line_of, with_die_connect


def test_in002_fires_on_a_net_whose_mass_is_missing(check_text) -> None:
    text = design(MISSING, nets=NETS)
    [finding] = fired(check_text, text, "IN002")
    assert finding.severity.value == "error"
    assert finding.object_names == ["n[3]"]
    assert finding.count == 1
    assert finding.data == {"net": "n[3]", "groups": ["die.c[3]", "sub.p[3]"]}
    assert finding.message == "net n[3] is split into 2 separate groups: die.c[3]; sub.p[3]"
    assert finding.location.line == line_of(text, "nets n")


def test_in002_is_silent_on_the_straight_design(check_text) -> None:
    assert fired(check_text, design(STRAIGHT, nets=NETS), "IN002") == []


def test_in002_lists_each_group_of_connected_pins(check_text) -> None:
    masses = "masses m : SAC305 { joins die.c[0:2] -- sub.p[0:2]; diameter 100 um }"
    text = design(masses, nets="net A { die.c[0], die.c[1], sub.p[0], sub.p[3] }\n")
    [finding] = fired(check_text, text, "IN002")
    assert finding.object_names == ["A"]
    assert sorted(finding.data["groups"]) == ["die.c[0], sub.p[0]", "die.c[1]", "sub.p[3]"]
    assert "net A is split into 3 separate groups" in finding.message


def test_in002_a_net_joined_through_an_element_connect_is_not_open(check_text) -> None:
    masses = "masses m : SAC305 { joins die.c[*] -- sub.p[*]; diameter 100 um }"
    text = design(masses, nets="net A { die.c[2], die.c[3] }\n")
    assert len(fired(check_text, text, "IN002")) == 1  # without the connect: open
    assert fired(check_text, with_die_connect(text, "connect c[2] -- c[3]"), "IN002") == []


def test_in002_pins_named_in_no_net_are_free(check_text) -> None:
    text = design(MISSING, nets="nets n { die.c[0:3], sub.p[0:3] }\n")  # die.c[3], sub.p[3] unjoined
    assert fired(check_text, text, "IN002") == []
