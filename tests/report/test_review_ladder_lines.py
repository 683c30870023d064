"""The families' lines on the melting ladder (`LadderLine`, `ReviewFamily.ladder`; marks.py, ladder.py).

The reliability family draws each moisture-sensitive element's J-STD-020 classification temperature
(a limit the reflow must stay at or below) and each polymer's glass transition (a transition) on the
ladder; the core draws them without knowing either. Here: the lines are in the SVG with their labels
at their temperatures, the one a step exceeds (or a finding concerns) is red, a third party's lines
are drawn through the same contract, a broken source is reported, and a design without such lines
gets the ladder it got before lines existed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import assemblint
from assemblint.builtin import review_from
from assemblint.plugins.host import PluginHost
from assemblint.report.review import page
from assemblint.report.review.ladder import melting_ladder
from assemblint.report.review.marks import LadderLine, Review, ReviewFamily

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SVG = "{http://www.w3.org/2000/svg}"
RED = "#c62828"
REVIEW = review_from(PluginHost.default())  # the installed families, as the page gets them


def flip_chip(*, peak: str = "265 C", tg: str = "118 C", extra: str = "") -> str:
    """An MSL 3 die (10 x 10 x 0.75 mm: 75 mm³, < 1.6 mm thick, so Tc 260 °C Pb-free) flip-chip soldered
    to a substrate, underfilled with a resin of Tg `tg`, reflowed at `peak`, cycled up to 100 °C."""
    return f"""use std
material uf_resin {{ kind polymer; dielectric; cte 30 ppm/K; tg {tg}; cte_above_tg 100 ppm/K }}
element die : chip {{ body silicon; size 10 mm x 10 mm x 0.75 mm; z 1080 um; flip; msl 3
    pads c grid 4 x 4 pitch 200 um diameter 100 um }}
element sub : substrate {{ body silicon; size 20 mm x 20 mm x 1 mm; z 0 um
    pads p grid 4 x 4 pitch 200 um diameter 100 um }}
masses s : SAC305 {{ joins die.c[*] -- sub.p[*] by position; diameter 100 um; height 80 um }}
layer uf : uf_resin {{ role underfill; between die, sub; surrounds s }}
{extra}process {{
    step reflow {{ kind reflow; peak {peak}; forms s }}
    step fill {{ kind cure; peak 150 C; forms uf }}
    operate -40 C .. 85 C
    cycle -40 C .. 100 C count 1000
}}
"""


def checked(tmp_path: Path, text: str, deck: str | None = None):
    path = tmp_path / "design.assy"
    path.write_text(text, encoding="utf-8")
    deck_path = None
    if deck is not None:
        deck_path = tmp_path / "deck.toml"
        deck_path.write_text(f'[deck]\nname = "test"\n{deck}\n', encoding="utf-8")
    report = assemblint.check(path, deck=str(deck_path) if deck_path else None)
    assert not report.errors and not report.problems
    (assembly,) = report.designs
    return report, assembly


def parse(svg: str | None) -> ET.Element:
    assert svg is not None
    return ET.fromstring(svg)


def lines_of(root: ET.Element) -> dict[str, ET.Element]:
    """The families' lines, by temperature (`data-temperature`)."""
    return {g.get("data-temperature"): g for g in root.iter(f"{SVG}g") if "ladder-line" in g.get("class", "").split()}


def label_of(root: ET.Element, temperature: str) -> list[str]:
    """The texts of a line's label in the gutter."""
    (group,) = [
        g for g in root.iter(f"{SVG}g") if g.get("class") == "line-label" and g.get("data-temperature") == temperature
    ]
    return ["".join(t.itertext()) for t in group.iter(f"{SVG}text")]


def y_of_path(element: ET.Element) -> float:
    """The y of a horizontal line (drawsvg writes a line as a path `M x y L x y`)."""
    (path,) = [e for e in element.iter() if e.tag in (f"{SVG}path", f"{SVG}line")]
    numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", path.get("d", ""))]
    assert numbers[1] == numbers[3], "horizontal"
    return numbers[1]


def step_line(root: ET.Element, name: str) -> ET.Element:
    (found,) = [e for e in root.iter() if e.get("class") == "step" and e.get("data-step") == name]
    return found


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


# ------------------------------------------------------------------------------------------ the RL lines
def test_the_classification_temperature_and_the_tg_are_drawn_and_the_exceeded_one_is_red(tmp_path):
    report, assembly = checked(tmp_path, flip_chip(peak="265 C"))
    assert [f.rule for f in report.findings if f.rule.startswith("RL")] == ["RL002"]
    root = parse(melting_ladder(assembly, report.findings, REVIEW))
    lines = lines_of(root)
    assert set(lines) >= {"260", "118"}

    tc = lines["260"]
    assert tc.get("class").split() == ["ladder-line", "over"], "the reflow at 265 °C exceeds Tc 260 °C"
    assert (tc.get("data-kind"), tc.get("data-rule"), tc.get("data-objects"), tc.get("data-state")) == (
        "limit",
        "RL002",
        "die",
        "exceeded",
    )
    (path,) = [e for e in tc.iter() if e.tag == f"{SVG}path"]
    assert path.get("stroke") == RED and path.get("stroke-dasharray"), "red and dashed"
    assert label_of(root, "260")[:2] == ["die MSL 3: Tc 260 °C (J-STD-020 4-2)", "thickness 750 µm, volume 75 mm³"]
    assert "exceeded by reflow (265 °C)" in label_of(root, "260")
    assert "RL002: 1 finding" in label_of(root, "260")
    assert not any("assumed" in t for t in label_of(root, "260")), "RL002's finding says which table the deck chose"

    tg = lines["118"]
    assert tg.get("class") == "ladder-line", "a Tg above the cycle range (100 °C) is not red"
    assert (tg.get("data-kind"), tg.get("data-rule"), tg.get("data-objects"), tg.get("data-state")) == (
        "transition",
        "RL001",
        "uf",
        "clear",
    )
    (path,) = [e for e in tg.iter() if e.tag == f"{SVG}path"]
    assert path.get("stroke") != RED and path.get("stroke-dasharray")
    assert label_of(root, "118") == ["Tg 118 °C: underfill uf", "uf_resin, α2 100 ppm/K above"]

    # at their temperatures: the reflow (265) a little above Tc (260), the Tg (118) far below
    y265, y260, y118 = y_of_path(step_line(root, "reflow")), y_of_path(tc), y_of_path(tg)
    assert y265 < y260 < y118
    assert (y118 - y260) / (y260 - y265) == pytest.approx((260 - 118) / (265 - 260), rel=0.02)

    legend = texts(next(g for g in root.iter(f"{SVG}g") if g.get("class") == "legend"))
    assert "transition a rule family marks (dotted)" in legend
    assert "limit a step exceeds, or with a finding of its rule" in legend
    assert "transition with a finding of its rule" not in legend
    assert "Tc 260 °C" in root.get("aria-label") and "Tg 118 °C" in root.get("aria-label")


def test_a_reflow_under_tc_leaves_the_line_clear_and_says_the_table_is_assumed(tmp_path):
    report, assembly = checked(tmp_path, flip_chip(peak="255 C"))
    root = parse(melting_ladder(assembly, report.findings, REVIEW))
    tc = lines_of(root)["260"]
    assert tc.get("class") == "ladder-line" and tc.get("data-state") == "clear"
    label = label_of(root, "260")
    assert label[0] == "die MSL 3: Tc 260 °C (J-STD-020 4-2)"
    assert "Pb-free assumed (the deck's lead_free unknown here)" in label, "no finding says what the deck chose"
    assert not any(t.startswith("exceeded by") for t in label)
    legend = texts(next(g for g in root.iter(f"{SVG}g") if g.get("class") == "legend"))
    assert "limit a rule family checks the steps against (dashed)" in legend
    assert "limit a step exceeds, or with a finding of its rule" not in legend


def test_a_tg_inside_the_service_range_is_red_through_its_finding(tmp_path):
    report, assembly = checked(tmp_path, flip_chip(peak="255 C", tg="90 C"))
    assert [f.rule for f in report.findings if f.rule.startswith("RL")] == ["RL001"]
    root = parse(melting_ladder(assembly, report.findings, REVIEW))
    tg = lines_of(root)["90"]
    assert tg.get("class").split() == ["ladder-line", "over"] and tg.get("data-state") == "finding"
    assert "RL001: 1 finding" in label_of(root, "90")
    legend = texts(next(g for g in root.iter(f"{SVG}g") if g.get("class") == "legend"))
    assert "transition with a finding of its rule" in legend


def test_the_tc_follows_the_table_of_rl002s_findings(tmp_path):
    """With `lead_free = false` RL002 classifies by Table 4-1 (Tc 235 °C here); its finding says so, and
    the ladder's line follows it."""
    report, assembly = checked(tmp_path, flip_chip(peak="245 C"), deck="[rules.RL002]\nlead_free = false")
    root = parse(melting_ladder(assembly, report.findings, REVIEW))
    tc = lines_of(root)["235"]
    assert tc.get("data-state") == "exceeded"
    assert label_of(root, "235")[0] == "die MSL 3: Tc 235 °C (J-STD-020 4-1)"
    assert "260" not in lines_of(root)


# ------------------------------------------------------------------------------------------ the contract
def third_party(source) -> Review:
    return Review([ReviewFamily(prefix="ACM", title="acme", ladder=source, plugin="acme")])


def test_a_third_party_family_draws_its_lines_through_the_contract(tmp_path):
    def source(assembly, findings):
        yield LadderLine(250, "acme bake limit 250 °C", kind="limit")  # no object: every step's peak counts
        yield LadderLine(250, "acme bake limit 250 °C", kind="limit")  # alike: drawn once
        yield LadderLine(200, ["acme cure 200 °C", "the resin sets"], kind="transition", layers=["uf"])

    report, assembly = checked(tmp_path, flip_chip(peak="265 C"))
    review = third_party(source)
    root = parse(melting_ladder(assembly, report.findings, review))
    assert not review.problems
    lines = lines_of(root)
    assert set(lines) == {"250", "200"}
    assert lines["250"].get("data-state") == "exceeded" and lines["250"].get("data-family") == "ACM"
    assert label_of(root, "250") == ["acme bake limit 250 °C", "exceeded by reflow (265 °C)"]
    assert lines["200"].get("data-state") == "clear" and lines["200"].get("data-objects") == "uf"
    assert label_of(root, "200") == ["acme cure 200 °C", "the resin sets"]


def test_a_line_is_only_exceeded_by_the_kinds_of_step_it_is_checked_against(tmp_path):
    def source(assembly, findings):
        yield LadderLine(140, "cure limit", elements=["die"], against=["cure"])
        yield LadderLine(141, "reflow limit", elements=["die"], against=["reflow"])

    report, assembly = checked(tmp_path, flip_chip(peak="265 C"))
    root = parse(melting_ladder(assembly, report.findings, third_party(source)))
    assert label_of(root, "140")[1] == "exceeded by fill (150 °C)"
    assert label_of(root, "141")[1] == "exceeded by reflow (265 °C)"


def test_a_ladder_source_that_raises_or_returns_junk_is_reported_and_the_ladder_is_drawn(tmp_path):
    report, assembly = checked(tmp_path, flip_chip())

    def raises(assembly, findings):
        raise RuntimeError("no lines today")

    def junk(assembly, findings):
        return ["not a line"]

    review = Review(
        [
            ReviewFamily(prefix="BRK", title="broken", ladder=raises, plugin="broken"),
            ReviewFamily(prefix="JNK", title="junk", ladder=junk, plugin="junk"),
        ]
    )
    svg = melting_ladder(assembly, report.findings, review)
    assert svg == melting_ladder(assembly), "nothing drawn from them, everything else as without them"
    assert [(p.plugin, p.message.split(":")[0]) for p in review.problems] == [
        ("broken", "its review ladder raised RuntimeError"),
        ("junk", "its review ladder returned str, not a LadderLine"),
    ]


def test_a_ladder_line_is_checked_when_made():
    with pytest.raises(ValueError, match="kind"):
        LadderLine(100, "x", kind="wall")
    with pytest.raises(ValueError, match="finite"):
        LadderLine(float("nan"), "x")
    with pytest.raises(ValueError, match="label"):
        LadderLine(100, [])
    line = LadderLine("85", "a lone string is one line", elements="die", against=("reflow",))
    assert (line.temperature, line.label, line.elements, line.against) == (
        85.0,
        ("a lone string is one line",),
        ("die",),
        frozenset({"reflow"}),
    )


# ------------------------------------------------------------------------------------------ unchanged without lines
@pytest.mark.parametrize("name", ["hierarchical-solder", "insulation-faults", "melting-hierarchy", "fcbga"])
def test_without_lines_the_ladder_is_the_one_drawn_before_lines_existed(name):
    """The ladder with the installed families' review but the reliability family's lines left out (its
    plugin's declaration dropped) is byte for byte the ladder drawn from the design alone, as before the
    contract had lines; and a design with no moisture-sensitive element and no Tg gets no line at all."""
    assembly = assemblint.load(EXAMPLES / f"{name}.assy")
    findings = assemblint.check(assembly).findings
    alone = melting_ladder(assembly)
    assert melting_ladder(assembly, findings, Review()) == alone
    without_rl = Review([f for f in REVIEW.families if f.plugin != "reliability"])
    assert melting_ladder(assembly, findings, without_rl) == alone
    has_rl_data = (
        any(e.msl is not None for e in assembly.elements)
        or any((layer.material is not None and layer.material.tg is not None) for layer in assembly.layers)
        or any(e.body is not None and e.body.tg is not None and e.body.kind == "polymer" for e in assembly.elements)
    )
    drawn = melting_ladder(assembly, findings, REVIEW)
    if has_rl_data:
        assert lines_of(parse(drawn)), "the reliability family draws its lines"
    else:
        assert drawn == alone


# ------------------------------------------------------------------------------------------ on the page
def test_the_page_shows_the_lines(tmp_path):
    report, _ = checked(tmp_path, flip_chip(peak="265 C"))
    html = page.write(report, REVIEW)
    assert 'class="ladder-line over"' in html and "die MSL 3: Tc 260 °C (J-STD-020 4-2)" in html
