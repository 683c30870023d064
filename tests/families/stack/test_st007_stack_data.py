"""ST007 stack-data (plugins/assemblint_stack/st007_stack_data.py): a joined element the stack cannot place."""

from __future__ import annotations

from .designs import design, die, fired


def test_st007_fires_on_a_die_without_z(check_text) -> None:
    [finding] = fired(check_text, design(die=die("")), "ST007")
    assert finding.severity.value == "warning"
    assert finding.object_names == ["die"]
    assert finding.count == 1
    assert finding.location.line == 3
    assert finding.data == {"element": "die", "missing": ["z"], "joined_to": "sub"}
    assert (
        finding.message == "die is joined to sub, which has a height, but has no `z`: the stack rules cannot place it"
    )


def test_st007_a_missing_thickness_and_both(check_text) -> None:
    [finding] = fired(check_text, design(die=die(size="5 mm x 5 mm")), "ST007")
    assert finding.data["missing"] == ["thickness"]
    assert "no thickness (a third value of `size`)" in finding.message
    [finding] = fired(check_text, design(die=die("", size="5 mm x 5 mm")), "ST007")
    assert finding.data["missing"] == ["z", "thickness"]


def test_st007_through_a_layer_or_a_lead_and_one_finding_per_element(check_text) -> None:
    extra = (
        "element lid : heat_sink { body copper; size 6 mm x 6 mm }\n"
        "layer glue : epoxy { role adhesive; between die, lid; thickness 50 um }\n"
        "element pcb : circuit_board { body fr4; pad g at (0 mm, 0 mm) }\n"
        "element top : chip { body silicon; pad g at (0 mm, 0 mm) }\n"
        "lead w : gold { from top.g to pcb.g; shape wire }\n"
        "lead v : gold { from top.g to sub.p[0]; shape wire }\n"
    )
    findings = fired(check_text, design(extra=extra), "ST007")
    assert sorted((f.object_names, f.data["joined_to"]) for f in findings) == [(["lid"], "die"), (["top"], "sub")]


def test_st007_elements_joined_only_to_elements_without_height_are_silent(check_text) -> None:
    # Nothing has a height but z on sub alone (no thickness): no element with a height, nothing to report.
    text = design(sub="body BT; size 12 mm x 12 mm; z 0 um", die=die(""))
    assert fired(check_text, text, "ST007") == []
