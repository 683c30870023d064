"""MH012 melt-data: a fusible material of a mass has no melting data, or only a liquidus."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assemblint import EACH, OBJECTS, Finding, RuleContext, Severity, rule
from assemblint.analysis.timeline import temp
from assemblint.model.assembly import Material

from ._examples import design

JOIN = "    step join { kind reflow; peak 215 C }"
NO_DATA = "material paste { kind fusible; composition Sn 63 %, Pb 37 % }\n"
LIQUIDUS_ONLY = "material paste { kind fusible; liquidus 183 C }\n"
MASSES = "masses b : paste { joins die.c[*] -- sub.p[*]; height 80 um }"


@rule(
    id="MH012",
    name="melt-data",
    severity=Severity.WARNING,
    tiles=EACH,
    source="CHECKS.md definitions (melts = reaches the solidus); seeds/README.md",
    examples={
        "fires": design(MASSES, JOIN, extra=NO_DATA),
        "passes": design("masses b : Sn63Pb37 { joins die.c[*] -- sub.p[*]; height 80 um }", JOIN),
    },
    doc="""
    A fusible material that a mass uses has no melting data (no `solidus`, `liquidus` or
    `melts`), or only a `liquidus`.

    Every melting-hierarchy and containment rule starts from when a mass melts (its solidus) and
    when it is fully molten (its liquidus). Without either, no rule can tell whether a step joins,
    remelts or leaves the mass solid: such masses are skipped by the other MH rules and by the CT
    rules (MH002 does not call them "never joined"), and this rule says so, once per mass
    statement and material, rather than letting the design pass in silence. With only a liquidus
    the solidus is taken equal to it; a real alloy starts to melt at its solidus, which is lower
    for every non-eutectic alloy, so every remelt check (MH003, MH004, MH007, MH008, CT001) is
    then optimistic: give the solidus from the alloy's datasheet (or `melts T` for a eutectic).
    """,
)
def melt_data(ctx: RuleContext) -> Iterator[Finding]:
    groups = ctx.assembly.mass_groups
    tl = ctx.timeline
    problems: dict[int, tuple[Material, str]] = {}
    per_group: list[tuple[int, ...]] = []
    for group in groups:  # a handful of kinds of group: the answer is cached per material
        bad = []
        for material in group.materials:
            reason = _reason(material)
            if reason is not None:
                problems.setdefault(id(material), (material, reason))
                bad.append(id(material))
        per_group.append(tuple(bad))
    if not problems:
        return
    counts = np.fromiter((g.count for g in groups), np.int64, len(groups))
    for key, (material, reason) in problems.items():
        uses = np.fromiter((key in bad for bad in per_group), bool, len(groups))
        for masses in tl.by_declaration(np.repeat(uses, counts)):
            if reason == "none":
                message = (
                    f"{material.name}, the fusible material of {OBJECTS}, gives no solidus, liquidus or `melts`: "
                    "no rule can tell when these masses melt, so the MH and CT rules skip them; give its melting "
                    "data from the alloy's datasheet"
                )
            else:
                message = (
                    f"{material.name}, the fusible material of {OBJECTS}, gives only a liquidus "
                    f"({temp(material.liquidus or 0.0)}): its solidus is taken equal to it, which is optimistic for "
                    "every remelt check (the alloy starts to melt at its solidus); give the solidus, or `melts` for "
                    "a eutectic"
                )
            yield ctx.finding(
                message,
                objects=masses,
                data={"material": material.name, "solidus": material.solidus, "liquidus": material.liquidus},
                cause=f"{material.name} {'no melting data' if reason == 'none' else 'liquidus only'}",
            )


def _reason(material: Material) -> str | None:
    """`none` (no melting data), `liquidus` (only a liquidus), or None (enough to decide)."""
    if material.lacks_melting_data:
        return "none"
    if material.solidus_assumed:
        return "liquidus"
    return None
