"""MH007 liquid-in-operation: a mass is liquid somewhere in the operating range (for review)."""

from __future__ import annotations

from collections.abc import Iterator

from assemblint import EACH, OBJECTS, Finding, RuleContext, Severity, rule
from assemblint.analysis.timeline import at_or_above, materials_text, temp

from ._examples import LOW_MELT, design

JOIN = "    step join { kind reflow; peak 75 C }\n"


@rule(
    id="MH007",
    name="liquid-in-operation",
    severity=Severity.INFO,
    tiles=EACH,
    source="seed 003 claims 7 and 46–51 (masses liquid at the operating temperature of the chip)",
    examples={
        "fires": design(LOW_MELT, JOIN + "    operate 40 C .. 85 C"),
        "passes": design(LOW_MELT, JOIN + "    operate 0 C .. 45 C"),
    },
    doc="""
    A mass is liquid somewhere in the operating range: listed for review.

    Seed 003 makes this a feature: masses that melt at 50 °C are liquid while the chip runs at
    85 °C, so they carry no thermal-expansion stress at all and cannot fatigue. It is also a
    commitment: a liquid mass must be contained and insulated for the whole life of the product
    (CT001 requires a containing layer; the CT and IN rules check it). The operating range is the
    process's `operate`, or the union of the elements' `operating` ranges. A mass is liquid when
    the range's top reaches its melting point (the lowest solidus of its materials).
    """,
)
def liquid_in_operation(ctx: RuleContext) -> Iterator[Finding]:
    tl = ctx.timeline
    operating = tl.require_operating()
    for masses in tl.by_declaration(tl.liquid(operating)):
        group = masses[0].target
        melting = float(tl.melting[group.start])
        yield ctx.finding(
            f"{operating.describe()}, {at_or_above(operating.high, melting)} "
            f"the {temp(melting)} melting point of {materials_text(group)} in "
            f"{OBJECTS}: they are liquid in operation",
            objects=masses,
            data={"operate_high": operating.high, "melting_temp": melting, "material": materials_text(group)},
            cause="liquid in operation",
        )
