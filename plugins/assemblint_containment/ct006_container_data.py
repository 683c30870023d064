"""CT006 container-data: a containing layer lacks the data the CT rules need to decide."""

from __future__ import annotations

from collections.abc import Iterator

from assemblint import EACH, OBJECTS, Finding, RuleContext, Severity, rule

from ._examples import GEL, design


@rule(
    id="CT006",
    name="container-data",
    severity=Severity.WARNING,
    tiles=EACH,
    source="seed 003 (the containing material's range, modulus and thickness are what make it work)",
    examples={"fires": design(gel=GEL.replace("modulus 0.3 MPa; ", "")), "passes": design()},
    doc="""
    A containing layer's material lacks a property the CT rules need, so a check cannot decide:
    `service` (or at least `max_temp`) for CT002, `modulus` for CT003; or the layer has no
    `thickness` for CT004.

    A check that cannot decide must say so rather than pass silently: the std library leaves a
    value out where no source gives it (`silicone_gel` has no modulus), and a design's own
    material may be incomplete. Give the value from the material's data sheet, or declare a
    material of your own that inherits from it (`material my_gel : silicone_gel { modulus
    0.4 MPa }`).
    """,
)
def container_data(ctx: RuleContext) -> Iterator[Finding]:
    for layer in ctx.timeline.containing_layers:
        material = layer.material
        missing: list[tuple[str, str, str]] = []
        if material is not None:
            if material.service is None and material.max_temp is None:
                missing.append(("service", "`service` (or `max_temp`)", "CT002 cannot check its temperature rating"))
            if material.modulus is None:
                missing.append(("modulus", "`modulus`", "CT003 cannot check that it is compliant"))
            for key, what, consequence in missing:
                yield ctx.finding(
                    f"{material.name}, the material of containing layer {OBJECTS}, has no {what}: {consequence}",
                    objects=layer,
                    data={"material": material.name, "missing": key},
                    cause=key,
                )
        if layer.thickness is None:
            yield ctx.finding(
                f"containing layer {OBJECTS} has no `thickness`: CT004 cannot check it",
                objects=layer,
                data={"missing": "thickness"},
                cause="thickness",
            )
