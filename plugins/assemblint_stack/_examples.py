"""The small stack the ST rules' documentation shows (and the tests run): a flip-chip die on a substrate.

A 12 × 12 × 1 mm BT substrate at z 0 carries a 5 × 5 × 0.75 mm silicon die, flipped (front face
down) at z 1080 µm, joined by four SAC305 bumps 80 µm high on a 500 µm grid: the gap between the
substrate's top (1000 µm) and the die's lower face (1080 µm) is the bumps' height. `extra` adds
statements after the masses.
"""

from __future__ import annotations

SUB = "body BT; size 12 mm x 12 mm x 1 mm; z 0 um"
DIE = "body silicon; size 5 mm x 5 mm x 0.75 mm; z 1080 um; flip"
PADS = "grid 2 x 2 pitch 500 um diameter 100 um"
MASS = "diameter 100 um; height 80 um"


def design(*, sub: str = SUB, die: str = DIE, die_pads: str = PADS, mass: str = MASS, extra: str = "") -> str:
    return f"""use std
element sub : substrate {{ {sub}; pads p {PADS} }}
element die : chip {{ {die}; pads c {die_pads} }}
masses b : SAC305 {{ joins die.c[*] -- sub.p[*]; {mass} }}
{extra}"""
