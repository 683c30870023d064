"""The reliability tests' designs, materials and helpers, written once.

Every number that decides a finding comes from the materials declared here (never from std, whose
values may change): the solder `sac` (Sn 96.5 %, 217/221 °C, 7.4 g/cm³), the die body
`si` (2.6 ppm/K, 130 GPa), the laminate `lam` (12.6 ppm/K, 26 GPa, Tg 180 °C, α2 40 ppm/K) and the
underfill resin `resin` (30 ppm/K, 8 GPa, Tg 120 °C, α2 100 ppm/K). The base design, `design()`:
a die `die` (8 x 6 x 0.5 mm, line 6) flip-chip soldered to a substrate `sub` (20 x 20 x 0.5 mm,
line 7) by four joints `s` (line 8, ⌀100 µm, 80 µm high) on 2 x 2 pads ⌀100 µm, reflowed at 245 °C
(line 11) and operated -40 .. 85 °C, cycled -40 .. 100 °C.
"""

from __future__ import annotations

RL = ("RL001", "RL002", "RL003", "RL004", "RL005")

# lines 2-5 of every design
MATERIALS = """\
material sac { kind fusible; composition Sn 96.5 %, Ag 3 %, Cu 0.5 %; solidus 217 C; liquidus 221 C; density 7.4 g/cm3 }
material si { kind semiconductor; cte 2.6 ppm/K; modulus 130 GPa }
material lam { kind polymer; dielectric; cte 12.6 ppm/K; modulus 26 GPa; tg 180 C; cte_above_tg 40 ppm/K }
material resin { kind polymer; dielectric; cte 30 ppm/K; modulus 8 GPa; tg 120 C; cte_above_tg 100 ppm/K }"""

DIE = "body si; size 8 mm x 6 mm x 0.5 mm"
SUB = "body lam; size 20 mm x 20 mm x 0.5 mm"
PAD = "diameter 100 um"
MASS = "diameter 100 um; height 80 um"
REFLOW = "step reflow { kind reflow; peak 245 C; forms s }"
SERVICE = "operate -40 C .. 85 C\n    cycle -40 C .. 100 C count 1000"


def design(
    *,
    die: str = DIE,
    sub: str = SUB,
    pads: str = "grid 2 x 2 pitch 1 mm",
    die_pad: str = PAD,
    sub_pad: str = PAD,
    mass: str = MASS,
    solder: str = "sac",
    extra: str = "",
    after: str = "",
    steps: str = REFLOW,
    service: str = SERVICE,
) -> str:
    """The base design (lines as the module says); `extra` goes before the elements (on line 6 with
    them pushed down), `after` after the masses (layers, nets), `steps` and `service` into the process."""
    return f"""use std
{MATERIALS}
{extra + chr(10) if extra else ""}element die : chip {{ {die}; pads c {pads} {die_pad} }}
element sub : substrate {{ {sub}; pads p {pads} {sub_pad} }}
masses s : {solder} {{ joins die.c[*] -- sub.p[*]; {mass} }}
{after}
process {{
    {steps}
    {service}
}}
"""


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def findings(report, rule: str) -> list:
    return [f for f in report.findings if f.rule == rule]


def fired(check_text, text: str, rule: str, deck: str | None = None) -> list:
    """The findings of one rule on a design (that rule alone selected)."""
    return findings(check_text(text, deck=deck, select=(rule,)), rule)


def deck(rule: str, **params) -> str:
    """A `[rules.ID]` table: numbers and booleans as TOML values, strings (quantities) quoted."""

    def value(v):
        if isinstance(v, bool):
            return "true" if v else "false"
        return f'"{v}"' if isinstance(v, str) else repr(v)

    return f"[rules.{rule}]\n" + "\n".join(f"{k} = {value(v)}" for k, v in params.items())


def status(report, rule: str) -> tuple[str, str | None]:
    """A rule's outcome in the report: (`ran` | `could-not-run` | …, its reason)."""
    [row] = [r for r in report.to_json()["rules"] if r["id"] == rule]
    return row["status"], row.get("reason")
