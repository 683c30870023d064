"""The side view of the review report (src/assemblint/report/review/side_view.py): the elements at
their heights, the masses and layers between them, the gaps, the elements not in the stack, the
stack findings marked through the families' markers, and a million masses drawn small."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

import assemblint
from assemblint.builtin import review_from
from assemblint.checking.findings import Finding
from assemblint.model.assembly import Assembly
from assemblint.plugins.host import PluginHost
from assemblint.report.review import page, pictures
from assemblint.report.review.marks import ObjectMark, Review, ReviewFamily

from .test_review_pictures import SVG, check_root, groups, parse, texts

REVIEW = review_from(PluginHost.default())

STACK = """use std
process { step reflow { kind reflow; peak 245 C }; operate 0 C .. 85 C }
element sub : substrate {
    body BT; size 12 mm x 12 mm x 1 mm; z 0 um; pads p grid 4 x 4 pitch 1 mm size 400 um x 300 um round 50 um
}
element die : chip {
    body silicon; size 5 mm x 5 mm x 0.75 mm; z 1100 um; flip; pads c grid 4 x 4 pitch 1 mm diameter 300 um
}
element lid : heat_sink { body copper; size 10 mm x 10 mm x 0.2 mm; z 3000 um }
element cap : chip { body silicon; pads t grid 1 x 2 pitch 1 mm diameter 200 um }
masses b : SAC305 { joins die.c[*] -- sub.p[*]; height 80 um }
layer uf : underfill { role underfill; between die, sub; thickness 80 um }
"""
# sub 0..1000 µm, die 1100..1850 µm (a 100 µm gap: ST003 for the 80 µm masses, ST005 for the 80 µm
# underfill), lid 3000..3200 µm held by nothing (ST001), cap without a height (not in the stack)


def side(assembly: Assembly, findings: list[Finding], review: Review | None = REVIEW) -> ET.Element:
    svg = pictures.side_view(assembly, findings, review)
    assert svg is not None
    assert not re.search(r"\bnan\b|\binf\b", svg), "no NaN or infinity drawn"
    root = parse(svg)
    check_root(root, "sideview")
    return root


@pytest.fixture
def stack(load_text):
    assembly = load_text(STACK)
    return assembly, assemblint.check(assembly).findings


def scale(root: ET.Element) -> tuple[float, float, float, float]:
    """px per µm in x and z, and the x and y (px) of the origin, as the plot declares them."""
    plot = groups(root, "stack")[0]
    return tuple(float(plot.get(k)) for k in ("data-px-per-um-x", "data-px-per-um-z", "data-zero-x", "data-zero-y"))


def rect(group: ET.Element) -> dict[str, float]:
    first = group.find(f"{SVG}rect")
    assert first is not None
    return {k: float(first.get(k)) for k in ("x", "y", "width", "height")}


def test_the_elements_are_drawn_at_their_heights(stack):
    assembly, findings = stack
    root = side(assembly, findings)
    sx, sz, x0, y0 = scale(root)
    elements = {g.get("data-element"): g for g in groups(root, "element")}
    assert set(elements) == {"sub", "die", "lid"}
    for name in ("sub", "die", "lid"):
        element = next(e for e in assembly.elements if e.name == name)
        box = rect(elements[name])
        left, _, right, _ = element.outline()
        assert box["y"] == pytest.approx(y0 - element.top * sz, abs=0.02)
        assert box["height"] == pytest.approx(element.thickness * sz, abs=0.02)
        assert box["x"] == pytest.approx(x0 + left * sx, abs=0.02)
        assert box["width"] == pytest.approx((right - left) * sx, abs=0.02)
        assert name in texts(elements[name])
    assert elements["die"].get("data-z") == "1100" and elements["die"].get("data-thickness") == "750"


def test_the_masses_span_from_the_lower_top_by_their_height(stack):
    assembly, findings = stack
    root = side(assembly, findings)
    sx, sz, x0, y0 = scale(root)
    tiers = groups(root, "tier columns")
    assert len(tiers) == 1
    tier = tiers[0]
    assert tier.get("data-masses") == "b" and tier.get("data-count") == "16"
    assert tier.get("data-z") == "1000" and tier.get("data-height") == "80"
    shapes = tier.findall(f"{SVG}rect")
    assert len(shapes) == 4, "a 4 x 4 grid seen from the side: 4 columns"
    for shape in shapes:
        assert float(shape.get("y")) == pytest.approx(y0 - 1080 * sz, abs=0.02)
        assert float(shape.get("height")) == pytest.approx(80 * sz, abs=0.02)
        assert float(shape.get("width")) == pytest.approx(300 * sx, abs=0.02)  # the masses' diameter
        assert float(shape.get("rx")) == pytest.approx(150 * sx, abs=0.02)  # round: half the width
    centres = sorted(float(s.get("x")) + float(s.get("width")) / 2 for s in shapes)
    netlist = assembly.netlist
    expected = sorted(set(netlist.pad_x[netlist.mass_pad_a].tolist()))
    assert centres == pytest.approx([x0 + x * sx for x in expected], abs=0.05)
    assert any(t.startswith("masses b: 16, 80 µm high, from z 1000 µm") for t in texts(root))


def test_the_layer_between_is_a_band_and_the_gap_is_labelled(stack):
    assembly, findings = stack
    root = side(assembly, findings)
    sx, sz, x0, y0 = scale(root)
    layers = {g.get("data-layer"): g for g in groups(root, "layer")}
    assert set(layers) == {"uf"}
    band = rect(layers["uf"])
    assert band["y"] == pytest.approx(y0 - 1080 * sz, abs=0.02)
    assert band["height"] == pytest.approx(80 * sz, abs=0.02)
    assert band["x"] == pytest.approx(x0 - 2500 * sx, abs=0.02)  # under the die: both outlines overlap there
    assert band["width"] == pytest.approx(5000 * sx, abs=0.02)
    gaps = groups(root, "gap")
    assert [(g.get("data-from"), g.get("data-to"), g.get("data-gap")) for g in gaps] == [("1000", "1100", "100")]
    assert "gap 100 µm" in texts(gaps[0])
    assert any(t.startswith("layer uf (underfill): 80 µm thick") for t in texts(root))


def test_elements_without_heights_are_listed(stack):
    assembly, findings = stack
    root = side(assembly, findings)
    assert "not in the stack (no z or thickness): cap" in texts(root)
    assert all(g.get("data-element") != "cap" for g in groups(root, "element"))


def test_the_stack_findings_are_marked(stack):
    assembly, findings = stack
    root = side(assembly, findings)
    sx, sz, _, y0 = scale(root)
    marks = {g.get("data-rule"): g for g in groups(root, "mark")}
    assert {"ST001", "ST003", "ST005"} <= set(marks)
    # ST003: the tier of joints it names, outlined round it
    outline = rect(marks["ST003"])
    assert outline["y"] < y0 - 1080 * sz and outline["y"] + outline["height"] > y0 - 1000 * sz
    # ST005: the layer itself (its mark names it: `layers=`), not only the masses
    boxes = [{k: float(r.get(k)) for k in ("x", "y", "width", "height")} for r in marks["ST005"].findall(f"{SVG}rect")]
    assert any(abs(b["width"] - 5000 * sx) <= 18 and abs(b["height"] - 80 * sz) <= 18 for b in boxes), boxes
    # ST001: the floating lid (`elements=`), outlined round its rectangle
    lid = rect(marks["ST001"])
    assert lid["y"] < y0 - 3200 * sz < lid["y"] + 10
    keys = ["".join(g.itertext()) for g in groups(root, "mark-key")]
    assert any("ST003" in k and "b[0:16]" in k for k in keys), keys
    assert any("ST001" in k and "cap" in k for k in keys), "the cap is not in the stack, but its finding is keyed"


def test_a_third_party_marks_an_element_and_a_layer_through_the_contract(stack):
    assembly, findings = stack

    def mark(finding, assembly):
        yield ObjectMark("die", "too warm", elements=["die", "no-such-element"], layers="uf")

    review = Review(families=[ReviewFamily("ST", "acme stack", marks={f.rule: mark for f in findings})])
    root = side(assembly, findings, review)
    drawn = groups(root, "mark")
    assert drawn and all(len(g.findall(f"{SVG}rect")) == 2 for g in drawn)  # the die and the band; no junk
    assert not review.problems
    # without the families' declarations, nothing is marked
    assert not groups(side(assembly, findings, Review()), "mark")


def test_no_side_view_without_heights_and_the_page_says_nothing(load_text):
    text = STACK.replace("; z 0 um", "").replace("; z 1100 um", "").replace("; z 3000 um", "")
    assembly = load_text(text)
    assert pictures.side_view(assembly, []) is None
    report = assemblint.check(assembly)
    html = page.write(report, REVIEW)
    assert "Side view" not in html and "picture sideview" not in html


def test_a_stack_without_thicknesses_says_so_in_one_line(load_text):
    assembly = load_text(
        "use std\n"
        "element a : chip { body silicon; z 0 um; pads c grid 1 x 2 pitch 1 mm diameter 100 um }\n"
        "element b : substrate { body BT; z 100 um; pads p grid 1 x 2 pitch 1 mm diameter 100 um }\n"
        "masses m : SAC305 { joins a.c[*] -- b.p[*]; height 80 um }\n"
    )
    assert pictures.side_view(assembly, []) is None
    html = page.write(assemblint.check(assembly), REVIEW)
    assert "Not applicable: no element has both a z and a thickness." in html


def test_the_page_shows_the_side_view(stack):
    assembly, _ = stack
    report = assemblint.check(assembly)
    html = page.write(report, REVIEW)
    assert html.count('class="picture sideview"') == 1
    assert html.index("picture sideview") < html.index("picture topview")


def test_a_deposit_spans_from_its_face(load_text):
    assembly = load_text(
        "use std\n"
        "element d : chip { body silicon; size 2 mm x 2 mm x 0.5 mm; z 100 um\n"
        "    pads c grid 1 x 2 pitch 1 mm diameter 100 um }\n"
        "element u : chip { body silicon; size 2 mm x 2 mm x 0.5 mm; z 100 um; flip\n"
        "    pads c grid 1 x 2 pitch 1 mm diameter 100 um }\n"
        "masses up : SAC305 { joins d.c[*]; height 40 um }\n"
        "masses down : SAC305 { joins u.c[*]; height 30 um }\n"
    )
    root = side(assembly, [])
    tiers = {g.get("data-masses"): g for g in root.iter(f"{SVG}g") if (g.get("class") or "").startswith("tier")}
    assert (tiers["up"].get("data-z"), tiers["up"].get("data-height")) == ("600", "40")  # on d's top, upwards
    assert (tiers["down"].get("data-z"), tiers["down"].get("data-height")) == ("70", "30")  # under u's front


def test_a_million_masses_make_a_small_side_view(tmp_path):
    side_pads = 1000
    pads = f"grid {side_pads} x {side_pads} pitch 100 um diameter 50 um"
    text = (
        "use std\n"
        "process { step reflow { kind reflow; peak 245 C }; operate 0 C .. 85 C }\n"
        f"element die : chip {{ body silicon; size 101 mm x 101 mm x 0.7 mm; z 1040 um; pads c {pads} }}\n"
        f"element sub : interposer {{ body silicon; size 101 mm x 101 mm x 1 mm; z 0 um; pads p {pads} }}\n"
        "masses m : SAC305 { joins die.c[*] -- sub.p[*]; diameter 50 um; height 40 um }\n"
    )
    path = tmp_path / "million.assy"
    path.write_text(text, encoding="utf-8")
    assembly = assemblint.load(path)
    assert assembly.mass_count == 1_000_000
    root = side(assembly, assemblint.check(assembly).findings)
    assert sum(1 for _ in root.iter()) < 2_000
    band = groups(root, "tier band")
    assert band and band[0].get("data-count") == "1000000"
    assert len(band[0].findall(f"{SVG}rect")) <= 600
    assert any(t.startswith("masses m: 1,000,000, 40 µm high") for t in texts(root))


# ------------------------------------------------------------------------------------------ shapes on the top view
SHAPES = """use std
element sub : substrate {
    body BT; size 10 mm x 6 mm x 1 mm
    pads r at (-2 mm, 0 mm) size 400 um x 300 um round 50 um
    pads o at (0 mm, 0 mm) oblong 600 um x 300 um
    pads c at (2 mm, 0 mm) diameter 300 um
}
element die : chip {
    body silicon; size 6 mm x 2 mm x 0.5 mm; rotate 90
    pads r at (0 mm, 2 mm) size 400 um x 300 um round 50 um
    pads o at (0 mm, 0 mm) oblong 600 um x 300 um
    pads c at (0 mm, -2 mm) diameter 300 um
}
masses mr : SAC305 { joins die.r -- sub.r; height 80 um }
masses mo : SAC305 { joins die.o -- sub.o; height 80 um }
masses mc : SAC305 { joins die.c -- sub.c; height 80 um }
"""


def test_the_top_view_draws_the_real_shapes_turned(load_text):
    assembly = load_text(SHAPES)
    views = pictures.top_views(assembly, [], REVIEW)
    root = parse(views[0][1])
    check_root(root, "topview")
    plot = root.find(f"{SVG}rect")  # the frame: its width in px over the view's extent gives the scale
    pads = {g.get("data-element"): g for g in groups(root, "pads")}
    sub_rects = [r for r in pads["sub"].iter(f"{SVG}rect")]
    sub_circles = list(pads["sub"].iter(f"{SVG}circle"))
    die_rects = [r for r in pads["die"].iter(f"{SVG}rect")]
    assert len(sub_rects) == 2 and len(sub_circles) == 1  # a rounded rectangle and an oblong; a round pad
    assert len(die_rects) == 2 and len(list(pads["die"].iter(f"{SVG}circle"))) == 1
    circle = sub_circles[0]
    px_per_um = float(circle.get("r")) / 150  # the round pad: ⌀300 µm
    by_width = {round(float(r.get("width")) / px_per_um): r for r in sub_rects}
    rounded, oblong = by_width[400], by_width[600]
    assert float(rounded.get("height")) == pytest.approx(300 * px_per_um, abs=0.02)
    assert float(rounded.get("rx")) == pytest.approx(50 * px_per_um, abs=0.02)  # rx = the corner
    assert float(oblong.get("height")) == pytest.approx(300 * px_per_um, abs=0.02)
    assert float(oblong.get("rx")) == pytest.approx(150 * px_per_um, abs=0.02)  # half the smaller side
    # the die is turned a quarter: its pads are 300 wide and 400 (600) high in the assembly's frame
    turned = sorted(
        (round(float(r.get("width")) / px_per_um), round(float(r.get("height")) / px_per_um)) for r in die_rects
    )
    assert turned == [(300, 400), (300, 600)]
    # the masses take their pads' shapes (the smaller of the two: here the same)
    masses = groups(root, "masses")[0]
    assert len(list(masses.iter(f"{SVG}rect"))) == 2 and len(list(masses.iter(f"{SVG}circle"))) == 1
    # the outlines, turned: the die's 6 x 2 mm becomes 2 mm wide, 6 mm high
    outlines = {r.get("data-element"): r for r in root.iter(f"{SVG}rect") if r.get("class") == "outline"}
    die = outlines["die"]
    assert float(die.get("width")) == pytest.approx(2000 * px_per_um, abs=0.05)
    assert float(die.get("height")) <= float(plot.get("height")) + 0.01
