"""MH011 melt-range: a fusible mass melts outside the range the design family calls for."""

from __future__ import annotations

from collections.abc import Iterator

from assemblint import EACH, OBJECTS, Finding, RuleContext, Severity, quantity, rule
from assemblint.analysis.timeline import materials_text, temp

from ._examples import LOW_MELT, design

JOIN = "    step join { kind reflow; peak 75 C }"


@rule(
    id="MH011",
    name="melt-range",
    severity=Severity.ERROR,
    tiles=EACH,
    params={
        "min_melt": quantity("temperature", None, "the lowest melting point allowed (unset: not checked)"),
        "max_melt": quantity("temperature", None, "the highest melting point allowed (unset: not checked)"),
    },
    source="seed 003 claims 1–4 (masses melting below about 125, 100, 65 °C; preferably 25–65 °C)",
    examples={
        "deck": '[rules.MH011]\nmin_melt = "25 C"\nmax_melt = "65 C"',
        "fires": design(
            "masses m : In52Sn48 { joins die.c[*] -- sub.p[*]; height 100 um }",
            "    step join { kind reflow; peak 140 C }",
        ),
        "passes": design(LOW_MELT, JOIN),
    },
    doc="""
    A fusible mass melts below `min_melt` or above `max_melt`. Both are unset by default, and an
    unset bound is not checked: a deck states the range its design family needs.

    Seed 003's claims narrow the masses' melting point step by step: below about 125 °C, below
    100 °C, below 65 °C, and preferably between 25 and 65 °C, so that the masses are solid when
    handled at room temperature and liquid at the chip's operating temperature. A deck for such
    designs sets `min_melt = "25 C"` and `max_melt = "65 C"`. The melting point is the lowest
    solidus of the mass's materials; exactly at a bound passes.
    """,
)
def melt_range(ctx: RuleContext) -> Iterator[Finding]:
    tl = ctx.timeline
    low, high = ctx.params.get("min_melt"), ctx.params.get("max_melt")
    for bound, mask, side in (
        (low, tl.melting < low if low is not None else None, "below the minimum"),
        (high, tl.melting > high if high is not None else None, "above the maximum"),
    ):
        if bound is None or mask is None:  # mask is None exactly when bound is
            continue
        for masses in tl.by_declaration(mask):
            group = masses[0].target
            melting = float(tl.melting[group.start])
            yield ctx.finding(
                f"{materials_text(group)} in {OBJECTS} melts at {temp(melting)}, {side} of {temp(bound)}",
                objects=masses,
                data={"melting_temp": melting, "min_melt": low, "max_melt": high, "material": materials_text(group)},
                cause=side,
            )
