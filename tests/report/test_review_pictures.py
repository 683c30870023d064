"""The SVG pictures of the HTML review report (src/assemblint/review/pictures.py): the melting
ladder, the top views and the CTE map, on the shared examples and on a design of a million masses."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import assemblint
from assemblint.builtin import review_from
from assemblint.plugins.host import PluginHost
from assemblint.report.review import pictures
from assemblint.report.review.pictures import melting_ladder

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SVG = "{http://www.w3.org/2000/svg}"
# How the installed families draw their findings (the `assemblint_review` hook), as the page gets it.
REVIEW = review_from(PluginHost.default())


def top_views(assembly, findings):
    return pictures.top_views(assembly, findings, REVIEW)


def cte_map(assembly, findings):
    return pictures.cte_map(assembly, findings, REVIEW)


def design(name: str, flat: bool = False):
    assembly = assemblint.load(EXAMPLES / f"{name}.assy", flat=flat)
    return assembly, assemblint.check(assembly).findings


def parse(svg: str) -> ET.Element:
    assert not svg.startswith("<?xml"), "inline SVG: no XML declaration"
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def groups(root: ET.Element, cls: str) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == cls]


def step_lines(root: ET.Element) -> list[str]:
    """The steps drawn as lines across the ladder (drawsvg draws a line as a path)."""
    return [e.get("data-step") for e in root.iter() if e.get("class") == "step"]


def check_root(root: ET.Element, kind: str) -> None:
    """The attributes the page relies on: class, role, label, title, viewBox, a width in px, no fonts to fetch."""
    assert root.get("class") == f"picture {kind}"
    assert root.get("role") == "img"
    assert root.get("aria-label")
    title = root.find(f"{SVG}title")
    assert title is not None and title.text
    assert next(iter(root)) is title, "the <title> comes first"
    width = float(root.get("width"))
    assert [float(v) for v in root.get("viewBox").split()] == [0, 0, width, float(root.get("height"))]
    assert "system-ui" in root.get("font-family")
    assert root.find(f".//{SVG}style") is None and root.find(f".//{SVG}script") is None
    assert not any(e.get("id") for e in root.iter()), "no ids: several pictures share one page"
    assert not any(e.get("href") or e.get("{http://www.w3.org/1999/xlink}href") for e in root.iter()), "no fetch"


# ------------------------------------------------------------------------------------------ melting ladder
def test_ladder_of_liquid_interconnect():
    assembly, _ = design("liquid-interconnect")
    root = parse(melting_ladder(assembly))
    check_root(root, "ladder")
    bands = {g.get("data-material"): g for g in groups(root, "band")}
    assert list(bands) == ["seed_alloy50", "Sn42Bi58"]  # sorted by solidus
    seed = texts(bands["seed_alloy50"])
    assert "50 °C" in seed and "m" in seed
    assert "remelted by mount" in seed  # the mount reflow remelts the joined masses
    assert "liquid in operate, store" in seed
    assert bands["seed_alloy50"].find(f"{SVG}rect").get("fill") == "#c62828"
    assert "138 °C" in texts(bands["Sn42Bi58"])
    steps = step_lines(root)
    assert steps == ["bump", "join", "fill", "cure", "mount"]
    labels = texts(root)
    for label in ("bump 25 °C", "join 75 °C", "fill 25 °C", "cure 45 °C", "mount 165 °C"):
        assert label in labels
    assert "remelts m" in labels and "joins tb" in labels
    ranges = [g.get("data-range") for g in groups(root, "range")]
    assert ranges == ["operate", "store"]
    assert "operate 40 … 85 °C" in labels and "store -40 … 60 °C" in labels
    ratings = {g.get("data-name"): texts(g) for g in groups(root, "rating")}
    assert "service -65 … 200 °C" in ratings["gel54"]
    assert "max 260 °C" in ratings["chip28"]


def test_ladder_of_hierarchical_solder():
    assembly, _ = design("hierarchical-solder")
    root = parse(melting_ladder(assembly))
    bands = {g.get("data-material"): texts(g) for g in groups(root, "band")}
    assert list(bands) == ["Sn63Pb37", "Pb95Sn5"]
    assert "308 … 312 °C" in bands["Pb95Sn5"] and "b (core)" in bands["Pb95Sn5"]
    assert "183 °C" in bands["Sn63Pb37"] and "b (joint)" in bands["Sn63Pb37"]
    assert not any(t.startswith("remelted") for b in bands.values() for t in b)  # `mix` is intended
    labels = texts(root)
    assert "mix 335 °C" in labels and "mixes b" in labels
    assert "join 215 °C" in labels and "joins b" in labels
    assert step_lines(root) == [
        "bump",
        "join",
        "test",
        "mix",
    ]


def test_ladder_shows_a_broken_hierarchy():
    assembly, _ = design("melting-hierarchy")
    root = parse(melting_ladder(assembly))
    sac = next(g for g in groups(root, "band") if g.get("data-material") == "SAC305")
    assert "remelted by mount, rework" in texts(sac)
    mount = next(e for e in root.iter() if e.get("class") == "step" and e.get("data-step") == "mount")
    assert mount.get("stroke") == "#c62828"
    die = next(g for g in groups(root, "rating") if g.get("data-name") == "die")
    assert "exceeded by mount" in texts(die)  # 255 °C over the die's 250 °C


def test_ladder_is_none_without_fusible_material_or_process(load_text):
    assembly = load_text(
        "use std\n"
        "element a : chip { body silicon; pads c grid 1 x 2 pitch 1 mm diameter 100 um }\n"
        "element b : substrate { body AlN; pads p grid 1 x 2 pitch 1 mm diameter 100 um }\n"
        "masses m : copper { joins a.c[*] -- b.p[*] }\n"
    )
    assert melting_ladder(assembly) is None


def test_names_are_escaped(load_text):
    assembly = load_text(
        'assembly "Fish & <chips>"\nuse std\n'
        "element a : chip { body silicon; pads c grid 1 x 2 pitch 1 mm diameter 100 um }\n"
        "element b : substrate { body AlN; pads p grid 1 x 2 pitch 1 mm diameter 100 um }\n"
        "masses m : SAC305 { joins a.c[*] -- b.p[*] }\n"
        "process { step reflow { kind reflow; peak 245 C }; operate 0 C .. 85 C }\n"
    )
    root = parse(melting_ladder(assembly))
    assert root.get("aria-label").startswith("Melting ladder of Fish & <chips>")
    assert root.find(f"{SVG}title").text.startswith("Melting ladder of Fish & <chips>")


# ------------------------------------------------------------------------------------------ top views
def test_top_view_marks_the_insulation_faults():
    assembly, findings = design("insulation-faults")
    views = top_views(assembly, findings)
    assert [title for title, _ in views] == ["die ↔ sub"]
    root = parse(views[0][1])
    check_root(root, "topview")
    marks = {(g.get("data-rule"), g.get("data-object")) for g in groups(root, "mark")}
    assert ("IN001", "x") in marks
    assert ("IN005", "x on sub.p[8]") in marks
    assert ("IN003", "z[0] – z[1]") in marks
    assert ("IN002", "n[8]") in marks
    keys = " | ".join(texts(root))
    for text in ("IN001 x", "IN005 x on sub.p[8]", "IN003 z[0] – z[1]", "IN002 n[8]"):
        assert text in keys
    in003 = next(g for g in groups(root, "mark") if g.get("data-rule") == "IN003")
    assert any(e.get("class") == "link" for e in in003), "a line between the closest pair"
    in002 = next(g for g in groups(root, "mark") if g.get("data-rule") == "IN002")
    assert len(in002.findall(f"{SVG}rect")) == 2, "the net's two pads boxed"
    # to scale: 20 masses of 100 µm, pads of 100 µm and 40 µm
    masses = [c for g in groups(root, "masses") for c in g.iter(f"{SVG}circle")]
    assert len(masses) == 20
    pads = [c for g in groups(root, "pads") for c in g.iter(f"{SVG}circle")]
    assert len(pads) == 40
    radii = {round(float(c.get("r")), 2) for c in masses}
    assert len(radii) == 1  # all 100 µm
    big = max(float(c.get("r")) for c in pads)
    small = min(float(c.get("r")) for c in pads)
    assert math.isclose(big / small, 100 / 40, rel_tol=0.02)
    assert any("µm" in t or "mm" in t for t in texts(groups(root, "scale-bar")[0]))


def test_top_view_colours_by_electrical_node():
    assembly, findings = design("flip-chip-fr4")
    root = parse(top_views(assembly, findings)[0][1])
    fills = [g.get("fill") for g in groups(root, "masses")[0]]
    assert len(fills) == len(set(fills)) > 1  # one sub-group per colour
    assert not groups(root, "mark")


def test_top_views_one_per_joined_pair():
    assembly, findings = design("liquid-interconnect")
    views = top_views(assembly, findings)
    assert [title for title, _ in views] == ["chip28 ↔ sheet10", "sheet10 ↔ board60"]
    for _, svg in views:
        check_root(parse(svg), "topview")
    assert "sheet10 back ↔ board60 front" in texts(parse(views[1][1]))[0]


def test_top_views_are_capped_and_put_findings_first():
    assembly, findings = design("panel-of-cells", flat=True)
    titles = [title for title, _ in top_views(assembly, findings)]
    assert len(titles) == 8 and len(set(titles)) == 8
    assert top_views(assembly, []) and len(top_views(assembly, [])) <= 12


def test_a_representative_instance_is_drawn_once_and_says_for_which_instances():
    assembly, findings = design("panel-of-cells")  # units[0:3] are named outside the cell; 3, 4, 5 are alike
    titles = [title for title, _ in top_views(assembly, findings)]
    assert titles.count("units[3].chip ↔ units[3].sheet (one drawing for 3 instances alike: units[3:6].chip)") == 1
    assert len(titles) == 6


def test_a_million_masses_are_drawn_as_a_density(tmp_path):
    side = 1000
    pads = f"grid {side} x {side} pitch 100 um diameter 50 um"
    text = (
        "use std\n"
        "process { step reflow { kind reflow; peak 245 C }; operate 0 C .. 85 C }\n"
        f"element die : chip {{ body silicon; pads c {pads} }}\n"
        f"element sub : interposer {{ body silicon; pads p {pads} }}\n"
        f"masses m : SAC305 {{ joins die.c[*] -- sub.p[*]; diameter 50 um; height 40 um }}\n"
    )
    path = tmp_path / "million.assy"
    path.write_text(text, encoding="utf-8")
    assembly = assemblint.load(path)
    assert assembly.mass_count == 1_000_000
    views = top_views(assembly, [])
    assert [title for title, _ in views] == ["die ↔ sub"]
    root = parse(views[0][1])
    check_root(root, "topview")
    assert sum(1 for _ in root.iter()) < 10_000
    assert not list(root.iter(f"{SVG}circle"))
    density = groups(root, "density")
    assert density and len(density[0].findall(f"{SVG}rect")) <= 200 * 200
    assert "1,000,000 masses (density)" in texts(root)[0]
    ladder = parse(melting_ladder(assembly))
    assert sum(1 for _ in ladder.iter()) < 200
    cte = parse(cte_map(assembly, []))
    assert sum(1 for _ in cte.iter()) < 200


# ------------------------------------------------------------------------------------------ CTE map
def cte_rows(name: str) -> dict[str, ET.Element]:
    assembly, findings = design(name)
    root = parse(cte_map(assembly, findings))
    check_root(root, "ctemap")
    return {g.get("data-pair"): g for g in groups(root, "pair")}


def test_cte_map_flip_chip_is_rigid():
    rows = cte_rows("flip-chip-fr4")
    row = rows["die ↔ board"]
    assert row.get("data-class") == "rigid" and row.get("data-status") == "error"
    labels = texts(row)
    assert "rigid" in labels
    assert "Δα 13.4 ppm/K" in labels
    assert any(t.startswith("strain 0.15") for t in labels)  # DNP to the farthest point of each joint (STACK.md §3)
    assert any(t.startswith("Nf 17.7 cycles") for t in labels)
    assert any("CTE001" in t and "CTE002" in t and "CTE003" in t for t in labels)


def test_cte_map_underfill_is_mitigated():
    row = cte_rows("flip-chip-fr4-underfill")["die ↔ board"]
    assert row.get("data-class") == "mitigated" and row.get("data-status") == "info"
    labels = texts(row)
    assert "mitigated" in labels
    assert any("underfill uf between" in t for t in labels)
    assert any(t.startswith("strain 0.15") for t in labels)  # 0.1499: DNP to the farthest point (STACK.md §3)


def test_cte_map_liquid_joints_are_decoupled():
    rows = cte_rows("liquid-interconnect")
    assert rows["chip28 ↔ sheet10"].get("data-class") == "decoupled"
    assert "decoupled" in texts(rows["chip28 ↔ sheet10"])
    assert rows["sheet10 ↔ board60"].get("data-class") == "rigid"
    assert "Δα 1 ppm/K" in texts(rows["sheet10 ↔ board60"])


def test_cte_map_merges_cell_instances():
    rows = cte_rows("panel-of-cells")
    assert rows["units[0:6].chip ↔ units[0:6].sheet"].get("data-class") == "decoupled"
    assert rows["board ↔ units[1].chip"].get("data-status") == "warning"


def test_cte_map_is_none_without_a_joined_pair(load_text):
    assembly = load_text(
        "use std\n"
        "element a : chip { body silicon; pads c grid 1 x 2 pitch 1 mm diameter 100 um }\n"
        "masses m : SAC305 { joins a.c[*] }\n"
    )
    assert cte_map(assembly, []) is None
    assert top_views(assembly, []) == []


# ------------------------------------------------------------------------------------------ every example
@pytest.mark.parametrize("path", sorted(p for p in EXAMPLES.glob("*.assy") if not p.name.startswith("broken")))
def test_every_example_draws_and_is_deterministic(path):
    assembly = assemblint.load(path)
    findings = assemblint.check(assembly).findings
    first = (melting_ladder(assembly), top_views(assembly, findings), cte_map(assembly, findings))
    again = assemblint.load(path)
    second = (melting_ladder(again), top_views(again, assemblint.check(again).findings), cte_map(again, findings))
    assert first == second
    ladder, views, cte = first
    for svg, kind in [(ladder, "ladder"), (cte, "ctemap")] + [(svg, "topview") for _, svg in views]:
        if svg is not None:
            check_root(parse(svg), kind)
            assert not re.search(r"\bnan\b|\binf\b", svg), "no NaN or infinity drawn"
