"""The template plugin: one rule, TPL001 mass-budget, written only against the public API."""

from __future__ import annotations

from assemblint import OBJECTS, Severity, hookimpl, rule

__version__ = "0.1.0"

TWO_MASSES = """use std
element die : chip { body silicon; pads c grid 1 x 2 pitch 300 um diameter 120 um }
element sub : substrate { body AlN; pads p grid 1 x 2 pitch 300 um diameter 120 um }
masses m : SAC305 { joins die.c[*] -- sub.p[*]; height 80 um }
"""
ONE_MASS = TWO_MASSES.replace("grid 1 x 2", "grid 1 x 1")


@rule(
    id="TPL001",
    name="mass-budget",
    severity=Severity.WARNING,
    params={"max_masses": {"type": "integer", "minimum": 1, "default": 100000, "description": "the most masses"}},
    source="the bumping line's capacity (an example of a plant limit a team might check)",
    examples={"fires": TWO_MASSES, "passes": ONE_MASS, "deck": "[rules.TPL001]\nmax_masses = 1"},
    doc="""
    The design has more masses than the bumping line can place in one pass (`max_masses`).

    A rule is a function of `ctx` that yields findings. This one reads `ctx.assembly`, compares
    with a parameter the deck can set, and reports one finding whose objects are the masses of
    every `masses` statement (one finding for the design, not one per statement: a flat export
    has a statement per mass).
    """,
)
def mass_budget(ctx):
    limit = ctx.params["max_masses"]
    total = ctx.assembly.mass_count
    if total > limit:
        yield ctx.finding(
            f"{total} masses, over the budget of {limit}; {OBJECTS} are among them",
            objects=list(ctx.assembly.mass_groups),
            data={"masses": total, "max_masses": limit},
        )


@hookimpl
def assemblint_rules():
    return [mass_budget]
