"""How the review report draws the stack findings: marks on the top views of the joined pairs.

The family's side of the review contract (assemblint.report.review.marks; docs/plugins.md,
"Drawing your findings in the review report"); the core names no rule, so this module says what
to mark for each ST rule:

- ST003 joint-gap and ST006 facing: the finding's masses, with its message;
- ST004 pad-outside: the pads outside their element;
- ST001, ST002, ST005 and ST007 name elements: the masses that join those elements to anything
  are ringed on their views (an element joined by nothing has no view, and is listed only).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assemblint import hookimpl
from assemblint.checking.findings import Finding, objects_phrase
from assemblint.model.assembly import Assembly, Element
from assemblint.report.review.marks import EMPTY, ObjectMark, ReviewFamily, objects_of

from .st001_floating import floating
from .st002_overlap import overlap
from .st003_joint_gap import joint_gap
from .st004_pad_outside import pad_outside
from .st005_layer_gap import layer_gap
from .st006_facing import facing
from .st007_stack_data import stack_data


def _own(finding: Finding, assembly: Assembly) -> Iterator[ObjectMark]:
    yield ObjectMark.of(finding)


def _elements(finding: Finding, assembly: Assembly) -> Iterator[ObjectMark]:
    """The masses touching the elements the finding names (a whole-array test, no loop per mass)."""
    _, _, named = objects_of(finding)
    wanted = {o.name if isinstance(o, Element) else str(o) for o in named} | set(finding.object_names)
    indices = np.array([e.index for e in assembly.elements if e.name in wanted], dtype=np.int64)
    net = assembly.netlist
    if net is None or len(indices) == 0:
        return
    on_a = np.isin(net.pad_element[net.mass_pad_a], indices)
    joined = net.mass_pad_b >= 0
    on_b = np.zeros(len(on_a), dtype=bool)
    on_b[joined] = np.isin(net.pad_element[net.mass_pad_b[joined]], indices)
    masses = np.flatnonzero(on_a | on_b)
    if len(masses):
        yield ObjectMark(objects_phrase(list(finding.object_names)), finding.message, masses, EMPTY)


FAMILY = ReviewFamily(
    prefix="ST",
    title="stack geometry",
    order=50,
    marks={
        floating.id: _elements,
        overlap.id: _elements,
        joint_gap.id: _own,
        pad_outside.id: _own,
        layer_gap.id: _elements,
        facing.id: _own,
        stack_data.id: _elements,
    },
)


@hookimpl
def assemblint_review() -> list[ReviewFamily]:
    """The hook implementation (registered in __init__.py): the stack family and its markers."""
    return [FAMILY]
