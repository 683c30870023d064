"""IN005 misalignment: a mass's footprint reaches a pad of another electrical node."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assemblint import Finding, RuleContext, Severity, falls_short, quantity, rule
from assemblint.base.diagnostics import Location
from assemblint.base.units import format_quantity

from ._examples import STRAIGHT, design
from ._geometry import Placement, Tally, face_name, pair_batches_between


def um(value: float) -> str:
    return format_quantity(value, "length")


@rule(
    id="IN005",
    name="misalignment",
    severity=Severity.ERROR,
    params={
        "alignment_tolerance": quantity(
            "length", "10 um", "how far a mass may land from its nominal position (placement and bump tolerance)"
        )
    },
    source="seed 003 (alignment such that each contact touches only its own mass)",
    examples={
        "fires": design(STRAIGHT).replace(  # the die's pads 100 µm off the interposer's
            "pads c grid 1 x 4 pitch 200 um", "pads c grid 1 x 4 pitch 200 um origin (-200 um, 0 um)"
        ),
        "passes": design(STRAIGHT),
    },
    doc="""
    A mass's footprint — a circle of radius diameter / 2 + `alignment_tolerance` around its
    position — overlaps a pad of another electrical node, on the face the mass touches of either
    element it joins.

    A mass sits at the position of its first pad, on both elements. If the two elements' pads
    are not aligned, or the mass is routed to a pad that is not opposite, its footprint lands on
    a neighbouring contact too: seed 003 aligns the elements so that each contact touches only
    its own mass. The tolerance accounts for placement error and solder spread. Overlap means
    the centre distance is less than the footprint's radius plus the pad's; exactly touching
    passes. Each (mass, pad) pair counts once; the search uses a cell list of each face's pads.
    """,
)
def misalignment(ctx: RuleContext) -> Iterator[Finding]:
    netlist = ctx.netlist
    tolerance = ctx.params["alignment_tolerance"]
    if netlist.mass_count == 0:
        return
    mass_r = np.nan_to_num(netlist.mass_diameter, nan=0.0) / 2 + tolerance
    pad_r = np.nan_to_num(netlist.pad_diameter, nan=0.0) / 2
    radius = float(mass_r.max() + (pad_r.max() if len(pad_r) else 0.0))
    if radius <= 0:
        return
    place = Placement.of(ctx.assembly)
    # each mass on each face it touches (once where both its pads are on one face), at its first pad
    second = np.flatnonzero((place.face_b >= 0) & (place.face_b != place.face_a))
    owner = np.concatenate([np.arange(netlist.mass_count), second])
    face = np.concatenate([place.face_a, place.face_b[second]])
    nodes = (netlist.mass_node, netlist.pad_node)  # a mass's own pads never count
    pads = (place.pad_face, netlist.pad_x, netlist.pad_y)
    groups = ctx.assembly.mass_groups
    first_of: dict[Location, int] = {}
    declaration = np.array([first_of.setdefault(g.loc, k) for k, g in enumerate(groups)], dtype=np.int64)
    parts = []
    # the pairs come in batches, summed up per declaration as they come: a cluster's pairs never
    # sit in memory; ties of the closest pair go to the first mass, then the first pad
    for i, pad in pair_batches_between(face, place.x, place.y, *pads, radius, apart=nodes, at=owner):
        mass = owner[i]
        dx, dy = place.x[mass] - netlist.pad_x[pad], place.y[mass] - netlist.pad_y[pad]
        distance = np.sqrt(dx * dx + dy * dy)  # as scipy's cKDTree computed it, bit for bit (it is in the data)
        hit = falls_short(distance, mass_r[mass] + pad_r[pad])
        mass, pad, distance = mass[hit], pad[hit], distance[hit]
        by_declaration = declaration[netlist.mass_group[mass]]
        rounded = np.round(distance, 3)
        weight = netlist.mass_weight[mass]
        parts.append(Tally.of(by_declaration, weight, rounded, mass, pad, distance, place.pad_face[pad], [mass]))
    tally = Tally.merge(parts)
    for k in range(len(tally.key)):
        m, p, distance = int(tally.first[k]), int(tally.second[k]), float(tally.value[k])
        mass_name = netlist.node_name(ctx.assembly, netlist.pad_count + m)
        pad_name = netlist.node_name(ctx.assembly, p)
        count = int(tally.count[k])  # every placed instance's pairs
        detail = (
            f"the footprint of {mass_name} (radius {um(mass_r[m] - tolerance)} + {um(tolerance)} tolerance) overlaps "
            f"pad {pad_name} of another electrical node on {face_name(ctx.assembly, int(tally.face[k]))}: centres "
            f"{um(distance)} apart, less than {um(float(mass_r[m] + pad_r[p]))}"
        )
        message = detail if count == 1 else f"{count} mass footprints overlap pads of other electrical nodes; {detail}"
        yield ctx.finding(
            message,
            objects=list(ctx.timeline.selections(tally.members(k))),
            data={
                "pairs": count,
                "mass": mass_name,
                "pad": pad_name,
                "distance": distance,
                "footprint_radius": float(mass_r[m]),
                "pad_radius": float(pad_r[p]),
                "alignment_tolerance": tolerance,
            },
            cause="misaligned",
            count=count,
        )
