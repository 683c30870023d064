"""The rohs plugin: RH001 restricted-substance, written only against assemblint's public API.

RH001 reads the `composition` (weight %) of every material the design uses (a mass or a mass
region, a layer, an element body, a pad barrier, a lead) and reports each RoHS substance over its
maximum concentration value, unless the material declares an `exemption`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from assemblint import OBJECTS, Severity, exceeds, hookimpl, quantity, rule

__version__ = "0.1.0"

#: The substances RH001 checks: (symbol, parameter, name). The limits are the parameters' defaults.
SUBSTANCES = (
    ("Pb", "max_pb", "lead"),
    ("Hg", "max_hg", "mercury"),
    ("Cd", "max_cd", "cadmium"),
)

ANNEX_II = "Directive 2011/65/EU Annex II"
HIGH_LEAD = 85.0  # weight % of Pb from which exemption 7(a) (high melting temperature solders) can apply

SOURCE = (
    "RoHS: Directive 2011/65/EU, Annex II as amended by Commission Delegated Directive (EU) 2015/863, "
    "maximum concentration values tolerated by weight in homogeneous materials: lead 0.1 %, mercury 0.1 %, "
    "cadmium 0.01 %. Exemptions (Annex III): 7(a) lead in high melting temperature type solders, i.e. "
    "lead-based alloys containing 85 % by weight or more lead (renewed by Delegated Directive (EU) 2018/742; "
    "restructured into 7(a)-I to 7(a)-VII by Delegated Directive (EU) 2025/1802); 15 / 15(a) lead in solders "
    "completing a viable electrical connection between semiconductor die and carrier within integrated circuit "
    "flip chip packages (Delegated Directive (EU) 2019/172). As collected, with the legal texts' addresses, in "
    "the assemblint reference data, materials.md section E (RoHS)."
)

EXAMPLE = """use std
element die : chip {{ body silicon; pads c grid 2 x 2 pitch 300 um diameter 120 um }}
element sub : substrate {{ body AlN; pads p grid 2 x 2 pitch 300 um diameter 120 um }}
{material}masses b : {solder} {{ joins die.c[*] -- sub.p[*]; height 80 um }}
"""
FIRES = EXAMPLE.format(material="", solder="Sn63Pb37")
PASSES = EXAMPLE.format(
    material='material my_bump : Pb95Sn5 { exemption "RoHS 7(a)" }   # a claimed exemption\n', solder="my_bump"
)


def _percent(value: float) -> str:
    """`37 %`, `0.1 %`, `0.005 %`: a weight percentage as people write it."""
    return f"{value:.6g} %"


def _content(composition: dict[str, float], symbol: str) -> float:
    """The weight % of one element in a composition. Symbols are matched without regard to case
    (`PB 37 %` is lead too): no chemical symbol differs from Pb, Hg or Cd only in case."""
    return sum(value for sym, value in composition.items() if sym.lower() == symbol.lower())


def _uses(assembly: Any) -> dict[int, tuple[Any, list[tuple[str, Any]]]]:
    """Every material the design uses, with its users: {id(material): (material, [(kind, user)])}.

    Mass groups (each region's material of a two-region mass), layers, element bodies, pad barriers
    and leads. Each cell instance has its own groups, so its users are listed per instance and a
    finding compacts them (`units[0:6].m[0:4]`). A material of a `use` library that nothing uses is
    not here.
    """
    used: dict[int, tuple[Any, list[tuple[str, Any]]]] = {}

    def add(material: Any, kind: str, user: Any) -> None:
        if material is not None:
            used.setdefault(id(material), (material, []))[1].append((kind, user))

    for element in assembly.elements:
        add(element.body, "element body", element)
    for array in assembly.pad_arrays:
        add(array.barrier, "pad barrier", array)
    for layer in assembly.layers:
        add(layer.material, "layer", layer)
    for group in assembly.mass_groups:
        for material in dict.fromkeys(group.materials):  # a two-region mass of one material: once
            add(material, "mass", group)
    for group in assembly.lead_groups:
        add(group.material, "lead", group)
    return used


def _first_in_design(assembly: Any, users: list[tuple[str, Any]]) -> Any:
    """The user declared first: in the design's own file before any imported file, then by line."""

    def key(user: Any) -> tuple[int, str, int, int]:
        loc = user.loc
        return (0 if loc.path == assembly.path else 1, loc.path, loc.line, loc.column)

    return min((user for _, user in users), key=key)


def _exemption_hint(material: Any, symbol: str, weight: float) -> str:
    """How to record a claimed exemption on this material, in the design's language, with an entry
    that can fit: 7(a) for a high-lead solder, 15(a) for other lead, a placeholder for Hg and Cd."""
    if symbol == "Pb" and weight >= HIGH_LEAD:
        entry, which = "RoHS 7(a)", "7(a): lead-based solders of 85 % Pb or more"
    elif symbol == "Pb":
        entry, which = (
            "RoHS 15(a)",
            "not 7(a), which needs 85 % Pb; 15(a): solder between die and carrier in a flip chip",
        )
    else:
        entry, which = "RoHS <entry>", "the Annex III entry that applies"
    if material.library is not None:
        how = (
            f"record it on a material of your own, `material my_{material.name} : {material.name} "
            f'{{ exemption "{entry}" }}`, used in place of {material.name}'
        )
    else:
        how = f'record it with `exemption "{entry}"` in `material {material.name}`'
    return f"If an exemption applies ({which}), {how}"


@rule(
    id="RH001",
    name="restricted-substance",
    severity=Severity.WARNING,
    params={
        "max_pb": quantity(
            "fraction",
            "0.1 %",
            "the most lead a homogeneous material may hold, by weight (RoHS Annex II: 0.1 %)",
        ),
        "max_hg": quantity(
            "fraction",
            "0.1 %",
            "the most mercury a homogeneous material may hold, by weight (RoHS Annex II: 0.1 %)",
        ),
        "max_cd": quantity(
            "fraction",
            "0.01 %",
            "the most cadmium a homogeneous material may hold, by weight (RoHS Annex II: 0.01 %)",
        ),
    },
    source=SOURCE,
    examples={"fires": FIRES, "passes": PASSES},
    doc="""
    A material the design uses holds more lead, mercury or cadmium than RoHS allows (Pb 0.1 %,
    Hg 0.1 %, Cd 0.01 % by weight), and declares no `exemption`.

    What: every material the design uses (the material of a mass, or of each region of a
    two-region mass, of a layer, of an element's `body`, of a pad `barrier`, of a lead) is read
    for its `composition`, in weight %. Where Pb, Hg or Cd is over the limit (`max_pb`, `max_hg`,
    `max_cd`), RH001 reports one finding per material and substance. Its objects are the
    material's users (mass groups, layers, elements, pad arrays, leads; a cell's instances are
    compacted, `units[0:6].m[0:4]`, in the same one finding), and it points at the declaration of
    the first of them in the design, not at the material in the std library. A value exactly at a
    limit passes. A material of a `use` library that the design does not use is not reported: the
    std library lists Pb- and Cd-bearing alloys for what they are.

    Why: RoHS restricts these substances in electrical and electronic equipment placed on the EU
    market. Its maximum concentration values apply to each homogeneous material, a material
    that cannot be separated mechanically; a solder alloy, a barrier metal or a body is one, so
    each region of a two-region mass is judged on its own (what a `mixes` step makes of two
    regions is not modelled). High-lead solders are still common in flip-chip bumps and die
    attach, where an Annex III exemption may allow them.

    Exemptions: a material that declares `exemption "..."` is not reported, whatever the text
    says: `material my_bump : Pb95Sn5 { exemption "RoHS 7(a)" }` records a claimed exemption,
    and the design then uses `my_bump`. RH001 does not judge whether the claimed entry exists,
    applies to this use (7(a) needs 85 % Pb or more; its 2025 sub-entries, 15(a) and the others
    have conditions of use and product category) or has expired: that is the compliance
    engineer's call, and the claim is in the design for review. An empty `exemption ""` is no
    claim. The message suggests an entry that can fit (7(a) from 85 % Pb, 15(a) below it, a
    placeholder for Hg and Cd), in a material of one's own for a std material (a design cannot
    add a property to a library's material), or in the material's own declaration.

    Not checked: a material without `composition` (most bodies and metals in the std library:
    the supplier's declaration decides for them); Cr(VI), PBB, PBDE and the four phthalates of
    Annex II, which a composition by chemical element cannot express. A deck may tighten or
    loosen the limits (a customer's 0.05 % Pb, or `max_cd = "0.1 %"` to silence Cd only) or
    disable the rule.
    """,
)
def restricted_substance(ctx) -> Iterator[Any]:
    assembly = ctx.assembly
    limits = [(symbol, name, ctx.params[param]) for symbol, param, name in SUBSTANCES]
    for material, users in _uses(assembly).values():
        if not material.composition or (material.exemption or "").strip():
            continue
        kinds = list(dict.fromkeys(kind for kind, _ in users))
        first = _first_in_design(assembly, users)
        for symbol, substance, limit in limits:
            if limit is None:
                continue
            weight = _content(material.composition, symbol)
            if not exceeds(weight, limit):
                continue
            yield ctx.finding(
                f"{material.name} holds {_percent(weight)} {symbol} ({substance}) by weight, over the RoHS limit "
                f"of {_percent(limit)} ({ANNEX_II}), and declares no exemption; it is used in {OBJECTS} "
                f"({', '.join(kinds)}). {_exemption_hint(material, symbol, weight)}",
                objects=[user for _, user in users],
                location=first,
                data={
                    "material": material.name,
                    "substance": symbol,
                    "weight": weight,
                    "limit": limit,
                    "library": material.library,
                    "uses": kinds,
                },
                cause=f"{material.name} {symbol}",
            )


@hookimpl
def assemblint_rules():
    return [restricted_substance]
