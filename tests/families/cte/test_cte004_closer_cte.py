"""CTE004 closer-cte (plugins/assemblint_cte/cte004_closer_cte.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
The cases the CTE rules share are in test_cte_shared.py, the designs in designs.py.
"""

from __future__ import annotations

import pytest

from .designs import LAYERS, design, findings, line_of


@pytest.mark.parametrize(
    ("mold", "fires"),
    [("4 ppm/K", False), ("16.9 ppm/K", False), ("3 ppm/K", True), ("17 ppm/K", True), ("30 ppm/K", True)],
    ids=["closer-below", "closer-above", "equal-distance-below", "equal-same-cte", "farther"],
)
def test_cte004_the_mold_must_be_strictly_closer_to_the_chips_cte_than_the_dielectric(check_text, mold, fires):
    # Die 10 ppm/K, dielectric 17 ppm/K (7 ppm/K away).
    text = design(die="cte 10 ppm/K;", extra=LAYERS.format(mold=mold, dielectric="17 ppm/K"))
    found = findings(check_text(text, select=("CTE004",)), "CTE004")
    assert len(found) == int(fires)
    if fires:
        f = found[0]
        mold_cte = float(mold.split()[0])
        assert (f.severity.value, f.object_names, f.count) == ("warning", ["die"], 1)
        assert f.data["mold_gap"] == pytest.approx(abs(mold_cte - 10))
        assert f.data["dielectric_gap"] == pytest.approx(7)
        assert (f.data["element_cte"], f.data["mold_cte"], f.data["dielectric_cte"]) == (10, mold_cte, 17)
        assert f.location.line == line_of(text, "element die")
        assert f"the mold mo ({mold}) is {abs(mold_cte - 10):g} ppm/K from the 10 ppm/K CTE of die" in f.message
        assert "dielectric layer dl (17 ppm/K, 7 ppm/K away)" in f.message


@pytest.mark.parametrize(
    ("mold", "dielectric", "fires"),
    [("16 ppm/K", "5 ppm/K", True), ("5 ppm/K", "16 ppm/K", False)],
    ids=["mold-matches-board-fires", "mold-matches-die-passes"],
)
def test_cte004_compares_with_the_chip_not_with_the_board(check_text, mold, dielectric, fires):
    # Die 2.6 ppm/K, board 16 ppm/K: a mold at 16 matches the board but is 13.4 from the die.
    text = design(board="cte 16 ppm/K;", extra=LAYERS.format(mold=mold, dielectric=dielectric))
    found = findings(check_text(text, select=("CTE004",)), "CTE004")
    assert [f.object_names for f in found] == ([["die"]] if fires else [])
    if fires:
        assert found[0].data["mold_gap"] == pytest.approx(13.4)
        assert found[0].data["dielectric_gap"] == pytest.approx(2.4)


@pytest.mark.parametrize(("die_type", "fires"), [("chip", True), ("wafer", True), ("package", False)])
def test_cte004_concerns_a_chip_or_wafer(check_text, die_type, fires):
    text = design(die="cte 10 ppm/K;", die_type=die_type, extra=LAYERS.format(mold="30 ppm/K", dielectric="17 ppm/K"))
    assert len(findings(check_text(text, select=("CTE004",)), "CTE004")) == int(fires)
