"""The melting tests' designs and helpers, written once: a die on an AlN substrate (2 x 2 pads each)
with the given masses and process lines, test materials, cells, and finding queries. EUTECTIC and
two_region are the documentation's own (assemblint_melting._examples): the tests import them
from there."""

from __future__ import annotations

JOIN = "step join { kind reflow; peak 215 C }"
# A compliant dielectric gel rated far beyond every step here, so that only the rule under test speaks.
GEL = "material gel { kind compliant; dielectric; modulus 0.3 MPa; service -65 C .. 400 C }"
LAYER = "layer g : gel { role compliant; between die, sub; thickness 100 um }"
FILL = "step fill { kind inject; temp 25 C; forms g }"


def design(masses: str, *process: str, die: str = "", sub: str = "", extra: str = "") -> str:
    """A die on an AlN substrate (2 x 2 pads each), the given masses and one process line per argument."""
    body = "\n".join(f"    {line}" for line in process)
    return f"""use std
element die : chip {{ body silicon; {die}pads c grid 2 x 2 pitch 300 um diameter 120 um }}
element sub : substrate {{ body AlN; {sub}pads p grid 2 x 2 pitch 300 um diameter 120 um }}
{extra}
{masses}
process {{
{body}
}}
"""


def masses(material: str, name: str = "b") -> str:
    return f"masses {name} : {material} {{ joins die.c[*] -- sub.p[*]; height 80 um }}"


def fusible(name: str, solidus: float, liquidus: float | None = None) -> str:
    """A test material with its melting values exactly where a boundary needs them."""
    liquidus = solidus if liquidus is None else liquidus
    return f"material {name} {{ kind fusible; solidus {solidus} C; liquidus {liquidus} C }}"


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def findings(report, rule: str) -> list:
    return [f for f in report.findings if f.rule == rule]


def only(report, rule: str):
    """The one finding of `rule` in the report."""
    found = findings(report, rule)
    assert len(found) == 1, [(f.rule, f.object_names, f.message) for f in report.findings]
    return found[0]


def mh_rules(report) -> list[tuple[str, list[str], str]]:
    return sorted((f.rule, f.object_names, f.message) for f in report.findings if f.rule.startswith("MH"))


LOW_MELT = masses("SnBiPbInCd50")
LOW_JOIN = "step join { kind reflow; peak 75 C }"


MH011_DECK = '[rules.MH011]\nmin_melt = "25 C"\nmax_melt = "65 C"'


def cell_design(masses_text: str, *process: str, chip: str = "", layer: str = "") -> str:
    body = "\n".join(f"    {line}" for line in process)
    return f"""use std
{GEL}
cell Unit {{
    element chip : chip {{ body silicon; {chip}pads c grid 2 x 2 pitch 500 um diameter 100 um }}
    element sheet : dielectric_sheet {{ body polyimide; pads p grid 2 x 2 pitch 500 um diameter 100 um }}
    {masses_text}
    {layer}
}}
place units : Unit grid 2 x 3 pitch 12 mm x 12 mm
process {{
{body}
}}
"""


def cell_masses(material: str) -> str:
    return f"masses m : {material} {{ joins chip.c[*] -- sheet.p[*]; height 100 um }}"
