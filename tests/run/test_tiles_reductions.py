"""The reductions of the rules that read a whole layer, pair, net or node (docs/tiles.md, "Which
built-in rules run on tiles"): CT002, CT004, ST005 and IN004 (a layer's masses), CTE001–CTE003,
CTE005 and RL004 (a pair's rigid joints), RL005 (a net's current over all its masses), IN001 and
IN002 (nets and nodes across the design). Each design puts a rule's members on both sides of tile
borders; checked as tiles, the report is the one-process report byte for byte, in every format,
and on bump maps read by window the run's own process holds no row (the reductions run on its
stand-in)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import assemblint
from assemblint.run import tiles

from .test_parallel import FORMATS
from .test_tiles import SYNC, outputs
from .test_tiles_windowed import bump_maps


@pytest.fixture
def passes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many tiles ran pass 0 (only a windowed run has it: the run's process built no row)."""
    ran: list[int] = []
    reach = tiles.tile_reach

    def counted(job: tiles.TileJob, *rest: Any) -> tuple[float, float]:
        ran.append(job.index)
        return reach(job, *rest)

    monkeypatch.setattr(tiles, "tile_reach", counted)
    return ran


def same_as_one_process(tmp_path: Path, text: str, select: str, sizes: list[str], capsys) -> dict[str, Any]:
    """The design checked in one process and as tiles of each size: the same report in every format
    (returned as JSON, findings by rule), and no rule crashed or could not run."""
    path = tmp_path / "design.assy"
    path.write_text(text)
    single = outputs(tmp_path, "single", [str(path)], ["--select", select], capsys)
    for size in sizes:
        tiled = outputs(tmp_path, f"tiled-{size}", [str(path)], ["--select", select, *SYNC, "--tiles", size], capsys)
        assert tiled[0] == single[0], size
        for fmt in FORMATS:
            assert tiled[1][fmt] == single[1][fmt], (size, fmt)
    report = json.loads(single[1]["json"])
    assert not [r["id"] for r in report["rules"] if r["status"] in ("crashed", "could-not-run")]
    found: dict[str, list[dict[str, Any]]] = {}
    for finding in report["findings"]:
        found.setdefault(finding["rule"], []).append(finding)
    return found


GRIDS = """use std
element sub : substrate { body BT; size SUB; z 0 um
    pads p grid 10 x 10 pitch 100 um diameter 60 um
SUB_PADS}
element die : chip { body silicon; size DIE; z 1070 um
    pads c grid 10 x 10 pitch 100 um diameter 60 um
DIE_PADS}
"""


def grids(
    sub_pads: str = "", die_pads: str = "", sub: str = "3 mm x 3 mm x 1 mm", die: str = "2 mm x 2 mm x 0.5 mm"
) -> str:
    """A die over a substrate, each with a 10 x 10 grid of pads at a 100 µm pitch, centred (x and y
    from -450 to 450 µm, row by row from the lowest y: c[90] is the top left)."""
    return GRIDS.replace("SUB_PADS", sub_pads).replace("DIE_PADS", die_pads).replace("SUB", sub).replace("DIE", die)


NETS = (
    'assembly "nets and nodes across tile borders"\n'
    + grids(die_pads="    connect c[0:9] -- c[1:10]\n")
    + """material silver_epoxy { kind composite; resistivity 300 uohm.cm }
masses m : SAC305 { joins die.c[0:60] -- sub.p[0:60]; diameter 60 um; height 50 um }
masses k : SAC305 { joins die.c[61:100] -- sub.p[61:100]; diameter 60 um; height 50 um }
layer glue : silver_epoxy { role adhesive; between die, sub; thickness 60 um }
nets n { die.c[0:10] }
nets a { sub.p[40:50] }
nets b { die.c[40:50] }
net vdd { sub.p[20], sub.p[29], sub.p[75], die.c[75], sub.p[60], die.c[60] }
net big { sub.p[80:90] }
process { step attach { kind reflow; peak 245 C; forms m, k }; operate -40 C .. 125 C }
"""
)


@pytest.mark.parametrize("size", ["150 um"])
def test_nets_and_nodes_across_tile_borders(size: str, tmp_path: Path, capsys) -> None:
    found = same_as_one_process(tmp_path, NETS, "IN001,IN002,IN004", [size], capsys)
    # IN004: the glue surrounds every mass joining die and sub, 60 + 39 = 99; the die's bottom row
    # is one node (c[0]–c[9] connected: m[0:10]), every other mass its own: 1 + 50 + 39 = 90 nodes
    (insulator,) = found["IN004"]
    assert (insulator["data"]["masses"], insulator["data"]["nodes"]) == (99, 90)
    # IN001: the bottom row's ten nets meet on one node that crosses every border of its row; the
    # path from die.c[0] to each of the next three runs along the connects. a[i] and b[i] meet on
    # each of ten nodes of one mass (m[40:50]): one finding, the first node spelled out
    rows, pairs = found["IN001"]
    assert rows["message"].startswith(
        "nets n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8] and n[9] are on one electrical node: "
        "die.c[0] — die.c[1]; die.c[0] — die.c[1] — die.c[2]; die.c[0] — die.c[1] — die.c[2] — die.c[3] "
        "(and 6 more paths)"
    )
    assert pairs["message"] == (
        "nets a[0] and b[0] are on one electrical node: sub.p[40] — m[40] — die.c[40]; "
        "and 9 more electrical nodes where the same declarations meet"
    )
    assert (pairs["data"]["nodes"], pairs["objects"]) == (10, ["a[0:10]", "b[0:10]"])
    # IN002: vdd's pins lie on five nodes, in the order of their least pad (sub's pads are 0–99,
    # the die's 100–199): p[20], p[29], p[60] (no mass), p[75] with c[75] (joined by k[14]), c[60];
    # big's ten pins on ten nodes
    vdd, big = found["IN002"]
    assert vdd["data"]["groups"] == ["sub.p[20]", "sub.p[29]", "sub.p[60]", "die.c[75], sub.p[75]", "die.c[60]"]
    assert big["message"].endswith(
        "split into 10 separate groups: sub.p[80]; sub.p[81]; sub.p[82]; sub.p[83]; and 6 more"
    )


LAYERS = (
    'assembly "layers around masses across tile borders"\n'
    + grids()
    + """material gel { kind compliant; dielectric; modulus 0.3 MPa; service 20 C .. 200 C }
masses a : SnBiPbInCd50 { joins die.c[0:40] -- sub.p[0:40]; diameter 60 um; height 70 um }
masses b : galinstan { joins die.c[40:70] -- sub.p[40:70]; diameter 60 um; height 50 um }
masses c : galinstan { joins die.c[70:100] -- sub.p[70:100]; diameter 60 um; height 70 um }
layer g : gel { role compliant; between die, sub; thickness 60 um }
process {
    step attach { kind reflow; peak 245 C; forms a, b, c }
    step fill { kind inject; temp 25 C; forms g }
    step mount { kind reflow; peak 210 C }
    operate -40 C .. 85 C
}
"""
)


def test_a_layers_masses_across_tile_borders(tmp_path: Path, capsys) -> None:
    found = same_as_one_process(tmp_path, LAYERS, "CT002,CT004,ST005", ["150 um"], capsys)
    # CT002: every mass is liquid in service; the lowest melting point is galinstan's (b and c, the
    # upper rows), not a's (the first rows); the gel is rated from 20 °C and to 200 °C, and `mount`
    # reaches 210 °C after it is formed
    high, low = found["CT002"]
    assert low["data"]["lowest_melting"] == high["data"]["lowest_melting"] == 11.0
    assert (high["data"]["hottest"], high["data"]["needed_top"]) == ("mount", 210.0)
    # CT004 and ST005: the tallest masses, 70 µm, are a's (rows 0–3) and c's (rows 7–9): the first
    # of them, a[0], names its declaration; the gel, 60 µm, is thinner. ST005: the gap between the
    # substrate's top (1000 µm) and the die's bottom (1070 µm) is 70 µm, 10 µm more than the gel
    (thin,) = found["CT004"]
    assert (thin["data"]["mass_height"], thin["data"]["mass"]) == (70.0, "a")
    masses, gap = found["ST005"]
    assert (masses["data"]["masses"], gap["data"]["gap"], gap["data"]["difference"]) == ("a", 70.0, 10.0)


PAIRS = (
    'assembly "rigid joints across tile borders"\n'
    + grids(
        sub_pads="    pads q grid 2 x 2 pitch 1000 um diameter 60 um\n",
        die_pads="    pads d grid 2 x 2 pitch 1000 um diameter 60 um\n",
        sub="30 mm x 30 mm x 1 mm",
        die="20 mm x 20 mm x 0.3 mm",
    )
    + """masses m : SAC305 { joins die.c[*] -- sub.p[*]; diameter 60 um; height 50 um }
masses nh : Sn42Bi58 { joins die.d[0:2] -- sub.q[0:2]; diameter 60 um }
process {
    step low { kind reflow; peak 170 C }
    step attach { kind reflow; peak 245 C }
    operate -40 C .. 125 C
    cycle -40 C .. 125 C count 5000
}
"""
)


@pytest.mark.parametrize("size", ["150 um"])
def test_a_pairs_rigid_joints_across_tile_borders(size: str, tmp_path: Path, capsys) -> None:
    found = same_as_one_process(tmp_path, PAIRS, "CTE001,CTE002,CTE003,CTE005,RL004", [size], capsys)
    # CTE001: 100 + 2 rigid joints between the die and the substrate, spread over every tile
    assert found["CTE001"][0]["data"]["rigid_joints"] == 102
    # CTE002: the neutral point is the centroid of all 102, the two of nh (no height, at y = -500 µm)
    # with them: (0, -1000 / 102) = (0, -9.804) µm. The top corners, m[90] and m[99], are the farthest:
    # hypot(450, 459.804) + 30 = 673.366 µm; the first, m[90], is named. 34 joints strain past 0.02
    (strain,) = found["CTE002"]
    assert (strain["data"]["corner"], round(strain["data"]["dnp"], 3), strain["count"]) == ("m[90]", 673.366, 34)
    assert strain["objects"][-1] == "m[88:100]"  # the whole top row, the bottom's corners only
    (fatigue,) = found["CTE003"]
    assert (fatigue["data"]["corner"], fatigue["count"]) == ("m[90]", 68)
    (height,) = found["CTE005"]
    assert height["objects"] == ["nh[0:2]"]
    # RL004: nh's Sn42Bi58 is joined at `low` (170 °C), before m's SAC305 at `attach`: the pair cools
    # from 170 °C, though its first rigid joint, m[0], whose declaration the finding points at, is
    # joined later
    (bow,) = found["RL004"]
    assert (bow["data"]["step"], bow["data"]["delta_t"], bow["location"]["line"]) == ("low", 145.0, 11)


CURRENTS = (
    'assembly "currents shared across tile borders"\n'
    + grids(
        sub_pads="    pads q grid 2 x 2 pitch 1000 um\n    pads g grid 2 x 2 pitch 1200 um diameter 40 um\n",
        die_pads="    pads e grid 2 x 2 pitch 1000 um\n    pads f grid 2 x 2 pitch 1200 um diameter 40 um\n",
    )
    + """masses m : SAC305 { joins die.c[*] -- sub.p[*]; diameter 60 um; height 50 um }
masses ns : SAC305 { joins die.e[*] -- sub.q[*]; diameter 60 um; height 50 um; current 0.5 A }
masses own : SAC305 { joins die.f[*] -- sub.g[*]; diameter 40 um; height 50 um; current 1 A }
net vdd { sub.p[0:30]; current 12 A }
net vss { sub.p[30:60]; current 6 A }
net hot { die.c[50:60]; current 8 A }
process { step attach { kind reflow; peak 245 C }; operate -40 C .. 125 C }
"""
)


def test_a_nets_current_shared_over_all_its_masses(tmp_path: Path, capsys) -> None:
    found = same_as_one_process(tmp_path, CURRENTS, "RL005", ["150 um"], capsys)
    # vdd's 12 A over its 30 masses (rows 0–2, over many tiles): 0.4 A through 60 µm pads of
    # π·30² = 2827.4 µm², 14147 A/cm², over 10^4; vss's 6 A over 30: 7074 A/cm², under; m[50:60]
    # are on vss and on hot (8 A over 10 masses): the larger share, 0.8 A, 28294 A/cm², the worst,
    # m[50], through die.c[50] (both pads alike: the first). ns's pads have no size; own's 1 A through
    # π·20² = 1256.6 µm² is 79577 A/cm²
    shared, unknown, own = found["RL005"]
    assert shared["objects"] == ["m[0:30]", "m[50:60]"]
    assert (shared["data"]["worst"], shared["data"]["current"], round(shared["data"]["current_density"])) == (
        "m[50]",
        0.8,
        28294,
    )
    assert (unknown["objects"], unknown["severity"]) == (["ns[0:4]"], "info")
    assert (own["objects"], round(own["data"]["current_density"])) == (["own[0:4]"], 79577)


BUMP_MAPS = """assembly "bump maps read by window: layers, pairs and currents"
use std
material silver_epoxy { kind composite; resistivity 300 uohm.cm; service 0 C .. 150 C }
element sub : substrate { body BT; size 30 mm x 30 mm x 1 mm; z 0 um
  pads b from "sub.csv" columns (name pin, x x_um, y y_um, net net) unit um diameter 30 um
}
element die : chip { body silicon; size 20 mm x 20 mm x 0.3 mm; z 1030 um; flip
  pads b from "die.csv" columns (name pin, x x_um, y y_um, net net) unit um diameter 30 um
}
masses j : SAC305 { joins die.b[*] -- sub.b[*] by position; height 30 um }
layer glue : silver_epoxy { role adhesive; between die, sub; thickness 20 um }
net VDD { current 9 A }
process {
  step attach { kind reflow; peak 245 C; forms j }
  step rework { kind reflow; peak 250 C }
  operate -40 C .. 125 C
  cycle -40 C .. 125 C count 5000
}
"""
ON_THE_STAND_IN = "IN004,CT002,CT004,ST005,CTE001,CTE002,CTE003,CTE005,RL004,RL005"


def test_reductions_on_bump_maps_read_by_window(tmp_path: Path, passes: list[int], capsys) -> None:
    # 6 x 6 bumps at a 200 µm pitch (0 … 1000 µm), nets VSS, VDD, S2, S3, VSS, … in row order
    # (test_tiles_windowed.bump_maps): the run's process holds none of them, each tile its rows
    bump_maps(tmp_path, side=6, pitch=200.0)
    (tmp_path / "design.assy").write_text(BUMP_MAPS)
    path = str(tmp_path / "design.assy")
    single = outputs(tmp_path, "single", [path], ["--select", ON_THE_STAND_IN], capsys)
    tiled = outputs(tmp_path, "tiled", [path], ["--select", ON_THE_STAND_IN, *SYNC, "--tiles", "300 um"], capsys)
    assert passes, "the run built the design whole"
    assert "built whole" not in tiled[2]
    assert tiled[0] == single[0]
    for fmt in FORMATS:
        assert tiled[1][fmt] == single[1][fmt], fmt
    report = json.loads(single[1]["json"])
    assert not [r["id"] for r in report["rules"] if r["status"] in ("crashed", "could-not-run")]
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for finding in report["findings"]:
        by_rule.setdefault(finding["rule"], []).append(finding)
    assert sorted(by_rule) == sorted(set(ON_THE_STAND_IN.split(",")) - {"CTE005"})  # no joint lacks a height
    # IN004: the glue (not a dielectric) around the 36 masses, each its own node
    assert (by_rule["IN004"][0]["data"]["masses"], by_rule["IN004"][0]["data"]["nodes"]) == (36, 36)
    # CT002: `rework` remelts the joints (SAC305, 217 °C) with the glue around them, above its 150 °C
    assert by_rule["CT002"][0]["data"]["hottest"] == "rework"
    # CT004 and ST005: the glue, 20 µm, is thinner than the 30 µm joints and the 30 µm gap
    assert [f["data"].get("mass_height") for f in by_rule["CT004"]] == [30.0, None]
    assert [f["data"].get("gap") for f in by_rule["ST005"]] == [None, 30.0]
    # CTE002: the centroid is the grid's centre (500, 500) µm; the corner's DNP hypot(500, 500) + 15
    # = 722.1 µm; the four inner joints (141.4 + 15 µm) strain less than 0.02, the other 32 more
    (strain,) = by_rule["CTE002"]
    assert (strain["count"], strain["objects"], round(strain["data"]["dnp"], 1)) == (
        32,
        ["j[0:14]", "j[16:20]", "j[22:36]"],
        722.1,
    )
    assert by_rule["CTE003"][0]["count"] == 32
    assert by_rule["RL004"][0]["data"]["step"] == "attach"
    # RL005: VDD's 9 A shared over its 9 masses (every fourth row): 1 A through π·15² = 706.9 µm²
    (current,) = by_rule["RL005"]
    assert (current["count"], current["data"]["current"], current["data"]["worst"]) == (9, 1.0, "j[1]")


def test_net_rules_on_a_bump_maps_nets_read_by_window(tmp_path: Path, passes: list[int], capsys) -> None:
    # The maps' nets are the design's in every windowed build, the run's stand-in too (every name,
    # pins only where rows are held): VSS and VDD, 9 bumps each, every bump its own node, are
    # each split into 9 groups (IN002); no node holds two nets (IN001 passes).
    bump_maps(tmp_path, side=6, pitch=200.0)
    (tmp_path / "design.assy").write_text(BUMP_MAPS)
    path = str(tmp_path / "design.assy")
    single = outputs(tmp_path, "single", [path], ["--select", "IN001,IN002"], capsys)
    tiled = outputs(tmp_path, "tiled", [path], ["--select", "IN001,IN002", *SYNC, "--tiles", "300 um"], capsys)
    assert passes
    assert tiled[0] == single[0] == 1
    for fmt in FORMATS:
        assert tiled[1][fmt] == single[1][fmt], fmt
    found = [(f["rule"], f["message"].split(":")[0]) for f in json.loads(single[1]["json"])["findings"]]
    assert found == [
        ("IN002", "net VSS is split into 9 separate groups"),
        ("IN002", "net VDD is split into 9 separate groups"),
    ]


def test_a_tile_sends_only_the_masses_over_the_current_limit(tmp_path: Path, monkeypatch, capsys) -> None:
    # RL005 in two passes: the tiles count each net's masses first, so each tile then knows the
    # share and sends only the masses over the limit (m[0:30], m[50:60]) and those of unsized pads
    # (ns), never vss's 30 under it
    from assemblint_reliability import rl005_electromigration as rl005

    sent: list[np.ndarray] = []
    part = rl005._tile_part

    def recorded(ctx: Any) -> Any:
        found = part(ctx)
        if found is not None:
            sent.extend([found.masses, found.unknown])
        return found

    monkeypatch.setattr(
        rl005.electromigration, "tiles", dataclasses.replace(rl005.electromigration.tiles, part=recorded)
    )
    same_as_one_process(tmp_path, CURRENTS, "RL005", ["150 um"], capsys)
    assert sent, "no tile ran RL005's part"
    ids = np.sort(np.concatenate(sent))
    assessed = assemblint.load(tmp_path / "design.assy")
    names = {g.name: g for g in assessed.mass_groups}
    m, own, ns = names["m"], names["own"], names["ns"]
    expected = np.concatenate(
        [m.start + np.arange(30), m.start + np.arange(50, 60), own.start + np.arange(4), ns.start + np.arange(4)]
    )
    assert ids.tolist() == np.sort(expected).tolist()


def test_a_net_in_one_tile_is_judged_there_and_sends_no_pin_unless_open(tmp_path: Path, monkeypatch, capsys) -> None:
    # IN002 in two passes: the tiles first say which nets they hold pins of, so a net whose pins
    # all lie in one tile's core is judged there (its nodes carry the whole design's keys). Of
    # NETS's nets, n, a and b have one pin each and send nothing; vdd and big span tiles and send
    # their pins to be united; `pair` (sub.p[70] and p[71], both in the tile from x −450 µm and y
    # 150 µm) lies in one tile, joined by k[9] and k[10] to die.c[70] and c[71], which nothing
    # joins: open, told whole by its tile
    from assemblint_insulation import in002_open as in002

    sent: list[dict[str, Any]] = []
    part = in002._tile_part

    def recorded(ctx: Any) -> Any:
        found = part(ctx)
        sent.append(found)
        return found

    monkeypatch.setattr(in002.open_net, "tiles", dataclasses.replace(in002.open_net.tiles, part=recorded))
    design = NETS.replace("net big {", "net pair { sub.p[70], sub.p[71] }\nnet big {")
    found = same_as_one_process(tmp_path, design, "IN002", ["150 um"], capsys)
    assert [f["message"].split(" is split")[0] for f in found["IN002"]] == ["net vdd", "net pair", "net big"]
    pair = found["IN002"][1]
    assert pair["data"]["groups"] == ["sub.p[70]", "sub.p[71]"]  # the net's pins, node by node
    pins = sorted(int(p) for part in sent for p in part["pad"])
    assert pins == sorted([20, 29, 75, 175, 60, 160, *range(80, 90)])
    told = [(net, count, [g.tolist() for g in groups]) for part in sent for net, count, groups in part["open"]]
    assert len(told) == 1 and told[0][1:] == (2, [[70], [71]])
