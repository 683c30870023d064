"""MH004 contained-remelt: a joined mass melts again inside its containing layer (for review)."""

from __future__ import annotations

from collections.abc import Iterator

from assemblint import EACH, OBJECTS, Finding, RuleContext, Severity, rule
from assemblint.analysis.timeline import at_or_above, materials_text, temp

from ._examples import EUTECTIC, design, filled_after, gel_layer
from ._remelts import remelts

GEL = gel_layer("260 C")
STEPS = filled_after("215 C")


@rule(
    id="MH004",
    name="contained-remelt",
    severity=Severity.INFO,
    tiles=EACH,
    source="seed 003 (the masses melt during surface mounting and stay in place, held by the gel)",
    examples={
        "fires": design(EUTECTIC, STEPS + "    step mount { kind reflow; peak 245 C }", extra=GEL),
        "passes": design(EUTECTIC, STEPS + "    step mount { kind reflow; peak 170 C }", extra=GEL),
    },
    doc="""
    A mass is melted again by a process step after the step that joined it, and at that step a
    layer contains it: allowed by design, listed for review.

    Seed 003's chip-scale package is built this way on purpose: its low-melting masses melt again
    when the package is surface-mounted to a board, and the compliant dielectric gel around them
    holds each one in place and apart from its neighbours. That is only safe while the gel is
    there, soft, insulating and rated for the step's temperature, which the CT rules check
    (CT002–CT006). The finding names the layer that contains the masses at that step and the top
    of its material's service range, so a reviewer sees the margin.
    """,
)
def contained_remelt(ctx: RuleContext) -> Iterator[Finding]:
    ctx.timeline.require_steps()
    for remelt in remelts(ctx.timeline, ctx.assembly.layers, contained=True):
        group = remelt.group
        layer = remelt.container
        assert layer is not None
        melting = float(ctx.timeline.melting[group.start])
        material = layer.material
        rated = material.service[1] if material and material.service else material.max_temp if material else None
        rating = f", rated to {temp(rated)}" if rated is not None else ""
        yield ctx.finding(
            f"{remelt.step.describe()}, {at_or_above(remelt.step.high, melting)} "
            f"the {temp(melting)} melting point of {materials_text(group)} in "
            f"{OBJECTS}, joined at `{remelt.joined_at.name}`; layer {short_name(layer.name)} "
            f"({material.name if material else 'no material'}{rating}) contains them",
            objects=remelt.masses,
            data={
                "step": remelt.step.name,
                "step_temp": remelt.step.high,
                "melting_temp": melting,
                "material": materials_text(group),
                "joined_at": remelt.joined_at.name,
                "layer": short_name(layer.name),
                "layer_rated_to": rated,
            },
            cause=f"{remelt.step.name} after {remelt.joined_at.name} in {short_name(layer.name)}",
        )


def short_name(name: str) -> str:
    """A cell instance's layer by its declared name (`units[4].gel` -> `gel`): one finding covers all."""
    return name.rsplit(".", 1)[-1]
