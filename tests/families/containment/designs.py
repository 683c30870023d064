"""The containment tests' designs and helpers, written once: seed 003 in miniature (the gel `g` on
line 5, the masses `m` on line 6), its panel of cells, and finding queries. GEL and BARRIER are the
documentation's own (assemblint_containment._examples): imported from there."""

from __future__ import annotations

from assemblint_containment._examples import BARRIER, GEL

LAYER = "role compliant; between chip, sheet; thickness 100 um"
STEPS = """\
    step join  { kind reflow; peak 75 C }
    step fill  { kind inject; temp 25 C; forms g }
    step mount { kind reflow; peak 165 C }"""
STEPS_NO_LAYER = STEPS.replace("; forms g", "")

MASS_LINE, MASS_COLUMN = 6, 8  # `masses m`
LAYER_LINE, LAYER_COLUMN = 5, 7  # `layer g`


def design(
    *,
    gel: str = GEL,
    layer: str | None = LAYER,
    barrier_c: str = BARRIER,
    barrier_p: str = BARRIER,
    alloy: str = "SnBiPbInCd50",
    mass: str = "",
    extra: str = "",
    steps: str | None = None,
    service: str = "operate 40 C .. 85 C",
) -> str:
    """The base design; `layer=None` leaves the gel out (its line stays, as a comment)."""
    if steps is None:
        steps = STEPS if layer is not None else STEPS_NO_LAYER
    layer_line = f"layer g : gel {{ {layer} }}" if layer is not None else "# no layer"
    return f"""use std
material gel {{ {gel} }}
element chip : chip {{ body silicon; pads c grid 2 x 2 pitch 500 um diameter 100 um{barrier_c} }}
element sheet : dielectric_sheet {{ body polyimide; pads p grid 2 x 2 pitch 500 um diameter 100 um{barrier_p} }}
{layer_line}
masses m : {alloy} {{ joins chip.c[*] -- sheet.p[*]; diameter 90 um; height 100 um{mass} }}
{extra}
process {{
{steps}
    {service}
}}
"""


def of(report, rule: str) -> list:
    """The findings of one rule, in report order."""
    return [f for f in report.findings if f.rule == rule]


def fired(check_text, text: str, rule: str, deck: str | None = None) -> list:
    """Run one rule on a design and return its findings."""
    return of(check_text(text, deck=deck, select=(rule,)), rule)


CELL_DESIGN = """\
use std
material gel {{ {gel} }}
cell Unit {{
    element chip : chip {{ body silicon; pads c grid 2 x 2 pitch 500 um diameter 100 um{barrier} }}
    element sheet : dielectric_sheet {{ body polyimide; pads p grid 2 x 2 pitch 500 um diameter 100 um{barrier} }}
    masses m : SnBiPbInCd55 {{ joins chip.c[*] -- sheet.p[*]; diameter 90 um; height 100 um{mass} }}
    {layer}
}}
place units : Unit grid 2 x 3 pitch 12 mm x 12 mm
process {{
    step bump  {{ kind deposit; temp 25 C; forms units[*].m }}
    step join  {{ kind reflow; peak 75 C }}
    step fill  {{ kind inject; temp 25 C .. 30 C{forms} }}
    step mount {{ kind reflow; peak 165 C }}
    operate 40 C .. 85 C
}}
"""


def cell_design(*, gel: str = GEL, thickness: str = "100 um", barrier: str = BARRIER, with_layer: bool = True) -> str:
    layer = f"layer g : gel {{ role compliant; between chip, sheet; thickness {thickness} }}" if with_layer else ""
    return CELL_DESIGN.format(
        gel=gel,
        barrier=barrier,
        mass="; in g" if with_layer else "",
        layer=layer,
        forms="; forms units[*].g" if with_layer else "",
    )
