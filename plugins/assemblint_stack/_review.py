"""How the review report draws the stack findings: marks on the top views of the joined pairs and
on the side view of the stack.

The family's side of the review contract (assemblint.report.review.marks; docs/plugins.md,
"Drawing your findings in the review report"); the core names no rule, so this module says what
to mark for each ST rule:

- ST003 joint-gap and ST006 facing: the finding's masses, with its message (on the side view,
  the tier of joints they are in);
- ST004 pad-outside: the pads outside their element, and (on the side view) that element;
- ST001, ST002 and ST007 name elements: the masses that join those elements to anything are
  ringed on their views (an element joined by nothing has no view, and is listed only), and the
  elements are outlined on the side view (ST007's, which has no height, is named in its list of
  elements not in the stack);
- ST005 layer-gap: the same masses, and on the side view the layer itself, between its elements.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assemblint import hookimpl
from assemblint.checking.findings import Finding, objects_phrase
from assemblint.model.assembly import Assembly, Element
from assemblint.report.review.marks import EMPTY, ObjectMark, ReviewFamily, objects_of

from ._stack import declared
from .st001_floating import floating
from .st002_overlap import overlap
from .st003_joint_gap import joint_gap
from .st004_pad_outside import pad_outside
from .st005_layer_gap import layer_gap
from .st006_facing import facing
from .st007_stack_data import stack_data


def _own(finding: Finding, assembly: Assembly) -> Iterator[ObjectMark]:
    yield ObjectMark.of(finding)


def _pads_and_their_element(finding: Finding, assembly: Assembly) -> Iterator[ObjectMark]:
    """ST004: the pads, and the elements they lie on (outlined on the side view)."""
    own = ObjectMark.of(finding)
    net = assembly.netlist
    pads = np.asarray(own.pads)
    if net is None or len(pads) == 0:
        yield own
        return
    on = np.unique(net.pad_element[pads]).tolist()
    elements = [assembly.elements[i].name for i in on]
    yield ObjectMark(own.label, own.note, own.masses, pads, elements=elements)


def _named_elements(finding: Finding, assembly: Assembly) -> list[Element]:
    _, _, named = objects_of(finding)
    wanted = {o.name if isinstance(o, Element) else str(o) for o in named} | set(finding.object_names)
    return [e for e in assembly.elements if e.name in wanted]


def _touching(assembly: Assembly, elements: list[Element]) -> np.ndarray:
    """The masses touching the elements (a whole-array test, no loop per mass)."""
    indices = np.array([e.index for e in elements], dtype=np.int64)
    net = assembly.netlist
    if net is None or len(indices) == 0:
        return EMPTY
    on_a = np.isin(net.pad_element[net.mass_pad_a], indices)
    joined = net.mass_pad_b >= 0
    on_b = np.zeros(len(on_a), dtype=bool)
    on_b[joined] = np.isin(net.pad_element[net.mass_pad_b[joined]], indices)
    return np.flatnonzero(on_a | on_b)


def _elements(finding: Finding, assembly: Assembly) -> Iterator[ObjectMark]:
    """The masses touching the elements the finding names, and (on the side view) the elements."""
    elements = _named_elements(finding, assembly)
    if elements:
        label = objects_phrase(list(finding.object_names))
        yield ObjectMark(
            label, finding.message, _touching(assembly, elements), EMPTY, elements=[e.name for e in elements]
        )


def _layer(finding: Finding, assembly: Assembly) -> Iterator[ObjectMark]:
    """ST005: the masses touching the layer's elements, and (on the side view) the layer between them."""
    elements = _named_elements(finding, assembly)
    chosen = {e.name for e in elements}
    wanted = str(finding.data.get("layer", ""))
    layers = [
        layer.name
        for layer in assembly.layers
        if declared(layer.name) == wanted
        and (layer.between is None or {e.name for e in layer.between} <= chosen or not chosen)
    ]
    if elements or layers:
        label = objects_phrase(list(finding.object_names))
        yield ObjectMark(label, finding.message, _touching(assembly, elements), EMPTY, layers=layers)


FAMILY = ReviewFamily(
    prefix="ST",
    title="stack geometry",
    order=50,
    marks={
        floating.id: _elements,
        overlap.id: _elements,
        joint_gap.id: _own,
        pad_outside.id: _pads_and_their_element,
        layer_gap.id: _layer,
        facing.id: _own,
        stack_data.id: _elements,
    },
)


@hookimpl
def assemblint_review() -> list[ReviewFamily]:
    """The hook implementation (registered in __init__.py): the stack family and its markers."""
    return [FAMILY]
