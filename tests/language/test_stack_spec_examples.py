"""The examples of STACK.md (§1, §2, §5), as written there, parse and mean what the text says:
the flip-chip pair coincides pad for pad and is joined by position at the right gap (no finding),
the placements land where §2 puts them, and a step that heats one die heats only it."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import assemblint

SECTION_1 = """use std
footprint fcbga_bumps {
    pads io grid 30 x 30 pitch 150 um diameter 90 um keep ring 4      # the 4 outer rows and columns
    pads core grid 30 x 30 pitch 150 um diameter 90 um keep inside (10:20, 10:20)   # the centre block
    pad  sense at (2.4 mm, 2.4 mm) diameter 120 um
}
element sub : substrate { body BT; size 12 mm x 12 mm x 1 mm; z 0 um; footprint fcbga_bumps mirror }
element die : chip { body silicon; size 5 mm x 5 mm x 0.75 mm; z 1080 um; flip; footprint fcbga_bumps }
masses b : SAC305 { joins die.io[*] -- sub.io[*] by position; diameter 100 um; height 80 um }
"""

SECTION_2 = """use std
cell Chiplet { element c : chip { body silicon; size 4 mm x 2 mm x 0.5 mm; pad p at (1 mm, 0 mm) diameter 100 um } }
cell Die { element d : chip { body silicon; size 4 mm x 4 mm x 50 um; z 0 um } }
place cpu  : Chiplet at (-6 mm, 0 mm) rotate 90
place hbm  : Stack4 at (6 mm, 0 mm) mirror
place dies : Chiplet grid 2 x 3 pitch 12 mm x 10 mm          # version 1, unchanged
cell Stack4 {                                                # a cell may place cells
    place d0 : Die at (0 mm, 0 mm) z 0 um
    place d1 : Die at (0 mm, 0 mm) z 55 um
}
"""


def load(tmp_path: Path, text: str) -> assemblint.Assembly:
    path = tmp_path / "d.assy"
    path.write_text(text, encoding="utf-8")
    return assemblint.load(path)


def test_section_1_the_footprint_pair_coincides_and_is_joined_at_its_gap(tmp_path: Path) -> None:
    a = load(tmp_path, SECTION_1)
    sub, die = a.elements
    assert sub.pads["io"].count == 30 * 30 - 22 * 22 and sub.pads["core"].count == 100
    n = a.netlist
    (b,) = a.mass_groups
    np.testing.assert_array_equal(n.pad_x[b.pads_a], n.pad_x[b.pads_b])
    assert die.face_z("front") - sub.face_z("front") == 80  # the gap is the bump height
    report = assemblint.check(tmp_path / "d.assy", select=["ST", "IN"], isolate="none")
    assert [f.rule for f in report.findings] == []


def test_section_2_placements_land_where_the_text_puts_them(tmp_path: Path) -> None:
    a = load(tmp_path, SECTION_2)
    by_name = {e.name: e for e in a.elements}
    cpu = by_name["cpu.c"]
    assert cpu.position == (-6000.0, 0.0) and cpu.rotate == 90 and cpu.outline() == (-7000.0, -2000.0, -5000.0, 2000.0)
    assert (float(cpu.pads["p"].x[0]), float(cpu.pads["p"].y[0])) == (-6000.0, 1000.0)
    assert (by_name["hbm.d0.d"].z, by_name["hbm.d1.d"].z) == (0.0, 55.0)
    assert by_name["hbm.d1.d"].mirror and by_name["hbm.d1.d"].position == (6000.0, 0.0)
    assert {e.name for e in a.elements if e.name.startswith("dies[")} == {"dies[0].c"}  # one built, five represented
    assert a.represented.weight("dies[0].c") == 6


def test_section_5_a_step_heats_exactly_what_it_names(tmp_path: Path) -> None:
    text = SECTION_1 + "process {\n    step attach { kind reflow; peak 245 C; forms b }\n"
    text += "    step rework { kind rework; peak 250 C; heats die }\n}\n"
    a = load(tmp_path, text)
    from assemblint.analysis.timeline import timeline_of

    tl = timeline_of(a)
    rework = tl.step("rework")
    assert tl.temp_of(rework, a.elements[1]) == 250 and tl.temp_of(rework, a.elements[0]) == 25
    assert (tl.temps(rework) == 250).all()  # every bump joins the die
