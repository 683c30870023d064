"""The alpha plugin: alpha particles from the masses under a chip (seed 003, Fig. 9).

It adds the material property `alpha` (an alpha emission, in `cph/cm2`: counts per hour per
square centimetre) through the `assemblint_properties` hook, and two rules:

- AL001 alpha-shielding: a mass containing an alpha emitter sits on a chip pad that is not wider
  than the mass, so the pad metal does not shield the chip from it;
- AL002 alpha-emission: a mass on a chip pad is of a material whose `alpha` exceeds `max_alpha`
  (0.002 cph/cm², "ultra-low alpha").

Written only against assemblint's public API (`from assemblint import …`), `ctx.assembly`,
`ctx.netlist` and `ctx.timeline`, as any third-party plugin would be.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from assemblint import OBJECTS, Severity, exceeds, hookimpl, quantity, rule

__version__ = "0.1.0"

PROPERTY = "alpha"
DIMENSION = "alpha emission"  # base unit cph/cm² (counts per hour per square centimetre)
ULTRA_LOW_ALPHA = "0.002 cph/cm2"

# The element types whose active circuits an alpha particle upsets: the chip, and a wafer of chips.
CHIP_TYPES = ("chip", "wafer")

# The elements that make a mass an alpha source, by their symbol in a `composition`:
# - Pb: lead carries Pb-210 (half-life 22 years), from the uranium chain in its ore; it decays
#   through Bi-210 to Po-210, which emits 5.3 MeV alpha particles. Refining cannot separate
#   Pb-210 from the other lead isotopes, so only lead mined from low-activity ore or aged for
#   decades is "low alpha". It is the classic alpha source in solder bumps.
# - Bi: bismuth is won as a by-product of lead refining and carries Bi-210 and Po-210 with it.
# - Po, Ra, Th, U: alpha emitters themselves (Po-210, Ra-226, Th-232, U-238 and their chains).
# Tin, silver, copper, indium, gold are not counted: they emit only through traces of U and Th,
# which a composition does not list; AL002 judges those through a measured `alpha`.
ALPHA_EMITTERS = ("Pb", "Bi", "Po", "Ra", "Th", "U")


# ---------------------------------------------------------------------------------------- examples
def _design(material: str, *, chip_pad: str, mass: str = "100 um", materials: str = "") -> str:
    """A chip flip-chip joined to a substrate by two masses; the chip's pad and mass diameters vary."""
    return f"""use std
{materials}element die : chip {{ body silicon; pads c grid 1 x 2 pitch 300 um diameter {chip_pad} }}
element sub : substrate {{ body AlN; pads p grid 1 x 2 pitch 300 um diameter 150 um }}
masses m : {material} {{ joins die.c[*] -- sub.p[*]; diameter {mass}; height 80 um }}
"""


SHIELDING_FIRES = _design("Sn63Pb37", chip_pad="100 um")  # the chip pad is only as wide as the mass
SHIELDING_PASSES = _design("Sn63Pb37", chip_pad="150 um")  # the chip pad is wider than the mass


def _bump_alloy(alpha: str) -> str:
    return f"material bump_alloy : Pb95Sn5 {{ alpha {alpha} }}\n"


EMISSION_FIRES = _design("bump_alloy", chip_pad="150 um", materials=_bump_alloy("0.02 cph/cm2"))  # "low alpha"
EMISSION_PASSES = _design("bump_alloy", chip_pad="150 um", materials=_bump_alloy("0.001 cph/cm2"))  # ultra-low


# ---------------------------------------------------------------------------------------- helpers
def _chip_pads(ctx) -> tuple[np.ndarray, np.ndarray]:
    """Per mass and per side (a, b): the global id of the chip pad it sits on there, -1 if none."""
    netlist = ctx.netlist
    on_chip_element = np.array([e.type in CHIP_TYPES for e in ctx.assembly.elements] + [False])
    sides = []
    for pads in (netlist.mass_pad_a, netlist.mass_pad_b):
        element = np.where(pads >= 0, netlist.pad_element[np.maximum(pads, 0)], -1) if len(pads) else pads
        sides.append(np.where((pads >= 0) & on_chip_element[element], pads, -1))
    return sides[0], sides[1]


def _global_ids(selections: Iterable) -> np.ndarray:
    """The global mass ids of a declaration's selections (each a mass group and its chosen masses)."""
    parts = [
        s.target.start + (np.arange(s.target.count) if s.index is None else np.asarray(s.index)) for s in selections
    ]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


def _pad_names(ctx, pads: np.ndarray) -> str:
    """The pad declarations of some global pad ids, as the design names them (`die.c`)."""
    arrays = ctx.assembly.pad_arrays
    names = dict.fromkeys(
        f"{arrays[i].element.name.rsplit('.', 1)[-1]}.{arrays[i].name}"
        for i in np.unique(ctx.netlist.pad_array[pads]).tolist()
    )
    return ", ".join(names)


def _um(value: float) -> str:
    return f"{value:g} µm"


def _cph(value: float) -> str:
    return f"{value:g} cph/cm²"


def _emitters(materials: Iterable) -> list[str]:
    found = {
        symbol
        for material in materials
        for symbol, weight in (material.composition or {}).items()
        if symbol in ALPHA_EMITTERS and weight > 0
    }
    return [symbol for symbol in ALPHA_EMITTERS if symbol in found]


def _declarations(ctx, mask: np.ndarray) -> Iterator[tuple[list, np.ndarray]]:
    """The masses of a mask per `masses` statement: (its selections, their global ids)."""
    for selections in ctx.timeline.by_declaration(mask):
        yield selections, np.sort(_global_ids(selections))


# ---------------------------------------------------------------------------------------- AL001
@rule(
    id="AL001",
    name="alpha-shielding",
    severity=Severity.WARNING,
    source=(
        "seed 003 (WO 97/40958), Fig. 9: the contact shields the chip from the alpha particles of "
        "the fusible mass; a contact of larger diameter than the mass leaves only long, shallow paths "
        "around its edge"
    ),
    examples={"fires": SHIELDING_FIRES, "passes": SHIELDING_PASSES},
    doc="""
    A mass containing an alpha emitter (Pb, Bi, Po, Ra, Th or U in its `composition`) sits on a
    chip pad whose diameter is not larger than the mass's: the pad metal does not shield the chip.

    An alpha particle from a solder bump (5.3 MeV from the Po-210 that lead and bismuth carry)
    travels some 25 µm into silicon and frees about 1.5 million electron-hole pairs along its
    track. Collected at a memory cell or latch, that charge flips the stored bit: a soft error,
    not lasting damage, but a wrong answer. The metal of a chip's contact stops alpha particles,
    so the particles that matter are those that pass around the contact's edge. A contact wider
    than the mass it carries (seed 003, Fig. 9: diameter Dc substantially larger than Dm) leaves
    only paths at a low angle to the chip surface, long through the compliant layer that absorbs
    them; a contact no wider than the mass leaves the mass's rim directly above the chip.

    A chip pad is a pad of an element of type `chip` or `wafer`; a mass on two chips is judged on
    each. A pad exactly as wide as the mass fires ("not larger"); any wider passes. Masses whose
    diameter or chip pad diameter is unknown, masses with no `composition`, and masses on other
    elements' pads only are not judged. Every material of a mass (each `region`) counts. Tin,
    silver, copper, indium and gold are not counted as emitters: their alpha comes from traces
    of U and Th that a composition does not list, and AL002 judges a measured `alpha` instead.
    A low-alpha lead is still reported here; waive it if the measured emission is the remedy.
    One finding per `masses` statement, whose objects are the masses.
    """,
)
def alpha_shielding(ctx):
    netlist = ctx.netlist
    groups = ctx.assembly.mass_groups
    if not groups:
        return
    emitters_of_group = [_emitters(g.materials) for g in groups]
    has_emitter = np.array([bool(e) for e in emitters_of_group])[netlist.mass_group]
    mass_diameter = netlist.mass_diameter
    chip_pads = _chip_pads(ctx)
    unshielded = []
    for pads in chip_pads:
        pad_diameter = np.where(pads >= 0, netlist.pad_diameter[np.maximum(pads, 0)], np.nan)
        known = (pads >= 0) & ~np.isnan(pad_diameter) & ~np.isnan(mass_diameter)
        unshielded.append(known & ~exceeds(np.nan_to_num(pad_diameter), np.nan_to_num(mass_diameter)))
    mask = has_emitter & (unshielded[0] | unshielded[1])
    for selections, ids in _declarations(ctx, mask):
        pads = np.concatenate([side[ids][bad[ids]] for side, bad in zip(chip_pads, unshielded, strict=True)])
        owners = np.concatenate([ids[bad[ids]] for bad in unshielded])
        margin = netlist.pad_diameter[pads] - mass_diameter[owners]
        worst = int(np.argmin(margin))
        pad_d, mass_d = float(netlist.pad_diameter[pads[worst]]), float(mass_diameter[owners[worst]])
        group = selections[0].target
        materials = [m.name for m in group.materials]
        emitters = _emitters(group.materials)
        relation = "as wide as" if not exceeds(mass_d, pad_d) else "narrower than"
        yield ctx.finding(
            f"{OBJECTS} of {', '.join(materials)} contain {', '.join(emitters)} (alpha emitter"
            f"{'s' if len(emitters) > 1 else ''}) and sit on chip pads {_pad_names(ctx, pads)} of {_um(pad_d)}, "
            f"{relation} the {_um(mass_d)} mass: alpha particles from the mass's rim reach the chip "
            "past the pad's edge; make the chip pad wider than the mass",
            objects=selections,
            data={
                "materials": materials,
                "emitters": emitters,
                "pads": _pad_names(ctx, pads),
                "pad_diameter": pad_d,
                "mass_diameter": mass_d,
            },
            cause="chip pad not larger than the mass",
        )


# ---------------------------------------------------------------------------------------- AL002
@rule(
    id="AL002",
    name="alpha-emission",
    severity=Severity.WARNING,
    params={
        "max_alpha": quantity(
            DIMENSION,
            ULTRA_LOW_ALPHA,
            "the highest alpha emission allowed for a material of a mass on a chip pad "
            '(0.002 cph/cm2: "ultra-low alpha")',
        )
    },
    source=(
        "seed 003 (WO 97/40958): limit the alpha radiation by controlling the radioactive isotope "
        "content of the fusible material; the ultra-low-alpha grade of solder is at most 0.002 cph/cm²"
    ),
    examples={"fires": EMISSION_FIRES, "passes": EMISSION_PASSES},
    doc="""
    A mass on a chip pad is of a material whose measured `alpha` emission exceeds `max_alpha`.

    Alpha particles from the masses on a chip cause soft errors: each one frees over a million
    electron-hole pairs in the silicon, enough to flip a memory cell or a latch near its track.
    The error rate is in proportion to the flux the chip receives, which is the emission of the
    material facing it, in counts per hour per square centimetre (`cph/cm2`). Seed 003 gives the
    first remedy as controlling the radioactive isotope content of the fusible material; solder
    sold as "ultra-low alpha" emits at most 0.002 cph/cm², the default limit (ordinary "low
    alpha" grades are about 0.02 cph/cm², unrefined lead far more).

    The `alpha` property is this plugin's: `material ula : Pb95Sn5 { alpha 0.001 cph/cm2 }`,
    inherited like any other property. A chip pad is a pad of an element of type `chip` or
    `wafer`. Every material of a mass (each `region`) is judged. A material with no `alpha` is
    not judged: an emission cannot be guessed from a composition (AL001 covers masses whose
    composition holds an alpha emitter). Exactly `max_alpha` passes. One finding per `masses`
    statement, whose objects are the masses.
    """,
)
def alpha_emission(ctx):
    limit = ctx.params["max_alpha"]
    groups = ctx.assembly.mass_groups
    if not groups:
        return
    over_of_group = [
        [
            (m, m.extra[PROPERTY])
            for m in g.materials
            if m.extra.get(PROPERTY) is not None and exceeds(m.extra[PROPERTY], limit)
        ]
        for g in groups
    ]
    index_of = {id(g): i for i, g in enumerate(groups)}
    over = np.array([bool(o) for o in over_of_group])[ctx.netlist.mass_group]
    side_a, side_b = _chip_pads(ctx)
    mask = over & ((side_a >= 0) | (side_b >= 0))
    for selections, ids in _declarations(ctx, mask):
        pads = np.concatenate([side[ids][side[ids] >= 0] for side in (side_a, side_b)])
        group = selections[0].target
        found = over_of_group[index_of[id(group)]]
        worst, alpha = max(found, key=lambda pair: pair[1])
        named = ", ".join(f"{m.name} ({_cph(a)})" for m, a in found)
        yield ctx.finding(
            f"{OBJECTS} on chip pads {_pad_names(ctx, pads)} are of {named}: an alpha emission above "
            f"max_alpha {_cph(limit)}; alpha particles from the mass cause soft errors in the chip; "
            "use an ultra-low-alpha grade",
            objects=selections,
            data={
                "material": worst.name,
                "alpha": alpha,
                "max_alpha": limit,
                "materials": {m.name: a for m, a in found},
                "pads": _pad_names(ctx, pads),
            },
            cause="alpha emission above max_alpha",
        )


# ---------------------------------------------------------------------------------------- hooks
@hookimpl
def assemblint_properties():
    return {"material": {PROPERTY: DIMENSION}}


@hookimpl
def assemblint_rules():
    return [alpha_shielding, alpha_emission]
