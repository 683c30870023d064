"""The CTE tests' designs, hand-computed numbers and helpers, written once: a die on a board
(Δα = 12.6 − 2.6 = 10 ppm/K by default), 3 x 3 SAC305 joints 100 µm high, and finding queries."""

from __future__ import annotations

import math

CTE = ("CTE001", "CTE002", "CTE003", "CTE004", "CTE005")
PPM = 1e-6

REFLOW = "step reflow { kind reflow; peak 245 C; forms s }"
OPERATE = "operate 0 C .. 100 C"
CYCLE = "cycle -40 C .. 125 C count 1000"
MYSTERY = "material mystery { kind ceramic }"  # a body material with no CTE


def masses(material: str = "SAC305", name: str = "s", pads: str = "[*]", height: str = "height 100 um") -> str:
    return f"masses {name} : {material} {{ joins die.c{pads} -- board.p{pads}; diameter 100 um; {height} }}"


def design(
    *,
    die: str = "cte 2.6 ppm/K;",
    board: str = "cte 12.6 ppm/K;",
    pads: str = "grid 3 x 3 pitch 1 mm",
    joints: str | None = None,
    extra: str = "",
    steps: str = REFLOW,
    service: str = f"{OPERATE}\n    {CYCLE}",
    die_type: str = "chip",
) -> str:
    """A die on a board (Δα = 12.6 − 2.6 = 10 ppm/K by default), 3 x 3 SAC305 joints 100 µm high."""
    joints = masses() if joints is None else joints
    return f"""use std
element die : {die_type} {{ body silicon; {die} pads c {pads} diameter 100 um }}
element board : circuit_board {{ body fr4; {board} pads p {pads} diameter 100 um }}
{joints}
{extra}
process {{
    {steps}
    {service}
}}
"""


# The default design by hand: Δα = 12.6 − 2.6 = 10 ppm/K, ΔT = 125 − (−40) = 165 K (the cycle),
# a 3 x 3 grid of pitch 1 mm centred on the die: corners at (±1000, ±1000) µm. DNP reaches the
# farthest point of each joint (STACK.md §3): a round joint's centre distance plus its radius,
# here √2 · 1000 + 50 µm.
RADIUS = 50.0  # the joints' diameter is 100 µm
SMALL_DNP = math.sqrt(2) * 1000 + RADIUS  # 1464.21 µm
SMALL_STRAIN = 10 * PPM * 165 * SMALL_DNP / 100  # = 0.0241595
# Engelmaier for -40 .. 125 C and 24 cycles/day: T̄ = 42.5 °C, c = −0.442 − 0.0255 + 0.0174 · ln 25.
C_DEFAULT = -0.442 - 6e-4 * 42.5 + 1.74e-2 * math.log(25)  # = −0.411492
SMALL_NF = 0.5 * (SMALL_STRAIN / (2 * 0.325)) ** (1 / C_DEFAULT)  # = 0.5 · 0.0371685^−2.43018 = 1491.8


def sig3(x: float) -> float:
    """x rounded to 3 significant figures."""
    return float(f"{x:.3g}")


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def findings(report, rule: str) -> list:
    return [f for f in report.findings if f.rule == rule]


def only(report, rule: str):
    """The one finding of `rule` in the report."""
    found = findings(report, rule)
    assert len(found) == 1, [(f.rule, f.object_names, f.message) for f in report.findings]
    return found[0]


def summary(report) -> list[tuple[str, str]]:
    """(rule, severity) of every CTE finding, sorted."""
    return sorted((f.rule, f.severity.value) for f in report.findings if f.rule.startswith("CTE"))


def deck(rule: str, **params) -> str:
    """A `[rules.ID]` table: numbers as TOML numbers, strings (quantities) quoted."""
    return f"[rules.{rule}]\n" + "\n".join(
        f"{k} = {v!r}" if not isinstance(v, str) else f'{k} = "{v}"' for k, v in params.items()
    )


LAYERS = """material emc {{ kind polymer; dielectric; cte {mold} }}
material film {{ kind polymer; dielectric; cte {dielectric} }}
layer mo : emc {{ role mold; between die, board; thickness 100 um }}
layer dl : film {{ role dielectric; between die, board; thickness 150 um }}"""
