"""The mass-containment rules CT001–CT006 (seed 003), a plugin on the public hooks.

Registered through the entry point `containment` in the project's pyproject.toml, exactly as a
third party registers its own rules; the core never imports this package. One module per rule,
named after its id. Which masses are liquid, remelted or contained, and which layers contain
them, comes from the shared thermal timeline (`ctx.timeline`, assemblint/timeline.py).
"""

from __future__ import annotations

from assemblint import Rule, hookimpl

from ._review import assemblint_review as assemblint_review  # the review report's family (hookspecs.py)
from .ct001_uncontained_liquid import uncontained_liquid
from .ct002_container_range import container_range
from .ct003_container_stiffness import container_stiffness
from .ct004_container_thickness import container_thickness
from .ct005_barrier_missing import barrier_missing
from .ct006_container_data import container_data

RULES: list[Rule] = [
    uncontained_liquid,
    container_range,
    container_stiffness,
    container_thickness,
    barrier_missing,
    container_data,
]


@hookimpl
def assemblint_rules() -> list[Rule]:
    return RULES
