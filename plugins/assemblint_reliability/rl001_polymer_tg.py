"""RL001 polymer-tg: a polymer whose glass transition lies inside the service range."""

from __future__ import annotations

from collections.abc import Iterator

from assemblint import EACH, OBJECTS, Finding, RuleContext, Severity, quantity, rule
from assemblint.base.units import format_quantity
from assemblint.model.assembly import Element, Layer, Material

from ._common import service_top, short, temp
from ._examples import flip_chip

CHECKED_ROLES = ("underfill", "mold", "encapsulant", "dielectric", "adhesive")
MUST_HAVE_TG_ROLES = ("underfill", "mold", "encapsulant")  # without a `tg`, said once (CHECKS.md)
POLYMER_KINDS = ("polymer", "composite")


def ppm(value: float) -> str:
    return format_quantity(value, "expansion")


@rule(
    id="RL001",
    name="polymer-tg",
    severity=Severity.WARNING,
    tiles=EACH,
    params={"margin": quantity("temperature difference", "0 K", "how far below Tg the service range must stay")},
    source="CHECKS.md RL001; E. Suhir (thermal stress in polymer-coated structures: the CTE above Tg); "
    "IPC-TM-650 2.4.24 (Tg by TMA)",
    examples={"fires": flip_chip(underfill="uf3550r"), "passes": flip_chip()},
    doc="""
    A layer (underfill, mold, encapsulant, dielectric, adhesive) or an element body whose material's
    glass transition `tg` lies below the top of the operating or cycle range plus `margin`.

    Above its glass transition a polymer turns rubbery: its CTE jumps to `cte_above_tg` (α2, often
    three times α1) and its modulus falls by one or two orders of magnitude. The CTE rules compare
    α1, the value below Tg; where the service range crosses Tg their figures are optimistic and an
    underfill no longer holds the joints as the design assumes. The finding gives Tg, the top of
    the range, and α2 where the material gives it. An underfill, mold or encapsulant layer, or an
    element body of kind polymer or composite, without a `tg` is reported once (info): whether the
    range reaches its glass transition cannot be told. A Tg exactly at the top (+ margin) passes.
    """,
)
def polymer_tg(ctx: RuleContext) -> Iterator[Finding]:
    top, reached = service_top(ctx.timeline)
    margin = ctx.params["margin"]
    checked: list[tuple[Element | Layer, Material, str]] = []
    for layer in ctx.assembly.layers:
        if layer.role in CHECKED_ROLES and layer.material is not None:
            checked.append((layer, layer.material, f"{layer.role} layer"))
    for element in ctx.assembly.elements:
        if element.body is not None:
            checked.append((element, element.body, "body of"))
    for obj, material, what in checked:
        owner = f"{what} {short(obj.name)}"
        if material.tg is None:
            needs = (isinstance(obj, Layer) and obj.role in MUST_HAVE_TG_ROLES) or (
                isinstance(obj, Element) and material.kind in POLYMER_KINDS
            )
            if needs:
                yield ctx.finding(
                    f"{OBJECTS}: its material {material.name} gives no `tg`, so RL001 cannot tell whether the "
                    f"service range (up to {temp(top)}) reaches its glass transition",
                    objects=obj,
                    severity=Severity.INFO,
                    data={"missing": "tg", "material": material.name, "service_top": top},
                    cause=f"no tg: {short(obj.name)}",
                )
            continue
        if not material.tg < top + margin - 1e-9:
            continue
        above = (
            f"above Tg its CTE is {ppm(material.cte_above_tg)} (α2)"
            + (f", not the {ppm(material.cte)} below it" if material.cte is not None else "")
            if material.cte_above_tg is not None
            else "its CTE above Tg (`cte_above_tg`) is not given"
        )
        margin_text = f" + margin {format_quantity(margin, 'temperature difference')}" if margin else ""
        yield ctx.finding(
            f"{OBJECTS} ({owner}): {material.name} has its glass transition at Tg {temp(material.tg)}, below the "
            f"top of the {reached.name} range {temp(top)}{margin_text}: {above}, so the CTE rules' below-Tg "
            "figures are optimistic there",
            objects=obj,
            data={
                "material": material.name,
                "tg": material.tg,
                "service_top": top,
                "range": reached.name,
                "margin": margin,
                "cte": material.cte,
                "cte_above_tg": material.cte_above_tg,
            },
            cause=f"tg {short(obj.name)}",
        )
