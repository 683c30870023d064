"""The melting-hierarchy rules MH001–MH012 (seeds 000, 001, 003), a plugin on the public hooks.

Registered through the entry point `melting` in the project's pyproject.toml, exactly as a third
party registers its own rules; the core never imports this package. One module per rule, named
after its id, so that `grep -r MH003` leads to its code. Every rule reads the shared thermal
timeline (`ctx.timeline`, assemblint/timeline.py) rather than recomputing when things melt.
"""

from __future__ import annotations

from assemblint import Rule, hookimpl

from ._review import assemblint_review as assemblint_review  # the review report's family (hookspecs.py)
from .mh001_core_joint_order import core_joint_order
from .mh002_join_window import join_window
from .mh003_unintended_remelt import unintended_remelt
from .mh004_contained_remelt import contained_remelt
from .mh005_element_overtemp import element_overtemp
from .mh006_material_overtemp import material_overtemp
from .mh007_liquid_in_operation import liquid_in_operation
from .mh008_handling_solid import handling_solid
from .mh009_inject_solid import inject_solid
from .mh010_intent import intent
from .mh011_melt_range import melt_range
from .mh012_melt_data import melt_data

RULES: list[Rule] = [
    core_joint_order,
    join_window,
    unintended_remelt,
    contained_remelt,
    element_overtemp,
    material_overtemp,
    liquid_in_operation,
    handling_solid,
    inject_solid,
    intent,
    melt_range,
    melt_data,
]


@hookimpl
def assemblint_rules() -> list[Rule]:
    return RULES
