"""The small designs the IN rules' documentation shows (and the tests run): a die on an interposer."""

from __future__ import annotations


def design(masses: str, *, nets: str = "", extra: str = "", pitch: str = "200 um") -> str:
    """A die over an interposer, two 1 x 4 rows of pads, the given masses and nets."""
    return f"""use std
element die : chip {{ body silicon; pads c grid 1 x 4 pitch {pitch} diameter 100 um }}
element sub : interposer {{ body silicon; pads p grid 1 x 4 pitch {pitch} diameter 100 um }}
{extra}{masses}
{nets}"""


STRAIGHT = "masses m : SAC305 { joins die.c[*] -- sub.p[*]; diameter 100 um; height 60 um }"
NETS = "nets n { die.c[*], sub.p[*] }\n"
