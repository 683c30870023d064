"""What the melting ladder shows, read from the design and its thermal timeline.

Apart from the drawing (ladder.py): the fusible materials the masses use, each with the steps
that remelt it and the service ranges it is liquid in; the layers' and elements' ratings with
the moments that exceed them; and what each step joins, mixes or remelts. Placed-cell instances
that are alike are merged here, so the drawing has one band or rating for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assemblint.model.assembly import Assembly, Element, Layer, MassGroup, Material
from assemblint.report.review.labels import declared, phrase


@dataclass
class Band:
    material: Material
    low: float  # solidus
    high: float  # liquidus (the solidus when none is given)
    groups: dict[str, None] = field(default_factory=dict)  # the users, in order (a dict: fast to dedupe)
    remelted_by: list[str] = field(default_factory=list)
    liquid_in: list[str] = field(default_factory=list)


@dataclass
class Rating:
    kind: str  # `layer` or `element`
    names: list[str]
    what: str  # the material, or the element type
    low: float | None
    high: float
    max_temp: float | None
    exceeded_by: list[str]


def fusible_bands(assembly: Assembly, tl: Any) -> list[Band]:
    """One band per fusible material that masses use, sorted by solidus."""
    remelted, liquid = tl.remelted, tl.liquid_in_service
    steps_remelting = [(m, tl.remelted_by(m)) for m in tl.steps]
    service_liquid = [(m, tl.liquid(m)) for m in tl.service]
    bands: dict[str, Band] = {}
    for group in assembly.mass_groups:
        if group.count == 0:
            continue
        lowest = group.melting_temp
        part = slice(group.start, group.start + group.count)
        for region_name, material in _materials_of(group):
            if material.solidus is None:
                continue
            band = bands.get(material.name)
            if band is None:
                liquidus = material.liquidus if material.liquidus is not None else material.solidus
                band = bands[material.name] = Band(material, material.solidus, liquidus)
            user = f"{group.name} ({region_name})" if region_name else group.name
            band.groups[user] = None
            if material.solidus != lowest:  # what remelts or is liquid is the lowest-melting material
                continue
            if remelted[part].any():
                for moment, mask in steps_remelting:
                    if mask[part].any() and moment.name not in band.remelted_by:
                        band.remelted_by.append(moment.name)
            if liquid[part].any():
                for moment, mask in service_liquid:
                    if mask[part].any() and moment.name not in band.liquid_in:
                        band.liquid_in.append(moment.name)
    return sorted(bands.values(), key=lambda b: (b.low, b.high, b.material.name))


def _materials_of(group: MassGroup) -> list[tuple[str, Material]]:
    if group.regions:
        return [(r.name, r.material) for r in group.regions]
    return [("", group.material)] if group.material is not None else []


def ratings_of(assembly: Assembly, tl: Any) -> list[Rating]:
    """The layers' service ranges and max temps, and the elements' max temps (cell instances merged)."""
    merged: dict[tuple, Rating] = {}

    def add(kind: str, obj: Layer | Element, what: str, low: float | None, high: float, max_temp: float | None) -> None:
        exceeded = [m.name for m in tl.moments if m.high > high and (not m.is_step or tl.exists(obj, m))]
        key = (kind, declared(obj.name), what, low, high, max_temp, tuple(exceeded))
        rating = merged.get(key)
        if rating is None:
            merged[key] = Rating(kind, [obj.name], what, low, high, max_temp, exceeded)
        else:
            rating.names.append(obj.name)

    for layer in assembly.layers:
        material = layer.material
        if material is None or (material.service is None and material.max_temp is None):
            continue
        service = material.service
        top = service[1] if service else material.max_temp
        if service and material.max_temp is not None:
            top = min(service[1], material.max_temp)
        add("layer", layer, material.name, service[0] if service else None, top, material.max_temp)  # type: ignore[arg-type]
    for element in assembly.elements:
        if element.max_temp is not None:
            add("element", element, element.type, None, element.max_temp, element.max_temp)
    return list(merged.values())


def notes_of_steps(assembly: Assembly, tl: Any) -> dict[int, list[str]]:
    """Per step index: `joins b`, `mixes b`, `remelts b` (the masses named by declaration)."""
    notes: dict[int, list[str]] = {}
    if assembly.netlist is None or assembly.mass_count == 0:
        return notes
    joined_by = tl.joined_by
    for moment in tl.steps:
        out = []
        for verb, mask in (
            ("joins", joined_by == moment.index),
            ("mixes", tl.mixes(moment)),
            ("remelts", tl.remelted_by(moment)),
        ):
            names = _group_names(assembly, _masks_to_groups(assembly, mask))
            if names:
                out.append(f"{verb} {phrase(names, 2)}")
        if out:
            notes[moment.index] = out
    return notes


def _group_names(assembly: Assembly, group_indices: Iterable[int]) -> list[str]:
    groups = assembly.mass_groups
    return [groups[i].name for i in sorted(set(group_indices))]


def _masks_to_groups(assembly: Assembly, mask: np.ndarray) -> list[int]:
    """The mass groups (indices) with some mass in a mask over global mass ids."""
    netlist = assembly.netlist
    if netlist is None or not mask.any():
        return []
    return np.unique(netlist.mass_group[mask]).tolist()
