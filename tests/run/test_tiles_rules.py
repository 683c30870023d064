"""The built-in rules that run on the tiles of `--tiles` (docs/tiles.md, "Which built-in rules run
on tiles"): designs whose findings lie on both sides of tile borders and in the halos, checked as
tiles and in one process, byte for byte, with each rule's findings as one process counts them."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from assemblint import EACH, Reduction
from assemblint.plugins.host import PluginHost

from .test_tiles import SYNC, outputs

ROOT = Path(__file__).resolve().parents[2]

# A die over a substrate, 10 x 10 masses at a 100 µm pitch, the die's pads 30 µm off the
# substrate's: every mass's footprint reaches a pad of its neighbour (IN005, 90 pairs); the die's
# outline is narrower than its pads (ST004: 44 pads, the column at x = 480 µm the farthest out,
# tied: die.c[9] is named), it is not flipped (ST006: every mass on its upward face) and sits
# 80 µm above the substrate for 50 µm masses (ST003); the substrate's gold finish is 4.4 % of
# each joint (RL003: all tied, m[0] is named); 16 one-sided bumps (IN006); a lid overlapping the
# die (ST002), a moisture-sensitive die over its reflow (RL002), a mold farther from the die's CTE
# than the dielectric (CTE004), a mold without a Tg (RL001); a board without a `z` joined to the
# substrate by masses spread over several tiles (ST007), a cap that nothing holds (ST001: only it,
# though most tiles hold no mass joining the die to the substrate).
STACK = """assembly "stack rules across tile borders"
use std
material emc { kind polymer; dielectric; cte 20 ppm/K }
material film { kind polymer; dielectric; cte 17 ppm/K }
element sub : substrate { body BT; size 3 mm x 3 mm x 1 mm; z 0 um
    pads p grid 10 x 10 pitch 100 um diameter 60 um finish nickel 5 um, gold 2 um
    pads d grid 4 x 4 pitch 200 um origin (700 um, 700 um) diameter 60 um
    pads e grid 4 x 4 pitch 200 um origin (-700 um, 700 um) diameter 60 um
}
element pcb : circuit_board { body fr4; pads q grid 4 x 4 pitch 200 um origin (-700 um, 700 um) diameter 60 um }
element cap : heat_sink { body copper; size 0.5 mm x 0.5 mm x 0.2 mm; z 3000 um }
element die : chip { body silicon; size 0.8 mm x 0.8 mm x 0.5 mm; z 1080 um; msl 3
    pads c grid 10 x 10 pitch 100 um origin (-420 um, -450 um) diameter 60 um
}
element lid : heat_sink { body copper; size 1 mm x 1 mm x 0.5 mm; z 1300 um }
masses m : SAC305 { joins die.c[*] -- sub.p[*]; diameter 90 um; height 50 um }
masses bump : SAC305 { joins sub.d[*]; diameter 60 um; height 40 um }
masses s : SAC305 { joins sub.e[*] -- pcb.q[*]; diameter 60 um; height 40 um }
layer mold : emc { role mold; between die, sub; thickness 80 um }
layer dl : film { role dielectric; between die, sub; thickness 80 um }
process { step attach { kind reflow; peak 265 C; forms m }; operate -40 C .. 125 C }
"""

# Four declarations in bands of rows of a 10 x 10 grid: m (galinstan, contained by a stiff layer
# without a thickness), u (galinstan, uncontained), w (a paste with no melting data), hi (Pb95Sn5,
# which no step melts); a test step that requires m solid, a fill and a cure around them, a
# substrate over its max_temp.
MELT = """assembly "melting and containment rules across tile borders"
use std
material stiff { kind polymer; dielectric; modulus 2.4 GPa; service -65 C .. 150 C }
material paste { kind fusible; composition Sn 63 %, Pb 37 % }
element sub : substrate { body BT; max_temp 200 C; pads p grid 10 x 10 pitch 100 um diameter 60 um }
element die : chip { body silicon; pads c grid 10 x 10 pitch 100 um diameter 60 um }
masses m : galinstan { joins die.c[0:30] -- sub.p[0:30]; diameter 60 um; height 50 um }
masses u : galinstan { joins die.c[30:50] -- sub.p[30:50]; diameter 60 um; height 50 um }
masses w : paste { joins die.c[50:80] -- sub.p[50:80]; diameter 60 um; height 50 um }
masses hi : Pb95Sn5 { joins die.c[80:100] -- sub.p[80:100]; diameter 60 um; height 50 um }
layer g : stiff { role compliant; between die, sub; surrounds m }
process {
    step attach { kind reflow; peak 245 C; forms m, u, w, hi }
    step test { kind test; temp 25 C .. 30 C; requires solid m }
    step fill { kind inject; temp 25 C; forms g }
    step cure { kind cure; peak 160 C }
    operate -40 C .. 85 C
}
"""
MELT_DECK = '[rules.MH011]\nmin_melt = "15 C"\n'

# One cell placed three times, 600 µm apart, a step that heats only the third instance's chip:
# one process tells, for each declaration, its first instance's figures (MH002: the ambient the
# first instance sees; IN006: the first instance's chip), which a tile holding only the third
# instance does not see.
CELLS = """assembly "a cell placed three times across tile borders"
use std
cell Unit {
    element chip : chip { body silicon; pads c grid 3 x 3 pitch 100 um diameter 60 um
        pads d grid 2 x 2 pitch 100 um origin (0 um, 300 um) diameter 60 um }
    element sheet : dielectric_sheet { body polyimide; pads p grid 3 x 3 pitch 100 um diameter 60 um }
    masses hi : Pb95Sn5 { joins chip.c[*] -- sheet.p[*]; diameter 60 um; height 50 um }
    masses b : SAC305 { joins chip.d[*]; diameter 60 um; height 40 um }
}
place units : Unit grid 3 x 1 pitch 600 um x 600 um
process {
    step join { kind reflow; peak 250 C; heats units[2].chip; ambient 25 C }
    operate -40 C .. 85 C
}
"""

STACK_FOUND = {
    "CTE002": 1,
    "CTE004": 1,
    "IN003": 1,
    "IN005": 1,
    "IN006": 1,
    "RL001": 1,
    "RL002": 1,
    "RL003": 1,
    "RL004": 1,
    "ST001": 1,
    "ST002": 1,
    "ST003": 1,
    "ST004": 1,
    "ST006": 1,
    "ST007": 1,
}
MELT_FOUND = {
    "CT001": 1,
    "CT002": 1,
    "CT003": 1,
    "CT005": 4,
    "CT006": 1,
    "CTE001": 1,
    "MH002": 1,
    "MH003": 4,
    "MH004": 2,
    "MH005": 1,
    "MH006": 1,
    "MH007": 2,
    "MH008": 2,
    "MH009": 2,
    "MH010": 1,
    "MH011": 2,
    "MH012": 1,
    "RL004": 2,
}
CELLS_FOUND = {"CTE001": 1, "IN006": 1, "MH002": 2, "RL001": 1, "RL004": 2}
FAMILIES = ("CT", "CTE", "IN", "MH", "RL", "ST")  # the built-in check families (other plugins may be installed)


@pytest.mark.parametrize(
    ("design", "size"),
    [
        ("stack", "150 um"),  # every 100 µm pitch crosses a border, the halo holds the next two rows
        ("melt", "150 um"),
        ("cells", "250 um"),  # each instance cut in two, the middle one on a border
        ("cells", "600 um"),  # an instance a tile
    ],
)
def test_rules_across_tile_borders_report_as_one_process(design: str, size: str, tmp_path: Path, capsys) -> None:
    text, found, extra = {
        "stack": (STACK, STACK_FOUND, []),
        "melt": (MELT, MELT_FOUND, ["--deck", str(tmp_path / "deck.toml")]),
        "cells": (CELLS, CELLS_FOUND, []),
    }[design]
    path = tmp_path / f"{design}.assy"
    path.write_text(text)
    (tmp_path / "deck.toml").write_text(MELT_DECK)
    single = outputs(tmp_path, "single", [str(path)], extra, capsys)
    tiled = outputs(tmp_path, "tiled", [str(path)], [*extra, *SYNC, "--tiles", size], capsys)
    assert tiled[0] == single[0]
    assert tiled[1] == single[1]  # every format, byte for byte
    report = json.loads(tiled[1]["json"])
    assert Counter(f["rule"] for f in report["findings"] if f["rule"].rstrip("0123456789") in FAMILIES) == found
    assert not [r for r in report["rules"] if r["status"] in ("could-not-run", "crashed")]
    by_rule = {f["rule"]: f for f in report["findings"]}
    if design == "stack":
        assert by_rule["IN005"]["data"]["pairs"] == 90
        assert (by_rule["ST004"]["data"]["pads"], by_rule["ST004"]["data"]["worst_pad"]) == (44, "die.c[9]")
        assert (by_rule["RL003"]["objects"], by_rule["RL003"]["data"]["worst"]) == (["m[0:100]"], "m[0]")
        assert by_rule["ST003"]["objects"] == by_rule["ST006"]["objects"] == ["m[0:100]"]
        assert by_rule["IN006"]["objects"] == ["bump[0:16]"]
        assert (by_rule["ST001"]["objects"], by_rule["ST007"]["objects"]) == (["cap"], ["pcb"])
    elif design == "cells":
        assert "(units[0].chip)" in by_rule["IN006"]["message"]
        assert by_rule["IN006"]["objects"] == ["units[0:3].b[0:4]"]
        never = [f for f in report["findings"] if f["rule"] == "MH002" and "hi" in f["objects"][0]]
        assert never[0]["objects"] == ["units[0:3].hi[0:9]"]
        assert "reaches 25 °C where they are" in never[0]["message"]


def _documented() -> dict[str, str]:
    """The table of docs/tiles.md: each check rule's id and how it runs on tiles."""
    text = (ROOT / "docs" / "tiles.md").read_text(encoding="utf-8")
    section = text.split("## Which built-in rules run on tiles", 1)[1].split("\n## ", 1)[0]
    return {m[1]: m[2] for m in re.finditer(r"^\| ([A-Z]+\d{3}) \| ([^|]+?) \|", section, re.M)}


def test_the_documented_table_is_how_each_built_in_rule_runs() -> None:
    rules = [
        r
        for r in PluginHost.create().rules()
        if r.phase == "check" and r.plugin in ("melting", "containment", "cte", "insulation", "stack", "reliability")
    ]
    assert rules
    said = {
        r.id: "EACH" if r.tiles == EACH else "Reduction" if isinstance(r.tiles, Reduction) else "whole design"
        for r in rules
    }
    assert _documented() == said
