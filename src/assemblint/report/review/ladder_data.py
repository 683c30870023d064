"""What the melting ladder shows, read from the design and its thermal timeline.

Apart from the drawing (ladder.py): the fusible materials the masses use, each with the steps
that remelt it and the service ranges it is liquid in; the layers' and elements' ratings with
the moments that exceed them; and what each step joins, mixes or remelts. Placed-cell instances
that are alike are merged here, so the drawing has one band or rating for them. And the lines the
rule families give (`LadderLine`, marks.py), each with the steps that exceed it and the findings
of its rule about its objects; lines that are alike are merged the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assemblint.checking.findings import Finding, Objects
from assemblint.checking.rules import exceeds
from assemblint.model.assembly import Assembly, Element, Layer, MassGroup, Material
from assemblint.report.review.labels import declared, phrase
from assemblint.report.review.marks import LadderLine, Review


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


@dataclass
class Line:
    """A family's ladder line as the drawing shows it: alike lines merged, what exceeds it found."""

    line: LadderLine
    family: str  # the family's prefix
    objects: dict[str, None] = field(default_factory=dict)  # element and layer names, in order
    exceeded_by: list[tuple[str, float]] = field(default_factory=list)  # (step, the temperature it heats to)
    findings: int = 0  # open findings of its rule about its objects
    waived: int = 0  # waived ones (or in the baseline)

    @property
    def alarming(self) -> bool:
        """Red: a step exceeds it, or an open finding of its rule concerns it."""
        return bool(self.exceeded_by) or self.findings > 0


def ladder_lines(assembly: Assembly, tl: Any, findings: Sequence[Finding], review: Review | None) -> list[Line]:
    """The families' lines for a design, alike ones merged, sorted by temperature (highest first)."""
    if review is None:
        return []
    merged: dict[tuple, Line] = {}
    for family, line in review.ladder_lines(assembly, findings):
        key = (line.kind, line.temperature, line.label, line.rule, line.against)
        drawn = merged.get(key)
        if drawn is None:
            drawn = merged[key] = Line(line, family.prefix)
        drawn.objects.update(dict.fromkeys([*line.elements, *line.layers]))
    if not merged:
        return []
    elements = {e.name: e for e in assembly.elements}
    layers = {layer.name: layer for layer in assembly.layers}
    for drawn in merged.values():
        objects: list[Element | Layer] = [
            o for o in (elements.get(name) or layers.get(name) for name in drawn.objects) if o is not None
        ]
        if drawn.line.kind == "limit":
            drawn.exceeded_by = _exceeding(tl, drawn.line, objects, bool(drawn.objects))
        if drawn.line.rule is not None:
            drawn.findings, drawn.waived = _findings_about(drawn, findings)
    return sorted(merged.values(), key=lambda d: (-d.line.temperature, d.line.kind, d.line.label))


def _exceeding(tl: Any, line: LadderLine, objects: list[Element | Layer], named: bool) -> list[tuple[str, float]]:
    """The steps (of the kinds the line is checked against) that heat one of its objects above it
    (that exist then), or whose peak is above it when it names no object (`named`: it names some,
    the design's among them are `objects`)."""
    out = []
    for moment in tl.steps:
        if line.against is not None and moment.kind not in line.against:
            continue
        seen = [tl.temp_of(moment, o) for o in objects if tl.exists(o, moment)] if named else [moment.high]
        hottest = max(seen, default=None)
        if hottest is not None and exceeds(hottest, line.temperature):
            out.append((moment.name, float(hottest)))
    return out


def _findings_about(drawn: Line, findings: Sequence[Finding]) -> tuple[int, int]:
    """How many findings of the line's rule name one of its objects (any, when it names none): open,
    and waived (or in the baseline). Info findings (missing data, most often) do not count."""
    wanted = set(drawn.objects) | {declared(name) for name in drawn.objects}
    open_, waived = 0, 0
    for finding in findings:
        if finding.rule != drawn.line.rule or finding.severity.value == "info":
            continue
        if wanted:
            named = finding.objects.names.values() if isinstance(finding.objects, Objects) else ()
            names = {o.name for o in named if isinstance(o, Element | Layer)} | set(finding.object_names)
            if not (names | {declared(name) for name in names}) & wanted:
                continue
        if finding.waived or finding.baseline:
            waived += 1
        else:
            open_ += 1
    return open_, waived


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
