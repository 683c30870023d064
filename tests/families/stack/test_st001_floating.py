"""ST001 floating (plugins/assemblint_stack/st001_floating.py): groups of elements held by nothing.

The base design (designs.py): sub (z 0, 1 mm thick, top 1000 µm) and die (z 1080, 0.75 mm thick,
top 1830 µm) joined by bumps. A lid 6 × 6 mm over the die touches it when its z is 1830 µm.
"""

from __future__ import annotations

import pytest

from .designs import design, fired


def lid(z: str, size: str = "6 mm x 6 mm x 0.5 mm", name: str = "lid") -> str:
    return f"element {name} : heat_sink {{ body copper; size {size}; z {z} }}\n"


def test_st001_fires_on_a_lid_above_the_die(check_text) -> None:
    [finding] = fired(check_text, design(extra=lid("2000 um")), "ST001")
    assert finding.severity.value == "error"
    assert finding.object_names == ["lid"]
    assert finding.count == 1
    assert finding.location.line == 5
    assert finding.data == {
        "elements": ["lid"],
        "group_size": 1,
        "largest_group": 2,
        "largest_holds": "sub",
        "groups": 2,
    }
    assert finding.message == (
        "lid is held by nothing that holds the rest: no mass, lead or layer joins it to the largest group "
        "(2 elements, with sub), and it neither rests on nor touches it"
    )


@pytest.mark.parametrize(
    ("z", "fires"),
    [("1830 um", False), ("1830.001 um", True), ("1829 um", False), ("1.83 mm", False), ("1080 um", False)],
)
def test_st001_boundary_a_lid_resting_on_the_die_is_held(check_text, z, fires) -> None:
    # The die's top is 1080 + 750 = 1830 µm: at 1830 the lid rests on it (height ranges meet), below it
    # sits in it (ST002's business), above it floats. At 1080 the lid is level with the die's body.
    assert bool(fired(check_text, design(extra=lid(z)), "ST001")) is fires


def test_st001_outlines_that_only_share_an_edge_do_not_hold(check_text) -> None:
    # A block beside the substrate (its left edge at the substrate's right edge, 6 mm) at the same heights.
    beside = "element blk : plate { body copper; size 2 mm x 2 mm x 1 mm; z 0 um; position (7 mm, 0 mm) }\n"
    [finding] = fired(check_text, design(extra=beside), "ST001")
    assert finding.object_names == ["blk"]
    overlapping = beside.replace("7 mm", "6.999 mm")  # 1 µm into the substrate: they touch
    assert fired(check_text, design(extra=overlapping), "ST001") == []


def test_st001_a_layer_between_or_a_lead_holds(check_text) -> None:
    glued = lid("2000 um") + "layer glue : epoxy { role adhesive; between die, lid; thickness 170 um }\n"
    assert fired(check_text, design(extra=glued), "ST001") == []
    wired = (
        "element pcb : circuit_board { body fr4; size 20 mm x 20 mm x 1 mm; z -5 mm; pad g at (0 mm, 0 mm) }\n"
        "element top : chip { body silicon; size 1 mm x 1 mm x 0.1 mm; z 9 mm; pad g at (0 mm, 0 mm) }\n"
        "lead w : gold { from top.g to pcb.g; shape wire }\n"
    )
    [finding] = fired(check_text, design(extra=wired), "ST001")  # pcb and top hold each other, not the rest
    assert finding.object_names == ["pcb", "top"]
    assert finding.data["group_size"] == 2


def test_st001_elements_without_height_connect_only_through_joints(check_text) -> None:
    # The same lid without z (and one without thickness): it could touch nothing, so it floats.
    [finding] = fired(check_text, design(extra="element lid : heat_sink { body copper; size 6 mm x 6 mm }\n"), "ST001")
    assert finding.object_names == ["lid"]


def test_st001_one_finding_per_group_and_the_tie_keeps_the_first_declared(check_text) -> None:
    # Two equal groups: {sub, die} (declared first) and {ea, eb} joined by a mass; and a lone lid.
    chip = "body silicon; size 1 mm x 1 mm x 0.1 mm; position (20 mm, 0 mm); pad p at (0 mm, 0 mm)"
    pair = (
        f"element ea : chip {{ {chip}; z 5 mm }}\n"
        f"element eb : chip {{ {chip}; z 6 mm }}\n"
        "mass j : SAC305 { joins ea.p -- eb.p; diameter 100 um; height 900 um }\n"
    )
    findings = fired(check_text, design(extra=pair + lid("3 mm")), "ST001")
    assert sorted(f.object_names for f in findings) == [["ea", "eb"], ["lid"]]
    assert {f.data["largest_holds"] for f in findings} == {"sub"}
    assert {f.data["groups"] for f in findings} == {3}


def test_st001_the_group_with_most_elements_is_kept_whatever_its_order(check_text) -> None:
    text = (
        "use std\n"
        "element lone : chip { body silicon; size 1 mm x 1 mm x 0.1 mm; z 5 mm }\n" + design().split("\n", 1)[1]
    )
    [finding] = fired(check_text, text, "ST001")
    assert finding.object_names == ["lone"]
    assert finding.data["largest_holds"] == "sub"


def test_st001_one_element_or_a_design_without_z_is_silent(check_text) -> None:
    one = "use std\nelement die : chip { body silicon; size 5 mm x 5 mm x 0.75 mm; z 0 um }\n"
    assert fired(check_text, one, "ST001") == []
    flat = "use std\nelement a : chip { body silicon; size 1 mm x 1 mm x 0.1 mm }\nelement b : chip { body silicon }\n"
    assert fired(check_text, flat, "ST001") == []
