"""ST006 facing (plugins/assemblint_stack/st006_facing.py): bumps on a face that looks away.

The base design (designs.py): the die is flipped, so its front pads look down at the substrate's
front (top) pads.
"""

from __future__ import annotations

from .designs import PADS, SUB, design, die, fired


def test_st006_fires_on_a_die_that_is_not_flipped(check_text) -> None:
    [finding] = fired(check_text, design(die=die(more="")), "ST006")
    assert finding.severity.value == "error"
    assert finding.object_names == ["b[0:4]"]
    assert finding.count == 4
    assert finding.location.line == 4
    assert finding.data == {
        "lower": "sub",
        "upper": "die",
        "lower_face": "front",
        "upper_face": "front",
        "wrong": "upper",
    }
    assert finding.message == "masses b[0:4] join pads on die's front face, which looks up, away from sub"


def test_st006_a_pad_on_the_back_face_of_an_unflipped_die_faces_down(check_text) -> None:
    assert fired(check_text, design(die=die(more=""), die_pads=PADS + " face back"), "ST006") == []


def test_st006_the_lower_pad_on_the_wrong_face_and_both(check_text) -> None:
    flipped_sub = SUB + "; flip"  # its front face now looks down
    [lower] = fired(check_text, design(sub=flipped_sub), "ST006")
    assert lower.data["wrong"] == "lower"
    assert lower.message == "masses b[0:4] join pads on sub's front face, which looks down, away from die"
    [both] = fired(check_text, design(sub=flipped_sub, die=die(more="")), "ST006")
    assert both.data["wrong"] == "both"
    assert " and pads on die's front face, which looks up" in both.message


def test_st006_needs_both_heights(check_text) -> None:
    assert fired(check_text, design(die=die("", more="")), "ST006") == []
    assert fired(check_text, design(die=die(size="5 mm x 5 mm", more="")), "ST006") == []
