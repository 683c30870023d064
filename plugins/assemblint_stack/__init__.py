"""The stack geometry rules ST001–ST007 (STACK.md §7), a plugin on the public hooks.

Registered through the entry point `stack` in the project's pyproject.toml, exactly as a third
party registers its own rules; the core never imports this package. One module per rule, named
after its id. Heights and outlines come from the model (`Element.z`, `.thickness`, `.outline()`,
`.face_up()`); masses, pads and leads from the netlist's arrays (`ctx.netlist`), never a loop per
mass. A design that gives no element a `z` describes no stack, and no ST rule says anything about
it, so version-1 designs keep their findings.
"""

from __future__ import annotations

from assemblint import Rule, hookimpl

from ._review import assemblint_review as assemblint_review  # the review report's family (hookspecs.py)
from .st001_floating import floating
from .st002_overlap import overlap
from .st003_joint_gap import joint_gap
from .st004_pad_outside import pad_outside
from .st005_layer_gap import layer_gap
from .st006_facing import facing
from .st007_stack_data import stack_data

RULES: list[Rule] = [floating, overlap, joint_gap, pad_outside, layer_gap, facing, stack_data]


@hookimpl
def assemblint_rules() -> list[Rule]:
    return RULES
