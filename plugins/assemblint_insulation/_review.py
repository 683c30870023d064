"""How the review report draws the insulation findings: marks on the top views of the joined pairs.

The family's side of the review contract (assemblint.report.review.marks; docs/plugins.md,
"Drawing your findings in the review report"): the core names no rule, so this module says what
to ring for each IN rule, reading the `data` its findings carry:

- IN001 short: the masses of each path that joins the two nets (its pads when no mass is on it);
- IN002 open: the net's pads;
- IN003 spacing: the closest pair, joined by a line, the other masses too close ringed thinly;
- IN004 insulator: the masses the conductive layer surrounds;
- IN005 misalignment: the worst mass and the pad it overlaps;
- IN006, and any finding without the data above: its own masses and pads, with its message.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assemblint import hookimpl
from assemblint.analysis.timeline import timeline_of
from assemblint.checking.findings import Finding, objects_phrase
from assemblint.model.assembly import Assembly, Layer
from assemblint.report.review.marks import EMPTY, ObjectIds, ObjectMark, ReviewFamily, number, objects_of

from .in001_short import short
from .in002_open import open_net
from .in003_spacing import spacing
from .in004_insulator import insulator
from .in005_misalignment import misalignment
from .in006_unjoined_mass import unjoined_mass

STEP = " — "  # between the nodes of a short's path (IN001's message and data)


def _short(finding: Finding, assembly: Assembly) -> Iterator[ObjectMark]:
    data = finding.data
    if not data.get("paths"):
        yield ObjectMark.of(finding)
        return
    names = ObjectIds(assembly)
    nets = data.get("nets") or list(finding.object_names)
    between = " and ".join(str(n) for n in nets[:2]) + (" …" if len(nets) > 2 else "")
    for path in data["paths"]:
        steps = str(path).replace(" is a pin of both", "").split(STEP)
        masses, pads = names.ids(steps)
        label = ", ".join(s for s in steps if names.is_mass(s))
        yield ObjectMark(
            label or ", ".join(steps),
            f"short between {between}: {path}",
            masses,
            pads if len(masses) == 0 else EMPTY,
        )


def _open(finding: Finding, assembly: Assembly) -> Iterator[ObjectMark]:
    data = finding.data
    net = str(data.get("net") or objects_phrase(list(finding.object_names)))
    groups = [str(g) for g in data.get("groups", [])]
    _, pads, _ = objects_of(finding)
    if len(pads) == 0:  # no objects to read: the groups' pad names
        pads = ObjectIds(assembly).ids(n for g in groups for n in g.split(", "))[1]
    note = f"open: net split into {len(groups) or 'several'} groups" + (": " + "; ".join(groups) if groups else "")
    yield ObjectMark(net, note, EMPTY, pads)


def _spacing(finding: Finding, assembly: Assembly) -> Iterator[ObjectMark]:
    data = finding.data
    if not data.get("closest"):
        yield ObjectMark.of(finding)
        return
    first, second = (str(n) for n in data["closest"][:2])
    pair, _ = ObjectIds(assembly).ids([first, second])
    link = (int(pair[0]), int(pair[1])) if len(pair) == 2 else None
    note = (
        f"closest pair {number(data.get('min_distance', float('nan')))} µm apart edge to edge "
        f"(minimum {number(data.get('min_spacing', float('nan')))} µm); {data.get('pairs', '?')} pairs too close"
    )
    masses, _, _ = objects_of(finding)
    yield ObjectMark(f"{first} – {second}", note, pair, EMPTY, link, masses)


def _insulator(finding: Finding, assembly: Assembly) -> Iterator[ObjectMark]:
    data = finding.data
    _, _, named = objects_of(finding)
    by_name = {layer.name: layer for layer in assembly.layers}
    layers = [by_name[o.name] for o in named if isinstance(o, Layer) and o.name in by_name]
    timeline = timeline_of(assembly)
    around = np.unique(np.concatenate([timeline.surrounded_by(layer) for layer in layers])) if layers else EMPTY
    what = ", ".join(layer.name for layer in layers) or objects_phrase(list(finding.object_names))
    note = f"conductive layer {what} ({data.get('material', '?')}) around {data.get('masses', len(around))} masses"
    yield ObjectMark(what, note, around, EMPTY)


def _misalignment(finding: Finding, assembly: Assembly) -> Iterator[ObjectMark]:
    data = finding.data
    if not data.get("mass"):
        yield ObjectMark.of(finding)
        return
    names = ObjectIds(assembly)
    mass, _ = names.ids([str(data["mass"])])
    _, pad = names.ids([str(data.get("pad", ""))])
    note = f"footprint overlaps pad {data.get('pad', '?')} of another electrical node"
    if data.get("pairs", 1) > 1:
        note += f" ({data['pairs']} such pairs: {objects_phrase(list(finding.object_names))})"
    masses, _, _ = objects_of(finding)
    yield ObjectMark(f"{data['mass']} on {data.get('pad', '?')}", note, mass, pad, None, masses)


def _own(finding: Finding, assembly: Assembly) -> Iterator[ObjectMark]:
    yield ObjectMark.of(finding)


FAMILY = ReviewFamily(
    prefix="IN",
    title="insulation",
    order=30,
    marks={
        short.id: _short,
        open_net.id: _open,
        spacing.id: _spacing,
        insulator.id: _insulator,
        misalignment.id: _misalignment,
        unjoined_mass.id: _own,
    },
)


@hookimpl
def assemblint_review() -> list[ReviewFamily]:
    """The hook implementation (registered in __init__.py): the insulation family and its markers."""
    return [FAMILY]
