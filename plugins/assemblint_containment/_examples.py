"""The small design the CT rules' documentation shows (and the tests run): seed 003 in miniature.

A chip joined to a polyimide sheet by four masses of a 50 °C alloy, with nickel barriers on both
sides, surrounded by a compliant dielectric gel that is injected after joining; the sheet is then
soldered to a board at 165 °C and the chip operates at 40–85 °C.
"""

from __future__ import annotations

GEL = "kind compliant; dielectric; modulus 0.3 MPa; service -65 C .. 200 C"
BARRIER = " barrier nickel 1 um"


def design(
    *,
    gel: str = GEL,
    layer: str = "role compliant; between chip, sheet; thickness 100 um",
    barrier: str = BARRIER,
    with_layer: bool = True,
    operate: str = "40 C .. 85 C",
) -> str:
    layer_text = f"material gel {{ {gel} }}\nlayer g : gel {{ {layer} }}\n" if with_layer else ""
    fill = "    step fill  { kind inject; temp 25 C; forms g }\n" if with_layer else ""
    return f"""use std
element chip : chip {{ body silicon; pads c grid 2 x 2 pitch 500 um diameter 100 um{barrier} }}
element sheet : dielectric_sheet {{ body polyimide; pads p grid 2 x 2 pitch 500 um diameter 100 um{barrier} }}
{layer_text}masses m : SnBiPbInCd50 {{ joins chip.c[*] -- sheet.p[*]; diameter 90 um; height 100 um }}
process {{
    step join  {{ kind reflow; peak 75 C }}
{fill}    step mount {{ kind reflow; peak 165 C }}
    operate {operate}
}}
"""
