"""CTE001 mismatch (plugins/assemblint_cte/cte001_mismatch.py), from small `.assy` texts.

It fires on a small design (id, severity, objects, count, data, message), stays quiet on the
corrected one and, where the rule has them, holds its limits exactly and reads its deck parameters.
The cases the CTE rules share are in test_cte_shared.py, the designs in designs.py.
"""

from __future__ import annotations

import pytest

from .designs import deck, design, findings, line_of, only


def test_cte001_fires_on_a_die_rigidly_soldered_to_a_board_10_ppm_apart(check_text):
    text = design()
    f = only(check_text(text, select=("CTE001",)), "CTE001")
    assert (f.severity.value, f.object_names, f.count) == ("warning", ["board", "die"], 2)
    assert f.data["delta_alpha"] == pytest.approx(12.6 - 2.6)
    assert f.data["cte"] == pytest.approx([2.6, 12.6])
    assert (f.data["max_delta"], f.data["rigid_joints"]) == (3, 9)
    assert f.location.line == line_of(text, "element die")
    assert "9 solid joints" in f.message
    assert "differ by 10 ppm/K (die 2.6 ppm/K, board 12.6 ppm/K), more than 3 ppm/K" in f.message


def test_cte001_passes_when_the_board_matches_the_die(check_text):
    assert findings(check_text(design(board="cte 4.6 ppm/K;"), select=("CTE001",)), "CTE001") == []


@pytest.mark.parametrize(
    ("die", "board", "limit", "fires"),
    [
        ("cte 3 ppm/K;", "cte 6 ppm/K;", None, False),  # Δα = 3 = the default 3 ppm/K: passes
        ("cte 3 ppm/K;", "cte 6.1 ppm/K;", None, True),  # 3.1 ppm/K
        ("cte 2.6 ppm/K;", "cte 7.6 ppm/K;", "5 ppm/K", False),  # Δα = 5 = max_delta
        ("cte 2.6 ppm/K;", "cte 7.7 ppm/K;", "5 ppm/K", True),  # 5.1 ppm/K
    ],
    ids=["default-at", "default-over", "deck-at", "deck-over"],
)
def test_cte001_a_difference_exactly_at_max_delta_passes_and_0_1_ppm_more_fires(check_text, die, board, limit, fires):
    text = design(die=die, board=board)
    report = check_text(text, deck=deck("CTE001", max_delta=limit) if limit else None, select=("CTE001",))
    assert len(findings(report, "CTE001")) == int(fires)
    if fires and limit:
        assert "more than 5 ppm/K" in only(report, "CTE001").message


def test_cte001_takes_the_body_materials_cte_when_the_element_gives_none(check_text):
    f = only(check_text(design(die="", board=""), select=("CTE001",)), "CTE001")  # silicon 2.6, fr4 13.5
    assert f.data["cte"] == pytest.approx([2.6, 13.5])
    assert f.data["delta_alpha"] == pytest.approx(13.5 - 2.6)
    assert "differ by 10.9 ppm/K" in f.message


def test_cte001_an_elements_own_cte_overrides_its_body_material(check_text):
    f = only(check_text(design(board="cte 16 ppm/K;"), select=("CTE001",)), "CTE001")  # fr4 body is 13.5
    assert f.data["delta_alpha"] == pytest.approx(13.4)
