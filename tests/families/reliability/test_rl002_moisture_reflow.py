"""RL002 moisture-reflow (plugins/assemblint_reliability/rl002_moisture_reflow.py): a reflow or rework
step hotter than the J-STD-020 classification temperature Tc of an element with an `msl`.

Tc comes from the package's thickness (the third value of `size`) and volume (x · y · thickness):

Pb-free, J-STD-020 Table 4-2 (the default, `lead_free = true`):

    thickness          volume < 350 mm³   350–2000 mm³   > 2000 mm³
    < 1.6 mm           260 °C             260 °C         260 °C
    1.6–2.5 mm         260 °C             250 °C         245 °C
    > 2.5 mm           250 °C             245 °C         245 °C

SnPb, Table 4-1 (`lead_free = false`): thickness < 2.5 mm: 235 °C below 350 mm³, 220 °C from 350 mm³;
thickness ≥ 2.5 mm: 220 °C.

Where each boundary falls (as classification_temperature documents it and CHECKS.md writes it):
1.6 mm is in the 1.6–2.5 mm row; a volume of exactly 350 mm³ and of exactly 2000 mm³ are both in the
350–2000 mm³ column (SnPb: 350 mm³ is "at or above" 350); SnPb's 2.5 mm is in the ≥ 2.5 mm row. A
Pb-free thickness of exactly 2.5 mm is in the 1.6–2.5 mm row by CHECKS.md ("> 2.5 mm" is the last row)
and by J-STD-020; the code puts it in the last row (the xfail below). A peak exactly at Tc passes.

Every package here is one element `pkg` (line 2) of a moulded body, with one step (line 4).
"""

from __future__ import annotations

import pytest

from .designs import deck, design, fired, line_of

SNPB = deck("RL002", lead_free=False)


def pkg(size: str, peak: str, *, kind: str = "reflow", msl: str = "msl 3", more: str = "") -> str:
    """A moisture-sensitive package `pkg` (line 2) and one step `s1` (line 4) of that kind and peak."""
    return f"""material mc {{ kind polymer; cte 10 ppm/K; tg 150 C }}
element pkg : chip {{ body mc; size {size}{"; " + msl if msl else ""} }}
process {{
    step s1 {{ kind {kind}; peak {peak}{more} }}
}}
"""


def tc_of(check_text, size: str, tc: float, deck_text: str | None = None) -> list:
    """Asserts that a peak exactly at `tc` passes; returns the findings of a peak 0.1 K above it."""
    assert fired(check_text, pkg(size, f"{tc:g} C"), "RL002", deck=deck_text) == []
    found = fired(check_text, pkg(size, f"{tc + 0.1:g} C"), "RL002", deck=deck_text)
    assert len(found) == 1
    assert found[0].data["classification_temperature"] == tc
    return found


# ============================================================================== Table 4-2 (Pb-free), every cell
# volume = x · y · t: 10 x 10 x 1 = 100; 35 x 10 x 1 = 350; 50 x 40 x 1 = 2000; 60 x 40 x 1 = 2400 mm³, …
PB_FREE = [
    # thickness < 1.6 mm: 260 °C whatever the volume
    ("10 mm x 10 mm x 1 mm", 100.0, 260.0),
    ("35 mm x 10 mm x 1 mm", 350.0, 260.0),
    ("50 mm x 40 mm x 1 mm", 2000.0, 260.0),
    ("60 mm x 40 mm x 1 mm", 2400.0, 260.0),
    ("50 mm x 30 mm x 1.599 mm", 2398.5, 260.0),  # just below 1.6 mm: still the first row
    # thickness 1.6 mm (the boundary: in the 1.6–2.5 mm row)
    ("10 mm x 10 mm x 1.6 mm", 160.0, 260.0),
    ("21.874 mm x 10 mm x 1.6 mm", 349.984, 260.0),  # just below 350 mm³
    ("21.875 mm x 10 mm x 1.6 mm", 350.0, 250.0),  # 350 mm³ exactly: the 350–2000 column
    ("50 mm x 25 mm x 1.6 mm", 2000.0, 250.0),  # 2000 mm³ exactly: still the 350–2000 column
    ("50 mm x 25.01 mm x 1.6 mm", 2000.8, 245.0),  # just above 2000 mm³
    ("50 mm x 30 mm x 1.6 mm", 2400.0, 245.0),
    # thickness 2 mm and 2.499 mm (inside the 1.6–2.5 mm row)
    ("17.5 mm x 10 mm x 2 mm", 350.0, 250.0),
    ("50 mm x 20 mm x 2 mm", 2000.0, 250.0),
    ("10 mm x 10 mm x 2.499 mm", 249.9, 260.0),
    ("20 mm x 20 mm x 2.499 mm", 999.6, 250.0),
    ("30 mm x 30 mm x 2.499 mm", 2249.1, 245.0),
    # thickness > 2.5 mm
    ("10 mm x 5 mm x 4 mm", 200.0, 250.0),
    ("8.75 mm x 10 mm x 4 mm", 350.0, 245.0),
    ("25 mm x 20 mm x 4 mm", 2000.0, 245.0),
    ("30 mm x 20 mm x 4 mm", 2400.0, 245.0),
    ("10 mm x 10 mm x 2.501 mm", 250.1, 250.0),  # just above 2.5 mm
]


@pytest.mark.parametrize(("size", "volume", "tc"), PB_FREE, ids=[s for s, _, _ in PB_FREE])
def test_rl002_pb_free_table_4_2(check_text, size, volume, tc) -> None:
    [f] = tc_of(check_text, size, tc)
    x, y, t = (float(v.split()[0]) for v in size.split(" x "))
    assert f.data["volume_mm3"] == pytest.approx(x * y * t) == pytest.approx(volume)
    assert f.data["thickness"] == pytest.approx(t * 1000)
    assert (f.data["lead_free"], f.data["table"]) == (True, "4-2")


@pytest.mark.parametrize(
    ("size", "tc"),
    [("10 mm x 10 mm x 2.5 mm", 260.0), ("14 mm x 10 mm x 2.5 mm", 250.0)],
)
def test_rl002_pb_free_2_5_mm_is_in_the_1_6_to_2_5_mm_row(check_text, size, tc) -> None:
    # 250 mm³ -> 260 °C (the code: 250 °C); 350 mm³ -> 250 °C (the code: 245 °C). Above 2000 mm³ both rows
    # give 245 °C, so only these two cells tell the rows apart.
    tc_of(check_text, size, tc)


# ============================================================================== Table 4-1 (SnPb)
SN_PB = [
    ("10 mm x 10 mm x 1 mm", 235.0),  # < 2.5 mm, 100 mm³
    ("17.49 mm x 10 mm x 2 mm", 235.0),  # < 2.5 mm, 349.8 mm³
    ("17.5 mm x 10 mm x 2 mm", 220.0),  # < 2.5 mm, 350 mm³ exactly: "at or above"
    ("50 mm x 40 mm x 2.499 mm", 220.0),  # < 2.5 mm, 4998 mm³
    ("10 mm x 10 mm x 2.499 mm", 235.0),  # just below 2.5 mm, 249.9 mm³
    ("10 mm x 10 mm x 2.5 mm", 220.0),  # 2.5 mm exactly: the ≥ 2.5 mm row, whatever the volume
    ("30 mm x 30 mm x 4 mm", 220.0),
]


@pytest.mark.parametrize(("size", "tc"), SN_PB, ids=[s for s, _ in SN_PB])
def test_rl002_snpb_table_4_1_with_lead_free_false(check_text, size, tc) -> None:
    [f] = tc_of(check_text, size, tc, SNPB)
    assert (f.data["lead_free"], f.data["table"]) == (False, "4-1")
    assert "SnPb, J-STD-020 Table 4-1" in f.message


def test_rl002_the_finding_names_the_step_tc_and_how_it_was_found(check_text) -> None:
    text = pkg("21.875 mm x 10 mm x 1.6 mm", "255 C")
    [f] = fired(check_text, text, "RL002")
    assert (f.severity.value, f.object_names, f.count) == ("error", ["pkg"], 1)
    assert f.location.line == line_of(text, "step s1") == 4  # the step that overheats it
    assert f.data == {
        "step": "s1",
        "temperature": 255.0,
        "classification_temperature": 250.0,
        "msl": 3,
        "thickness": 1600.0,
        "volume_mm3": 350.0,
        "lead_free": True,
        "table": "4-2",
    }
    assert f.message == (
        "step s1 heats pkg to 255 °C, above its J-STD-020 classification temperature 250 °C (MSL 3; Pb-free, "
        "J-STD-020 Table 4-2: thickness 1.6–2.5 mm, volume 350–2000 mm³: thickness 1600 µm, volume 350 mm³)"
    )


@pytest.mark.parametrize("level", [1, 2, 6])
def test_rl002_every_level_is_checked_and_reported(check_text, level) -> None:
    [f] = fired(check_text, pkg("10 mm x 10 mm x 1 mm", "261 C", msl=f"msl {level}"), "RL002")
    assert f.data["msl"] == level and f"(MSL {level};" in f.message


def test_rl002_an_element_without_msl_is_not_checked(check_text) -> None:
    assert fired(check_text, pkg("10 mm x 10 mm x 1 mm", "300 C", msl=""), "RL002") == []


def test_rl002_the_deck_says_true_as_well(check_text) -> None:
    text = pkg("10 mm x 10 mm x 2 mm", "240 C")  # Pb-free 260 °C: passes; SnPb 235 °C: fires
    assert fired(check_text, text, "RL002", deck=deck("RL002", lead_free=True)) == []
    assert len(fired(check_text, text, "RL002", deck=SNPB)) == 1


# ============================================================================== which steps count
@pytest.mark.parametrize(("kind", "fires"), [("reflow", True), ("rework", True), ("cure", False), ("bond", False)])
def test_rl002_reflow_and_rework_steps_count_other_kinds_do_not(check_text, kind, fires) -> None:
    found = fired(check_text, pkg("10 mm x 10 mm x 1 mm", "300 C", kind=kind), "RL002")
    assert len(found) == int(fires)


def test_rl002_a_step_temp_range_counts_by_its_top(check_text) -> None:
    text = pkg("10 mm x 10 mm x 1 mm", "260 C").replace("peak 260 C", "temp 25 C .. 260.5 C")
    [f] = fired(check_text, text, "RL002")
    assert f.data["temperature"] == 260.5


def test_rl002_each_hot_step_gives_its_own_finding(check_text) -> None:
    text = """material mc { kind polymer; cte 10 ppm/K }
element pkg : chip { body mc; size 10 mm x 10 mm x 1 mm; msl 3 }
process {
    step first { kind reflow; peak 265 C }
    step cure { kind cure; peak 300 C }
    step second { kind rework; peak 262 C }
    step third { kind reflow; peak 260 C }
}
"""
    found = fired(check_text, text, "RL002")
    assert [(f.data["step"], f.data["temperature"], f.location.line) for f in found] == [
        ("first", 265.0, 4),
        ("second", 262.0, 6),
    ]


def test_rl002_a_step_that_heats_another_element_exposes_it_to_ambient(check_text) -> None:
    # STACK.md §5: a step with `heats` exposes what it does not name to its `ambient` (default 25 °C).
    text = """material mc { kind polymer; cte 10 ppm/K }
element pkg : chip { body mc; size 10 mm x 10 mm x 1 mm; msl 3 }
element other : chip { body mc; size 10 mm x 10 mm x 1 mm }
process {
    step s1 { kind rework; peak 300 C; heats other }
    step s2 { kind rework; peak 300 C; heats other; ambient 260 C }
    step s3 { kind rework; peak 300 C; heats other; ambient 261 C }
    step s4 { kind rework; peak 300 C; heats pkg }
}
"""
    found = fired(check_text, text, "RL002")
    assert [(f.data["step"], f.data["temperature"]) for f in found] == [("s3", 261.0), ("s4", 300.0)]


def test_rl002_a_step_before_the_element_exists_does_not_heat_it(check_text) -> None:
    text = """material mc { kind polymer; cte 10 ppm/K }
element pkg : chip { body mc; size 10 mm x 10 mm x 1 mm; msl 3 }
process {
    step early { kind reflow; peak 300 C }
    step place { kind deposit; temp 25 C; forms pkg }
    step late { kind reflow; peak 270 C }
}
"""
    assert [f.data["step"] for f in fired(check_text, text, "RL002")] == ["late"]


# ============================================================================== missing thickness: info once
@pytest.mark.parametrize("size", ["size 10 mm x 10 mm", ""])
def test_rl002_an_msl_without_a_thickness_is_reported_once(check_text, size) -> None:
    text = f"""material mc {{ kind polymer; cte 10 ppm/K }}
element pkg : chip {{ body mc{"; " + size if size else ""}; msl 4 }}
process {{
    step s1 {{ kind reflow; peak 300 C }}
    step s2 {{ kind rework; peak 300 C }}
}}
"""
    [f] = fired(check_text, text, "RL002")
    assert (f.severity.value, f.object_names, f.count, f.location.line) == ("info", ["pkg"], 1, 2)
    assert f.data == {"missing": "thickness", "msl": 4}
    assert f.message == (
        "pkg declares MSL 4 but no thickness (the third value of `size`): RL002 cannot find its J-STD-020 "
        "classification temperature"
    )


def test_rl002_no_info_for_an_element_without_msl_or_size(check_text) -> None:
    assert fired(check_text, design(die="body si"), "RL002") == []


def test_rl002_in_the_base_design_a_flip_chip_die(check_text) -> None:
    # The die: 8 x 6 x 0.5 mm, 24 mm³: 260 °C; the reflow's 245 °C passes, a 261 °C rework fires.
    text = design(
        die="body si; size 8 mm x 6 mm x 0.5 mm; msl 3",
        steps="step reflow { kind reflow; peak 245 C; forms s }\n    step fix { kind rework; peak 261 C }",
    )
    [f] = fired(check_text, text, "RL002")
    assert (f.object_names, f.data["step"], f.data["volume_mm3"]) == (["die"], "fix", pytest.approx(24.0))
