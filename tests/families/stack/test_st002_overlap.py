"""ST002 overlap (plugins/assemblint_stack/st002_overlap.py): two placed elements in the same space.

The base design (designs.py): sub spans x, y −6…6 mm and z 0…1000 µm; the die −2.5…2.5 mm and
z 1080…1830 µm.
"""

from __future__ import annotations

import time

import pytest

from .designs import design, die, fired

CAP = "element cap : chip {{ body silicon; size 1 mm x 1 mm x 0.5 mm; z {z}; position ({x}, 0 mm) }}\n"


def test_st002_fires_on_a_capacitor_inside_the_die(check_text) -> None:
    # cap: x −0.5…0.5 mm, z 1200…1700 µm, wholly inside the die: 1 mm² over 500 µm.
    [finding] = fired(check_text, design(extra=CAP.format(z="1200 um", x="0 mm")), "ST002")
    assert finding.severity.value == "error"
    assert finding.object_names == ["cap", "die"]
    assert finding.count == 1
    assert finding.data == {
        "elements": ["die", "cap"],
        "area": 1_000_000.0,
        "overlap_x": [-500.0, 500.0],
        "overlap_y": [-500.0, 500.0],
        "bottom": 1200.0,
        "top": 1700.0,
        "height": 500.0,
    }
    assert finding.message == (
        "cap and die overlap in space: 1000 µm × 1000 µm of their outlines (1 mm²) over the heights "
        "1200 µm to 1700 µm (500 µm) are in both"
    )


@pytest.mark.parametrize(
    ("z", "fires", "height"),
    [("1000 um", False, None), ("999.999 um", True, 0.001), ("1 mm", False, None), ("990 um", True, 10.0)],
)
def test_st002_boundary_a_die_resting_on_the_substrate_does_not_overlap(check_text, z, fires, height) -> None:
    # Die bottom at the substrate's top (1000 µm): they touch, no overlap; 1 nm lower: 0.001 µm of overlap.
    findings = fired(check_text, design(die=die(z)), "ST002")
    assert bool(findings) is fires
    if fires:
        [finding] = findings
        assert finding.object_names == ["die", "sub"]
        assert finding.data["height"] == pytest.approx(height)
        assert finding.data["area"] == 25_000_000.0  # the whole 5 × 5 mm die


@pytest.mark.parametrize(("x", "fires", "area"), [("3 mm", False, None), ("2.999 mm", True, 1.0 * 1000)])
def test_st002_boundary_outlines_sharing_an_edge_do_not_overlap(check_text, x, fires, area) -> None:
    # cap's left edge at x − 0.5 mm; the die's right edge at 2.5 mm: at 3 mm they share the edge.
    findings = fired(check_text, design(extra=CAP.format(z="1200 um", x=x)), "ST002")
    assert bool(findings) is fires
    if fires:
        assert findings[0].data["area"] == pytest.approx(area)  # 1 µm × 1000 µm


def test_st002_one_finding_per_pair(check_text) -> None:
    # Two caps inside the die, overlapping each other too: three pairs.
    extra = CAP.format(z="1200 um", x="0 mm") + CAP.format(z="1300 um", x="0.5 mm").replace("cap :", "cap2 :")
    findings = fired(check_text, design(extra=extra), "ST002")
    assert sorted(f.object_names for f in findings) == [["cap", "cap2"], ["cap", "die"], ["cap2", "die"]]
    assert [f.count for f in findings] == [1, 1, 1]


def test_st002_elements_without_a_height_are_not_checked(check_text) -> None:
    assert fired(check_text, design(extra=CAP.format(z="1200 um", x="0 mm").replace("x 0.5 mm", "")), "ST002") == []


def test_st002_ten_thousand_elements_stay_fast(check_text) -> None:
    # A 100 × 100 grid of 1 mm tiles at a 1 mm pitch (they share edges: no overlap), one tile out of
    # place overlapping its neighbour, all on one board.
    tiles = "\n".join(
        f"element t{i}_{j} : chip {{ body silicon; size 1 mm x 1 mm x 0.1 mm; z 1 mm; position ({i} mm, {j} mm) }}"
        for i in range(100)
        for j in range(100)
    )
    odd = "element odd : chip { body silicon; size 1 mm x 1 mm x 0.1 mm; z 1 mm; position (0.5 mm, 0 mm) }"
    text = f"use std\n{tiles}\n{odd}\n"
    began = time.perf_counter()
    findings = fired(check_text, text, "ST002")
    assert time.perf_counter() - began < 60  # the whole check, loading 10,001 elements included
    assert sorted(f.object_names for f in findings) == [["odd", "t0_0"], ["odd", "t1_0"]]
