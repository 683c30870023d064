"""The design the waiver rules' documentation shows (and the tests run): a remelt to waive, and the
words a waiver is quoted by in their messages."""

from __future__ import annotations

from assemblint.model.assembly import Waiver

REMELT = """use std
element die : chip { body silicon; pads c grid 2 x 2 pitch 300 um diameter 120 um }
element sub : substrate { body AlN; pads p grid 2 x 2 pitch 300 um diameter 120 um }
masses b : Sn63Pb37 { joins die.c[*] -- sub.p[*]; height 80 um }
process {
    step join  { kind reflow; peak 215 C }
    step mount { kind reflow; peak 245 C }   # remelts b: MH003
    operate 0 C .. 70 C
}
"""


def waiver_text(waiver: Waiver) -> str:
    """`waive MH003 on b[*]` by its owner, as the messages quote a waiver."""
    return f"`waive {waiver.rule} on {', '.join(waiver.patterns)}`" + (f" by {waiver.by}" if waiver.by else "")
