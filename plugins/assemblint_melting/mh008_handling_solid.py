"""MH008 handling-solid: a mass melts at or below the handling temperature and cannot be handled solid."""

from __future__ import annotations

from collections.abc import Iterator

from assemblint import EACH, OBJECTS, Finding, RuleContext, Severity, quantity, rule
from assemblint.analysis.timeline import materials_text, temp

from ._examples import design


@rule(
    id="MH008",
    name="handling-solid",
    severity=Severity.WARNING,
    tiles=EACH,
    params={"handling_temp": quantity("temperature", "20 C", "the temperature at which parts are handled")},
    source="seed 003 (masses melting at 25–65 °C are solid at room temperature, so the parts can be handled)",
    examples={
        "fires": design(
            "masses m : galinstan { joins die.c[*] -- sub.p[*] }", "    step join { kind reflow; peak 30 C }"
        ),
        "passes": design(
            "masses m : SnBiPbInCd50 { joins die.c[*] -- sub.p[*] }", "    step join { kind reflow; peak 75 C }"
        ),
    },
    doc="""
    A fusible mass melts at or below `handling_temp`, so it is liquid whenever the part is handled.

    Seed 003 prefers masses that melt between 25 and 65 °C: solid at room temperature, so
    sub-assemblies can be picked, placed, tested and shipped with the masses in place, and liquid
    in operation. A mass that is already liquid at the handling temperature (gallium alloys such
    as galinstan at 11 °C) needs containment from the moment it is formed and special handling
    all the way. A mass that melts exactly at `handling_temp` fires: at that temperature it has
    reached its solidus and is no longer solid (CHECKS.md: "reaches" is at or above).
    """,
)
def handling_solid(ctx: RuleContext) -> Iterator[Finding]:
    tl = ctx.timeline
    handling = ctx.params["handling_temp"]
    for masses in tl.by_declaration(tl.melting <= handling):
        group = masses[0].target
        melting = float(tl.melting[group.start])
        yield ctx.finding(
            f"{materials_text(group)} in {OBJECTS} melts at {temp(melting)}, "
            f"{'at' if melting == handling else 'below'} the {temp(handling)} "
            "handling temperature: the masses are liquid whenever the part is handled",
            objects=masses,
            data={"melting_temp": melting, "handling_temp": handling, "material": materials_text(group)},
            cause="melts below handling",
        )
