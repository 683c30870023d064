"""CTE004 closer-cte: the mold around an element must match its CTE better than the dielectric layer."""

from __future__ import annotations

from collections.abc import Iterator

from assemblint import EACH, OBJECTS, Finding, RuleContext, Severity, falls_short, rule
from assemblint.base.units import format_quantity
from assemblint.model.assembly import Assembly, Element, Layer

from ._examples import design

LAYERS = """material emc {{ kind polymer; dielectric; cte {mold} }}
material film {{ kind polymer; dielectric; cte 17 ppm/K }}
layer mold : emc {{ role mold; between die, board; thickness 100 um }}
layer dl : film {{ role dielectric; between die, board; thickness 150 um }}
"""


ACTIVE_TYPES = ("chip", "wafer")  # seed 004 matches the mold to the chip's CTE


def ppm(value: float) -> str:
    return format_quantity(value, "expansion")


@rule(
    id="CTE004",
    name="closer-cte",
    severity=Severity.WARNING,
    tiles=EACH,
    source="seed 004 claims 26, 29 and 46 (a molding material whose CTE is closer to the chip's than the "
    "dielectric layer's)",
    examples={
        "fires": design(extra=LAYERS.format(mold="30 ppm/K")),
        "passes": design(extra=LAYERS.format(mold="8 ppm/K")),
    },
    doc="""
    An element has both a `mold` and a `dielectric` layer, and the mold's CTE is not closer to the
    element's CTE than the dielectric layer's.

    Seed 004 embeds a chip's bumps in a molding material and lays a dielectric layer over it: the
    molding material is the one in contact with the chip and its joints, so its CTE must be the
    closer of the two to the chip's, or the mold itself shears the bumps it is meant to protect.
    The element compared is the active one: a `chip` or `wafer` that is one of the two elements
    both layers lie `between` (a mold between a chip and its substrate is compared with the
    chip's CTE, not the substrate's). Equal distances fire ("closer" is strict). Missing CTEs
    are CTE005's.
    """,
)
def closer_cte(ctx: RuleContext) -> Iterator[Finding]:
    for element, mold, dielectric in compared_layers(ctx.assembly):
        element_cte, mold_cte, dielectric_cte = element.cte, _cte(mold), _cte(dielectric)
        if element_cte is None or mold_cte is None or dielectric_cte is None:
            continue
        mold_gap, dielectric_gap = abs(mold_cte - element_cte), abs(dielectric_cte - element_cte)
        if falls_short(mold_gap, dielectric_gap):  # strictly closer, past rounding
            continue
        yield ctx.finding(
            f"the mold {mold.name.rsplit('.', 1)[-1]} ({ppm(mold_cte)}) is {ppm(mold_gap)} from the "
            f"{ppm(element_cte)} CTE of {OBJECTS}, not closer than the dielectric layer "
            f"{dielectric.name.rsplit('.', 1)[-1]} ({ppm(dielectric_cte)}, {ppm(dielectric_gap)} away)",
            objects=element,
            data={
                "element_cte": element_cte,
                "mold_cte": mold_cte,
                "dielectric_cte": dielectric_cte,
                "mold_gap": mold_gap,
                "dielectric_gap": dielectric_gap,
            },
            cause=f"{mold.name.rsplit('.', 1)[-1]} vs {dielectric.name.rsplit('.', 1)[-1]}",
        )


def compared_layers(assembly: Assembly) -> list[tuple[Element, Layer, Layer]]:
    """(chip, mold layer, dielectric layer) for every chip or wafer that has both (the first of each)."""
    molds: dict[int, Layer] = {}
    dielectrics: dict[int, Layer] = {}
    for layer in assembly.layers:
        if layer.between is None or layer.role not in ("mold", "dielectric"):
            continue
        for element in layer.between:
            if element.type not in ACTIVE_TYPES:
                continue
            (molds if layer.role == "mold" else dielectrics).setdefault(element.index, layer)
    return [(assembly.elements[i], molds[i], dielectrics[i]) for i in sorted(molds.keys() & dielectrics.keys())]


def _cte(layer: Layer) -> float | None:
    return layer.material.cte if layer.material is not None else None
