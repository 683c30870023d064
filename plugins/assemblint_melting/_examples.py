"""The small designs the MH rules' documentation shows (and the tests run): a die on a substrate."""

from __future__ import annotations


def design(masses: str, process: str, *, die: str = "", extra: str = "") -> str:
    """A die joined to an AlN substrate by four masses, with the given masses and process text."""
    return f"""use std
element die : chip {{ body silicon; {die}pads c grid 2 x 2 pitch 300 um diameter 120 um }}
element sub : substrate {{ body AlN; pads p grid 2 x 2 pitch 300 um diameter 120 um }}
{extra}{masses}
process {{
{process}
}}
"""


EUTECTIC = "masses b : Sn63Pb37 { joins die.c[*] -- sub.p[*]; height 80 um }"
LOW_MELT = "masses m : SnBiPbInCd50 { joins die.c[*] -- sub.p[*]; height 100 um }"


def gel_layer(service_top: str) -> str:
    """A compliant dielectric gel between die and substrate, rated up to `service_top`."""
    return f"""material gel {{ kind compliant; dielectric; modulus 0.3 MPa; service -65 C .. {service_top} }}
layer g : gel {{ role compliant; between die, sub; thickness 100 um }}
"""


def filled_after(join_peak: str) -> str:
    """A join reflow at `join_peak`, then the gel injected around the joined masses."""
    return f"""    step join  {{ kind reflow; peak {join_peak} }}
    step fill  {{ kind inject; temp 25 C; forms g }}
"""


def two_region(core: str, joint: str) -> str:
    return f"""masses b {{
    joins die.c[*] -- sub.p[*]
    region core  : {core} on die
    region joint : {joint} on sub
    height 90 um
}}"""
