"""The small designs the CTE rules' documentation shows (and the tests run): a die on a board."""

from __future__ import annotations


def design(
    *,
    board_cte: str = "16 ppm/K",
    grid: str = "4 x 4",
    height: str = "height 80 um",
    extra: str = "",
    cycle: str = "cycle -40 C .. 125 C count 1000",
) -> str:
    """A silicon die flip-chip soldered with SAC305 to a board of the given CTE."""
    return f"""use std
element die : chip {{ body silicon; cte 2.6 ppm/K; pads c grid {grid} pitch 400 um diameter 100 um }}
element board : circuit_board {{ body fr4; cte {board_cte}; pads p grid {grid} pitch 400 um diameter 100 um }}
masses s : SAC305 {{ joins die.c[*] -- board.p[*]; diameter 100 um; {height} }}
{extra}process {{
    step reflow {{ kind reflow; peak 245 C; forms s }}
    operate -40 C .. 125 C
    {cycle}
}}
"""
