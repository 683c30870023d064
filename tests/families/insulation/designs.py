"""The insulation tests' helpers, written once. The base design, STRAIGHT and NETS are the
documentation's own (assemblint_insulation._examples) and each rule's faulty masses are its
module's (in001_short.CROSSED, …): the tests import them from there."""

from __future__ import annotations

SEP = " — "  # between the nodes of a short's path


def of(report, rule: str) -> list:
    """The findings of one rule, in report order."""
    return [f for f in report.findings if f.rule == rule]


def fired(check_text, text: str, rule: str, deck: str | None = None) -> list:
    """Run one rule on a design and return its findings."""
    return of(check_text(text, deck=deck, select=(rule,)), rule)


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line of `text` containing `needle`."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def two_pads(pitch: str, *, die: str = "", sub: str = "", mass: str = "diameter 100 um") -> str:
    """A die over an interposer, a 1 x 2 row of 100 µm pads each, one mass `a` on pads [0]."""
    return f"""use std
element die : chip {{ body silicon; pads c grid 1 x 2 pitch {pitch} diameter 100 um{die} }}
element sub : interposer {{ body silicon; pads p grid 1 x 2 pitch {pitch} diameter 100 um{sub} }}
mass a : SAC305 {{ joins die.c[0] -- sub.p[0]; {mass} }}
"""


def with_die_connect(text: str, connect: str) -> str:
    """`text` (a `design(...)`) with `connect …` added to the die."""
    head, tail = text.split("\nelement sub", 1)
    assert head.endswith(" }")
    return f"{head[:-2]}; {connect} }}\nelement sub{tail}"
