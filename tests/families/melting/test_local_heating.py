"""Local heating (STACK.md §5): a step that `heats` some elements exposes them, the masses joining
them and the layers between them to its temperature, and everything else to its `ambient`; every
MH rule judges each object at the temperature the step exposes it to."""

from __future__ import annotations

from pathlib import Path

import pytest

import assemblint

DESIGN = """use std
element die : chip { body silicon; pads c grid 2 x 2 pitch 200 um diameter 100 um }
element sub : substrate {
    body fr4; pads p grid 2 x 2 pitch 200 um diameter 100 um; pads q grid 1 x 2 pitch 1 mm diameter 300 um face back
}
element board : circuit_board { body fr4; max_temp 248 C; pads r grid 1 x 2 pitch 1 mm diameter 300 um }
masses balls : SAC305 { joins sub.q[*] -- board.r[*]; height 200 um }
masses b : SAC305 { joins die.c[*] -- sub.p[*]; height 60 um }
process {
    step attach { kind reflow; peak 245 C; forms board, balls }
    step flipchip { kind reflow; peak 245 C; forms b; requires solid balls }
    step rework { kind rework; peak 250 C; REWORK }
}
"""


def check(tmp_path: Path, rework: str, select: str = "MH") -> list[tuple[str, list[str], str]]:
    path = tmp_path / "d.assy"
    path.write_text(DESIGN.replace("REWORK", rework), encoding="utf-8")
    report = assemblint.check(path, select=[select], isolate="none")
    assert not report.errors
    return sorted((f.rule, f.object_names, f.message) for f in report.findings if "rework" in f.message)


REMELT_B = (
    "MH003",
    ["b[0:4]"],
    "the `rework` step heats die to 250 °C, above the 217 °C melting point of SAC305 in b[0:4], joined at "
    "`flipchip`; no compliant, underfill, encapsulant or mold layer contains them at that step",
)


def test_a_step_heating_the_die_remelts_its_bumps_and_nothing_else(tmp_path: Path) -> None:
    assert check(tmp_path, "heats die") == [REMELT_B]


def test_the_same_step_heating_everything_remelts_the_balls_and_overheats_the_board(tmp_path: Path) -> None:
    found = check(tmp_path, "mixes b")  # every object sees 250 °C: the board's 248 °C limit, the balls remelt
    assert [(rule, objects) for rule, objects, _ in found] == [("MH003", ["balls[0:2]"]), ("MH005", ["board"])]


def test_a_heated_element_is_judged_at_the_step_temperature(tmp_path: Path) -> None:
    (finding,) = check(tmp_path, "heats board; mixes b", select="MH005")
    assert finding[2] == "the `rework` step heats board to 250 °C, 2 K above the 248 °C max_temp of board"


@pytest.mark.parametrize(("ambient", "remelts"), [("216 C", False), ("217 C", True)])
def test_the_ambient_is_what_the_rest_sees(tmp_path: Path, ambient: str, remelts: bool) -> None:
    found = check(tmp_path, f"heats die; ambient {ambient}")
    balls = [f for f in found if f[1] == ["balls[0:2]"]]
    assert bool(balls) is remelts  # SAC305 melts at 217 °C: exactly at it is liquid


def test_an_intent_on_an_unheated_mass_says_it_stays_at_the_ambient(tmp_path: Path) -> None:
    found = check(tmp_path, "heats die; requires liquid balls", select="MH010")
    assert found == [
        (
            "MH010",
            ["balls[0:2]"],
            "the `rework` step requires balls[0:2] liquid, but it leaves them at its 25 °C ambient, below the "
            "221 °C liquidus of SAC305: they are not fully liquid",
        )
    ]


def test_heats_names_elements_of_the_design(tmp_path: Path) -> None:
    path = tmp_path / "d.assy"
    path.write_text(DESIGN.replace("REWORK", "heats dye"), encoding="utf-8")
    with pytest.raises(assemblint.LanguageError) as raised:
        assemblint.load(path)
    (error,) = raised.value.diagnostics
    assert error.code == "E002" and "dye" in error.message
