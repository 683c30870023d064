"""The small designs the reliability rules' documentation shows (and the tests run)."""

from __future__ import annotations


def flip_chip(
    *,
    underfill: str = "underfill",
    operate: str = "operate -40 C .. 85 C",
    cycle: str = "cycle -40 C .. 100 C count 1000",
    die: str = "size 10 mm x 10 mm x 0.75 mm",
    msl: str = "",
    peak: str = "245 C",
    finish: str = "",
    mass: str = "diameter 100 um; height 80 um",
    solder: str = "SAC305",
    extra: str = "",
) -> str:
    """A silicon die flip-chip soldered to a BT substrate, underfilled, reflowed and cycled."""
    return f"""use std
element die : chip {{ body silicon; {die}; z 1080 um; flip{"; " + msl if msl else ""}
    pads c grid 4 x 4 pitch 200 um diameter 100 um{" " + finish if finish else ""} }}
element sub : substrate {{ body BT; size 20 mm x 20 mm x 1 mm; z 0 um
    pads p grid 4 x 4 pitch 200 um diameter 100 um{" " + finish if finish else ""} }}
masses s : {solder} {{ joins die.c[*] -- sub.p[*] by position; {mass} }}
layer uf : {underfill} {{ role underfill; between die, sub; surrounds s }}
{extra}process {{
    step reflow {{ kind reflow; peak {peak}; forms s }}
    step fill {{ kind cure; peak 150 C; forms uf }}
    {operate}
    {cycle}
}}
"""
