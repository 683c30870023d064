"""IN001 short (plugins/assemblint_insulation/in001_short.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
The cases the insulation rules share are in test_insulation_shared.py, the helpers in designs.py.
"""

from __future__ import annotations

from assemblint_insulation._examples import NETS, STRAIGHT, design
from assemblint_insulation.in001_short import CROSSED

from .designs import SEP, fired, line_of, with_die_connect


def test_in001_fires_on_a_mass_routed_to_the_neighbouring_pad(check_text) -> None:
    text = design(CROSSED, nets=NETS)
    [finding] = fired(check_text, text, "IN001")
    assert finding.severity.value == "error"
    assert finding.object_names == ["n[2:4]"]
    assert finding.count == 2
    assert finding.data == {"nets": ["n[2]", "n[3]"], "paths": [f"die.c[2]{SEP}x{SEP}sub.p[3]"]}
    assert "nets n[2] and n[3] are on one electrical node" in finding.message
    assert f"die.c[2]{SEP}x{SEP}sub.p[3]" in finding.message
    assert finding.location.line == line_of(text, "nets n")


def test_in001_is_silent_on_the_straight_design(check_text) -> None:
    assert fired(check_text, design(STRAIGHT, nets=NETS), "IN001") == []


def test_in001_path_names_the_lead_that_shorts_two_nets(check_text) -> None:
    leads = STRAIGHT + "\nleads l : copper { from die.c[0] to m[1]; shape s }"
    [finding] = fired(check_text, design(leads, nets="nets n { die.c[*] }\n"), "IN001")
    assert finding.object_names == ["n[0:2]"]
    assert finding.data["paths"] == [f"die.c[0]{SEP}l[0]{SEP}m[1]{SEP}die.c[1]"]


def test_in001_path_crosses_an_element_connect(check_text) -> None:
    text = with_die_connect(design(STRAIGHT, nets=NETS), "connect c[1] -- c[2]")
    [finding] = fired(check_text, text, "IN001")
    assert finding.object_names == ["n[1:3]"]
    assert finding.data["paths"] == [f"die.c[1]{SEP}die.c[2]"]


def test_in001_three_nets_on_one_node_give_one_finding_with_a_path_to_each(check_text) -> None:
    masses = STRAIGHT + (
        "\nmass x : SAC305 { joins die.c[0] -- sub.p[1]; diameter 100 um }"
        "\nmass y : SAC305 { joins die.c[1] -- sub.p[2]; diameter 100 um }"
    )
    nets = "net A { die.c[0] }\nnet B { sub.p[1] }\nnet C { die.c[2] }\n"
    text = design(masses, nets=nets)
    [finding] = fired(check_text, text, "IN001")
    assert finding.object_names == ["A", "B", "C"]
    assert finding.count == 3
    assert finding.data["nets"] == ["A", "B", "C"]
    assert finding.data["paths"] == [
        SEP.join(["die.c[0]", "x", "sub.p[1]"]),
        SEP.join(["die.c[0]", "x", "sub.p[1]", "m[1]", "die.c[1]", "y", "sub.p[2]", "m[2]", "die.c[2]"]),
    ]
    assert finding.message.startswith("nets A, B and C are on one electrical node: ")
    assert finding.location.line == line_of(text, "net A")


def test_in001_lists_every_net_but_spells_out_three_paths(check_text) -> None:
    nets = "".join(f"net {name} {{ die.c[{i}] }}\n" for i, name in enumerate("ABCDE"))
    text = f"""use std
element die : chip {{ body silicon; pads c grid 1 x 5 pitch 200 um diameter 100 um; connect c[0:4] -- c[1:5] }}
{nets}"""
    [finding] = fired(check_text, text, "IN001")
    assert finding.data["nets"] == ["A", "B", "C", "D", "E"]
    assert finding.data["paths"] == [SEP.join(f"die.c[{k}]" for k in range(n + 1)) for n in (1, 2, 3)]
    assert finding.message.endswith("(and 1 more paths)")


def test_in001_ignores_a_short_between_pins_of_no_net(check_text) -> None:
    assert fired(check_text, design(CROSSED, nets="nets n { die.c[0:2], sub.p[0:2] }\n"), "IN001") == []
